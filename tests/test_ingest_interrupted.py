"""An ingest killed midway (the process, not an exception) leaves no partial transcript, and
running it again completes the archive; two ingests of the same folder at once load each file once
and neither reports a failure."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from archive.ingest.parse import parse_file
from archive.search.engines.whoosh.lock import processes_holding
from tests.support import REPO_ROOT

SAMPLES = sorted((REPO_ROOT / "fixtures" / "transcripts").glob("*.txt"))
COUNT_TURNS = (
    "import json; from archive.models import Transcript; "
    "print(json.dumps({t.source_key: t.turns.count() for t in Transcript.objects.all()}))"
)


@pytest.fixture
def separate_database(tmp_path):
    """Environment for a child process with a database of its own, like the suite's engine."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PARLEY_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    if connection.vendor != "postgresql":
        yield env
        return
    settings = connection.settings_dict
    name = f"parley_kill_{uuid.uuid4().hex[:10]}"
    admin_url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    )
    try:
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def make_batch(folder: Path, copies: int) -> dict[str, int]:
    """Distinct transcripts (each sample with its own first line), and their expected turn counts."""
    folder.mkdir()
    expected = {}
    for n in range(copies):
        sample = SAMPLES[n % len(SAMPLES)]
        path = folder / f"{n:03d}-{sample.name}"
        path.write_text(f"Copy {n}: " + sample.read_text(encoding="utf-8"), encoding="utf-8")
        expected[path.name] = len(parse_file(path).turns)
    return expected


def test_two_ingests_of_the_same_folder_at_once_load_each_file_once_and_both_succeed(
    tmp_path, separate_database
):
    env = separate_database
    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    batch = tmp_path / "batch"
    expected = make_batch(batch, copies=16)

    children = [
        subprocess.Popen(
            [sys.executable, "manage.py", "ingest", "--quiet", str(batch)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=600)[0] for child in children]

    for child, output in zip(children, outputs, strict=True):
        assert child.returncode == 0, output
        assert "failed" not in output.split("Summary:")[-1].replace("0 failed", ""), output
    summaries = [output.split("Summary:")[-1].splitlines()[0] for output in outputs]
    loaded = sum(int(summary.split(" loaded")[0].split()[-1]) for summary in summaries)
    unchanged = sum(int(summary.split(" unchanged")[0].split()[-1]) for summary in summaries)
    assert (loaded, unchanged) == (len(expected), len(expected)), summaries
    counts = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_TURNS).stdout)
    assert {Path(key).name: turns for key, turns in counts.items()} == expected


def test_killed_ingest_leaves_no_partial_transcript_and_a_rerun_completes_it(
    tmp_path, separate_database
):
    env = separate_database
    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    batch = tmp_path / "batch"
    expected = make_batch(batch, copies=20)

    child = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", str(batch)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    loaded = 0
    for line in child.stdout:
        if line.startswith("loaded"):
            loaded += 1
        if loaded == 3:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    counts = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_TURNS).stdout)
    assert 3 <= len(counts) < len(expected), "the kill should land midway through the batch"
    for source_key, turns in counts.items():
        assert turns == expected[Path(source_key).name], f"{source_key} is partial"

    rerun = manage(env, "ingest", str(batch))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    counts = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_TURNS).stdout)
    assert {Path(key).name: turns for key, turns in counts.items()} == expected
    # The index holds every turn, with no repair: the rerun applied the tasks the killed
    # ingest had committed but not yet indexed.
    check = manage(env, "check_index")
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_ingest_killed_during_its_final_index_write_leaves_no_writer_behind(
    tmp_path, separate_database
):
    """Killed while its multi-process writer writes the index: no sub-writer outlives it, the
    index's lock is free, and a plain rerun leaves check_index clean."""
    env = separate_database
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL engine writes its index with each transcript, not at the end")
    assert manage(env, "migrate", "--noinput").returncode == 0
    batch = tmp_path / "batch"
    expected = make_batch(batch, copies=45)  # over 2,000 turns: two writer processes
    assert sum(expected.values()) > 2000
    index = Path(env["PARLEY_DATA_DIR"]) / "whoosh_index"
    child = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--quiet", str(batch)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    holder = index / "WRITER.json"
    deadline = time.monotonic() + 300
    while not holder.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the writer notes itself once it holds the lock
    assert child.poll() is None, "the ingest finished before it could be killed while writing"
    time.sleep(0.3)
    sub_writers = [pid for pid in processes_holding(str(index)) if pid != child.pid]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)

    for _ in range(100):  # the kernel needs a moment to deliver the parent's death
        if not any(_running(pid) for pid in sub_writers):
            break
        time.sleep(0.05)
    assert not [pid for pid in sub_writers if _running(pid)], "a sub-writer outlived its parent"
    assert processes_holding(str(index)) == []

    rerun = manage(env, "ingest", "--quiet", str(batch))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    check = manage(env, "check_index")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"index: {sum(expected.values())} entries" in check.stdout


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_an_ingest_in_two_processes_loads_every_file_once_and_indexes_it(
    tmp_path, separate_database
):
    env = separate_database
    assert manage(env, "migrate", "--noinput").returncode == 0
    batch = tmp_path / "batch"
    expected = make_batch(batch, copies=8)

    run = manage(env, "ingest", "--jobs", "2", str(batch))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(expected)} loaded" in run.stdout
    counts = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_TURNS).stdout)
    assert {Path(key).name: turns for key, turns in counts.items()} == expected
    check = manage(env, "check_index")
    assert check.returncode == 0, check.stdout + check.stderr

    again = manage(env, "ingest", "--jobs", "2", "--quiet", str(batch))
    assert again.returncode == 0 and f"{len(expected)} unchanged" in again.stdout
