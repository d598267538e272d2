"""The search index stays true: every change reaches it after commit, nothing is lost under
contention, and check_index finds and repairs any difference."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from haystack import connections
from whoosh.index import LockError

from archive.models import Speaker, Topic, Transcript, Turn, TurnTopic
from archive.people.curation import merge_speakers
from archive.search import SearchRequest, indexing, run_search
from archive.search.engine import get_engine
from archive.search.indexing import reindex_transcript, reindex_turns
from tests.support import load_seed, make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def whoosh_engine(settings):
    settings.PARLEY_SEARCH_ENGINE = "whoosh"


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    return load_seed(django_capture_on_commit_callbacks)


def total(q: str) -> int:
    return run_search(SearchRequest(q=q)).total


def hits(q: str):
    return run_search(SearchRequest(q=q)).hits


def assert_index_true():
    report = get_engine().check()
    assert report.ok, (report.missing, report.stale, report.extra)


def test_a_new_transcript_is_searchable_only_after_commit(indexed):
    with indexed():
        make_transcript("Briefing", turns=[("MR PRICE", "Quadrilateral dialogue today.")])
        assert total("quadrilateral") == 0  # not committed yet
    assert total("quadrilateral") == 1


def test_a_rolled_back_change_never_reaches_the_index(indexed):
    with indexed():
        transcript = make_transcript("Briefing", turns=[("MR PRICE", "Quadrilateral talks.")])
    turn = transcript.turns.get()
    with indexed():
        try:
            with transaction.atomic():
                turn.text = "Entirely different words."
                turn.save()
                raise RuntimeError("curator cancelled")
        except RuntimeError:
            pass
    assert total("quadrilateral") == 1 and total("entirely") == 0
    assert_index_true()


def test_editing_a_turn_reindexes_it(seed, indexed):
    turn = seed.turns.get(position=2)
    with indexed():
        turn.text = turn.text.replace("Minsk agreements", "Normandy format")
        turn.save()
    assert sorted(h.position for h in hits('"Minsk agreements"')) == [4]
    assert total('"Normandy format"') == 1
    assert_index_true()


def test_transcript_title_and_date_changes_reach_every_turn(seed, indexed):
    with indexed():
        seed.title = "Blinken at Reuters NEXT (corrected)"
        seed.save()
    assert {h.transcript_title for h in hits("minsk")} == {"Blinken at Reuters NEXT (corrected)"}
    assert_index_true()


def test_unpublishing_hides_every_turn_and_republishing_brings_them_back(seed, indexed):
    count = total("russia")
    with indexed():
        seed.published = False
        seed.save()
    assert total("russia") == 0
    assert total("speaker:blinken") == 0
    assert_index_true()
    with indexed():
        seed.published = True
        seed.save()
    assert total("russia") == count
    assert_index_true()


def test_deleting_a_transcript_or_a_turn_removes_them(seed, indexed):
    with indexed():
        seed.turns.get(position=4).delete()
    assert sorted(h.position for h in hits('"Minsk agreements"')) == [2]
    with indexed():
        seed.delete()
    assert total("minsk") == 0
    assert_index_true()


def test_renaming_a_speaker_reindexes_their_turns(seed, indexed):
    blinken = Speaker.objects.get(slug="antony-blinken")
    with indexed():
        blinken.name = "Tony Blinken"
        blinken.save()
    assert {h.speaker_name for h in hits('"Minsk agreements"')} == {"Tony Blinken"}
    assert_index_true()


def test_merging_speakers_moves_their_turns_in_the_index(seed, indexed):
    blinken = Speaker.objects.get(slug="antony-blinken")
    with indexed():
        other = make_speaker("A. Blinken")
        make_transcript(
            "Remarks",
            turns=[("A. BLINKEN", "Quadrilateral remarks.")],
            speakers={"A. BLINKEN": other},
        )
    with indexed(), transaction.atomic():
        merge_speakers(blinken, [other])
    assert [h.speaker_slug for h in hits("quadrilateral")] == ["antony-blinken"]
    assert_index_true()


def test_topic_tags_added_rejected_and_deleted_update_the_topic_facet(indexed):
    with indexed():
        topic = make_topic("Quad", phrases=["quadrilateral"])
        transcript = make_transcript("Briefing", turns=[("MR PRICE", "Quadrilateral talks.")])
        turn = transcript.turns.get()
        TurnTopic.objects.filter(turn=turn).delete()
    assert total("topic:quad") == 0
    with indexed():
        tag(turn, topic)
    assert total("topic:quad") == 1
    with indexed():
        TurnTopic.objects.filter(turn=turn).update(rejected=True)
        reindex_turns([turn.pk])
    assert total("topic:quad") == 0
    with indexed():
        TurnTopic.objects.filter(turn=turn).update(rejected=False)
        reindex_turns([turn.pk])
    assert total("topic:quad") == 1
    with indexed():
        Topic.objects.filter(pk=topic.pk).delete()
    assert (
        total("quadrilateral") == 1
        and not run_search(SearchRequest(q="quadrilateral")).facets["topic"]
    )
    assert_index_true()


def test_bulk_changes_are_indexed_through_the_helpers(seed, indexed):
    with indexed():
        Turn.objects.filter(transcript=seed, position=2).update(text="Quadrilateral.")
        reindex_turns(Turn.objects.filter(transcript=seed, position=2).values_list("pk", flat=True))
    assert total("quadrilateral") == 1
    with indexed():
        Transcript.objects.filter(pk=seed.pk).update(title="Renamed in bulk")
        reindex_transcript(seed)
    assert {h.transcript_title for h in hits("russia")} == {"Renamed in bulk"}
    assert_index_true()


def test_deferred_indexing_writes_once_at_the_end(indexed):
    with indexed(), indexing.bulk_indexing():
        make_transcript("One", turns=[("MR PRICE", "Quadrilateral one.")])
        make_transcript("Two", turns=[("MR PRICE", "Quadrilateral two.")])
        assert total("quadrilateral") == 0
    assert total("quadrilateral") == 2


# --- check_index, rebuild_index, update_index ----------------------------------------------------


def test_check_index_reports_differences_and_repairs_them(seed, indexed, capsys):
    call_command("check_index")
    assert "matches" in capsys.readouterr().out
    # Changes made behind the signals' back: a stale text, an unpublished transcript, a turn
    # missing from the index.
    Turn.objects.filter(transcript=seed, position=2).update(text="Quadrilateral.")
    with indexed():
        other = make_transcript("Other", turns=[("MR PRICE", "Zanzibar.")])
    Transcript.objects.filter(pk=other.pk).update(published=False)
    backend = connections["default"].get_backend()
    writer = backend.index.writer()
    writer.delete_by_term("id", f"archive.turn.{seed.turns.get(position=4).pk}")
    writer.commit()

    with pytest.raises(CommandError, match="differs"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert "1 missing" in out and "1 stale" in out and "1 extra" in out

    call_command("check_index", "--repair")
    assert "Repaired 3 turns" in capsys.readouterr().out
    assert_index_true()
    assert total("quadrilateral") == 1 and total("zanzibar") == 0


def test_rebuild_index_and_update_index_work(seed):
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert_index_true()
    assert total('"Minsk agreements"') == 2
    processor = apps.get_app_config("haystack").signal_processor
    processor.teardown()  # a deletion the index never hears of
    try:
        Turn.objects.filter(transcript=seed, position=2).delete()
    finally:
        processor.setup()
    assert not get_engine().check().ok
    call_command("update_index", remove=True, verbosity=0)
    assert_index_true()


# --- Contention: never lost, never a lock error --------------------------------------------------


def test_a_locked_index_never_loses_an_update(seed, indexed):
    backend = connections["default"].get_backend()
    blocker = backend.index.writer()  # someone else (an update_index) holds the lock
    turn = seed.turns.get(position=2)
    try:
        turn.text = "Quadrilateral instead."
        turn.save()  # its index task is written in the same transaction
        assert indexing.apply_pending(wait=0.2) is False  # no LockError, no long wait
    finally:
        blocker.cancel()
    assert total("quadrilateral") == 0
    assert indexing.pending_tasks() == 1  # still pending, in the database
    # The next writer, whoever it is, applies every pending task.
    with indexed():
        make_transcript("Other", turns=[("MR PRICE", "Sanctions.")])
    assert total("quadrilateral") == 1
    assert indexing.pending_tasks() == 0
    assert_index_true()


def test_a_rolled_back_change_leaves_no_index_task(seed):
    turn = seed.turns.get(position=2)
    with pytest.raises(RuntimeError), transaction.atomic():
        turn.text = "Quadrilateral instead."
        turn.save()
        raise RuntimeError
    assert indexing.pending_tasks() == 0


def test_committed_changes_whose_index_write_never_happened_are_applied_by_the_next_writer(
    seed, indexed
):
    """A process that commits and dies before writing the index (here: its on-commit step never
    runs) leaves its tasks; the next bulk load applies them with its own."""
    Turn.objects.filter(transcript=seed, position=2).update(text="Quadrilateral.")
    reindex_turns([seed.turns.get(position=2).pk])
    make_transcript("Lost", turns=[("MR PRICE", "Zanzibar.")])
    assert not get_engine().check().ok
    with indexed(), indexing.bulk_indexing():
        pass
    assert total("quadrilateral") == 1 and total("zanzibar") == 1
    assert indexing.pending_tasks() == 0
    assert_index_true()


def test_a_busy_writer_is_named_and_a_dead_writers_lock_is_broken(seed, tmp_path):
    import subprocess
    import sys

    from archive.search.engines.whoosh import lock

    backend = connections["default"].get_backend()
    holder = Path(backend.path, lock.LOCK_FILE)
    hold = (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_CREAT | os.O_WRONLY); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"
    )
    orphan = subprocess.Popen(
        [sys.executable, "-c", hold, str(holder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert orphan.stdout.readline().strip() == "held"
        # A living writer: the wait names it and gives up.
        Path(backend.path, lock.HOLDER_FILE).write_text(
            json.dumps({"pid": orphan.pid, "command": "manage.py ingest big/", "since": 0})
        )
        with pytest.raises(LockError, match=rf"process {orphan.pid} \(manage.py ingest big/\)"):
            backend._open_writer(0.2)
        # Its recorded writer has died (a pid that no longer runs): the lock is broken.
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
        )
        Path(backend.path, lock.HOLDER_FILE).write_text(
            json.dumps({"pid": int(gone.stdout), "command": "manage.py ingest", "since": 0})
        )
        assert backend.apply_turns([seed.turns.get(position=2).pk], wait=0.2) is True
        assert orphan.wait(timeout=5) == -9
    finally:
        orphan.kill()
        orphan.wait()
    assert_index_true()


@pytest.mark.django_db(transaction=True)
def test_a_save_behind_a_long_writer_is_applied_in_the_background(monkeypatch):
    monkeypatch.setattr(indexing, "SYNC_WAIT", 0.2)
    transcript = make_transcript("Briefing", turns=[("MR PRICE", "Sanctions.")])
    backend = connections["default"].get_backend()
    blocker = backend.index.writer()
    released = threading.Timer(1.0, blocker.cancel)
    released.start()
    turn = transcript.turns.get()
    turn.text = "Quadrilateral."
    turn.save()  # autocommit: indexes now, finds the lock taken, hands over to a thread
    released.join()
    for thread in threading.enumerate():
        if thread.name == "parley-index-tasks":
            thread.join(timeout=30)
    assert total("quadrilateral") == 1
    assert_index_true()


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_both_land():
    """Two threads index different transcripts at the same moment; neither fails or is lost."""
    first = make_transcript("One", turns=[("MR PRICE", "Quadrilateral one.")] * 30)
    second = make_transcript("Two", turns=[("MR PRICE", "Sanctions two.")] * 30)
    backend = connections["default"].get_backend()
    errors = []

    def index(transcript):
        from django.db import connection

        try:
            ids = list(transcript.turns.values_list("pk", flat=True))
            for start in range(0, len(ids), 3):
                assert backend.apply_turns(ids[start : start + 3], wait=30)
        except Exception as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=index, args=(t,)) for t in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert total("quadrilateral") == 30 and total("sanctions") == 30
    assert_index_true()
