"""Keeps an engine's index true: every change to what a search shows reaches the index after the
transaction commits, never half-way, and is never lost.

The signal processor notes which turns a change touches (a turn saved or deleted; a transcript's
turns when it is saved, unpublished or deleted; a speaker's turns when renamed or merged; a turn's
topic tags) as `IndexTask` rows, written in the change's own transaction: a rolled-back change
leaves none, a committed one always leaves its task. Once the outermost transaction commits, the
pending tasks are applied (`apply_pending`: the engine brings exactly those turns up to date; a
turn that is gone, unpublished or not speech leaves the index) and deleted. When the engine
cannot take them at once (another process holds the Whoosh writer lock), a thread applies them
once it can; if the process dies first, the next writer, a rerun of the ingest or
`check_index --repair` does. An engine that writes its index in the change's own transaction
(`keeps_own_index`: PostgreSQL) is given the changed turns at once instead.

Every change heard also bumps the archive's data version (archive.caching) in its transaction,
and once an index kept outside the database holds it, again: cached search pages are keyed by
it. Topics and speaker aliases, which no index holds but which the search page and its
`speaker:` / `topic:` filters read, bump it too.

Code that changes rows without signals (QuerySet.update(), bulk_create(), raw SQL) calls
`reindex_turns(ids)`, `reindex_transcript(transcript)` or `reindex_speakers(ids)` inside its
transaction. A bulk ingest wraps its work in `bulk_indexing()`, so that the index is written once,
in large batches, at the end, and the engine does what a large load needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Max, signals
from haystack.signals import BaseSignalProcessor

from archive.caching import bump_data_version
from archive.models import (
    IndexTask,
    Membership,
    Organization,
    Post,
    Speaker,
    SpeakerAlias,
    Topic,
    Transcript,
    Turn,
    TurnTopic,
)
from archive.search.engine import get_engine

log = logging.getLogger(__name__)

SYNC_WAIT = 3.0  # seconds a request waits for another index writer before handing over to a thread
BULK_WAIT = 120.0  # a bulk ingest, check_index --repair
BACKGROUND_WAIT = 600.0
TASKS_PER_ROUND = 2000

_local = threading.local()  # .deferred: how many bulk_indexing() blocks this thread is in


def _deferred() -> int:
    return getattr(_local, "deferred", 0)


def _schedule(using: str = "default", *, turns=(), transcripts=(), speakers=()) -> None:
    """Record what changed, in the current transaction, and apply it once that commits (at once
    when there is none). An engine that writes its index in the change's own transaction gets
    the changed turns now (a speaker's turns hold nothing of the speaker it indexes)."""
    engine = get_engine()
    if engine.keeps_own_index:
        ids = {int(pk) for pk in turns if pk is not None}
        if transcripts:
            ids.update(
                Turn.objects.using(using)
                .filter(transcript_id__in=[pk for pk in transcripts if pk is not None])
                .values_list("pk", flat=True)
            )
        if ids:
            engine.update(ids, wait=0)
        bump_data_version(using)  # last: the version row stays locked until the commit
        return
    tasks = [
        IndexTask(scope=scope, object_id=int(pk))
        for scope, ids in (
            (IndexTask.Scope.TURN, turns),
            (IndexTask.Scope.TRANSCRIPT, transcripts),
            (IndexTask.Scope.SPEAKER, speakers),
        )
        for pk in dict.fromkeys(ids)
        if pk is not None
    ]
    bump_data_version(using)
    if not tasks:
        return
    IndexTask.objects.using(using).bulk_create(tasks)
    if not _deferred():
        transaction.on_commit(lambda: _apply_after_commit(using), using=using)


def _turn_ids(tasks: list[tuple[int, str, int]], using: str) -> set[int]:
    """The turns a batch of tasks names (a transcript's and a speaker's turns as they are now)."""
    ids = {object_id for _, scope, object_id in tasks if scope == IndexTask.Scope.TURN}
    turns = Turn.objects.using(using)
    for scope, field in (
        (IndexTask.Scope.TRANSCRIPT, "transcript_id"),
        (IndexTask.Scope.SPEAKER, "speaker_id"),
    ):
        named = [object_id for _, kind, object_id in tasks if kind == scope]
        if named:
            ids.update(turns.filter(**{f"{field}__in": named}).values_list("pk", flat=True))
    return ids


def pending_tasks(using: str = "default") -> int:
    return IndexTask.objects.using(using).count()


def apply_pending(*, wait: float = SYNC_WAIT, using: str = "default") -> bool:
    """Apply every task pending now, oldest first, in rounds; each round's tasks are deleted once
    the index holds them. False when the engine could not take a round within `wait` seconds
    (another writer held its lock): what is left stays pending."""
    engine = get_engine()
    if engine.keeps_own_index:
        return True
    tasks = IndexTask.objects.using(using)
    last = tasks.aggregate(last=Max("pk"))["last"]
    while last is not None:
        batch = list(
            tasks.filter(pk__lte=last)
            .order_by("pk")
            .values_list("pk", "scope", "object_id")[:TASKS_PER_ROUND]
        )
        if not batch:
            break
        if not engine.update(_turn_ids(batch, using), wait=wait):
            return False
        tasks.filter(pk__in=[pk for pk, _, _ in batch]).delete()
        # A page cached between the change's commit and now came from the old index.
        bump_data_version(using)
    return True


def _apply_after_commit(using: str) -> None:
    if _deferred():
        return
    try:
        if not apply_pending(wait=SYNC_WAIT, using=using):
            _apply_in_background(using)
    except Exception:
        # The data and its tasks are committed; the next writer or check_index applies them.
        log.exception("Updating the search index failed")


_background_lock = threading.Lock()
_background_running = False


def _apply_in_background(using: str) -> None:
    """Another process holds the index: apply the pending tasks when it lets go, off the request."""
    global _background_running
    with _background_lock:
        if _background_running:
            return
        _background_running = True

    def run():
        global _background_running
        from django.db import connections

        try:
            if not apply_pending(wait=BACKGROUND_WAIT, using=using):
                log.warning(
                    "The search index stayed locked; its pending tasks wait for the next writer"
                )
        except Exception:
            log.exception("Applying pending search index tasks failed")
        finally:
            with _background_lock:
                _background_running = False
            connections.close_all()

    threading.Thread(target=run, name="parley-index-tasks", daemon=True).start()


def reindex_turns(turn_ids: Iterable[int], using: str = "default") -> None:
    """Bring these turns' index entries up to date after the current transaction commits (for
    code that changes turns without signals: QuerySet.update(), bulk_create())."""
    _schedule(using, turns=list(turn_ids))


def reindex_transcript(transcript, using: str = "default") -> None:
    """Bring all of a transcript's turns up to date after the transaction commits."""
    _schedule(using, transcripts=[transcript.pk])


def reindex_speakers(speaker_ids: Iterable[int], using: str = "default") -> None:
    """Bring every turn of these speakers up to date (after a merge done with QuerySet.update())."""
    _schedule(using, speakers=list(speaker_ids))


@contextmanager
def bulk_indexing(using: str = "default"):
    """Apply the index tasks of a block's changes when it ends, in large batches, and let the
    engine do what a large load needs (`after_bulk_load`). The tasks are committed with each
    change, so nothing is lost if the block raises or the process dies: the next writer, or a
    rerun, applies them."""
    _local.deferred = _deferred() + 1
    try:
        yield
    finally:
        _local.deferred -= 1
        if not _deferred():
            if transaction.get_connection(using).in_atomic_block:
                transaction.on_commit(lambda: _finish_bulk(using), using=using)
            else:
                _finish_bulk(using)


def _finish_bulk(using: str) -> None:
    try:
        if not apply_pending(wait=BULK_WAIT, using=using):
            log.warning(
                "The search index stayed locked; %s index tasks wait for the next writer "
                "(or check_index --repair).",
                pending_tasks(using),
            )
        get_engine().after_bulk_load()
    except Exception:
        log.exception("Applying the index tasks of a bulk load failed; they stay pending")


class OnCommitSignalProcessor(BaseSignalProcessor):
    """Haystack's signal processor for Parley: see the module docstring."""

    def _connections(self):
        """(signal, handler, sender) for every change that touches what a search shows."""
        return [
            (signals.post_save, self.turn_changed, Turn),
            (signals.post_delete, self.turn_changed, Turn),
            (signals.post_save, self.transcript_saved, Transcript),
            (signals.pre_delete, self.transcript_deleted, Transcript),
            (signals.post_save, self.speaker_saved, Speaker),
            (signals.post_save, self.tag_changed, TurnTopic),
            (signals.post_delete, self.tag_changed, TurnTopic),
            (signals.m2m_changed, self.tags_changed, Turn.topics.through),
            (signals.post_save, self.search_page_changed, Topic),
            (signals.post_delete, self.search_page_changed, Topic),
            (signals.post_save, self.alias_changed, SpeakerAlias),
            (signals.post_delete, self.alias_changed, SpeakerAlias),
            *[
                (signal, self.search_page_changed, people_data)
                for people_data in (Membership, Post, Organization)
                for signal in (signals.post_save, signals.post_delete)
            ],
        ]

    def setup(self):
        for signal, handler, sender in self._connections():
            signal.connect(handler, sender=sender)

    def teardown(self):
        for signal, handler, sender in self._connections():
            signal.disconnect(handler, sender=sender)

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

    def search_page_changed(self, sender, instance, using=None, **kwargs):
        """Topics (the search form lists them and topic: finds them), and people's offices
        (speaker: finds who held one; a person's page lists them): nothing to index."""
        bump_data_version(using or "default")

    def alias_changed(self, sender, instance, using=None, **kwargs):
        """speaker: finds public speakers by their aliases. A new speaker's aliases (an ingest
        makes them first thing in its transaction) change no search: its turns bump the version
        when they are indexed, and the version row is not locked for the whole load."""
        using = using or "default"
        if Speaker.objects.using(using).public().filter(pk=instance.speaker_id).exists():
            bump_data_version(using)

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
