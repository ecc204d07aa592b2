"""The reports' files as a user downloads them: the statistical tables (Excel) and the work
summary (DOCX or PDF). Each download is logged (`export`): what, the node and the term."""

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.units import node_code
from shouhu.reports.selectors.drafts import work_summary_draft_for
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.reports.work_summary.document import Document
from shouhu.reports.workbook import workbook_build


def _export_record(user, what: str, *, node, term: Term, request=None) -> None:
    access_record(
        user=user,
        action=AccessAction.EXPORT,
        query=f"{what} scope={node_code(node)} term={term.code}",
        request=request,
    )


def workbook_for(user, *, node: Region | School | SchoolClass, term: Term, request=None) -> bytes:
    """The Excel workbook of the node's statistical tables for the term (`workbook_build`)."""
    content = workbook_build(user, node=node, term=term)
    _export_record(user, "统计报表", node=node, term=term, request=request)
    return content


def work_summary_export_for(
    user, *, node: Region | School | SchoolClass, term: Term, kind: str, request=None
) -> Document:
    """The node's work summary as the page shows it (with the saved draft), to be rendered as
    `kind` ("docx" or "pdf"): 403 for a role that may not draft, 404 outside the scope."""
    draft = work_summary_draft_for(user, node=node, term=term)
    document = work_summary_build(user, node=node, term=term, draft=draft)
    _export_record(user, f"工作总结 {kind.upper()}", node=node, term=term, request=request)
    return document
