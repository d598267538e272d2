"""The Whoosh index's schema: which field holds what, analysed how (archive.search.analysis).

`text` holds stemmed content words, `exact` every exact word and every run of two and three
words (so that a quoted phrase of up to three words is one term lookup); the other fields are
whole values with columns for facets and sorting, or stored only. Indexing skips Whoosh's
per-token filter chain: the terms of a text come from archive.search.analysis in one call,
identical to what the fields' analyzers (used by Whoosh's own query tools) give;
tests/test_whoosh_engine.py checks that they agree.
"""

from __future__ import annotations

from collections import Counter

from archive.search.analysis import STOP_WORDS, WORD_PATTERN, exact_words, stemmed_words
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import BOOLEAN, KEYWORD, NUMERIC, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.formats import Frequency
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint


class PossessiveFilter(Filter):
    """Russia's -> russia, so a word finds its possessive (phrases keep it exactly)."""

    def __call__(self, tokens):
        for token in tokens:
            if token.text.endswith("'s"):
                token.text = token.text[:-2]
            yield token


def _exact_analyzer():
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


# Whoosh analyzers giving what archive.search.analysis gives: analyse(text, exact=True) and
# analyse(text) of an already folded text.
EXACT_ANALYZER = _exact_analyzer()
WORD_ANALYZER = (
    _exact_analyzer()
    | PossessiveFilter()
    | StopFilter(stoplist=STOP_WORDS, minsize=1)
    | StemFilter(cachesize=100000)
)


class ShingleFilter(Filter):
    """Each word, and every run of two and of three adjacent words ("minsk", "minsk
    agreements", "the minsk agreements"): a quoted phrase of up to three words is then a single
    term lookup, and one field holds every unstemmed form (one analysis pass, not two)."""

    def __call__(self, tokens):
        before = before_that = None
        for token in tokens:
            word = token.text
            yield token
            if before is not None:
                token.text = f"{before} {word}"
                yield token
                if before_that is not None:
                    token.text = f"{before_that} {before} {word}"
                    yield token
            before_that, before = before, word


_FREQUENCY_VALUES: dict[int, tuple[float, bytes]] = {}


def _frequency_value(freq: int) -> tuple[float, bytes]:
    """(weight, encoded value) of a term seen `freq` times, as Whoosh's Frequency format writes
    them; shared tuples, so that a posting held in memory costs two references."""
    value = _FREQUENCY_VALUES.get(freq)
    if value is None:
        value = _FREQUENCY_VALUES[freq] = (float(freq), pack_uint(freq))
    return value


class FastText(TEXT):
    """A TEXT field (no positions) whose indexing skips Whoosh's per-token filter chain: the
    terms come from one function over the whole text, identical to what the field's analyzer
    (used for queries) gives. `postings()` feeds ParleySegmentWriter directly."""

    def terms(self, value: str) -> list[str]:
        raise NotImplementedError

    def postings(self, value: str) -> tuple[int, list[tuple[bytes, tuple[float, bytes]]]]:
        """(field length, [(term bytes, (weight, value bytes))]) for one document."""
        terms = self.terms(value)
        counts = Counter(terms).items()
        boost = self.format.field_boost
        if boost != 1.0:
            return len(terms), [(t.encode(), (f * boost, pack_uint(f))) for t, f in counts]
        return len(terms), [(term.encode(), _frequency_value(freq)) for term, freq in counts]

    def index(self, value, **kwargs):
        if not isinstance(value, str) or type(self.format) is not Frequency:
            yield from super().index(value, **kwargs)
            return
        for term, freq in Counter(self.terms(value)).items():
            yield term.encode(), freq, float(freq) * self.format.field_boost, pack_uint(freq)


class WordText(FastText):
    """Stemmed content words (WORD_ANALYZER)."""

    def terms(self, value: str) -> list[str]:
        return stemmed_words(exact_words(value))


class ExactText(FastText):
    """Exact words and every run of two and three words (EXACT_ANALYZER | ShingleFilter)."""

    def terms(self, value: str) -> list[str]:
        words = exact_words(value)
        pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        triples = [f"{a} {b}" for a, b in zip(words, pairs[1:], strict=False)]
        return words + pairs + triples


def parley_fields() -> dict:
    """Whoosh field types for the fields of archive.search_indexes.TurnIndex."""
    facet = lambda: WHOOSH_ID(stored=True, sortable=True)  # noqa: E731 - whole values, a column
    return {
        "text": WordText(analyzer=WORD_ANALYZER, stored=True, phrase=False),
        "exact": ExactText(analyzer=EXACT_ANALYZER | ShingleFilter(), stored=False, phrase=False),
        "speaker_slug": facet(),
        "year": facet(),
        "kind": facet(),
        "topics": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        "date": NUMERIC(numtype=int, bits=32, stored=False),
        "order": NUMERIC(numtype=int, bits=32, stored=False, sortable=True),
        "published": BOOLEAN(stored=True),
    }
