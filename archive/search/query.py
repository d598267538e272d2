"""The search query language, parsed without Django: text in, a `ParsedQuery` out.

What a person can type (explained on the search page):

    minsk agreements              words: every one must match (simple word forms match too)
    "Minsk agreements"            an exact phrase: these words, in this order, unstemmed
    taiwan OR "one china"         either side may match
    sanctions -oil                leave out turns with a word (or -"a phrase")
    speaker:blinken               a speaker's slug or any word of their name or alias
    topic:taiwan                  a topic's slug or name
    after:2021-01-01              on or after a date (2021, 2021-06 and 2021-06-30 all work)
    before:2021-12-31             on or before a date
    kind:briefing                 a kind of transcript (interview, briefing, remarks ...)
    lang:zh                       statements in a language (a code, or its name: lang:chinese)

The parser never fails: whatever it cannot use it leaves out, and says so in `notes`, which the
page shows to the reader. Quote, apostrophe and dash styles are folded as the index folds them
(archive.search.analysis), control characters are dropped, and overlong queries are cut.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date

from archive.search.analysis import fold

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 20
FILTER_NAMES = ("speaker", "topic", "kind", "lang", "after", "before")
LIST_FILTERS = {"speaker": "speakers", "topic": "topics", "kind": "kinds", "lang": "languages"}

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FILTER_RE = re.compile(r"^(?P<name>[A-Za-z]+):(?P<rest>.*)$", re.S)


def clean_query_text(text: str) -> str:
    """Drop control and formatting characters, fold quotes and dashes, squeeze whitespace."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Cs", "Co", "Cn"} or category.startswith("Z"):
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join(fold("".join(kept)).split())


