"""Template tags for the search, speaker and topic pages: charts drawn on the server as SVG."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django import template

register = template.Library()

CHART_WIDTH = 640
CHART_HEIGHT = 160
MAX_MONTHS = 36  # beyond three years, a bar per year reads better than a bar per month


def time_buckets(
    rows: Sequence[tuple[datetime.date, int]],
) -> tuple[list[tuple[str, str, int]], str]:
    """Monthly counts as bars with no gaps: [(short label, long label, count)], and the unit."""
    rows = [(day, count) for day, count in rows if day]
    if not rows:
        return [], "month"
    counts: dict[tuple[int, int], int] = {}
    for day, count in rows:
        key = (day.year, day.month)
        counts[key] = counts.get(key, 0) + count
    first, last = min(counts), max(counts)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span > MAX_MONTHS:
        years: dict[int, int] = {}
        for (year, _), count in counts.items():
            years[year] = years.get(year, 0) + count
        return [
            (str(year), str(year), years.get(year, 0)) for year in range(first[0], last[0] + 1)
        ], "year"
    bars = []
    year, month = first
    for _ in range(span):
        day = datetime.date(year, month, 1)
        bars.append((day.strftime("%b %y"), day.strftime("%B %Y"), counts.get((year, month), 0)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return bars, "month"


@register.inclusion_tag("archive/includes/_search_chart.html")
def timeline_chart(rows, title: str, noun: str = "mention"):
    """A bar chart of counts over time, with a text equivalent for screen readers."""
    bars, unit = time_buckets(rows or [])
    top = max((count for _, _, count in bars), default=0) or 1
    slot = CHART_WIDTH / max(len(bars), 1)
    width = max(2.0, slot * 0.8)
    plot = CHART_HEIGHT - 30
    drawn = []
    every = max(1, len(bars) // 12)  # label at most about a dozen bars
    for i, (short, long, count) in enumerate(bars):
        height = plot * count / top
        drawn.append(
            {
                "x": round(i * slot + (slot - width) / 2, 1),
                "y": round(plot - height + 10, 1),
                "width": round(width, 1),
                "height": round(height, 1),
                "label": short if i % every == 0 else "",
                "label_x": round(i * slot + slot / 2, 1),
                "title": f"{long}: {count} {noun}{'' if count == 1 else 's'}",
                "count": count,
            }
        )
    return {
        "bars": drawn,
        "title": title,
        "unit": unit,
        "total": sum(count for _, _, count in bars),
        "top": top,
        "noun": noun,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "axis_y": CHART_HEIGHT - 20,
        "label_y": CHART_HEIGHT - 5,
    }


@register.inclusion_tag("archive/includes/_search_bars.html")
def ranking_chart(values, title: str):
    """Horizontal bars for facet values (who says this most): label, bar and count in text."""
    values = list(values or [])
    top = max((value.count for value in values), default=0) or 1
    rows = []
    for i, value in enumerate(values):
        rows.append(
            {
                "value": value,
                "y": i * 26,
                "width": round(200 * value.count / top, 1),
            }
        )
    return {"rows": rows, "title": title, "height": len(rows) * 26}
