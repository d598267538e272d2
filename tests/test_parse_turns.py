"""The text of the turns (archive/ingest/assemble.py): paragraphs, stage directions, time
stamps, and the page chrome and footer kept out of the last turn.
"""

import datetime

import pytest

from archive.ingest.parse import parse_text
from tests.support import labels, parse, parse_probe


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


def test_end_and_time_stamps_are_not_in_turns():
    parsed = parse("whitehouse_style_briefing_2022-03-08.txt")
    assert parsed.turns[-1].text.endswith("Thanks, everyone.")
    assert not any("END" in t.text or "P.M." in t.text for t in parsed.turns)
    assert parsed.header[-1] == "1:05 P.M. EST"


def test_laughter_stays_in_the_turn():
    parsed = parse("whitehouse_style_briefing_2022-03-08.txt")
    assert "time. (Laughter.) On the timeline" in parsed.turns[6].text


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    sentence = "This is a long sentence that has been wrapped by an old mail client at"
    body = "\n".join(f"{sentence} line {i}." for i in range(6))
    text = f"MODERATOR:  Welcome.\n\nMINISTER HALL:  {body}\n\nQUESTION:  {body}\n"
    parsed = parse_text(text)
    assert labels(parsed) == ["MODERATOR", "MINISTER HALL", "QUESTION"]
    assert len(parsed.turns[1].paragraphs) == 1
    assert parsed.turns[1].text.endswith("at line 5.")


def test_gov_uk_chrome_is_dropped():
    parsed = parse("govuk_foreign_secretary_press_conference_2021-12-03.txt")
    assert labels(parsed) == ["Foreign Secretary", "Question"] * 2 + ["Foreign Secretary"]
    assert parsed.source_name == "GOV.UK"
    assert parsed.title.startswith("Foreign Secretary's press conference on the situation")
    assert parsed.date == datetime.date(2021, 12, 3)
    assert parsed.location == "Lancaster House, London"
    assert not any("cookies" in line.casefold() for line in parsed.header)
    assert (
        parsed.turns[0].paragraphs[-1] == "Germany: we expect our partners to play their part too."
    )
    assert (
        parsed.turns[-1].text == "I will be travelling to Warsaw on Tuesday, and then to Vilnius."
    )


def test_a_closing_stage_direction_is_a_narrative_turn():
    parsed = parse_probe("state_press_briefing_page.txt")
    last = parsed.turns[-1]
    assert (last.kind, last.label, last.text) == (
        "narrative",
        "",
        "(The briefing was concluded at 3:01 p.m.)",
    )
    assert parsed.turns[-2].text == "We remain deeply concerned about the escalation of violence."
    assert parsed.turns[-2].kind == "speech"


def test_a_short_list_and_a_colon_after_a_blank_line_stay_in_the_speech():
    parsed = parse_probe("un_noon_briefing_2022-03-02.txt")
    spokesman = parsed.turns[1]
    assert spokesman.paragraphs[-2:] == [
        "Russia: 12 deaths reported in the border regions.",
        "Ukraine: 227 civilian deaths confirmed.",
    ]
    assert parsed.turns[7].paragraphs[1].startswith("Here's what I'd say: first,")


def test_video_time_stamps_are_dropped_from_turns():
    parsed = parse_probe("un_noon_briefing_2022-03-02.txt")
    assert parsed.turns[-1].paragraphs == [
        "Hans Grundberg continues his consultations.",
        "He will brief the Security Council next week. Thank you all.",
    ]
    parsed = parse_text("Speaker 1 (00:00:04):\n\n[00:00:05] Welcome.\n\nSpeaker 2: Thanks.\n")
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("Speaker 1", "Welcome."),
        ("Speaker 2", "Thanks."),
    ]
