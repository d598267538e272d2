"""A pasted page's furniture (archive/ingest/furniture.py): navigation before the title, related
links, share lines and footers after and inside the transcript, photo captions; the title, date
and place read past them (header.py)."""

import datetime

import pytest

from archive.ingest.furniture import (
    is_breadcrumb,
    is_caption,
    is_language_bar,
    is_link_like,
    is_scene_caption,
)
from archive.ingest.parse import parse_text
from tests.support import labels


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


# An invented ministry's page as a select-all paste gives it: menus, a language bar, a breadcrumb,
# then the title with its date, the transcript, related links in two scripts and the footer.
MINISTRY_PAGE = """Ελληνικά Español Русский Français 简体中文

Home

The Ministry

Speeches

Regular Press Conference

Spokesperson's Remarks

Contacts

Home > Press Service > Regular Press Conference

Foreign Ministry Spokesperson Lena Aberg's Regular Press Conference on May 6, 2021

Nordic Wire: The harbour agreement was signed yesterday. What is your comment?

Lena Aberg: We welcome it. It opens the northern route.

Coastal Daily: Will the minister travel to Tallinn?

Lena Aberg: She will, next week.

Appendix:

Suggest to a friend

Print

Related News:

Foreign Ministry Spokesperson Lena Aberg's Regular Press Conference on May 5, 2021

Foreign Ministry Spokesperson Lena Aberg's Regular Press Conference on May 4, 2021

相关新闻

2021年5月3日外交部发言人主持例行记者会(2021-05-03)

Copyright © 2021 Ministry of Foreign Affairs of Nordland

Contact us Address: 2 Harbour Street, Nordby Tel: 12-34-5678
"""


def test_navigation_is_never_the_title_and_the_title_gives_the_date():
    parsed = parse_text(MINISTRY_PAGE)
    assert parsed.title == (
        "Foreign Ministry Spokesperson Lena Aberg's Regular Press Conference on May 6, 2021"
    )
    assert parsed.date == datetime.date(2021, 5, 6)
    assert parsed.kind == "press-conference"
    assert parsed.location is None
    assert not any("Español" in line or ">" in line for line in parsed.header)


def test_related_links_and_the_footer_stay_out_of_the_last_turn():
    parsed = parse_text(MINISTRY_PAGE)
    assert labels(parsed) == ["Nordic Wire", "Lena Aberg", "Coastal Daily", "Lena Aberg"]
    assert parsed.turns[-1].text == "She will, next week."


KREMLIN_STYLE = """President of Ruritania

Events

Structure

Videos and Photos

Documents

Search

Mobile version

Events

Structure

Presidential Executive Office2021

Events
Visit to the Nordby Shipyard

Anton Weiss toured the shipyard and talked to its workers.

May 12, 2021
16:50

Nordby

With the Director of the Nordby Shipyard Karl Lind.

President of Ruritania Anton Weiss: Good afternoon. How is the work going?

Director of the Nordby Shipyard Karl Lind: Very well. We launched two ships this year.

See also

Meeting with Government members
May 11, 2021

Anton Weiss: Two ships? And next year?

Visit to the Nordby Shipyard.

Karl Lind: Three. The orders are signed.

At the slipway of the Nordby Shipyard. Photo: Ruritania Press Agency

Anton Weiss: Good.

Visit to the Nordby Shipyard.

Karl Lind: Thank you, Mr President.

See also

All news about the trip to Nordby
May 12, 2021

Publication date: 12 May 2021, 17:30

Direct link: http://president.example.org/events/1234

Share

Print

Last updated at May 13, 2021, 10:02

All content on this site is licensed under
Creative Commons Attribution 4.0 International
"""


def test_a_site_with_its_menus_gives_the_title_date_and_place():
    parsed = parse_text(KREMLIN_STYLE)
    assert parsed.title == "Visit to the Nordby Shipyard"
    assert parsed.date == datetime.date(2021, 5, 12)
    assert parsed.location == "Nordby"
    assert parsed.header[-1] == "With the Director of the Nordby Shipyard Karl Lind."


