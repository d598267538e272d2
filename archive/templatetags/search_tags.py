"""Template tags for the search, speaker and topic pages: charts drawn on the server as SVG
(archive.charts lays them out), numbered pages, and a dictionary lookup for tables."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from archive.charts import Timeline, chart_context, timeline_of_dates

register = template.Library()


@register.inclusion_tag("archive/includes/_chart.html")
def timeline_chart(rows, title: str, noun: str = "mention", sidebar: bool = False):
    """A bar chart over time with its axes and a table of its figures: `rows` is a
    archive.charts.Timeline, or (first day of a month, count) pairs."""
    timeline = rows if isinstance(rows, Timeline) else timeline_of_dates(rows or [])
    return chart_context(timeline, title, noun, sidebar=sidebar)


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


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: `{{ period.values|get_item:serie.key }}`."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


def page_window(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and `around` either side of the current one;
    None where numbers are skipped (1 … 4 5 [6] 7 8 … 20)."""
    shown = {1, last, *range(current - around, current + around + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    window: list[int | None] = []
    for n in numbers:
        if window and n - window[-1] == 2:
            window.append(n - 1)  # a gap of one page: show it rather than "…"
        elif window and n - window[-1] > 2:
            window.append(None)
        window.append(n)
    return window


@register.simple_tag
def page_numbers(current, last):
    return page_window(int(current), int(last))


@register.simple_tag
def search_page_links(page):
    """The numbered pages of a archive.search.SearchPage: [{"number", "querystring"} or None]."""
    return [
        None
        if n is None
        else {"number": n, "querystring": page.request.querystring(page=n if n > 1 else "")}
        for n in page_window(page.page, page.num_pages)
    ]


@register.simple_tag
def timeline_links(page):
    """The search page's chart controls: statements a month or a year, everyone together or
    split by speaker; each a link to the same search drawn that way."""
    request, timeline = page.request, page.timeline
    links = []
    for unit in ("month", "year"):
        links.append(
            {
                "text": f"By {unit}",
                "querystring": request.querystring(per=unit),
                "current": timeline is not None and timeline.unit == unit,
            }
        )
    for split, text in (("", "Everyone"), ("speaker", "By speaker")):
        links.append(
            {
                "text": text,
                "querystring": request.querystring(split=split),
                "current": request.split == split,
            }
        )
    return links


@register.filter
def with_highlight(url: str, words: str) -> str:
    """A "read in context" address that highlights `words` in the transcript (?hl=), the
    fragment kept: /transcripts/x/#t4 -> /transcripts/x/?hl=minsk#t4."""
    if not words:
        return url
    path, _, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({'hl': words})}" + (f"#{fragment}" if fragment else "")
