"""PostgreSQL full-text search: the engine behind the search page when PARLEY_SEARCH_ENGINE is
"postgres" (see the engine interface in archive.search.engine).

It searches the vectors a database trigger writes beside every turn, in the same transaction as
the turn (TurnSearchDocument; migrations 0002 to 0004): there is no index to rebuild and no lock
between writers. Words and phrases are analysed by archive.search.analysis, as for every engine,
so that the engines find the same turns (tests/test_search_engines.py):

* a word's content words (archive.search.analysis.content_words, not yet stemmed) are each one
  `SearchQuery(search_type="phrase")` against `stemmed` (configuration parley_words: Snowball
  English, accents folded, no stop words), which the database stems. "phrase" because
  PostgreSQL's parser reads "you've" as "you" followed by "ve";
* a quoted phrase's exact words are one phrase query against `exact`
  (parley_exact: lower case, accents folded, nothing stemmed or left out).

Queries are SearchQuery objects combined with & and | (an exclusion inverts each of its words),
never tsquery text. One search is two SQL statements:

1. the matching turns (the GIN indexes first, then published speech turns and the filters) are
   materialised once, and from them the total, the page of turn ids in order, and the facets
   (GROUP BY over the matches) are computed in the same statement;
2. the page's turns, whose search documents (archive.search.documents) make the hits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value

from archive.models import Speaker, Topic, Transcript, Turn, TurnSearchDocument, TurnTopic
from archive.search import spelling
from archive.search.analysis import analyse, query_alternatives
from archive.search.documents import hit_for_turn, searchable
from archive.search.engine import FACET_NAMES, EngineQuery, EngineResult, Hit, IndexReport
from archive.search.engines.postgres_documents import (
    LexemeQuery,
    all_pairs,
    any_of,
    in_order,
    vectors_digest,
    write_vectors,
)
from archive.search.engines.postgres_spelling import nearest_words, refresh_spelling_words
from archive.search.query import Clause

log = logging.getLogger(__name__)

RANK_NORMALISATION = 1  # ts_rank divided by 1 + log(length): long turns do not win by length

# Page orders (whole-value constants, never user input). Undated transcripts sort as the oldest,
# as archive.search.documents.order_key sorts them for the Whoosh index.
ORDERS = {
    "relevance": "rank DESC, transcript_date DESC NULLS LAST, position, turn_id",
    "newest": "transcript_date DESC NULLS LAST, position DESC, turn_id DESC",
    "oldest": "transcript_date ASC NULLS FIRST, position, turn_id",
}

# Above this many matching turns, totals and facets are estimated from a sample (see
# PostgresSearchEngine). A module constant so that a test can lower it.
APPROXIMATE_ABOVE = 10_000
SAMPLE_DOCUMENTS = 10_000  # search documents read for an estimate (1% of a million)
SAMPLE_SEED = 17


def word_query(alternatives: Sequence[Sequence[str]], *, invert: bool = False) -> SearchQuery:
    """A word (its stems in each language, archive.search.analysis.query_alternatives),
    against `stemmed`; with `invert`, none of them."""
    return LexemeQuery(any_of(alternatives), invert=invert)


def phrase_query(words: Sequence[str], *, invert: bool = False) -> SearchQuery:
    """Exact words next to each other, in order, against `exact`."""
    return LexemeQuery(in_order(words), invert=invert)


def phrase_condition(phrases: Sequence[Sequence[str]], *, narrow_only: bool = False) -> Q:
    """Any of these phrases: against `pairs` first (every pair of adjacent words, one GIN
    lookup that leaves about only the turns holding a phrase), then in order against `exact`
    (which then checks the positions of those few). A phrase of one word has no pairs: `exact`
    alone answers it, as a word is quick to find. With `narrow_only`, the pairs alone (a few
    more turns, found without reading any vector: for counting roughly, fast)."""
    in_exact = Q(exact=reduce(or_, (phrase_query(p) for p in phrases)))
    if any(len(p) < 2 for p in phrases):
        return in_exact
    pairs = Q(pairs=LexemeQuery("(" + ") | (".join(all_pairs(p) for p in phrases) + ")"))
    return pairs if narrow_only else pairs & in_exact


@dataclass
class TextConditions:
    """What the query's words and phrases ask of the two vectors."""

    stemmed: list[SearchQuery] = field(default_factory=list)  # all must match
    exact: list[SearchQuery] = field(default_factory=list)
    either: list[Q] = field(default_factory=list)  # a clause with both words and phrases
    either_narrowed: list[Q] = field(default_factory=list)  # the same, phrases by pairs alone
    rank_stemmed: list[SearchQuery] = field(default_factory=list)  # positive parts, for ranking
    rank_exact: list[SearchQuery] = field(default_factory=list)
    positive: bool = False
    # Index lookups the positive clauses AND together (a word, each pair of a phrase): past one,
    # the planner multiplies their frequencies as if independent, and expects far too few turns.
    lookups: int = 0
    notes: list[str] = field(default_factory=list)
    languages: tuple[str, ...] = ()  # the query's words are stemmed for each of them

    def add_clause(self, clause: Clause) -> None:
        words, phrases = [], []
        for term in clause.terms:
            if term.phrase:
                found = analyse(term.text, exact=True)
                if not found:
                    self.notes.append(
                        f"“{term.text[:40]}” has no words to search for; it was left out."
                    )
                    continue
                phrases.append(found)
            else:
                found = query_alternatives(term.text, self.languages)
                if not found:
                    if analyse(term.text, exact=True):
                        self.notes.append(
                            f"“{term.text[:40]}” is too common a word to search for on its own; "
                            f'it was left out (put it in a quoted phrase to match it: "of the '
                            f'people").'
                        )
                    continue
                words.append(found)
        if not words and not phrases:
            return
        if clause.exclude:
            # Not any of the terms: each term inverted (a term of several stems: not all of them).
            self.stemmed.extend(word_query(w, invert=True) for w in words)
            self.exact.extend(phrase_query(p, invert=True) for p in phrases)
            return
        self.positive = True
        # (a clause of several terms is an OR: one lookup, as far as misestimates go)
        self.lookups += 1 if len(clause.terms) > 1 else max([1, *(len(p) - 1 for p in phrases)])
        word_part = reduce(or_, (word_query(w) for w in words)) if words else None
        phrase_part = reduce(or_, (phrase_query(p) for p in phrases)) if phrases else None
        if word_part is not None and phrase_part is not None:
            self.either.append(Q(stemmed=word_part) | phrase_condition(phrases))
            narrowed = phrase_condition(phrases, narrow_only=True)
            self.either_narrowed.append(Q(stemmed=word_part) | narrowed)
        elif word_part is not None:
            self.stemmed.append(word_part)
        else:
            self.either.append(phrase_condition(phrases))
            self.either_narrowed.append(phrase_condition(phrases, narrow_only=True))
        if word_part is not None:
            self.rank_stemmed.append(word_part)
        if phrase_part is not None:
            self.rank_exact.append(phrase_part)

    def filters(self, *, narrowed: bool = False) -> list[Q]:
        """One condition per vector (a single tsquery, so one GIN index scan answers it), and
        one per clause of phrases (their pairs, then their order). `narrowed`: a superset that
        reads no vector (phrases by their pairs alone, excluded phrases not checked), whose
        count says quickly whether a search finds many turns."""
        conditions = list(self.either_narrowed if narrowed else self.either)
        if self.stemmed:
            conditions.append(Q(stemmed=reduce(and_, self.stemmed)))
        if self.exact and not narrowed:
            conditions.append(Q(exact=reduce(and_, self.exact)))
        return conditions

    def rank(self, sort: str):
        parts = []
        if sort != "relevance":
            return Value(0.0, output_field=FloatField())
        if self.rank_stemmed:
            parts.append(
                SearchRank(
                    F("stemmed"),
                    reduce(and_, self.rank_stemmed),
                    normalization=RANK_NORMALISATION,
                )
            )
        if self.rank_exact:
            parts.append(
                SearchRank(
                    F("exact"),
                    reduce(and_, self.rank_exact),
                    normalization=RANK_NORMALISATION,
                )
            )
        if not parts:
            return Value(0.0, output_field=FloatField())
        return reduce(lambda a, b: a + b, parts)


