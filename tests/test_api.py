"""The JSON API: its generated OpenAPI document is valid, every answer matches the document's
schemas, the API accepts exactly what the document allows, errors are JSON, unpublished
transcripts never show."""

import logging

import jsonschema
import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from openapi_spec_validator import validate

from archive.api import openapi_document
from tests.support import make_api_archive, make_speaker, make_transcript

pytestmark = pytest.mark.django_db
DOCUMENT = openapi_document(RequestFactory().get("/api/"))


def schema_for(path: str, status: str = "200") -> dict:
    """The schema of an answer, with the document's components so that its $refs resolve."""
    response = DOCUMENT["paths"][path]["get"]["responses"][status]
    schema = response["content"]["application/json"]["schema"]
    return {**schema, "components": DOCUMENT["components"]}


def assert_matches(path: str, response, status: int = 200):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    jsonschema.Draft202012Validator(
        schema_for(path, str(status)), format_checker=jsonschema.FormatChecker()
    ).validate(response.json())
    return response.json()


def parameters(path: str) -> dict[str, dict]:
    return {p["name"]: p for p in DOCUMENT["paths"][path]["get"]["parameters"]}


@pytest.fixture
def archive():
    return make_api_archive()


# --- The document ---------------------------------------------------------------------------------


def test_generated_openapi_document_is_valid(client):
    response = client.get(reverse("archive:api_openapi"))
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/api"}]
    assert set(document["paths"]) == {
        "/transcripts/",
        "/transcripts/{slug}/",
        "/turns/",
        "/turns/{key}/",
        "/speakers/",
        "/speakers/{slug}/",
        "/topics/",
        "/topics/{slug}/",
        "/search/",
    }
    for route, operations in document["paths"].items():
        assert set(operations) == {"get"}, route
        assert {"200", "400", "404", "405"} <= set(operations["get"]["responses"]), route


def test_api_page_lists_every_endpoint_and_its_parameters(client):
    response = client.get(reverse("archive:api_index"))
    assert response.status_code == 200
    html = response.content.decode()
    for path, operations in DOCUMENT["paths"].items():
        assert f"/api{path}" in html
        for parameter in operations["get"]["parameters"]:
            if parameter["in"] == "query":
                assert f">{parameter['name']}</code>" in html


def test_no_interactive_docs_that_would_load_from_a_cdn(client, db):
    assert client.get("/api/docs").status_code == 404
    assert b"cdn" not in client.get(reverse("archive:api_index")).content.lower()


# --- Answers ------------------------------------------------------------------------------------


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
    assert set(data["exports"]) == {"json", "csv", "txt", "xml"}
    turns = assert_matches("/turns/", client.get(data["turns_url"]))
    assert [t["position"] for t in turns["results"]] == [1, 2, 3, 4]


def test_turn_list_filters_and_detail(client, archive):
    url = reverse("archive:api_turn_list")
    by_speaker = assert_matches("/turns/", client.get(url, {"speaker": "antony-blinken"}))
    assert by_speaker["count"] == 3
    on_topic = assert_matches("/turns/", client.get(url, {"topic": "ukraine"}))
    assert [t["position"] for t in on_topic["results"]] == [1, 2]
    assert on_topic["results"][0]["topics"] == ["ukraine"]
    narrative = assert_matches("/turns/", client.get(url, {"kind": "narrative"}))
    assert [t["text"] for t in narrative["results"]] == ["(Laughter.)"]
    in_briefing = assert_matches(
        "/turns/", client.get(url, {"transcript": archive["briefing"].slug})
    )
    assert [t["text"] for t in in_briefing["results"]] == ["Good afternoon."]
    key = on_topic["results"][1]["key"]
    turn = assert_matches(
        "/turns/{key}/", client.get(reverse("archive:api_turn_detail", args=[key]))
    )
    assert turn["speaker"]["slug"] == "antony-blinken"
    assert turn["context_url"].endswith("#t2")


def test_speakers_and_topics(client, archive):
    speakers = assert_matches("/speakers/", client.get(reverse("archive:api_speaker_list")))
    # By family name: Blinken, Galloni.
    assert [s["name"] for s in speakers["results"]] == ["Antony Blinken", "Alessandra Galloni"]
    officials = assert_matches(
        "/speakers/", client.get(reverse("archive:api_speaker_list"), {"kind": "official"})
    )
    assert [s["name"] for s in officials["results"]] == ["Antony Blinken"]
    reuters = assert_matches(
        "/speakers/", client.get(reverse("archive:api_speaker_list"), {"organisation": "reuters"})
    )
    assert [s["name"] for s in reuters["results"]] == ["Alessandra Galloni"]
    blinken = assert_matches(
        "/speakers/{slug}/",
        client.get(reverse("archive:api_speaker_detail", args=["antony-blinken"])),
    )
    assert blinken["turn_count"] == 3
    assert blinken["transcripts_url"].endswith("/api/transcripts/?speaker=antony-blinken")

    topics = assert_matches("/topics/", client.get(reverse("archive:api_topic_list")))
    assert [(t["name"], t["turn_count"]) for t in topics["results"]] == [("Ukraine", 2)]
    ukraine = assert_matches(
        "/topics/{slug}/", client.get(reverse("archive:api_topic_detail", args=["ukraine"]))
    )
    assert ukraine["turns_url"].endswith("/api/turns/?topic=ukraine")


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
    everything = []
    for name in [
        "archive:api_transcript_list",
        "archive:api_turn_list",
        "archive:api_speaker_list",
    ]:
        response = client.get(reverse(name), {"page_size": 100})
        assert response.status_code == 200
        everything.append(response.json())
    for secret in ["Hidden interview", "Secret Person", "privately"]:
        assert secret not in str(everything)


