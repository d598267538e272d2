"""The site under its Content-Security-Policy in a real browser: a curator's round of the admin
(log in, lists, change pages with their autocomplete and calendar widgets, add from text) and
the public pages raise no console error and no refused resource; parley.js survives a malformed
address fragment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    "/admin/",
    "/admin/archive/transcript/",
    "/admin/archive/transcript/{transcript}/change/",
    "/admin/archive/transcript/add-from-text/",
    "/admin/archive/turn/",
    "/admin/archive/turn/{turn}/change/",
    "/admin/archive/speaker/",
    "/admin/archive/speaker/add/",
    "/admin/archive/topic/",
    "/admin/archive/topic/add/",
    "/admin/archive/turntopic/",
    "/admin/axes/accessattempt/",
]


@pytest.fixture
def curator():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser(
        "browser-curator", "curator@example.org", "a-browser-password"
    )
    yield user
    user.delete()


def test_a_curators_round_of_the_admin_meets_no_policy_violation(page, curator):
    from archive.models import Transcript

    transcript = Transcript.objects.get(slug__contains="blinken")
    values = {"transcript": transcript.pk, "turn": transcript.turns.first().pk}

    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("browser-curator")
    page.get_by_label("Password").fill("a-browser-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    for path in ADMIN_PAGES:
        response = page.goto(path.format(**values))
        assert response.status == 200, path

    # The widgets' scripts run: a speaker autocomplete opens, the calendar shortcut shows.
    page.goto(f"/admin/archive/turn/{values['turn']}/change/")
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.goto(f"/admin/archive/transcript/{values['transcript']}/change/")
    page.locator(".datetimeshortcuts a").first.click()  # "Today"
    # The page fixture fails the test on any console error, CSP refusals included.


@pytest.mark.parametrize(
    "fragment", ["%", "%E0%A4%A", "t4%", "%zz", "t%C3%28", "\u00e9", "a%20b", "1,2"]
)
def test_a_malformed_fragment_breaks_nothing(page, fragment):
    from archive.models import Transcript

    transcript = Transcript.objects.get(slug__contains="blinken")
    page.goto(f"/transcripts/{transcript.slug}/#{fragment}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.evaluate("location.hash = '#t4'")
    expect(page.locator("#t4")).to_have_class(re.compile("is-targeted"))
    # The page fixture fails the test on an uncaught exception.
