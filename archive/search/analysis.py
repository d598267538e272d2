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
  words; `stemmed_words(words, language)` stems them as well, in the text's language
  ("agreements" -> "agreement", "соглашений" -> "соглашен"). What a word of a query matches.

Languages: Chinese, Japanese and Korean have no spaces between words, so a run of their
characters is read as overlapping pairs of characters ("外交部" -> "外交", "交部"), as Lucene's
CJK analyzer does: a word or a phrase of two or more characters is then found wherever it
stands. Other languages are stemmed with their Snowball stemmer (English with Whoosh's Porter
stemmer, as the archive always has). A query word is analysed for every language it could be
in (`query_alternatives`), so one query box serves a mixed archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache

import snowballstemmer
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
    "\u3000": " ",  # ideographic space
    "\u0451": "\u0435",  # ё -> е, as Russian is usually typed
    "\u0401": "\u0415",  # Ё -> Е
}
_FOLDED = re.compile("[" + "".join(re.escape(char) for char in FOLDING) + "]")

# A word: letters and digits, with inner apostrophes and full stops kept (you've, U.S).
WORD_PATTERN = r"\w+(?:['.]\w+)*"
WORD_RE = re.compile(WORD_PATTERN)
STOP_WORDS = frozenset(_WHOOSH_STOP_WORDS)
ANALYSIS_VERSION = 2  # raise it when what an index holds for a text changes (documents digest it)

# Han, kana, Hangul: written without spaces between words; read as overlapping pairs.
CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
_CJK_CHAR = re.compile(f"[{CJK}]")
_CJK_OR_OTHER = re.compile(f"[{CJK}]+|[^{CJK}]+")

# The languages whose words are stemmed, with the script they are written in (a query word is
# stemmed for the languages of its own script). English keeps Whoosh's Porter stemmer.
SNOWBALL = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "es": "spanish",
    "fa": "persian", "fi": "finnish", "fr": "french", "hi": "hindi", "hu": "hungarian",
    "id": "indonesian", "it": "italian", "nl": "dutch", "no": "norwegian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
SCRIPTS = {
    "latin": ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "hu", "pl",
              "ro", "tr", "id"),
    "cyrillic": ("ru",),
    "arabic": ("ar", "fa"),
    "greek": ("el",),
    "devanagari": ("hi",),
}  # fmt: skip


def fold(text: str) -> str:
    """`text` with the styles in FOLDING made plain, one character for one."""
    # A regular expression finds the few characters to fold several times faster than
    # str.translate walks a text (this runs on every document indexed).
    return _FOLDED.sub(_fold_one, text)


def _fold_one(match: re.Match) -> str:
    return FOLDING[match.group()]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for every word of `text`, the word as exact_words() gives it;
    positions are in `text` itself (two neighbouring CJK pairs overlap by a character)."""
    for match in WORD_RE.finditer(fold(text)):
        word = match.group()
        if _CJK_CHAR.search(word):
            yield from _cjk_spans(word, match.start())
        else:
            yield match.start(), match.end(), word.lower().translate(accent_map)


def _cjk_spans(word: str, offset: int) -> Iterator[tuple[int, int, str]]:
    """A word that holds CJK characters: each run of them as overlapping pairs (a lone
    character as itself), anything else in it as a word of its own ("G20峰会": "g20", "峰会")."""
    for part in _CJK_OR_OTHER.finditer(word):
        start, run = offset + part.start(), part.group()
        if not _CJK_CHAR.match(run):
            for inner in WORD_RE.finditer(run):
                yield (
                    start + inner.start(),
                    start + inner.end(),
                    inner.group().lower().translate(accent_map),
                )
        elif len(run) == 1:
            yield start, start + 1, run
        else:
            for i in range(len(run) - 1):
                yield start + i, start + i + 2, run[i : i + 2]


def exact_words(text: str) -> list[str]:
    """The words of `text`, lower-cased, accents folded, nothing left out or stemmed (CJK as
    overlapping pairs of characters)."""
    text = fold(text)
    if text.isascii():  # lower-casing ASCII never moves a word boundary; accents: none
        return WORD_RE.findall(text.lower())
    if not _CJK_CHAR.search(text):
        return [word.lower().translate(accent_map) for word in WORD_RE.findall(text)]
    return [word for _, _, word in word_spans(text)]


def content_words(words: list[str]) -> list[str]:
    """exact_words() without possessives' "'s" and without stop words."""
    out = []
    for word in words:
        if word.endswith("'s"):
            word = word[:-2]
        if word and word not in STOP_WORDS:
            out.append(word)
    return out