def test_pagination(client, archive):
    url = reverse("archive:api_turn_list")
    first = assert_matches("/turns/", client.get(url, {"page_size": 2}))
    assert first["count"] == 5 and first["num_pages"] == 3 and first["previous"] is None
    second = assert_matches("/turns/", client.get(first["next"]))
    assert second["page"] == 2 and second["previous"].endswith("page=1")
    assert {t["key"] for t in first["results"]}.isdisjoint(t["key"] for t in second["results"])


def test_page_past_the_end_is_404(client, archive):
    data = assert_matches(
        "/turns/", client.get(reverse("archive:api_turn_list"), {"page": 99}), 404
    )
    assert "there are 1 pages" in data["error"]["message"]


def test_list_queries_do_not_grow_with_results(client, archive, django_assert_max_num_queries):
    people = {f"S{i}": make_speaker(f"Person {i}") for i in range(10)}
    make_transcript("Long", speakers=people, turns=[(f"S{i % 10}", f"Turn {i}") for i in range(60)])
    for name in [
        "archive:api_transcript_list",
        "archive:api_turn_list",
        "archive:api_speaker_list",
        "archive:api_topic_list",
    ]:
        with django_assert_max_num_queries(4):
            response = client.get(reverse(name), {"page_size": 100})
        assert response.status_code == 200, name
        assert len(response.json()["results"]) > 1 or name == "archive:api_topic_list"


# --- What the API accepts is what the document says -----------------------------------------------


