"""The parser on real pages of every family of the development corpus, as a select-all paste
gives them (tests/data/corpus/, credits in its README), read as pasted text: no file name, so
the title, date and source come from the text alone."""

import datetime
import re
from pathlib import Path

import pytest

from archive.ingest.parse import parse_text
from tests.support import DATA_DIR, labels

CORPUS = DATA_DIR / "corpus"


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


def pasted(name: str):
    return parse_text((CORPUS / name).read_text(encoding="utf-8"))


def all_text(parsed) -> str:
    return "\n".join(t.text for t in parsed.turns)


def test_kremlin_page_with_menus_captions_and_footer():
    parsed = pasted("kremlin-2018-03-12-57034.txt")
    assert parsed.title == "Visit to National Grain Centre in Krasnodar"
    assert (parsed.date, parsed.location) == (datetime.date(2018, 3, 12), "Krasnodar")
    assert parsed.source_name == "President of Russia (kremlin.ru)"
    assert parsed.turns[0].kind == "narrative"  # the lead below the place
    assert parsed.turns[1].label == "President of Russia Vladimir Putin"
    assert "Director of the Lukyanenko National Grain Centre Alexander Romanenko" in labels(parsed)
    assert parsed.turns[-1].text == "Yes, certainly."
    text = all_text(parsed)
    for furniture in ("Visit to Lukyanenko National Grain Centre.", "See also", "Direct link"):
        assert furniture not in text


def test_kremlin_hover_cards_and_related_links_inside_a_turn():
    parsed = pasted("kremlin-2019-02-14-59830.txt")
    assert (
        labels(parsed)
        == ["President of Russia Vladimir Putin"] + ["Question", "Vladimir Putin"] * 3
    )
    first = parsed.turns[0]
    assert (
        first.paragraphs[0] == "Colleagues, friends, Mr Rouhani, Mr Erdogan, ladies and gentlemen,"
    )
    assert "Meeting with President of Iran Hassan Rouhani" not in first.text
    assert "See also" not in first.text and "February 14, 2019" not in first.text


def test_chinese_ministry_page_in_english_with_outlets_as_labels():
    parsed = pasted("china-mfa-2020-04-17-en-1a6631f8.txt")
    assert parsed.title == (
        "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference on April 17, 2020"
    )
    assert parsed.date == datetime.date(2020, 4, 17)
    assert parsed.kind == "press-conference"
    assert labels(parsed)[:3] == ["Xinhua News Agency", "Zhao Lijian", "Zhao Lijian"]
    assert "Related News" not in labels(parsed)
    assert parsed.turns[-1].text.endswith("jointly build a community of health for all.")


def test_chinese_ministry_page_in_english_with_follow_up_questions():
    parsed = pasted("china-mfa-2019-11-20-en-6918eb88.txt")
    assert set(labels(parsed)) == {"Q", "A", "Follow-up"}
    follow_up = labels(parsed).index("Follow-up")
    assert labels(parsed)[follow_up - 1 : follow_up + 2] == ["A", "Follow-up", "A"]
    assert "Appendix" not in all_text(parsed)


def test_chinese_ministry_page_in_chinese():
    parsed = pasted("china-mfa-2018-11-02-zh-710df990.txt")
    assert parsed.title == "2018年11月2日外交部发言人陆慷主持例行记者会"
    assert parsed.date == datetime.date(2018, 11, 2)
    assert parsed.language == "zh"
    assert labels(parsed) == [""] + ["问", "答"] * 6
    assert parsed.turns[-1].text.endswith("真正为两国工商界和消费者带来福祉的事。")
    for furniture in ("相关新闻", "附件", "版权所有", "推荐给朋友"):
        assert furniture not in all_text(parsed)


def test_state_department_titles_that_look_like_labels_or_follow_a_teleconference():
    panama = pasted("state-2022-04-15-on-the-record-briefing-travel-to-panama.txt")
    assert panama.title == "ON-THE-RECORD BRIEFING: Secretary Blinken’s Upcoming Travel to Panama"
    assert panama.turns[0].label == "MR BARTLETT"
    ukraine = pasted("state-2022-02-12-senior-official-on-diplomatic-presence-in-ukraine.txt")
    assert (
        ukraine.title == "A Senior State Department Official On Our Diplomatic Presence in Ukraine"
    )
    assert ukraine.location == "Via Teleconference"


def test_white_house_titles_with_a_place_and_a_title_said_again_in_capitals():
    gaggle = pasted("whitehouse-2024-06-28-press-gaggle-atlanta-ga.txt")
    assert gaggle.title == "Remarks by President Biden in Press Gaggle | Atlanta, GA"
    assert gaggle.location == "Waffle House, Atlanta, Georgia"
    departure = pasted("whitehouse-2025-01-24-before-marine-one-departure.txt")
    assert departure.title == "Remarks by President Trump Before Marine One Departure"
    assert departure.location == "South Lawn"
    assert set(labels(departure)) == {"THE PRESIDENT", "Q"}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem[:32])
def test_every_corpus_page_parses_with_a_title_and_a_date(path: Path):
    parsed = parse_text(path.read_text(encoding="utf-8"))
    published = re.search(r"\d{4}-\d{2}-\d{2}", path.name)[0]
    assert parsed.title and parsed.date == datetime.date.fromisoformat(published)
    assert all(t.text == t.text.strip() for t in parsed.turns)
