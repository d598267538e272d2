"""The sample archive that `make run` loads answers the archive's worked example exactly."""

import io
import json

import pytest
from django.core.management import call_command

from archive.models import Transcript

pytestmark = pytest.mark.django_db


def test_sample_archive_finds_exactly_turns_2_and_4_of_the_blinken_interview_for_minsk(client):
    call_command("load_sample", stdout=io.StringIO())
    assert Transcript.objects.count() == 16
    blinken = Transcript.objects.get(slug__contains="blinken")
    assert blinken.turns.count() == 37
    assert blinken.turns.get(position=1).speaker.name == "Alessandra Galloni"

    for query in ('"Minsk agreements"', "Minsk agreements"):
        answer = json.loads(client.get("/search/", {"q": query, "format": "json"}).content)
        assert answer["count"] == 2, query
        assert sorted(hit["position"] for hit in answer["results"]) == [2, 4]
        for hit in answer["results"]:
            assert hit["transcript"]["slug"] == blinken.slug
            assert hit["speaker"]["name"] == "Antony Blinken"
            assert hit["context_url"].endswith(f"/transcripts/{blinken.slug}/#t{hit['position']}")
            assert "<mark>" in hit["snippet"]


def test_sample_archive_finds_its_chinese_press_conference_in_chinese(client):
    """`美国`, `香港`, a quoted `"美方"` and `外交部 记者` each find the Chinese foreign ministry's
    press conference, with the words highlighted, and lang:zh keeps to it."""
    call_command("load_sample", stdout=io.StringIO())
    briefing = Transcript.objects.get(language="zh")
    for query in ("美国", "香港", '"美方"', "蓬佩奥 lang:zh", "美国 lang:chinese"):
        answer = json.loads(client.get("/search/", {"q": query, "format": "json"}).content)
        assert answer["count"] >= 1, query
        assert {hit["transcript"]["slug"] for hit in answer["results"]} == {briefing.slug}
        assert all("<mark>" in hit["snippet"] for hit in answer["results"]), query
    answer = json.loads(client.get("/search/", {"q": "香港", "format": "json"}).content)
    assert "<mark>香港</mark>" in answer["results"][0]["snippet"]
    facets = {value["value"] for value in answer["facets"]["language"]}
    assert facets == {"zh"}


def test_the_sample_archive_lists_people_and_no_placeholder(client):
    """Issue 9: /speakers/ lists people, by family name; roles and questioners are participants
    of their transcripts, shown there with their role."""
    call_command("load_sample", stdout=io.StringIO())

    page = client.get("/speakers/")
    names = [speaker.name for speaker in page.context["speakers"]]
    assert names == [
        "Anthony Albanese",
        "Joe Biden",
        "Antony Blinken",
        "Kurt Campbell",
        "Alessandra Galloni",
        "Geng Shuang",
        "Karine Jean-Pierre",
        "Fumio Kishida",
        "Andrés Manuel López Obrador",
        "Jen Psaki",
        "Jake Sullivan",
        "Justin Trudeau",
    ]
    html = page.content.decode()
    for placeholder in ("Questioner", "Moderator", "Senior Administration Official", "Operator"):
        assert placeholder not in html
    home = client.get("/")
    assert home.context["speaker_count"] == len(names)

    call = Transcript.objects.get(date="2021-11-16")
    participants = client.get(call.get_absolute_url()).context["participants"]
    assert [p.name for p in participants] == [
        "Moderator",
        "Senior Administration Official",
        "Reporter",
    ]
