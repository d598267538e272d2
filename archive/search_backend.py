"""Haystack's Whoosh backend, tuned for Parley's search and for staying true under load.

What differs from haystack 3.4's stock WhooshSearchBackend, and why (see benchmarks/RESULTS.md):

* Storage without mmap, and one searcher per thread kept between requests and refreshed only
  when the index changed: stock haystack reopens the index for every search, and Whoosh then
  copies every memory-mapped segment into memory.
* A schema for Parley's fields (`build_schema`): stemmed words, unstemmed words with positions,
  adjacent word pairs (a two-word phrase is a single term lookup), whole-value ID fields with
  columns for facets and sorting, STORED (not analysed) display fields.
* `parley_search(EngineQuery)`: the whole query (words, phrases, filters, sort, facets) in one
  Whoosh search over the cached searcher; results built from stored fields; snippets escaped.
* Writes in batches with one searcher for the deletions (stock `update_document` opens a
  searcher per document), and with Whoosh's multi-process writer for large batches.
* Writers wait for the lock for a bounded time and never drop an update: every change is first
  written to a small journal of pending turn ids next to the index (`<PATH>.pending`), and
  whoever holds the writer lock applies the whole journal, reading the turns from the database
  while holding the lock. Stock haystack's AsyncWriter waits forever behind another writer, and
  its remove() raises LockError, which SILENTLY_FAIL swallows, leaving a stale document behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh.analysis import BiWordFilter
from whoosh.fields import BOOLEAN, KEYWORD, NUMERIC, STORED, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.sorting import Count, FieldFacet

from archive.search import (
    EXACT_ANALYZER,
    WORD_ANALYZER,
    EngineQuery,
    EngineResult,
    analyse,
    build_snippet,
    hit_from_stored,
)

log = logging.getLogger(__name__)

TURN_PREFIX = "archive.turn."
MULTIPROCESS_THRESHOLD = 2000  # documents in one batch before the writer uses both cores
LOCK_WAIT_BATCH = 120.0  # update_index and rebuild_index wait this long for the writer lock
LOCK_WAIT_REMOVE = 30.0


def parley_fields() -> dict:
    """Whoosh field types for the fields of archive.search_indexes.TurnIndex."""
    facet = lambda: WHOOSH_ID(stored=True, sortable=True)  # noqa: E731 - whole values, a column
    return {
        "text": TEXT(analyzer=WORD_ANALYZER, stored=True, phrase=False),
        "exact": TEXT(analyzer=EXACT_ANALYZER, stored=False, phrase=True),
        "pairs": TEXT(analyzer=EXACT_ANALYZER | BiWordFilter(sep=" "), stored=False, phrase=False),
        "speaker_slug": facet(),
        "year": facet(),
        "kind": facet(),
        "topics": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        "date": NUMERIC(numtype=int, bits=32, stored=False),
        "order": NUMERIC(numtype=int, bits=64, stored=False, sortable=True),
        "published": BOOLEAN(stored=True),
    }


class PendingTurns:
    """An append-only file of turn ids whose index entries must be brought up to date.

    Appends take an exclusive flock, so that concurrent processes never interleave lines; the
    holder of the Whoosh writer lock reads it, applies it and then drops exactly what it read."""

    def __init__(self, path: str):
        self.path = path

    @contextmanager
    def _locked(self, mode: str):
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, mode) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, turn_ids: Iterable[int]) -> None:
        lines = "".join(f"{int(pk)}\n" for pk in turn_ids)
        if lines:
            with self._locked("ab") as handle:
                handle.write(lines.encode())

    def read(self) -> tuple[set[int], int]:
        """The pending ids and the number of bytes they took."""
        if not os.path.exists(self.path):
            return set(), 0
        with self._locked("rb") as handle:
            data = handle.read()
        end = data.rfind(b"\n") + 1
        ids = {int(line) for line in data[:end].split() if line.strip().isdigit()}
        return ids, end

    def discard(self, size: int) -> None:
        """Drop the first `size` bytes (what read() returned), keeping anything added since."""
        if size <= 0 or not os.path.exists(self.path):
            return
        with self._locked("r+b") as handle:
            rest = handle.read()[size:]
            handle.seek(0)
            handle.truncate()
            handle.write(rest)


class ParleyWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.batch_size = int(connection_options.get("BATCH_SIZE", 5000))
        self.pending = PendingTurns(f"{os.path.abspath(self.path or 'whoosh')}.pending")
        self._local = threading.local()
        self._epoch = 0

    # --- set-up ---------------------------------------------------------------------------------

    def setup(self):
        from haystack import connections
        from whoosh.qparser import QueryParser

        os.makedirs(self.path, exist_ok=True)
        self.storage = FileStorage(self.path, supports_mmap=False)
        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        try:
            self.index = self.storage.open_index(schema=self.schema)
        except EmptyIndexError:
            self.index = self.storage.create_index(self.schema)
        self._epoch += 1
        self.setup_complete = True

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        ours = parley_fields()
        for field_class in fields.values():
            fieldname = field_class.index_fieldname
            if fieldname in ours:
                replacement = ours[fieldname]
            elif not field_class.indexed:
                replacement = STORED()
            else:
                continue
            schema.remove(fieldname)
            schema.add(fieldname, replacement)
        return content_field_name, schema

    def delete_index(self):
        self._local = threading.local()
        if os.path.exists(self.path):
            shutil.rmtree(self.path)
        self.setup()

    # --- reading --------------------------------------------------------------------------------

    def _toc_stamp(self) -> tuple:
        generation = self.index.latest_generation()
        try:
            stamp = os.stat(os.path.join(self.path, f"_MAIN_{generation}.toc")).st_mtime_ns
        except OSError:
            stamp = 0
        return (self._epoch, generation, stamp)

    def searcher(self):
        """This thread's searcher, reopened only when the index has changed since."""
        if not self.setup_complete:
            self.setup()
        cached = getattr(self._local, "searcher", None)
        stamp = self._toc_stamp()
        if cached is not None and self._local.stamp == stamp:
            return cached
        if cached is not None:
            cached.close()
        try:
            searcher = self.index.searcher()
        except EmptyIndexError:
            self.setup()
            searcher = self.index.searcher()
        self._local.searcher, self._local.stamp = searcher, self._toc_stamp()
        return searcher

    def parley_search(self, query: EngineQuery) -> EngineResult:
        notes: list[str] = []
        whoosh_query = self._build_query(query, notes)
        if whoosh_query is None:
            return EngineResult(notes=notes)
        searcher = self.searcher()
        options: dict = {}
        if query.sort in ("newest", "oldest"):
            options["sortedby"] = "order"
            options["reverse"] = query.sort == "newest"
        if query.facets:
            options["groupedby"] = {
                "speaker": FieldFacet("speaker_slug", maptype=Count),
                "topic": FieldFacet("topics", allow_overlap=True, maptype=Count),
                "year": FieldFacet("year", maptype=Count),
                "kind": FieldFacet("kind", maptype=Count),
            }
        results = searcher.search(whoosh_query, limit=query.offset + query.limit, **options)
        total = len(results)
        hits = []
        for hit in results[query.offset : query.offset + query.limit]:
            stored = hit.fields()
            hits.append(
                hit_from_stored(
                    int(stored[DJANGO_ID]),
                    stored,
                    build_snippet(stored.get("text", ""), query.clauses),
                    score=hit.score or 0.0,
                )
            )
        facets: dict[str, list[tuple[str, int]]] = {}
        if query.facets:
            for name in ("speaker", "topic", "year", "kind"):
                counts = results.groups(name)
                ordered = sorted(
                    ((str(value), count) for value, count in counts.items() if value),
                    key=lambda item: (-item[1], item[0]),
                )
                facets[name] = ordered[: query.facet_limit] if name != "year" else ordered
        return EngineResult(total=total, hits=hits, facets=facets, notes=notes)

    def _build_query(self, query: EngineQuery, notes: list[str]):
        positive, negative = [], []
        for clause in query.clauses:
            alternatives = [self._term_query(term, notes) for term in clause.terms]
            alternatives = [q for q in alternatives if q is not None]
            if not alternatives:
                continue
            combined = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
            (negative if clause.exclude else positive).append(combined)
        if not positive and not query.has_filters:
            return None
        filters: list = [wq.Term("published", True)]
        if query.speaker_slugs is not None:
            filters.append(wq.Or([wq.Term("speaker_slug", slug) for slug in query.speaker_slugs]))
        filters.extend(wq.Term("topics", slug) for slug in query.topic_slugs)
        if query.kinds:
            filters.append(wq.Or([wq.Term("kind", kind) for kind in query.kinds]))
        if query.after or query.before:
            low = int(query.after.strftime("%Y%m%d")) if query.after else 1
            high = int(query.before.strftime("%Y%m%d")) if query.before else None
            filters.append(wq.NumericRange("date", low, high))
        constraint = wq.ConstantScoreQuery(wq.And(filters), 0.0)
        main = wq.And(positive + [constraint]) if positive else constraint
        if negative:
            main = wq.AndNot(main, negative[0] if len(negative) == 1 else wq.Or(negative))
        return main

    def _term_query(self, term, notes: list[str]):
        if term.phrase:
            words = analyse(term.text, exact=True)
            if not words:
                notes.append(f"“{term.text[:40]}” has no words to search for; it was left out.")
                return None
            if len(words) == 1:
                return wq.Term("exact", words[0])
            pairs = [wq.Term("pairs", f"{a} {b}") for a, b in zip(words, words[1:], strict=False)]
            if len(words) == 2:
                return pairs[0]
            return wq.And(pairs + [wq.Phrase("exact", words)])
        words = analyse(term.text)
        if not words:
            if analyse(term.text, exact=True):
                notes.append(
                    f"“{term.text[:40]}” is too common a word to search for on its own; "
                    f'it was left out (put it in a quoted phrase to match it: "of the people").'
                )
            return None
        if len(words) == 1:
            return wq.Term("text", words[0])
        return wq.And([wq.Term("text", word) for word in words])

    def parley_suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        searcher = self.searcher()
        corrector = searcher.corrector("exact")
        suggestions = {}
        for word in words:
            tokens = analyse(word, exact=True)
            if len(tokens) != 1 or searcher.doc_frequency("exact", tokens[0]):
                continue
            found = corrector.suggest(tokens[0], limit=1, maxdist=2)
            if found:
                suggestions[word] = found[0]
        return suggestions

    def stored_digests(self) -> dict[int, str]:
        """{turn id: digest} for every document in the index (for check_index)."""
        searcher = self.searcher()
        digests = {}
        for fields in searcher.all_stored_fields():
            if fields.get(DJANGO_CT) == "archive.turn":
                digests[int(fields[DJANGO_ID])] = fields.get("digest", "")
        return digests

    # --- writing --------------------------------------------------------------------------------

    def _open_writer(self, timeout: float, size: int = 0):
        """A writer, waiting up to `timeout` seconds for the lock (LockError after that)."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        if size >= MULTIPROCESS_THRESHOLD and (os.cpu_count() or 1) > 1:
            return self.index.writer(
                procs=min(2, os.cpu_count() or 1),
                multisegment=True,
                limitmb=128,
                timeout=timeout,
                delay=0.05,
            )
        return self.index.writer(limitmb=128, timeout=timeout, delay=0.05)

    def _apply(self, writer, turn_ids: Iterable[int]) -> int:
        """Make the index hold exactly what the database says about these turns: the current
        document of each published speech turn, nothing for the others."""
        from haystack import connections

        from archive.models import Turn

        index = connections[self.connection_alias].get_unified_index().get_index(Turn)
        turn_ids = sorted(set(turn_ids))
        written = 0
        # One searcher (the writer's own, closed with it) finds every old entry to delete.
        searcher = writer.searcher() if writer.segments else None
        for start in range(0, len(turn_ids), 500):
            chunk = turn_ids[start : start + 500]
            if searcher is not None:
                writer.delete_by_query(
                    wq.Or([wq.Term(ID, f"{TURN_PREFIX}{pk}") for pk in chunk]), searcher=searcher
                )
            for turn in index.index_queryset(using=self.connection_alias).filter(pk__in=chunk):
                document = index.full_prepare(turn)
                writer.add_document(**_whoosh_values(document))
                written += 1
        return written

    def sync_turns(self, turn_ids: Iterable[int], wait: float = 3.0) -> bool:
        """Bring these turns' index entries up to date. Returns False when another writer held
        the lock for longer than `wait`: the ids stay in the journal for the next writer (or
        for flush_pending), so nothing is lost."""
        self.pending.add(turn_ids)
        return self.flush_pending(wait)

    def flush_pending(self, wait: float = 3.0) -> bool:
        deadline = time.monotonic() + wait
        for _ in range(10):
            ids, _size = self.pending.read()
            if not ids:
                return True
            try:
                writer = self._open_writer(max(0.05, deadline - time.monotonic()), len(ids))
            except LockError:
                return False
            try:
                ids, size = self.pending.read()  # again, now that we hold the lock
                self._apply(writer, ids)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self.pending.discard(size)
        return not self.pending.read()[0]

    def update(self, index, iterable, commit=True):
        """Index these objects (haystack's update_index calls this with batches of turns).

        The turns are read again from the database while the writer lock is held, so that a
        curator's edit committed meanwhile can never be overwritten with older data."""
        turn_ids = [obj.pk for obj in iterable]
        if not turn_ids:
            return
        self.pending.add(turn_ids)
        if not self.flush_pending(wait=LOCK_WAIT_BATCH):
            raise LockError(f"The search index stayed locked for {LOCK_WAIT_BATCH:.0f}s.")

    def remove(self, obj_or_string, commit=True):
        identifier = get_identifier(obj_or_string)
        if identifier.startswith(TURN_PREFIX) and identifier[len(TURN_PREFIX) :].isdigit():
            # The journal re-reads the turn: if it is gone or unpublished, its entry goes.
            self.sync_turns([int(identifier[len(TURN_PREFIX) :])], wait=LOCK_WAIT_REMOVE)
            return
        writer = self._open_writer(LOCK_WAIT_REMOVE)
        try:
            writer.delete_by_term(ID, identifier)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        writer = self._open_writer(LOCK_WAIT_BATCH)  # wait for any running writer to finish
        writer.cancel()
        self.delete_index()

    def optimize(self):
        writer = self._open_writer(LOCK_WAIT_BATCH)
        writer.commit(optimize=True)


def _whoosh_values(document: dict) -> dict:
    values = {}
    for name, value in document.items():
        if isinstance(value, list | tuple):
            value = ",".join(str(item) for item in value)
        values[name] = value
    return values


class ParleyWhooshEngine(BaseEngine):
    backend = ParleyWhooshBackend
    query = WhooshSearchQuery


__all__ = ["ParleyWhooshBackend", "ParleyWhooshEngine", "PendingTurns", "DJANGO_CT"]
