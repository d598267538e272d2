"""Source rules: which site a transcript comes from, and which lines of that site are page chrome.

The rules themselves are data in ``sources.toml``; this module loads them once, detects the
source of a text, and offers the general (site-independent) chrome heuristics the parser uses.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("sources.toml")
GENERIC = "generic"

# Markers are looked for near the start and the end of a text only: chrome lives there, and a
# 5 MB transcript should not be scanned once per marker.
_MARKER_WINDOW = 6000

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def line_key(line: str) -> str:
    """A line compared with chrome lists: casefolded, quotes straightened, spaces collapsed."""
    return _SPACES.sub(" ", line.translate(_QUOTES)).strip().casefold()


@dataclass(frozen=True)
class SourceRule:
    """One site's rules (merged with the [common] rules, see ``load_rules``)."""

    name: str
    source_name: str | None
    url_patterns: tuple[re.Pattern[str], ...] = ()
    filename_patterns: tuple[re.Pattern[str], ...] = ()
    text_markers: tuple[str, ...] = ()
    drop_lines: frozenset[str] = frozenset()
    drop_patterns: tuple[re.Pattern[str], ...] = ()
    footer_markers: frozenset[str] = frozenset()
    boilerplate_patterns: tuple[re.Pattern[str], ...] = ()
    non_speaker_labels: frozenset[str] = field(default_factory=frozenset)

    def is_chrome(self, line: str) -> bool:
        """True for a line that is page furniture (banner, navigation, copyright) on this site."""
        key = line_key(line)
        if not key:
            return False
        if key in self.drop_lines:
            return True
        return any(p.search(key) for p in self.drop_patterns)

    def is_boilerplate(self, line: str) -> bool:
        """True for a header note that is neither title nor speech ("(As delivered)", "E&OE")."""
        key = line_key(line)
        return any(p.search(key) for p in self.boilerplate_patterns)

    def is_footer_marker(self, line: str) -> bool:
        return line_key(line) in self.footer_markers

    def is_non_speaker(self, label: str) -> bool:
        return line_key(label).rstrip(".") in self.non_speaker_labels


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _keys(lines: list[str]) -> frozenset[str]:
    return frozenset(line_key(s) for s in lines)


@cache
def load_rules() -> dict[str, SourceRule]:
    """All rules by name, each merged with [common]; the "generic" rule is [common] alone."""
    with RULES_FILE.open("rb") as f:
        data = tomllib.load(f)
    common = data.get("common", {})

    def merged(raw: dict) -> SourceRule:
        def both(key: str) -> list[str]:
            return list(common.get(key, [])) + list(raw.get(key, []))

        return SourceRule(
            name=raw["name"],
            source_name=raw.get("source_name"),
            url_patterns=_compile(raw.get("url_patterns", [])),
            filename_patterns=_compile(raw.get("filename_patterns", [])),
            text_markers=tuple(raw.get("text_markers", [])),
            drop_lines=_keys(both("drop_lines")),
            drop_patterns=_compile(both("drop_patterns")),
            footer_markers=_keys(both("footer_markers")),
            boilerplate_patterns=_compile(both("boilerplate_patterns")),
            non_speaker_labels=_keys(both("non_speaker_labels")),
        )

    rules = {GENERIC: merged({"name": GENERIC, "source_name": None})}
    for raw in data.get("source", []):
        rules[raw["name"]] = merged(raw)
    return rules


def get_rule(name: str) -> SourceRule:
    """The rule called ``name``; KeyError names the known rules."""
    rules = load_rules()
    try:
        return rules[name]
    except KeyError:
        known = ", ".join(sorted(rules))
        raise KeyError(f"unknown source rule {name!r} (known: {known})") from None


def detect_source(text: str, *, filename: str | None = None, url: str | None = None) -> SourceRule:
    """The rule that best matches the address, the file name and the text's markers.

    An address match outweighs a file-name match, which outweighs text markers; with no
    evidence at all the generic rule is returned.
    """
    head, tail = text[:_MARKER_WINDOW], text[-_MARKER_WINDOW:]
    best, best_score = get_rule(GENERIC), 0
    for rule in load_rules().values():
        if rule.name == GENERIC:
            continue
        score = 0
        if url and any(p.search(url) for p in rule.url_patterns):
            score += 100
        if filename:
            base = Path(filename).name
            if any(p.search(base) for p in rule.filename_patterns):
                score += 10
        score += sum(1 for m in rule.text_markers if m in head or m in tail)
        if score > best_score:
            best, best_score = rule, score
    return best
