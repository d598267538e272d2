"""Haystack's Whoosh backend, tuned for Parley's search and for staying true under load.

What differs from haystack 3.4's stock WhooshSearchBackend, and why (see benchmarks/RESULTS.md):

* Storage without mmap, and one searcher per thread kept between requests and refreshed only
  when the index changed: stock haystack reopens the index for every search, and Whoosh then
  copies every memory-mapped segment into memory.
* A schema for Parley's fields (`build_schema`): stemmed words; unstemmed words with every
  run of two and three words (a quoted phrase is one term lookup); whole-value ID fields with
  columns for facets and sorting, STORED (not analysed) display fields.
* Bulk writing without Whoosh's per-posting overheads (`ParleySegmentWriter`: postings pooled
  per term in memory, field lengths from memory, a block of postings at a time): the same
  index, byte for byte, written several times faster (see benchmarks/RESULTS.md).
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
import heapq
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import date

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh.analysis import Filter
from whoosh.codec.whoosh3 import W3FieldWriter, W3LeafMatcher
from whoosh.fields import BOOLEAN, KEYWORD, NUMERIC, STORED, TEXT
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency
from whoosh.index import EmptyIndexError, LockError
from whoosh.matching.wrappers import MultiMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import TermNotFound
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from archive.search import (
    EXACT_ANALYZER,
    WORD_ANALYZER,
    EngineQuery,
    EngineResult,
    analyse,
    build_snippet,
    exact_words,
    hit_from_stored,
    order_key,
    stemmed_words,
)

log = logging.getLogger(__name__)

TURN_PREFIX = "archive.turn."
MULTIPROCESS_THRESHOLD = 2000  # documents in one batch before the writer uses both cores
LOCK_WAIT_BATCH = 120.0  # update_index and rebuild_index wait this long for the writer lock
LOCK_WAIT_REMOVE = 30.0
WRITER_LIMIT_MB = 512  # postings held in memory by each writer process before a sorted run


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


_FREQUENCY_VALUES: dict[int, tuple[float, bytes]] = {}


def _frequency_value(freq: int) -> tuple[float, bytes]:
    """(weight, encoded value) of a term seen `freq` times, as Whoosh's Frequency format writes
    them; shared tuples, so that a posting held in memory costs two references."""
    value = _FREQUENCY_VALUES.get(freq)
    if value is None:
        value = _FREQUENCY_VALUES[freq] = (float(freq), pack_uint(freq))
    return value


class _FastText(TEXT):
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


class WordText(_FastText):
    """Stemmed words (WORD_ANALYZER)."""

    def terms(self, value: str) -> list[str]:
        return stemmed_words(exact_words(value))


class ExactText(_FastText):
    """Unstemmed words and every run of two and three words (EXACT_ANALYZER | ShingleFilter)."""

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


# --- Bulk writing ----------------------------------------------------------------------------------


class TermPool(PostingPool):
    """Whoosh's posting pool, kept as {(field, term): [docnum, (weight, value), ...]}.

    Whoosh's PostingPool holds one tuple per posting, pickles a sorted run to disk each time it
    holds `limitmb` of them and merges the runs at the end: with ~330 postings per turn, that
    sorting and pickling was about a third of the indexing time. Documents arrive in docnum
    order, so each term's list is already sorted: the postings come out by sorting the terms
    alone. Past `limitmb` (estimated) the pool still writes a sorted run, as Whoosh's does."""

    POSTING_BYTES = 24  # two list slots (the docnum object is shared by the document's postings)
    TERM_BYTES = 240  # the dict entry, its key, the term bytes and the list

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[tuple[str, bytes], list] = {}
        self.out_of_order = False

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        self.fieldnames.add(fieldname)
        entry = self.terms.get((fieldname, tbytes))
        if entry is None:
            entry = self.terms[(fieldname, tbytes)] = []
            self.currentsize += self.TERM_BYTES
        elif entry[-2] >= docnum:
            self.out_of_order = True  # e.g. Whoosh's spelling postings (docnum 0): sort later
        entry.append(docnum)
        entry.append((weight, vbytes))
        self.currentsize += self.POSTING_BYTES
        if self.currentsize > self.limit:
            self.save()

    def add_document_postings(self, fieldname: str, docnum: int, postings) -> None:
        """All of one field's postings of one (new, highest-numbered) document."""
        terms = self.terms
        new = 0
        for tbytes, value in postings:
            entry = terms.get((fieldname, tbytes))
            if entry is None:
                terms[(fieldname, tbytes)] = [docnum, value]
                new += 1
            else:
                entry.append(docnum)
                entry.append(value)
        self.fieldnames.add(fieldname)
        self.currentsize += new * self.TERM_BYTES + len(postings) * self.POSTING_BYTES
        if self.currentsize > self.limit:
            self.save()

    def _sorted_postings(self):
        terms, self.terms = self.terms, {}
        out_of_order, self.out_of_order = self.out_of_order, False
        for key in sorted(terms):
            fieldname, tbytes = key
            entry = terms.pop(key)
            pairs = zip(entry[::2], entry[1::2], strict=True)
            if out_of_order:
                pairs = sorted(pairs, key=lambda pair: pair[0])
            for docnum, (weight, vbytes) in pairs:
                yield fieldname, tbytes, docnum, weight, vbytes

    def save(self):
        if self.terms:
            self.current = list(self._sorted_postings())
        super().save()  # writes `current` as a sorted run

    def iter_postings(self):
        if not self.runs and not self.current:
            return self._sorted_postings()
        return self.items()  # saves what is in memory as a last run, merges the runs

    def cleanup(self):
        self.terms = {}
        super().cleanup()


