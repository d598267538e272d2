"""Parley's search layer: query language -> engine -> a page of results, facets and suggestions.

Every view that searches calls one function, `run_search(SearchRequest) -> SearchPage`. It parses
the query language (`archive.query`), merges the filters chosen in the form, resolves speaker and
topic names to slugs through the database (only speakers and topics with published turns), asks
the configured engine, and dresses the answer for the page: facet values with labels and links
that narrow the search, notes about anything that was ignored, and suggestions when nothing matched.

Engines
-------
`settings.PARLEY_SEARCH_ENGINE` names the engine: "whoosh" (the default) answers through
django-haystack; "postgres" through PostgreSQL full-text search (`archive.search_postgres`).
An engine is any object with these two methods (see `SearchEngine`):

    search(query: EngineQuery) -> EngineResult
    suggest_spelling(words: Sequence[str]) -> dict[str, str]

`EngineQuery` is already resolved and validated, so an engine never sees the query language:

    clauses         tuple[Clause, ...] (archive.query): every non-excluded clause must match, and
                    a clause matches when any of its terms does; an excluded clause must not match.
                    A word (Term.phrase False) matches its simple word forms, case-, accent- and
                    apostrophe-insensitively ("agreement" finds "agreements"; "you’ve" = "you've");
                    a phrase matches those words in that order, unstemmed (the Whoosh engine
                    matches a phrase of four or more words by its overlapping three-word runs,
                    which in practice is the same thing). Words are analysed with
                    WORD_ANALYZER, phrases with EXACT_ANALYZER (below); a term that analyses to
                    nothing (a stop word, punctuation) is dropped, with a note.
    speaker_slugs   turns by any of these speakers (None: any speaker; never empty)
    topic_slugs     turns tagged with every one of these topics (rejected tags never count)
    kinds           turns in transcripts of any of these kinds (Transcript.Kind values)
    after, before   transcript date on or after / on or before (inclusive)
    sort            "relevance", "newest" or "oldest" (newest: transcript date, then position)
    offset, limit   the slice of hits wanted
    facets          whether to count facet values over all matching turns

A query with no clauses but some filter lists every turn the filters allow. Only turns of
published transcripts may ever be returned or counted: an engine filters on it even when its
index should hold nothing else.

`EngineResult` carries `total` (all matching turns), `hits` (the slice, as `Hit`s built from
stored data, no database query per hit), `facets` ({"speaker": [(slug, count)], "topic":
[(slug, count)], "year": [("2021", count)], "kind": [(kind, count)]}, most frequent first), and
`notes` (strings for the reader), and `approximate` (True when the total and the facet counts are
estimates, as the PostgreSQL engine gives for a query matching very many turns). `Hit.snippet` must be safe HTML: transcript text escaped, only
<mark> added; `build_snippet()` below does that for any engine.

Indexing is not part of this interface: the Whoosh index is kept true by
`archive.search_signals`; PostgreSQL's search documents by a database trigger.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from archive.query import Clause, ParsedQuery, Term, merge_filters, normalise_text, parse_query

log = logging.getLogger(__name__)

SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
PER_PAGE = 20
MAX_PAGE = 500  # deeper pages cost the engine much and help nobody
FACET_NAMES = ("speaker", "topic", "year", "kind")
FACET_TITLES = {
    "speaker": "Speaker",
    "topic": "Topic",
    "year": "Year",
    "kind": "Kind of transcript",
}

# --- Sort keys ---------------------------------------------------------------------------------

_EPOCH = date(1899, 12, 31).toordinal()


def order_key(day: date | None, position: int = 0) -> int:
    """A turn's place in time as one 32-bit integer (days since 1900, then position), so that
    every haystack backend, stock Whoosh included, can sort on it. Undated turns sort first."""
    if day is None:
        return min(position, 9999)
    return (day.toordinal() - _EPOCH) * 10000 + min(position, 9999)


# --- Text analysis shared by the index, the queries and the snippets ---------------------------

# A word: letters and digits, with inner apostrophes and full stops kept (you've, U.S).
WORD_PATTERN = r"\w+(?:['.]\w+)*"


class PossessiveFilter(Filter):
    """Russia's -> russia, so a word finds its possessive (phrases keep it exactly)."""

    def __call__(self, tokens):
        for token in tokens:
            if token.text.endswith("'s"):
                token.text = token.text[:-2]
            yield token


