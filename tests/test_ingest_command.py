"""manage.py ingest: files and folders, output, summary, exit status, bad input, --dry-run --json."""

import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from archive.ingest import load
from archive.management.commands.ingest import ProgressBar
from archive.models import Speaker, SpeakerAlias, Transcript, Turn, TurnTopic
from tests.support import DATA_DIR, REPO_ROOT, SEED, make_speaker

pytestmark = pytest.mark.django_db

FIXTURES = REPO_ROOT / "fixtures" / "transcripts"
SEED_NAME = "2021-12-03-blinken-reuters-next.txt"


def run_ingest(*args, expect_failure=False):
    """Run the command; return (stdout, stderr, CommandError message or None)."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("ingest", *map(str, args), stdout=out, stderr=err)
    except CommandError as raised:
        error = str(raised)
    assert (error is not None) == expect_failure, (out.getvalue(), err.getvalue(), error)
    return out.getvalue(), err.getvalue(), error


def row_counts():
    return [m.objects.count() for m in (Speaker, SpeakerAlias, Transcript, Turn, TurnTopic)]


@pytest.fixture
def seed_file(tmp_path):
    folder = tmp_path / "seed"
    folder.mkdir()
    shutil.copyfile(FIXTURES / SEED_NAME, folder / SEED_NAME)
    shutil.copyfile(
        FIXTURES / SEED_NAME.replace(".txt", ".json"),
        folder / "2021-12-03-blinken-reuters-next.json",
    )
    return folder / SEED_NAME


@pytest.fixture
def bad_files(tmp_path):
    """One file of every kind of bad input, in a folder of its own."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "no-labels.txt").write_text((DATA_DIR / "no_labels_statement.txt").read_text())
    with open(folder / "huge.txt", "wb") as huge:  # 50 MB, sparse: quick to make
        huge.truncate(50 * 1024 * 1024)
    return folder


def test_ingesting_the_seed_prints_a_line_and_a_summary(seed_file):
    out, err, _ = run_ingest(seed_file)

    assert Transcript.objects.get().turns.count() == 37
    assert f"loaded       {seed_file}  'Secretary Antony J. Blinken at the Reuters NEXT" in out
    assert "(37 turns, 2 labels)" in out
    assert "Summary: 1 file(s): 1 loaded, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert f"Loaded:\n  {seed_file}\n" in out
    assert err == ""  # no progress bar for one file


def test_ingesting_twice_says_unchanged_and_creates_nothing(seed_file):
    run_ingest(seed_file)
    before = row_counts()

    out, _, _ = run_ingest(seed_file)

    assert row_counts() == before
    assert f"unchanged    {seed_file}" in out
    assert "0 loaded, 0 updated, 1 unchanged" in out


def test_a_changed_file_is_skipped_until_update(seed_file):
    run_ingest(seed_file)
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_text(text.replace("I certainly hope not", "I truly hope not"), encoding="utf-8")

    out, _, _ = run_ingest(seed_file)
    assert f"skipped      {seed_file}: changed since it was loaded; use --update" in out
    assert f"Skipped:\n  {seed_file}: changed since it was loaded; use --update" in out

    out, _, _ = run_ingest(seed_file, "--update")
    assert f"updated      {seed_file}" in out
    assert "I truly hope not" in Transcript.objects.get().original_text


def test_a_folder_is_searched_recursively_and_sidecars_are_skipped(tmp_path):
    folder = tmp_path / "archive"
    (folder / "2022").mkdir(parents=True)
    shutil.copyfile(FIXTURES / SEED_NAME, folder / SEED_NAME)
    shutil.copyfile(
        FIXTURES / SEED_NAME.replace(".txt", ".json"), folder / SEED_NAME.replace(".txt", ".json")
    )
    shutil.copyfile(
        DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt", folder / "2022" / "briefing.txt"
    )
    shutil.copyfile(
        DATA_DIR / "state_blinken_interview_2021-12-03.html", folder / "2022" / "page.html"
    )
    (folder / "notes.md").write_text("not a transcript")

    out, err, _ = run_ingest(folder)

    assert "3 file(s): 3 loaded" in out
    assert Transcript.objects.count() == 3
    assert "3/3 files" in err  # progress on a non-terminal: a line now and then


def test_metadata_options_override_sidecar_and_text(seed_file):
    run_ingest(
        seed_file,
        "--title",
        "Blinken with Reuters",
        "--date",
        "2021-12-04",
        "--kind",
        "remarks",
        "--outlet",
        "Reuters",
        "--location",
        "Washington",
    )

    transcript = Transcript.objects.get()
    assert (transcript.title, str(transcript.date), transcript.kind) == (
        "Blinken with Reuters",
        "2021-12-04",
        "remarks",
    )
    assert (transcript.outlet, transcript.location) == ("Reuters", "Washington")