class _FieldLengths:
    """Document field lengths for the segment being written, from memory (as the segment will
    store them: one byte each), so that writing the postings does not read the lengths column
    back once per posting. Documents merged in from other segments fall back to that column."""

    def __init__(self, lengths: dict[str, dict[int, int]], fallback):
        self.lengths = lengths
        self.fallback = fallback

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        length = self.lengths.get(fieldname, {}).get(docnum)
        if length is None:
            return self.fallback.doc_field_length(docnum, fieldname, default)
        return length


class ParleySegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with a TermPool, the fast text fields' postings added a field at
    a time, and field lengths kept in memory. What it writes is byte for byte what Whoosh's
    writer writes for the same documents."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._parley_setup(kwargs.get("limitmb", 128))

    def _parley_setup(self, limitmb: int) -> None:
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._lengths: dict[str, dict[int, int]] = {}
        self._quantised: dict[int, int] = {}
        self._only_fast = True  # every document went through add_document's own path

    def add_reader(self, reader):
        self._only_fast = False  # a merged segment: its lengths are in the column only
        super().add_reader(reader)

    def add_document(self, **fields):
        schema = self.schema
        if any(name.startswith("_") for name in fields) or any(
            schema[name].vector or schema[name].separate_spelling()
            for name in fields
            if name in schema
        ):
            self._only_fast = False
            return super().add_document(**fields)  # boosts, stored variants, vectors, spelling
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    if isinstance(field, _FastText) and isinstance(value, str):
                        length, postings = field.postings(value)
                        pool.add_document_postings(fieldname, docnum, postings)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            length += freq
                            pool.add((fieldname, tbytes, docnum, weight, vbytes))
                    if not field.scorable:
                        length = 0
                    if length:
                        quantised = self._quantised.get(length)
                        if quantised is None:
                            quantised = byte_to_length(length_to_byte(length))
                            self._quantised[length] = quantised
                        self._lengths.setdefault(fieldname, {})[docnum] = quantised
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pool = self.pool
        if (
            self._only_fast
            and not pool.runs
            and not pool.out_of_order
            and type(self.fieldwriter) is W3FieldWriter
        ):
            self._write_postings_by_block()
            self.fieldwriter.close()
            return
        fallback = self.per_document_reader()
        try:
            lengths = _FieldLengths(self._lengths, fallback)
            self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            self.fieldwriter.close()
        finally:
            fallback.close()

    def _write_postings_by_block(self) -> None:
        """What Whoosh's FieldWriter.add_postings does with one call chain per posting, a
        block (up to `blocklimit` postings) at a time: filling the W3 postings writer's block
        buffers and statistics exactly as its add_posting() would, then letting it write."""
        fieldwriter = self.fieldwriter
        terms = self.pool.terms
        self.pool.terms = {}
        by_field: dict[str, list[bytes]] = {}
        for fieldname, tbytes in terms:
            by_field.setdefault(fieldname, []).append(tbytes)
        for fieldname in sorted(by_field):
            fieldobj = self.schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            writer = fieldwriter._postwriter
            limit = writer._blocklimit
            lengths = self._lengths.get(fieldname) if fieldobj.scorable else None
            for tbytes in sorted(by_field[fieldname]):
                entry = terms.pop((fieldname, tbytes))
                fieldwriter.start_term(tbytes)
                docnums = entry[::2]
                values = entry[1::2]
                for start in range(0, len(docnums), limit):
                    if len(writer._ids) >= limit:
                        writer._write_block()
                    block_docnums = docnums[start : start + limit]
                    block_values = values[start : start + limit]
                    weights = [weight for weight, _ in block_values]
                    writer._ids.extend(block_docnums)
                    writer._weights.extend(weights)
                    heaviest = max(weights)
                    if heaviest > writer._maxweight:
                        writer._maxweight = heaviest
                    writer._values.extend(vbytes for _, vbytes in block_values if vbytes)
                    if lengths:
                        known = [n for n in map(lengths.get, block_docnums) if n]
                        if known:
                            shortest, longest = min(known), max(known)
                            if writer._minlength is None or shortest < writer._minlength:
                                writer._minlength = shortest
                            if longest > writer._maxlength:
                                writer._maxlength = longest
                fieldwriter.finish_term()
            fieldwriter.finish_field()


