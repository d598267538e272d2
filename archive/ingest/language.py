"""The language of a transcript, guessed from the text of its turns.

By script first (Japanese, Korean, Chinese, Russian, Arabic), else by counting common short
words (German, French, Spanish, Italian, Portuguese against English); English when no other
language scores higher.
"""

from __future__ import annotations

import re

from archive.ingest.lines import WORDS

__all__ = ["guess_language"]

_SCRIPTS = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
]
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "we", "in", "it", "you"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "wir", "ich", "mit", "zu"},
    "fr": {"le", "la", "les", "et", "est", "que", "nous", "des", "pas", "une"},
    "es": {"el", "la", "los", "y", "es", "que", "de", "en", "no", "una", "las"},
    "it": {"il", "di", "che", "è", "non", "e", "la", "per", "una", "sono"},
    "pt": {"o", "de", "que", "não", "e", "os", "uma", "é", "do", "da"},
}


def guess_language(sample: str) -> str:
    """A language code ("en", "fr", "zh", ...) for a sample of the turns' text."""
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) / letters > 0.2:
            if code == "zh" and _SCRIPTS[0][1].search(sample):
                return "ja"
            return code
    words = WORDS.findall(sample.casefold())
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] > scores["en"] else "en"
