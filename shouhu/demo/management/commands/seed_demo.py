"""`shouhu seed-demo`: load the demo county (四川省达州市万源市) into an empty database."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouhu.demo import data
from shouhu.demo.services import (
    SeedSummary,
    demo_database_empty,
    demo_seed,
    planner_statistics_refresh,
)


class Command(BaseCommand):
    help = (
        "载入演示数据：万源市的乡镇、学校、班级、留守儿童、各角色演示账号，以及结对帮扶和关爱记录。"
        "Load the demo county with its care work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库已有数据时什么也不做。Do nothing if the database already holds data.",
        )
        parser.add_argument(
            "--children",
            type=int,
            default=data.DEFAULT_CHILDREN,
            help=f"在册儿童人数（默认 {data.DEFAULT_CHILDREN}）。Children on the register.",
        )

    def handle(self, *args, if_empty: bool, children: int, **options) -> None:
        # The demo accounts (admin, county, privacy …) carry the password published in the
        # README: in production whoever logs in first would own them.
        if not settings.SHOUHU_DEMO_DATA_ALLOWED:
            raise CommandError(
                "生产环境（SHOUHU_DEBUG=0）拒绝载入演示数据：演示账号使用公开的密码。\n"
                "Demo data is refused in production (SHOUHU_DEBUG=0): "
                "the demo accounts use the published password."
            )
        if children < 1:
            raise CommandError("--children 至少为 1。--children must be at least 1.")
        if not demo_database_empty():
            if if_empty:
                self.stdout.write("数据库中已有数据，未载入演示数据。")
                self.stdout.write("The database already holds data: the demo was not loaded.")
                return
            raise CommandError(
                "数据库中已有数据，拒绝重复载入演示数据。请从空数据库开始（如 make clean）。\n"
                "The database is not empty; refusing to load the demo again. "
                "Start from an empty database (e.g. make clean)."
            )
        summary = demo_seed(children=children)
        planner_statistics_refresh()
        self._report(summary)

    def _report(self, summary: SeedSummary) -> None:
        out = self.stdout.write
        out(
            self.style.SUCCESS(
                f"已载入演示数据：在册儿童 {summary.children} 人，已离开名册 {summary.left} 人，"
                f"用时 {summary.seconds:.1f} 秒。"
            )
        )
        out(
            f"Demo loaded: {summary.children} children on the register, {summary.left} left, "
            f"in {summary.seconds:.1f} s."
        )
        out("")
        out("乡镇      学校  班级  在册儿童  留守儿童  在校学生   占比")
        out("township schools classes children left-behind pupils share (this term)")
        for t in summary.townships:
            share = f"{100 * t.left_behind / t.pupils:.1f}%" if t.pupils else "—"
            out(
                f"{t.name:<6}{t.schools:>6}{t.classes:>6}{t.children:>10}"
                f"{t.left_behind:>10}{t.pupils:>10}{share:>8}"
            )
        out("")
        out(
            f"班主任账号 head 的班级：{summary.head_class}，本学期留守儿童 "
            f"{summary.head_left_behind} 人。"
        )
        out(
            f"The head teacher 'head' runs {summary.head_class}: "
            f"{summary.head_left_behind} left-behind children this term."
        )
        report_care(out, summary)
        out("登录账号：shouhu demo-logins。Logins: shouhu demo-logins.")


def report_care(out, summary: SeedSummary) -> None:
    """The care work written, for `seed-demo` and `synth`."""
    care = summary.care
    span = f"{summary.care_from:%Y-%m-%d} – {summary.care_to:%Y-%m-%d}"
    out(
        f"关爱工作（{span}）：结对 {care.pairings} 条，关爱记录 {care.actions} 条"
        f"（涉及儿童 {care.links} 人次），必访信号 {care.signals} 条"
        f"（未完成任务 {care.open_tasks} 条），一帮一伙伴 {care.buddies} 对，"
        f"免除 {care.exemptions} 条，新建教师和志愿者账号 {care.staff} 个。"
    )
    out(
        f"Care work ({span}): {care.pairings} pairings, {care.actions} care actions "
        f"({care.links} child links), {care.signals} signals ({care.open_tasks} tasks open), "
        f"{care.buddies} buddies, {care.exemptions} exemptions, {care.staff} new staff accounts."
    )