def test_a_bad_date_option_fails_with_one_line(seed_file):
    out, _, error = run_ingest(seed_file, "--date", "12/03/2021", expect_failure=True)

    assert "bad --date '12/03/2021': use YYYY-MM-DD" in out
    assert error == "1 of 1 file(s) failed; see above."
    assert Transcript.objects.count() == 0


def test_every_bad_input_fails_with_a_clear_line_and_a_non_zero_exit(bad_files, tmp_path):
    empty_folder = tmp_path / "nothing-here"
    empty_folder.mkdir()
    (empty_folder / "notes.md").write_text("no transcripts")
    before = row_counts()

    out, _, error = run_ingest(
        bad_files / "empty.txt",
        bad_files / "binary.txt",
        bad_files / "no-labels.txt",
        bad_files / "huge.txt",
        tmp_path / "missing.txt",
        empty_folder,
        expect_failure=True,
    )

    assert error == "6 of 6 file(s) failed; see above."
    failed = out.split("Failed:\n", 1)[1].splitlines()
    assert failed == [
        f"  {bad_files / 'empty.txt'}: empty file",
        f"  {bad_files / 'binary.txt'}: binary file (contains NUL bytes); expected a text or HTML transcript",
        f"  {bad_files / 'no-labels.txt'}: no speaker labels found",
        f"  {bad_files / 'huge.txt'}: file is 50.0 MB; the limit is 20 MB",
        f"  {tmp_path / 'missing.txt'}: no such file or directory",
        f"  {empty_folder}: nothing to ingest: no .txt, .html or .htm files here",
    ]
    assert row_counts() == before


