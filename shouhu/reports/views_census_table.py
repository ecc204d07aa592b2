"""The census table (汇总表) page and the register export, which carries the table as its
second sheet. Their addresses stay under /children/census/, where the census import is."""

import io
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.audit.selectors import export_grants_usable_by
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.forms import node_params
from shouhu.org.models import SchoolClass
from shouhu.org.selectors import term_by_code, term_current, terms_all
from shouhu.org.units import node_code, node_for, page_node, user_scope_node
from shouhu.reports.census_table import census_table_for, column_headers
from shouhu.reports.forms import ExportForm
from shouhu.reports.jobs import runs_as_job
from shouhu.reports.services import census_export
from shouhu.reports.views import export_queued

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _term(code: str | None):
    if code:
        return term_by_code(code)
    term = term_current()
    if term is None:
        raise Http404
    return term


@permission_required(Perm.CENSUS_EXPORT)
@require_http_methods(["GET", "POST"])
def census_export_view(request):
    user = request.user
    scope = user_scope_node(user)
    current = term_current()
    grants = list(export_grants_usable_by(user))
    form = ExportForm(
        request.POST or None,
        terms=list(terms_all()),
        grants=grants,
        initial={
            "scope": node_code(scope)
            if scope is not None and not isinstance(scope, SchoolClass)
            else "",
            "term": current.code if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        node = node_for(user, data["scope"])
        term = term_by_code(data["term"])
        if runs_as_job(node):
            label = _("%(node)s %(term)s 登记表") % {"node": node.name, "term": term}
            return export_queued(
                request,
                kind="reports.census_export",
                label=label,
                node=node,
                term=term,
                include_all=data["include_all"],
                grant=str(data["grant"]) if data["grant"] else "",
            )
        buffer = io.BytesIO()
        try:
            census_export(
                actor=user,
                node=node,
                term=term,
                out=buffer,
                include_all=data["include_all"],
                grant_id=data["grant"] or None,
                request=request,
            )
        except PermissionDenied as exc:
            form.add_error("grant", str(exc))
        else:
            filename = f"农村留守儿童基本情况登记表-{node.name}-{term.code}.xlsx"
            response = HttpResponse(buffer.getvalue(), content_type=XLSX)
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
            return response
    return render(request, "reports/census_export.html", {"form": form, "grants": grants})


@permission_required(Perm.CENSUS_VIEW)
def census_table(request):
    user = request.user
    params = node_params(request)
    node = page_node(request)
    term = _term(params["term"])
    return render(
        request,
        "reports/census_table.html",
        {
            "census_table": census_table_for(user, node=node, term=term),
            "headers": column_headers(),
            "terms": terms_all(),
            "term": term,
            "scope": params["scope"],
        },
    )
