"""The query language parser: pure Python, no database."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search.query import (
    MAX_QUERY_LENGTH,
    Clause,
    Term,
    merge_filters,
    parse_date,
    parse_query,
)


def words(*texts):
    return tuple(Clause((Term(text),)) for text in texts)


def test_words_must_all_match():
    assert parse_query("minsk agreements").clauses == words("minsk", "agreements")


def test_a_quoted_phrase_is_one_term():
    parsed = parse_query('"Minsk agreements"')
    assert parsed.clauses == (Clause((Term("Minsk agreements", phrase=True),)),)


def test_curly_quotes_make_a_phrase_and_curly_apostrophes_are_folded():
    parsed = parse_query("you’ve “Minsk agreements”")
    assert parsed.clauses == (
        Clause((Term("you've"),)),
        Clause((Term("Minsk agreements", phrase=True),)),
    )


def test_or_joins_alternatives():
    parsed = parse_query('taiwan OR "one China" sanctions')
    assert parsed.clauses == (
        Clause((Term("taiwan"), Term("one China", phrase=True))),
        Clause((Term("sanctions"),)),
    )


def test_minus_excludes_a_word_or_a_phrase():
    parsed = parse_query('russia -ukraine -"Minsk agreements"')
    assert parsed.clauses == (
        Clause((Term("russia"),)),
        Clause((Term("ukraine"),), exclude=True),
        Clause((Term("Minsk agreements", phrase=True),), exclude=True),
    )


def test_not_excludes_the_next_term():
    assert parse_query("russia NOT ukraine").clauses[1].exclude


def test_filters_are_taken_out_of_the_words():
    parsed = parse_query(
        'nato speaker:blinken topic:"Iran nuclear deal" kind:briefing after:2021-01-01 '
        "before:2021-12-31"
    )
    assert parsed.clauses == words("nato")
    assert parsed.speakers == ("blinken",)
    assert parsed.topics == ("Iran nuclear deal",)
    assert parsed.kinds == ("briefing",)
    assert parsed.after == date(2021, 1, 1)
    assert parsed.before == date(2021, 12, 31)
    assert parsed.notes == ()


def test_filter_names_ignore_case_and_other_colons_are_words():
    parsed = parse_query("Speaker:blinken re:ukraine 10:30")
    assert parsed.speakers == ("blinken",)
    assert parsed.clauses == words("re:ukraine", "10:30")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", date(2021, 1, 1)),
        ("2021-06", date(2021, 6, 1)),
        ("2021-06-30", date(2021, 6, 30)),
        ("2021-6-3", date(2021, 6, 3)),
    ],
)
def test_dates_may_be_partial(text, expected):
    assert parse_date(text) == expected


def test_before_a_partial_date_means_its_end():
    assert parse_query("before:2021").before == date(2021, 12, 31)
    assert parse_query("before:2024-02").before == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["after:yesterday", "before:2021-13-01", "after:2021-02-30"])
def test_a_malformed_date_is_left_out_with_a_note(text):
    parsed = parse_query(f"nato {text}")
    assert parsed.after is None and parsed.before is None
    assert parsed.clauses == words("nato")
    assert "not a date" in parsed.notes[0]


def test_an_empty_filter_is_left_out_with_a_note():
    parsed = parse_query("speaker: nato")
    assert parsed.speakers == ()
    assert parsed.clauses == words("nato")
    assert "speaker: needs something after it" in parsed.notes[0]


def test_an_unclosed_quote_runs_to_the_end_with_a_note():
    parsed = parse_query('"Minsk agreements')
    assert parsed.clauses == (Clause((Term("Minsk agreements", phrase=True),)),)
    assert "not closed" in parsed.notes[0]


@pytest.mark.parametrize("text", ["OR", "OR OR", "AND", "-", "--", '""', "NOT", "| &&"])
def test_lone_operators_are_left_out(text):
    parsed = parse_query(text)
    assert parsed.clauses == ()


def test_a_trailing_or_keeps_the_word_before_it():
    assert parse_query("nato OR").clauses == words("nato")


def test_a_dangling_or_says_so():
    assert any("OR needs" in note for note in parse_query("nato OR").notes)


def test_control_characters_are_dropped():
    assert parse_query("nato\x00\x07\u200b russia").clauses == words("nato", "russia")


def test_a_long_query_is_cut_with_a_note():
    parsed = parse_query("word " * 5000)
    assert len(parsed.to_text()) <= MAX_QUERY_LENGTH
    assert any("long" in note for note in parsed.notes)


def test_to_text_round_trips():
    text = 'taiwan OR "one China" -sanctions speaker:"Ned Price" topic:nato after:2021-01-01'
    parsed = parse_query(text)
    assert parse_query(parsed.to_text()) == parsed


def test_without_drops_one_kind_of_filter():
    parsed = parse_query("nato speaker:blinken after:2021")
    assert parsed.without("speaker").to_text() == "nato after:2021-01-01"
    assert parsed.without("text", "after").to_text() == "speaker:blinken"


def test_form_filters_merge_with_typed_ones():
    parsed = merge_filters(parse_query("nato after:2021"), speakers=["price"], after="2021-06")
    assert parsed.speakers == ("price",)
    assert parsed.after == date(2021, 6, 1)


def test_quote_styles_are_folded_in_queries():
    assert parse_query("“You’ve”").clauses[0].terms[0].text == "You've"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_and_round_trips(text):
    parsed = parse_query(text)
    again = parse_query(parsed.to_text())
    assert again.clauses == parsed.clauses
    assert (again.speakers, again.topics, again.kinds) == (
        parsed.speakers,
        parsed.topics,
        parsed.kinds,
    )
