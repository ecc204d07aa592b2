"""The attendance pages: a class's roll call on a phone, an absence's follow-up, the school
calendar, the figures of a unit, and the fragments of the home page and the child's file. Each
view is one step from its URL: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.care.selectors import child_for_care
from shouhu.core.forms import form_errors_add, parse_id
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import School
from shouhu.org.selectors import class_get_for, classes_for, term_current
from shouhu.org.units import breadcrumbs, node_code, page_node
from shouhu.schooling.forms_attendance import (
    AbsenceFollowUpForm,
    CalendarChangeForm,
    DayForm,
)
from shouhu.schooling.models import AbsenceReason
from shouhu.schooling.selectors.attendance import (
    absence_get_for,
    attendance_todos_for,
    child_attendance_for,
    roll_call_sheet_for,
)
from shouhu.schooling.selectors.calendar import calendar_change_get_for, calendar_for
from shouhu.schooling.services.attendance import (
    absence_call_record,
    absence_explain,
    calendar_change_add,
    calendar_change_remove,
    roll_call_save,
)

REASON_FIELD = "reason_"


@permission_required(Perm.ATTENDANCE_RECORD)
def roll_call_classes(request):
    """The classes whose roll call the user takes today; a head teacher goes straight to theirs."""
    classes = list(classes_for(request.user))
    if len(classes) == 1:
        return redirect("schooling:roll-call", class_id=classes[0].pk)
    from shouhu.schooling.selectors.attendance import roll_calls_today_for

    return render(
        request,
        "schooling/attendance_classes.html",
        {"rows": roll_calls_today_for(request.user, classes=classes)},
    )


def _absent_from(post) -> tuple[dict[int, str], dict[int, str]]:
    """The children marked absent (`reason_<id>` = a reason; empty is present), and notes."""
    absent: dict[int, str] = {}
    notes: dict[int, str] = {}
    for key, value in post.items():
        if key.startswith(REASON_FIELD) and value:
            child_id = parse_id(key[len(REASON_FIELD) :])
            if child_id is None:
                raise ValidationError({"absent": _("提交的学生无效。")})
            absent[child_id] = value
            note = post.get(f"note_{child_id}", "")
            if note:
                notes[child_id] = note
    return absent, notes


@permission_required(Perm.ATTENDANCE_RECORD)
@require_http_methods(["GET", "POST"])
def roll_call(request, class_id):
    """Today's roll call of a class: everyone present by default; pick a reason beside each
    absent child and send. Sent again, it is corrected (the history keeps what was sent)."""
    school_class = class_get_for(request.user, class_id)
    day = timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        try:
            absent, notes = _absent_from(request.POST)
            roll_call_save(
                actor=request.user,
                school_class=school_class,
                day=day,
                absent=absent,
                notes=notes,
                request=request,
            )
        except ValidationError as error:
            errors = [f"{m}" for m in error.messages]
        else:
            messages.success(
                request,
                _("已保存%(cls)s的点名：缺勤 %(n)d 人。")
                % {"cls": school_class.name, "n": len(absent)},
            )
            return redirect("schooling:roll-call", class_id=school_class.pk)
    sheet = roll_call_sheet_for(request.user, school_class=school_class, day=day)
    return render(
        request,
        "schooling/attendance_roll_call.html",
        {
            "sheet": sheet,
            "errors": errors,
            "reasons": AbsenceReason.choices,
        },
        status=400 if errors else 200,
    )


@permission_required(Perm.ATTENDANCE_RECORD)
@require_http_methods(["GET", "POST"])
def absence_follow_up(request, absence_id):
    """An absence's follow-up: the reason found out later, and the call to the guardian."""
    absence = absence_get_for(request.user, absence_id)
    form = AbsenceFollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["summary"].strip():
                absence_call_record(
                    actor=request.user,
                    absence=absence,
                    summary=data["summary"],
                    reason=data["reason"] or AbsenceReason.UNKNOWN,
                    request=request,
                )
            else:
                absence_explain(
                    actor=request.user,
                    absence=absence,
                    reason=data["reason"],
                    note=data["note"],
                    request=request,
                )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, _("已记录%(name)s的缺勤跟进。") % {"name": absence.child.name}
            )
            return redirect("schooling:roll-call", class_id=absence.roll_call.school_class_id)
    return render(
        request,
        "schooling/attendance_follow_up.html",
        {"absence": absence, "form": form},
        status=400 if form.errors else 200,
    )


@permission_required(Perm.SCHOOL_CALENDAR)
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The school calendar of a term: add a day off or a make-up day, take one back."""
    node = page_node(request, perm=Perm.SCHOOL_CALENDAR, classes=False)
    if not isinstance(node, School):
        raise Http404
    form = CalendarChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        try:
            if remove is not None:
                change = calendar_change_get_for(request.user, parse_id(remove) or 0)
                if change.school_id != node.pk:
                    raise Http404
                calendar_change_remove(actor=request.user, change=change)
                messages.success(request, _("已删除该校历调整。"))
                return redirect(f"{request.path}?scope={node_code(node)}")
            if form.is_valid():
                calendar_change_add(actor=request.user, school=node, **form.cleaned_data)
                messages.success(request, _("已保存校历调整。"))
                return redirect(f"{request.path}?scope={node_code(node)}")
        except ValidationError as error:
            if remove is not None:
                messages.error(request, " ".join(error.messages))
                return redirect(f"{request.path}?scope={node_code(node)}")
            form_errors_add(form, error)
    term = term_current()
    return render(
        request,
        "schooling/attendance_calendar.html",
        {
            "calendar": calendar_for(request.user, school=node, term=term),
            "form": form,
            "code": node_code(node),
        },
        status=400 if form.errors else 200,
    )


@permission_required(Perm.DASHBOARD_VIEW)
def figures(request):
    """Attendance of a unit (a class, a school, a township, the county) for a day and for the
    term so far, left-behind and other children side by side, and one level down."""
    from shouhu.schooling.selectors.attendance import attendance_page_for

    node = page_node(request)
    days = DayForm(request.GET)
    day = (days.cleaned_data["day"] if days.is_valid() else None) or timezone.localdate()
    page = attendance_page_for(request.user, node=node, day=day, term=term_current(day))
    return render(
        request,
        "schooling/attendance_figures.html",
        {
            "page": page,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "day": day,
        },
    )


@login_required
def home_attendance(request):
    """我的待办 of attendance (the home page fetches it): nothing for a user with nothing to do."""
    todos = attendance_todos_for(request.user)
    if not todos:
        return HttpResponse("")
    return render(request, "schooling/attendance_home.html", {"todos": todos})


@permission_required(Perm.CHILD_VIEW)
def child_attendance_section(request, public_id):
    """The 考勤 section of the child's file: this term's absences as the matrix allows."""
    child = child_for_care(request.user, public_id)
    shown = child_attendance_for(request.user, child=child, term=term_current())
    if shown is None:
        return HttpResponse("")
    return render(request, "schooling/attendance_child.html", {"child": child, "attendance": shown})
