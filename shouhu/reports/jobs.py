"""The reports made by the worker (issue 17, "Long exports and summaries"): a township's,
county's or city's statistical workbook, work summary and register export can take a minute,
so the page queues them (`shouhu.jobs.exporting`) and shows their progress. A school's or a
class's are made at once, in the request: they take a second.

Each kind re-reads its node and term as the user who asked, when the worker runs it, so a
scope or permission lost in between refuses the file.
"""

import io

from django.utils.translation import gettext as _

from shouhu.core.roles import Perm
from shouhu.jobs.exports import ExportFile, Progress, export_kind
from shouhu.org.models import Region
from shouhu.org.selectors import term_by_code
from shouhu.org.units import node_for
from shouhu.reports.selectors.exports import work_summary_export_for, workbook_for
from shouhu.reports.services import census_export
from shouhu.reports.work_summary.render import to_docx, to_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def runs_as_job(node) -> bool:
    """A region's reports (a township and above) are made by the worker."""
    return isinstance(node, Region)


@export_kind(name="reports.workbook", perm=Perm.REPORT_LEAD)
def workbook(user, params: dict, progress: Progress) -> ExportFile:
    node = node_for(user, params["scope"], perm=Perm.REPORT_LEAD)
    term = term_by_code(params["term"])
    progress(0.1, _("统计各项数据"))
    content = workbook_for(user, node=node, term=term)
    return ExportFile(f"{node.name}{term.code}统计报表.xlsx", XLSX, content)


@export_kind(name="reports.summary", perm=Perm.SUMMARY_DRAFT)
def summary(user, params: dict, progress: Progress) -> ExportFile:
    node = node_for(user, params["scope"], perm=Perm.SUMMARY_DRAFT)
    term = term_by_code(params["term"])
    kind = "pdf" if params.get("format") == "pdf" else "docx"
    progress(0.1, _("汇总各项数据"))
    document = work_summary_export_for(user, node=node, term=term, kind=kind)
    progress(0.6, _("排版"))
    if kind == "pdf":
        return ExportFile(f"{document.title}.pdf", "application/pdf", to_pdf(document))
    return ExportFile(f"{document.title}.docx", DOCX, to_docx(document))


@export_kind(name="reports.census_export", perm=Perm.CENSUS_EXPORT)
def census_register(user, params: dict, progress: Progress) -> ExportFile:
    node = node_for(user, params["scope"], perm=Perm.CENSUS_EXPORT)
    term = term_by_code(params["term"])
    progress(0.1, _("写入登记表"))
    buffer = io.BytesIO()
    census_export(
        actor=user,
        node=node,
        term=term,
        out=buffer,
        include_all=bool(params.get("include_all")),
        grant_id=params.get("grant") or None,
    )
    filename = f"农村留守儿童基本情况登记表-{node.name}-{term.code}.xlsx"
    return ExportFile(filename, XLSX, buffer.getvalue())
