"""`shouhu summary --scope 511781101 --term 2026-2027-1 --format pdf -o 总结.pdf`: the work
summary of a node, as the web page exports it (with the leader's draft, if one was saved)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shouhu.accounts.operator import province_reader
from shouhu.org.models import SchoolClass
from shouhu.reports.management.arguments import node_and_term
from shouhu.reports.selectors.drafts import work_summary_draft_for
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.reports.work_summary.render import to_docx, to_pdf


class Command(BaseCommand):
    help = "生成某学期某区划或学校的关爱留守儿童工作总结（DOCX 或 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="区划代码（如 511781）或10位学校标识码")
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--format", dest="kind", choices=["docx", "pdf"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="输出文件")

    def handle(self, *args, scope, term, kind: str, output: str, **options):
        node, the_term = node_and_term(scope, term)
        if isinstance(node, SchoolClass):
            raise CommandError("工作总结只能按区划或学校生成。")
        operator = province_reader(node)
        draft = work_summary_draft_for(operator, node=node, term=the_term)
        if draft is not None:  # the summary is signed by whoever wrote the draft
            operator.display_name = str(draft.updated_by)
        document = work_summary_build(operator, node=node, term=the_term, draft=draft)
        content = to_pdf(document) if kind == "pdf" else to_docx(document)
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}：{len(content)} 字节")
