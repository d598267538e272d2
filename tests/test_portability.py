"""An archive exported with export_archive and imported with import_archive comes back whole:
every transcript, speaker, alias, topic and tag, with curated edits and permalinks."""

import datetime
import os
import subprocess
import sys

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from archive.models import Speaker, SpeakerAlias, Topic, Transcript, Turn, TurnTopic
from archive.portability import ARCHIVE_MODELS
from tests.support import REPO_ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> list[dict]:
    from django.apps import apps

    rows = []
    for label in ARCHIVE_MODELS:
        model = apps.get_model(label)
        rows += serializers.serialize("python", model.objects.order_by("pk"))
    for row in rows:
        row["fields"] = {k: comparable(v) for k, v in row["fields"].items()}
    return rows


def comparable(value):
    """JSON keeps timestamps to the millisecond, as Django's JSON encoder writes them."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def build_curated_archive() -> None:
    blinken = Speaker.objects.create(
        name="Antony Blinken", title="Secretary of State", organisation="U.S. Department of State"
    )
    SpeakerAlias.objects.create(speaker=blinken, label="SECRETARY BLINKEN")
    galloni = Speaker.objects.create(
        name="Alessandra Galloni", organisation="Reuters", kind=Speaker.Kind.JOURNALIST
    )
    transcript = Transcript.objects.create(
        title="Curated title: Blinken at Reuters NEXT",
        source_key="blinken.txt",
        original_text="QUESTION: …\n\nSECRETARY BLINKEN: …",
        content_hash="a" * 64,
        curated_fields=["title"],
        published=False,
    )
    question = Turn.objects.create(
        transcript=transcript,
        position=1,
        label="QUESTION",
        speaker=galloni,
        text="Minsk?",
        speaker_curated=True,
    )
    answer = Turn.objects.create(
        transcript=transcript,
        position=2,
        label="SECRETARY BLINKEN",
        speaker=blinken,
        text="The Minsk agreements — “implemented”.",
    )
    minsk = Topic.objects.create(name="Minsk agreements", phrases="Minsk agreements\nMinsk process")
    TurnTopic.objects.create(turn=answer, topic=minsk)
    TurnTopic.objects.create(
        turn=question, topic=minsk, origin=TurnTopic.Origin.CURATOR, rejected=True
    )


def test_export_then_import_round_trips_every_row(tmp_path):
    build_curated_archive()
    before = snapshot()
    keys_before = list(Turn.objects.values_list("key", flat=True))
    path = tmp_path / "archive.json.gz"

    call_command("export_archive", str(path))
    for model in (TurnTopic, Turn, Transcript, Topic, SpeakerAlias, Speaker):
        model.objects.all().delete()
    call_command("import_archive", str(path))

    assert snapshot() == before
    assert list(Turn.objects.values_list("key", flat=True)) == keys_before
    assert Transcript.objects.get().curated_fields == ["title"]


def test_import_refuses_to_mix_into_a_non_empty_archive(tmp_path):
    build_curated_archive()
    path = tmp_path / "archive.json"
    call_command("export_archive", str(path))
    with pytest.raises(CommandError, match="already holds transcripts"):
        call_command("import_archive", str(path))


def test_import_of_a_broken_file_says_so_and_loads_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "archive.speaker", "pk": 1, "fields": {"name": ', encoding="utf-8")
    people = list(Speaker.objects.values_list("pk", "name"))
    with pytest.raises(CommandError, match="Could not import"):
        call_command("import_archive", str(path))
    assert list(Speaker.objects.values_list("pk", "name")) == people  # the dataset, untouched


def test_an_archive_moves_from_the_embedded_default_to_this_database(tmp_path):
    """The documented path: export from SQLite (a separate process with its own data folder),
    then import here — PostgreSQL when the suite runs on it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARLEY_SEARCH_ENGINE"}}
    env["PARLEY_DATA_DIR"] = str(tmp_path / "embedded")
    seed = REPO_ROOT / "fixtures" / "transcripts" / "2021-12-03-blinken-reuters-next.txt"
    export = tmp_path / "archive.json.gz"
    for args in (["migrate", "--noinput"], ["ingest", str(seed)], ["export_archive", str(export)]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    call_command("import_archive", str(export))

    transcript = Transcript.objects.get()
    assert transcript.turns.count() == 37
    assert transcript.turns.get(position=2).speaker.name == "Antony Blinken"
    assert transcript.turns.get(position=1).speaker.name == "Alessandra Galloni"
