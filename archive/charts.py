"""Bar charts of counts over time, laid out on the server for SVG: periods (months or years) with
no gaps, a y axis of round ticks that bars are scaled to, x labels that never overlap, stacked
series (statements split by speaker), and the same figures as a table.

Pure Python: the template tags (archive.templatetags.search_tags) pass the result to
templates/archive/includes/_chart.html. A chart is laid out for the width it is shown at (the
SVG's units are then about a CSS pixel), so its text stays the size of the page's text: a main
column chart comes in a wide and a narrow layout (the stylesheet shows one by the screen's
width), a sidebar chart in the narrow one only.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAX_MONTHS = 36  # beyond three years, a bar a year reads better than a bar a month
WIDE, NARROW, SIDEBAR = 720, 340, 270  # a desktop's main column, a phone, a sidebar
HEIGHT = 210
FONT_SIZE = 12
CHAR_WIDTH = 7.2  # generous for 12px system-ui text: a label estimated wide never collides
LABEL_GAP = 10
MARGIN_TOP, MARGIN_RIGHT, MARGIN_LEFT = 16, 10, 12
MONTH_ROW, YEAR_ROW = 16, 31  # baselines of the x labels, under the axis
MARGIN_BOTTOM = 38
MAX_BAR_WIDTH = 36
MONTH_STEPS = (1, 2, 3, 6, 12)
YEAR_STEPS = (1, 2, 5, 10, 20, 50)
OTHERS = "Others"


@dataclass
class Period:
    """One bar: a month ("2021-12") or a year ("2021"), and its count for each series."""

    key: str
    long_label: str  # "December 2021", "2021"
    values: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.values.values())


@dataclass
class Timeline:
    """Counts by period, with no gaps between the first and the last, and the series they are
    split into (one series, "", when they are not)."""

    unit: str  # "month" or "year"
    periods: list[Period]
    series: list[tuple[str, str]] = field(default_factory=lambda: [("", "")])  # (key, label)

    @property
    def total(self) -> int:
        return sum(period.total for period in self.periods)

    @property
    def split(self) -> bool:
        return len(self.series) > 1 or self.series[0][0] != ""


def month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def build_timeline(
    counts: Iterable[tuple[str, str, int]],
    *,
    unit: str = "auto",
    series_labels: Mapping[str, str] | None = None,
    max_series: int = 0,
) -> Timeline:
    """A Timeline from (period, series, count) rows, the period a month ("2021-12") or a year
    ("2021"). `unit` "auto" gives months for up to MAX_MONTHS of them, else years; rows by year
    only give years. With `max_series`, the series with most in all are kept by name and the
    rest summed as OTHERS; without it, every row counts in one series ""."""
    rows = [(period, serie or "", int(n)) for period, serie, n in counts if period and n]
    if not rows:
        return Timeline(unit="month" if unit == "auto" else unit, periods=[])
    by_year_only = any(len(period) == 4 for period, _, _ in rows)
    months = sorted({period for period, _, _ in rows if len(period) == 7})
    if unit == "auto":
        span = _month_span(months[0], months[-1]) if months else 0
        unit = "year" if by_year_only or span > MAX_MONTHS else "month"
    if by_year_only:
        unit = "year"

    kept: list[str] = []
    if max_series:
        totals: dict[str, int] = {}
        for _, serie, n in rows:
            totals[serie] = totals.get(serie, 0) + n
        ranked = sorted(totals, key=lambda s: (-totals[s], s))
        kept = [s for s in ranked if s][:max_series]

    def serie_of(serie: str) -> str:
        if not max_series:
            return ""
        return serie if serie in kept else OTHERS

    values: dict[str, dict[str, int]] = {}
    for period, serie, n in rows:
        key = period[:4] if unit == "year" else period
        bucket = values.setdefault(key, {})
        name = serie_of(serie)
        bucket[name] = bucket.get(name, 0) + n

    keys = sorted(values)
    if unit == "year":
        all_keys = [str(year) for year in range(int(keys[0]), int(keys[-1]) + 1)]
    else:
        all_keys = _months_between(keys[0], keys[-1])
    periods = [Period(key, _long_label(key), values.get(key, {})) for key in all_keys]

    if max_series:
        labels = series_labels or {}
        series = [(s, labels.get(s, s)) for s in kept]
        if any(OTHERS in period.values for period in periods):
            series.append((OTHERS, OTHERS))
    else:
        series = [("", "")]
    return Timeline(unit=unit, periods=periods, series=series)


def timeline_of_dates(rows: Iterable[tuple[datetime.date | None, int]]) -> Timeline:
    """A Timeline (one series) from (first day of a month, count) rows, as the speaker and topic
    pages count them with TruncMonth."""
    return build_timeline((month_key(day), "", n) for day, n in rows if day)


def _month_span(first: str, last: str) -> int:
    (y1, m1), (y2, m2) = (int(first[:4]), int(first[5:7])), (int(last[:4]), int(last[5:7]))
    return (y2 - y1) * 12 + m2 - m1 + 1


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    keys = []
    for _ in range(_month_span(first, last)):
        keys.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return keys


def _long_label(key: str) -> str:
    if len(key) == 4:
        return key
    return datetime.date(int(key[:4]), int(key[5:7]), 1).strftime("%B %Y")


# --- Layout -----------------------------------------------------------------------------------


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 to the first round value at or above `top` (steps of 1, 2
    or 5 times a power of ten), at most `most` steps: the y axis the bars are scaled to."""
    top = max(int(top), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            count = math.ceil(top / step)
            if count <= most:
                return [i * step for i in range(count + 1)]
        magnitude *= 10


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _label_step(slot: float, widest: float, steps: Sequence[int]) -> int:
    """The smallest step (label every n-th bar) at which labels stand apart."""
    for step in steps:
        if slot * step >= widest + LABEL_GAP:
            return step
    return steps[-1]


def _place(labels: list[dict], width: float) -> list[dict]:
    """Labels (x, text, anchor) kept left to right while each stands clear of the one before and
    inside the chart: a label that would overlap is left out, never drawn over another."""
    placed: list[dict] = []
    right_edge = -math.inf
    for label in labels:
        w = text_width(label["text"])
        left = label["x"] - (w / 2 if label["anchor"] == "middle" else 0)
        if left < 0:
            label = {**label, "x": w / 2 if label["anchor"] == "middle" else 0}
            left = 0
        if left + w > width:
            label = {**label, "x": width - w, "anchor": "start"}
            left = width - w
        if left >= right_edge + LABEL_GAP:
            placed.append(label)
            right_edge = left + w
    return placed


def layout(timeline: Timeline, width: int, noun: str = "statement") -> dict:
    """Everything the SVG template draws, in SVG units for a chart `width` wide."""
    periods = timeline.periods
    top = max((period.total for period in periods), default=0)
    ticks = nice_ticks(top)
    axis_max = ticks[-1]
    left = MARGIN_LEFT + text_width(str(axis_max))
    plot_width = width - left - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = MARGIN_TOP + plot_height
    slot = plot_width / max(len(periods), 1)
    # A few periods make wide slots: a bar keeps a bar's width, not the slot's.
    bar_width = min(slot * 0.72, MAX_BAR_WIDTH) if slot >= 4 else slot

    def y(value: float) -> float:
        return round(baseline - plot_height * value / axis_max, 1)

    series_index = {key: i for i, (key, _) in enumerate(timeline.series)}
    bars, month_labels, year_labels = [], [], []
    if timeline.unit == "year":
        step = _label_step(slot, text_width("0000"), YEAR_STEPS)
    else:
        step = _label_step(slot, text_width("Mmm"), MONTH_STEPS)
    for i, period in enumerate(periods):
        x = left + i * slot + (slot - bar_width) / 2
        centre = round(left + i * slot + slot / 2, 1)
        stacked = 0
        for key, label in timeline.series:
            count = period.values.get(key, 0)
            if not count:
                continue
            who = f" ({label})" if label else ""
            bars.append(
                {
                    "x": round(x, 1),
                    "y": y(stacked + count),
                    "width": round(bar_width, 1),
                    "height": round(y(stacked) - y(stacked + count), 1),
                    "series": series_index[key],
                    "title": f"{period.long_label}{who}: {count} {_plural(noun, count)}",
                }
            )
            stacked += count
        if timeline.unit == "year":
            if (int(period.key) - int(periods[0].key)) % step == 0:
                month_labels.append({"x": centre, "text": period.key, "anchor": "middle"})
        else:
            month = int(period.key[5:7])
            if (month - 1) % step == 0 or (i == 0 and step == 1):
                month_labels.append(
                    {"x": centre, "text": period.long_label[:3], "anchor": "middle"}
                )
            if i == 0 or month == 1:
                year_labels.append(
                    {"x": round(left + i * slot, 1), "text": period.key[:4], "anchor": "start"}
                )
    month_labels = _place(month_labels, width)
    year_labels = _place(year_labels, width)
    return {
        "width": width,
        "height": HEIGHT,
        "left": round(left, 1),
        "right": round(width - MARGIN_RIGHT, 1),
        "top": MARGIN_TOP,
        "baseline": round(baseline, 1),
        "bars": bars,
        "y_ticks": [{"y": y(tick), "label": tick} for tick in ticks],
        "y_label_x": round(left - 5, 1),
        "x_labels": month_labels,
        "x_label_y": round(baseline + MONTH_ROW, 1),
        "year_labels": year_labels,
        "year_label_y": round(baseline + YEAR_ROW, 1),
        "tick_bottom": round(baseline + 4, 1),
        "font_size": FONT_SIZE,
    }


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 else f"{noun}s"


def chart_context(
    timeline: Timeline, title: str, noun: str = "statement", *, sidebar: bool = False
) -> dict:
    """The template's context: one layout for each width the chart is shown at, the table."""
    widths = [SIDEBAR] if sidebar else [WIDE, NARROW]
    peak = max(timeline.periods, key=lambda period: period.total, default=None)
    return {
        "timeline": timeline,
        "title": title,
        "noun": noun,
        "nouns": _plural(noun, 2),
        "total": timeline.total,
        "total_noun": _plural(noun, timeline.total),
        "peak": peak,
        "layouts": [
            {"name": "wide" if width == WIDE else "narrow", **layout(timeline, width, noun)}
            for width in widths
        ],
        "only_layout": len(widths) == 1,
        "series": [
            {"key": key, "label": label, "index": i}
            for i, (key, label) in enumerate(timeline.series)
        ],
    }
