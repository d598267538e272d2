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


# --- issue 10: paragraphs and stage directions --------------------------------------------------

HEARING = """HEARING ON HARBOUR SECURITY

Mr. DALTON. Madam Chair, I thank the committee for the chance to
speak today about the harbour programme and what it has meant for
the towns along the northern coast.
  The programme began eleven years ago. It was meant to last three
years, and it has outlived two administrations and four budgets. I
ask that my full statement be placed in the record.
  Let me list what we found:
  - the locks were inspected twice a year, not four times as the
    law requires;
  - the contractor was paid in advance;
  - nobody read the audit.
  I yield back.
The CHAIRWOMAN. Thank you, Mr. Dalton. Ms. Varga, you are
recognized for five minutes.
Ms. VARGA. Thank you, Madam Chair. I have one question for the
witness, and it is about the locks.
  Who signed the inspection reports?
Mr. DALTON. The regional office did, every one of them, and the
reports are in the appendix to my statement.
"""


def test_hard_wrapped_text_without_blank_lines_gets_its_paragraphs_and_lists_back():
    parsed = parse_text(HEARING)
    assert labels(parsed) == ["Mr. DALTON", "The CHAIRWOMAN", "Ms. VARGA", "Mr. DALTON"]
    assert parsed.turns[0].paragraphs == [
        "Madam Chair, I thank the committee for the chance to speak today about the harbour "
        "programme and what it has meant for the towns along the northern coast.",
        "The programme began eleven years ago. It was meant to last three years, and it has "
        "outlived two administrations and four budgets. I ask that my full statement be placed "
        "in the record.",
        "Let me list what we found:",
        "- the locks were inspected twice a year, not four times as the law requires;",
        "- the contractor was paid in advance;",
        "- nobody read the audit.",
        "I yield back.",
    ]
    assert parsed.turns[2].paragraphs == [
        "Thank you, Madam Chair. I have one question for the witness, and it is about the locks.",
        "Who signed the inspection reports?",
    ]


def test_wrapped_paragraphs_without_indents_end_at_a_short_last_line():
    wrapped = (
        "The harbour programme began eleven years ago, and it was meant to last\n"
        "three years. It has outlived two administrations and four budgets, and\n"
        "nobody has read the audit.\n"
        "We found that the locks were inspected twice a year instead of four\n"
        "times, and that the contractor was paid in advance for the whole work.\n"
        "That is all.\n"
    )
    parsed = parse_text(f"MODERATOR: Welcome.\n\nMR. DALTON: {wrapped}\nMODERATOR: Thanks.\n")
    assert parsed.turns[1].paragraphs == [
        "The harbour programme began eleven years ago, and it was meant to last three years. "
        "It has outlived two administrations and four budgets, and nobody has read the audit.",
        "We found that the locks were inspected twice a year instead of four times, and that the "
        "contractor was paid in advance for the whole work.",
        "That is all.",
    ]


def test_a_broken_line_and_a_lone_full_stop_do_not_start_a_paragraph():
    parsed = parse_text(
        "Mark Ellison: We will cut taxes for\nworking families in every county\n.\n\n"
        "And we will do it this year.\n\nAnna Lindqvist: Thank you.\n\n"
        "Mark Ellison: Bullet points:\n- one\n- two\n"
    )
    assert parsed.turns[0].paragraphs == [
        "We will cut taxes for working families in every county.",
        "And we will do it this year.",
    ]
    assert parsed.turns[2].paragraphs == ["Bullet points:", "- one", "- two"]


def test_a_stage_direction_after_a_turn_belongs_to_it_wherever_it_stands():
    text = (
        "MODERATOR: Senator, your answer.\n\nSENATOR OKAFOR: The committee never voted.\n\n"
        "(Cross-talk.)\n\nMODERATOR: Governor?\n\nGOVERNOR ELLISON: It did.\n\n(Cross-talk.)\n"
    )
    parsed = parse_text(text)
    assert labels(parsed) == ["MODERATOR", "SENATOR OKAFOR", "MODERATOR", "GOVERNOR ELLISON"]
    assert parsed.turns[1].paragraphs == ["The committee never voted.", "(Cross-talk.)"]
    assert parsed.turns[3].paragraphs == ["It did.", "(Cross-talk.)"]
    assert all(t.kind == "speech" for t in parsed.turns)


def test_a_note_that_the_event_ended_is_a_narrative_turn_after_the_last_words():
    parsed = parse_text(
        "MODERATOR: Last question.\n\nQUESTION: Thanks.\n\nMINISTER HALL: Thank you all.\n\n"
        "(Laughter.)\n\n(The briefing was concluded at 3:41 p.m.)\n"
    )
    assert [(t.label, t.kind, t.text) for t in parsed.turns][2:] == [
        ("MINISTER HALL", "speech", "Thank you all.\n\n(Laughter.)"),
        ("", "narrative", "(The briefing was concluded at 3:41 p.m.)"),
    ]