class _ParleySubWriterTask(SubWriterTask):
    """Whoosh's sub-writer process with a ParleySegmentWriter, each writing its own segment."""

    def __init__(self, *args, schema=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema

    def run(self):
        ix = self.storage.open_index(self.indexname, schema=self.schema)
        writer = self.writer = ParleySegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
        else:
            segment = writer._finalize_segment()
            self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class ParleyMpWriter(MpWriter, ParleySegmentWriter):
    """Whoosh's multi-process writer (one segment per process) over ParleySegmentWriters."""

    def __init__(self, ix, procs: int, batchsize: int = 200, limitmb: int = 128, **kwargs):
        MpWriter.__init__(
            self, ix, procs=procs, batchsize=batchsize, multisegment=True, limitmb=limitmb, **kwargs
        )
        self._parley_setup(limitmb)

    def _new_task(self):
        task = _ParleySubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            True,
            schema=self.schema,
        )
        self.tasks.append(task)
        task.start()
        return task


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
        """One search: the set of matching documents first, by set algebra over posting lists
        (unscored); facets counted over it from per-searcher arrays; then the top hits, scored
        by Whoosh (BM25F) only when sorting by relevance. Whoosh's own collectors score every
        match and its grouping reads a column per document and facet: several times slower."""
        notes: list[str] = []
        searcher = self.searcher()
        cache = self._cache(searcher)
        positive, negative, scoring = [], [], []
        for clause in query.clauses:
            parts = [self._term_docs(cache, term, notes) for term in clause.terms]
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
                hit_from_stored(
                    int(stored[DJANGO_ID]),
                    stored,
                    build_snippet(stored.get("text", ""), query.clauses),
                    score=score,
                )
            )
        facets: dict[str, list[tuple[str, int]]] = {}
        if query.facets:
            facets = {name: [] for name in ("speaker", "topic", "year", "kind")}
            if matched:
                for name, values in (
                    ("speaker", cache.speaker),
                    ("year", cache.year),
                    ("kind", cache.kind),
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
        return EngineResult(total=len(matched), hits=hits, facets=facets, notes=notes)

    def _cache(self, searcher) -> _SearcherCache:
        cache = getattr(self._local, "cache", None)
        if cache is None or cache.searcher is not searcher:
            cache = self._local.cache = _SearcherCache(searcher)
        return cache

    def _term_docs(self, cache: _SearcherCache, term, notes: list[str]):
        """(docnums, Whoosh query for scoring) for a word or a phrase, or None when it has
        nothing to search for. A phrase of up to three words is one term of `exact`; a longer
        one needs every overlapping three-word run, in any place (in practice, the phrase)."""
        if term.phrase:
            words = analyse(term.text, exact=True)
            if not words:
                notes.append(f"“{term.text[:40]}” has no words to search for; it was left out.")
                return None
            field = "exact"
            if len(words) <= 3:
                keys = [" ".join(words)]
            else:
                keys = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
        else:
            keys = analyse(term.text)
            field = "text"
            if not keys:
                if analyse(term.text, exact=True):
                    notes.append(
                        f"“{term.text[:40]}” is too common a word to search for on its own; "
                        f'it was left out (put it in a quoted phrase to match it: "of the people").'
                    )
                return None
        docs = set.intersection(*(cache.term_docs(field, key) for key in keys))
        terms = [wq.Term(field, key) for key in keys]
        return docs, terms[0] if len(terms) == 1 else wq.And(terms)

    def parley_suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        searcher = self.searcher()
        corrector = searcher.corrector("exact")
        suggestions = {}
        for word in words:
            tokens = analyse(word, exact=True)
            if len(tokens) != 1 or searcher.doc_frequency("exact", tokens[0]):
                continue
            found = [w for w in corrector.suggest(tokens[0], limit=8, maxdist=2) if " " not in w]
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
