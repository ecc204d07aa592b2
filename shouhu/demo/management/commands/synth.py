"""`shouhu synth --children 20000 --months 12 [--seed N]`: a synthetic county for benchmarks."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouhu.demo import data
from shouhu.demo.management.commands.seed_demo import report_care
from shouhu.demo.services import planner_statistics_refresh, synth_database_empty, synth_seed


class Command(BaseCommand):
    help = (
        "生成合成县数据（乡镇、学校、班级、儿童、结对和关爱记录），用于性能测试。"
        "Build a synthetic county of the given size into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--children", type=int, required=True, help="在册儿童人数。Children on the register."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=12,
            help="关爱记录的月数，截至昨天（默认 12）。Months of care work up to yesterday.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=data.DEFAULT_SEED,
            help=f"随机种子（默认 {data.DEFAULT_SEED}）。The random seed.",
        )

    def handle(self, *args, children: int, months: int, seed: int, **options) -> None:
        if children < 50:
            raise CommandError("--children 至少为 50。--children must be at least 50.")
        if not 1 <= months <= 60:
            raise CommandError("--months 应在 1 到 60 之间。--months must be 1 to 60.")
        if not synth_database_empty():
            raise CommandError(
                "数据库中已有数据，拒绝生成合成数据。请使用空数据库（先 migrate）。\n"
                "The database is not empty; refusing to build a synthetic county. "
                "Use an empty, migrated database."
            )
        summary = synth_seed(children=children, months=months, seed=seed)
        planner_statistics_refresh()
        out = self.stdout.write
        schools = sum(t.schools for t in summary.townships)
        classes = sum(t.classes for t in summary.townships)
        out(
            self.style.SUCCESS(
                f"已生成合成县：{len(summary.townships)} 个乡镇、{schools} 所学校、"
                f"{classes} 个班级，"
                f"在册儿童 {summary.children} 人，已离开名册 {summary.left} 人，"
                f"用时 {summary.seconds:.1f} 秒。"
            )
        )
        out(
            f"Synthetic county: {len(summary.townships)} townships, {schools} schools, "
            f"{classes} classes, {summary.children} children on the register, {summary.left} left, "
            f"in {summary.seconds:.1f} s."
        )
        report_care(out, summary)
