"""The Whoosh index's schema: which field holds what, analysed how (archive.search.analysis).

`text` holds stemmed content words, `exact` every exact word and every run of two and three
words (so that a quoted phrase of up to three words is one term lookup); the other fields are
whole values with columns for facets and sorting, or stored only. Both text fields are
analysed by archive.search.analysis in the turn's language (the document's `language` field):
the fast writer (writer.py) calls `FastText.terms(text, language)` once per field, and the
fields' Whoosh analyzers (`TermsTokenizer`, for Whoosh's own paths) give the same terms.
"""

from __future__ import annotations

from collections import Counter

from archive.search.analysis import document_terms
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import BOOLEAN, KEYWORD, NUMERIC, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.formats import Frequency
from whoosh.system import pack_uint


def shingles(words: list[str]) -> list[str]:
    """Each word, and every run of two and of three adjacent words ("minsk", "minsk
    agreements", "the minsk agreements")."""
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    triples = [f"{a} {b}" for a, b in zip(words, pairs[1:], strict=False)]
    return words + pairs + triples


def field_terms(kind: str, text: str, language: str = "en") -> list[str]:
    """The terms of a text field: "stemmed" content words, or "exact" words with shingles."""
    exact, stemmed = document_terms(text, language)
    return stemmed if kind == "stemmed" else shingles(exact)


class TermsTokenizer(Tokenizer):
    """A Whoosh tokenizer giving field_terms() (an English text; the fast path knows the
    document's language). Picklable: Whoosh stores the schema with the index."""

    def __init__(self, kind: str):
        self.kind = kind

    def __eq__(self, other):
        return isinstance(other, TermsTokenizer) and other.kind == self.kind

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", **kwargs,
    ):  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # a wildcard or a prefix, as Whoosh's query parser asks: kept whole
            token.text, token.boost, token.stopped = value.lower(), 1.0, False
            if positions:
                token.pos = start_pos
            yield token
            return
        for position, term in enumerate(field_terms(self.kind, value)):
            token.text, token.boost, token.stopped = term, 1.0, False
            if positions:
                token.pos = start_pos + position
            yield token


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
    terms come from one function over the whole text (field_terms, in the document's
    language). `postings()` feeds ParleySegmentWriter directly."""

    kind = ""

    def __init__(self, **kwargs):
        super().__init__(analyzer=TermsTokenizer(self.kind), phrase=False, **kwargs)

    def terms(self, value: str, language: str = "en") -> list[str]:
        return field_terms(self.kind, value, language)

    def postings(
        self, value: str, language: str = "en"
    ) -> tuple[int, list[tuple[bytes, tuple[float, bytes]]]]:
        """(field length, [(term bytes, (weight, value bytes))]) for one document."""
        terms = self.terms(value, language)
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
    """Stemmed content words."""

    kind = "stemmed"


class ExactText(FastText):
    """Exact words and every run of two and three words."""

    kind = "exact"


def parley_fields() -> dict:
    """Whoosh field types for the fields of archive.search_indexes.TurnIndex."""
    facet = lambda: WHOOSH_ID(stored=True, sortable=True)  # noqa: E731 - whole values, a column
    return {
        "text": WordText(stored=True),
        "exact": ExactText(stored=False),
        "speaker_slug": facet(),
        "language": facet(),
        "year": facet(),
        "kind": facet(),
        "topics": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        "date": NUMERIC(numtype=int, bits=32, stored=False),
        "order": NUMERIC(numtype=int, bits=32, stored=False, sortable=True),
        "published": BOOLEAN(stored=True),
    }
