"""Helpers shared by the parser tests (tests/test_parse*.py), which need no database."""

import json
from pathlib import Path

from archive.ingest.parse import parse_file
from tests.conftest import DATA_DIR, REPO_ROOT

PROBES = DATA_DIR / "parse"  # transcripts in the styles of other governments and pasted pages
FIXTURES = REPO_ROOT / "fixtures"  # the sample archive: 16 real White House pages and the seed


def parse(name: str):
    return parse_file(DATA_DIR / name)


def parse_probe(name: str):
    return parse_file(PROBES / name)


def labels(parsed) -> list[str]:
    return [t.label for t in parsed.turns]


def white_house_files() -> list[Path]:
    """The real White House transcripts of the sample archive (transcripts/ and extra/)."""
    paths = [
        *FIXTURES.joinpath("transcripts").glob("*.txt"),
        *FIXTURES.joinpath("extra").glob("*.txt"),
    ]
    return sorted(
        (path for path in paths if _sidecar(path).get("source_name") == "The White House"),
        key=lambda path: path.name,
    )


def _sidecar(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
