"""The reports' pages: the census (/census/), the dashboard (/dashboard/), the statistical
tables (Excel), the semester work summary (draft, DOCX, PDF) and the assessment.

Every page is about one node (?scope=CODE: a region prefix, a school code or class:ID; by
default the user's own node) and one term (?term=CODE; by default the current one). A node
outside the user's scope is a 404; a role without the permission, a 403.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.core.replica import reading_from_replica
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.jobs.exporting import export_run_start
from shouhu.org.forms import node_params
from shouhu.org.models import SchoolClass
from shouhu.org.selectors import term_by_code, term_current, terms_all
from shouhu.org.units import breadcrumbs, node_code, old_scope_query, page_node, unit_label
from shouhu.registry.models import Flag
from shouhu.reports.charts import categories_chart, compliance_chart, trend_chart, units_chart
from shouhu.reports.charts_activities import activities_chart
from shouhu.reports.forms import WorkSummaryDraftForm
from shouhu.reports.jobs import runs_as_job
from shouhu.reports.selectors import (
    DEFINITIONS,
    FIGURES,
    LEFT_BEHIND_CATEGORIES,
    census_for,
    dashboard_for,
    figures_cached,
)
from shouhu.reports.selectors.assessment import assessment_for
from shouhu.reports.selectors.drafts import work_summary_draft_for
from shouhu.reports.selectors.exports import work_summary_export_for, workbook_for
from shouhu.reports.selectors.kept import kept_figures
from shouhu.reports.services import work_summary_draft_save
from shouhu.reports.work_summary.build import default_title, work_summary_build
from shouhu.reports.work_summary.render import to_docx, to_pdf


@permission_required(Perm.CENSUS_VIEW)
def census(request):
    """1. Pick the node (?scope=CODE, default: the user's scope node; the old ?class=ID
       redirects to ?scope=class:ID).
    2. Pick the term (?term=CODE, default: the current term).
    3. Count, compare with the previous term, and list the next level down."""
    user = request.user
    old = old_scope_query(request)
    if old is not None:
        return redirect(f"{request.path}?{old}", permanent=True)
    node = page_node(request)
    params = node_params(request)
    term = term_by_code(params["term"]) if params["term"] else term_current()
    result, counted_at = None, None
    if term and node:  # counted once a minute per unit, term and day (reports.selectors.kept)
        kept = kept_figures(
            "census",
            user,
            node=node,
            term=term,
            perm=Perm.CENSUS_VIEW,
            count=lambda: census_for(user, node=node, term=term),
        )
        result, counted_at = kept.value, kept.counted_at
    return render(
        request,
        "reports/census.html",
        {
            "census": result,
            "counted_at": counted_at,
            "terms": terms_all(),
            "term": term,
            "category_rows": _rows(result, "by_category", LEFT_BEHIND_CATEGORIES),
            "flag_rows": _rows(result, "by_flag", list(Flag)),
            "definitions": DEFINITIONS,
            "units_are_classes": result is not None
            and bool(result.units)
            and isinstance(result.units[0].node, SchoolClass),
        },
    )


def _rows(result, attribute: str, choices) -> list[tuple]:
    """(label, this term, previous term) for each category or flag."""
    if result is None:
        return []
    now = getattr(result.figures, attribute)
    before = getattr(result.previous, attribute) if result.previous else {}
    return [(c.label, now.get(c.value, 0), before.get(c.value)) for c in choices]


# --- what every report page shares ------------------------------------------------------------


def _node_and_term(request, perm: str, *, classes: bool = True):
    """The page's node (`page_node`) and term. The term is None only when no term exists."""
    node = page_node(request, perm=perm, classes=classes)
    params = node_params(request)
    term = term_by_code(params["term"]) if params["term"] else term_current()
    return node, term


def _query(node, term) -> str:
    return urlencode({"scope": node_code(node), "term": term.code})


def _context(request, node, term) -> dict:
    return {
        "node": node,
        "term": term,
        "terms": terms_all(),
        "code": node_code(node),
        "query": _query(node, term) if term else "",
        "breadcrumbs": breadcrumbs(request.user, node),
        "is_class": isinstance(node, SchoolClass),
    }


def export_queued(request, *, kind: str, label: str, node, term, **params) -> HttpResponse:
    """Queue a region's report for the worker and show its progress (shouhu.reports.jobs)."""
    run = export_run_start(
        actor=request.user,
        kind=kind,
        label=label,
        params={"scope": node_code(node), "term": term.code, **params},
    )
    return redirect("jobs:export-status", public_id=run.public_id)


def _attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- the dashboard ----------------------------------------------------------------------------


