"""One folding table and one analysis of text into words, shared by the query language, every
engine, the snippets, the transcript page's find and the topic tagger. Plain functions: these
tests need no database."""

import pytest

from archive.search.analysis import (
    FOLDING,
    analyse,
    content_words,
    exact_words,
    fold,
    phrase_terms,
    stemmed_words,
    word_spans,
)
from archive.search.query import clean_query_text, parse_query
from archive.search.snippets import build_snippet, highlight, text_matches

TYPOGRAPHIC = "We’ve said “the so‑called Minsk agreements” — they‘re Russia’s\u00a0obligations."


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: analysis needs no Django."""
    yield None


def test_folding_maps_one_character_to_one():
    assert len(fold(TYPOGRAPHIC)) == len(TYPOGRAPHIC)
    assert all(len(plain) == 1 for plain in FOLDING.values())
    assert fold(TYPOGRAPHIC) == (
        "We've said \"the so-called Minsk agreements\" - they're Russia's obligations."
    )


def test_exact_words_fold_case_accents_and_styles():
    assert exact_words("Ünited STATES’ U.S. naïve") == ["united", "states", "u.s", "naive"]
    assert exact_words(TYPOGRAPHIC)[:2] == ["we've", "said"]


def test_words_lose_possessives_and_stop_words_and_are_stemmed():
    words = exact_words("Russia's position on the agreements")
    assert content_words(words) == ["russia", "position", "agreements"]
    assert stemmed_words(words) == ["russia", "posit", "agreement"]
    assert analyse("the agreements") == ["agreement"]
    assert analyse("the agreements", exact=True) == ["the", "agreements"]


def test_word_spans_point_into_the_text_as_printed():
    spans = list(word_spans(TYPOGRAPHIC))
    assert [TYPOGRAPHIC[a:b] for a, b, _ in spans[:2]] == ["We’ve", "said"]
    assert [word for _, _, word in spans[:2]] == ["we've", "said"]


def test_queries_fold_as_the_index_folds():
    assert clean_query_text("“we’ve” so–called") == '"we\'ve" so-called'


def test_a_query_typed_plainly_finds_typographic_text_everywhere():
    clauses = parse_query('we\'ve "so-called minsk agreement" russia').clauses
    assert not text_matches(TYPOGRAPHIC, clauses)  # the phrase is singular, the text plural
    clauses = parse_query("we've \"so-called minsk agreements\" russia's").clauses
    assert text_matches(TYPOGRAPHIC, clauses)
    marked = [piece for piece, is_match in highlight(TYPOGRAPHIC, clauses) if is_match]
    assert marked == ["We’ve", "so", "called Minsk agreements", "Russia’s"]
    snippet = build_snippet(TYPOGRAPHIC, clauses)
    assert "<mark>We’ve</mark>" in snippet
    assert "“the <mark>so</mark>‑<mark>called Minsk agreements</mark>”" in snippet


def test_topic_phrases_fold_as_the_index_folds():
    assert phrase_terms("so-called Minsk agreement") == phrase_terms("so‑called MINSK Agreements")


def test_an_excluded_word_leaves_a_text_out():
    assert not text_matches(TYPOGRAPHIC, parse_query("minsk -obligation").clauses)
    assert text_matches(TYPOGRAPHIC, parse_query("minsk -sanctions").clauses)


def test_a_swap_of_neighbouring_letters_is_one_edit():
    from archive.search.spelling import edit_distance, ranked

    assert edit_distance("minks", "minsk", limit=2) == 1
    assert edit_distance("minks", "mind", limit=2) == 2
    assert edit_distance("kishda", "kishida", limit=2) == 1
    assert edit_distance("abc", "xyzabc", limit=2) == 3  # above the limit: limit + 1
    # Closest first, then the most used; never the word itself or a run of words.
    candidates = [("minds", 40), ("minsk", 3), ("mind", 90), ("minks", 9), ("minsk agreements", 3)]
    assert ranked("minks", candidates) == ["minds", "minsk", "mind"]
    assert ranked("minsk", [("minks", 1)], limit=1) == ["minks"]


def test_suggestions_check_a_bounded_number_of_words():
    from archive.search.spelling import MAX_WORDS, Budget, words_to_check

    words = ["ab", "x" * 40, "uk"] + [f"word{n}" for n in range(20)] + ["word1"]
    checked = [token for _, token in words_to_check(words, Budget())]
    assert checked == [f"word{n}" for n in range(MAX_WORDS)]
    assert list(words_to_check(["sanctoins"], Budget(seconds=-1))) == []
