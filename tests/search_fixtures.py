"""Helpers for the search tests: the sample archive loaded with its index built after commit."""

from __future__ import annotations

import json

from archive.ingest.load import ingest_file
from archive.ingest.speakers import load_known_speakers
from archive.models import Transcript
from archive.topics import load_topics
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "fixtures"
BLINKEN = FIXTURES / "transcripts" / "2021-12-03-blinken-reuters-next.txt"


def load_seed(capture, *, topics: bool = True, speakers: bool = True) -> Transcript:
    """Ingest the Blinken interview (and the fixture speakers and topics), running the on-commit
    index updates; `capture` is pytest-django's django_capture_on_commit_callbacks."""
    with capture(execute=True):
        if speakers:
            load_known_speakers(json.loads((FIXTURES / "speakers.json").read_text()))
        if topics:
            load_topics(json.loads((FIXTURES / "topics.json").read_text()))
        outcome = ingest_file(BLINKEN)
    assert outcome.transcript is not None, outcome
    return outcome.transcript


def load_sample_files(capture, names: list[str]) -> list[Transcript]:
    transcripts = []
    with capture(execute=True):
        load_known_speakers(json.loads((FIXTURES / "speakers.json").read_text()))
        load_topics(json.loads((FIXTURES / "topics.json").read_text()))
        for name in names:
            transcripts.append(ingest_file(FIXTURES / "transcripts" / name).transcript)
    return transcripts


def sample_names() -> list[str]:
    return sorted(path.name for path in (FIXTURES / "transcripts").glob("*.txt"))
