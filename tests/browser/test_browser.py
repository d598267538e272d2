"""The archive in a real browser: what a researcher does, at desktop and phone widths, with and
without JavaScript. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, ConsoleWatcher, sample_pages, screenshot

pytestmark = pytest.mark.browser


def test_search_minsk_agreements_and_read_it_in_context(page):
    page.goto("/")
    page.get_by_role("searchbox", name="Search every statement").fill('"Minsk agreements"')
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))

    results = page.locator(".result-list li.result")
    blinken = results.filter(has=page.locator(".speaker-name", has_text="Antony Blinken"))
    assert results.count() == blinken.count() == 2, results.all_inner_texts()
    assert blinken.locator("mark").count() >= 2

    blinken.first.get_by_role("link", name=re.compile("Read in context")).click()
    page.wait_for_url(re.compile(r"/transcripts/[\w-]+/\?hl=[^#]+#t\d+$"))
    fragment = page.url.rsplit("#", 1)[1]
    turn = page.locator(f"#{fragment}")
    assert "is-targeted" in turn.get_attribute("class")
    assert turn.evaluate("element => element.matches(':target')")
    assert "Minsk agreements" in turn.inner_text()
    box, viewport = turn.bounding_box(), page.viewport_size
    assert 0 <= box["y"] < viewport["height"], "the targeted turn is scrolled into view"
    assert box["y"] > viewport["height"] / 5, "with what led to it above, not at the very top"
    # The searched words are highlighted in it, and the next match is a click away.
    assert turn.locator("mark").first.inner_text() == "Minsk agreements"
    matches = page.locator(".turn--match")
    assert matches.count() == 2
    first = matches.first
    first.get_by_role("link", name="Next match →").click()
    second = matches.nth(1)
    assert second.evaluate("element => element.matches(':target')")
    second.get_by_role("link", name="← Previous match").click()
    assert first.evaluate("element => element.matches(':target')")


def test_search_in_chinese_finds_the_press_conference_with_the_words_marked(page):
    page.goto("/")
    page.get_by_role("searchbox", name="Search every statement").fill("美国")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))

    results = page.locator(".result-list li.result")
    assert results.count() >= 1
    marks = results.locator(".snippet mark")
    assert marks.first.inner_text() == "美国"
    assert results.first.locator(".snippet").get_attribute("lang") == "zh"
    expect(results.first.locator(".badge--language")).to_have_text("Chinese")
    screenshot(page, "search-chinese")

    page.get_by_role("link", name=re.compile("Chinese")).first.click()  # the language facet
    expect(page.locator(".active-filters, .notes, body").first).to_contain_text("lang")
    assert "lang=zh" in page.url


def test_search_page_shows_results_while_typing(page):
    page.goto("/search/")
    page.get_by_role("searchbox", name="Search every statement").press_sequentially(
        '"Minsk agreements"', delay=20
    )
    expect(page.locator(".result-list li.result").first).to_be_visible()
    assert "q=%22Minsk+agreements%22" in page.url, "the address follows the query"
    expect(page.get_by_role("status").filter(has_text="found")).to_have_count(1)
    assert page.get_by_role("searchbox", name="Search every statement").evaluate(
        "element => element === document.activeElement"
    ), "typing goes on in the box"


def test_transcript_page_copy_citation_and_find(page):
    page.goto("/transcripts/")
    page.get_by_role(
        "link", name="Secretary Antony J. Blinken at the Reuters NEXT Conference"
    ).first.click()
    page.wait_for_url(re.compile(r"/transcripts/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Secretary Antony J\. Blinken")
    )
    assert page.locator(".participant .speaker-name").all_inner_texts()[:2] == [
        "Alessandra Galloni",
        "Antony Blinken",
    ]
    assert page.locator(".turn--question").count() > 0 and page.locator(".turn--answer").count() > 0

    answer = page.locator(".turn--answer").first
    answer.locator(".citation summary").click()
    answer.get_by_role("button", name="Copy citation").click()
    expect(answer.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(
        "Blinken, Antony. “Answer in ‘Secretary Antony J. Blinken at the Reuters NEXT Conference.’”"
    )
    assert "Archived in Parley, http" in copied and "/turns/" in copied

    page.get_by_label("Find in this transcript").fill("Normandy")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"\?q=Normandy"))
    expect(page.locator(".transcript__body .turn")).to_have_count(1)
    expect(page.locator(".transcript__body mark").first).to_have_text("Normandy")


def test_browse_a_speaker_and_a_topic(page):
    page.goto("/speakers/")
    page.get_by_role("link", name="Antony Blinken").first.click()
    page.wait_for_url(re.compile(r"/speakers/antony-blinken/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Antony Blinken")
    assert page.locator(".result-list li").count() > 0

    page.goto("/topics/")
    topic_link = page.locator(".topic-list a").first
    topic_name = topic_link.inner_text()
    topic_link.click()
    page.wait_for_url(re.compile(r"/topics/[\w-]+/"))
    assert topic_name in page.get_by_role("heading", level=1).inner_text()
    assert page.locator(".result-list li").count() > 0


def test_use_the_api(page):
    page.goto("/api/")
    assert page.get_by_role("heading", level=1).inner_text() == "JSON API"
    page.get_by_role("link", name="/api/openapi.json").click()
    page.wait_for_url(re.compile(r"/api/openapi\.json$"))
    document = json.loads(page.locator("body").inner_text())
    assert document["openapi"].startswith("3.")

    answer = page.request.get("/api/search/?q=%22Minsk+agreements%22")
    assert answer.ok
    data = answer.json()
    by_blinken = [hit for hit in data["results"] if hit["speaker"]["name"] == "Antony Blinken"]
    assert len(by_blinken) == 2
    page.goto(by_blinken[0]["context_url"])
    assert page.locator(".turn.is-targeted").count() == 1

    missing = page.request.get("/api/no-such-thing/")
    assert missing.status == 404 and missing.json()["error"]["status"] == 404


def test_pages_work_without_javascript(browser, sample_site):
    context = browser.new_context(
        viewport=DESKTOP, base_url=sample_site.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/search/?q=%22Minsk+agreements%22+speaker%3Ablinken")
        assert page.locator(".result-list li.result").count() == 2
        page.locator(".result-list li.result").first.get_by_role(
            "link", name=re.compile("Read in context")
        ).click()
        page.wait_for_url(re.compile(r"#t\d+$"))
        fragment = page.url.rsplit("#", 1)[1]
        turn = page.locator(f"#{fragment}")
        assert turn.evaluate("element => element.matches(':target')")
        assert page.get_by_role("button", name="Copy citation").count() == 0
        turn.locator(".citation summary").click()
        assert "Archived in Parley, http" in turn.locator(".citation__text").inner_text()
    finally:
        context.close()


def test_keyboard_reaches_the_content_first(page):
    page.goto("/transcripts/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content"
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


@pytest.mark.parametrize("width_name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_every_page_renders_cleanly_and_is_captured(browser, sample_site, width_name, viewport):
    """No console errors, no failed assets, no sideways scrolling; a screenshot of each page."""
    context = browser.new_context(viewport=viewport, base_url=sample_site.url)
    page = context.new_page()
    watcher = ConsoleWatcher(page)
    problems = []
    try:
        for name, path in sample_pages().items():
            response = page.goto(path)
            expected = 404 if name == "not-found" else 200
            if response is not None and response.status != expected:  # None: same page, new #
                problems.append(f"{name}: HTTP {response.status}")
            title = page.title()
            if not title.endswith("· Parley") or title.startswith("Parley ·"):
                problems.append(f"{name}: title {title!r}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{name}: {overflow}px wider than the {width_name} viewport")
            screenshot(page, f"{name}-{width_name}")
    finally:
        context.close()
    assert problems + watcher.problems == []
