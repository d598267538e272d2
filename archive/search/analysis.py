"""How text becomes searchable words: ONE folding table and ONE analysis, used by every engine,
the snippets, the transcript page's find and the topic tagger.

Pure Python (no Django, no engine): Whoosh's Porter stemmer and stop-word list are used as a
library. A search engine indexes what these functions give, and a query is analysed by the same
functions, so that every part of the archive agrees on what a word is:

* `fold(text)`: quote, apostrophe, dash and space styles made plain, one character for one
  (positions never move, so a snippet can show the text's own punctuation while matching the
  folded one): `you’ve` = `you've`, `so‑called` = `so-called`.
* `exact_words(text)`: the words, lower-cased and accent-folded, inner apostrophes and full stops
  kept (`you've`, `u.s`). What a quoted phrase matches.
* `content_words(words)`: those words without possessives ("russia's" -> "russia") and stop
  words; `stemmed_words(words)` stems them as well ("agreements" -> "agreement"). What a word of
  a query matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import STOP_WORDS as _WHOOSH_STOP_WORDS
from whoosh.lang.porter import stem as _porter_stem
from whoosh.support.charset import accent_map

# Quote, apostrophe, dash and space styles people paste from word processors and web pages.
FOLDING = {
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',  # ‟
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u2033": '"',  # ″
    "\uff02": '"',  # fullwidth "
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’ (the usual typographic apostrophe)
    "\u201a": "'",  # ‚
    "\u201b": "'",  # ‛
    "\u02bc": "'",  # ʼ
    "\u2032": "'",  # ′
    "\uff07": "'",  # fullwidth '
    "`": "'",
    "\u00b4": "'",  # ´
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\ufe63": "-",  # small hyphen-minus
    "\uff0d": "-",  # fullwidth hyphen-minus
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
}
_FOLDED = re.compile("[" + "".join(re.escape(char) for char in FOLDING) + "]")

# A word: letters and digits, with inner apostrophes and full stops kept (you've, U.S).
WORD_PATTERN = r"\w+(?:['.]\w+)*"
WORD_RE = re.compile(WORD_PATTERN)
STOP_WORDS = frozenset(_WHOOSH_STOP_WORDS)


def fold(text: str) -> str:
    """`text` with the styles in FOLDING made plain, one character for one."""
    # A regular expression finds the few characters to fold several times faster than
    # str.translate walks a text (this runs on every document indexed).
    return _FOLDED.sub(_fold_one, text)


def _fold_one(match: re.Match) -> str:
    return FOLDING[match.group()]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for every word of `text`, the word as exact_words() gives it;
    positions are in `text` itself."""
    for match in WORD_RE.finditer(fold(text)):
        yield match.start(), match.end(), match.group().lower().translate(accent_map)


def exact_words(text: str) -> list[str]:
    """The words of `text`, lower-cased, accents folded, nothing left out or stemmed."""
    text = fold(text)
    if text.isascii():  # lower-casing ASCII never moves a word boundary; accents: none
        return WORD_RE.findall(text.lower())
    return [word.lower().translate(accent_map) for word in WORD_RE.findall(text)]


def content_words(words: list[str]) -> list[str]:
    """exact_words() without possessives' "'s" and without stop words."""
    out = []
    for word in words:
        if word.endswith("'s"):
            word = word[:-2]
        if word and word not in STOP_WORDS:
            out.append(word)
    return out


_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """The Porter stem of one word (a plain dict as cache: the same words recur constantly)."""
    stemmed = _stems.get(word)
    if stemmed is None:
        if len(_stems) > 200_000:
            _stems.clear()
        stemmed = _stems[word] = _porter_stem(word)
    return stemmed


def stemmed_words(words: list[str]) -> list[str]:
    """content_words(), stemmed: what a word of a query matches."""
    return [stem(word) for word in content_words(words)]


def analyse(text: str, *, exact: bool = False) -> list[str]:
    """The terms an engine indexes for `text` and looks up for a query: exact words for a
    phrase (`exact`), else stemmed content words."""
    words = exact_words(text)
    return words if exact else stemmed_words(words)
