"""Administrators keep the tree: one list and one form page serve every kind of record."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shouhu.core.forms import form_errors_add, paginate
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org import forms
from shouhu.org.selectors import org_record_get, org_records
from shouhu.org.services import org_record_save


@dataclass(frozen=True)
class Kind:
    label: str
    form: type
    columns: tuple[str, ...]


KINDS = {
    "region": Kind(gettext_lazy("行政区划"), forms.RegionForm, ("code", "name", "level")),
    "school": Kind(gettext_lazy("学校"), forms.SchoolForm, ("code", "name", "kind", "region")),
    "class": Kind(
        gettext_lazy("班级"), forms.SchoolClassForm, ("school", "grade", "name", "head_teacher")
    ),
    "term": Kind(gettext_lazy("学期"), forms.TermForm, ("code", "starts_on", "ends_on")),
    "enrolment": Kind(
        gettext_lazy("班级学生数"), forms.ClassEnrolmentForm, ("school_class", "term", "pupils")
    ),
}


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@permission_required(Perm.ORG_MANAGE)
def record_list(request, kind):
    spec = _kind(kind)
    records = org_records(kind)
    page = paginate(request, records)
    model = spec.form._meta.model
    headers = [model._meta.get_field(c).verbose_name for c in spec.columns]
    rows = [
        (r.pk, [(h, _display(r, c)) for h, c in zip(headers, spec.columns, strict=True)])
        for r in page.object_list
    ]
    return render(
        request,
        "org/list.html",
        {
            "kind": kind,
            "spec": spec,
            "kinds": KINDS,
            "page": page,
            "headers": headers,
            "rows": rows,
        },
    )


def _display(record, column: str) -> str:
    getter = getattr(record, f"get_{column}_display", None)
    value = getter() if getter else getattr(record, column)
    return "—" if value in (None, "") else str(value)


@permission_required(Perm.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def record_edit(request, kind, pk=None):
    spec = _kind(kind)
    instance = org_record_get(kind, pk) if pk is not None else None
    form = spec.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            org_record_save(actor=request.user, record=form.instance)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("org:list", kind=kind)
    return render(request, "org/form.html", {"kind": kind, "spec": spec, "form": form})