def test_a_file_in_a_legacy_encoding_is_loaded_with_a_warning(tmp_path):
    path = tmp_path / "latin1.txt"
    text = (DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt").read_text()
    path.write_bytes(
        text.replace("’", "'").replace("Good afternoon", "Bonjour, déjà").encode("cp1252")
    )

    out, _, _ = run_ingest(path)

    assert f"loaded       {path}" in out
    assert "warning:" in out
    assert "déjà" in Transcript.objects.get().original_text


def test_one_failing_file_leaves_nothing_and_the_others_load(tmp_path, monkeypatch):
    folder = tmp_path / "three"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        text = (DATA_DIR / "whitehouse_style_briefing_2022-03-08.txt").read_text()
        (folder / name).write_text(text + f"\n\nQ  A question only in {name}?\n")
    real_tag_new_turns = load.tag_new_turns

    def fail_for_b(turns):  # after the transcript and its turns are saved
        if turns[0].transcript.source_key == "b.txt":
            raise RuntimeError("disk full")
        return real_tag_new_turns(turns)

    monkeypatch.setattr(load, "tag_new_turns", fail_for_b)

    out, _, error = run_ingest(folder, expect_failure=True)

    assert sorted(Transcript.objects.values_list("source_key", flat=True)) == ["a.txt", "c.txt"]
    assert not Turn.objects.filter(text__contains="only in b.txt").exists()
    assert "3 file(s): 2 loaded, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out
    assert f"Failed:\n  {folder / 'b.txt'}: could not save: RuntimeError: disk full" in out
    assert error == "1 of 3 file(s) failed; see above."


def test_dry_run_json_prints_one_object_per_file_and_writes_nothing(seed_file, bad_files):
    make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
    before = row_counts()

    out, err, _ = run_ingest(
        "--dry-run", "--json", seed_file, bad_files / "no-labels.txt", expect_failure=True
    )

    assert row_counts() == before
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert list(first) == ["file", "title", "date", "source_url", "speakers", "turns"]
    assert first["file"] == str(seed_file)
    assert first["title"] == "Secretary Antony J. Blinken at the Reuters NEXT Conference"
    assert first["date"] == "2021-12-03"
    assert first["source_url"].startswith("https://www.state.gov/")
    assert [{k: s[k] for k in ("label", "name")} for s in first["speakers"]] == [
        {"label": "QUESTION", "name": "Alessandra Galloni"},
        {"label": "SECRETARY BLINKEN", "name": "Antony Blinken"},
    ]
    # Added fields: the person, their role there and the rule that decided.
    assert first["speakers"][1] == {
        "label": "SECRETARY BLINKEN",
        "name": "Antony Blinken",
        "person": "Antony Blinken",
        "role": "Secretary of State",
        "resolved_by": "curator",
        "new": False,
    }
    assert len(first["turns"]) == 37
    assert first["turns"][1]["text"].startswith("Well, I certainly hope not.")
    assert first["turns"][0] == {
        "position": 1,
        "label": "QUESTION",
        "speaker": "Alessandra Galloni",
        "kind": "speech",
        "text": first["turns"][0]["text"],
    }
    assert all(
        list(turn) == ["position", "label", "speaker", "kind", "text"] for turn in first["turns"]
    )
    assert second == {
        "file": str(bad_files / "no-labels.txt"),
        "error": "no speaker labels found",
        "line": None,
    }
    assert "would load" in err and "Dry run (nothing saved)" in err


def test_dry_run_json_of_a_file_without_date_prints_null(tmp_path):
    path = tmp_path / "interview.txt"
    path.write_text("QUESTION:  Hello?\n\nMINISTER HALE:  Hello.\n")

    out, _, _ = run_ingest("--dry-run", "--json", path)

    data = json.loads(out)
    assert data["date"] is None and data["source_url"] is None
    assert data["speakers"][1] == {
        "label": "MINISTER HALE",
        "name": "Minister Hale",
        "person": "Minister Hale",
        "role": "Minister",
        "resolved_by": "new",
        "new": True,
    }
    assert not Speaker.objects.filter(identifier=None).exists()


def test_quiet_prints_only_the_summary_and_problems(seed_file, bad_files):
    out, err, _ = run_ingest("--quiet", seed_file, bad_files / "empty.txt", expect_failure=True)

    assert "loaded       " not in out
    assert f"failed       {bad_files / 'empty.txt'}: empty file" in out
    assert "1 loaded" in out and "Loaded:" not in out
    assert err == ""


def test_a_large_load_lists_a_screenful_of_loaded_files_and_every_failure(tmp_path):
    from archive.management.commands.ingest import SUMMARY_FILES

    folder = tmp_path / "many"
    folder.mkdir()
    n = SUMMARY_FILES + 5
    for i in range(n):
        (folder / f"2021-01-{i + 1:02d}-remarks.txt").write_text(
            f"MR. PRICE:  Statement number {i} on the talks.\n\nQUESTION:  And {i}?\n"
        )
    empties = [folder / f"empty-{i}.txt" for i in range(SUMMARY_FILES + 2)]
    for empty in empties:
        empty.write_bytes(b"")
    out, _, _ = run_ingest(folder, expect_failure=True)

    assert f"{n} loaded" in out and f"{len(empties)} failed" in out
    loaded = out[out.index("Loaded:") : out.index("Failed:")]
    assert loaded.count("remarks.txt") == SUMMARY_FILES
    assert "… and 5 more" in loaded
    failed = out[out.index("Failed:") :]
    assert all(f"  {empty}: empty file" in failed for empty in empties)
    assert out.count("loaded       ") == n  # each file still has its line


def test_the_progress_bar_draws_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    from django.core.management.base import OutputWrapper

    stream = Terminal()
    bar = ProgressBar(OutputWrapper(stream), 4)
    for name in "abcd":
        bar.advance(name)
    bar.finish()

    assert "\r[###############---------------] 2/4 b" in stream.getvalue()
    assert "4/4 d" in stream.getvalue()


def test_the_progress_is_sparse_when_stderr_is_not_a_terminal():
    from django.core.management.base import OutputWrapper

    stream = io.StringIO()
    bar = ProgressBar(OutputWrapper(stream), 25)
    for n in range(25):
        bar.advance(str(n))

    assert stream.getvalue().splitlines() == ["10/25 files", "20/25 files", "25/25 files"]


@pytest.fixture(scope="module")
def migrated_data_dir(tmp_path_factory):
    """A separate, migrated embedded archive for manage.py run in a child process."""
    data = tmp_path_factory.mktemp("data")
    env = {**os.environ, "PARLEY_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


@pytest.mark.parametrize("name", ["empty.txt", "binary.txt", "huge.txt"])
def test_manage_py_ingest_never_prints_a_traceback(bad_files, migrated_data_dir, name):
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", str(bad_files / name)],
        cwd=REPO_ROOT,
        env=migrated_data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert (
        result.stderr.strip().splitlines()[-1] == "CommandError: 1 of 1 file(s) failed; see above."
    )
    assert f"failed       {bad_files / name}: " in result.stdout


@pytest.mark.parametrize("dry_run", [[], ["--dry-run", "--json"]])
def test_ingest_into_an_archive_never_set_up_says_to_migrate_in_one_line(tmp_path, dry_run):
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "ingest",
            *dry_run,
            str(DATA_DIR / "qa_interview_minister_2022-03-15.txt"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        f"CommandError: There is no archive database at {tmp_path / 'data' / 'parley.sqlite3'} "
        "yet: run `manage.py migrate` first."
    ]
    assert not (tmp_path / "data" / "parley.sqlite3").exists()


def test_the_seed_copy_in_fixtures_is_the_seed():
    assert (FIXTURES / SEED_NAME).read_bytes() == SEED.read_bytes()
