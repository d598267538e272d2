"""The parser on the 16 real White House transcripts of the sample archive (fixtures/)."""

import datetime
import re

import pytest

from archive.ingest.parse import parse_file
from tests.support import white_house_files

SPEAKERS = re.compile(
    r"^(?:Q|MODERATOR|OPERATOR|SENIOR ADMINISTRATION OFFICIAL|MS\. PSAKI|MS\. JEAN-PIERRE|"
    r"MR\.? SULLIVAN|MR\. CAMPBELL|PRESIDENT (?:BIDEN|MACRON|LÓPEZ OBRADOR)|"
    r"PRIME MINISTER (?:KISHIDA|TRUDEAU|ALBANESE))$"
)


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


@pytest.mark.parametrize("path", white_house_files(), ids=lambda p: p.name[:40])
def test_white_house_transcript_parses_sensibly(path):
    parsed = parse_file(path)
    first_lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert parsed.title == first_lines[0].strip()
    assert parsed.date == datetime.date.fromisoformat(path.name[:10])
    assert parsed.source_name == "The White House"
    assert parsed.kind in {"briefing", "call", "gaggle", "press-conference"}
    # Three background calls really have 12-19 turns; every other file has more than 20.
    assert len(parsed.turns) >= 12
    assert all(t.kind == "speech" for t in parsed.turns)
    for turn in parsed.turns:
        assert SPEAKERS.match(turn.label), turn.label
        assert turn.text.strip() or turn.label == "Q"
        assert not re.search(r"\bEND\b|\d{1,2}:\d{2} [AP]\.M\. [A-Z]{3,4}$", turn.text)
    # Every line that starts with a speaker label became a turn, and no other line did.
    starts = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(?:Q[\s\u00a0]|[A-ZÓ][A-ZÓ .\-]+:)", line)
    ]
    assert len(parsed.turns) == len(starts)
    assert parsed.warnings == []


def test_white_house_corpus_has_its_known_conventions():
    by_name = {p.name[:10]: parse_file(p) for p in white_house_files()}
    assert len(by_name) == 16
    kishida = by_name["2022-05-23"]
    assert kishida.turns[0].label == "PRIME MINISTER KISHIDA"
    assert kishida.turns[0].text.startswith("(As interpreted.) Well, thank you.")
    assert kishida.location == "Akasaka Palace, Tokyo, Japan"
    gaggle = by_name["2022-07-13"]
    assert {"MR. SULLIVAN", "MR SULLIVAN"} <= {t.label for t in gaggle.turns}
    assert gaggle.kind == "gaggle"
    psaki = by_name["2021-06-07"]
    assert psaki.location == "James S. Brady Press Briefing Room"
    assert psaki.header[-1] == "12:42 P.M. EDT"