def test_captions_related_blocks_and_the_footer_are_not_in_any_turn():
    parsed = parse_text(KREMLIN_STYLE)
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("President of Ruritania Anton Weiss", "Good afternoon. How is the work going?"),
        (
            "Director of the Nordby Shipyard Karl Lind",
            "Very well. We launched two ships this year.",
        ),
        ("Anton Weiss", "Two ships? And next year?"),
        ("Karl Lind", "Three. The orders are signed."),
        ("Anton Weiss", "Good."),
        ("Karl Lind", "Thank you, Mr President."),
    ]


def test_a_speaker_may_still_say_see_also_and_mention_a_visit_once():
    parsed = parse_text(
        "MODERATOR: Welcome.\n\nMINISTER HALL: Thank you.\n\nSee also\n\nThe report we "
        "published in May covers the harbour in detail, from the locks to the quays, and all the "
        "work that remains to be done before the winter.\n\nVisit to the Nordby Shipyard.\n\n"
        "That was the highlight.\n"
    )
    assert parsed.turns[1].paragraphs == [
        "Thank you.",
        "See also",
        "The report we published in May covers the harbour in detail, from the locks to the "
        "quays, and all the work that remains to be done before the winter.",
        "Visit to the Nordby Shipyard.",
        "That was the highlight.",
    ]


def test_a_title_line_with_its_place_after_a_bar_is_the_title():
    parsed = parse_text(
        "Home | Briefing Room | Press Briefings\n\n"
        "Remarks by the Governor in Press Gaggle | Nordby, ME\n\nJune 28, 2024\n\n"
        "Harbour Diner\nNordby, Maine\n\n12:18 A.M. EDT\n\nQ    Governor, how did it go?\n\n"
        "THE GOVERNOR:  Well.\n"
    )
    assert parsed.title == "Remarks by the Governor in Press Gaggle | Nordby, ME"
    assert parsed.location == "Harbour Diner, Nordby, Maine"
    assert parsed.kind == "gaggle"


def test_the_location_is_a_place_not_a_topic_an_office_or_the_title_again():
    parsed = parse_text(
        "White House Logo\n\nBriefings & Statements\n\n"
        "Remarks by the Governor Before Departure\n\nJanuary 24, 2025\n\n"
        "Office of Communications\n\nHealthcare\n\nREMARKS BY THE GOVERNOR\nBEFORE DEPARTURE\n\n"
        "South Lawn\n\nTHE GOVERNOR:  Hello, everybody.\n\nQ    Where to?\n\n"
        "THE GOVERNOR:  North.\n"
    )
    assert parsed.title == "Remarks by the Governor Before Departure"
    assert parsed.location == "South Lawn"
    assert parsed.date == datetime.date(2025, 1, 24)
    council = parse_text(
        "Background Press Call on the Harbour Talks\n\nMarch 18, 2024\n\n"
        "NATIONAL SECURITY COUNCIL\n\nVia Teleconference\n\nMODERATOR: Thanks.\n\nQ: Hi.\n"
    )
    assert council.location == "Via Teleconference"


def test_a_title_in_chinese_after_the_menus_gives_the_date():
    parsed = parse_text(
        "English Français Español Русский عربي\n\n首页\n\n外交部长\n\n相关新闻\n\n新闻服务\n\n"
        "首页 > 外交动态 > 发言人表态\n\n2021年5月6日外交部发言人主持例行记者会\n\n"
        "[字体：大 中 小] 打印本页\n\n问：你对港口协议有何评论？\n\n答：我们表示欢迎。\n\n"
        "附件\n\n相关新闻\n\n2021年5月5日外交部发言人主持例行记者会(2021-05-05)\n\n"
        "推荐给朋友 确定\n\n中华人民共和国外交部 版权所有\n"
    )
    assert parsed.title == "2021年5月6日外交部发言人主持例行记者会"
    assert parsed.date == datetime.date(2021, 5, 6)
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("问", "你对港口协议有何评论？"),
        ("答", "我们表示欢迎。"),
    ]


def test_a_headline_in_capitals_with_a_colon_is_a_title_not_a_speaker():
    parsed = parse_text(
        "CORRECTED: Remarks by the Governor and the Mayor in Joint Press Conference\n\n"
        "March 10, 2022\n\n*Town Hall\nNordby, Maine*\n\nTHE GOVERNOR: Thank you.\n\n"
        "THE MAYOR: Thank you, Governor.\n"
    )
    assert parsed.title == (
        "CORRECTED: Remarks by the Governor and the Mayor in Joint Press Conference"
    )
    assert parsed.location == "Town Hall, Nordby, Maine"
    assert labels(parsed) == ["THE GOVERNOR", "THE MAYOR"]


