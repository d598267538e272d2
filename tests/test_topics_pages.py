"""The topics index and topic pages: every tagged statement in date order."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.support import load_seed, make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def taiwan(db):
    topic = make_topic("Taiwan", phrases=["Taiwan", "Taiwan Strait"])
    price = make_speaker("Ned Price", kind="official")
    reporter = make_speaker("A Reporter", kind="journalist")
    turns = []
    for year, month in ((2022, 3), (2021, 6), (2023, 1)):
        transcript = make_transcript(
            f"Briefing {year}",
            date=datetime.date(year, month, 1),
            turns=[("Q", "What about Taiwan?"), ("MR PRICE", f"The Taiwan Strait in {year}.")],
            speakers={"Q": reporter, "MR PRICE": price},
        )
        for turn in transcript.turns.all():
            if not turn.topic_tags.filter(topic=topic).exists():
                tag(turn, topic)
            turns.append(turn)
    hidden = make_transcript(
        "Hidden",
        published=False,
        turns=[("MR PRICE", "Taiwan secret.")],
        speakers={"MR PRICE": price},
    )
    if not hidden.turns.get().topic_tags.filter(topic=topic).exists():
        tag(hidden.turns.get(), topic)
    rejected = make_transcript(
        "Rejected",
        date=datetime.date(2022, 1, 1),
        turns=[("MR PRICE", "Taiwan mentioned.")],
        speakers={"MR PRICE": price},
    ).turns.get()
    rejected.topic_tags.all().delete()
    tag(rejected, topic, rejected=True)
    return topic


def test_topic_list_shows_counts_without_unpublished_or_rejected(taiwan, client):
    response = client.get(reverse("archive:topic_list"))
    assert response.status_code == 200
    counts = {t.slug: t.turn_count for t in response.context["topics"]}
    assert counts["taiwan"] == 6
    html = response.content.decode()
    assert 'class="topic-list"' in html and taiwan.get_absolute_url() in html


def test_topic_page_lists_every_tagged_statement_in_date_order(taiwan, client):
    response = client.get(reverse("archive:topic_detail", args=["taiwan"]))
    assert response.status_code == 200
    turns = list(response.context["page_obj"])
    assert len(turns) == 6
    assert [t.transcript.date.year for t in turns] == [2021, 2021, 2022, 2022, 2023, 2023]
    assert all(t.transcript.published for t in turns)
    html = response.content.decode()
    assert "Hidden" not in html and "Taiwan mentioned" not in html
    assert "<mark>Taiwan Strait</mark>" in html  # the topic's phrases are highlighted
    assert "turn--question" in html and "turn--answer" in html
    assert f'href="{turns[0].get_context_url()}"' in html


def test_topic_page_filters_by_speaker(taiwan, client):
    url = reverse("archive:topic_detail", args=["taiwan"])
    response = client.get(url, {"speaker": "ned-price"})
    turns = list(response.context["page_obj"])
    assert len(turns) == 3 and {t.speaker.slug for t in turns} == {"ned-price"}
    speakers = {s["slug"]: s["count"] for s in response.context["speakers"]}
    assert speakers == {"ned-price": 3, "a-reporter": 3}
    assert client.get(url, {"speaker": "nobody"}).context["page_obj"].paginator.count == 6


def test_topic_page_draws_mentions_over_time_as_svg(taiwan, client):
    html = client.get(reverse("archive:topic_detail", args=["taiwan"])).content.decode()
    assert (
        '<figure class="chart' in html
        and "<svg" in html
        and "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    )
    assert "June 2021: 2 statements" in html
    # A month without statements has no bar, and its row in the table behind the chart.
    assert '<th scope="row">July 2021</th><td>0</td>' in html


def test_topic_chart_uses_years_for_long_spans(client, db):
    topic = make_topic("Climate", phrases=["climate"])
    for year in (2015, 2020):
        turn = make_transcript(
            f"T{year}", date=datetime.date(year, 1, 1), turns=[("MR PRICE", "Climate.")]
        ).turns.get()
        if not turn.topic_tags.exists():
            tag(turn, topic)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert '<th scope="row">2017</th><td>0</td>' in html and "by year" in html


def test_empty_and_unknown_topics(client, db):
    topic = make_topic("Nothing yet", phrases=["zzzz"])
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200 and b"No statements" in response.content
    assert client.get(reverse("archive:topic_detail", args=["nope"])).status_code == 404


def test_seed_topic_page_lists_the_minsk_turns(django_capture_on_commit_callbacks, client):
    seed = load_seed(django_capture_on_commit_callbacks)
    response = client.get(reverse("archive:topic_detail", args=["minsk-agreements"]))
    positions = [t.position for t in response.context["page_obj"] if t.transcript == seed]
    assert {2, 4} <= set(positions)