def matching_turns(query: EngineQuery, text: TextConditions, *, narrowed: bool = False):
    """Published speech turns (what the Whoosh index holds) that match, as rows of the search
    documents (migration 0004 copied each turn's facts there: no join per match). `narrowed`:
    a superset found without reading the vectors (TextConditions.filters), turn ids only."""
    documents = TurnSearchDocument.objects.filter(published=True, kind=Turn.Kind.SPEECH)
    for condition in text.filters(narrowed=narrowed):
        documents = documents.filter(condition)
    if query.speaker_slugs is not None:
        speakers = Speaker.objects.filter(slug__in=query.speaker_slugs).values_list("pk", flat=True)
        documents = documents.filter(speaker_id__in=list(speakers))
    for slug in query.topic_slugs:
        documents = documents.filter(
            Exists(
                TurnTopic.objects.filter(turn=OuterRef("turn_id"), topic__slug=slug, rejected=False)
            )
        )
    if query.kinds:
        documents = documents.filter(transcript_kind__in=query.kinds)
    if query.in_languages:
        documents = documents.filter(language__in=query.in_languages)
    if query.after:
        documents = documents.filter(transcript_date__gte=query.after)
    if query.before:
        documents = documents.filter(transcript_date__lte=query.before)
    if narrowed:
        return documents.order_by().values("turn_id")
    return (
        documents.annotate(rank=text.rank(query.sort))
        .order_by()
        .values(
            "turn_id",
            "speaker_id",
            "position",
            "transcript_date",
            "transcript_kind",
            "year",
            "language",
            "rank",
        )
    )


