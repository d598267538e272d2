"""Haystack's Whoosh backend, tuned for Parley's search and for staying true under load.

What differs from haystack 3.4's stock WhooshSearchBackend, and why (see benchmarks/RESULTS.md):

* Storage without mmap, and one searcher per thread kept between requests and refreshed only
  when the index changed: stock haystack reopens the index for every search, and Whoosh then
  copies every memory-mapped segment into memory.
* Parley's schema (archive.search.engines.whoosh.schema) and a fast writer (.writer).
* `parley_search(EngineQuery)`: the whole query (words, phrases, filters, sort, facets) in one
  pass over the cached searcher: the set of matching documents by set algebra over posting
  lists, facets from per-searcher arrays; results built from stored fields.
* Writes in batches with one searcher for the deletions (stock `update_document` opens a
  searcher per document), and with Whoosh's multi-process writer for large batches.
* Writers wait for the lock for a bounded time, say what they wait for, and break a lock whose
  writer has died (.lock); they read the turns from the database while holding the lock, so an
  older copy never overwrites a newer one. A write that cannot wait stays pending in the
  database's index tasks (archive.search.indexing). Stock haystack's AsyncWriter waits forever
  behind another writer, and its remove() raises LockError, which SILENTLY_FAIL swallows,
  leaving a stale document behind.
"""

from __future__ import annotations

import heapq
import logging
import os
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier

from archive.search import spelling
from archive.search.analysis import analyse, query_alternatives
from archive.search.documents import hit_from_document, month_of_order, order_key
from archive.search.engine import FACET_NAMES, EngineQuery, EngineResult
from archive.search.engines.whoosh import lock
from archive.search.engines.whoosh.schema import parley_fields
from archive.search.engines.whoosh.writer import ParleyMpWriter, ParleySegmentWriter
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import STORED
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.matching.wrappers import MultiMatcher
from whoosh.reading import TermNotFound

log = logging.getLogger(__name__)

TURN_PREFIX = "archive.turn."
MULTIPROCESS_THRESHOLD = 2000  # documents in one batch before the writer uses both cores
LOCK_WAIT_BATCH = 120.0  # update_index and rebuild_index wait this long for the writer lock
LOCK_WAIT_REMOVE = 30.0
WRITER_LIMIT_MB = 512  # postings held in memory by each writer process before a sorted run


def leaf_ids(matcher) -> list[int]:
    """Every docnum of a posting list, a block at a time (Whoosh's all_ids() yields them one by
    one through several Python calls each: a common word costs tens of milliseconds that way)."""
    if isinstance(matcher, MultiMatcher):
        ids: list[int] = []
        for child, offset in zip(matcher.matchers, matcher.offsets, strict=False):
            ids.extend(docnum + offset for docnum in leaf_ids(child))
        return ids
    if not isinstance(matcher, W3LeafMatcher):
        return list(matcher.all_ids())
    ids = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return ids


