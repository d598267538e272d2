"""Keeps the search index true: every change to what a search shows reaches the index after the
transaction commits, never half-way, and is never lost.

The signal processor notes which turns a change touches (a turn saved or deleted; a transcript's
turns when it is saved, unpublished or deleted; a speaker's turns when renamed or merged; a turn's
topic tags) and, once the outermost transaction commits, asks the index to re-read exactly those
turns from the database. A turn that is gone, unpublished or not speech leaves the index.

Code that changes rows without signals (QuerySet.update(), bulk_create(), raw SQL) calls
`reindex_turns(ids)` or `reindex_transcript(transcript)` afterwards; they also wait for the
commit. A bulk ingest wraps its work in `deferred_indexing()` so that the index is written once,
in large batches, at the end.

With the Whoosh backend, updates go through a journal of pending turn ids next to the index
(archive.search_backend.PendingTurns): when another process holds the index's writer lock (an
update_index, another ingest) for more than a few seconds, the request carries on and a
background thread in this process, or whichever writer gets the lock first, applies them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import signals
from haystack import connections
from haystack.signals import BaseSignalProcessor

log = logging.getLogger(__name__)

SYNC_WAIT = 3.0  # seconds a request waits for the index writer before handing over to a thread
BACKGROUND_WAIT = 600.0

_local = threading.local()


class _Pending:
    def __init__(self):
        self.turns: set[int] = set()
        self.transcripts: set[int] = set()
        self.speakers: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.turns or self.transcripts or self.speakers)

    def take(self) -> _Pending:
        taken = _Pending()
        taken.turns, self.turns = self.turns, set()
        taken.transcripts, self.transcripts = self.transcripts, set()
        taken.speakers, self.speakers = self.speakers, set()
        return taken

    def turn_ids(self) -> set[int]:
        from archive.models import Turn

        ids = set(self.turns)
        if self.transcripts:
            ids.update(
                Turn.objects.filter(transcript_id__in=self.transcripts).values_list("pk", flat=True)
            )
        if self.speakers:
            ids.update(
                Turn.objects.filter(speaker_id__in=self.speakers).values_list("pk", flat=True)
            )
        return ids


def _pending(using: str) -> _Pending:
    if not hasattr(_local, "pending"):
        _local.pending = {}
        _local.deferred = 0
    return _local.pending.setdefault(using, _Pending())


def _schedule(using: str = "default", *, turns=(), transcripts=(), speakers=()) -> None:
    """Remember what changed and index it when the current transaction commits (at once when
    there is none). Every call registers a callback; the first to run takes everything, so a
    rolled-back savepoint never strands a change.

    With the PostgreSQL engine the database keeps its own search vectors (a trigger, in the same
    transaction), so there is no haystack index to keep and nothing to schedule."""
    if settings.PARLEY_SEARCH_ENGINE == "postgres":
        return
    pending = _pending(using)
    pending.turns.update(int(pk) for pk in turns if pk is not None)
    pending.transcripts.update(int(pk) for pk in transcripts if pk is not None)
    pending.speakers.update(int(pk) for pk in speakers if pk is not None)
    transaction.on_commit(lambda: _flush(using), using=using)


def _flush(using: str) -> None:
    pending = _pending(using)
    if not pending or _local.deferred:
        return
    try:
        turn_ids = pending.take().turn_ids()
        sync_index(turn_ids)
    except Exception:
        # The data is committed; the index catches up through the journal or check_index.
        log.exception("Updating the search index failed")


def sync_index(turn_ids: Iterable[int], *, wait: float = SYNC_WAIT) -> None:
    """Make every haystack connection's index agree with the database for these turns, now."""
    turn_ids = set(turn_ids)
    if not turn_ids:
        return
    for alias in connections.connections_info:
        backend = connections[alias].get_backend()
        if hasattr(backend, "sync_turns"):
            if not backend.sync_turns(turn_ids, wait=wait):
                _flush_in_background(backend)
        else:
            _sync_generic(alias, backend, turn_ids)


def _sync_generic(alias: str, backend, turn_ids: set[int]) -> None:
    """Any other haystack backend: update what should be there, remove the rest."""
    from archive.models import Turn

    index = connections[alias].get_unified_index().get_index(Turn)
    turns = list(index.index_queryset(using=alias).filter(pk__in=turn_ids))
    if turns:
        backend.update(index, turns)
    for pk in turn_ids - {turn.pk for turn in turns}:
        backend.remove(f"archive.turn.{pk}")


_background_lock = threading.Lock()
_background_running: set[int] = set()


def _flush_in_background(backend) -> None:
    """Another process holds the index; apply the journal when it lets go, off the request."""
    with _background_lock:
        if id(backend) in _background_running:
            return
        _background_running.add(id(backend))

    def run():
        from django.db import connections as db_connections

        try:
            if not backend.flush_pending(wait=BACKGROUND_WAIT):
                log.warning("The search index stayed locked; pending updates wait in the journal")
        except Exception:
            log.exception("Applying pending search index updates failed")
        finally:
            with _background_lock:
                _background_running.discard(id(backend))
            db_connections.close_all()

    threading.Thread(target=run, name="parley-index-flush", daemon=True).start()


def reindex_turns(turn_ids: Iterable[int], using: str = "default") -> None:
    """Re-read these turns into the index after the current transaction commits (for code that
    changes turns without signals: QuerySet.update(), bulk_create())."""
    _schedule(using, turns=list(turn_ids))


