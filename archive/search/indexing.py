"""Keeps an engine's index true: every change to what a search shows reaches the index after the
transaction commits, never half-way, and is never lost.

The signal processor notes which turns a change touches (a turn saved or deleted; a transcript's
turns when it is saved, unpublished or deleted; a speaker's turns when renamed or merged; a turn's
topic tags) and, once the outermost transaction commits, asks the engine to bring exactly those
turns up to date (`SearchEngine.update`): a turn that is gone, unpublished or not speech leaves
the index. An engine that keeps its own index in the database (`keeps_own_index`: PostgreSQL,
whose triggers write it in the same transaction) needs none of this.

Code that changes rows without signals (QuerySet.update(), bulk_create(), raw SQL) calls
`reindex_turns(ids)`, `reindex_transcript(transcript)` or `reindex_speakers(ids)` afterwards;
they also wait for the commit. A bulk ingest wraps its work in `bulk_indexing()`, so that the
index is written once, in large batches, at the end, and the engine does what a large load needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from archive.models import Speaker, Transcript, Turn, TurnTopic
from archive.search.engine import get_engine

log = logging.getLogger(__name__)

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
    rolled-back savepoint never strands a change."""
    if get_engine().keeps_own_index:
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
        if turn_ids:
            get_engine().update(turn_ids)
    except Exception:
        # The data is committed; the index catches up through the journal or check_index.
        log.exception("Updating the search index failed")


def reindex_turns(turn_ids: Iterable[int], using: str = "default") -> None:
    """Re-read these turns into the index after the current transaction commits (for code that
    changes turns without signals: QuerySet.update(), bulk_create())."""
    _schedule(using, turns=list(turn_ids))


def reindex_transcript(transcript, using: str = "default") -> None:
    """Re-read all of a transcript's turns into the index after the transaction commits."""
    _schedule(
        using,
        turns=list(Turn.objects.filter(transcript_id=transcript.pk).values_list("pk", flat=True)),
        transcripts=[transcript.pk],
    )


def reindex_speakers(speaker_ids: Iterable[int], using: str = "default") -> None:
    """Re-read every turn of these speakers (after a merge done with QuerySet.update())."""
    _schedule(using, speakers=list(speaker_ids))


@contextmanager
def bulk_indexing():
    """Hold index updates until the block ends, then write them in one batch, and let the engine
    do what a large load needs (`after_bulk_load`). Changes committed inside the block are
    remembered; nothing is lost if the block raises."""
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
    if not _local.deferred:
        get_engine().after_bulk_load()


class OnCommitSignalProcessor(BaseSignalProcessor):
    """Haystack's signal processor for Parley: see the module docstring."""

    def setup(self):
        signals.post_save.connect(self.turn_changed, sender=Turn)
        signals.post_delete.connect(self.turn_changed, sender=Turn)
        signals.post_save.connect(self.transcript_saved, sender=Transcript)
        signals.pre_delete.connect(self.transcript_deleted, sender=Transcript)
        signals.post_save.connect(self.speaker_saved, sender=Speaker)
        signals.post_save.connect(self.tag_changed, sender=TurnTopic)
        signals.post_delete.connect(self.tag_changed, sender=TurnTopic)
        signals.m2m_changed.connect(self.tags_changed, sender=Turn.topics.through)

    def teardown(self):
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
