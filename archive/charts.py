"""Small bar charts drawn on the server as SVG: no JavaScript, no chart library.

The view computes the geometry here; templates/includes/_bar_chart.html only writes the
numbers out, and a data table beside the chart carries the same figures for screen readers
and text browsers.
"""

import datetime
from dataclasses import dataclass

WIDTH = 600
HEIGHT = 140
BASELINE = 120
LABEL_Y = 136


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    href: str = ""
    tick: str = ""


@dataclass
class BarChart:
    title: str
    bars: list
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE
    label_y: int = LABEL_Y

    @property
    def total(self):
        return sum(bar.value for bar in self.bars)


def bar_chart(title, points):
    """points: (label, value, href, tick) in display order; tick is an axis label or ""."""
    points = list(points)
    peak = max((value for _, value, _, _ in points), default=0)
    slot = WIDTH / max(len(points), 1)
    gap = min(slot * 0.2, 4)
    bars = []
    for index, (label, value, href, tick) in enumerate(points):
        height = (value / peak) * (BASELINE - 10) if peak else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + gap / 2, 2),
                y=round(BASELINE - height, 2),
                width=round(max(slot - gap, 1), 2),
                height=round(height, 2),
                href=href,
                tick=tick,
            )
        )
    return BarChart(title=title, bars=bars, peak=peak)


def months_between(first, last):
    """Every first-of-month from `first` to `last` inclusive."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def monthly_chart(title, counts, href=lambda month: ""):
    """counts: {first-of-month date: n}; empty months between show as zero.

    Up to a year, every month is labelled; beyond that, each year where it starts.
    """
    if not counts:
        return bar_chart(title, [])
    months = list(months_between(min(counts), max(counts)))

    def tick(index, month):
        if len(months) <= 12:
            return month.strftime("%b")
        return month.strftime("%Y") if month.month == 1 or index == 0 else ""

    return bar_chart(
        title,
        [
            (month.strftime("%B %Y"), counts.get(month, 0), href(month), tick(i, month))
            for i, month in enumerate(months)
        ],
    )


def yearly_chart(title, counts, href=lambda year: ""):
    """counts: {year: n}; empty years between show as zero, labelled every fifth if many."""
    if not counts:
        return bar_chart(title, [])
    years = range(min(counts), max(counts) + 1)
    step = 1 if len(years) <= 15 else 5
    return bar_chart(
        title,
        [
            (str(year), counts.get(year, 0), href(year), str(year) if year % step == 0 else "")
            for year in years
        ],
    )
