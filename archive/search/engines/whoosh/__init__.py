"""The embedded default engine: a Whoosh index in PARLEY_DATA_DIR, through haystack.

    backend.py   the haystack backend: searching, and writing under a bounded lock
    schema.py    the index's fields and how their text is analysed
    writer.py    a fast segment writer (the same index as Whoosh's own, written faster)
    lock.py      who holds the writer lock; breaking the lock of a writer that died

`WhooshEngine` is the engine interface over that backend. It extends the haystack engine
(archive.search.engines.haystack), since the Whoosh backend is a haystack backend: what it adds
are its faster search, spelling and check paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archive.search.engine import EngineQuery, EngineResult
from archive.search.engines.haystack import HaystackEngine
from archive.search.engines.whoosh import lock


class WhooshEngine(HaystackEngine):
    name = "whoosh"

    def search(self, query: EngineQuery) -> EngineResult:
        return self.backend.parley_search(query)

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        return self.backend.parley_suggest_spelling(words)

    def update(self, turn_ids: Iterable[int], wait: float) -> bool:
        """Bring these turns' documents up to date; False when another process held the writer
        lock for longer than `wait` seconds (nothing written then)."""
        return self.backend.apply_turns(turn_ids, wait)

    def indexed_digests(self) -> dict[int, str]:
        return self.backend.stored_digests()

    def lock_holder(self) -> str:
        return lock.describe_holder(self.backend.path)