@pytest.mark.parametrize(
    "params,message",
    [
        ({"page": "x"}, "page must be a whole number"),
        ({"page": "0"}, "page must be at least 1"),
        ({"page_size": "500"}, "page_size must be at most 100"),
        ({"kind": "sermon"}, "kind must be one of"),
        ({"year": "last"}, "year must be a whole number"),
        ({"year": "0"}, "year must be at least 1"),
        ({"speaker": "Antony Blinken"}, "speaker must be a slug"),
        ({"outlet": "x" * 201}, "outlet must be at most 200 characters"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, archive, params, message):
    data = assert_matches(
        "/transcripts/", client.get(reverse("archive:api_transcript_list"), params), 400
    )
    assert data["error"]["status"] == 400
    assert message in data["error"]["message"]


@pytest.mark.parametrize("name", ["kind", "page", "page_size", "year", "outlet", "speaker"])
def test_an_empty_parameter_is_refused_not_ignored(client, archive, name):
    data = assert_matches(
        "/transcripts/", client.get(reverse("archive:api_transcript_list"), {name: ""}), 400
    )
    assert data["error"]["message"].startswith(f"{name} must")
    schema = parameters("/transcripts/")[name]["schema"]  # and the document says so:
    assert schema["type"] == "integer" or "enum" in schema or schema["minLength"] == 1


def _probes(schema: dict) -> list[tuple[str, bool]]:
    """Values of a query parameter the document allows (True) and refuses (False)."""
    if "enum" in schema or "const" in schema:
        values = schema.get("enum") or [schema["const"]]
        return [(value, True) for value in values] + [("", False), ("nonsense", False)]
    if schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        probes = [("", False), ("x", False), ("1.5", False)]
        if low is not None:
            probes += [(str(low), True), (str(low - 1), False)]
        if high is not None:
            probes += [(str(high), True), (str(high + 1), False)]
        return probes
    probes = [("abc", True)]
    if schema.get("minLength"):
        probes.append(("", False))
    if schema.get("maxLength"):
        probes += [("a" * schema["maxLength"], True), ("a" * (schema["maxLength"] + 1), False)]
    return probes


LIST_PATHS = ["/transcripts/", "/turns/", "/speakers/", "/topics/", "/search/"]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_query_parameter_accepts_what_the_document_allows_and_refuses_the_rest(
    client, archive, path
):
    call_command("update_index", verbosity=0)
    base = {"q": "minsk"} if path == "/search/" else {}
    for name, parameter in parameters(path).items():
        for value, allowed in _probes(parameter["schema"]):
            params = {**base, name: value}
            if name == "page" and allowed:
                params["page_size"] = 1  # so that a high page is a page past the last, not a 400
            response = client.get(f"/api{path}", params)
            if allowed:
                assert response.status_code in {200, 404}, (path, name, value, response.json())
                if response.status_code == 404:
                    assert (
                        name == "page" and "does not exist" in response.json()["error"]["message"]
                    )
            else:
                data = assert_matches(path, response, 400)
                assert data["error"]["message"].startswith(name), (path, name, value)


def test_search_requires_a_query_as_documented(client, archive):
    q = parameters("/search/")["q"]
    assert q["required"] is True
    assert q["schema"]["minLength"] == 1 and q["schema"]["pattern"] == r"\S"
    url = reverse("archive:api_search")
    for params in [{}, {"q": ""}, {"q": "   "}, {"speaker": "blinken"}]:
        missing = assert_matches("/search/", client.get(url, params), 400)
        assert "q is required" in missing["error"]["message"]


def test_year_limits_are_documented_and_kept(client, archive):
    year = parameters("/transcripts/")["year"]["schema"]
    assert (year["minimum"], year["maximum"]) == (1, 9999)
    url = reverse("archive:api_transcript_list")
    assert client.get(url, {"year": 0}).status_code == 400
    assert client.get(url, {"year": 10000}).status_code == 400
    assert client.get(url, {"year": 1}).json()["count"] == 0


# --- Errors, methods, headers -----------------------------------------------------------------------


def test_unknown_paths_and_methods_answer_json(client, db):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith(
        "There is no API endpoint at /api/nothing/here/"
    )
    assert "Did you mean /api/topics/" in client.get("/api/topics").json()["error"]["message"]
    for path in ["/api/nothing/", "/api/speakers/a%0A/", "/api/speakers/a%20b/", "/api/%0A"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["status"] == 404

    response = client.post(reverse("archive:api_topic_list"), {"name": "x"})
    assert response.status_code == 405
    assert response.json() == {
        "error": {"status": 405, "message": "POST is not allowed: this API is read-only (GET)."}
    }
    assert response["Allow"] == "GET, HEAD"
    for method in [client.put, client.patch, client.delete, client.options]:
        response = method(reverse("archive:api_search"))
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert client.delete("/api/nothing/").status_code == 405
    assert client.post(reverse("archive:api_openapi")).status_code == 405


def test_head_answers_like_get_without_a_body(client, archive):
    for url in [reverse("archive:api_transcript_list"), reverse("archive:api_openapi"), "/api/"]:
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""
    assert client.head("/api/nothing/").status_code == 404


def test_every_answer_is_open_to_any_origin(client, archive):
    for url in [
        reverse("archive:api_transcript_list"),
        reverse("archive:api_openapi"),
        reverse("archive:api_speaker_detail", args=["nobody"]),
        reverse("archive:api_transcript_list") + "?page=x",
        "/api/nothing/",
    ]:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url


def test_a_bug_is_a_logged_json_500(client, archive, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("archive.filters.TurnFilters.apply", broken)
    with caplog.at_level(logging.ERROR, logger="archive.api"):
        response = client.get(reverse("archive:api_turn_list"))
    assert response.status_code == 500
    assert response.json() == {
        "error": {"status": 500, "message": "Internal server error; it has been logged."}
    }
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


# --- Search ---------------------------------------------------------------------------------------


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

    nothing = assert_matches("/search/", client.get(url, {"q": "zzyzx"}))
    assert nothing["count"] == 0 and nothing["num_pages"] == 1 and nothing["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"Minsk agreements"'},
        {"q": "minsk", "page_size": "1", "page": "2"},
        {"q": "Ukraine", "speaker": "galloni", "sort": "newest"},
        {"q": "minsk", "kind": "interview", "after": "2021", "before": "2021-12-31"},
        {"q": "zzyzx"},
    ],
)
def test_the_search_page_json_is_the_api_answer(client, archive, params):
    call_command("update_index", verbosity=0)
    api = assert_matches("/search/", client.get(reverse("archive:api_search"), params))
    page = assert_matches(
        "/search/", client.get(reverse("archive:search"), {**params, "format": "json"})
    )
    links = ("next", "previous")
    assert {k: v for k, v in page.items() if k not in links} == {
        k: v for k, v in api.items() if k not in links
    }
    for link in links:  # each links to its own next page
        if api[link]:
            assert api[link].startswith("http://testserver/api/search/?")
            assert page[link].startswith("http://testserver/search/?")
            assert "format=json" in page[link]
        else:
            assert page[link] is None


def test_the_search_page_json_reads_leniently_what_the_api_refuses(client, archive):
    for params in [{}, {"q": ""}, {"q": "minsk", "page": "x", "page_size": "500", "sort": "?"}]:
        assert client.get(reverse("archive:api_search"), params).status_code == 400
        page = assert_matches(
            "/search/", client.get(reverse("archive:search"), {**params, "format": "json"})
        )
        assert page["page"] == 1 and page["page_size"] == 20
