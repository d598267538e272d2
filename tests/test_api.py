"""The JSON API: answers match the OpenAPI description, filters and pagination work, errors are
JSON, unpublished transcripts never show."""

import datetime

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

from archive.models import Speaker
from archive.openapi import openapi_document
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db
DOCUMENT = openapi_document()


def schema_for(path: str, status: str = "200") -> dict:
    response = DOCUMENT["paths"][path]["get"]["responses"][status]
    schema = response["content"]["application/json"]["schema"]
    return {**schema, "components": DOCUMENT["components"]}


def assert_matches(path: str, response, status: int = 200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    jsonschema.Draft202012Validator(schema_for(path, str(status))).validate(response.json())
    return response.json()


@pytest.fixture
def archive():
    blinken = make_speaker(
        "Antony Blinken", title="Secretary of State", organisation="U.S. Department of State"
    )
    galloni = make_speaker(
        "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, organisation="Reuters"
    )
    people = {"SECRETARY BLINKEN": blinken, "QUESTION": galloni}
    interview = make_transcript(
        "Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters",
        speakers=people,
        turns=[
            ("QUESTION", "Is Russia going to invade the Ukraine?"),
            ("SECRETARY BLINKEN", "Russia and Ukraine signed the so-called Minsk agreements."),
            ("", "(Laughter.)"),
            ("SECRETARY BLINKEN", "They should implement the Minsk agreements."),
        ],
    )
    briefing = make_transcript(
        "Press briefing",
        date=datetime.date(2022, 2, 11),
        kind="briefing",
        speakers=people,
        turns=[("SECRETARY BLINKEN", "Good afternoon.")],
    )
    hidden = make_transcript(
        "Hidden interview",
        date=datetime.date(2022, 3, 1),
        kind="interview",
        published=False,
        speakers={"SECRET": make_speaker("Secret Person")},
        turns=[("SECRET", "The Minsk agreements, privately.")],
    )
    ukraine = make_topic("Ukraine")
    for turn in interview.turns.filter(text__contains="Ukraine"):
        tag(turn, ukraine)
    tag(hidden.turns.get(), ukraine)
    return {"interview": interview, "briefing": briefing, "hidden": hidden, "ukraine": ukraine}


def test_openapi_document_is_valid(client):
    response = client.get(reverse("archive:api_openapi"))
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["servers"] == [{"url": "http://testserver/api"}]


def test_api_page_lists_every_endpoint(client):
    html = client.get(reverse("archive:api_index")).content.decode()
    for path in DOCUMENT["paths"]:
        assert f"/api{path}" in html


def test_transcript_list_and_filters(client, archive):
    url = reverse("archive:api_transcript_list")
    data = assert_matches("/transcripts/", client.get(url))
    assert [t["title"] for t in data["results"]] == ["Press briefing", "Blinken at Reuters NEXT"]
    assert data["count"] == 2 and data["results"][1]["turn_count"] == 3

    def titles(**params):
        return [
            t["title"] for t in assert_matches("/transcripts/", client.get(url, params))["results"]
        ]

    assert titles(year=2021) == ["Blinken at Reuters NEXT"]
    assert titles(kind="briefing") == ["Press briefing"]
    assert titles(outlet="Reuters") == ["Blinken at Reuters NEXT"]
    assert titles(speaker="alessandra-galloni") == ["Blinken at Reuters NEXT"]
    assert titles(speaker="secret-person") == []


def test_transcript_detail(client, archive):
    slug = archive["interview"].slug
    data = assert_matches(
        "/transcripts/{slug}/", client.get(reverse("archive:api_transcript_detail", args=[slug]))
    )
    assert {p["name"] for p in data["participants"]} == {"Antony Blinken", "Alessandra Galloni"}
    assert data["exports"]["xml"].endswith(f"/transcripts/{slug}.xml")
    turns = assert_matches("/turns/", client.get(data["turns_url"]))
    assert [t["position"] for t in turns["results"]] == [1, 2, 3, 4]


def test_turn_list_filters_and_detail(client, archive):
    url = reverse("archive:api_turn_list")
    by_speaker = assert_matches("/turns/", client.get(url, {"speaker": "antony-blinken"}))
    assert by_speaker["count"] == 3
    on_topic = assert_matches("/turns/", client.get(url, {"topic": "ukraine"}))
    assert [t["position"] for t in on_topic["results"]] == [1, 2]
    assert on_topic["results"][0]["topics"] == ["ukraine"]
    key = on_topic["results"][1]["key"]
    turn = assert_matches(
        "/turns/{key}/", client.get(reverse("archive:api_turn_detail", args=[key]))
    )
    assert turn["speaker"]["slug"] == "antony-blinken"
    assert turn["context_url"].endswith("#t2")


def test_speakers_and_topics(client, archive):
    speakers = assert_matches("/speakers/", client.get(reverse("archive:api_speaker_list")))
    assert [s["name"] for s in speakers["results"]] == ["Alessandra Galloni", "Antony Blinken"]
    officials = client.get(reverse("archive:api_speaker_list"), {"kind": "official"}).json()
    assert [s["name"] for s in officials["results"]] == ["Antony Blinken"]
    reuters = client.get(reverse("archive:api_speaker_list"), {"organisation": "reuters"}).json()
    assert [s["name"] for s in reuters["results"]] == ["Alessandra Galloni"]
    blinken = assert_matches(
        "/speakers/{slug}/",
        client.get(reverse("archive:api_speaker_detail", args=["antony-blinken"])),
    )
    assert blinken["turn_count"] == 3

    topics = assert_matches("/topics/", client.get(reverse("archive:api_topic_list")))
    assert [(t["name"], t["turn_count"]) for t in topics["results"]] == [("Ukraine", 2)]
    assert_matches(
        "/topics/{slug}/", client.get(reverse("archive:api_topic_detail", args=["ukraine"]))
    )


def test_unpublished_transcripts_never_appear(client, archive):
    hidden = archive["hidden"]
    assert_matches(
        "/transcripts/{slug}/",
        client.get(reverse("archive:api_transcript_detail", args=[hidden.slug])),
        404,
    )
    key = hidden.turns.get().key
    assert_matches("/turns/{key}/", client.get(reverse("archive:api_turn_detail", args=[key])), 404)
    assert_matches(
        "/speakers/{slug}/",
        client.get(reverse("archive:api_speaker_detail", args=["secret-person"])),
        404,
    )
    everything = str(
        [
            client.get(reverse(name), {"page_size": 100}).json()
            for name in [
                "archive:api_transcript_list",
                "archive:api_turn_list",
                "archive:api_speaker_list",
            ]
        ]
    )
    for secret in ["Hidden interview", "Secret Person", "privately"]:
        assert secret not in everything


def test_pagination(client, archive):
    url = reverse("archive:api_turn_list")
    first = assert_matches("/turns/", client.get(url, {"page_size": 2}))
    assert first["count"] == 5 and first["num_pages"] == 3 and first["previous"] is None
    second = assert_matches("/turns/", client.get(first["next"]))
    assert second["page"] == 2 and second["previous"].endswith("page=1")
    assert {t["key"] for t in first["results"]}.isdisjoint(t["key"] for t in second["results"])


@pytest.mark.parametrize(
    "params,message",
    [
        ({"page": "x"}, "page must be a whole number"),
        ({"page": "0"}, "page must be at least 1"),
        ({"page_size": "500"}, "page_size must be between 1 and 100"),
        ({"kind": "sermon"}, "kind must be one of"),
        ({"year": "last"}, "year must be a whole number"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, archive, params, message):
    data = assert_matches(
        "/transcripts/", client.get(reverse("archive:api_transcript_list"), params), 400
    )
    assert data["error"]["status"] == 400
    assert message in data["error"]["message"]


def test_page_past_the_end_is_404(client, archive):
    data = assert_matches(
        "/turns/", client.get(reverse("archive:api_turn_list"), {"page": 99}), 404
    )
    assert "there are 1 pages" in data["error"]["message"]


def test_unknown_paths_and_methods_answer_json(client, db):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith(
        "There is no API endpoint at /api/nothing/here/"
    )
    assert "Did you mean /api/topics/" in client.get("/api/topics").json()["error"]["message"]

    response = client.post(reverse("archive:api_topic_list"), {"name": "x"})
    assert response.status_code == 405
    assert response.json() == {
        "error": {"status": 405, "message": "POST is not allowed: this API is read-only (GET)."}
    }
    assert response["Allow"] == "GET, HEAD"
    assert client.delete("/api/nothing/").status_code == 405


def test_list_queries_do_not_grow_with_results(client, archive, django_assert_max_num_queries):
    people = {f"S{i}": make_speaker(f"Person {i}") for i in range(10)}
    make_transcript("Long", speakers=people, turns=[(f"S{i % 10}", f"Turn {i}") for i in range(60)])
    for name in [
        "archive:api_transcript_list",
        "archive:api_turn_list",
        "archive:api_speaker_list",
    ]:
        with django_assert_max_num_queries(4):
            client.get(reverse(name), {"page_size": 100})


def test_search_uses_the_query_language(client, archive):
    call_command("update_index", verbosity=0)  # the Whoosh engine; PostgreSQL's needs nothing
    url = reverse("archive:api_search")
    data = assert_matches("/search/", client.get(url, {"q": '"Minsk agreements"'}))
    assert data["count"] == 2
    assert {hit["speaker"]["name"] for hit in data["results"]} == {"Antony Blinken"}
    assert all("<mark>" in hit["snippet"] for hit in data["results"])
    assert "privately" not in str(data)

    filtered = assert_matches("/search/", client.get(url, {"q": "Ukraine speaker:galloni"}))
    assert [hit["position"] for hit in filtered["results"]] == [1]

    missing = assert_matches("/search/", client.get(url), 400)
    assert "q is required" in missing["error"]["message"]
