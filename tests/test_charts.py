import datetime

import lxml.html

from archive.charts import BASELINE, bar_chart, monthly_chart, yearly_chart
from archive.templatetags.archive_tags import chart_bars, chart_rows


def test_bars_scale_to_the_peak():
    chart = bar_chart("t", [("a", 2, "", ""), ("b", 4, "/b", "B"), ("c", 0, "", "")])
    assert [bar.height for bar in chart.bars] == [55.0, 110.0, 0]
    assert chart.bars[1].y == BASELINE - 110
    assert (chart.peak, chart.total) == (4, 6)


def test_monthly_chart_fills_empty_months():
    chart = monthly_chart(
        "t", {datetime.date(2024, 1, 1): 3, datetime.date(2024, 4, 1): 1}, href=lambda m: f"/{m:%m}"
    )
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("January 2024", 3),
        ("February 2024", 0),
        ("March 2024", 0),
        ("April 2024", 1),
    ]
    assert [bar.tick for bar in chart.bars] == ["Jan", "Feb", "Mar", "Apr"]
    assert chart.bars[3].href == "/04"


def test_long_monthly_chart_labels_years():
    chart = monthly_chart("t", {datetime.date(2022, 6, 1): 1, datetime.date(2024, 2, 1): 1})
    assert [bar.tick for bar in chart.bars if bar.tick] == ["2022", "2023", "2024"]


def test_empty_charts_have_no_bars():
    assert monthly_chart("t", {}).bars == []
    assert yearly_chart("t", {}).bars == []


def test_yearly_chart():
    chart = yearly_chart("t", {2020: 2, 2022: 1})
    assert [(bar.label, bar.value) for bar in chart.bars] == [("2020", 2), ("2021", 0), ("2022", 1)]


def test_the_chart_is_drawn_with_every_label_and_link_escaped():
    chart = bar_chart(
        "t", [("<b>a</b>", 2, '/x?a=1&b="><script>', "A&B"), ("plain", 0, "", ""), ("c", 1, "", "")]
    )
    bars = lxml.html.fragment_fromstring(chart_bars(chart), create_parent="svg")
    link = bars.find("a")
    assert link.get("href") == '/x?a=1&b="><script>'
    assert link.get("aria-label") == "<b>a</b>: 2"
    assert link.findtext("rect/title") == "<b>a</b>: 2"
    assert [text.text for text in bars.iter("text")] == ["A&B"]
    assert len(bars.findall("rect")) == 2  # the plain bars; the linked one is inside its link
    assert "<script>" not in chart_bars(chart) + chart_rows(chart)
    rows = lxml.html.fragment_fromstring(chart_rows(chart), create_parent="table")
    assert [row.text_content() for row in rows.iter("tr")] == ["<b>a</b>2", "c1"]  # zeros left out
