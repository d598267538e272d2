"""A search as the reader sees it: the request from the form, the page of results with facets,
notes and suggestions, and `run_search()`, the one entry point every view, feed and export uses.

`run_search(SearchRequest) -> SearchPage` parses the query language (archive.search.query),
merges the filters chosen in the form, resolves speaker and topic names to slugs through the
database (only public speakers), asks the engine (archive.search.engine.get_engine), and dresses
the answer for the page: facet values with labels and links that narrow the search, notes about
anything that was ignored, and suggestions when nothing matched. It never raises for anything a
person can type.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urlencode

from archive import caching
from archive.charts import Timeline, build_timeline
from archive.languages import name as language_name
from archive.models import Speaker, Topic, Transcript
from archive.search import spelling
from archive.search.engine import (
    FACET_NAMES,
    PER_PAGE,
    EngineQuery,
    Hit,
    SearchEngine,
    get_engine,
)
from archive.search.query import FILTER_NAMES, LIST_FILTERS, ParsedQuery, merge_filters, parse_query
from archive.search.resolve import (
    REPORTERS,
    archive_languages,
    resolve_kinds,
    resolve_languages,
    resolve_speakers,
    resolve_topics,
)

log = logging.getLogger(__name__)

SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
TIMELINE_UNITS = ("month", "year")  # mentions over time: statements a month or a year ("": either)
TIMELINE_SPLITS = ("speaker",)  # and split by speaker
TIMELINE_SERIES = 5  # speakers named in a split timeline; the others are summed
MAX_PAGE = 500  # deeper pages cost the engine much and help nobody
FACET_TITLES = {
    "speaker": "Speaker",
    "topic": "Topic",
    "year": "Year",
    "kind": "Kind of transcript",
    "language": "Language",
}


# --- The request, the page -----------------------------------------------------------------------


@dataclass
class SearchRequest:
    """What the search form asks: the typed query plus the form's own controls."""

    q: str = ""
    speaker: str = ""
    topic: str = ""
    kind: str = ""
    lang: str = ""
    after: str = ""
    before: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    facets: bool = True  # and the timeline (mentions over time)
    per: str = ""  # the timeline's unit: "month", "year", or "" (months for up to three years)
    split: str = ""  # "speaker": the timeline split by speaker

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
            lang=one("lang"),
            after=one("after"),
            before=one("before"),
            sort=sort if sort in SORTS else "relevance",
            page=min(max(page, 1), MAX_PAGE),
            per=one("per") if one("per") in TIMELINE_UNITS else "",
            split=one("split") if one("split") in TIMELINE_SPLITS else "",
        )

    def params(self, **changes) -> dict[str, str]:
        """The GET parameters of this request (empty ones left out), with `changes`."""
        values = {
            "q": self.q,
            "speaker": self.speaker,
            "topic": self.topic,
            "kind": self.kind,
            "lang": self.lang,
            "after": self.after,
            "before": self.before,
            "sort": "" if self.sort == "relevance" else self.sort,
            "per": self.per,
            "split": self.split,
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
    timeline: Timeline | None = None  # mentions over time (archive.charts), with the facets

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


# --- run_search ------------------------------------------------------------------------------------


def run_search(request: SearchRequest, *, engine: SearchEngine | None = None) -> SearchPage:
    """Answer a search request. Never raises for anything a person can type."""
    parsed = parse_query(request.q)
    parsed = merge_filters(
        parsed,
        speakers=[request.speaker] if request.speaker else [],
        topics=[request.topic] if request.topic else [],
        kinds=[request.kind] if request.kind else [],
        languages=[request.lang] if request.lang else [],
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
    in_languages, notes = resolve_languages(parsed.languages)
    page.notes.extend(notes)
    impossible |= bool(parsed.languages) and not in_languages
    impossible |= bool(parsed.after and parsed.before and parsed.after > parsed.before)

    page.searched = True
    try:
        engine = engine or get_engine()
    except Exception:
        log.exception("No search engine")
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
        in_languages=in_languages,
        languages=archive_languages(),
        after=parsed.after,
        before=parsed.before,
        sort=request.sort,
        offset=(request.page - 1) * request.per_page,
        limit=request.per_page,
        facets=request.facets,
        timeline=request.facets,
    )
    if not impossible:
        # Facet counts are the same for every page and order of a search: with a cache, they
        # are counted once (archive.caching) and the engine is asked for the page alone.
        facets_key = caching.facets_key(_matching(query)) if query.facets else None
        known_facets = caching.cached_facets(facets_key)
        if known_facets is not None:
            query = replace(query, facets=False)
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
        if known_facets is not None:
            result.facets = known_facets
        else:
            caching.keep_facets(facets_key, result.facets)
        page.hits = result.hits
        page.total = result.total
        page.total_is_estimate = result.approximate
        page.notes.extend(n for n in result.notes if n not in page.notes)
        page.facets = _facet_values(request, parsed, result.facets)
        if request.facets:
            page.timeline = _timeline(request, result.timeline)
    page.page = request.page
    page.num_pages = min(MAX_PAGE, -(-page.total // request.per_page)) if page.total else 0
    if page.total == 0:
        page.suggestions = _suggestions(request, parsed, engine, None if impossible else query)
    return page


def _timeline(request: SearchRequest, rows: list[tuple[str, str, int]]) -> Timeline:
    """Mentions over time: statements a month or a year, split by speaker when asked (the
    TIMELINE_SERIES speakers with most, by name; the others together)."""
    if request.split != "speaker":
        return build_timeline(rows, unit=request.per or "auto")
    slugs = {slug for _, slug, _ in rows if slug}
    # Placeholders ("Questioner, press briefing (7 Jun 2021)") are nobody to name: with the others.
    names = dict(Speaker.objects.named().filter(slug__in=slugs).values_list("slug", "name"))
    rows = [(period, slug if slug in names else "", count) for period, slug, count in rows]
    return build_timeline(
        rows, unit=request.per or "auto", series_labels=names, max_series=TIMELINE_SERIES
    )


def _matching(query: EngineQuery) -> dict:
    """What decides a search's matches (and so its facet counts): not its page or order."""
    fields = asdict(query)
    for name in ("sort", "offset", "limit", "facets"):
        fields.pop(name)
    return fields


def _counter(engine: SearchEngine, query: EngineQuery | None):
    """How many turns a query's corrected words would find, with its filters (None when the
    filters themselves can match nothing)."""
    if query is None:
        return None

    def count(clauses) -> int:
        probe = replace(query, clauses=clauses, offset=0, limit=0, facets=False)
        return engine.search(probe).total

    return count


def _active_filters(request: SearchRequest, parsed: ParsedQuery) -> list[Suggestion]:
    """Each filter in force, with the query that drops it."""
    found = []
    for name, attribute in LIST_FILTERS.items():
        for value in getattr(parsed, attribute):
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
    changes = {name: "" for name in names if name in FILTER_NAMES}
    return request.querystring(q=text_only.to_text(), page="", **changes)


def _facet_values(
    request: SearchRequest, parsed: ParsedQuery, facets: dict[str, list[tuple[str, int]]]
) -> dict[str, list[FacetValue]]:
    facets = {**facets, "speaker": _group_reporters(facets.get("speaker", []))}
    labels: dict[str, dict[str, str]] = {
        "speaker": {
            REPORTERS: "Reporters",
            **dict(
                Speaker.objects.filter(
                    slug__in=[v for v, _ in facets.get("speaker", [])]
                ).values_list("slug", "name")
            ),
        },
        "topic": dict(
            Topic.objects.filter(slug__in=[v for v, _ in facets.get("topic", [])]).values_list(
                "slug", "name"
            )
        ),
        "kind": dict(Transcript.Kind.choices),
        "language": {code: language_name(code) for code, _ in facets.get("language", [])},
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
            elif name == "language":
                qs = request.querystring(q=base_q.without("lang").to_text(), lang=value, page="")
                selected = request.lang == value or parsed.languages == (value,)
            else:
                qs = request.querystring(q=base_q.without("kind").to_text(), kind=value, page="")
                selected = request.kind == value
            label = labels.get(name, {}).get(value, value)
            values.append(FacetValue(value, label, count, qs, selected))
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        out[name] = values
    return out


def _group_reporters(values: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The speaker facet counts people; journalists are one value, "Reporters"."""
    journalists = set(
        Speaker.objects.filter(
            slug__in=[slug for slug, _ in values], kind=Speaker.Kind.JOURNALIST
        ).values_list("slug", flat=True)
    )
    if not journalists:
        return values
    grouped = [(slug, n) for slug, n in values if slug not in journalists]
    grouped.append((REPORTERS, sum(n for slug, n in values if slug in journalists)))
    return sorted(grouped, key=lambda item: (-item[1], item[0]))


def _suggestions(
    request: SearchRequest,
    parsed: ParsedQuery,
    engine: SearchEngine,
    query: EngineQuery | None,
) -> list[Suggestion]:
    """What to try when nothing matched: a spelling correction (the one whose search matches
    most, archive.search.spelling), then dropping each filter."""
    suggestions: list[Suggestion] = []
    typed = parse_query(request.q)
    words = spelling.words_of(typed.clauses)
    if words:
        budget = spelling.Budget()
        try:
            options = engine.suggest_spelling(words)
            corrected = options and spelling.corrected_clauses(
                typed.clauses, options, _counter(engine, query), budget
            )
        except Exception:
            log.exception("Spelling suggestion failed")
            corrected = None
        if corrected:
            text = replace(typed, clauses=corrected).to_text()
            suggestions.append(
                Suggestion(f"Did you mean: {text}", request.querystring(q=text, page=""))
            )
    for name, attribute in LIST_FILTERS.items():
        if getattr(parsed, attribute):
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