class _SearcherCache:
    """Per-searcher arrays for facets and sorting, built once each time the index changes:
    docnum -> speaker slug / year / kind / sort order, topic slug -> docnums, unpublished docs."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.speaker = self._values(reader, "speaker_slug", size)
        self.year = self._values(reader, "year", size)
        self.kind = self._values(reader, "kind", size)
        self.language = self._values(reader, "language", size)
        self.topics = {
            term.decode(): set(reader.postings("topics", term).all_ids())
            for term in reader.lexicon("topics")
        }
        order = reader.column_reader("order") if reader.has_column("order") else None
        self.order = list(order) if order is not None else [0] * size
        self.unpublished = set(searcher.docs_for_query(wq.Term("published", False)))
        self.size = size
        self.deleted = (
            set(range(size)) - set(reader.all_doc_ids()) if reader.has_deletions() else set()
        )
        self._reader = reader
        self._term_docs: dict = {}

    def live_docs(self) -> set[int]:
        return set(range(self.size)) - self.deleted

    def term_docs(self, fieldname: str, text: str) -> set[int]:
        """The docnums of a term (a small cache: the same words recur within a session)."""
        key = (fieldname, text)
        docs = self._term_docs.get(key)
        if docs is None:
            try:
                docs = set(leaf_ids(self._reader.postings(fieldname, text)))
            except TermNotFound:
                docs = set()
            if len(self._term_docs) > 2000:
                self._term_docs.clear()
            self._term_docs[key] = docs
        return docs

    def docs_for_values(self, fieldname: str, values) -> set[int]:
        return set().union(*(self.term_docs(fieldname, value) for value in values))

    @staticmethod
    def _values(reader, fieldname: str, size: int) -> list:
        values: list = [None] * size
        for term in reader.lexicon(fieldname):
            value = term.decode()
            for docnum in reader.postings(fieldname, term).all_ids():
                values[docnum] = value
        return values


class ParleyWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.batch_size = int(connection_options.get("BATCH_SIZE", 5000))
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
        """One search: the set of matching documents first, by set algebra over posting lists
        (unscored); facets counted over it from per-searcher arrays; then the top hits, scored
        by Whoosh (BM25F) only when sorting by relevance. Whoosh's own collectors score every
        match and its grouping reads a column per document and facet: several times slower."""
        notes: list[str] = []
        searcher = self.searcher()
        cache = self._cache(searcher)
        positive, negative, scoring = [], [], []
        for clause in query.clauses:
            parts = [self._term_docs(cache, term, notes, query.languages) for term in clause.terms]
            parts = [part for part in parts if part is not None]
            if not parts:
                continue
            docs = set().union(*(docs for docs, _ in parts))
            (negative if clause.exclude else positive).append(docs)
            if not clause.exclude:
                queries = [q for _, q in parts]
                scoring.append(queries[0] if len(queries) == 1 else wq.Or(queries))
        if not positive and not query.has_filters:
            return EngineResult(notes=notes)
        matched = set.intersection(*sorted(positive, key=len)) if positive else cache.live_docs()
        for docs in negative:
            matched -= docs
        if query.speaker_slugs is not None:
            matched &= cache.docs_for_values("speaker_slug", query.speaker_slugs)
        for slug in query.topic_slugs:
            matched &= cache.topics.get(slug, set())
        if query.kinds:
            matched &= cache.docs_for_values("kind", query.kinds)
        if query.in_languages:
            matched &= cache.docs_for_values("language", query.in_languages)
        if query.after or query.before:
            low = order_key(query.after) if query.after else order_key(date(1900, 1, 1))
            high = order_key(query.before, 9999) if query.before else 1 << 62

            order = cache.order
            matched = {docnum for docnum in matched if low <= order[docnum] <= high}
        matched -= cache.unpublished  # a guard: unpublished turns are never indexed anyway
        matched -= cache.deleted

        wanted = query.offset + query.limit
        if scoring and query.sort == "relevance" and matched:
            main = scoring[0] if len(scoring) == 1 else wq.And(scoring)
            results = searcher.search(main, limit=max(1, wanted), filter=matched, terms=False)
            top = [(hit.docnum, hit.score or 0.0) for hit in results[query.offset : wanted]]
        else:
            pick = heapq.nsmallest if query.sort == "oldest" else heapq.nlargest
            docnums = pick(wanted, matched, key=cache.order.__getitem__)
            top = [(docnum, 0.0) for docnum in docnums[query.offset : wanted]]
        hits = []
        for docnum, score in top:
            stored = searcher.stored_fields(docnum)
            hits.append(
                hit_from_document(int(stored[DJANGO_ID]), stored, query.clauses, score=score)
            )
        facets: dict[str, list[tuple[str, int]]] = {}
        if query.facets:
            facets = {name: [] for name in FACET_NAMES}
            if matched:
                for name, values in (
                    ("speaker", cache.speaker),
                    ("year", cache.year),
                    ("kind", cache.kind),
                    ("language", cache.language),
                ):
                    counts = Counter(map(values.__getitem__, matched))
                    counts.pop(None, None)
                    counts.pop("", None)
                    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                    facets[name] = ordered if name == "year" else ordered[: query.facet_limit]
                topic_counts = ((slug, len(matched & docs)) for slug, docs in cache.topics.items())
                facets["topic"] = sorted(
                    ((slug, n) for slug, n in topic_counts if n),
                    key=lambda item: (-item[1], item[0]),
                )[: query.facet_limit]
        timeline = self._timeline(cache, matched) if query.timeline else []
        return EngineResult(
            total=len(matched), hits=hits, facets=facets, notes=notes, timeline=timeline
        )

    @staticmethod
    def _timeline(cache: _SearcherCache, matched: set[int]) -> list[tuple[str, str, int]]:
        """Matching turns by month (from the sort order's day) and speaker."""
        by_day = Counter(
            (cache.order[docnum] // 10000, cache.speaker[docnum]) for docnum in matched
        )
        months: Counter = Counter()
        for (days, speaker), count in by_day.items():
            month = month_of_order(days * 10000)
            if month:
                months[(month, speaker or "")] += count
        return [(month, speaker, count) for (month, speaker), count in sorted(months.items())]

    def _cache(self, searcher) -> _SearcherCache:
        cache = getattr(self._local, "cache", None)
        if cache is None or cache.searcher is not searcher:
            cache = self._local.cache = _SearcherCache(searcher)
        return cache

    def _term_docs(self, cache: _SearcherCache, term, notes: list[str], languages=()):
        """(docnums, Whoosh query for scoring) for a word or a phrase, or None when it has
        nothing to search for. A phrase of up to three words is one term of `exact`; a longer
        one needs every overlapping three-word run, in any place (in practice, the phrase). A
        word is any of its alternatives (its stems in each language), each all of its stems."""
        if term.phrase:
            words = analyse(term.text, exact=True)
            if not words:
                notes.append(f"“{term.text[:40]}” has no words to search for; it was left out.")
                return None
            if len(words) <= 3:
                alternatives = [(" ".join(words),)]
            else:
                alternatives = [tuple(" ".join(words[i : i + 3]) for i in range(len(words) - 2))]
            field = "exact"
        else:
            alternatives = query_alternatives(term.text, languages)
            field = "text"
            if not alternatives:
                if analyse(term.text, exact=True):
                    notes.append(
                        f"“{term.text[:40]}” is too common a word to search for on its own; "
                        f'it was left out (put it in a quoted phrase to match it: "of the people").'
                    )
                return None
        docs: set[int] = set()
        scoring = []
        for keys in alternatives:
            docs |= set.intersection(*(cache.term_docs(field, key) for key in keys))
            terms = [wq.Term(field, key) for key in keys]
            scoring.append(terms[0] if len(terms) == 1 else wq.And(terms))
        return docs, scoring[0] if len(scoring) == 1 else wq.Or(scoring)

    def parley_suggest_spelling(self, words: Sequence[str]) -> dict[str, list[str]]:
        """For each unknown word, the closest single words of `exact` (archive.search.spelling),
        among the words that begin with the same letter."""
        searcher = self.searcher()
        reader = searcher.reader()
        budget = spelling.Budget()
        suggestions = {}
        for typed, word in spelling.words_to_check(words, budget):
            if searcher.doc_frequency("exact", word):
                continue
            candidates = (
                (candidate, reader.doc_frequency("exact", candidate))
                for candidate in _words_from(reader, word[0], budget)
                if abs(len(candidate) - len(word)) <= spelling.MAX_DISTANCE
            )
            found = spelling.ranked(word, candidates)
            if found:
                suggestions[typed] = found
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
        """A writer, waiting up to `timeout` seconds for the lock, breaking it once if the
        writer that took it has died; LockError naming the holder after that."""
        if not self.setup_complete:
            self.setup()
        for attempt in range(2):
            self.index = self.index.refresh()
            try:
                writer = self._new_writer(timeout if attempt == 0 else 1.0, size)
            except LockError:
                if attempt == 0 and lock.break_if_stale(self.path):
                    log.warning("Broke the search index lock of a writer that had died")
                    continue
                raise LockError(
                    f"Waited {timeout:.0f} s for {lock.describe_holder(self.path)}."
                ) from None
            lock.record_holder(self.path)
            return writer
        raise AssertionError("unreachable")

    def _new_writer(self, timeout: float, size: int):
        if size >= MULTIPROCESS_THRESHOLD and (os.cpu_count() or 1) > 1:
            return ParleyMpWriter(
                self.index,
                procs=min(2, os.cpu_count() or 1),
                limitmb=WRITER_LIMIT_MB,
                timeout=timeout,
                delay=0.05,
            )
        return ParleySegmentWriter(
            self.index,
            limitmb=WRITER_LIMIT_MB,
            timeout=timeout,
            delay=0.05,
        )

    @contextmanager
    def _writing(self, timeout: float, size: int = 0):
        """A writer for the block: committed when it ends, cancelled if it raises."""
        writer = self._open_writer(timeout, size)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit()
        finally:
            lock.clear_holder(self.path)

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

    def apply_turns(self, turn_ids: Iterable[int], wait: float) -> bool:
        """Make the index agree with the database for these turns. False (and nothing written)
        when another writer held the lock for longer than `wait` seconds."""
        turn_ids = set(turn_ids)
        if not turn_ids:
            return True
        try:
            with self._writing(wait, len(turn_ids)) as writer:
                self._apply(writer, turn_ids)
        except LockError as error:
            log.info("Search index update postponed: %s", error)
            return False
        return True

    def update(self, index, iterable, commit=True):
        """Index these objects (haystack's update_index calls this with batches of turns).

        The turns are read again from the database while the writer lock is held, so that a
        curator's edit committed meanwhile can never be overwritten with older data."""
        turn_ids = {obj.pk for obj in iterable}
        if turn_ids:
            with self._writing(LOCK_WAIT_BATCH, len(turn_ids)) as writer:
                self._apply(writer, turn_ids)

    def remove(self, obj_or_string, commit=True):
        identifier = get_identifier(obj_or_string)
        with self._writing(LOCK_WAIT_REMOVE) as writer:
            if identifier.startswith(TURN_PREFIX) and identifier[len(TURN_PREFIX) :].isdigit():
                # Re-read the turn: if it is gone or not searchable, its entry goes.
                self._apply(writer, [int(identifier[len(TURN_PREFIX) :])])
            else:
                writer.delete_by_term(ID, identifier)

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        writer = self._open_writer(LOCK_WAIT_BATCH)  # wait for any running writer to finish
        writer.cancel()
        lock.clear_holder(self.path)
        self.delete_index()

    def optimize(self):
        writer = self._open_writer(LOCK_WAIT_BATCH)
        try:
            writer.commit(optimize=True)
        finally:
            lock.clear_holder(self.path)


def _words_from(reader, prefix: str, budget) -> Iterator[str]:
    """The single words of the `exact` field that begin with `prefix`, in order, while the
    budget lasts. Each word is followed in the lexicon by its two- and three-word runs ("minsk",
    "minsk agreements" ...); one seek past them ("minsk!": "!" sorts just after the space) skips
    them all, so the cost grows with the words, not with the runs."""
    start = prefix
    while not budget.spent:
        fieldname, text = next(reader.terms_from("exact", start), (None, b""))
        term = text.decode("utf-8", "replace")
        if fieldname != "exact" or not term.startswith(prefix):
            return
        word = term.split(" ", 1)[0]
        if word == term:
            yield word
        start = f"{word}!"


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


__all__ = ["ParleyWhooshBackend", "ParleyWhooshEngine", "DJANGO_CT"]
