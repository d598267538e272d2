"""Filters declared once (archive/filters.py): a page and its API twin narrow alike, the page
ignores what does not fit, the API refuses it with the reason, and the API's document lists
exactly the declared fields."""

import datetime

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from archive.api import openapi_document
from archive.filters import (
    Paging,
    SpeakerFilters,
    SpeakerPageFilters,
    TranscriptFilters,
    TranscriptPageFilters,
    TurnFilters,
)
from archive.models import Speaker
from tests.support import make_speaker, make_transcript

pytestmark = pytest.mark.django_db
DOCUMENT = openapi_document(RequestFactory().get("/api/"))


@pytest.fixture
def archive():
    blinken = make_speaker("Antony Blinken", organisation="U.S. Department of State")
    galloni = make_speaker(
        "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, organisation="Reuters"
    )
    price = make_speaker("Ned Price", organisation="U.S. Department of State")
    people = {"SECRETARY BLINKEN": blinken, "QUESTION": galloni, "MR PRICE": price}
    make_transcript(
        "Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters",
        speakers=people,
        turns=[("QUESTION", "Minsk?"), ("SECRETARY BLINKEN", "Minsk.")],
    )
    make_transcript(
        "Press briefing",
        date=datetime.date(2021, 3, 9),
        kind="briefing",
        speakers=people,
        turns=[("MR PRICE", "Good afternoon.")],
    )
    make_transcript(
        "Remarks 2020",
        date=datetime.date(2020, 5, 4),
        kind="remarks",
        outlet="CNN",
        speakers=people,
        turns=[("SECRETARY BLINKEN", "Thank you.")],
    )


def query_parameters(path: str) -> set[str]:
    return {p["name"] for p in DOCUMENT["paths"][path]["get"]["parameters"] if p["in"] == "query"}


def test_the_api_documents_exactly_the_declared_filters():
    paging = set(Paging.model_fields)
    assert query_parameters("/transcripts/") == set(TranscriptFilters.model_fields) | paging
    assert query_parameters("/speakers/") == set(SpeakerFilters.model_fields) | paging
    assert query_parameters("/turns/") == set(TurnFilters.model_fields) | paging
    # The pages' own extras (a month within a year, an order) extend the shared declaration.
    assert set(TranscriptPageFilters.model_fields) == set(TranscriptFilters.model_fields) | {
        "month"
    }
    assert set(SpeakerPageFilters.model_fields) == set(SpeakerFilters.model_fields) | {"sort"}


def test_a_page_reads_leniently_dropping_only_what_does_not_fit():
    filters = TranscriptPageFilters.from_query(
        QueryDict("year=2021&month=13&kind=sermon&outlet=&speaker=antony-blinken")
    )
    assert (filters.year, filters.month, filters.kind, filters.outlet, filters.speaker) == (
        2021,
        None,
        None,
        None,
        "antony-blinken",
    )
    assert TranscriptPageFilters.from_query(QueryDict("month=3")).month is None  # needs a year
    assert not TranscriptPageFilters.from_query(QueryDict("year=x&kind=&speaker=a b")).active
    assert SpeakerPageFilters.from_query(QueryDict("sort=count&kind=<bad>")).kind is None
    assert Paging.from_query(QueryDict("page_size=1000")).page_size == 20


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": "2021"},
        {"kind": "briefing"},
        {"outlet": "Reuters"},
        {"speaker": "ned-price"},
        {"year": "2021", "speaker": "alessandra-galloni"},
        {"year": "1999"},
    ],
)
def test_transcript_page_and_api_narrow_alike(client, archive, params):
    page = client.get(reverse("archive:transcript_list"), params)
    api = client.get(reverse("archive:api_transcript_list"), params)
    assert page.status_code == api.status_code == 200
    assert [t.title for t in page.context["transcripts"]] == [
        t["title"] for t in api.json()["results"]
    ]


@pytest.mark.parametrize(
    "params,refused",
    [
        ({"year": "last"}, "year"),
        ({"year": ""}, "year"),
        ({"kind": "sermon"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"speaker": "Ned Price"}, "speaker"),
        ({"outlet": "x" * 201}, "outlet"),
    ],
)
def test_transcript_page_ignores_what_the_api_refuses(client, archive, params, refused):
    page = client.get(reverse("archive:transcript_list"), params)
    assert page.status_code == 200
    assert len(page.context["transcripts"]) == 3
    api = client.get(reverse("archive:api_transcript_list"), params)
    assert api.status_code == 400
    assert api.json()["error"]["message"].startswith(refused)


@pytest.mark.parametrize(
    "params",
    [{}, {"kind": "journalist"}, {"organisation": "Reuters"}, {"organisation": "reuters"}],
)
def test_speaker_page_and_api_narrow_alike(client, archive, params):
    page = client.get(reverse("archive:speaker_list"), params)
    api = client.get(reverse("archive:api_speaker_list"), params)
    assert page.status_code == api.status_code == 200
    assert [s.slug for s in page.context["speakers"]] == [s["slug"] for s in api.json()["results"]]


def test_speaker_page_ignores_what_the_api_refuses(client, archive):
    for params in [{"kind": "<bad>"}, {"organisation": ""}, {"kind": ""}]:
        page = client.get(reverse("archive:speaker_list"), params)
        assert page.status_code == 200 and len(page.context["speakers"]) == 3
        assert client.get(reverse("archive:api_speaker_list"), params).status_code == 400