def reindex_transcript(transcript, using: str = "default") -> None:
    """Re-read all of a transcript's turns into the index after the transaction commits."""
    from archive.models import Turn

    _schedule(
        using,
        turns=list(Turn.objects.filter(transcript_id=transcript.pk).values_list("pk", flat=True)),
        transcripts=[transcript.pk],
    )


def reindex_speakers(speaker_ids: Iterable[int], using: str = "default") -> None:
    """Re-read every turn of these speakers (after a merge done with QuerySet.update())."""
    _schedule(using, speakers=list(speaker_ids))


@contextmanager
def deferred_indexing():
    """Hold index updates until the block ends, then write them in one batch (bulk ingest).

    Changes committed inside the block are remembered; nothing is lost if the block raises."""
    _pending("default")
    _local.deferred += 1
    try:
        yield
    finally:
        _local.deferred -= 1
        if not _local.deferred:
            for using in list(_local.pending):
                if not transaction.get_connection(using).in_atomic_block:
                    _flush(using)
                else:
                    transaction.on_commit(lambda using=using: _flush(using), using=using)


class OnCommitSignalProcessor(BaseSignalProcessor):
    """Haystack's signal processor for Parley: see the module docstring."""

    def setup(self):
        from archive.models import Speaker, Transcript, Turn, TurnTopic

        signals.post_save.connect(self.turn_changed, sender=Turn)
        signals.post_delete.connect(self.turn_changed, sender=Turn)
        signals.post_save.connect(self.transcript_saved, sender=Transcript)
        signals.pre_delete.connect(self.transcript_deleted, sender=Transcript)
        signals.post_save.connect(self.speaker_saved, sender=Speaker)
        signals.post_save.connect(self.tag_changed, sender=TurnTopic)
        signals.post_delete.connect(self.tag_changed, sender=TurnTopic)
        signals.m2m_changed.connect(self.tags_changed, sender=Turn.topics.through)

    def teardown(self):
        from archive.models import Speaker, Transcript, Turn, TurnTopic

        signals.post_save.disconnect(self.turn_changed, sender=Turn)
        signals.post_delete.disconnect(self.turn_changed, sender=Turn)
        signals.post_save.disconnect(self.transcript_saved, sender=Transcript)
        signals.pre_delete.disconnect(self.transcript_deleted, sender=Transcript)
        signals.post_save.disconnect(self.speaker_saved, sender=Speaker)
        signals.post_save.disconnect(self.tag_changed, sender=TurnTopic)
        signals.post_delete.disconnect(self.tag_changed, sender=TurnTopic)
        signals.m2m_changed.disconnect(self.tags_changed, sender=Turn.topics.through)

    def turn_changed(self, sender, instance, using=None, **kwargs):
        _schedule(using or "default", turns=[instance.pk])

    def transcript_saved(self, sender, instance, created=False, using=None, **kwargs):
        if not created:  # a new transcript's turns are indexed as they are saved
            _schedule(using or "default", transcripts=[instance.pk])

    def transcript_deleted(self, sender, instance, using=None, **kwargs):
        ids = list(instance.turns.values_list("pk", flat=True))
        _schedule(using or "default", turns=ids)

    def speaker_saved(self, sender, instance, created=False, using=None, **kwargs):
        if not created:
            _schedule(using or "default", speakers=[instance.pk])

    def tag_changed(self, sender, instance, using=None, **kwargs):
        _schedule(using or "default", turns=[instance.turn_id])

    def tags_changed(self, sender, instance, action, reverse, pk_set, using=None, **kwargs):
        if not action.startswith("post_"):
            if action == "pre_clear" and reverse:
                ids = list(instance.turns.values_list("pk", flat=True))
                _schedule(using or "default", turns=ids)
            return
        if reverse:  # topic.turns.add(...): pk_set holds turn ids
            _schedule(using or "default", turns=pk_set or ())
        else:
            _schedule(using or "default", turns=[instance.pk])


class IndexReport:
    """What differs between the database and the search index, by turn id."""

    def __init__(self, expected: int, indexed: int, missing, stale, extra):
        self.expected, self.indexed = expected, indexed
        self.missing, self.stale, self.extra = set(missing), set(stale), set(extra)

    @property
    def differing(self) -> set[int]:
        return self.missing | self.stale | self.extra

    @property
    def ok(self) -> bool:
        return not self.differing


def compare_index(using: str = "default") -> IndexReport:
    """Compare every published speech turn's document (by its digest) with the index."""
    from archive.models import Turn

    backend = connections[using].get_backend()
    if not hasattr(backend, "stored_digests"):
        raise NotImplementedError("check_index needs archive.search_backend.ParleyWhooshEngine.")
    index = connections[using].get_unified_index().get_index(Turn)
    indexed = backend.stored_digests()
    expected: dict[int, str] = {}
    queryset = index.index_queryset(using=using).order_by("pk")
    last = 0
    while True:  # in batches by primary key, so memory stays flat on a big archive
        batch = list(queryset.filter(pk__gt=last)[:2000])
        if not batch:
            break
        for turn in batch:
            expected[turn.pk] = index.prepare(turn)["digest"]
        last = batch[-1].pk
    missing = expected.keys() - indexed.keys()
    extra = indexed.keys() - expected.keys()
    stale = {pk for pk in expected.keys() & indexed.keys() if expected[pk] != indexed[pk]}
    return IndexReport(len(expected), len(indexed), missing, stale, extra)
