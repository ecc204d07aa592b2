"""Writes of the reports of 控辍保学: the school leader submits the month's report (一月一报告),
its figures frozen as submitted; the county (or township) reviews a school's entries for a
quarter (一季度一复核): confirms, or sends back with a note."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope, may
from shouhu.org.models import School
from shouhu.schooling.dropout_rules import quarter_of
from shouhu.schooling.models.dropout import MonthlyReport, QuarterReview, ReviewDecision
from shouhu.schooling.selectors.dropout_reports import monthly_figures


@transaction.atomic
def monthly_report_submit(
    *, actor: User, school: School, month: datetime.date, note: str = ""
) -> MonthlyReport:
    """The school leader submits the month's report; once per school and month."""
    if not actor.has_perm_to(Perm.DROPOUT_MANAGE) or actor.role != Role.SCHOOL_LEADER:
        raise PermissionDenied(_("只有学校领导可以报送月报。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))
    today = timezone.localdate()
    if month.day != 1 or month > today:
        raise ValidationError({"month": _("只能报送本月或以前月份的月报。")})
    if MonthlyReport.objects.filter(school=school, month=month).exists():
        raise ValidationError(
            {"month": _("%(y)d年%(m)d月的月报已报送。") % {"y": month.year, "m": month.month}}
        )
    figures = monthly_figures(school, month, today=today)
    report = MonthlyReport(
        school=school,
        month=month,
        submitted_by=actor,
        submitted_at=timezone.now(),
        figures=figures.counts(),
        note=note.strip(),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def quarter_review_record(
    *, actor: User, school: School, quarter: str, decision: str, note: str = ""
) -> QuarterReview:
    """The county's review of a school's entries for a quarter; sending back needs a note."""
    if not may(actor, Perm.DROPOUT_REVIEW):
        raise PermissionDenied(_("您没有复核控辍保学台账的权限。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": _("请选择复核结论。")})
    if decision == ReviewDecision.SENT_BACK and not note.strip():
        raise ValidationError({"note": _("退回时请写明需要学校核实或更正的内容。")})
    if not re.fullmatch(r"\d{4}-Q[1-4]", quarter):
        raise ValidationError({"quarter": _("季度格式应为2026-Q4。")})
    if quarter > quarter_of(timezone.localdate()):
        raise ValidationError({"quarter": _("不能复核尚未开始的季度。")})
    review = QuarterReview(
        school=school,
        quarter=quarter,
        decision=decision,
        note=note.strip(),
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )
    review.full_clean()
    review.save()
    return review
