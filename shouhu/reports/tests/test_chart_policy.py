"""A chart inlined in a page carries no inline style at all, attribute included: the Content
Security Policy refuses `style="…"` as it refuses <style> (issue 11, point 12)."""

import re

import pytest

from shouhu.reports.charts import Chart, Drawing


@pytest.mark.parametrize("kind", ["Bar", "Line", "HorizontalBar"])
def test_an_inlined_chart_has_no_style_attribute(kind):
    drawing = Drawing(kind, range=(0, 100))
    drawing.x_labels = ["九月", "十月"]
    drawing.add("家访", [40, None])
    drawing.add("通话", [80, 90], secondary=True)
    chart = Chart(key=kind, title="完成率", svg=drawing.render())
    assert "style=" in chart.svg  # pygal's own output has one (its tooltip)…
    svg = str(chart.inline_svg)
    assert not re.search(r"\sstyle\s*=", svg), svg  # …the page's copy none
    assert 'class="tooltip"' in svg  # hidden by charts.css instead
