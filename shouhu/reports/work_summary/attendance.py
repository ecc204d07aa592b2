"""The work summary's attendance (考勤, issue 14) in 取得成效: the term's attendance rate so far,
left-behind and other children side by side, and the unexplained absences."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shouhu.reports.selectors.attendance import attendance_figures_for
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def attendance_results(context: SummaryContext) -> list[Part]:
    try:
        f = attendance_figures_for(context.user, node=context.node, term=context.term)
    except PermissionDenied:
        return []
    if not f.roll_calls:
        return [Part(title=_("学生出勤"), paragraphs=[_("本学期尚无点名记录。")])]
    return [
        Part(
            title=_("学生出勤"),
            paragraphs=[
                _(
                    "本学期（截至目前）共点名%(rolls)d班次，出勤率%(rate)s，其中留守儿童%(lb)s、"
                    "其他儿童%(others)s；无故缺勤%(unexplained)d人次，其中留守儿童%(u_lb)d人次。"
                )
                % {
                    "rolls": f.roll_calls,
                    "rate": _pct(f.rate),
                    "lb": _pct(f.rate_left_behind),
                    "others": _pct(f.rate_others),
                    "unexplained": f.unexplained,
                    "u_lb": f.unexplained_left_behind,
                }
            ],
            figures=["attendance_rate", "unexplained_absences"],
        )
    ]
