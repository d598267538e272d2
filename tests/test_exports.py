"""Transcript exports (JSON, CSV, plain text, Akoma Ntoso) and the search's CSV."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from archive import schemas
from archive.akoma_ntoso import AKN_NS
from archive.models import Speaker, Turn
from archive.views.exports import CSV_COLUMNS, search_csv_response, turns_csv_response
from tests.support import make_speaker, make_transcript

pytestmark = pytest.mark.django_db
AKN = f"{{{AKN_NS}}}"


@pytest.fixture
def interview():
    people = {
        "QUESTION": make_speaker(
            "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, title="Editor-in-Chief"
        ),
        "SECRETARY BLINKEN": make_speaker("Antony Blinken", title="Secretary of State"),
    }
    return make_transcript(
        "Secretary Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters NEXT",
        source_url="https://www.state.gov/reuters-next/",
        source_name="U.S. Department of State",
        speakers=people,
        turns=[
            ("QUESTION", "Is Russia going to invade?"),
            (
                "SECRETARY BLINKEN",
                "I hope not. (Laughter.)\n\nThe Minsk agreements, “signed” <years> ago & more.",
            ),
            ("", "(Applause.)"),
            ("MODERATOR", "Thank you."),
        ],
    )


def export(client, transcript, fmt):
    return client.get(reverse("archive:transcript_export", args=[transcript.slug, fmt]))


def test_json_export_holds_metadata_participants_and_every_turn(client, interview):
    response = export(client, interview, "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["transcript"]["title"] == "Secretary Blinken at Reuters NEXT"
    assert data["transcript"]["date"] == "2021-12-03"
    assert [p["name"] for p in data["participants"]] == [
        "Alessandra Galloni",
        "Antony Blinken",
        "Moderator",
    ]
    assert [t["position"] for t in data["turns"]] == [1, 2, 3, 4]
    second = data["turns"][1]
    assert second["speaker"]["slug"] == "antony-blinken"
    assert second["url"].startswith("http://testserver/turns/")
    assert second["context_url"].endswith(f"{interview.get_absolute_url()}#t2")
    assert "<years>" in second["text"]
    assert second["topics"] == []


def test_json_export_is_the_archive_s_one_shape_of_a_transcript(client, interview):
    data = json.loads(export(client, interview, "json").content)
    jsonschema.Draft202012Validator(schemas.TranscriptExport.model_json_schema()).validate(data)
    api = client.get(reverse("archive:api_transcript_detail", args=[interview.slug])).json()
    assert data["participants"] == api["participants"]
    assert data["transcript"] == {
        name: value for name, value in api.items() if name in data["transcript"]
    }
    turns = client.get(api["turns_url"]).json()["results"]
    assert data["turns"] == [
        {name: value for name, value in turn.items() if name != "transcript"} for turn in turns
    ]


def test_csv_export_has_one_row_per_turn(client, interview):
    response = export(client, interview, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{interview.slug}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[1]["speaker"] == "Antony Blinken"
    assert rows[1]["text"].startswith("I hope not. (Laughter.)\n\nThe Minsk agreements")
    assert rows[2]["kind"] == "narrative" and rows[2]["speaker"] == ""


def test_text_export_reads_like_the_transcript(client, interview):
    response = export(client, interview, "txt")
    text = response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert text.startswith(
        "Secretary Blinken at Reuters NEXT\n3 December 2021 · Interview · Reuters NEXT\n"
    )
    assert "QUESTION: Is Russia going to invade?" in text
    assert "\n(Applause.)\n" in text
    assert "Archive: http://testserver/transcripts/" in text


def test_akoma_ntoso_export_is_a_debate_with_speeches_by_known_persons(client, interview):
    response = export(client, interview, "xml")
    assert response["Content-Type"].startswith("application/akn+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{AKN}akomaNtoso"
    debate = root.find(f"{AKN}debate")
    assert debate is not None and debate.get("name") == "interview"
    persons = {p.get("eId"): p.get("showAs") for p in root.iter(f"{AKN}TLCPerson")}
    assert persons["person-antony-blinken"] == "Antony Blinken"
    speeches = list(root.iter(f"{AKN}speech"))
    assert len(speeches) == 3
    for speech in speeches:
        assert speech.get("by").lstrip("#") in persons
        assert speech.find(f"{AKN}from/{AKN}person").get("refersTo") == speech.get("by")
    assert speeches[1].find(f"{AKN}from/{AKN}person").text == "SECRETARY BLINKEN"
    assert [r.text for r in speeches[1].iter(f"{AKN}remark")] == ["(Laughter.)"]
    assert root.find(f".//{AKN}narrative/{AKN}remark").text == "(Applause.)"
    assert "<years>" in "".join(speeches[1].itertext())
    work = root.find(f".//{AKN}FRBRWork/{AKN}FRBRdate")
    assert work.get("date") == "2021-12-03"
    assert root.find(f".//{AKN}docDate").get("date") == "2021-12-03"


def test_unknown_format_and_unpublished_transcripts_are_not_found(client, interview):
    assert export(client, interview, "pdf").status_code == 404
    hidden = make_transcript("Hidden", published=False, turns=[("", "Nothing.")])
    for fmt in ["json", "csv", "txt", "xml"]:
        assert export(client, hidden, fmt).status_code == 404


def test_export_queries_do_not_grow_with_turns(client, django_assert_max_num_queries):
    speakers = {f"S{i}": make_speaker(f"Person {i}") for i in range(10)}
    transcript = make_transcript(
        "Long", speakers=speakers, turns=[(f"S{i % 10}", f"Turn {i}") for i in range(80)]
    )
    # The transcript, its turns, its participants; and the turns' topics for JSON.
    for fmt, queries in [("json", 4), ("csv", 2), ("txt", 2), ("xml", 3)]:
        with django_assert_max_num_queries(queries):
            assert export(client, transcript, fmt).status_code == 200


def test_turns_csv_writes_one_row_per_turn(interview):
    request = RequestFactory().get("/search/", {"q": "Minsk", "format": "csv"})
    turns = list(Turn.objects.for_listing().filter(text__contains="Minsk"))
    response = turns_csv_response(turns, request, filename="search.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["speaker"] for row in rows] == ["Antony Blinken"]
    assert rows[0]["url"].startswith("http://testserver/turns/")
    assert 'filename="search.csv"' in response["Content-Disposition"]


def test_search_csv_runs_the_search_and_writes_every_result(interview):
    call_command("update_index", verbosity=0)  # the Whoosh engine; PostgreSQL's needs nothing
    request = RequestFactory().get("/search/", {"q": '"Minsk agreements"', "format": "csv"})
    response = search_csv_response(request)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["speaker"], row["position"]) for row in rows] == [("Antony Blinken", "2")]
    assert rows[0]["context_url"].endswith("#t2")
