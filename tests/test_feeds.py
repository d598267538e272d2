"""Atom feeds: latest transcripts, a speaker's and a topic's statements, any search."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Speaker
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "content": entry.findtext(f"{ATOM}content"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def archive():
    blinken = make_speaker("Antony Blinken", title="Secretary of State")
    galloni = make_speaker("Alessandra Galloni", kind=Speaker.Kind.JOURNALIST)
    people = {"SECRETARY BLINKEN": blinken, "QUESTION": galloni}
    older = make_transcript(
        "Older interview",
        date=datetime.date(2021, 6, 1),
        speakers=people,
        turns=[("QUESTION", "And Ukraine?"), ("SECRETARY BLINKEN", "The Minsk agreements stand.")],
    )
    newer = make_transcript(
        "Newer interview",
        date=datetime.date(2021, 12, 3),
        speakers=people,
        turns=[
            ("QUESTION", "Ukraine again?"),
            ("SECRETARY BLINKEN", "Implement the Minsk agreements."),
        ],
    )
    hidden = make_transcript(
        "Hidden interview",
        date=datetime.date(2022, 1, 1),
        published=False,
        speakers=people,
        turns=[("SECRETARY BLINKEN", "The Minsk agreements, off the record.")],
    )
    ukraine = make_topic("Ukraine")
    for transcript in (older, newer, hidden):
        for turn in transcript.turns.all():
            tag(turn, ukraine)
    return {"older": older, "newer": newer, "hidden": hidden, "ukraine": ukraine}


def test_latest_transcripts_feed(client, archive):
    titles = [e["title"] for e in entries(client.get(reverse("archive:transcript_feed")))]
    assert titles == ["Newer interview", "Older interview"]


def test_speaker_feed_lists_their_statements_newest_first(client, archive):
    found = entries(client.get(reverse("archive:speaker_feed", args=["antony-blinken"])))
    assert [e["title"] for e in found] == [
        "Antony Blinken in “Newer interview”",
        "Antony Blinken in “Older interview”",
    ]
    assert found[0]["author"] == "Antony Blinken"
    assert found[0]["link"].startswith("http://testserver/turns/")
    assert found[0]["content"] == "<p>Implement the Minsk agreements.</p>"
    assert client.get(reverse("archive:speaker_feed", args=["nobody"])).status_code == 404


def test_topic_feed_leaves_out_unpublished_and_rejected(client, archive):
    turn = archive["older"].turns.get(position=1)
    turn.topic_tags.update(rejected=True)
    found = entries(client.get(reverse("archive:topic_feed", args=["ukraine"])))
    assert len(found) == 3
    assert not any("Hidden" in e["title"] or "off the record" in e["content"] for e in found)


def test_search_feed_runs_the_search_newest_first(client, archive):
    call_command("update_index", verbosity=0)  # the Whoosh engine; PostgreSQL's needs nothing
    response = client.get(reverse("archive:search_feed"), {"q": '"Minsk agreements"'})
    found = entries(response)
    assert [e["title"] for e in found] == [
        "Antony Blinken in “Newer interview”",
        "Antony Blinken in “Older interview”",
    ]
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == 'Parley: search for “"Minsk agreements"”'
    assert client.get(reverse("archive:search_feed")).status_code == 404


def test_feeds_are_linked_from_pages(client, archive):
    html = client.get(reverse("archive:home")).content.decode()
    assert 'type="application/atom+xml"' in html and reverse("archive:transcript_feed") in html