FACETS = f"""
    (SELECT json_agg(json_build_array(speaker.slug, counted.n)
                     ORDER BY counted.n DESC, speaker.slug COLLATE "C") FROM (
        SELECT speaker_id, count(*) AS n FROM matches WHERE speaker_id IS NOT NULL
        GROUP BY speaker_id
    ) AS counted JOIN {Speaker._meta.db_table} AS speaker ON speaker.id = counted.speaker_id),
    (SELECT json_agg(json_build_array(topic.slug, counted.n)
                     ORDER BY counted.n DESC, topic.slug COLLATE "C") FROM (
        SELECT tag.topic_id, count(*) AS n
        FROM matches JOIN {TurnTopic._meta.db_table} AS tag
            ON tag.turn_id = matches.turn_id AND NOT tag.rejected
        GROUP BY tag.topic_id
    ) AS counted JOIN {Topic._meta.db_table} AS topic ON topic.id = counted.topic_id),
    (SELECT json_agg(json_build_array(year::text, n)) FROM (
        SELECT year, count(*) AS n FROM matches WHERE year IS NOT NULL GROUP BY year
    ) AS years),
    (SELECT json_agg(json_build_array(transcript_kind, n)) FROM (
        SELECT transcript_kind, count(*) AS n FROM matches GROUP BY transcript_kind
    ) AS kinds),
    (SELECT json_agg(json_build_array(language, n)) FROM (
        SELECT language, count(*) AS n FROM matches WHERE language IS NOT NULL GROUP BY language
    ) AS languages)
"""
NO_FACETS = "NULL::json, NULL::json, NULL::json, NULL::json, NULL::json"
# The matches by month and speaker (EngineQuery.timeline).
TIMELINE = f"""
    (SELECT json_agg(json_build_array(counted.month, coalesce(speaker.slug, ''), counted.n)
                     ORDER BY counted.month, speaker.slug COLLATE "C") FROM (
        SELECT to_char(transcript_date, 'YYYY-MM') AS month, speaker_id, count(*) AS n
        FROM matches WHERE transcript_date IS NOT NULL GROUP BY 1, 2
    ) AS counted LEFT JOIN {Speaker._meta.db_table} AS speaker ON speaker.id = counted.speaker_id)
"""


