"""Pure helpers for people's names and the labels that stand for them (no Django).

``fold`` makes the key two spellings of a name share ("LÓPEZ OBRADOR" and "Lopez Obrador",
"Antony J. Blinken" and "Antony Blinken" through ``name_keys``). ``outlet_of`` recognises a media
outlet used as a label ("Reuters:", "China Daily:", "法新社记者"), ``generic_role`` the roles that
are never one person across transcripts ("MODERATOR", "SENIOR ADMINISTRATION OFFICIAL").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[.,:;!?\"“”()\[\]]")
_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Case, accents, full stops, apostrophe styles and spacing ignored: "LÓPEZ  OBRADOR." ->
    "lopez obrador"."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCTUATION.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def label_fold(label: str | None) -> str:
    """A label's key for curators' rules: folded, without its colon or a trailing note
    ("(As interpreted)")."""
    text = (label or "").strip().rstrip(":：").strip()
    while (stripped := _NOTE.sub("", text)) != text and stripped:
        text = stripped
    return fold(text)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


@lru_cache(maxsize=65536)
def name_keys(name: str) -> frozenset[str]:
    """The keys a full name is found by: as written, without middle initials ("Antony J.
    Blinken" -> "antony blinken"), and "Family, Given" turned around."""
    keys = set()
    folded = fold(name)
    if not folded:
        return frozenset()
    keys.add(folded)
    if "," in name:
        family, _, given = name.partition(",")
        keys.add(fold(f"{given} {family}"))
    words = folded.split()
    if len(words) > 2:
        keys.add(" ".join(w for w in words if len(w) > 1 or w == words[-1]))
    return frozenset(keys)


def in_text(name_key: str, folded_text: str) -> bool:
    """Does a folded name occur in a folded text as whole words (or anywhere, for CJK)?"""
    if not name_key:
        return False
    if has_cjk(name_key):
        return name_key in folded_text
    return re.search(rf"(?<!\w){re.escape(name_key)}(?!\w)", folded_text) is not None


# --- Media outlets -------------------------------------------------------------------------------

KNOWN_OUTLETS = {
    "reuters", "afp", "ap", "associated press", "bloomberg", "cnn", "bbc", "nhk", "cctv", "cgtn",
    "xinhua", "xinhua news agency", "china daily", "global times", "people's daily",
    "phoenix tv", "shenzhen tv", "dragon tv", "hubei media group", "beijing daily", "the paper",
    "china news service", "china national radio", "cnr", "china review news", "kyodo",
    "kyodo news", "asahi shimbun", "nikkei", "yomiuri shimbun", "tbs", "fuji tv", "yonhap",
    "kbs", "mbc", "sbs", "arirang", "tass", "ria novosti", "interfax", "sputnik", "rt", "izvestia",
    "kommersant", "efe", "ansa", "dpa", "anadolu agency", "al jazeera", "al arabiya", "prensa latina",
    "prasar bharati", "press trust of india", "pti", "the hindu", "dawn", "ukrinform", "fox news",
    "nbc", "nbc news", "cbs", "cbs news", "abc", "abc news", "npr", "pbs", "the new york times",
    "new york times", "the washington post", "washington post", "the wall street journal",
    "wall street journal", "politico", "axios", "financial times", "the guardian", "the economist",
    "le monde", "rfi", "france 24", "deutsche welle", "dw", "voice of america", "voa",
    "radio free asia", "rfa", "south china morning post", "scmp", "lianhe zaobao", "caixin",
    "macau monthly", "bernama", "vnexpress", "antara", "cna", "channel newsasia", "tv asahi",
    "jiji press", "jiji", "ria", "rossiya segodnya", "rossiya", "channel one", "news agency",
    "agence france-presse", "agence france presse", "rudaw", "aptn", "mastv", "sina", "ifeng",
    "china-arab tv", "cnbc", "cnn international", "sky news", "itv", "el pais", "el país",
}  # fmt: skip
_OUTLET_WORDS = {
    "tv", "television", "news", "daily", "times", "post", "press", "radio", "network", "agency",
    "media", "shimbun", "journal", "telegraph", "herald", "tribune", "broadcasting", "channel",
    "monthly", "weekly", "magazine", "gazette", "observer", "chronicle", "newspaper", "ilbo",
    "nippo", "bao", "zeitung", "wire", "newswire",
}  # fmt: skip
_REPORTER_SUFFIXES = ("记者", "記者", "기자")
_REPORTER_WORDS = ("reporter", "correspondent", "journalist")


_ACRONYMS = {"cctv", "tass", "cgtn", "scmp", "cnbc", "aptn", "mastv"}


def _outlet_name(text: str) -> str:
    """An outlet's name as written, or title-cased from capitals ("REUTERS" -> "Reuters",
    "SHENZHEN TV" -> "Shenzhen TV"); acronyms stay ("NHK", "CCTV")."""
    if text != text.upper() or has_cjk(text):
        return text
    return " ".join(
        word if len(word) <= 3 or word.casefold() in _ACRONYMS else word.capitalize()
        for word in text.split()
    )


def outlet_of(label: str) -> str | None:
    """The media outlet a label names, when the label is an outlet standing for its reporter:
    "Reuters", "China Daily", "Shenzhen TV", "NHK", "法新社记者" ("法新社"), "BBC correspondent"."""
    found = _outlet_of(label)
    return _outlet_name(found) if found else None


def _outlet_of(label: str) -> str | None:
    text = _NOTE.sub("", (label or "").strip().rstrip(":：").strip())
    key = fold(text)
    if not key:
        return None
    for suffix in _REPORTER_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return text[: -len(suffix)].strip()
    words = key.split()
    if len(words) >= 2 and words[-1] in _REPORTER_WORDS:
        return " ".join(text.split()[:-1])
    if key in KNOWN_OUTLETS:
        return text
    if 2 <= len(words) <= 5 and (words[-1] in _OUTLET_WORDS or set(words[1:]) & _OUTLET_WORDS):
        return text
    return None


# --- Roles that are never one person -------------------------------------------------------------

# The kind of participant a role label makes (as Speaker.Kind values); "official" otherwise.
_ROLE_KINDS = {
    "moderator": "moderator", "operator": "moderator", "host": "moderator", "chair": "moderator",
    "chairman": "moderator", "chairwoman": "moderator", "presenter": "moderator",
    "interviewer": "journalist", "anchor": "journalist", "interpreter": "interpreter",
    "translator": "interpreter", "participant": "unidentified", "audience member": "unidentified",
    "remark": "unidentified", "follow-up": "journalist", "follow up": "journalist",
    "追问": "journalist", "问": "journalist",
}  # fmt: skip
_NUMBERING = re.compile(r"\s*(?:#\s*)?(?:\d+|[ivx]+|one|two|three|four|five)$")


def role_kind(label: str) -> str:
    """The participant kind of a role label: "MODERATOR" -> "moderator", "INTERPRETER" ->
    "interpreter", "SENIOR ADMINISTRATION OFFICIAL 2" -> "official"."""
    key = _NUMBERING.sub("", fold(label)).strip()
    if key in _ROLE_KINDS:
        return _ROLE_KINDS[key]
    for word in reversed(key.split()):
        if word in _ROLE_KINDS:
            return _ROLE_KINDS[word]
    return "official"


def display_role(label: str) -> str:
    """A role label as a participant's name: "SENIOR ADMINISTRATION OFFICIAL" -> "Senior
    Administration Official", "THE PRESIDENT" -> "The President"; mixed case is kept."""
    text = _NOTE.sub("", (label or "").strip().rstrip(":：").strip()) or label
    if text != text.upper() or has_cjk(text):
        return text
    small = {"of", "the", "for", "and", "on", "in", "to", "at"}
    words = []
    for i, word in enumerate(text.split()):
        lower = word.lower()
        if i and lower in small:
            words.append(lower)
        elif lower in {"u.s.", "us", "un", "u.n.", "nato", "eu", "uk", "nsc"}:
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def sort_name_for(name: str, family_name: str = "") -> str:
    """ "Blinken, Antony" for sorting by family name (a name whose family name comes first, as
    "Moon Jae-in", is sorted as written)."""
    name = (name or "").strip()
    family = (family_name or "").strip()
    if not family:
        words = name.split()
        family = words[-1] if len(words) > 1 else ""
    if family and name.endswith(" " + family):
        return f"{family}, {name[: -len(family)].strip()}"
    return name
