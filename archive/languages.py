"""Languages: their names (for pages, facets and the `lang:` filter) and telling which language
a text is in, with py3langid (a maintained fork of langid.py) and the script of its letters.

Plain Python, no Django: the parser and the loader use it too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# ISO 639-1 code: (English name, the name in the language itself).
LANGUAGES = {
    "ar": ("Arabic", "العربية"),
    "de": ("German", "Deutsch"),
    "en": ("English", "English"),
    "es": ("Spanish", "Español"),
    "fa": ("Persian", "فارسی"),
    "fr": ("French", "Français"),
    "he": ("Hebrew", "עברית"),
    "hi": ("Hindi", "हिन्दी"),
    "it": ("Italian", "Italiano"),
    "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어"),
    "nl": ("Dutch", "Nederlands"),
    "pl": ("Polish", "Polski"),
    "pt": ("Portuguese", "Português"),
    "ru": ("Russian", "Русский"),
    "sv": ("Swedish", "Svenska"),
    "tr": ("Turkish", "Türkçe"),
    "uk": ("Ukrainian", "Українська"),
    "zh": ("Chinese", "中文"),
}
MIN_LETTERS = 20  # fewer letters than this say too little about a text's language
MIN_CJK_CHARACTERS = 5  # each says more: a word is one to three of them
MIN_CONFIDENCE = 0.9
# How much of a text is read to tell its language. The detector walks every byte in Python
# (about half a microsecond each), and a few hundred characters of running text already tell a
# language surely: a turn is judged by its opening, a transcript by a sample of its turns.
TEXT_SAMPLE_CHARS = 3000
TURN_SAMPLE_CHARS = 300


def name(code: str) -> str:
    """The English name of a language code ("zh" -> "Chinese"); the code when unknown."""
    return LANGUAGES.get(code, (code,))[0]


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@cache
def _names() -> dict[str, str]:
    names = {}
    for code, (english, native) in LANGUAGES.items():
        for label in (code, english, native):
            names[_key(label)] = code
    names.update({"chinese": "zh", "mandarin": "zh", "汉语": "zh", "普通话": "zh", "cn": "zh"})
    return names


def code_for(value: str) -> str | None:
    """The language a person means: a code ("zh"), a name in English ("Chinese") or in the
    language itself ("中文", "русский"); None when it names none."""
    key = _key(value)
    return _names().get(key) or (key if re.fullmatch(r"[a-z]{2}", key) else None)


_SCRIPT_LANGUAGE = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),  # kana: Japanese, even among Chinese characters
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"), "zh"),
)
_ANY_CJK = re.compile(r"[\u3040-\u30ff\uac00-\ud7af\u4e00-\u9fff\u3400-\u4dbf]")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(LANGUAGES))
    return identifier


def detect(text: str, sample_chars: int = TEXT_SAMPLE_CHARS) -> tuple[str | None, float]:
    """The language `text` (its first `sample_chars` characters) is most likely in and how sure
    that is (0 to 1), or (None, 0) when it has too few letters to tell. Chinese, Japanese and
    Korean by their characters; the rest by py3langid, among LANGUAGES."""
    text = text[:sample_chars]
    letters = _LETTER.findall(text)
    if _ANY_CJK.search(text):
        sample = "".join(letters)
        for pattern, code in _SCRIPT_LANGUAGE:
            found = len(pattern.findall(sample))
            if found >= MIN_CJK_CHARACTERS and found > len(letters) * 0.3:
                return code, 1.0
    if len(letters) < MIN_LETTERS:
        return None, 0.0
    code, probability = _identifier().classify(text)
    return code, float(probability)


def detect_confidently(text: str) -> str | None:
    """The language of `text` when detect() is sure of it (MIN_CONFIDENCE), else None."""
    code, confidence = detect(text)
    return code if confidence >= MIN_CONFIDENCE else None


def own_language(text: str, transcript_language: str) -> str:
    """A turn's language when it is surely not its transcript's (an interpreted question in a
    Chinese press conference), else "" (the transcript's)."""
    code, confidence = detect(text, TURN_SAMPLE_CHARS)
    return code if code and confidence >= MIN_CONFIDENCE and code != transcript_language else ""
