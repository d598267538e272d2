"""The Atom feeds as RFC 4287 asks and a feed reader (feedparser) reads them: an author for
every entry, a self link that works (with the search's query), ids that are permanent (from
PARLEY_SITE_URL, never the request's Host), and statements as HTML content with their
paragraphs kept and their text escaped. (Every feed of the sample archive:
tests/test_conformance.py.)"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.support import assert_atom_essentials, make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    blinken = make_speaker("Antony Blinken", title="Secretary of State")
    transcript = make_transcript(
        "Interview",
        date=datetime.date(2021, 12, 3),
        source_name="U.S. Department of State",
        speakers={"SECRETARY BLINKEN": blinken},
        turns=[
            ("SECRETARY BLINKEN", "The Minsk agreements.\n\nSigned <years> ago & more."),
            ("UNKNOWN", "Minsk agreements, unattributed."),
        ],
    )
    transcript.turns.filter(label="UNKNOWN").update(speaker=None)
    ukraine = make_topic("Ukraine")
    for turn in transcript.turns.all():
        tag(turn, ukraine)
    call_command("update_index", verbosity=0)  # the Whoosh engine; PostgreSQL's needs nothing
    return {"transcript": transcript, "blinken": blinken, "ukraine": ukraine}


def feed_urls(archive) -> list[str]:
    return [
        reverse("archive:transcript_feed"),
        reverse("archive:speaker_feed", args=[archive["blinken"].slug]),
        reverse("archive:topic_feed", args=[archive["ukraine"].slug]),
        reverse("archive:search_feed") + "?q=%22Minsk+agreements%22&kind=other",
    ]


def test_every_feed_has_an_author_for_every_entry(client, archive):
    for url in feed_urls(archive):
        feed = assert_atom_essentials(client.get(url).content, client)
        assert feed.entries, url
        assert feed.feed.author == "Parley"


def test_the_search_feed_links_to_itself_with_its_query(client, archive):
    url = feed_urls(archive)[-1]
    feed = assert_atom_essentials(client.get(url).content, client)
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "http://testserver" + url
    assert feed.feed.id.endswith(url)


def test_feed_and_entry_ids_are_permanent_whatever_the_host(client, archive, settings):
    settings.PARLEY_SITE_URL = "https://parley.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    for url in feed_urls(archive):
        seen = []
        for host in ["testserver", "mirror.example"]:
            feed = assert_atom_essentials(client.get(url, HTTP_HOST=host).content, client)
            seen.append([feed.feed.id, *(entry.id for entry in feed.entries)])
        assert seen[0] == seen[1], url
        assert all(value.startswith("https://parley.example.org/") for value in seen[0])


def test_statements_are_html_content_with_their_paragraphs_kept_and_text_escaped(client, archive):
    url = reverse("archive:speaker_feed", args=[archive["blinken"].slug])
    feed = assert_atom_essentials(client.get(url).content, client)
    (entry,) = feed.entries
    assert entry.content[0].type == "text/html"
    assert entry.content[0].value == (
        "<p>The Minsk agreements.</p><p>Signed &lt;years&gt; ago &amp; more.</p>"
    )


def test_a_transcript_entry_names_its_source_as_author_and_escapes_its_summary(client, archive):
    transcript = archive["transcript"]
    transcript.outlet = "AT&T <Live>"
    transcript.save()
    feed = assert_atom_essentials(client.get(reverse("archive:transcript_feed")).content, client)
    (entry,) = feed.entries
    assert entry.author == "U.S. Department of State"
    assert "AT&amp;T &lt;Live&gt;" in entry.summary
