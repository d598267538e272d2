"""The embedded default engine: a Whoosh index in PARLEY_DATA_DIR, through haystack.

    backend.py   the haystack backend: searching, and writing under a bounded lock
    schema.py    the index's fields and how their text is analysed
    writer.py    a fast segment writer (the same index as Whoosh's own, written faster)
    journal.py   the journal of pending index work next to the index

`WhooshEngine` is the engine interface over that backend.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

from archive.search.engine import EngineQuery, EngineResult
from archive.search.engines.haystack import HaystackEngine

log = logging.getLogger(__name__)

SYNC_WAIT = 3.0  # seconds a request waits for the index writer before handing over to a thread
BACKGROUND_WAIT = 600.0

_background_lock = threading.Lock()
_background_running: set[str] = set()


class WhooshEngine(HaystackEngine):
    name = "whoosh"

    def search(self, query: EngineQuery) -> EngineResult:
        return self.backend.parley_search(query)

    def suggest_spelling(self, words: Sequence[str]) -> dict[str, str]:
        return self.backend.parley_suggest_spelling(words)

    def update(self, turn_ids: Iterable[int]) -> None:
        """Bring these turns' documents up to date now; when another process holds the writer
        lock for more than SYNC_WAIT seconds, the ids wait in the journal and a thread of this
        process applies it once the lock is free (so a request never waits long)."""
        backend = self.backend
        if not backend.sync_turns(turn_ids, wait=SYNC_WAIT):
            _flush_in_background(backend)

    def indexed_digests(self) -> dict[int, str]:
        return self.backend.stored_digests()


def _flush_in_background(backend) -> None:
    """Apply the journal when the other writer lets go, off the request."""
    with _background_lock:
        if backend.path in _background_running:
            return
        _background_running.add(backend.path)

    def run():
        from django.db import connections as db_connections

        try:
            if not backend.flush_pending(wait=BACKGROUND_WAIT):
                log.warning("The search index stayed locked; pending updates wait in the journal")
        except Exception:
            log.exception("Applying pending search index updates failed")
        finally:
            with _background_lock:
                _background_running.discard(backend.path)
            db_connections.close_all()

    threading.Thread(target=run, name="parley-index-flush", daemon=True).start()
