"""Writes of the reports: a leader or a head teacher saves the draft of a semester work
summary; the register is exported with the census table (汇总表) beside it."""

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shouhu.accounts.models import User
from shouhu.accounts.operator import census_reader_for
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, export_grant_take
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.units import node_code
from shouhu.registry.census_sheets.exporting import (
    census_export_check,
    page_header,
    register_sheet_write,
    watermark,
)
from shouhu.reports.census_table import CensusTable, census_table_for, census_table_sheet
from shouhu.reports.models import SummaryDraft, draft_node_kwargs


@transaction.atomic
def work_summary_draft_save(
    *,
    actor: User,
    node: Region | School | SchoolClass,
    term: Term,
    title: str,
    problems: str,
    plans: str,
) -> SummaryDraft:
    """Create or update the draft of a node's summary for a term (one per node and term): a
    region's or a school's by its leader, a class's by its head teacher."""
    if not actor.has_perm_to(Perm.SUMMARY_DRAFT):
        raise PermissionDenied
    if not isinstance(node, (Region, School, SchoolClass)) or not in_scope(actor, node):
        raise Http404
    kwargs = draft_node_kwargs(node)
    draft = SummaryDraft.objects.select_for_update().filter(term=term, **kwargs).first()
    if draft is None:
        draft = SummaryDraft(term=term, created_by=actor, **kwargs)
    draft.title = title.strip()
    draft.problems = problems.strip()
    draft.plans = plans.strip()
    draft.updated_by = actor
    draft.full_clean()
    draft.save()
    return draft


@dataclass
class ExportResult:
    rows: int
    full: bool
    census_table: CensusTable


@transaction.atomic
def census_export(
    *,
    actor: User,
    node: Region | School | SchoolClass,
    term: Term,
    out: str | IO[bytes],
    include_all: bool = False,
    grant_id=None,
    request: HttpRequest | None = None,
) -> ExportResult:
    """Write the register of a node for a term to `out`, with the census table (汇总表) as its
    second sheet.

    1. The actor must be allowed to export the node (`census_export_check`).
    2. A grant named is used up (`export_grant_take`): the register is then unmasked.
    3. The register sheet, every child exported logged; then the census table, read as
       `shouhu census` reads it for the operator; both sheets under one watermark.
    4. The export itself is logged, with its node, term, size and masking."""
    census_export_check(actor=actor, node=node)
    grant = export_grant_take(actor=actor, node=node, grant_id=grant_id) if grant_id else None
    full = grant is not None
    mark = watermark(actor=actor, at=timezone.now(), node=node, term=term, grant=grant)
    workbook = Workbook(write_only=True)
    count = register_sheet_write(
        workbook,
        actor=actor,
        node=node,
        term=term,
        mark=mark,
        include_all=include_all,
        full=full,
        request=request,
    )
    table = census_table_for(census_reader_for(actor, node), node=node, term=term)
    census_table_sheet(workbook, table, mark=mark, header=page_header(node, term))
    access_record(
        user=actor if actor.pk else None,
        action=AccessAction.EXPORT,
        query=_("导出名册 %(node)s %(term)s：%(n)d人，%(how)s")
        % {
            "node": node_code(node),
            "term": term.code,
            "n": count,
            "how": _("完整导出（授权 %(g)s）") % {"g": grant.public_id} if grant else _("脱敏"),
        },
        request=request,
    )
    workbook.save(out)
    return ExportResult(rows=count, full=full, census_table=table)
