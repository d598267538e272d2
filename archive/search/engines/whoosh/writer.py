"""Writing the Whoosh index fast: Whoosh's segment writer without its per-posting overheads.

Postings are pooled per term in memory (`TermPool`), field lengths kept in memory, and the
postings of a segment written a block at a time: the same index, byte for byte, as Whoosh's own
writer writes, several times faster (benchmarks/RESULTS.md). `ParleyMpWriter` runs one such
writer per process for large batches.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal

from archive.search.engines.whoosh.schema import FastText
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter


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
        language = fields.get("language") or "en"  # the text fields are analysed in it
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    if isinstance(field, FastText) and isinstance(value, str):
                        length, postings = field.postings(value, language)
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


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG), so that a
    killed writer leaves no sub-writer behind; elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _ParleySubWriterTask(SubWriterTask):
    """Whoosh's sub-writer process with a ParleySegmentWriter, each writing its own segment.

    It closes its inherited copy of the parent's writer-lock file (the parent holds the lock; a
    child holding the file too would keep the lock after the parent died) and dies with its
    parent."""

    def __init__(self, *args, schema=None, lock_fd=None, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.lock_fd = lock_fd
        self.parent_pid = parent

    def run(self):
        _die_with_parent()
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            os._exit(1)  # the parent died before we asked to die with it
        if self.lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.lock_fd)
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
            lock_fd=getattr(self.writelock, "fd", None),
            parent=os.getpid(),
        )
        self.tasks.append(task)
        task.start()
        return task
