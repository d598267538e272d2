"""Browser tests: Playwright (sync API) drives Debian's chromium against a live server holding
the sample archive (`manage.py load_sample`).

The sample is loaded once per module, not per test: loading and indexing it takes seconds. The
tests here take no `db` fixture; the module fixture opens the database to the test process and
the live server thread, commits the sample, and flushes the database afterwards so the tests
that follow (on this xdist worker) start from an empty database as usual.

Without chromium the tests skip, except under PARLEY_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from tests.browser.support import CHROMIUM_ARGS, DESKTOP, ConsoleWatcher

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str | None:
    """PARLEY_CHROMIUM if set (only that), else Debian's /usr/bin/chromium or one on PATH."""
    if os.environ.get("PARLEY_CHROMIUM"):
        candidates = [os.environ["PARLEY_CHROMIUM"]]
    else:
        candidates = ["/usr/bin/chromium", shutil.which("chromium")]
    return next((path for path in candidates if path and Path(path).exists()), None)


def _unavailable(reason: str):
    if os.environ.get("PARLEY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PARLEY_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped (install it with `make browser-deps`)")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("chromium is not installed (looked for /usr/bin/chromium and on PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as error:  # a broken chromium install
        playwright.stop()
        _unavailable(f"chromium could not start ({error})")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def db(sample_site):
    """Override pytest-django's `db`: no per-test transaction here, the module's sample archive
    is committed and shared. (Requesting a fixture named `db` also tells pytest-django to set up
    the test database when the browser tests run on their own.)"""


@pytest.fixture(autouse=True)
def search_index():
    """Override tests/conftest.py's per-test empty index: here the module's sample index is used."""
    yield None


@pytest.fixture(scope="module")
def sample_site(browser, django_db_setup, django_db_blocker, tmp_path_factory):
    """A live server over the sample archive, loaded and indexed once for the module."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings
    from haystack import connections
    from pytest_django.live_server_helper import LiveServer

    index_dir = tmp_path_factory.mktemp("browser_index")
    haystack = {"default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(index_dir)}}
    overrides = override_settings(HAYSTACK_CONNECTIONS=haystack, DEBUG=False)
    with django_db_blocker.unblock():
        overrides.enable()
        connections.connections_info = haystack
        connections.reload("default")
        try:
            call_command("load_sample", verbosity=0, stdout=io.StringIO())
            server = LiveServer("localhost")
            try:
                yield server
            finally:
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            overrides.disable()
            connections.connections_info = settings.HAYSTACK_CONNECTIONS
            connections.reload("default")


@pytest.fixture
def page(browser, sample_site):
    context = browser.new_context(viewport=DESKTOP, base_url=sample_site.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_site.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console = ConsoleWatcher(page)
    yield page
    context.close()
    assert page.console.problems == [], page.console.problems
