"""The journal of pending index work: turn ids whose Whoosh documents must be brought up to date.

Every change is written here first; whoever holds the Whoosh writer lock applies the whole
journal and then drops exactly what it read, so an update is never lost while another process
writes (see archive.search.engines.whoosh.backend).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from contextlib import contextmanager


class PendingTurns:
    """An append-only file of turn ids whose index entries must be brought up to date.

    Appends take an exclusive flock, so that concurrent processes never interleave lines; the
    holder of the Whoosh writer lock reads it, applies it and then drops exactly what it read."""

    def __init__(self, path: str):
        self.path = path

    @contextmanager
    def _locked(self, mode: str):
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, mode) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, turn_ids: Iterable[int]) -> None:
        lines = "".join(f"{int(pk)}\n" for pk in turn_ids)
        if lines:
            with self._locked("ab") as handle:
                handle.write(lines.encode())

    def read(self) -> tuple[set[int], int]:
        """The pending ids and the number of bytes they took."""
        if not os.path.exists(self.path):
            return set(), 0
        with self._locked("rb") as handle:
            data = handle.read()
        end = data.rfind(b"\n") + 1
        ids = {int(line) for line in data[:end].split() if line.strip().isdigit()}
        return ids, end

    def discard(self, size: int) -> None:
        """Drop the first `size` bytes (what read() returned), keeping anything added since."""
        if size <= 0 or not os.path.exists(self.path):
            return
        with self._locked("r+b") as handle:
            rest = handle.read()[size:]
            handle.seek(0)
            handle.truncate()
            handle.write(rest)