@dataclass(frozen=True)
class Term:
    """A word as typed, or a quoted phrase."""

    text: str
    phrase: bool = False

    def to_text(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Clause:
    """One condition on a turn: any of `terms` (joined by OR) must match, or, when `exclude`
    is set, none of them may."""

    terms: tuple[Term, ...]
    exclude: bool = False

    def to_text(self) -> str:
        text = " OR ".join(term.to_text() for term in self.terms)
        return f"-{text}" if self.exclude else text


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the search layer uses it. Filters of one kind: any speaker, all topics, any kind."""

    clauses: tuple[Clause, ...] = ()
    speakers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speakers
            or self.topics
            or self.kinds
            or self.languages
            or self.after
            or self.before
        )

    @property
    def is_empty(self) -> bool:
        return not self.clauses and not self.has_filters

    @property
    def positive_clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.exclude)

    def without(self, *names: str) -> ParsedQuery:
        """This query without the named filters ("speaker", "topic", "kind", "lang", "after",
        "before") or, with "text", without its words and phrases."""
        changes: dict = {}
        for name in names:
            if name == "text":
                changes["clauses"] = ()
            elif name in LIST_FILTERS:
                changes[LIST_FILTERS[name]] = ()
            elif name in ("after", "before"):
                changes[name] = None
        return replace(self, **changes)

    def to_text(self) -> str:
        """The query written back in the query language (the same query when parsed again)."""
        parts = [clause.to_text() for clause in self.clauses]
        for name, attribute in LIST_FILTERS.items():
            parts.extend(f"{name}:{_filter_value(value)}" for value in getattr(self, attribute))
        if self.after:
            parts.append(f"after:{self.after.isoformat()}")
        if self.before:
            parts.append(f"before:{self.before.isoformat()}")
        return " ".join(parts)


def _filter_value(value: str) -> str:
    return f'"{value}"' if (" " in value or ":" in value) else value


def parse_date(value: str, *, end: bool = False) -> date | None:
    """2021, 2021-06 or 2021-06-30 as a date: the first day of the period, or with `end` the last."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    if match[3]:
        day = int(match[3])
    elif end and 1 <= month <= 12 and year >= 1:
        day = calendar.monthrange(year, month)[1]
    else:
        day = 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """Split into (prefix, text, quoted) tokens; a prefix is "-" or "name:" typed before a
    quoted phrase (-"a b", speaker:"Ned Price"). An unclosed quote runs to the end."""
    tokens: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        start = i
        while i < n and text[i] not in ' "':
            i += 1
        word = text[start:i]
        if i < n and text[i] == '"' and (word == "" or word == "-" or word.endswith(":")):
            close = text.find('"', i + 1)
            unclosed = close == -1
            body = text[i + 1 :] if unclosed else text[i + 1 : close]
            i = n if unclosed else close + 1
            tokens.append((word, body, True))
            if unclosed:
                tokens.append(("", "", False))  # marker for the note below
        else:
            if i < n and text[i] == '"':
                i += 1  # a stray quote inside a word (5"): ignore it
                word = word + " "
            if word.strip():
                tokens.append(("", word.strip(), False))
    return tokens


def parse_query(text: str | None) -> ParsedQuery:
    """Parse what a person typed; never raises. See the module docstring for the language."""
    notes: list[str] = []
    text = clean_query_text(text or "")
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notes.append(
            f"Your query was long, so only its first {MAX_QUERY_LENGTH} characters were used."
        )

    clauses: list[Clause] = []
    filters: dict[str, list[str]] = {name: [] for name in LIST_FILTERS}
    after: date | None = None
    before: date | None = None
    pending_or = False  # the previous token was OR
    negate_next = False  # the previous token was NOT

    def add_term(term: Term, exclude: bool) -> None:
        nonlocal pending_or
        if pending_or and clauses and not exclude and not clauses[-1].exclude:
            last = clauses[-1]
            clauses[-1] = Clause(last.terms + (term,), exclude=False)
        else:
            if pending_or:
                notes.append("OR needs a word or phrase on each side; it was left out.")
            clauses.append(Clause((term,), exclude=exclude))
        pending_or = False

    for prefix, body, quoted in _tokens(text):
        if not quoted and body == "" and prefix == "":
            notes.append("A quotation mark was not closed; the phrase was read to the end.")
            continue
        exclude = negate_next
        negate_next = False
        if quoted:
            name = prefix[:-1].lower() if prefix.endswith(":") else ""
            if prefix == "-":
                exclude = True
            if name in FILTER_NAMES:
                after, before = _apply_filter(name, body, filters, after, before, notes)
                continue
            if name and any(char.isalnum() for char in name):
                add_term(Term(prefix), exclude)  # re:"…" is a word and a phrase
            phrase = " ".join(body.split())
            if not any(char.isalnum() for char in phrase):
                if body.strip() or prefix:
                    notes.append('An empty phrase ("") was left out.')
                continue
            add_term(Term(phrase, phrase=True), exclude)
            continue

        token = body
        if token == "OR" or token == "|":
            if pending_or or not clauses:
                notes.append("OR needs a word or phrase on each side; it was left out.")
            pending_or = bool(clauses)
            continue
        if token in ("AND", "&", "&&", "+"):
            continue  # every word must match anyway
        if token == "NOT":
            negate_next = True
            continue
        if token.startswith("-") or token.startswith("+"):
            if token.startswith("-"):
                exclude = True
            token = token.lstrip("-+")
            if not token:
                notes.append("A minus sign needs a word after it (-word); it was left out.")
                continue
        match = _FILTER_RE.match(token)
        if match and match["name"].lower() in FILTER_NAMES:
            if exclude:
                notes.append(f"Filters cannot be excluded; “-{token}” was read as {token}.")
            after, before = _apply_filter(
                match["name"].lower(), match["rest"], filters, after, before, notes
            )
            continue
        if not any(char.isalnum() for char in token):
            continue  # punctuation on its own
        add_term(Term(token), exclude)

    if pending_or:
        notes.append("OR needs a word or phrase on each side; it was left out.")
    if negate_next:
        notes.append("NOT needs a word after it; it was left out.")
    only_exclusions = clauses and all(clause.exclude for clause in clauses)
    if only_exclusions and not any(filters.values()) and not (after or before):
        notes.append(
            "A query of exclusions alone matches nothing: add a word, a phrase or a filter."
        )
    if len(clauses) > MAX_CLAUSES:
        clauses = clauses[:MAX_CLAUSES]
        notes.append(f"Only the first {MAX_CLAUSES} words and phrases were used.")
    if after and before and after > before:
        notes.append("The after: date is later than the before: date, so nothing can match.")
    return ParsedQuery(
        clauses=tuple(clauses),
        after=after,
        before=before,
        notes=tuple(dict.fromkeys(notes)),
        **_lists(filters),
    )


def _lists(filters: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The list filters as ParsedQuery fields, each value once, in order."""
    return {LIST_FILTERS[name]: tuple(dict.fromkeys(values)) for name, values in filters.items()}


def _apply_filter(
    name: str,
    value: str,
    filters: dict[str, list[str]],
    after: date | None,
    before: date | None,
    notes: list[str],
) -> tuple[date | None, date | None]:
    value = " ".join(value.split()).strip()
    examples = {
        "speaker": "speaker:blinken",
        "topic": "topic:taiwan",
        "kind": "kind:briefing",
        "lang": "lang:zh",
        "after": "after:2021-01-01",
        "before": "before:2021-12-31",
    }
    if not value:
        notes.append(f"{name}: needs something after it, e.g. {examples[name]}; it was left out.")
        return after, before
    if name in ("after", "before"):
        parsed = parse_date(value, end=name == "before")
        if parsed is None:
            notes.append(
                f"“{value[:40]}” is not a date; {name}: takes a year, a month or a day "
                f"(2021, 2021-06 or 2021-06-30). It was left out."
            )
            return after, before
        if name == "after":
            return max(after, parsed) if after else parsed, before
        return after, min(before, parsed) if before else parsed
    filters[name].append(value[:100])
    return after, before


def merge_filters(
    parsed: ParsedQuery,
    *,
    speakers: Collection[str] = (),
    topics: Collection[str] = (),
    kinds: Collection[str] = (),
    languages: Collection[str] = (),
    after: str = "",
    before: str = "",
) -> ParsedQuery:
    """`parsed` with the filters chosen in the form's controls added (as if typed)."""
    notes = list(parsed.notes)
    filters = {name: list(getattr(parsed, attribute)) for name, attribute in LIST_FILTERS.items()}
    after_date, before_date = parsed.after, parsed.before
    chosen = [("speaker", v) for v in speakers] + [("topic", v) for v in topics]
    chosen += [("kind", v) for v in kinds] + [("lang", v) for v in languages]
    chosen += [("after", after), ("before", before)]
    for name, value in chosen:
        value = clean_query_text(value or "").replace('"', "")
        if value:
            after_date, before_date = _apply_filter(
                name, value, filters, after_date, before_date, notes
            )
    return replace(
        parsed,
        after=after_date,
        before=before_date,
        notes=tuple(dict.fromkeys(notes)),
        **_lists(filters),
    )
