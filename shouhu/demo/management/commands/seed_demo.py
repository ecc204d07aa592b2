"""`shouhu seed-demo`: load the demo county (四川省达州市万源市) into an empty database."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouhu.demo import data
from shouhu.demo.services import demo_database_empty, demo_seed


class Command(BaseCommand):
    help = "载入演示数据：万源市的乡镇、学校、班级、留守儿童和各角色演示账号。Load the demo county."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库已有儿童档案时不做任何事。Do nothing if the database already holds children.",
        )
        parser.add_argument(
            "--children",
            type=int,
            default=data.DEFAULT_CHILDREN,
            help=f"在册儿童人数（默认 {data.DEFAULT_CHILDREN}）。Children on the register.",
        )

    def handle(self, *args, if_empty: bool, children: int, **options) -> None:
        if children < 1:
            raise CommandError("--children 至少为 1。--children must be at least 1.")
        if not demo_database_empty():
            if if_empty:
                self.stdout.write("数据库中已有数据，未载入演示数据。Database not empty: demo not loaded.")
                return
            raise CommandError(
                "数据库中已有数据，拒绝重复载入演示数据。请先清空数据库（如 make clean）再执行。\n"
                "The database is not empty; refusing to load the demo again. "
                "Start from an empty database (e.g. make clean)."
            )
        summary = demo_seed(children=children)
        self.stdout.write(self.style.SUCCESS(
            f"已载入演示数据：在册儿童 {summary.children} 人，已离开名册 {summary.left} 人，"
            f"用时 {summary.seconds:.1f} 秒。"
        ))
        self.stdout.write(
            f"Demo loaded: {summary.children} children on the register, {summary.left} left, "
            f"in {summary.seconds:.1f} s."
        )
        self.stdout.write("")
        header = f"{'乡镇':<6}{'学校':>6}{'班级':>6}{'在册儿童':>8}{'留守儿童':>8}{'在校学生':>8}{'占比':>8}"
        self.stdout.write(header)
        for township in summary.townships:
            share = (
                f"{100 * township.left_behind / township.pupils:.1f}%" if township.pupils else "—"
            )
            self.stdout.write(
                f"{township.name:<6}{township.schools:>8}{township.classes:>8}"
                f"{township.children:>12}{township.left_behind:>12}{township.pupils:>12}"
                f"{share:>10}"
            )
        self.stdout.write("")
        self.stdout.write(
            f"班主任演示账号 head 的班级：{summary.head_class}，本学期留守儿童 "
            f"{summary.head_left_behind} 人。"
        )
        self.stdout.write(
            f"The head teacher account 'head' runs {summary.head_class}: "
            f"{summary.head_left_behind} left-behind children this term."
        )
        self.stdout.write("登录账号见 shouhu demo-logins。Logins: shouhu demo-logins.")