# The language a word is stemmed in when it is not written in its text's script (an English
# quotation in a Russian transcript, a Russian name in an English one).
SCRIPT_LANGUAGE = {
    "latin": "en",
    "cyrillic": "ru",
    "arabic": "ar",
    "greek": "el",
    "devanagari": "hi",
}
LANGUAGE_SCRIPT = {language: name for name, languages in SCRIPTS.items() for language in languages}


@cache
def _stem_function(language: str) -> Callable[[str], str]:
    if language in SNOWBALL:
        return snowballstemmer.stemmer(SNOWBALL[language]).stemWord
    return _porter_stem  # English


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """The stemmer for words of a text in `language`, with a cache of its own: each word is
    stemmed in the text's language when it is written in that language's script, else in its
    own script's language; CJK pairs and words of other scripts are left as they are."""
    own_script = LANGUAGE_SCRIPT.get(language)
    stems: dict[str, str] = {}

    def stem_word(word: str) -> str:
        stemmed = stems.get(word)
        if stemmed is None:
            if len(stems) > 200_000:
                stems.clear()
            written_in = script(word)
            if written_in == own_script:
                stemmed = _stem_function(language)(word)
            elif written_in in SCRIPT_LANGUAGE:
                stemmed = _stem_function(SCRIPT_LANGUAGE[written_in])(word)
            else:
                stemmed = word
            stems[word] = stemmed
        return stemmed

    return stem_word


def stem(word: str, language: str = "en") -> str:
    """The stem of one word of a text in `language` (stemmer())."""
    return stemmer(language)(word)


def stemmed_words(words: list[str], language: str = "en") -> list[str]:
    """content_words(), stemmed in `language`: what a word of a query matches."""
    stem_word = stemmer(language)
    return [stem_word(word) for word in content_words(words)]


def document_terms(text: str, language: str = "en") -> tuple[list[str], list[str]]:
    """What an engine indexes for a text in a language: its exact words (for phrases) and its
    stemmed content words (for words), each in the text's order."""
    words = exact_words(text)
    return words, stemmed_words(words, language)


def phrase_terms(text: str, language: str = "en") -> list[str]:
    """Every word of a text, stemmed in its language, possessives dropped, nothing left out:
    for matching a phrase word for word whatever its case, quotes, dashes or inflection
    ("the Minsk agreement" in "the so-called Minsk agreements"; "Минские соглашения" in
    "Минских соглашений"; "明斯克协议" as its run of character pairs)."""
    stem_word = stemmer(language)
    terms = []
    for word in exact_words(text):
        if word.endswith("'s"):
            word = word[:-2]
        if word:
            terms.append(stem_word(word))
    return terms


def script(word: str) -> str:
    """The script a word is written in, by its first letter ("latin" for digits alone)."""
    for char in word:
        if char.isalpha():
            return _script_of(char)
    return "latin"


def _script_of(char: str) -> str:
    code = ord(char)
    if code < 0x0250:
        return "latin"
    if 0x0370 <= code < 0x0400:
        return "greek"
    if 0x0400 <= code < 0x0530:
        return "cyrillic"
    if 0x0600 <= code < 0x0700 or 0x0750 <= code < 0x0780 or 0xFB50 <= code < 0xFE00:
        return "arabic"
    if 0x0900 <= code < 0x0980:
        return "devanagari"
    if _CJK_CHAR.match(char):
        return "cjk"
    return "other"


def query_alternatives(text: str, languages: Sequence[str] = ()) -> list[tuple[str, ...]]:
    """The ways a query word may be indexed: its stemmed content words as a text in English or
    in each of `languages` would stem them, without repeats (a language of another script
    stems them as English does, so repeats are many). A turn matches the word when it holds
    every stem of one alternative ("外交部": ("外交", "交部"))."""
    words = content_words(exact_words(text))
    if not words:
        return []
    alternatives = dict.fromkeys(
        tuple(stem(word, language) for word in words) for language in ("en", *languages)
    )
    return list(alternatives)


def analyse(text: str, *, exact: bool = False, language: str = "en") -> list[str]:
    """The terms an engine indexes for `text` (in `language`) and looks up for a query: exact
    words for a phrase (`exact`), else stemmed content words."""
    words = exact_words(text)
    return words if exact else stemmed_words(words, language)