def search_statement(matches_sql: str, query: EngineQuery, *, sample: str = "") -> str:
    """One statement over the materialised matches: their number, the page, the facets. Only
    table names from the models and constants go into the text; values are parameters.

    Exact: the matches, up to APPROXIMATE_ABOVE + 1 of them (a count above the threshold says
    "estimate instead"). With `sample` (a TABLESAMPLE clause), the matches among a random sample
    of the search documents: counts to be scaled, and candidates for a page by relevance."""
    order = ORDERS.get(query.sort, ORDERS["relevance"])
    if sample:
        matches_sql = matches_sql.replace(
            f'FROM "{TurnSearchDocument._meta.db_table}"',
            f'FROM "{TurnSearchDocument._meta.db_table}" {sample}',
            1,
        )
    else:
        matches_sql += " LIMIT %(bound)s"
    return f"""
        WITH matches AS MATERIALIZED ({matches_sql})
        SELECT
            (SELECT count(*) FROM matches),
            (SELECT json_agg(json_build_array(turn_id, rank) ORDER BY {order}) FROM (
                SELECT turn_id, rank, transcript_date, position FROM matches
                ORDER BY {order} LIMIT %(page_limit)s OFFSET %(page_offset)s
            ) AS page),
            {FACETS if query.facets else NO_FACETS},
            {TIMELINE if query.timeline else "NULL::json"}
    """


def page_statement(matches_sql: str, query: EngineQuery) -> str:
    """The page of a newest/oldest search, walking the (date, position) index in order and
    stopping after the page, rather than sorting every match."""
    order = ORDERS[query.sort]
    return f"""
        SELECT json_agg(json_build_array(turn_id, rank) ORDER BY {order}) FROM (
            SELECT turn_id, rank, transcript_date, position FROM ({matches_sql}) AS matches
            ORDER BY {order} LIMIT %(page_limit)s OFFSET %(page_offset)s
        ) AS page
    """


def _json(value) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def _named_params(sql: str, params: Iterable) -> tuple[str, dict]:
    """Django's positional %s parameters as named ones, so that the statement around them can use
    its own (%(limit)s ...)."""
    params = list(params)
    names = [f"p{index}" for index in range(len(params))]
    sql = sql.replace("%%", "\0")  # a literal % in Django's SQL stays literal
    sql = sql % tuple(f"%({name})s" for name in names)
    return sql.replace("\0", "%%"), dict(zip(names, params, strict=True))


@dataclass
class Estimate:
    total: int
    scale: float  # documents per sampled document
    page: object  # the page from the sample (JSON), or None
    facet_rows: list
    timeline_rows: object = None


def _timeline(rows, scale: float = 1.0) -> list[tuple[str, str, int]]:
    return [
        (str(month), str(slug or ""), max(1, round(int(count) * scale)))
        for month, slug, count in _json(rows)
    ]


def _facets(rows: Sequence, limit: int, scale: float = 1.0) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {}
    for name, found in zip(FACET_NAMES, rows, strict=True):
        values = [
            (str(value), max(1, round(int(count) * scale)))
            for value, count in _json(found)
            if value
        ]
        values.sort(key=lambda item: (-item[1], item[0]))
        facets[name] = values if name == "year" else values[:limit]
    return facets