def _exact_analyzer():
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


# Words: case, accents and apostrophe style folded, possessives dropped, stop words left out,
# Porter-stemmed (agreements -> agreement).
WORD_ANALYZER = (
    _exact_analyzer() | PossessiveFilter() | StopFilter(minsize=1) | StemFilter(cachesize=100000)
)
# Phrases: the same words, unstemmed, nothing left out.
EXACT_ANALYZER = _exact_analyzer()


def analyse(text: str, *, exact: bool = False) -> list[str]:
    analyzer = EXACT_ANALYZER if exact else WORD_ANALYZER
    return [token.text for token in analyzer(normalise_text(text))]


# The same two analyses as plain functions over the whole text, for indexing: Whoosh's filter
# chain costs several Python calls per token and filter, about a third of the indexing time.
# tests/test_search_document.py checks that they give exactly what the analyzers give.
_WORD_RE = re.compile(WORD_PATTERN)
_STOP_WORDS = next(item for item in WORD_ANALYZER.items if isinstance(item, StopFilter)).stops
_STEM = next(item for item in WORD_ANALYZER.items if isinstance(item, StemFilter)).stemfn
_stems: dict[str, str] = {}


def exact_words(text: str) -> list[str]:
    """EXACT_ANALYZER's tokens of `text` (already normalised)."""
    if text.isascii():  # lower-casing ASCII never moves a word boundary; accents: none
        return _WORD_RE.findall(text.lower())
    return [word.lower().translate(accent_map) for word in _WORD_RE.findall(text)]


def stemmed_words(words: list[str]) -> list[str]:
    """WORD_ANALYZER's tokens, given EXACT_ANALYZER's: possessives dropped, stop words left
    out, stemmed (with a plain dict for the stems: Whoosh's LFU cache costs more than it saves)."""
    stems = _stems
    out = []
    for word in words:
        if word.endswith("'s"):
            word = word[:-2]
        if not word or word in _STOP_WORDS:
            continue
        stemmed = stems.get(word)
        if stemmed is None:
            if len(stems) > 200_000:
                stems.clear()
            stemmed = stems[word] = _STEM(word)
        out.append(stemmed)
    return out


# --- The engine interface ------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineQuery:
    clauses: tuple[Clause, ...] = ()
    speaker_slugs: tuple[str, ...] | None = None
    topic_slugs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = PER_PAGE
    facets: bool = True
    facet_limit: int = 12

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speaker_slugs is not None
            or self.topic_slugs
            or self.kinds
            or self.after
            or self.before
        )


@dataclass
class Hit:
    """One matching turn, as stored in the index."""

    turn_id: int
    key: str
    position: int
    label: str
    speaker_name: str
    speaker_slug: str
    role: str  # "question" (interviewer, journalist) or "answer"
    transcript_title: str
    transcript_slug: str
    transcript_date: date | None
    transcript_kind: str
    snippet: SafeString
    score: float = 0.0

    @property
    def url(self) -> str:
        """The transcript page opened at this turn (Turn.get_context_url())."""
        return f"{reverse('archive:transcript_detail', kwargs={'slug': self.transcript_slug})}#t{self.position}"

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

    def as_json(self) -> dict:
        return {
            "url": self.url,
            "transcript": {
                "title": self.transcript_title,
                "slug": self.transcript_slug,
                "date": self.transcript_date.isoformat() if self.transcript_date else None,
            },
            "position": self.position,
            "speaker": {"name": self.speaker_name, "slug": self.speaker_slug},
            "label": self.label,
            "snippet": str(self.snippet),
        }


@dataclass
class EngineResult:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    approximate: bool = False  # total and facet counts are estimates (a very common query)


class SearchEngine(Protocol):
    def search(self, query: EngineQuery) -> EngineResult: ...

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        """For each word the archive does not contain, a close word it does contain."""
        ...


class SearchUnavailable(Exception):
    """The engine could not answer (index missing, server down): the page says so."""


def get_engine(name: str | None = None) -> SearchEngine:
    name = name or settings.PARLEY_SEARCH_ENGINE
    if name == "postgres":
        from archive.search_postgres import PostgresSearchEngine

        return PostgresSearchEngine()
    return HaystackSearchEngine()


