"""The speaker list and speaker pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from archive.models import Speaker
from tests.support import load_seed, make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    return load_seed(django_capture_on_commit_callbacks)


def test_speaker_list_shows_counts_of_published_statements(seed, client):
    make_transcript("Hidden", published=False, turns=[("SECRETARY BLINKEN", "Secret.")] * 5)
    response = client.get(reverse("archive:speaker_list"))
    assert response.status_code == 200
    speakers = {s.slug: s.turn_count for s in response.context["speakers"]}
    assert speakers["antony-blinken"] == seed.turns.filter(speaker__slug="antony-blinken").count()
    html = response.content.decode()
    assert 'class="speaker-card"' in html and "Antony Blinken" in html


def test_speaker_list_leaves_out_speakers_without_published_statements(seed, client):
    make_speaker("Nobody Yet")
    hidden = make_speaker("Only Unpublished")
    make_transcript("Hidden", published=False, turns=[("X", "Secret.")], speakers={"X": hidden})
    names = [s.name for s in client.get(reverse("archive:speaker_list")).context["speakers"]]
    assert "Nobody Yet" not in names and "Only Unpublished" not in names
    assert client.get(reverse("archive:speaker_detail", args=[hidden.slug])).status_code == 404


def test_speaker_list_filters_by_kind_and_organisation(seed, client):
    blinken = Speaker.objects.get(slug="antony-blinken")
    url = reverse("archive:speaker_list")
    officials = client.get(url, {"kind": "official"}).context["speakers"]
    assert [s.slug for s in officials] == ["antony-blinken"]
    journalists = client.get(url, {"kind": "journalist"}).context["speakers"]
    assert "antony-blinken" not in [s.slug for s in journalists]
    if blinken.organisation:
        same = client.get(url, {"organisation": blinken.organisation}).context["speakers"]
        assert "antony-blinken" in [s.slug for s in same]
    assert list(client.get(url, {"organisation": "No Such Org"}).context["speakers"]) == []
    assert client.get(url, {"kind": "<bad>", "page": "x"}).status_code == 200


def test_speaker_page_lists_turns_newest_first_with_questions_and_answers_apart(client):
    price = make_speaker("Ned Price", kind="official")
    reporter = make_speaker("A Reporter", kind="journalist")
    for year in (2020, 2022, 2021):
        make_transcript(
            f"Briefing {year}",
            date=datetime.date(year, 1, 1),
            turns=[("Q", f"Question {year}?"), ("MR PRICE", f"Answer in {year}.")],
            speakers={"Q": reporter, "MR PRICE": price},
        )
    response = client.get(reverse("archive:speaker_detail", args=[price.slug]))
    assert response.status_code == 200
    years = [turn.transcript.date.year for turn in response.context["page_obj"]]
    assert years == [2022, 2021, 2020]
    html = response.content.decode()
    assert "turn--answer" in html and "turn--question" not in html
    reporter_html = client.get(reverse("archive:speaker_detail", args=[reporter.slug])).content
    assert b"turn--question" in reporter_html


def test_speaker_page_links_each_turn_into_its_transcript(seed, client):
    html = client.get(reverse("archive:speaker_detail", args=["antony-blinken"])).content.decode()
    turn = seed.turns.get(position=2)
    assert f'href="{turn.get_context_url()}"' in html


def test_speaker_page_is_paginated(client):
    price = make_speaker("Ned Price")
    make_transcript("Long", turns=[("MR PRICE", "Words.")] * 45, speakers={"MR PRICE": price})
    url = reverse("archive:speaker_detail", args=[price.slug])
    first = client.get(url)
    assert len(first.context["page_obj"]) == 20
    html = first.content.decode()
    assert 'rel="next"' in html and "Page 1 of 3" in html
    assert client.get(url, {"page": "3"}).context["page_obj"].number == 3
    assert client.get(url, {"page": "999"}).status_code == 200


def test_speaker_page_shows_top_topics_appearances_and_a_search_box(client):
    price = make_speaker("Ned Price")
    topic = make_topic("Taiwan")
    for month in (1, 3):
        transcript = make_transcript(
            f"Briefing {month}",
            date=datetime.date(2022, month, 5),
            turns=[("MR PRICE", "On Taiwan.")],
            speakers={"MR PRICE": price},
        )
        tag(transcript.turns.get(), topic)
    response = client.get(reverse("archive:speaker_detail", args=[price.slug]))
    assert [t["topic__name"] for t in response.context["top_topics"]] == ["Taiwan"]
    assert response.context["top_topics"][0]["count"] == 2
    html = response.content.decode()
    assert '<figure class="chart' in html and "<svg" in html
    assert "January 2022: 1 transcript<" in html
    assert '<th scope="row">February 2022</th><td>0</td>' in html
    assert f'name="speaker" value="{price.slug}"' in html
    assert f'action="{reverse("archive:search")}"' in html


def test_the_speaker_search_box_searches_their_words_only(seed, client):
    response = client.get(reverse("archive:search"), {"q": "russia", "speaker": "antony-blinken"})
    hits = response.context["page"].hits
    assert hits and {hit.speaker_slug for hit in hits} == {"antony-blinken"}


def test_unknown_speaker_is_404(client):
    assert client.get(reverse("archive:speaker_detail", args=["nobody"])).status_code == 404


def test_a_persons_page_shows_their_offices_with_dates_and_statements_in_each(seed, client):
    page = client.get(reverse("archive:speaker_detail", args=["antony-blinken"]))
    offices = {office["label"]: office for office in page.context["offices"]}
    assert offices["Secretary of State"]["start"] == "2021-01-26"
    assert offices["Secretary of State"]["end"] == "2025-01-20"
    assert offices["Secretary of State"]["count"] == 18  # the Reuters NEXT interview
    assert offices["Deputy Secretary of State"]["count"] == 0
    html = page.content.decode()
    assert "Secretary of State" in html and "2021-01-26" in html
    assert "after=2021-01-26" in html  # the statements in that office, as a search


def test_a_merged_persons_page_leads_to_the_person_kept(seed, client):
    from archive.people.curation import merge_speakers

    blinken = Speaker.objects.get(identifier="antony-blinken")
    twin = make_speaker("Tony Blinken Twin")
    merge_speakers(blinken, [twin])

    response = client.get(reverse("archive:speaker_detail", args=[twin.slug]))

    assert response.status_code == 302 and response["Location"] == blinken.get_absolute_url()


def test_a_transcript_lists_its_participants_with_their_role_in_it(client):
    from archive.ingest.load import ingest_text

    text = (
        "MODERATOR:  Welcome.\n\nSECRETARY BLINKEN:  Thank you.\n\nREUTERS:  A question.\n\n"
        "SECRETARY BLINKEN:  An answer.\n\nREUTERS:  Another.\n"
    )
    transcript = ingest_text(
        text,
        filename="event.txt",
        metadata={"source_name": "U.S. Department of State", "date": "2022-05-04"},
    ).transcript

    page = client.get(transcript.get_absolute_url())

    shown = [(p.display_name, p.description) for p in page.context["participants"]]
    assert shown == [
        ("Moderator", "Moderator"),
        ("Antony Blinken", "Secretary of State"),
        ("Reporter, Reuters", "Reporter, Reuters"),
    ]
    html = page.content.decode()
    assert "Reporter, Reuters" in html and 'href="/speakers/antony-blinken/"' in html