def test_a_briefing_via_teleconference_keeps_its_first_line_as_the_title():
    parsed = parse_text(
        "A Senior Official On Our Presence in Nordland\n\nFebruary 12, 2022\n\n"
        "Office of the Spokesperson\n\nVia Teleconference\n\nMODERATOR: Good morning.\n\n"
        "SENIOR OFFICIAL: Thank you.\n"
    )
    assert parsed.title == "A Senior Official On Our Presence in Nordland"
    assert parsed.location == "Via Teleconference"


def test_the_shapes_of_furniture():
    assert is_language_bar("عربي Español Русский Français 简体中文")
    assert is_language_bar("English | Français")
    assert not is_language_bar("English and French versions")
    assert is_breadcrumb("Home > Press and Media Service > Regular Press Conference")
    assert is_breadcrumb("Home | News | Press Briefings")
    assert not is_breadcrumb("Remarks by the Governor in Press Gaggle | Nordby, ME")
    assert is_link_like("2021年5月3日外交部发言人主持例行记者会(2021-05-03)")
    assert not is_link_like("我们表示欢迎。")
    assert is_caption("Meeting of the Regional Forum. Photo: TASS")
    assert is_caption("The delegations at the harbour (Photo: Nordic Wire)")
    assert not is_caption("The photo: it was taken in May, I think.")
    assert is_scene_caption("Visit to the Nordby Shipyard.")
    assert is_scene_caption("With the Governor of the Northern Region.")
    assert not is_scene_caption("Cecilia Vega of ABC.")
    assert not is_scene_caption("Good afternoon, Mr President.")


def test_what_follows_an_end_mark_is_the_page_not_the_last_turn():
    parsed = parse_text(
        "Skip to content\nGovernor's Office Logo\nAdministration\nIssues\nBriefings & Statements\n"
        "Contact\nSearch\nBriefings & Statements\n"
        "Remarks by the Governor in Press Gaggle Aboard the State Plane\nRemarks\n"
        "February 9, 2025\nAboard the State Plane\nEn Route Nordby, Maine\n4:12 P.M. EST\n"
        "THE GOVERNOR: Hello, everybody.\nQ Governor, on the harbour —\n"
        "THE GOVERNOR: We'll announce it on Monday. (Laughter.)\nEND 4:30 P.M. EST\n"
        "Next: Remarks by the Governor at the Signing\nThe Governor's Office\n"
        "1 State Street\nNordby, ME 04000\nCopyright\nPrivacy\n"
    )
    assert parsed.title == "Remarks by the Governor in Press Gaggle Aboard the State Plane"
    assert parsed.location == "Aboard the State Plane, En Route Nordby, Maine"
    assert labels(parsed) == ["THE GOVERNOR", "Q", "THE GOVERNOR"]
    assert parsed.turns[-1].text == "We'll announce it on Monday. (Laughter.)"


def test_a_think_tank_header_lists_its_participants_before_the_first_turn():
    parsed = parse_text(
        "Center for Regional Strategy\nOnline Event\n“The Future of the Arctic Ports”\n"
        "DATE: Tuesday, March 3, 2021\nTIME: 10:00 a.m. EST\nLOCATION: Washington, D.C.\n"
        "FEATURING:\nKarl Lind, Director, Nordby Shipyard\nMODERATOR:\nAnna Berg, Senior Fellow\n"
        "Transcript By Nordic Transcriptions LLC\nwww.transcriptions.example\n\n"
        "ANNA BERG: Good morning, everyone.\n\nKARL LIND: Thank you, Anna.\n\n"
        "Q: Hi, this is Tom from Nordic Wire.\n\nKARL LIND: Hello, Tom.\n\n(END)\n"
    )
    assert parsed.title == "The Future of the Arctic Ports"
    assert (parsed.date, parsed.location) == (datetime.date(2021, 3, 3), "Washington, D.C.")
    assert labels(parsed) == ["ANNA BERG", "KARL LIND", "Q", "KARL LIND"]
    assert "Anna Berg, Senior Fellow" in parsed.header
    assert parsed.turns[-1].text == "Hello, Tom."
