"""The dashboard's chart of activities: 人次 by kind this term (issue 16), drawn like the
other charts (`shouhu.reports.charts`), with its numbers as a table."""

from django.utils.translation import gettext as _

from shouhu.reports.charts import HEIGHT, Chart, Drawing, cjk_margin, nice_ceiling
from shouhu.reports.selectors.activities import KindCount


def activities_chart(counts: list[KindCount]) -> Chart:
    """人次 and events by kind, this term so far."""
    title = _("活动人次（按类型）")
    longest = max((len(c.label) for c in counts), default=0)
    top = nice_ceiling(max([c.person_times for c in counts] + [1]))
    chart = Drawing(
        "HorizontalBar",
        height=HEIGHT + 20 * max(len(counts) - 4, 0),
        truncate_label=-1,
        margin_left=cjk_margin(longest),
        range=(0, top),
        y_labels=[top * i // 4 for i in range(5)],
    )
    drawn = list(reversed(counts))  # pygal draws the first label at the bottom
    chart.x_labels = [c.label for c in drawn]
    chart.add(_("人次"), [c.person_times for c in drawn])
    return Chart(
        key="activities",
        title=title,
        svg=chart.render(),
        table_headers=[_("类型"), _("活动次数"), _("人次")],
        table_rows=[[c.label, c.events, c.person_times] for c in counts],
    )
