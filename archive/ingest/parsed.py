"""What the transcript parser gives back (``ParsedTranscript`` of ``ParsedTurn``), and the error
it raises (``ParseError``) when a file or a text cannot be read as a transcript.

Plain dataclasses, no Django: the loader turns them into rows. Reading a file
(``reading.py``) raises the same ``ParseError``, so callers catch one error type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

__all__ = ["ParseError", "ParsedTranscript", "ParsedTurn"]


class ParseError(ValueError):
    """The text cannot be read as a transcript; ``line`` points at the problem when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedTurn:
    position: int
    label: str
    text: str
    kind: str
    line: int

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []


@dataclass
class ParsedTranscript:
    title: str | None
    date: datetime.date | None
    location: str | None
    source_url: str | None
    source_name: str | None
    kind: str | None
    language: str
    turns: list[ParsedTurn]
    warnings: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
