"""The conformance layer over the whole sample archive (`load_sample --extra`, loaded once for
the module): every output checked by the standard's own tools, not by the project's.

- every transcript's Akoma Ntoso export validated against the OASIS Akoma Ntoso 3.0 schema
  (lxml; identity constraints, so unique eIds, included);
- every feed (latest transcripts, each speaker's, each topic's, searches) read by feedparser
  and checked for what RFC 4287 requires, with self and alternate links that answer;
- every page parsed strictly by html5lib, with headings in order and landmarks named.

Each test prints what it checked (`pytest -s` shows it). The API is fuzzed against its OpenAPI
document in tests/test_api_schemathesis.py; every page is checked by axe-core in Chromium in
tests/browser/test_browser_axe.py; hostile inputs: tests/test_conformance_*.py.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Speaker, Topic, Transcript, Turn
from tests.support import (
    assert_atom_essentials,
    assert_headings_in_order,
    assert_landmarks_distinguishable,
    assert_valid_akoma_ntoso,
    parse_html_strictly,
)

pytestmark = pytest.mark.django_db
SEARCHES = ['"Minsk agreements"', "Ukraine", "美国", "speaker:blinken", "kind:briefing sanctions"]


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sample archive, committed once for the module and flushed after it (the tests that
    follow on this worker start from an empty database, as usual)."""
    from django.conf import settings
    from django.test.utils import override_settings
    from haystack import connections

    index_dir = tmp_path_factory.mktemp("conformance_index")
    haystack = {"default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(index_dir)}}
    overrides = override_settings(HAYSTACK_CONNECTIONS=haystack)
    with django_db_blocker.unblock():
        overrides.enable()
        connections.connections_info = haystack
        connections.reload("default")
        try:
            call_command("load_sample", extra=True, verbosity=0, stdout=io.StringIO())
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            overrides.disable()
            connections.connections_info = settings.HAYSTACK_CONNECTIONS
            connections.reload("default")


@pytest.fixture(autouse=True)
def search_index(sample):
    """Override tests/conftest.py's per-test empty index: the module's sample index is used."""
    yield None


def test_every_akoma_ntoso_export_of_the_sample_archive_is_valid(client):
    transcripts = list(Transcript.objects.published())
    for transcript in transcripts:
        url = reverse("archive:transcript_export", args=[transcript.slug, "xml"])
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid_akoma_ntoso(response.content)
    assert len(transcripts) == 18
    print(f"\nAkoma Ntoso: {len(transcripts)} exports valid against akomantoso30.xsd")


def feed_urls() -> list[str]:
    return [
        reverse("archive:transcript_feed"),
        *(reverse("archive:speaker_feed", args=[s.slug]) for s in Speaker.objects.public()),
        *(reverse("archive:topic_feed", args=[topic.slug]) for topic in Topic.objects.all()),
        *(f"{reverse('archive:search_feed')}?q={q}" for q in SEARCHES),
    ]


def test_every_feed_of_the_sample_archive_meets_rfc_4287(client):
    urls, entries = feed_urls(), 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml")
        entries += len(assert_atom_essentials(response.content, client).entries)
    print(f"\nAtom: {len(urls)} feeds, {entries} entries read by feedparser")


def page_urls() -> list[str]:
    transcripts = list(Transcript.objects.published())
    turns = [
        transcript.turns.order_by("position").filter(kind=kind).first()
        for transcript in transcripts
        for kind in Turn.Kind.values
    ]
    return [
        reverse("archive:home"),
        reverse("archive:transcript_list"),
        reverse("archive:transcript_list") + "?year=2022&kind=briefing",
        *(transcript.get_absolute_url() for transcript in transcripts),
        transcripts[0].get_absolute_url() + "?q=president",
        *(turn.get_absolute_url() for turn in turns if turn),
        reverse("archive:speaker_list"),
        *(speaker.get_absolute_url() for speaker in Speaker.objects.public()),
        reverse("archive:topic_list"),
        *(topic.get_absolute_url() for topic in Topic.objects.all()),
        reverse("archive:search"),
        *(f"{reverse('archive:search')}?q={q}" for q in [*SEARCHES, "minsk agremeents"]),
        reverse("archive:api_index"),
        "/no-such-page/",
    ]


def test_every_page_of_the_sample_archive_parses_strictly_with_headings_and_landmarks(client):
    urls = page_urls()
    for url in urls:
        response = client.get(url)
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        tree = parse_html_strictly(response.content)
        assert_headings_in_order(tree, url)
        assert_landmarks_distinguishable(tree, url)
    print(f"\nHTML: {len(urls)} pages parsed strictly by html5lib")