class HaystackSearchEngine:
    """Searches the haystack connection: our tuned Whoosh backend answers `EngineQuery` directly;
    any other haystack backend (Elasticsearch, Solr...) through SearchQuerySet."""

    def __init__(self, using: str = "default"):
        self.using = using

    def _backend(self):
        from haystack import connections

        return connections[self.using].get_backend()

    def search(self, query: EngineQuery) -> EngineResult:
        backend = self._backend()
        if hasattr(backend, "parley_search"):
            return backend.parley_search(query)
        return _search_with_searchqueryset(self.using, query)

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        backend = self._backend()
        if hasattr(backend, "parley_suggest_spelling"):
            return backend.parley_suggest_spelling(words)
        return {}


def _search_with_searchqueryset(using: str, query: EngineQuery) -> EngineResult:
    """The portable path: any haystack backend, through SearchQuerySet (facets where the backend
    supports them). Fields as declared in archive/search_indexes.py."""
    from haystack.inputs import Clean, Exact
    from haystack.query import SQ, SearchQuerySet

    from archive.models import Turn

    sqs = SearchQuerySet(using=using).models(Turn).filter(published=True)
    notes: list[str] = []
    for clause in query.clauses:
        condition = None
        for term in clause.terms:
            part = (
                SQ(exact=Exact(normalise_text(term.text).lower()))
                if term.phrase
                else SQ(text=Clean(normalise_text(term.text)))
            )
            condition = part if condition is None else condition | part
        sqs = sqs.exclude(condition) if clause.exclude else sqs.filter(condition)
    if query.speaker_slugs is not None:
        sqs = sqs.filter(speaker_slug__in=list(query.speaker_slugs))
    for slug in query.topic_slugs:
        sqs = sqs.filter(topics=slug)
    if query.kinds:
        sqs = sqs.filter(kind__in=list(query.kinds))
    if query.after:
        sqs = sqs.filter(date__gte=int(query.after.strftime("%Y%m%d")))
    if query.before:
        sqs = sqs.filter(date__lte=int(query.before.strftime("%Y%m%d")))
    if query.sort == "newest":
        sqs = sqs.order_by("-order")
    elif query.sort == "oldest":
        sqs = sqs.order_by("order")
    if query.facets:
        for name in ("speaker_slug", "topics", "year", "kind"):
            sqs = sqs.facet(name, limit=query.facet_limit)
    total = sqs.count()
    hits = []
    for result in sqs[query.offset : query.offset + query.limit]:
        stored = result.get_stored_fields()
        hits.append(hit_from_stored(int(result.pk), stored, words_snippet(stored, query)))
    facets: dict[str, list[tuple[str, int]]] = {}
    if query.facets:
        counts = sqs.facet_counts().get("fields", {})
        for ours, theirs in (
            ("speaker", "speaker_slug"),
            ("topic", "topics"),
            ("year", "year"),
            ("kind", "kind"),
        ):
            facets[ours] = [(str(v), int(c)) for v, c in counts.get(theirs, []) if c]
    return EngineResult(total=total, hits=hits, facets=facets, notes=notes)


def words_snippet(stored: dict, query: EngineQuery) -> SafeString:
    return build_snippet(stored.get("text") or "", query.clauses)


def hit_from_stored(turn_id: int, stored: dict, snippet: SafeString, score: float = 0.0) -> Hit:
    """A Hit from the stored fields of archive/search_indexes.py's TurnIndex."""
    raw_date = stored.get("transcript_date") or ""
    try:
        transcript_date = date.fromisoformat(str(raw_date)[:10]) if raw_date else None
    except ValueError:
        transcript_date = None
    return Hit(
        turn_id=turn_id,
        key=stored.get("key") or "",
        position=int(stored.get("position") or 0),
        label=stored.get("label") or "",
        speaker_name=stored.get("speaker_name") or "",
        speaker_slug=stored.get("speaker_slug") or "",
        role=stored.get("role") or "answer",
        transcript_title=stored.get("transcript_title") or "",
        transcript_slug=stored.get("transcript_slug") or "",
        transcript_date=transcript_date,
        transcript_kind=stored.get("kind") or "",
        snippet=snippet,
        score=score,
    )


# --- Snippets ------------------------------------------------------------------------------------

SNIPPET_LENGTH = 320
_TOKEN_RE = re.compile(WORD_PATTERN)


@cache
def _stem(word: str) -> str:
    tokens = analyse(word)
    return tokens[0] if tokens else ""


