"""The language of a transcript, told from the text of its turns (archive.languages.detect:
Chinese, Japanese and Korean by their characters, the rest by the py3langid detector);
English when the text says too little."""

from __future__ import annotations

from archive.languages import detect

__all__ = ["guess_language"]


def guess_language(sample: str) -> str:
    """A language code ("en", "fr", "zh", ...) for a sample of the turns' text."""
    code, _ = detect(sample)
    return code or "en"