@permission_required(Perm.DASHBOARD_VIEW)
def dashboard(request):
    """Tiles, charts (each with its table) and the units one level down, with drill-down."""
    node, term = _node_and_term(request, Perm.DASHBOARD_VIEW)
    context = _context(request, node, term)
    if term is not None:

        def count():
            with figures_cached(), reading_from_replica():
                return dashboard_for(request.user, node=node, term=term)

        # Counted once a minute per unit, term and day (reports.selectors.kept: the rule).
        kept = kept_figures(
            "dashboard", request.user, node=node, term=term, perm=Perm.DASHBOARD_VIEW, count=count
        )
        board = kept.value
        context["counted_at"] = kept.counted_at
        label = unit_label(node)
        charts = [
            trend_chart(board.trend),
            categories_chart(board.categories, board.flags),
            compliance_chart(board.months),
        ]
        if board.units:
            charts.append(units_chart(board.units, unit_label=label))
        charts.append(activities_chart(board.activities))  # 人次 by kind (issue 16)
        context |= {
            "board": board,
            "charts": charts,
            "unit_label": label,
            "definitions": [FIGURES[t.key] for t in board.tiles]
            + [
                FIGURES[k]
                for k in ("census_trend", "by_category", "by_flag", "compliance_by_month")
            ]
            + [FIGURES["pairing_coverage"], FIGURES["units"]],
        }
    return render(request, "reports/dashboard.html", context)


# --- the statistical tables -------------------------------------------------------------------


@permission_required(Perm.REPORT_LEAD)
def workbook(request):
    """The Excel workbook of the node's statistical tables for the term."""
    node, term = _node_and_term(request, Perm.REPORT_LEAD)
    if term is None:
        raise Http404
    if runs_as_job(node):
        label = _("%(node)s %(term)s 统计报表") % {"node": node.name, "term": term}
        return export_queued(request, kind="reports.workbook", label=label, node=node, term=term)
    with reading_from_replica():
        content = workbook_for(request.user, node=node, term=term, request=request)
    return _attachment(
        content,
        filename=f"{node.name}{term.code}统计报表.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- the work summary -------------------------------------------------------------------------


@permission_required(Perm.SUMMARY_DRAFT)
@require_http_methods(["GET", "POST"])
def work_summary(request):
    """The draft of the node's work summary: the figures and lists drawn from the records, and
    a form for what the leader writes (存在问题, 下步打算), saved as a draft. A head teacher's
    node is the class: the class's summary (篇一–五)."""
    node, term = _node_and_term(request, Perm.SUMMARY_DRAFT)
    if term is None:
        raise Http404
    draft = work_summary_draft_for(request.user, node=node, term=term)
    if request.method == "POST":
        form = WorkSummaryDraftForm(request.POST)
        if form.is_valid():
            work_summary_draft_save(actor=request.user, node=node, term=term, **form.cleaned_data)
            messages.success(request, _("草稿已保存。"))
            return redirect(f"{request.path}?{_query(node, term)}")
    else:
        initial = (
            {"title": draft.title, "problems": draft.problems, "plans": draft.plans}
            if draft
            else {"title": default_title(node, term)}
        )
        form = WorkSummaryDraftForm(initial=initial)
    with reading_from_replica():
        document = work_summary_build(request.user, node=node, term=term, draft=draft)
    return render(
        request,
        "reports/summary.html",
        _context(request, node, term) | {"form": form, "draft": draft, "document": document},
    )


def _work_summary_file(request, kind: str):
    node, term = _node_and_term(request, Perm.SUMMARY_DRAFT)
    if term is None:
        raise Http404
    if runs_as_job(node):
        label = _("%(node)s %(term)s 工作总结（%(kind)s）") % {
            "node": node.name,
            "term": str(term),
            "kind": kind.upper(),
        }
        return export_queued(
            request, kind="reports.summary", label=label, node=node, term=term, format=kind
        )
    with reading_from_replica():
        document = work_summary_export_for(
            request.user, node=node, term=term, kind=kind, request=request
        )
    if kind == "pdf":
        return _attachment(
            to_pdf(document),
            filename=f"{document.title}.pdf",
            content_type="application/pdf",
        )
    return _attachment(
        to_docx(document),
        filename=f"{document.title}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@permission_required(Perm.SUMMARY_DRAFT)
def work_summary_docx(request):
    return _work_summary_file(request, "docx")


@permission_required(Perm.SUMMARY_DRAFT)
def work_summary_pdf(request):
    return _work_summary_file(request, "pdf")


# --- the assessment ---------------------------------------------------------------------------


@permission_required(Perm.REPORT_LEAD)
def assessment(request):
    """检查考核: a school's teachers, or a region's schools, ranked by a score computed from the
    records, with every component shown and the weights documented."""
    node, term = _node_and_term(request, Perm.REPORT_LEAD, classes=False)
    context = _context(request, node, term)
    if term is not None:
        with figures_cached():
            context["result"] = assessment_for(request.user, node=node, term=term)
    return render(request, "reports/assessment.html", context)
