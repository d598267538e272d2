"""Step 3 of parsing: read what comes before the first speaker label.

``read_header`` sorts those lines into title, date, place, time, byline, boilerplate and
"Key: value" metadata, and gives the title, date, location, kind of event and source URL.
Stage directions there ("(The President and the Prime Minister enter.)") and sentences after
the last header line (words spoken before the first label) come back as narrative paragraphs,
never lost; every other line is kept as the transcript's header.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from archive.ingest.dates import date_line, find_date, is_place_like, split_date_line
from archive.ingest.event_kinds import KIND_WORDS, guess_kind, names_event
from archive.ingest.furniture import (
    is_copyright,
    is_footer_heading,
    is_link_entry,
    is_link_like,
    is_navigation,
    is_scene_caption,
)
from archive.ingest.labels import is_office, names_office_holder
from archive.ingest.lines import CJK, PARENTHETICAL, STAMP, WORDS, Line, is_heading, squash
from archive.ingest.sources import SourceRule

__all__ = ["Header", "read_header"]

_META = re.compile(
    r"^(?P<key>location|place|venue|date|delivered on|published|source|url)\s*[:：]\s*(?P<value>.*)$",
    re.I,
)
_URL = re.compile(r"^(?:(?:source|url|link)\s*[:：]\s*)?<?(?P<url>https?://\S+?)>?$", re.I)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# A sentence someone says or writes (not a title, date, place or byline).
_SENTENCE = re.compile(r"[.?!…。？！][\"”’»)]?$")
# Two sentences on one line: "Thank you. Good afternoon." ("Mrs. Smith" is one).
_TWO_SENTENCES = re.compile(r"[^\W\d_A-Z]{3}[.?!]\s+\S|[。？！]\s*\S")


_EMPTY_VALUES = {"none", "null", "n/a", "undefined", "nan"}


def _is_spoken(text: str) -> bool:
    """A line that reads like speech or prose: a sentence, not a title or a place."""
    if not _SENTENCE.search(text) or is_place_like(text):
        return False
    return len(text.split()) >= 2 or len(CJK.findall(text)) >= 4


@dataclass
class Header:
    """What ``read_header`` found; ``parse.parse_text`` builds the transcript from it."""

    title: str | None = None
    date: datetime.date | None = None
    location: str | None = None
    source_url: str | None = None
    kind: str | None = None
    lines: list[str] = field(default_factory=list)
    # (line, paragraphs) for stage directions and for an introduction before the first label
    narrative: list[tuple[int, list[str]]] = field(default_factory=list)
    introduction_line: int | None = None


def read_header(
    lines: list[Line], rule: SourceRule, hints: dict[str, str], wrapped: bool
) -> Header:
    """Title, date, location, stage directions and any introduction before the first turn.

    Header lines are title, date, place, time, byline and boilerplate. Sentences after the last
    of these are somebody's words: they become an introduction (a narrative turn), never lost.
    """
    header = Header()
    meta: dict[str, str] = {}
    kept: list[tuple[int, str]] = []  # (line number, text)
    notes: set[int] = set()  # indexes in kept of metadata that is no title: "(As delivered)"
    parentheticals: dict[int, str] = {}  # index in kept -> stage direction
    pending_key: str | None = None
    links = False
    for ln in lines:
        text = squash(_MARKDOWN_HEADING.sub("", ln.text).strip("*_ "))
        if not text or ln.kind in ("html", "stamp") or rule.is_chrome(text):
            if ln.kind == "stamp" and text:
                kept.append((ln.number, text))
                notes.add(len(kept) - 1)
            continue
        if pending_key:
            meta.setdefault(pending_key, text)
            pending_key = None
        if text.casefold() in _EMPTY_VALUES:
            continue  # "None": an empty field of the page's template
        if is_footer_heading(text):
            # "See also" in the lead: links to other pages and their dates follow (before the
            # date line, such a heading is one more menu item)
            links = any(date_line(t) for _, t in kept)
            continue
        if links and is_link_entry(text):
            continue
        links = False
        if is_navigation(text) or is_copyright(text):
            continue  # a language bar, a breadcrumb, a logo, "© 2020"
        if (m := _URL.match(text)) is not None:
            header.source_url = header.source_url or m["url"]
            continue
        if (m := _META.match(text)) is not None:
            key = m["key"].casefold()
            if m["value"]:
                meta.setdefault(key, m["value"])
            else:
                pending_key = key
                continue
            notes.add(len(kept))
        elif rule.is_boilerplate(text) or text.casefold() in KIND_WORDS:
            notes.add(len(kept))
        elif PARENTHETICAL.match(text) and not find_date(text) and len(text.split()) >= 2:
            parentheticals[len(kept)] = text
        kept.append((ln.number, text))

    menus = _menu_lines([text for _, text in kept])
    kept = [item for i, item in enumerate(kept) if i not in menus]
    notes = {i - sum(1 for m in menus if m < i) for i in notes if i not in menus}
    parentheticals = {
        i - sum(1 for m in menus if m < i): text
        for i, text in parentheticals.items()
        if i not in menus
    }
    texts = [text for _, text in kept]
    date_index, place = None, ""
    for i, text in enumerate(texts):
        if (found := split_date_line(text)) is not None:
            notes.add(i)
            if date_index is None:
                (header.date, place), date_index = found, i
    title_index = _pick_title(texts, hints.get("title"), notes | set(parentheticals), date_index)
    header.title = (
        _unquoted(texts[title_index]) if title_index is not None else _hinted_title(hints)
    )
    if header.date is None:
        for text in (meta.get("date"), meta.get("delivered on"), meta.get("published")):
            if text and (found := find_date(text)):
                header.date = found[0]
                break
    if header.date is None and title_index is not None and (found := find_date(texts[title_index])):
        header.date, date_index = found[0], title_index
    if title_index is not None:
        notes.add(title_index)

    places = _find_places(texts, date_index, title_index, notes)
    # The title said again and photo captions ("With the Director of the Centre.") are no one's
    # words: they stay in the header.
    title_key = texts[title_index].casefold() if title_index is not None else None
    captions = {
        i
        for i, text in enumerate(texts)
        if i not in parentheticals
        and i not in places
        and (text.casefold() == title_key or is_scene_caption(text))
    }
    if place and not _is_place(place, texts[title_index] if title_index is not None else ""):
        place = ""
    notes.update(places)
    if meta.get("location") or meta.get("place") or meta.get("venue"):
        header.location = meta.get("location") or meta.get("place") or meta.get("venue")
    else:
        header.location = place or ", ".join(texts[i] for i in places) or None
    header.kind = guess_kind(header.title) or next(
        (kind for i in sorted(notes) if (kind := guess_kind(texts[i]))), None
    )

    # Anything spoken after the last header line is an introduction, kept as a narrative turn.
    last_meta = max(notes, default=-1)
    start = next(
        (
            i
            for i in range(last_meta + 1, len(texts))
            if i not in parentheticals and i not in captions and _is_spoken(texts[i])
        ),
        len(texts),
    )
    intro: list[str] = []
    previous_line = 0
    for i, (number, text) in enumerate(kept):
        if i in parentheticals:
            header.narrative.append((number, [text]))
            intro = []
        elif i >= start and i not in notes and i not in captions:
            if not intro:
                intro = []
                header.narrative.append((number, intro))
                header.introduction_line = header.introduction_line or number
            if wrapped and intro and number == previous_line + 1:
                intro[-1] = f"{intro[-1]} {text}"
            else:
                intro.append(text)
            previous_line = number
        else:
            header.lines.append(text)
    return header


def _menu_lines(texts: list[str]) -> set[int]:
    """Indexes of a site's menus: lines the header repeats ("Events", "Structure" in the top menu
    and again in the mobile one) and runs of four or more short link-like lines, in any script."""
    counts: dict[str, int] = {}
    for text in texts:
        counts[text.casefold()] = counts.get(text.casefold(), 0) + 1
    menus = {
        i
        for i, t in enumerate(texts)
        if counts[t.casefold()] > 1 and not find_date(t) and not names_event(t)
    }

    def menu_item(text: str) -> bool:
        short = len(text.split()) <= 5 if not CJK.search(text) else len(text) <= 12
        return short and is_link_like(text) and not find_date(text) and not names_event(text)

    run: list[int] = []
    for i, text in enumerate([*texts, ""]):
        if text and menu_item(text):
            run.append(i)
            continue
        if len(run) >= 4:
            menus.update(run)
        run = []
    return menus


# A section or topic of a site's menu, never the place of an event ("Healthcare").
_TOPICS = {
    "healthcare", "health", "economy", "education", "energy", "environment", "immigration",
    "national security", "foreign policy", "defense", "defence", "technology", "trade", "jobs",
    "infrastructure", "climate", "agriculture", "justice", "veterans", "housing", "taxes",
    "budget", "security", "news", "issues", "priorities", "administration", "briefings",
    "statements", "releases", "presidential actions", "briefing room", "press releases",
    "speeches", "transcripts", "events", "documents", "photos", "videos", "multimedia",
}  # fmt: skip
# An issuing office, never a place: "Office of Communications", "NATIONAL SECURITY COUNCIL",
# "Office of the Spokesperson", "Press Office" ("Oval Office" is a place).
_ISSUER = re.compile(
    r"^(?:the )?(?:office of\b|press (?:office|service)\b|media (?:office|centre|center)\b)"
    r"|\b(?:council|communications|spokesperson'?s? office|press secretary|secretariat)$",
    re.I,
)
_VENUE = re.compile(
    r"\b(?:room|hall|house|building|center|centre|palace|office|base|park|hotel|lawn|garden|"
    r"airport|embassy|residence|headquarters|kremlin)\b|[室厅廳堂館馆宫宮殿楼樓]",
    re.I,
)


def _is_place(text: str, title: str) -> bool:
    """A place, not a menu topic, an issuing office, a byline or the title said again."""
    key = text.casefold().strip(" *_")
    if key.startswith("via "):
        return True  # "Via Teleconference"
    if key in _TOPICS or _ISSUER.search(key) or key == title.casefold():
        return False
    if text == text.upper() and set(WORDS.findall(key)) <= set(WORDS.findall(title.casefold())):
        return False  # "BEFORE MARINE ONE DEPARTURE": the title again, in capitals
    if names_event(text) and not _VENUE.search(text):
        return False  # "REMARKS BY PRESIDENT TRUMP", "Plenary session of the Forum"
    return "," in text or not names_office_holder(text)  # "PRESIDENT TRUMP", a byline


def _find_places(
    texts: list[str], date_index: int | None, title_index: int | None, notes: set[int]
) -> list[int]:
    """Indexes of the place lines next to the date line ("Akasaka Palace", "Tokyo, Japan")."""
    if date_index is None:
        return []
    title = texts[title_index] if title_index is not None else ""
    places: list[int] = []
    for i in range(date_index + 1, len(texts)):
        text = texts[i]
        if len(places) == 3:
            break
        if STAMP.match(text) or date_line(text) or PARENTHETICAL.match(text):
            continue
        if i in notes:
            continue  # boilerplate ("E&OE") or a kind of event ("Transcript") is no place
        if not is_place_like(text) or not _is_place(text, title):
            if any(is_office(part) or _ISSUER.search(part.strip()) for part in text.split(",")):
                continue  # a byline or the issuing office between the date and the place
            if not is_place_like(text) or places:
                break
            continue  # the title said again in capitals, a byline: the place may follow
        places.append(i)
    before = date_index - 1
    if (
        date_index != title_index
        and not places
        and before >= 0
        and before != title_index
        and is_place_like(texts[before])
        and _is_place(texts[before], title)
    ):
        places.append(before)
    return places


def _pick_title(
    texts: list[str], hint: str | None, notes: set[int], date_index: int | None
) -> int | None:
    """Index of the title: the hinted one; else the line that names the event and its date
    ("Foreign Ministry Spokesperson's Regular Press Conference on April 7, 2020"); else the line
    nearest above the date line, skipping a lead sentence; else the first line that names an
    event; else the first title-like line. Menus and navigation never reach here."""
    candidates = [
        i
        for i, t in enumerate(texts)
        if i not in notes
        and not _META.match(t)
        and (len(t.split()) >= 2 or len(CJK.findall(t)) >= 4 or names_event(t))
        and not t[:1].islower()
        and len(t) >= 8
        and not t.endswith(("?", "!", "？", "！", "。"))
        and not _TWO_SENTENCES.search(t)
    ]
    if hint:
        hint_key = hint.casefold()
        for i in candidates:
            if texts[i].casefold() in hint_key or hint_key in texts[i].casefold():
                return i
    for i in candidates:
        if names_event(texts[i]) and find_date(texts[i]) and not _SENTENCE.search(texts[i]):
            return i
    if date_index is not None:
        before = [
            i
            for i in candidates
            if i < date_index and not _is_place_line(texts[i]) and not _is_byline(texts[i])
        ][-3:]
        titled = [i for i in before if not texts[i].endswith(".")]
        for i in reversed(titled):
            if names_event(texts[i]):
                return i
        if titled:
            return titled[-1]
    for i in candidates:
        if names_event(texts[i]) and not _is_place_line(texts[i]):
            return i
    return candidates[0] if candidates else None


def _is_byline(text: str) -> bool:
    """ "Antony J. Blinken, Secretary of State", "Ned Price, Department Spokesperson"."""
    parts = [part.strip() for part in text.split(",")]
    return len(parts) == 2 and any(is_office(part) for part in parts)


def _is_place_line(text: str) -> bool:
    """ "Via Teleconference", "Lancaster House, London": a place or medium, not a title."""
    return text.casefold().startswith(("via ", "by phone", "by telephone")) or (
        is_place_like(text) and not names_event(text) and not is_heading(text)
    )


_QUOTES = {"“": "”", '"': '"', "«": "»", "„": "“", "‘": "’", "「": "」", "『": "』"}


def _unquoted(title: str) -> str:
    """ "“The Future of the Arctic Ports”" is titled "The Future of the Arctic Ports"."""
    if len(title) > 2 and _QUOTES.get(title[0]) == title[-1] and title[-1] not in title[1:-1]:
        return title[1:-1].strip()
    return title


def _hinted_title(hints: dict[str, str]) -> str | None:
    return squash(hints["title"]) if hints.get("title") else None
