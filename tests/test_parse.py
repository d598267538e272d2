"""The transcript parser as a whole: the seed, the errors and warnings it gives, forced
sources, a saved web page, a very long text.

Plain functions, no database: run the parser tests with
``python -m pytest tests/test_parse*.py -p no:django``.
"""

import datetime

import pytest

from archive.ingest.parse import ParseError, parse_file, parse_text
from tests.support import DATA_DIR, PROBES, SEED, labels, parse, white_house_files


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


# --- the seed ---------------------------------------------------------------------------------


def test_seed_has_37_turns_alternating_with_two_questions_in_a_row():
    parsed = parse_text(SEED.read_text(encoding="utf-8"), filename=SEED.name)
    questions = [*range(1, 20, 2), 20, *range(22, 37, 2)]
    assert len(parsed.turns) == 37
    for turn in parsed.turns:
        expected = "QUESTION" if turn.position in questions else "SECRETARY BLINKEN"
        assert turn.label == expected, turn.position
        assert turn.kind == "speech"
    assert [t.position for t in parsed.turns] == list(range(1, 38))


def test_seed_keeps_banner_and_footer_out_of_every_turn():
    parsed = parse_text(SEED.read_text(encoding="utf-8"))
    everything = "\n".join(t.text for t in parsed.turns)
    for chrome in (
        "official website",
        "Official websites use .gov",
        "Secure .gov websites use HTTPS",
        "A lock",
        "U.S. Department of State",
        "The Lessons of 1989",
    ):
        assert chrome not in everything
    assert parsed.turns[-1].text == "Great to be with you. Thanks for having me."
    assert parsed.turns[0].line == 11


def test_seed_keeps_laughter_and_colons_inside_turns():
    parsed = parse_text(SEED.read_text(encoding="utf-8"))
    assert "(Laughter.)" in parsed.turns[33].text
    assert [t.position for t in parsed.turns if "Minsk agreements" in t.text] == [2, 4]
    first = parsed.turns[0].text
    assert first.startswith(
        "Secretary Blinken, thank you so much for joining us here at Reuters NEXT."
    )
    assert "So I guess my first question is: Is it about to get worse?" in first
    assert "\u00a0" not in first and "  " not in first


def test_seed_is_detected_as_state_department():
    parsed = parse_text(SEED.read_text(encoding="utf-8"))
    assert parsed.source_name == "U.S. Department of State"
    assert parsed.language == "en"
    assert parsed.warnings == []


# --- any transcript ---------------------------------------------------------------------------


def test_html_page_gives_the_same_turns_as_its_text():
    from_html = parse("state_blinken_interview_2021-12-03.html")
    from_text = parse("state_blinken_interview_2021-12-03.txt")
    assert [(t.label, t.text) for t in from_html.turns] == [
        (t.label, t.text) for t in from_text.turns
    ]
    assert labels(from_html) == ["QUESTION", "SECRETARY BLINKEN"] * 3
    assert from_html.title == "Secretary Antony J. Blinken With Ana Ruiz of Radio Meridian"
    assert from_html.date == datetime.date(2021, 12, 3)
    assert from_html.location == "Washington, D.C."
    assert from_html.source_url.startswith("https://www.state.gov/")
    assert from_html.source_name == "U.S. Department of State"
    assert "not a turn" not in " ".join(t.text for t in from_html.turns)


def test_empty_and_label_free_texts_raise_clear_errors():
    with pytest.raises(ParseError, match="empty file"):
        parse_text(" \n\u00a0\n")
    with pytest.raises(ParseError, match="no speaker labels found"):
        parse("no_labels_statement.txt")
    assert str(ParseError("bad label", line=7)) == "line 7: bad label"


def test_a_long_unlabelled_ending_is_warned_about():
    tail = "\n\n".join(
        f"Paragraph {i} of a long statement, with no speaker at all." for i in range(60)
    )
    parsed = parse_text(f"MODERATOR:  Hello.\n\nQUESTION:  Hi.\n\n{tail}\n")
    assert parsed.warnings == ["no labels found after line 3"]


def test_a_source_can_be_forced():
    parsed = parse_text("QUESTION:  Hi.\n\nANSWER:  Hello.\n", source="kremlin")
    assert parsed.source_name == "President of Russia (kremlin.ru)"
    with pytest.raises(ParseError, match="unknown source rule"):
        parse_text("QUESTION:  Hi.\n", source="nowhere")


def test_a_five_megabyte_transcript_parses_whole():
    # How fast it parses is measured in benchmarks/, not asserted here.
    block = SEED.read_text(encoding="utf-8").split("QUESTION:", 1)[1]
    text = ("QUESTION:" + block.split("U.S. Department of State")[0]) * 200
    assert len(text) > 5_000_000
    parsed = parse_text(text)
    assert len(parsed.turns) == 37 * 200


def test_turn_texts_never_start_or_end_with_spaces_or_newlines():
    for path in [*PROBES.glob("*.txt"), *DATA_DIR.glob("*.txt"), *white_house_files()]:
        if path.name == "no_labels_statement.txt":
            continue
        for turn in parse_file(path).turns:
            assert turn.text == turn.text.strip(), (path.name, turn.position)