def build_snippet(text: str, clauses: Sequence[Clause], length: int = SNIPPET_LENGTH) -> SafeString:
    """An extract of `text` around the best cluster of matches, escaped, matches in <mark>.

    Words match by stem, phrases by their exact word sequence (as the engines match them).
    Matching reads the text with quote styles folded; the extract shows the text's own
    punctuation (folding maps one character to one, so positions agree)."""
    shown = text or ""
    text = normalise_text(shown)
    spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    if not spans:
        return mark_safe(html.escape(shown[:length]))
    lowered = [EXACT_ANALYZER_ONE(text[a:b]) for a, b in spans]
    stems: set[str] = set()
    phrases: list[list[str]] = []
    for clause in clauses:
        if clause.exclude:
            continue
        for term in clause.terms:
            if term.phrase:
                words = analyse(term.text, exact=True)
                if words:
                    phrases.append(words)
            else:
                stems.update(analyse(term.text))
    marked = [False] * len(spans)
    if stems:
        for i, word in enumerate(lowered):
            if _stem(word) in stems:
                marked[i] = True
    for words in phrases:
        size = len(words)
        for i in range(len(lowered) - size + 1):
            if lowered[i : i + size] == words:
                for j in range(i, i + size):
                    marked[j] = True
    # Choose the window (by characters) holding the most marked words.
    hits = [i for i, m in enumerate(marked) if m]
    start_char = 0
    if hits:
        best, best_count = hits[0], 0
        right = 0
        for left_index, left in enumerate(hits):
            while right < len(hits) and spans[hits[right]][1] - spans[left][0] <= length * 0.8:
                right += 1
            if right - left_index > best_count:
                best, best_count = left, right - left_index
        start_char = max(0, spans[best][0] - length // 5)
    if start_char:
        # Start at a word boundary.
        following = next((a for a, _ in spans if a >= start_char), start_char)
        start_char = following
    end_char = min(len(text), start_char + length)
    if end_char < len(text):
        inside = [b for a, b in spans if b <= end_char and a >= start_char]
        if inside:
            end_char = inside[-1]
    out = []
    if start_char > 0:
        out.append("… ")
    cursor = start_char
    for i, (a, b) in enumerate(spans):
        if a < start_char or b > end_char:
            continue
        if marked[i]:
            out.append(html.escape(shown[cursor:a]))
            out.append(f"<mark>{html.escape(shown[a:b])}</mark>")
            cursor = b
    out.append(html.escape(shown[cursor:end_char]))
    if end_char < len(text):
        out.append(" …")
    # Join adjacent marks of one phrase ("<mark>Minsk</mark> <mark>agreements</mark>").
    joined = re.sub(r"</mark>(\s+)<mark>", r"\1", "".join(out))
    return mark_safe(joined)


def EXACT_ANALYZER_ONE(word: str) -> str:  # noqa: N802 - reads as the analyzer it mirrors
    tokens = [token.text for token in EXACT_ANALYZER(word)]
    return tokens[0] if tokens else word.lower()


# --- The request, the page -----------------------------------------------------------------------


@dataclass
class SearchRequest:
    """What the search form asks: the typed query plus the form's own controls."""

    q: str = ""
    speaker: str = ""
    topic: str = ""
    kind: str = ""
    after: str = ""
    before: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    facets: bool = True

    @classmethod
    def from_querydict(cls, data) -> SearchRequest:
        def one(name: str, limit: int = 200) -> str:
            value = data.get(name, "")
            return value[: limit * 50 if name == "q" else limit] if isinstance(value, str) else ""

        sort = one("sort")
        try:
            page = int(one("page", 12) or 1)
        except ValueError:
            page = 1
        return cls(
            q=one("q"),
            speaker=one("speaker"),
            topic=one("topic"),
            kind=one("kind"),
            after=one("after"),
            before=one("before"),
            sort=sort if sort in SORTS else "relevance",
            page=min(max(page, 1), MAX_PAGE),
        )

    def params(self, **changes) -> dict[str, str]:
        """The GET parameters of this request (empty ones left out), with `changes`."""
        values = {
            "q": self.q,
            "speaker": self.speaker,
            "topic": self.topic,
            "kind": self.kind,
            "after": self.after,
            "before": self.before,
            "sort": "" if self.sort == "relevance" else self.sort,
            "page": "" if self.page == 1 else str(self.page),
        }
        values.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}

    def querystring(self, **changes) -> str:
        return "?" + urlencode(self.params(**changes))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    querystring: str
    selected: bool = False


