"""Dates in a transcript's header: finding one in a line, and telling a date line from a title.

``find_date`` reads English, German, French, Spanish, Italian, Portuguese and Russian month
names, ISO dates, and Chinese, Japanese (era years too) and Korean dates. ``split_date_line``
accepts a line that is essentially a date, perhaps with a weekday, a time and a place ("February
15, 2022, The Kremlin, Moscow"), and gives that place; ``is_place_like`` says whether a short
line could be a place.
"""

from __future__ import annotations

import datetime
import re

from archive.ingest.event_kinds import KIND_WORDS, guess_kind
from archive.ingest.labels import is_office
from archive.ingest.lines import CJK, STAMP, TIME, WORDS

__all__ = ["date_line", "find_date", "is_place_like", "split_date_line"]

_MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
    # German, French, Spanish, Italian, Portuguese (the ones that differ from English)
    "januar": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "enero": 1,
    "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12, "janeiro": 1, "fevereiro": 2, "março": 3,
    "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11,
    "dezembro": 12,
    # Russian (genitive, as in dates)
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DATE_PATTERNS = [
    # December 3, 2021 / Dec. 3, 2021
    (re.compile(rf"\b(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I), None),
    # 3 December 2021 / 3. Dezember 2021 / 3 de diciembre de 2021 / 3 декабря 2021
    (re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<m>{_MONTH_RE})\.?,?\s+(?:de\s+)?(?P<y>\d{{4}})\b", re.I), None),
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), int),
    (re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"), int),
    (re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"), int),
    # Japanese era years: 令和5年1月20日 is 2023-01-20 (令和 1 = 2019, 平成 1 = 1989)
    (re.compile(r"(?P<era>令和|平成)\s*(?P<y>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"), int),
]  # fmt: skip
_ERAS = {"令和": 2018, "平成": 1988}


def find_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    for pattern, month_type in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = int(m["m"]) if month_type else _MONTHS[m["m"].casefold()]
            year = m["y"]
            if "era" in m.re.groupindex:
                year = _ERAS[m["era"]] + (1 if year == "元" else int(year))
            try:
                return datetime.date(int(year), month, int(m["d"])), m
            except ValueError:
                continue
    return None


_TIME_ANYWHERE = re.compile(TIME)
# Words that may stand next to a date on a date line: "Friday, December 3, 2021", "Published on".
_DATE_FILLERS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun", "on", "at", "as", "of", "the", "published", "updated",
    "posted", "date", "dated", "released", "delivered", "le", "am", "den", "el", "du", "de",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "montag",
    "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lunes", "martes",
    "miércoles", "jueves", "viernes", "sábado", "domingo", "time", "hrs", "ist", "est", "edt",
    "cet", "cest", "gmt", "bst", "msk", "jst", "utc", "a", "p", "m",
}  # fmt: skip


_CJK_DATE_FILLER = re.compile(
    r"[（(]?[月火水木金土日]曜日?[）)]?|星期.|\d{1,2}\s*[時时点]\s*(?:\d{1,2}\s*分)?"
)
_CJK_AT = re.compile(r"[於于]\s*[:：]\s*")


def split_date_line(text: str) -> tuple[datetime.date, str] | None:
    """(date, place) for a line that is essentially a date, perhaps with a time and a place
    ("February 15, 2022, The Kremlin, Moscow"); None for other lines, including titles that
    contain a date ("Department Press Briefing – December 1, 2021")."""
    if len(text) > 100:
        return None
    found = find_date(text)
    if not found:
        return None
    date, m = found
    leftover = _TIME_ANYWHERE.sub(" ", text[: m.start()] + " , " + text[m.end() :])
    cjk_place = ""
    if (at := _CJK_AT.search(leftover)) is not None:
        # "（金曜日）16時05分　於：本省会見室": "於：" (at) introduces the place.
        leftover, cjk_place = leftover[: at.start()], leftover[at.end() :].strip()
    if guess_kind(leftover):
        return None
    leftover = _CJK_DATE_FILLER.sub(" ", leftover)
    # Each CJK character counts as a word: "2021年12月3日外交部发言人..." is a title.
    if len(CJK.findall(leftover)) > 3:
        return None
    if cjk_place:
        return date, cjk_place
    parts = []
    for part in re.split(r"[,;|–—()]|\s-\s", leftover):
        part = part.strip(" .-")
        if part and any(w.casefold() not in _DATE_FILLERS for w in WORDS.findall(part)):
            parts.append(part)
    place = ", ".join(parts)
    words = len(WORDS.findall(place))
    if not place:
        return date, ""
    if words <= 6 and all(is_place_like(part) for part in parts):
        return date, place
    return (date, "") if words <= 3 else None


def date_line(text: str) -> datetime.date | None:
    """The date when the line is essentially a date ("Friday, December 3, 2021, 14:30")."""
    found = split_date_line(text)
    return found[0] if found else None


def is_place_like(text: str) -> bool:
    """A short capitalised line that may name a place ("Lancaster House", "Washington, D.C.")."""
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 80 or ":" in text or not text[0].isupper():
        return False
    if text.casefold() in KIND_WORDS or STAMP.match(text) or find_date(text):
        return False
    if any(is_office(part) for part in text.split(",")):
        return False  # a byline: "Ned Price, Department Spokesperson"
    return not text.endswith(("?", "!", ".")) or text.endswith(("D.C.", ".C."))
