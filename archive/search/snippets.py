"""Where a query matches a text, for people: highlighted snippets for results, and the marked
pieces of a whole turn for the transcript page's find.

Words match by stem and phrases by their exact word sequence, through archive.search.analysis,
exactly as the engines match them. Matching reads the folded text; what is shown is the text's
own punctuation (folding maps one character to one, so positions agree). Transcript text is
always escaped; only <mark> is added.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.utils.safestring import SafeString, mark_safe

from archive.search.analysis import analyse, stemmed_words, word_spans
from archive.search.query import Clause

SNIPPET_LENGTH = 320


@cache
def _stem(word: str, language: str = "en") -> str:
    stems = stemmed_words([word], language)
    return stems[0] if stems else ""


@dataclass
class _Wanted:
    """What a set of clauses looks for: stems of words, and phrases as exact word lists."""

    stems: set[str]
    phrases: list[list[str]]
    language: str = "en"

    @classmethod
    def of(cls, clauses: Sequence[Clause], language: str = "en") -> _Wanted:
        stems: set[str] = set()
        phrases: list[list[str]] = []
        for clause in clauses:
            if clause.exclude:
                continue
            for term in clause.terms:
                if term.phrase:
                    words = analyse(term.text, exact=True)
                    if words:
                        phrases.append(words)
                else:
                    stems.update(analyse(term.text, language=language))
        return cls(stems, phrases, language)


def _marked(words: list[str], wanted: _Wanted) -> list[bool]:
    """For each word of a text, whether it is (part of) a match."""
    marked = [False] * len(words)
    if wanted.stems:
        for i, word in enumerate(words):
            if _stem(word, wanted.language) in wanted.stems:
                marked[i] = True
    for phrase in wanted.phrases:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if words[i : i + size] == phrase:
                marked[i : i + size] = [True] * size
    return marked


def clause_matches(words: list[str], clause: Clause, language: str = "en") -> bool:
    """Whether any term of the clause occurs in these exact_words() of a text in `language`."""
    stems = {_stem(word, language) for word in words}
    for term in clause.terms:
        if term.phrase:
            phrase = analyse(term.text, exact=True)
            size = len(phrase)
            if phrase and any(words[i : i + size] == phrase for i in range(len(words) - size + 1)):
                return True
        else:
            wanted = analyse(term.text, language=language)
            if wanted and all(stem in stems for stem in wanted):
                return True
    return False


def text_matches(text: str, clauses: Sequence[Clause], language: str = "en") -> bool:
    """Whether `text` matches the clauses as a search would: every positive clause, no
    excluded one (a clause with nothing to look for is left out, as the engines leave it)."""
    words = [word for _, _, word in word_spans(text)]
    for clause in clauses:
        searchable = any(analyse(term.text, exact=term.phrase) for term in clause.terms)
        if searchable and clause_matches(words, clause, language) == clause.exclude:
            return False
    return True


def _marked_intervals(
    spans: list[tuple[int, int, str]], marked: list[bool], text: str
) -> list[tuple[int, int]]:
    """The marked words as character intervals, overlapping CJK pairs merged, and words of one
    phrase (only spaces between them) joined into one."""
    intervals: list[list[int]] = []
    for (start, end, _), is_match in zip(spans, marked, strict=True):
        if not is_match:
            continue
        if intervals and (start <= intervals[-1][1] or not text[intervals[-1][1] : start].strip()):
            intervals[-1][1] = max(intervals[-1][1], end)
        else:
            intervals.append([start, end])
    return [(start, end) for start, end in intervals]


def highlight(text: str, clauses: Sequence[Clause], language: str = "en") -> list[tuple[str, bool]]:
    """The whole of `text` as (piece, is_match) pieces, for a template to escape and mark."""
    spans = list(word_spans(text))
    marked = _marked([word for _, _, word in spans], _Wanted.of(clauses, language))
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in _marked_intervals(spans, marked, text):
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces


def build_snippet(
    text: str, clauses: Sequence[Clause], length: int = SNIPPET_LENGTH, *, language: str = "en"
) -> SafeString:
    """An extract of `text` around the best cluster of matches, escaped, matches in <mark>."""
    text = text or ""
    found = list(word_spans(text))
    marked = _marked([word for _, _, word in found], _Wanted.of(clauses, language))
    return _snippet(text, found, marked, length)


def snippet_marking(
    text: str, intervals: Sequence[tuple[int, int]], length: int = SNIPPET_LENGTH
) -> SafeString:
    """An extract of `text` around the words inside `intervals` (character positions found by
    another matcher: the phrase a topic was tagged by), escaped, those words in <mark>."""
    text = text or ""
    found = list(word_spans(text))
    marked = [any(a <= start and end <= b for a, b in intervals) for start, end, _ in found]
    return _snippet(text, found, marked, length)


def _snippet(
    text: str, found: list[tuple[int, int, str]], marked: list[bool], length: int
) -> SafeString:
    if not found:
        return mark_safe(html.escape(text[:length]))
    spans = [(start, end) for start, end, _ in found]
    # Choose the window (by characters) holding the most marked words.
    hits = [i for i, m in enumerate(marked) if m]
    start_char = 0
    if hits:
        best, best_count = hits[0], 0
        right = 0
        for left_index, left in enumerate(hits):
            while right < len(hits) and spans[hits[right]][1] - spans[left][0] <= length * 0.8:
                right += 1
            if right - left_index > best_count:
                best, best_count = left, right - left_index
        start_char = max(0, spans[best][0] - length // 5)
    if start_char:
        # Start at a word boundary.
        start_char = next((a for a, _ in spans if a >= start_char), start_char)
    end_char = min(len(text), start_char + length)
    if end_char < len(text):
        inside = [b for a, b in spans if b <= end_char and a >= start_char]
        if inside:
            end_char = inside[-1]
    out = ["… "] if start_char > 0 else []
    cursor = start_char
    for start, end in _marked_intervals(found, marked, text):
        if start < start_char or end > end_char:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:end_char]))
    if end_char < len(text):
        out.append(" …")
    return mark_safe("".join(out))
