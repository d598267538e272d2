"""Spelling suggestions for the PostgreSQL engine: the closest word the archive holds.

The archive's words live in a materialised view (`archive_search_word`, migration 0003) with a
trigram index (pg_trgm): the nearest words by trigrams come first, then the closest by edit
distance, chosen as for every engine (archive.search.spelling.closest). Refresh the list after a
large load (`refresh_spelling_words()`; the engine's `after_bulk_load` does it). The list is read
where the router sends reads (a replica for a public read) and refreshed on the primary.
"""

from __future__ import annotations

import logging

from django.db import connections, router

from archive.models import TurnSearchDocument

log = logging.getLogger(__name__)

WORD_LIST = "archive_search_word"  # materialised view of the archive's words (migration 0003)
WORD_LIST_INLINE_REFRESH = 50_000  # turns: below this a first spelling request fills the list


def refresh_spelling_words() -> bool:
    """Bring the word list for spelling suggestions up to date with the archive (seconds for a
    million turns; readers are not blocked once the list has been filled). Returns False when
    the list does not exist (not PostgreSQL, or migration 0003 not applied)."""
    connection = connections[router.db_for_write(TurnSearchDocument)]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = %s", [WORD_LIST])
        row = cursor.fetchone()
        if row is None:
            return False
        concurrently = "CONCURRENTLY " if row[0] else ""
        cursor.execute(f"REFRESH MATERIALIZED VIEW {concurrently}{WORD_LIST}")
    return True


def _word_list_ready(cursor) -> bool | None:
    """Whether the word list can be read: None when it does not exist, False while it is empty
    (never refreshed)."""
    cursor.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = %s", [WORD_LIST])
    row = cursor.fetchone()
    return None if row is None else bool(row[0])


def _fill_small_word_list() -> bool:
    """A small archive's list is filled on first use, on the primary (a large archive's by
    refresh_spelling_words(), which takes too long for a page request)."""
    with connections[router.db_for_write(TurnSearchDocument)].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TurnSearchDocument._meta.db_table} LIMIT %s) AS t",
            [WORD_LIST_INLINE_REFRESH + 1],
        )
        if cursor.fetchone()[0] > WORD_LIST_INLINE_REFRESH:
            log.warning("The spelling word list is empty: run refresh_spelling_words().")
            return False
        cursor.execute(f"REFRESH MATERIALIZED VIEW {WORD_LIST}")
    return True


def nearest_words(word: str) -> list[tuple[str, int]]:
    """Words of the archive near `word`, with their occurrences, for spelling.ranked()."""
    with connections[router.db_for_read(TurnSearchDocument)].cursor() as cursor:
        ready = _word_list_ready(cursor)
    if ready is None or (ready is False and not _fill_small_word_list()):
        return []
    # After a refresh the request has written, and reads the primary (archive.routers).
    with connections[router.db_for_read(TurnSearchDocument)].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"{WORD_LIST}_trigram"])
        if cursor.fetchone():
            # The nearest words by trigrams (the GiST index answers this in a millisecond).
            cursor.execute(
                f"SELECT word, occurrences FROM {WORD_LIST} ORDER BY word <-> %s LIMIT 100", [word]
            )
        else:  # no pg_trgm: the words that begin alike and are about as long
            cursor.execute(
                f"SELECT word, occurrences FROM {WORD_LIST} WHERE left(word, 1) = left(%s, 1) "
                "AND abs(length(word) - length(%s)) <= 2 ORDER BY occurrences DESC LIMIT 2000",
                [word, word],
            )
        return cursor.fetchall()
