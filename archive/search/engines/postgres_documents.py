"""The PostgreSQL engine's search vectors, written from archive.search.analysis.

A turn's `exact` and `stemmed` vectors hold exactly the terms every engine indexes for its text
in its language (archive.search.analysis.document_terms: CJK as pairs of characters, each
language stemmed by its own stemmer), with their positions, so that both engines find the same
turns. They are written as tsvector values, not parsed by a PostgreSQL text search
configuration (whose parser would split "you've" or a run of Chinese differently), and queries
are tsquery values of the same terms (`LexemeQuery`).

They are written by the application in the same transaction as the turn (archive.search.indexing
calls `write_vectors` for the turns a change touches, before the commit); a database trigger
keeps each turn's facts beside them (migrations 0004, 0006) and marks the vectors stale
(`digest` NULL) when a turn's text or language changes without them, which check_index finds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from itertools import pairwise

from django.contrib.postgres.search import SearchQuery
from django.db import connections, router

from archive.models import Turn, TurnSearchDocument
from archive.search.analysis import ANALYSIS_VERSION, document_terms

MAX_POSITION = 16383  # PostgreSQL's largest word position; later words share it
MAX_LEXEME_BYTES = 2046  # a longer word is left out, as PostgreSQL's own parser leaves it out
MAX_VECTOR_BYTES = 1_000_000  # under a tsvector's 1 MB: a longer turn's last words are left out
BATCH = 500


def quote(term: str) -> str:
    """A term as a tsvector / tsquery lexeme literal."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(terms: Sequence[str]) -> str:
    """The tsvector literal of terms in order: each term with every position it stands at
    (words too long for PostgreSQL left out; at most MAX_VECTOR_BYTES of them)."""
    positions: dict[str, list[str]] = {}
    size = 0  # as PostgreSQL stores it: each lexeme, its entry (4 bytes) and positions (2 each)
    for position, term in enumerate(terms, start=1):
        found = positions.get(term)
        if found is None:
            length = len(term.encode())
            if length > MAX_LEXEME_BYTES:
                continue
            size += length + 8
            found = positions[term] = []
        elif len(found) >= 256:
            continue
        size += 2
        if size > MAX_VECTOR_BYTES:
            break
        found.append(str(min(position, MAX_POSITION)))
    return " ".join(
        f"{quote(term)}:{','.join(found)}" for term, found in positions.items() if found
    )


def pairs_vector(terms: Sequence[str]) -> str:
    """The tsvector literal of every pair of adjacent terms ("the president"), without
    positions (at most MAX_VECTOR_BYTES of them: a turn of some hundred thousand words keeps
    the pairs of its first part, as `exact` keeps its first words)."""
    pairs: dict[str, None] = {}
    size = 0
    for first, second in pairwise(terms):
        pair = first + " " + second
        if pair in pairs:
            continue
        length = len(pair) if pair.isascii() else len(pair.encode())
        if length > MAX_LEXEME_BYTES:
            continue
        size += length + 6
        if size > MAX_VECTOR_BYTES:
            break
        pairs[pair] = None
    return " ".join(map(quote, pairs))


def vectors_digest(text: str, language: str) -> str:
    """What the vectors were made from: the text, its language and the analysis version."""
    source = f"{ANALYSIS_VERSION}\n{language}\n{text}".encode()
    return hashlib.sha1(source).hexdigest()[:16]


VECTORS = ("stemmed", "exact", "pairs")


def write_vectors(turn_ids: Iterable[int], vectors: Sequence[str] = VECTORS) -> int:
    """Write the vectors of these turns (their documents exist: the trigger made them).
    `vectors`: which ones (a migration older than a vector's column writes those it knows)."""
    turn_ids = sorted(set(turn_ids))
    written = 0
    # Written on the primary, from the primary's rows (a replica may not have the turns yet).
    alias = router.db_for_write(TurnSearchDocument)
    table = TurnSearchDocument._meta.db_table
    columns = [*vectors, "language", "digest"]
    row_sql = "(%s, " + ", ".join(["%s::tsvector"] * len(vectors)) + ", %s, %s)"
    for start in range(0, len(turn_ids), BATCH):
        turns = (
            Turn.objects.using(alias)
            .filter(pk__in=turn_ids[start : start + BATCH])
            .select_related("transcript")
            .only("pk", "text", "language", "transcript__language")
        )
        rows = []
        for turn in turns:
            language = turn.text_language
            exact, stemmed = document_terms(turn.text, language)
            made = {"stemmed": stemmed, "exact": exact}
            values = [pairs_vector(exact) if v == "pairs" else tsvector(made[v]) for v in vectors]
            rows.append((turn.pk, *values, language, vectors_digest(turn.text, language)))
        if not rows:
            continue
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table} AS document
                SET {", ".join(f"{c} = v.{c}" for c in columns)}
                FROM (VALUES {", ".join([row_sql] * len(rows))}) AS v (turn_id, {", ".join(columns)})
                WHERE document.turn_id = v.turn_id""",
                [value for row in rows for value in row],
            )
        written += len(rows)
    return written


class LexemeQuery(SearchQuery):
    """A tsquery given as its text (lexemes already analysed, quoted with quote()), read by
    PostgreSQL as it is: `'minsk' <-> 'agreements'`. Combines with & | ~ like SearchQuery."""

    def __init__(self, tsquery: str, *, invert: bool = False):
        super().__init__(tsquery, invert=invert)

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = compiler.compile(self.source_expressions[0])
        sql = f"({sql})::tsquery"
        if self.invert:
            sql = f"!!({sql})"
        return sql, params


def any_of(alternatives: Sequence[Sequence[str]]) -> str:
    """A tsquery text: any alternative, each of which holds all its terms."""
    parts = ["(" + " & ".join(quote(term) for term in terms) + ")" for terms in alternatives]
    return " | ".join(parts)


def in_order(terms: Sequence[str]) -> str:
    """A tsquery text: these terms next to each other, in this order."""
    return " <-> ".join(quote(term) for term in terms)


def all_pairs(terms: Sequence[str]) -> str:
    """A tsquery text for `pairs`: every pair of adjacent terms ("" for a single term)."""
    return " & ".join(quote(first + " " + second) for first, second in pairwise(terms))
