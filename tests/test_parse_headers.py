"""What comes before the first speaker label (archive/ingest/header.py, dates.py,
event_kinds.py): title, date, place and kind, stage directions and introductions.
"""

import datetime

import pytest

from archive.ingest.parse import parse_text
from tests.support import labels, parse, parse_probe


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


def test_white_house_header_gives_title_date_location_and_kind():
    parsed = parse("whitehouse_style_briefing_2022-03-08.txt")
    assert parsed.title == (
        "Press Briefing by Press Secretary Dana Rivera and National Security Advisor Tom Hale"
    )
    assert parsed.date == datetime.date(2022, 3, 8)
    assert parsed.location == "James S. Brady Press Briefing Room"
    assert parsed.kind == "briefing"
    assert parsed.source_name == "The White House"
    assert "The White House" not in parsed.header


def test_stage_direction_before_the_first_label_is_a_narrative_turn():
    parsed = parse("interpreted_press_conference_2023-06-14.txt")
    first = parsed.turns[0]
    assert (first.kind, first.label, first.position, first.line) == ("narrative", "", 1, 10)
    assert first.text == "(The President and the Prime Minister enter.)"
    # A parenthetical paragraph after a labelled turn stays in that turn.
    assert parsed.turns[-1].paragraphs == [
        "(As interpreted.) I share that view entirely.",
        "(Cross-talk.)",
        "Thank you very much.",
    ]
    assert parsed.location == "Kantei, Tokyo, Japan"
    assert parsed.kind == "press-conference"


def test_a_title_with_a_date_is_still_the_title_and_the_byline_is_no_place():
    parsed = parse_probe("state_press_briefing_page.txt")
    assert parsed.title == "Department Press Briefing – December 1, 2021"
    assert parsed.date == datetime.date(2021, 12, 1)
    assert parsed.kind == "briefing"
    assert parsed.location == "Washington, D.C."
    assert "Ned Price, Department Spokesperson" in parsed.header
    assert labels(parsed)[:3] == ["MR PRICE", "QUESTION", "MR PRICE"]


def test_the_title_names_the_event_rather_than_the_site_above_it():
    titles = {
        "un_noon_briefing_2022-03-02.txt": "Daily Press Briefing by the Office of the "
        "Spokesperson for the Secretary-General",
        "india_mea_briefing_2022-03-10.txt": "Transcript of Weekly Media Briefing by the "
        "Official Spokesperson (March 10, 2022)",
        "japan_mofa_press_conference_2023-01-20.txt": "Press Conference by Press Secretary "
        "KOBAYASHI Maki",
        "france_diplomatie_point_de_presse_2022-02-24.txt": "Point de presse du porte-parole",
        "pasted_page_markdown_bold_and_split_labels.txt": "Department Press Briefing – January "
        "10, 2022",
    }
    for name, title in titles.items():
        assert parse_probe(name).title == title, name


def test_a_one_word_title_still_tells_the_kind():
    parsed = parse_probe("remarks_one_word_title.txt")
    assert parsed.kind == "remarks"
    assert labels(parsed) == ["MODERATOR", "THE AMBASSADOR"]


def test_a_place_on_the_date_line_is_the_location():
    kremlin = parse_probe("kremlin_press_statements_2022-02-15.txt")
    assert kremlin.date == datetime.date(2022, 2, 15)
    assert kremlin.location == "The Kremlin, Moscow"
    assert kremlin.source_name == "President of Russia (kremlin.ru)"
    japan = parse_probe("japan_mofa_press_conference_2023-01-20.txt")
    assert (japan.date, japan.location) == (
        datetime.date(2023, 1, 20),
        "Ministry of Foreign Affairs",
    )


def test_boilerplate_is_neither_title_nor_place_nor_turn():
    doorstop = parse_probe("dfat_doorstop_2022-06-07.txt")
    assert doorstop.location is None  # not "E&OE"
    assert doorstop.kind == "interview"
    german = parse_probe("german_government_press_conference_2022-03-04.txt")
    assert german.location is None  # not "Transcript (translated)"
    nato = parse_probe("nato_press_conference_2022-02-16.txt")
    assert "(As delivered)" in nato.header
    assert all(t.kind == "speech" for t in nato.turns)


def test_words_before_the_first_label_become_an_introduction_with_a_warning():
    parsed = parse_probe("un_noon_briefing_2022-03-02.txt")
    first = parsed.turns[0]
    assert (first.kind, first.label, first.line) == ("narrative", "", 11)
    assert first.paragraphs == ["Good afternoon.", "Ukraine"]
    assert parsed.warnings == [
        "text before the first speaker label at line 11 was kept as an introduction"
    ]
    # The transcriber's note is boilerplate, kept in the header.
    assert parsed.header[-1].startswith("The following is a near-verbatim transcript")


def test_a_text_that_opens_with_speech_keeps_it():
    parsed = parse_text(
        "Good afternoon, everyone. Thanks for coming. Let me start with Ukraine.\n\n"
        "MODERATOR:  Questions?\n\nQUESTION:  Yes.\n"
    )
    assert parsed.title is None
    assert parsed.turns[0].kind == "narrative"
    assert parsed.turns[0].text.startswith("Good afternoon, everyone.")
    assert labels(parsed) == ["", "MODERATOR", "QUESTION"]
