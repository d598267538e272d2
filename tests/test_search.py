"""Searching the archive: the query language against a real Whoosh index and a real database."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from archive.models import Transcript, Turn
from archive.search import SearchRequest, get_engine, run_search
from tests.support import (
    load_sample_files,
    load_seed,
    make_speaker,
    make_topic,
    make_transcript,
    tag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def whoosh_engine(settings):
    settings.PARLEY_SEARCH_ENGINE = "whoosh"


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    return load_seed(django_capture_on_commit_callbacks)


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Use as `with indexed():` around changes whose index updates should run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def search(q="", **params):
    return run_search(SearchRequest(q=q, **params))


def positions(page):
    return sorted(hit.position for hit in page.hits)


# --- The acceptance test -----------------------------------------------------------------


def test_minsk_agreements_finds_exactly_turns_2_and_4_by_blinken(seed, client):
    page = search('"Minsk agreements"')
    assert page.total == 2
    assert positions(page) == [2, 4]
    assert {hit.speaker_name for hit in page.hits} == {"Antony Blinken"}
    turn = Turn.objects.get(transcript=seed, position=2)
    assert turn.get_context_url() in {hit.url for hit in page.hits}

    response = client.get(reverse("archive:search"), {"q": '"Minsk agreements"'})
    html = response.content.decode()
    assert response.status_code == 200
    # Read in context: the transcript at the turn, the searched words highlighted there.
    transcript_url, anchor = turn.get_context_url().split("#")
    assert f'href="{transcript_url}?hl=%22Minsk+agreements%22#{anchor}"' in html
    assert f'href="{turn.get_absolute_url()}"' in html
    assert "<mark>Minsk agreements</mark>" in html


def test_the_json_format_answers_the_same_search(seed, client):
    response = client.get(reverse("archive:search"), {"q": '"Minsk agreements"', "format": "json"})
    data = response.json()
    assert data["query"] == '"Minsk agreements"'
    assert data["count"] == 2 and data["page"] == 1
    first = data["results"][0]  # the API's SearchHit (archive/schemas.py): a turn + snippet
    assert {"url", "context_url", "transcript", "position", "speaker", "label", "snippet"} <= set(
        first
    )
    assert (first["speaker"]["name"], first["speaker"]["slug"]) == (
        "Antony Blinken",
        "antony-blinken",
    )
    assert first["transcript"]["slug"] == seed.slug
    assert first["transcript"]["date"] == "2021-12-03"
    assert first["label"] == "SECRETARY BLINKEN"
    context = f"http://testserver/transcripts/{seed.slug}/#t{first['position']}"
    assert first["context_url"] == context
    assert {"speaker", "topic", "year", "kind"} <= set(data["facets"])


# --- Words, phrases, operators -------------------------------------------------------------------


def test_a_word_finds_its_simple_forms_but_a_phrase_only_itself(seed):
    assert positions(search("agreement minsk")) == [2, 4]
    assert search('"Minsk agreement"').total == 0  # the seed only says "agreements"


def test_curly_and_straight_apostrophes_match_each_other(seed):
    curly = search("you’ve busy")
    straight = search("you've busy")
    assert curly.total == straight.total >= 1
    assert 1 in positions(curly)


def test_case_does_not_matter(seed):
    assert search("MINSK").total == search("minsk").total == 2


def test_or_and_exclusion(seed):
    both = search("minsk OR lavrov")
    assert set(positions(search("minsk"))) | set(positions(search("lavrov"))) == set(
        positions(both)
    )
    without = search("minsk -lavrov")
    assert 2 not in positions(without)  # turn 2 mentions Lavrov
    assert 4 in positions(without)


def test_a_three_word_phrase_must_be_consecutive(seed):
    assert search('"the Minsk agreements"').total == 1  # turn 4: "under the Minsk agreements"
    assert search('"Minsk the agreements"').total == 0


def test_a_stop_word_alone_explains_itself(seed):
    page = search("the")
    assert page.total == 0
    assert any("too common" in note for note in page.notes)


# --- Filters and facets --------------------------------------------------------------------------


def test_speaker_filter_matches_slug_or_any_word_of_name_or_alias(seed):
    for value in ("blinken", "antony-blinken", "Antony", '"SECRETARY BLINKEN"'):
        page = search(f"russia speaker:{value}")
        assert page.total > 0
        assert {hit.speaker_slug for hit in page.hits} == {"antony-blinken"}, value


def test_the_speaker_form_control_narrows_like_the_typed_filter(seed):
    assert search("russia", speaker="blinken").total == search("russia speaker:blinken").total


def test_an_unknown_speaker_finds_nothing_and_suggests_dropping_the_filter(seed):
    page = search("russia speaker:nobodyatall")
    assert page.total == 0
    assert any("No speaker matches" in note for note in page.notes)
    assert any("without the speaker filter" in s.text for s in page.suggestions)


def test_topic_filter_by_slug_or_name(seed):
    by_slug = search("topic:minsk-agreements")
    by_name = search('topic:"Minsk agreements"')
    assert positions(by_slug) == positions(by_name)
    assert {2, 4} <= set(positions(by_slug))


def test_date_and_kind_filters(seed):
    assert search("russia after:2021-12-03 before:2021-12-03").total > 0
    assert search("russia after:2021-12-04").total == 0
    assert search("russia before:2020").total == 0
    assert search("russia before:2021").total > 0  # the whole of 2021
    assert search("russia kind:interview").total > 0
    assert search("russia kind:briefing").total == 0


def test_facets_count_and_narrow(seed, client):
    page = search("russia")
    speakers = {v.value: v for v in page.facets["speaker"]}
    # People are counted; journalists are grouped as "Reporters".
    assert set(speakers) == {"antony-blinken", "reporters"}
    assert speakers["reporters"].label == "Reporters"
    assert sum(v.count for v in speakers.values()) == page.total
    assert page.facets["year"][0].value == "2021"
    assert page.speakers_most[0].label in {"Antony Blinken", "Reporters"}

    reporters = client.get(reverse("archive:search") + speakers["reporters"].querystring)
    assert reporters.context["page"].total == speakers["reporters"].count

    narrowed = client.get(reverse("archive:search") + speakers["antony-blinken"].querystring)
    assert narrowed.status_code == 200
    narrowed_page = narrowed.context["page"]
    assert narrowed_page.total == speakers["antony-blinken"].count
    assert {hit.speaker_slug for hit in narrowed_page.hits} == {"antony-blinken"}


def test_speaker_matches_a_person_by_an_office_they_held(seed):
    from archive.search.resolve import resolve_speakers

    assert resolve_speakers(["secretary of state"])[0] == ("antony-blinken",)
    assert search("russia speaker:secretary after:2021-01-01").total > 0
    assert search("russia speaker:spokesperson").total == 0  # no spokesperson spoke of it
    assert resolve_speakers(["Tony Blinken"])[0] == ("antony-blinken",)  # another name


def test_topic_facet_narrows(seed, client):
    page = search("russia")
    topic = next(v for v in page.facets["topic"] if v.value == "minsk-agreements")
    narrowed = client.get(reverse("archive:search") + topic.querystring).context["page"]
    assert narrowed.total == topic.count
    assert set(positions(narrowed)) <= set(positions(search("topic:minsk-agreements")))


def test_filters_alone_list_every_matching_turn(seed):
    assert (
        search("speaker:blinken").total
        == Turn.objects.filter(speaker__slug="antony-blinken").count()
    )


# --- Sorting, paging, results --------------------------------------------------------------------


@pytest.fixture
def two_years(indexed):
    with indexed():
        price = make_speaker("Ned Price", aliases=["MR PRICE"])
        for year in (2020, 2021, 2022):
            make_transcript(
                f"Briefing {year}",
                date=datetime.date(year, 5, 1),
                turns=[("MR PRICE", f"Sanctions remain in place in {year}.")] * 1,
                speakers={"MR PRICE": price},
                kind="briefing",
            )


def test_sort_newest_and_oldest(two_years):
    newest = search("sanctions", sort="newest")
    oldest = search("sanctions", sort="oldest")
    assert [h.transcript_date.year for h in newest.hits] == [2022, 2021, 2020]
    assert [h.transcript_date.year for h in oldest.hits] == [2020, 2021, 2022]


def test_year_facet_narrows_to_that_year(two_years, client):
    page = search("sanctions")
    year = next(v for v in page.facets["year"] if v.value == "2021")
    narrowed = client.get(reverse("archive:search") + year.querystring).context["page"]
    assert [h.transcript_date.year for h in narrowed.hits] == [2021]


def test_pagination(seed, client):
    page = run_search(SearchRequest(q="russia", per_page=3))
    assert page.num_pages == -(-page.total // 3) > 1
    second = run_search(SearchRequest(q="russia", per_page=3, page=2))
    assert not {h.turn_id for h in page.hits} & {h.turn_id for h in second.hits}
    response = client.get(reverse("archive:search"), {"q": "russia"})
    assert response.status_code == 200
    beyond = client.get(reverse("archive:search"), {"q": "russia", "page": "9999"})
    assert beyond.status_code == 200 and beyond.context["page"].hits


def test_page_html_has_pagination_links_with_rel(indexed, client):
    with indexed():
        make_transcript("Long", turns=[("MR PRICE", "Sanctions again.")] * 45)
    html = client.get(reverse("archive:search"), {"q": "sanctions"}).content.decode()
    assert 'rel="next"' in html and "Page 1 of 3" in html
    html = client.get(reverse("archive:search"), {"q": "sanctions", "page": 2}).content.decode()
    assert 'rel="prev"' in html and "Page 2 of 3" in html


def test_transcript_text_is_escaped_and_only_marks_are_trusted(indexed, client):
    with indexed():
        make_transcript(
            "Escapes", turns=[("MR PRICE", "Sanctions <script>alert(1)</script> & <b>more</b>")]
        )
    response = client.get(reverse("archive:search"), {"q": "sanctions"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Sanctions</mark>" in html


def test_questions_and_answers_are_told_apart(seed, client):
    html = client.get(reverse("archive:search"), {"q": "russia"}).content.decode()
    assert "turn--question" in html and "turn--answer" in html


def test_a_misspelling_suggests_the_archive_word(seed):
    page = search("lavorv")
    assert page.total == 0
    assert any("lavrov" in s.text for s in page.suggestions)


def test_no_results_page_suggests_what_to_try(seed, client):
    html = client.get(reverse("archive:search"), {"q": "minsk kind:briefing"}).content.decode()
    assert "Nothing matched" in html
    assert "Search without the kind filter" in html


# --- Unpublished transcripts never appear --------------------------------------------------------


def test_unpublished_transcripts_never_appear(seed, indexed, client):
    with indexed():
        make_transcript("Secret", published=False, turns=[("MR PRICE", "Minsk agreements secret.")])
    page = search("minsk")
    assert "Secret" not in {h.transcript_title for h in page.hits}
    with indexed():
        Transcript.objects.filter(pk=seed.pk).update(published=False)
        seed.refresh_from_db()
        seed.save()
    assert search("minsk").total == 0
    assert search("speaker:blinken").total == 0
    data = client.get(reverse("archive:search"), {"q": "minsk", "format": "json"}).json()
    assert data["count"] == 0 and data["facets"]["speaker"] == []


def test_facets_do_not_count_unpublished(indexed):
    with indexed():
        topic = make_topic("Sanctions", phrases=["sanctions"])
        shown = make_transcript("Shown", turns=[("MR PRICE", "Sanctions work.")])
        hidden = make_transcript("Hidden", published=False, turns=[("MR PRICE", "Sanctions.")])
        tag(shown.turns.get(), topic)
        tag(hidden.turns.get(), topic)
    page = search("sanctions")
    assert page.total == 1
    assert [(v.value, v.count) for v in page.facets["topic"]] == [("sanctions", 1)]


# --- The whole sample archive --------------------------------------------------------------------


def test_the_sample_archive_searches_across_transcripts(django_capture_on_commit_callbacks):
    load_sample_files(
        django_capture_on_commit_callbacks,
        [
            "2021-12-03-blinken-reuters-next.txt",
            "2022-02-11-press-briefing-by-press-secretary-jen-psaki-and-national-security-advisor-jake-sullivan-february-11.txt",
        ],
    )
    page = search("ukraine")
    assert len(page.facets["speaker"]) >= 3
    assert {"2021", "2022"} <= {v.value for v in page.facets["year"]}
    assert search('"Minsk agreements"').total >= 2


# --- The same contract for every engine available here ------------------------------------------


def available_engines() -> list[str]:
    from django.db import connection

    engines = ["whoosh"]
    if connection.vendor == "postgresql":
        try:
            import archive.search.engines.postgres  # noqa: F401
        except ImportError:
            pass
        else:
            engines.append("postgres")
    return engines


@pytest.mark.parametrize("engine", available_engines())
def test_every_engine_answers_the_minsk_example(engine, seed, settings):
    settings.PARLEY_SEARCH_ENGINE = engine
    get_engine().rebuild()  # the seed was loaded with the Whoosh engine in charge
    page = search('"Minsk agreements"')
    assert positions(page) == [2, 4]
    assert {hit.speaker_slug for hit in page.hits} == {"antony-blinken"}
    assert positions(search('"Minsk agreements" speaker:blinken')) == [2, 4]
    assert search('"Minsk agreement"').total == 0


def test_snippets_keep_the_transcripts_own_punctuation():
    from archive.search.query import parse_query
    from archive.search.snippets import build_snippet

    text = "And that’s “the Minsk agreements” – what’s not been implemented."
    snippet = build_snippet(text, parse_query('you’ve "minsk agreements" what\'s').clauses)
    assert "“<mark>the" not in snippet  # only the phrase is marked
    assert "<mark>Minsk agreements</mark>”" in snippet
    assert "that’s" in snippet and "<mark>what’s</mark>" in snippet and "–" in snippet
