"""Mentions over time for any search: statements a month or a year, optionally split by speaker,
on the search page (a chart with its table) and in its JSON (and the API's)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from archive.search import SearchRequest, run_search
from tests.support import make_speaker, make_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        price = make_speaker("Ned Price", aliases=["MR PRICE"])
        blinken = make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
        people = {"MR PRICE": price, "SECRETARY BLINKEN": blinken}
        for day, label in [
            (datetime.date(2021, 11, 3), "MR PRICE"),
            (datetime.date(2021, 11, 20), "SECRETARY BLINKEN"),
            (datetime.date(2022, 2, 1), "MR PRICE"),
        ]:
            make_transcript(
                f"Briefing {day}",
                date=day,
                speakers=people,
                turns=[(label, "Sanctions on Russia."), (label, "Nothing else.")],
            )
        make_transcript("Undated", date=None, speakers=people, turns=[("MR PRICE", "Sanctions.")])


def test_the_timeline_counts_every_dated_statement_found_a_month(archive):
    page = run_search(SearchRequest(q="sanctions", per_page=1))
    assert page.total == 4 and len(page.hits) == 1, "counted over every match, not the page"
    timeline = page.timeline
    assert timeline.unit == "month" and not timeline.split
    assert [(p.key, p.total) for p in timeline.periods] == [
        ("2021-11", 2),
        ("2021-12", 0),
        ("2022-01", 0),
        ("2022-02", 1),
    ]


def test_the_timeline_by_year_and_split_by_speaker(archive):
    page = run_search(SearchRequest(q="sanctions", per="year", split="speaker"))
    timeline = page.timeline
    assert timeline.unit == "year"
    assert timeline.series == [("ned-price", "Ned Price"), ("antony-blinken", "Antony Blinken")]
    assert [(p.key, p.values) for p in timeline.periods] == [
        ("2021", {"ned-price": 1, "antony-blinken": 1}),
        ("2022", {"ned-price": 1}),
    ]


def test_the_search_page_draws_the_timeline_with_its_table_and_controls(archive, client):
    html = client.get(reverse("archive:search"), {"q": "sanctions"}).content.decode()
    assert "Mentions over time" in html
    assert 'class="chart__svg chart__svg--wide"' in html
    assert '<th scope="row">November 2021</th><td>2</td>' in html
    assert "?q=sanctions&amp;per=year" in html and "?q=sanctions&amp;split=speaker" in html

    split = client.get(reverse("archive:search"), {"q": "sanctions", "split": "speaker"})
    html = split.content.decode()
    assert 'class="chart__legend"' in html and "Antony Blinken" in html
    assert '<a href="?q=sanctions&amp;split=speaker&amp;page=2"' not in html  # one page only


def test_the_json_of_a_search_carries_its_timeline_as_the_api_does(archive, client):
    page_json = client.get(
        reverse("archive:search"), {"q": "sanctions", "format": "json", "split": "speaker"}
    ).json()
    api_json = client.get(
        reverse("archive:api_search"), {"q": "sanctions", "split": "speaker"}
    ).json()
    assert page_json["timeline"] == api_json["timeline"]
    timeline = page_json["timeline"]
    assert timeline["unit"] == "month" and timeline["split"] == "speaker"
    assert timeline["series"] == [
        {"key": "ned-price", "label": "Ned Price"},
        {"key": "antony-blinken", "label": "Antony Blinken"},
    ]
    assert timeline["periods"][0] == {
        "period": "2021-11",
        "count": 2,
        "series": {"ned-price": 1, "antony-blinken": 1},
    }
    by_year = client.get(reverse("archive:api_search"), {"q": "sanctions", "per": "year"}).json()
    assert by_year["timeline"]["periods"] == [
        {"period": "2021", "count": 2, "series": None},
        {"period": "2022", "count": 1, "series": None},
    ]
    assert client.get(reverse("archive:api_search"), {"q": "x", "per": "week"}).status_code == 400


def test_nothing_searched_has_no_timeline(client, db):
    data = client.get(reverse("archive:search"), {"q": "", "format": "json"}).json()
    assert data["timeline"] is None
