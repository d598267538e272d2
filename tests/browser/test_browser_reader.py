"""A researcher's walks, at desktop and phone widths: search, open a statement with the question
it answers, cite it in a style and download its BibTeX; search and read the mentions over time,
whose axes must be readable (labels apart, inside the chart, at a readable size). Screenshots of
each chart go to test-artifacts/screenshots/ (chart-*.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, SCREENSHOTS, ConsoleWatcher, screenshot

pytestmark = pytest.mark.browser
WIDTHS = [("desktop", DESKTOP), ("phone", PHONE)]


@pytest.fixture(params=WIDTHS, ids=[name for name, _ in WIDTHS])
def sized_page(request, browser, sample_site):
    width_name, viewport = request.param
    context = browser.new_context(
        viewport=viewport, base_url=sample_site.url, accept_downloads=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_site.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console = ConsoleWatcher(page)
    page.width_name = width_name
    yield page
    context.close()
    assert page.console.problems == [], page.console.problems


def search_for(page, words: str) -> None:
    page.goto("/search/")
    page.get_by_role("searchbox", name="Search every statement").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))


def test_search_open_a_statement_with_its_question_cite_it_and_download_its_bibtex(sized_page):
    page = sized_page
    search_for(page, '"Minsk agreements"')
    result = page.locator(".result-list li.result").filter(has_text="Antony Blinken").first
    result.get_by_role("link", name=re.compile("The statement, its question and citation")).click()
    page.wait_for_url(re.compile(r"/turns/\w+/$"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Antony Blinken")
    question = page.locator(".exchange--question")
    expect(question.get_by_role("heading", name="In answer to")).to_be_visible()
    expect(question.locator(".speaker-name")).to_have_text("Alessandra Galloni")
    expect(page.locator(".exchange--this mark, .exchange--this .turn__text").first).to_contain_text(
        "Minsk"
    )
    neighbours = page.get_by_role("navigation", name="Neighbouring statements")
    expect(
        neighbours.get_by_role("link", name=re.compile("Before: Alessandra Galloni"))
    ).to_be_visible()

    cite = page.get_by_role("region", name="Cite this statement")
    cite.scroll_into_view_if_needed()
    cite.get_by_role("button", name="Copy APA citation").click()
    expect(cite.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(
        "Blinken, A. (2021, December 3). Answer in Secretary Antony J. Blinken at the Reuters "
        "NEXT Conference [Interview transcript]. U.S. Department of State. https://www.state.gov/"
    ), copied
    assert re.search(r"retrieved \w+ \d+, \d{4}, from http://localhost:\d+/turns/\w+/$", copied)
    screenshot(page, f"statement-cite-{page.width_name}")

    with page.expect_download() as download:
        cite.get_by_role("link", name="BibTeX").click()
    path = Path(download.value.path())
    assert download.value.suggested_filename.endswith(".bib")
    entry = path.read_text(encoding="utf-8")
    assert entry.startswith("@misc{blinken2021-")
    assert "author = {Blinken, Antony}" in entry and "urldate = {" in entry
    assert "Official source: U.S. Department of State, https://www.state.gov/" in entry


def chart_text_boxes(svg, kind: str) -> list[dict]:
    return [
        box for box in (label.bounding_box() for label in svg.locator(f"text.{kind}").all()) if box
    ]


def assert_axes_are_readable(svg) -> None:
    frame = svg.bounding_box()
    x_labels = chart_text_boxes(svg, "chart__x-label")
    y_labels = chart_text_boxes(svg, "chart__y-label")
    years = chart_text_boxes(svg, "chart__year-label")
    assert len(y_labels) >= 2 and len(x_labels) >= 2, "both axes are labelled"
    for row in (x_labels, years, y_labels):
        for box in row:
            assert box["height"] >= 10, f"label text {box['height']:.1f}px high: too small to read"
            assert (
                box["x"] >= frame["x"] - 1
                and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            )
    for row in (x_labels, years):
        ordered = sorted(row, key=lambda box: box["x"])
        for left, right in zip(ordered, ordered[1:], strict=False):
            assert left["x"] + left["width"] <= right["x"], "x labels collide"
    ordered = sorted(y_labels, key=lambda box: box["y"])
    for top, bottom in zip(ordered, ordered[1:], strict=False):
        assert top["y"] + top["height"] <= bottom["y"], "y labels collide"


def chart_screenshot(locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"chart-{name}.png"))


def test_search_and_read_the_mentions_over_time(sized_page):
    page = sized_page
    search_for(page, "Ukraine")
    timeline = page.get_by_role("region", name="Mentions over time")
    timeline.scroll_into_view_if_needed()
    svg = timeline.locator("svg.chart__svg:visible")
    expect(svg).to_have_count(1)
    layout = "wide" if page.width_name == "desktop" else "narrow"
    assert f"chart__svg--{layout}" in svg.get_attribute("class")
    assert svg.locator("rect.bar").count() > 3
    assert_axes_are_readable(svg)
    chart_screenshot(timeline, f"search-{page.width_name}")

    timeline.get_by_text("The figures as a table").click()
    table = timeline.get_by_role("table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 3

    timeline.get_by_role("link", name="By speaker").click()
    page.wait_for_url(re.compile(r"split=speaker"))
    timeline = page.get_by_role("region", name="Mentions over time")
    expect(timeline.locator(".chart__legend li").first).to_be_visible()
    assert "Others" in timeline.locator(".chart__legend").inner_text()
    svg = timeline.locator("svg.chart__svg:visible")
    assert_axes_are_readable(svg)
    chart_screenshot(timeline, f"search-by-speaker-{page.width_name}")

    timeline.get_by_role("link", name="By year").click()
    page.wait_for_url(re.compile(r"per=year"))
    svg = page.get_by_role("region", name="Mentions over time").locator("svg.chart__svg:visible")
    assert [t.text_content() for t in svg.locator("text.chart__x-label").all()][:2] == [
        "2021",
        "2022",
    ]


@pytest.mark.parametrize(
    "name,url,selector",
    [
        ("topic", "/topics/ukraine/", "main figure.chart"),
        ("speaker", "/speakers/jake-sullivan/", "aside figure.chart"),
    ],
)
def test_topic_and_speaker_charts_have_readable_axes(sized_page, name, url, selector):
    page = sized_page
    page.goto(url)
    figure = page.locator(selector).first
    figure.scroll_into_view_if_needed()
    assert_axes_are_readable(figure.locator("svg.chart__svg:visible"))
    chart_screenshot(figure, f"{name}-{page.width_name}")


def test_browse_by_date_filters_come_before_the_list_on_a_phone(sized_page):
    page = sized_page
    page.goto("/transcripts/")
    year = page.get_by_role("heading", name="Year").bounding_box()
    first = page.locator(".transcript-item").first.bounding_box()
    if page.width_name == "phone":
        assert year["y"] < first["y"], "the filters are above the list"
    else:
        assert year["x"] > first["x"] + first["width"] / 2, "the filters are beside the list"
    page.get_by_role("complementary", name="Browse transcripts").get_by_role(
        "link", name=re.compile("^2022")
    ).click()
    page.wait_for_url(re.compile(r"year=2022"))
    expect(page.get_by_role("heading", name="Month of 2022")).to_be_visible()
