"""Charts that read right (archive/charts.py): round ticks the bars are scaled to, labels that
never overlap at any span and width, stacked series, and the table behind each chart."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.loader import render_to_string

from archive.charts import (
    CHAR_WIDTH,
    HEIGHT,
    NARROW,
    SIDEBAR,
    WIDE,
    build_timeline,
    chart_context,
    layout,
    nice_ticks,
    timeline_of_dates,
)


def months(first: str, count: int, value: int = 1) -> list[tuple[str, str, int]]:
    year, month = int(first[:4]), int(first[5:])
    rows = []
    for _ in range(count):
        rows.append((f"{year:04d}-{month:02d}", "", value))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return rows


def extent(label: dict) -> tuple[float, float]:
    width = len(label["text"]) * CHAR_WIDTH
    left = label["x"] - width / 2 if label["anchor"] == "middle" else label["x"]
    return left, left + width


def test_ticks_are_round_whole_numbers_from_zero_to_at_least_the_top():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(23) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    for top in range(1, 2000, 7):
        ticks = nice_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 6
        assert len({b - a for a, b in zip(ticks, ticks[1:], strict=False)}) == 1


def test_periods_have_no_gaps_and_switch_to_years_after_three_years():
    timeline = build_timeline([("2021-06", "", 2), ("2021-09", "", 1)])
    assert timeline.unit == "month"
    assert [(p.key, p.total) for p in timeline.periods] == [
        ("2021-06", 2),
        ("2021-07", 0),
        ("2021-08", 0),
        ("2021-09", 1),
    ]
    long = build_timeline([("2015-01", "", 1), ("2020-01", "", 1)])
    assert long.unit == "year" and [p.key for p in long.periods][:3] == ["2015", "2016", "2017"]
    assert build_timeline([("2015-01", "", 1), ("2020-01", "", 1)], unit="month").unit == "month"
    assert build_timeline([("2021-06", "", 1)], unit="year").periods[0].key == "2021"
    assert build_timeline([]).periods == []


def test_bars_are_scaled_to_the_axis_not_to_the_chart():
    """A small topic's single statement is a bar up to the tick "1", with the axis saying so."""
    drawn = layout(timeline_of_dates([(datetime.date(2021, 6, 1), 1)]), WIDE)
    assert [tick["label"] for tick in drawn["y_ticks"]] == [0, 1]
    [bar] = drawn["bars"]
    assert bar["y"] == drawn["y_ticks"][-1]["y"]
    assert bar["width"] <= 36, "one period is a bar, not the whole chart"

    drawn = layout(build_timeline([("2021-06", "", 3), ("2021-07", "", 7)]), WIDE)
    axis_top = drawn["y_ticks"][-1]["label"]
    heights = [bar["height"] for bar in drawn["bars"]]
    plot = drawn["baseline"] - drawn["top"]
    assert heights == [
        pytest.approx(plot * 3 / axis_top, abs=0.2),
        pytest.approx(plot * 7 / axis_top, abs=0.2),
    ]


@pytest.mark.parametrize("width", [WIDE, NARROW, SIDEBAR])
@pytest.mark.parametrize("span", [1, 2, 5, 11, 12, 13, 24, 36, 37, 60, 240])
def test_labels_never_overlap_and_stay_inside_the_chart(width, span):
    timeline = build_timeline(months("2020-11", span))
    drawn = layout(timeline, width)
    rows = ("x_labels", "year_labels") if timeline.unit == "month" else ("x_labels",)
    for row in rows:
        extents = [extent(label) for label in drawn[row]]
        assert drawn[row], (row, span, width)
        for (_, right), (left, _) in zip(extents, extents[1:], strict=False):
            assert left >= right, (row, span, width, drawn[row])
        assert all(left >= 0 and right <= width for left, right in extents)
    # Months are labelled by their name, the year under the first month and each January.
    if span <= 36:
        assert drawn["year_labels"][0]["text"] == "2020"


def test_stacked_series_keep_the_speakers_with_most_and_sum_the_others():
    rows = [("2021-06", "blinken", 5), ("2021-06", "price", 2), ("2021-07", "lavrov", 1)]
    timeline = build_timeline(rows, max_series=2, series_labels={"blinken": "Antony Blinken"})
    assert timeline.series == [
        ("blinken", "Antony Blinken"),
        ("price", "price"),
        ("Others", "Others"),
    ]
    assert timeline.periods[1].values == {"Others": 1}
    drawn = layout(timeline, WIDE)
    june = [bar for bar in drawn["bars"] if bar["title"].startswith("June")]
    assert [bar["series"] for bar in june] == [0, 1]
    assert june[0]["y"] == pytest.approx(june[1]["y"] + june[1]["height"], abs=0.2), "stacked"


def test_a_chart_has_axes_both_layouts_and_its_figures_as_a_table():
    timeline = build_timeline([("2021-06", "", 2), ("2021-08", "", 1)])
    html = render_to_string("archive/includes/_chart.html", chart_context(timeline, "On Taiwan"))
    assert html.count("<svg") == 2 and "chart__svg--wide" in html and "chart__svg--narrow" in html
    assert f'viewBox="0 0 {WIDE} {HEIGHT}"' in html
    assert 'role="img"' in html and "most in June 2021 (2)" in html
    assert re.search(r'<text class="chart__y-label"[^>]*>2</text>', html)
    assert '<th scope="row">July 2021</th><td>0</td>' in html
    assert "On Taiwan: 3 statements, by month." in html

    sidebar = render_to_string(
        "archive/includes/_chart.html", chart_context(timeline, "On Taiwan", sidebar=True)
    )
    assert sidebar.count("<svg") == 1 and f'viewBox="0 0 {SIDEBAR} {HEIGHT}"' in sidebar