class PostgresEngine:
    """The search engine interface over PostgreSQL full-text search.

    A search that matches up to APPROXIMATE_ABOVE turns is answered exactly. Above it, counting
    and faceting every match would cost time in proportion to the matches (~100,000 for a
    common word in a million turns), so the total and the facets are estimated from the matches
    among a random sample of about SAMPLE_DOCUMENTS search documents (TABLESAMPLE SYSTEM, with
    a fixed seed so that the next page shows the same estimate), scaled up; a page by relevance
    is the best-ranked of those sampled matches, a page by date walks the date index. The
    result says so (EngineResult.approximate; the page shows "about N")."""

    name = "postgres"
    keeps_own_index = True  # the triggers write it in each change's own transaction

    def search(self, query: EngineQuery) -> EngineResult:
        text = TextConditions(languages=query.languages)
        for clause in query.clauses:
            text.add_clause(clause)
        if not text.positive and not query.has_filters:
            return EngineResult(notes=text.notes)

        try:
            matches_sql, params = matching_turns(query, text).query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an empty list of speakers)
            return EngineResult(notes=text.notes)
        matches_sql, named = _named_params(matches_sql, params)
        named.update(
            limit=query.facet_limit,
            page_limit=max(query.limit, 0),
            page_offset=query.offset,
            bound=APPROXIMATE_ABOVE + 1,
        )
        # The database the router chooses for this request's reads: a replica for a public
        # read (archive.routers), else the primary. The hits are read from it too.
        alias = router.db_for_read(TurnSearchDocument)
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            # Compiling a big plan to machine code (JIT) costs ~50 ms and never pays back here.
            cursor.execute("SET LOCAL jit = off")
            documents = self._documents(cursor)
            estimate = None
            if documents > APPROXIMATE_ABOVE and self._many(cursor, query, text):
                estimate = self._sampled(cursor, matches_sql, named, query, documents)
            if estimate is None or estimate.total <= APPROXIMATE_ABOVE:
                cursor.execute(search_statement(matches_sql, query), named)
                total, page, *facet_rows, timeline_rows = cursor.fetchone()
                if total <= APPROXIMATE_ABOVE:
                    return EngineResult(
                        total=total,
                        hits=self.hits(_ranked(page), query.clauses),
                        facets=_facets(facet_rows, query.facet_limit) if query.facets else {},
                        notes=text.notes,
                        timeline=_timeline(timeline_rows),
                    )
                estimate = estimate or self._sampled(cursor, matches_sql, named, query, documents)
            page = estimate.page
            if page is None:
                cursor.execute(page_statement(matches_sql, query), named)
                page = cursor.fetchone()[0]
        return EngineResult(
            # The total is known to be above the threshold: never estimated below it.
            total=max(estimate.total, APPROXIMATE_ABOVE + 1),
            hits=self.hits(_ranked(page), query.clauses),
            facets=_facets(estimate.facet_rows, query.facet_limit, estimate.scale)
            if query.facets
            else {},
            notes=text.notes,
            approximate=True,
            timeline=_timeline(estimate.timeline_rows, estimate.scale),
        )

    @staticmethod
    def _documents(cursor) -> int:
        """How many search documents there are, as the planner last counted them (counted now
        when the table has never been analysed)."""
        table = TurnSearchDocument._meta.db_table
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        documents = int(cursor.fetchone()[0])
        if documents < 0:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            documents = cursor.fetchone()[0]
        return documents

    @staticmethod
    def _many(cursor, query: EngineQuery, text) -> bool:
        """Whether there are likely more matches than APPROXIMATE_ABOVE: then the sample comes
        first, and most often the exact count is never attempted. The planner's estimate of the
        turns that hold the words and the phrases' pairs (not their order: it would multiply
        that in as if independent too); and where several lookups are ANDed (two words, a
        phrase of three, which the planner takes for independent and so expects far too few
        turns for "going to be") a count of those turns up to the threshold: an index scan that
        reads no vector, where the exact attempt would rank and check the order in up to
        APPROXIMATE_ABOVE of them only to find out."""
        probe, params = matching_turns(query, text, narrowed=True).query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {probe}", params)
        plan = _json(cursor.fetchone()[0])
        if plan[0]["Plan"]["Plan Rows"] > APPROXIMATE_ABOVE:
            return True
        if text.lookups < 2:  # one word, one pair: the planner's statistics know how common
            return False
        cursor.execute(
            f"SELECT count(*) FROM ({probe} LIMIT {APPROXIMATE_ABOVE + 1}) AS probe", params
        )
        return cursor.fetchone()[0] > APPROXIMATE_ABOVE

    @staticmethod
    def _sampled(
        cursor, matches_sql: str, named: dict, query: EngineQuery, documents: int
    ) -> Estimate:
        """The matches among a random sample of about SAMPLE_DOCUMENTS search documents, scaled."""
        percent = min(100.0, 100.0 * SAMPLE_DOCUMENTS / max(documents, 1))
        sample = f"TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE ({SAMPLE_SEED})"
        cursor.execute(search_statement(matches_sql, query, sample=sample), named)
        found, page, *facet_rows, timeline_rows = cursor.fetchone()
        scale = 100.0 / percent
        # A page by relevance from the sample's best, while the sample holds the whole page; a
        # page by date (or a deep page) from the date index.
        covered = query.sort == "relevance" and query.offset + query.limit <= found
        return Estimate(
            round(found * scale), scale, page if covered else None, facet_rows, timeline_rows
        )

    def hits(self, ranked: list[tuple[int, float]], clauses: Sequence[Clause]) -> list[Hit]:
        turns = searchable().in_bulk([turn_id for turn_id, _ in ranked])
        return [
            hit_for_turn(turns[turn_id], clauses, score=rank)
            for turn_id, rank in ranked
            if turn_id in turns
        ]

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, list[str]]:
        """For each word the published archive does not contain, the closest words it does
        contain (archive.search.spelling), from the word list's nearest words by trigrams."""
        budget = spelling.Budget()
        suggestions: dict[str, list[str]] = {}
        for typed, word in spelling.words_to_check(words, budget):
            if archive_has_word(word):
                continue
            found = spelling.ranked(word, nearest_words(word))
            if found:
                suggestions[typed] = found
        return suggestions

    # --- keeping the index true (the triggers do it; these check and mend) -------------------

    def update(self, turn_ids: Iterable[int], wait: float) -> bool:
        """Write these turns' vectors now, in the current transaction (archive.search.indexing
        calls this before the change commits)."""
        write_vectors(turn_ids)
        return True

    def rebuild(self) -> None:
        """Write every turn's vectors again (after the analysis changed)."""
        ids = list(Turn.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            with transaction.atomic():
                write_vectors(ids[start : start + 5000])

    def after_bulk_load(self) -> None:
        refresh_spelling_words()

    def check(self) -> IndexReport:
        """Turns without a search document (the trigger was dropped, or rows were loaded around
        it); documents whose copied facts differ from their turn's and transcript's, or whose
        vectors were not made from the turn's text and language as they are now (stale); and
        documents of turns that are gone (extra)."""
        documents = TurnSearchDocument._meta.db_table
        turns, transcripts = Turn._meta.db_table, Transcript._meta.db_table
        with connections[router.db_for_read(TurnSearchDocument)].cursor() as cursor:
            cursor.execute(
                f"""SELECT document.turn_id FROM {documents} AS document
                JOIN {turns} AS turn ON turn.id = document.turn_id
                JOIN {transcripts} AS transcript ON transcript.id = turn.transcript_id
                WHERE (document.transcript_id, document.speaker_id, document.position,
                       document.kind, document.published, document.transcript_date,
                       document.transcript_kind)
                  IS DISTINCT FROM (turn.transcript_id, turn.speaker_id, turn.position,
                       turn.kind, transcript.published, transcript.date, transcript.kind)
                  OR document.digest IS NULL"""
            )
            stale = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                f"""SELECT turn_id FROM {documents} AS document WHERE NOT EXISTS
                (SELECT 1 FROM {turns} AS turn WHERE turn.id = document.turn_id)"""
            )
            extra = [row[0] for row in cursor.fetchall()]
        digests = (
            TurnSearchDocument.objects.exclude(digest=None)
            .order_by("turn_id")
            .values_list(
                "turn_id", "digest", "turn__text", "turn__language", "turn__transcript__language"
            )
        )
        for turn_id, digest, text, own, transcripts in digests.iterator(chunk_size=2000):
            if digest != vectors_digest(text, own or transcripts):
                stale.add(turn_id)
        missing = Turn.objects.filter(search_document__isnull=True).values_list("pk", flat=True)
        return IndexReport(
            Turn.objects.count(),
            TurnSearchDocument.objects.count(),
            missing=missing,
            stale=stale,
            extra=extra,
        )

    def repair(self, report: IndexReport) -> None:
        """Documents again for the differing turns: the trigger rewrites their facts (and makes
        a missing document) when their text is rewritten unchanged; their vectors are written."""
        TurnSearchDocument.objects.filter(turn_id__in=report.extra).delete()
        differing = report.missing | report.stale
        Turn.objects.filter(pk__in=differing).update(text=F("text"))
        write_vectors(differing)


def _ranked(page) -> list[tuple[int, float]]:
    return [(int(turn_id), float(rank or 0.0)) for turn_id, rank in _json(page)]


# --- Spelling ------------------------------------------------------------------------------------


def archive_has_word(word: str) -> bool:
    """Whether a published speech turn has this (unstemmed) word. In two steps, the GIN index
    first: as one query with LIMIT 1 the planner walks every published turn looking for a word
    that is not there (2 s on a million turns)."""
    candidates = TurnSearchDocument.objects.filter(exact=phrase_query([word])).values_list(
        "turn_id", flat=True
    )[:1000]
    return Turn.objects.filter(
        pk__in=list(candidates), kind=Turn.Kind.SPEECH, transcript__published=True
    ).exists()