@dataclass
class Suggestion:
    text: str  # what the link says
    querystring: str


@dataclass
class SearchPage:
    request: SearchRequest
    parsed: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_is_estimate: bool = False
    page: int = 1
    num_pages: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    active_filters: list[Suggestion] = field(default_factory=list)  # text + query without it
    searched: bool = False  # false when there was nothing to search for
    failed: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_querystring(self) -> str:
        return self.request.querystring(page=self.page - 1 if self.page > 2 else "")

    @property
    def next_querystring(self) -> str:
        return self.request.querystring(page=self.page + 1)

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.request.per_page + 1 if self.hits else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.hits) - 1 if self.hits else 0

    @property
    def facet_sections(self) -> list[tuple[str, str, list[FacetValue]]]:
        return [
            (name, FACET_TITLES[name], self.facets[name])
            for name in FACET_NAMES
            if self.facets.get(name)
        ]

    @property
    def speakers_most(self) -> list[FacetValue]:
        """Who says this most: the speaker facet, when there are words to count."""
        if not self.parsed.positive_clauses:
            return []
        return self.facets.get("speaker", [])[:8]

    def as_json(self) -> dict:
        return {
            "query": self.parsed.to_text() if self.searched else self.request.q,
            "count": self.total,
            "count_is_estimate": self.total_is_estimate,
            "page": self.page,
            "num_pages": self.num_pages,
            "notes": self.notes,
            "results": [hit.as_json() for hit in self.hits],
            "facets": {
                name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "suggestions": [{"text": s.text, "query": s.querystring} for s in self.suggestions],
        }


# --- Resolving names to slugs --------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return analyse(text, exact=True)


def resolve_speakers(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Speaker slugs for speaker: values (a slug, or words of the name or of an alias), among
    speakers with published turns; and notes for values that matched nobody."""
    from django.db.models import Q

    from archive.models import Speaker, Turn

    slugs: list[str] = []
    notes: list[str] = []
    for value in values:
        words = _words(value)
        if not words:
            notes.append(f"“{value[:60]}” names no speaker.")
            continue
        slug = slugify(value)
        condition = (
            Q(slug=slug) | Q(name__icontains=words[0]) | Q(aliases__label__icontains=words[0])
        )
        candidates = [
            speaker
            for speaker in Speaker.objects.filter(condition).distinct().prefetch_related("aliases")
            if speaker.slug == slug
            or any(
                set(words) <= set(_words(name))
                for name in [speaker.name] + [alias.label for alias in speaker.aliases.all()]
            )
        ]
        # Only speakers with published turns (an indexed LIMIT 1 query each).
        found = [
            speaker.slug
            for speaker in candidates[:20]
            if Turn.objects.filter(speaker=speaker, transcript__published=True).exists()
        ]
        if found:
            slugs.extend(found)
        else:
            notes.append(f"No speaker matches “{value[:60]}”.")
    return tuple(dict.fromkeys(slugs)), notes


def resolve_topics(values: Sequence[str]) -> tuple[list[tuple[str, ...]], list[str]]:
    """For each topic: value, the topic slugs it may mean (slug, or name); notes for unknowns."""
    from django.db.models import Q

    from archive.models import Topic

    groups: list[tuple[str, ...]] = []
    notes: list[str] = []
    for value in values:
        slug = slugify(value)
        words = _words(value)
        condition = Q(slug=slug) | Q(name__iexact=value.strip())
        if words:
            condition |= Q(name__icontains=words[0])
        found = [
            topic.slug
            for topic in Topic.objects.filter(condition)
            if topic.slug == slug or (words and _words(topic.name) == words)
        ]
        if not found and words:
            # Any word of the name, when that names exactly one topic (topic:nuclear).
            loose = [
                topic.slug
                for topic in Topic.objects.filter(condition)
                if set(words) <= set(_words(topic.name))
            ]
            found = loose
        if found:
            groups.append(tuple(found))
        else:
            notes.append(f"No topic matches “{value[:60]}”.")
    return groups, notes


def resolve_kinds(values: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    from archive.models import Transcript

    kinds: list[str] = []
    notes: list[str] = []
    known = {value: value for value in Transcript.Kind.values}
    for value, label in Transcript.Kind.choices:
        known[slugify(label)] = value
        known[slugify(label).replace("press-", "")] = value
    known["conference"] = Transcript.Kind.PRESS_CONFERENCE
    for value in values:
        kind = known.get(slugify(value)) or known.get(slugify(value).rstrip("s"))
        if kind:
            kinds.append(kind)
        else:
            notes.append(
                f"“{value[:40]}” is not a kind of transcript; try one of "
                + ", ".join(Transcript.Kind.values)
                + "."
            )
    return tuple(dict.fromkeys(kinds)), notes


# --- run_search ------------------------------------------------------------------------------------


def run_search(request: SearchRequest, *, engine: SearchEngine | None = None) -> SearchPage:
    """Answer a search request. Never raises for anything a person can type."""
    parsed = parse_query(request.q)
    parsed = merge_filters(
        parsed,
        speakers=[request.speaker] if request.speaker else [],
        topics=[request.topic] if request.topic else [],
        kinds=[request.kind] if request.kind else [],
        after=request.after,
        before=request.before,
    )
    page = SearchPage(request=request, parsed=parsed, notes=list(parsed.notes))
    page.active_filters = _active_filters(request, parsed)
    if parsed.is_empty:
        return page
    if not parsed.positive_clauses and not parsed.has_filters:
        page.searched = True
        return page

    speaker_slugs: tuple[str, ...] | None = None
    impossible = False
    if parsed.speakers:
        speaker_slugs, notes = resolve_speakers(parsed.speakers)
        page.notes.extend(notes)
        impossible |= not speaker_slugs
    topic_groups, notes = resolve_topics(parsed.topics)
    page.notes.extend(notes)
    impossible |= len(topic_groups) < len(parsed.topics)
    kinds, notes = resolve_kinds(parsed.kinds)
    page.notes.extend(notes)
    impossible |= bool(parsed.kinds) and not kinds
    impossible |= bool(parsed.after and parsed.before and parsed.after > parsed.before)

    page.searched = True
    try:
        engine = engine or get_engine()
    except Exception:
        log.exception("No search engine %r", settings.PARLEY_SEARCH_ENGINE)
        page.failed = True
        page.notes.append("Search is unavailable just now; please try again in a moment.")
        return page
    # A topic: value matching several topics (topic:nuclear) asks for any of them; the engine's
    # topic_slugs are all required, so such a value keeps only its first match and says so.
    topic_slugs = []
    for group in topic_groups:
        topic_slugs.append(group[0])
        if len(group) > 1:
            page.notes.append(f"Several topics match; searching “{group[0]}”.")
    query = EngineQuery(
        clauses=parsed.clauses,
        speaker_slugs=speaker_slugs,
        topic_slugs=tuple(topic_slugs),
        kinds=kinds,
        after=parsed.after,
        before=parsed.before,
        sort=request.sort,
        offset=(request.page - 1) * request.per_page,
        limit=request.per_page,
        facets=request.facets,
    )
    if not impossible:
        try:
            result = engine.search(query)
        except Exception:
            log.exception("Search failed for %r", request.q[:200])
            page.failed = True
            page.notes.append("Search is unavailable just now; please try again in a moment.")
            return page
        if request.page > 1 and not result.hits and result.total:
            # Past the last page: show the last one.
            last = max(1, -(-result.total // request.per_page))
            request = replace(request, page=last)
            page.request = request
            query = replace(query, offset=(last - 1) * request.per_page)
            result = engine.search(query)
        page.hits = result.hits
        page.total = result.total
        page.total_is_estimate = result.approximate
        page.notes.extend(n for n in result.notes if n not in page.notes)
        page.facets = _facet_values(request, parsed, result.facets)
    page.page = request.page
    page.num_pages = min(MAX_PAGE, -(-page.total // request.per_page)) if page.total else 0
    if page.total == 0:
        page.suggestions = _suggestions(request, parsed, engine)
    return page


def _active_filters(request: SearchRequest, parsed: ParsedQuery) -> list[Suggestion]:
    """Each filter in force, with the query that drops it."""
    found = []
    for name, values in (
        ("speaker", parsed.speakers),
        ("topic", parsed.topics),
        ("kind", parsed.kinds),
    ):
        for value in values:
            found.append(Suggestion(f"{name}: {value}", _without(request, parsed, name)))
    for name in ("after", "before"):
        value = getattr(parsed, name)
        if value:
            found.append(
                Suggestion(f"{name}: {value.isoformat()}", _without(request, parsed, name))
            )
    return found


def _without(request: SearchRequest, parsed: ParsedQuery, *names: str) -> str:
    """The query string of this search without the named filters, typed or chosen."""
    text_only = parse_query(request.q).without(*names)
    changes = {
        name: "" for name in names if name in ("speaker", "topic", "kind", "after", "before")
    }
    return request.querystring(q=text_only.to_text(), page="", **changes)


def _facet_values(
    request: SearchRequest, parsed: ParsedQuery, facets: dict[str, list[tuple[str, int]]]
) -> dict[str, list[FacetValue]]:
    from archive.models import Speaker, Topic, Transcript

    labels: dict[str, dict[str, str]] = {
        "speaker": dict(
            Speaker.objects.filter(slug__in=[v for v, _ in facets.get("speaker", [])]).values_list(
                "slug", "name"
            )
        ),
        "topic": dict(
            Topic.objects.filter(slug__in=[v for v, _ in facets.get("topic", [])]).values_list(
                "slug", "name"
            )
        ),
        "kind": dict(Transcript.Kind.choices),
    }
    base_q = parse_query(request.q)
    out: dict[str, list[FacetValue]] = {}
    for name in FACET_NAMES:
        values = []
        for value, count in facets.get(name, []):
            if name == "speaker":
                qs = request.querystring(
                    q=base_q.without("speaker").to_text(), speaker=value, page=""
                )
                selected = len(parsed.speakers) == 1 and request.speaker == value
            elif name == "topic":
                qs = request.querystring(topic=value, page="")
                selected = value in parsed.topics or request.topic == value
            elif name == "year":
                qs = request.querystring(
                    q=base_q.without("after", "before").to_text(),
                    after=f"{value}-01-01",
                    before=f"{value}-12-31",
                    page="",
                )
                selected = bool(
                    parsed.after
                    and parsed.before
                    and parsed.after.year == parsed.before.year == int(value or 0)
                )
            else:
                qs = request.querystring(q=base_q.without("kind").to_text(), kind=value, page="")
                selected = request.kind == value
            label = labels.get(name, {}).get(value, value)
            values.append(FacetValue(value, label, count, qs, selected))
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        out[name] = values
    return out


def _suggestions(
    request: SearchRequest, parsed: ParsedQuery, engine: SearchEngine
) -> list[Suggestion]:
    """What to try when nothing matched: a spelling correction, then dropping each filter."""
    suggestions: list[Suggestion] = []
    words = [
        term.text
        for clause in parsed.clauses
        if not clause.exclude
        for term in clause.terms
        if not term.phrase
    ]
    words += [
        word
        for clause in parsed.clauses
        if not clause.exclude
        for term in clause.terms
        if term.phrase
        for word in term.text.split()
    ]
    if words:
        try:
            corrections = engine.suggest_spelling(words[:10])
        except Exception:
            log.exception("Spelling suggestion failed")
            corrections = {}
        if corrections:
            typed = parse_query(request.q)
            clauses = tuple(
                Clause(
                    tuple(
                        Term(
                            " ".join(corrections.get(w, w) for w in t.text.split())
                            if t.phrase
                            else corrections.get(t.text, t.text),
                            t.phrase,
                        )
                        for t in c.terms
                    ),
                    c.exclude,
                )
                for c in typed.clauses
            )
            corrected = replace(typed, clauses=clauses).to_text()
            if corrected != typed.to_text():
                suggestions.append(
                    Suggestion(
                        f"Did you mean: {corrected}", request.querystring(q=corrected, page="")
                    )
                )
    for name in ("speaker", "topic", "kind"):
        if getattr(parsed, f"{name}s"):
            suggestions.append(
                Suggestion(f"Search without the {name} filter", _without(request, parsed, name))
            )
    if parsed.after or parsed.before:
        suggestions.append(
            Suggestion("Search all dates", _without(request, parsed, "after", "before"))
        )
    phrases = [t for c in parsed.clauses for t in c.terms if t.phrase and not c.exclude]
    if phrases:
        loose = parse_query(request.q.replace('"', " ").replace("“", " ").replace("”", " "))
        suggestions.append(
            Suggestion(
                "Search the words without quotes", request.querystring(q=loose.to_text(), page="")
            )
        )
    return suggestions
