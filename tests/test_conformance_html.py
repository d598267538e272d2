"""Pages as HTML and WCAG ask: parsed strictly (html5lib), headings that go down one level at a
time, and search landmarks that a screen reader can tell apart. (Every page of the sample
archive: tests/test_conformance.py; axe-core in Chromium: tests/browser/test_browser_axe.py.)"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.support import (
    assert_headings_in_order,
    assert_landmarks_distinguishable,
    landmark_names,
    make_api_archive,
    parse_html_strictly,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    archive = make_api_archive()
    call_command("update_index", verbosity=0)
    interview = archive["interview"]
    return {
        "transcript": interview.get_absolute_url(),
        "transcript-find": interview.get_absolute_url() + "?q=minsk",
        "turn": interview.turns.get(position=2).get_absolute_url(),
        "narrative-turn": interview.turns.get(position=3).get_absolute_url(),
        "speaker": reverse("archive:speaker_detail", args=["antony-blinken"]),
        "search": reverse("archive:search") + "?q=minsk",
        "not-found": "/no-such-page/",
    }


def page(client, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200), path
    return parse_html_strictly(response.content)


def test_the_statement_page_goes_from_h1_to_h2(client, pages):
    for name in ["turn", "narrative-turn"]:
        assert_headings_in_order(page(client, pages[name]), name)


def test_every_search_landmark_has_a_name_of_its_own(client, pages):
    for name in ["transcript", "speaker", "not-found"]:
        tree = page(client, pages[name])
        assert len(landmark_names(tree)["search"]) == 2, name
        assert_landmarks_distinguishable(tree, name)


def test_these_pages_parse_strictly_with_headings_in_order(client, pages):
    for name, path in pages.items():
        tree = page(client, path)
        assert_headings_in_order(tree, name)
        assert_landmarks_distinguishable(tree, name)


def test_a_parse_error_is_caught():
    """The strict parser is strict: a stray end tag or a duplicate attribute fails."""
    import html5lib

    for broken in [
        b"<!doctype html><title>x</title><p>a</div>",
        b'<!doctype html><title>x</title><p id="a" id="b">a</p>',
        b"<title>x</title><p>no doctype</p>",
    ]:
        with pytest.raises(html5lib.html5parser.ParseError):
            parse_html_strictly(broken)
