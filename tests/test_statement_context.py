"""A statement in its context: its page shows the question it answers (or, for a question, its
answers) and the statements either side; "read in context" opens the transcript at the turn
with the searched words highlighted and a way from match to match."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from archive.exchanges import MAX_ANSWERS, exchange_of
from archive.models import Speaker
from tests.support import make_speaker, make_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefing():
    people = {
        "MR PRICE": make_speaker("Ned Price", title="Spokesperson"),
        "MR LEE": make_speaker("Matthew Lee", kind=Speaker.Kind.JOURNALIST),
        "QUESTION": make_speaker("Questioner", kind=Speaker.Kind.UNIDENTIFIED),
        "MODERATOR": make_speaker("Moderator", kind=Speaker.Kind.MODERATOR),
    }
    return make_transcript(
        "Department Press Briefing",
        date=datetime.date(2022, 2, 11),
        kind="briefing",
        speakers=people,
        turns=[
            ("MR PRICE", "Good afternoon. I have two things at the top."),  # 1 opening remarks
            ("MR LEE", "On Ukraine: are the Minsk agreements dead?"),  # 2
            ("MR PRICE", "No. The Minsk agreements remain the way forward."),  # 3
            ("", "(Laughter.)"),  # 4
            ("MR PRICE", "And the Normandy format meets again next week."),  # 5
            ("QUESTION", "A follow-up on Normandy?"),  # 6
            ("MR PRICE", "We support it."),  # 7
            ("MODERATOR", "Last question."),  # 8
        ],
    )


def turn(transcript, position):
    return transcript.turns.get(position=position)


def test_an_answer_answers_the_nearest_question_before_it_across_answers_and_stage_directions(
    briefing,
):
    assert exchange_of(turn(briefing, 3)).question.position == 2
    assert exchange_of(turn(briefing, 5)).question.position == 2
    assert exchange_of(turn(briefing, 7)).question.position == 6
    assert exchange_of(turn(briefing, 1)).question is None, "opening remarks answer nothing"


def test_a_question_has_the_answers_up_to_the_next_question(briefing):
    exchange = exchange_of(turn(briefing, 2))
    assert [t.position for t in exchange.answers] == [3, 5]
    assert exchange.question is None
    assert exchange_of(turn(briefing, 8)).answers == []


def test_neighbours_are_the_statements_either_side_stage_directions_skipped(briefing):
    exchange = exchange_of(turn(briefing, 5))
    assert (exchange.previous.position, exchange.next.position) == (3, 6)
    first = exchange_of(turn(briefing, 1))
    assert first.previous is None and first.next.position == 2


def test_a_long_run_of_answers_shows_the_first_few(db):
    price = make_speaker("Ned Price")
    lee = make_speaker("Matthew Lee", kind=Speaker.Kind.JOURNALIST)
    transcript = make_transcript(
        "Long answer",
        speakers={"MR PRICE": price, "MR LEE": lee},
        turns=[("MR LEE", "Well?")] + [("MR PRICE", f"Part {i}.") for i in range(6)],
    )
    exchange = exchange_of(turn(transcript, 1))
    assert len(exchange.answers) == MAX_ANSWERS and exchange.more_answers


def test_an_answers_page_shows_its_question_and_its_neighbours(briefing, client):
    answer = turn(briefing, 3)
    html = client.get(answer.get_absolute_url()).content.decode()
    assert "In answer to" in html
    main = html.split('class="exchange', 1)[1]
    question_at = main.index("are the Minsk agreements dead?")
    answer_at = main.index("The Minsk agreements remain the way forward.")
    assert question_at < answer_at, "the question comes first"
    assert f'href="{turn(briefing, 2).get_absolute_url()}" rel="prev"' in html
    assert f'href="{turn(briefing, 5).get_absolute_url()}" rel="next"' in html
    assert "Before: Matthew Lee" in html and "After: Ned Price" in html
    assert f'href="{briefing.get_absolute_url()}#t3"' in html
    assert (
        'href="mailto:corrections@localhost?subject=Correction%3A%20http%3A//testserver/turns/'
        in html
    )


def test_a_questions_page_shows_its_answers(briefing, client):
    html = client.get(turn(briefing, 2).get_absolute_url()).content.decode()
    assert "The answers" in html and "In answer to" not in html
    assert "The Minsk agreements remain the way forward." in html
    assert "And the Normandy format meets again next week." in html
    unanswered = client.get(turn(briefing, 8).get_absolute_url()).content.decode()
    assert "No answer follows this question" in unanswered


def test_the_statement_page_reads_its_context_in_few_queries(
    briefing, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(turn(briefing, 5).get_absolute_url()).status_code == 200


# --- Read in context ------------------------------------------------------------------------------


def test_read_in_context_highlights_the_searched_words_in_every_turn_and_links_the_matches(
    briefing, client
):
    response = client.get(briefing.get_absolute_url(), {"hl": '"Minsk agreements"'})
    html = response.content.decode()
    assert len(response.context["turns"]) == 8, "the whole transcript, not only the matches"
    assert [t.position for t in response.context["matches"]] == [2, 3]
    assert html.count("<mark>Minsk agreements</mark>") == 2
    assert "“&quot;Minsk agreements&quot;” is highlighted in 2 statements" in html
    t2 = html[html.index('id="t2"') : html.index('id="t3"')]
    assert "Match 1 of 2" in t2 and 'href="#t3" rel="next">Next match' in t2
    t3 = html[html.index('id="t3"') : html.index('id="t4"')]
    assert "Match 2 of 2" in t3 and 'href="#t2" rel="prev">← Previous match' in t3
    assert "Next match" not in t3


def test_read_in_context_with_words_that_match_nothing_shows_the_transcript(briefing, client):
    response = client.get(briefing.get_absolute_url(), {"hl": "zanzibar"})
    assert len(response.context["turns"]) == 8 and response.context["matches"] == []
    assert "is highlighted in 0 statements" in response.content.decode()
    plain = client.get(briefing.get_absolute_url(), {"hl": "speaker:price"})
    assert "is highlighted" not in plain.content.decode(), "a filter has no words to mark"


def test_search_results_open_the_transcript_at_the_turn_with_the_words_highlighted(
    briefing, client, django_capture_on_commit_callbacks
):
    from archive.search.indexing import reindex_transcript

    with django_capture_on_commit_callbacks(execute=True):
        reindex_transcript(briefing)
    html = client.get(reverse("archive:search"), {"q": "normandy speaker:price"}).content.decode()
    links = re.findall(r'href="([^"]*\?hl=[^"]*)"', html)
    assert f"{briefing.get_absolute_url()}?hl=normandy#t5" in links
