"""Accessibility checked by axe-core (Deque's engine, from the npm registry; `make axe` installs
it into tests/browser/node_modules) inside Debian's chromium: every kind of page, at desktop and
phone width, with every rule axe runs by default (WCAG 2.x A and AA, and its best practices:
heading order, unique landmarks, colour contrast ...), and no violation allowed."""

from __future__ import annotations

import os

import pytest

from tests.browser.support import DESKTOP, PHONE, REPO_ROOT, ConsoleWatcher, sample_pages

pytestmark = pytest.mark.browser
AXE = REPO_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}): run `make axe`"
        if os.environ.get("PARLEY_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def axe_pages() -> dict[str, str]:
    """The browser tests' pages, and those that only some searches and finds show."""
    pages = sample_pages()
    return {
        **pages,
        "transcript-find": pages["transcript"] + "?q=Normandy",
        "search-chinese": "/search/?q=%E7%BE%8E%E5%9B%BD",
        "search-suggestion": "/search/?q=minsk+agremeents",
        "search-filtered": "/search/?q=ukraine&kind=briefing&sort=newest",
    }


def violations(page, axe_source: str) -> list[str]:
    """axe.run on the page as it is. The script is evaluated through the DevTools protocol, so
    the site's Content-Security-Policy (scripts from the site only) stays as it is."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(node => node.target.join(' ')),
            }));
        }"""
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in found]


@pytest.mark.parametrize("width_name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_axe_finds_no_violation_on_any_page(browser, sample_site, axe_source, width_name, viewport):
    context = browser.new_context(viewport=viewport, base_url=sample_site.url)
    page = context.new_page()
    watcher = ConsoleWatcher(page)
    problems, checked = [], 0
    try:
        for name, path in axe_pages().items():
            page.goto(path)
            page.wait_for_load_state("load")
            problems += [f"{name} ({width_name}): {v}" for v in violations(page, axe_source)]
            checked += 1
    finally:
        context.close()
    print(f"\naxe-core: {checked} pages at {width_name} width")
    assert problems + watcher.problems == [], "\n".join(problems + watcher.problems)
