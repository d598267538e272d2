"""The search engine interface, and `get_engine()`: the one place an engine is chosen.

`settings.PARLEY_SEARCH_ENGINE` names the engine: "whoosh" (the embedded default, a tuned
haystack Whoosh backend), "postgres" (full-text search inside PostgreSQL) or "haystack" (any
other haystack backend: Solr, Elasticsearch). Nothing else in the code asks which engine runs;
it asks the engine (`keeps_own_index`, `after_bulk_load()`, `check()` ...).

An engine answers an `EngineQuery`, which is already resolved and validated (an engine never sees
the query language):

    clauses         tuple[Clause, ...] (archive.search.query): every non-excluded clause must
                    match, and a clause matches when any of its terms does; an excluded clause
                    must not match. A word (Term.phrase False) matches its stemmed content word
                    forms (archive.search.analysis.analyse), a phrase those exact words in that
                    order (the Whoosh engine matches a phrase of four or more words by its
                    overlapping three-word runs, which in practice is the same thing). A term
                    that analyses to nothing (a stop word, punctuation) is dropped, with a note.
    speaker_slugs   turns by any of these speakers (None: any speaker; never empty)
    topic_slugs     turns tagged with every one of these topics (rejected tags never count)
    kinds           turns in transcripts of any of these kinds (Transcript.Kind values)
    after, before   transcript date on or after / on or before (inclusive)
    in_languages    turns in any of these languages (ISO 639-1 codes; lang:)
    languages       the archive's languages: a word is looked up as each would stem it
                    (archive.search.analysis.query_alternatives)
    sort            "relevance", "newest" or "oldest" (newest: transcript date, then position)
    offset, limit   the slice of hits wanted
    facets          whether to count facet values over all matching turns
    timeline        whether to count all matching turns by month and speaker

A query with no clauses but some filter lists every turn the filters allow. Only what
archive.search.documents calls searchable (speech turns of published transcripts) may ever be
returned or counted.

`EngineResult` carries `total`, `hits` (the slice, as `Hit`s, no database query per hit),
`facets` ({"speaker": [(slug, count)], "topic": [...], "year": [("2021", count)], "kind": [...],
"language": [("zh", count)]},
most frequent first), `timeline` (when asked: [("2021-12", speaker slug or "", count)] for every
month and speaker with matching turns of dated transcripts; an engine that cannot count by
month may give years, "2021"), `notes` (for the reader) and `approximate` (the total, facet and
timeline counts are estimates). `Hit.snippet` is safe HTML made by archive.search.snippets.build_snippet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString

from archive.search.query import Clause

PER_PAGE = 20
FACET_NAMES = ("speaker", "topic", "year", "kind", "language")


@dataclass(frozen=True)
class EngineQuery:
    clauses: tuple[Clause, ...] = ()
    speaker_slugs: tuple[str, ...] | None = None
    topic_slugs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    in_languages: tuple[str, ...] = ()  # turns in any of these languages (lang:)
    languages: tuple[str, ...] = ()  # the archive's languages: words are stemmed for each
    sort: str = "relevance"
    offset: int = 0
    limit: int = PER_PAGE
    facets: bool = True
    facet_limit: int = 12
    timeline: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speaker_slugs is not None
            or self.topic_slugs
            or self.kinds
            or self.after
            or self.before
            or self.in_languages
        )


@dataclass
class Hit:
    """One matching turn, from its search document (archive.search.documents)."""

    turn_id: int
    key: str
    position: int
    label: str
    speaker_name: str
    speaker_slug: str
    role: str  # "question" (interviewer, journalist) or "answer": Turn.role
    transcript_title: str
    transcript_slug: str
    transcript_date: date | None
    transcript_kind: str
    snippet: SafeString
    score: float = 0.0
    language: str = "en"  # the turn's (its text's) language

    @property
    def url(self) -> str:
        """The transcript page opened at this turn (Turn.get_context_url())."""
        transcript = reverse("archive:transcript_detail", kwargs={"slug": self.transcript_slug})
        return f"{transcript}#t{self.position}"

    @property
    def turn_url(self) -> str:
        return reverse("archive:turn_detail", kwargs={"key": self.key})

    @property
    def speaker_url(self) -> str:
        if not self.speaker_slug:
            return ""
        return reverse("archive:speaker_detail", kwargs={"slug": self.speaker_slug})

    @property
    def is_question(self) -> bool:
        return self.role == "question"

    @property
    def text_language(self) -> str:
        return self.language

    @property
    def language_name(self) -> str:
        from archive.languages import name

        return name(self.language)


@dataclass
class EngineResult:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    approximate: bool = False
    # (month "2021-12" or year "2021", speaker slug or "", count), when EngineQuery.timeline
    timeline: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # total and facet counts are estimates (a very common query)


class IndexReport:
    """What differs between the database and an engine's index, by turn id."""

    def __init__(self, expected: int, indexed: int, missing=(), stale=(), extra=()):
        self.expected, self.indexed = expected, indexed
        self.missing, self.stale, self.extra = set(missing), set(stale), set(extra)

    @property
    def differing(self) -> set[int]:
        return self.missing | self.stale | self.extra

    @property
    def ok(self) -> bool:
        return not self.differing


class SearchUnavailable(Exception):
    """The engine could not answer (index missing, server down): the page says so."""


class SearchEngine(Protocol):
    name: str
    # True when the index is written in the change's own transaction (PostgreSQL: the vectors by
    # the application, the facts by a trigger): no index tasks, nothing to build after a load.
    keeps_own_index: bool

    def search(self, query: EngineQuery) -> EngineResult: ...

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, list[str]]:
        """For each word the archive does not contain, close words it does contain, closest
        first (archive.search.spelling: bounded in words and time)."""
        ...

    def update(self, turn_ids: Iterable[int], wait: float) -> bool:
        """Make the index agree with the (committed) database for these turns; False, with
        nothing written, when the index could not be taken within `wait` seconds."""
        ...

    def rebuild(self) -> None:
        """Build the index from the database (after a bulk load into an empty archive)."""
        ...

    def after_bulk_load(self) -> None:
        """What a large load needs afterwards (a word list to refresh ...)."""
        ...

    def check(self) -> IndexReport:
        """Compare every searchable turn with the index."""
        ...

    def repair(self, report: IndexReport) -> None:
        """Bring the turns a check found differing up to date."""
        ...


ENGINES = {
    "whoosh": "archive.search.engines.whoosh.WhooshEngine",
    "haystack": "archive.search.engines.haystack.HaystackEngine",
    "postgres": "archive.search.engines.postgres.PostgresEngine",
}


def get_engine(name: str | None = None) -> SearchEngine:
    """The engine settings.PARLEY_SEARCH_ENGINE names (or `name`)."""
    from django.utils.module_loading import import_string

    name = name or settings.PARLEY_SEARCH_ENGINE
    try:
        path = ENGINES[name]
    except KeyError:
        raise SearchUnavailable(f"No search engine {name!r}: one of {sorted(ENGINES)}.") from None
    return import_string(path)()
