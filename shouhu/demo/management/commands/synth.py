"""`shouhu synth --children 20000 --months 12 [--seed N]`: a synthetic county for benchmarks.

From `PROVINCE_FROM` children (or with `--province`) on PostgreSQL it builds a province of 20
cities and counties of about 20,000 children, on `--workers` cores (`demo.province_load`);
SQLite refuses a province. `--bench-json FILE` merges the province's figures into FILE
(`synth_province_s`, `db_bytes_province`, `rows_province`)."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from shouhu.demo import data
from shouhu.demo.management.commands.seed_demo import report_care
from shouhu.demo.province_load import TEMPLATES, ProvinceSummary, province_seed
from shouhu.demo.services import planner_statistics_refresh, synth_database_empty, synth_seed

PROVINCE_FROM = 100_000  # children: a province, not a county


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
        parser.add_argument(
            "--province",
            action="store_true",
            help=f"生成省（20 个市），人数不足 {PROVINCE_FROM} 时也如此（仅 PostgreSQL）。"
            "Build a province even below that size (PostgreSQL only).",
        )
        parser.add_argument(
            "--counties", type=int, default=None, help="县的个数（默认约每 2 万儿童一个）。"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 2,
            help="并行进程数（默认 CPU 核数）。Worker processes for a province.",
        )
        parser.add_argument(
            "--templates",
            type=int,
            default=TEMPLATES,
            help=f"由县级合成逐人生成的县数（默认 {TEMPLATES}），其余县复制自它们。"
            "Counties drawn by the county synth; the others are stamps of them.",
        )
        parser.add_argument(
            "--bench-json", type=Path, default=None, help="把省的用时和行数写入此 JSON 文件。"
        )

    def handle(self, *args, children: int, months: int, seed: int, **options) -> None:  # noqa: C901
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
        if options["province"] or children >= PROVINCE_FROM:
            if connection.vendor != "postgresql":
                raise CommandError(
                    f"SQLite 不能生成省级数据（{PROVINCE_FROM} 名儿童起或 --province）："
                    "请使用 PostgreSQL（SHOUHU_DATABASE_URL）。\n"
                    "A province needs PostgreSQL."
                )
            province = province_seed(
                children=children,
                months=months,
                seed=seed,
                counties=options["counties"],
                workers=max(1, options["workers"]),
                templates=max(1, options["templates"]),
                log=self.stdout.write,
            )
            self._province_report(province, options["bench_json"], months=months)
            return
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

    def _province_report(
        self, summary: ProvinceSummary, bench_json: Path | None, *, months: int
    ) -> None:
        out = self.stdout.write
        rows = sum(summary.rows.values())
        out(
            self.style.SUCCESS(
                f"已生成合成省：{summary.cities} 个市、{summary.counties} 个县，"
                f"在册儿童约 {summary.children} 人，{rows} 行，用时 {summary.seconds:.1f} 秒，"
                f"数据库 {summary.db_bytes / 2**20:.0f} MB。"
            )
        )
        out(
            f"Synthetic province: {summary.cities} cities, {summary.counties} counties, "
            f"{summary.children} children, {rows} rows ({rows / summary.seconds:.0f} rows/s) "
            f"in {summary.seconds:.1f} s with {summary.workers} workers; "
            f"database {summary.db_bytes} bytes; load average {os.getloadavg()[0]:.1f}."
        )
        for phase, seconds in summary.phases.items():
            out(f"  {phase:<20}{seconds:>10.1f} s")
        for table, n in sorted(summary.rows.items(), key=lambda kv: -kv[1]):
            out(f"  {table:<40}{n:>12}")
        if bench_json is None:
            return
        figures = json.loads(bench_json.read_text()) if bench_json.exists() else {}
        figures["synth_province_s"] = {
            "value": round(summary.seconds, 1),
            "unit": "s",
            "children": summary.children,
            "months": months,
            "counties": summary.counties,
            "workers": summary.workers,
            "templates": summary.templates,
            "rows_per_s": round(rows / summary.seconds),
            "phases_s": {k: round(v, 1) for k, v in summary.phases.items()},
            "load_average": round(os.getloadavg()[0], 1),
        }
        figures["db_bytes_province"] = {"value": summary.db_bytes, "unit": "bytes"}
        figures["rows_province"] = {"value": dict(sorted(summary.rows.items())), "unit": "rows"}
        bench_json.parent.mkdir(parents=True, exist_ok=True)
        bench_json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
