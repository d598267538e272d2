"""Spelling suggestions, engine-neutral: which words to check, within what cost, and which of an
engine's candidate words is the closest.

An engine supplies, for one unknown word, candidate words from its index with how often each
occurs; `ranked()` orders them the same way for every engine: the fewest edits (a swap of two
neighbouring letters is one edit: "minks" is one from "minsk", two from "mind"), then the most
used, then alphabetical; `corrected_clauses()` then offers the combination of corrections whose
search matches most. The cost is bounded: at most MAX_WORDS words, each at most
MAX_WORD_LENGTH characters, and no more than BUDGET seconds for one search, so that a query of
hundreds of unknown words never stalls a worker.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from archive.search.analysis import analyse
from archive.search.query import Clause, Term

MAX_DISTANCE = 2
MAX_WORDS = 5
MAX_WORD_LENGTH = 30
OPTIONS = 3  # corrections offered for a word, closest first
MAX_TRIES = 8  # combinations of them searched to find the one that matches
BUDGET = 0.5  # seconds for every suggestion of one search


class Budget:
    """The time one search's suggestions may take."""

    def __init__(self, seconds: float = BUDGET):
        self.deadline = time.monotonic() + seconds

    @property
    def spent(self) -> bool:
        return time.monotonic() > self.deadline


def words_to_check(words: Sequence[str], budget: Budget) -> Iterator[tuple[str, str]]:
    """(word as typed, its one exact token) for the words worth a suggestion, while the budget
    lasts: one word each (a token, not a phrase), 3 to MAX_WORD_LENGTH letters, at most
    MAX_WORDS of them."""
    checked = 0
    for word in dict.fromkeys(words):
        if checked >= MAX_WORDS or budget.spent:
            return
        tokens = analyse(word, exact=True)
        if len(tokens) != 1 or len(tokens[0]) > MAX_WORD_LENGTH or len(tokens[0]) < 3:
            continue
        checked += 1
        yield word, tokens[0]


def ranked(word: str, candidates: Iterable[tuple[str, int]], limit: int = OPTIONS) -> list[str]:
    """The candidates (word, occurrences) within MAX_DISTANCE edits of `word`, closest first."""
    keys = []
    for candidate, occurrences in candidates:
        if candidate == word or " " in candidate:
            continue
        distance = edit_distance(word, candidate, limit=MAX_DISTANCE)
        if distance <= MAX_DISTANCE:
            keys.append((distance, -occurrences, candidate))
    return [candidate for _, _, candidate in sorted(keys)[:limit]]


def corrected_clauses(
    clauses: tuple[Clause, ...],
    options: dict[str, list[str]],
    matches: Callable[[tuple[Clause, ...]], int] | None,
    budget: Budget,
) -> tuple[Clause, ...] | None:
    """The correction to offer: of the combinations of each word's options (closest first, at
    most MAX_TRIES of them), the one whose search matches most ("minks agrements": "minsk
    agreements" finds the statements that "minds agreements" does not), and none when no
    combination matches anything. Without `matches` (the query's filters match nothing
    anyway), the closest combination."""
    typed = [word for word in options if options[word]]
    choices = itertools.product(*(options[word] for word in typed))
    best: tuple[int, tuple[Clause, ...]] | None = None
    for combination in itertools.islice(choices, 1 if matches is None else MAX_TRIES):
        corrected = _replace_words(clauses, dict(zip(typed, combination, strict=True)))
        found = 1 if matches is None else matches(corrected)
        if found and (best is None or found > best[0]):
            best = (found, corrected)
        if budget.spent:
            break
    if best is None or best[1] == clauses:
        return None
    return best[1]


def _replace_words(clauses: tuple[Clause, ...], mapping: dict[str, str]) -> tuple[Clause, ...]:
    def corrected(term: Term) -> Term:
        if term.phrase:
            return Term(" ".join(mapping.get(w, w) for w in term.text.split()), True)
        return Term(mapping.get(term.text, term.text))

    return tuple(
        Clause(tuple(corrected(term) for term in clause.terms), clause.exclude)
        for clause in clauses
    )


def words_of(clauses: tuple[Clause, ...]) -> list[str]:
    """The words a person typed that a correction may change: every word of the query's
    positive words and phrases."""
    return [
        word
        for clause in clauses
        if not clause.exclude
        for term in clause.terms
        for word in (term.text.split() if term.phrase else [term.text])
    ]


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b: the optimal string
    alignment distance; above `limit` it is limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if before is not None and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)
