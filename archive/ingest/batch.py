"""Ingesting many files: one after another, or in several worker processes at once.

Each file is still read, parsed and loaded in a transaction of its own (archive.ingest.load).
With `jobs` above one, the files are shared out among that many processes forked from this one
(each with database connections of its own), so that parsing, analysis and the database's work
use every core; the outcomes come back in the files' order. Index work needs nothing more: each
load records its index tasks in its own transaction (archive.search.indexing), and the caller's
bulk_indexing() applies them all at the end.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from django.db import connections

from archive.ingest.load import IngestOutcome, ingest_file


def _start_worker() -> None:
    connections.close_all()  # the parent's connections are not this process's to use


def _ingest(path: Path, *, texts: bool, **options) -> IngestOutcome:
    outcome = ingest_file(path, **options)
    return outcome if texts else outcome.without_texts()


def ingest_files(
    items: Iterable[Path | IngestOutcome], *, jobs: int = 1, texts: bool = True, **options
) -> Iterator[IngestOutcome]:
    """The outcome of each item in order: a path is ingested with `options` (as ingest_file
    takes them); an outcome (a missing path, an empty folder) is passed on as it is. Without
    `texts`, outcomes come without the source text and the turns' texts (IngestOutcome.
    without_texts: a report's lines need neither, and a worker need not send them back)."""
    items = list(items)
    paths = [item for item in items if not isinstance(item, IngestOutcome)]
    load = partial(_ingest, texts=texts, **options)
    if jobs <= 1 or len(paths) <= 1:
        for item in items:
            yield item if isinstance(item, IngestOutcome) else load(item)
        return
    connections.close_all()  # forked workers must not share this process's connections
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker) as pool:
        loaded = pool.map(load, paths, chunksize=1)
        for item in items:
            yield item if isinstance(item, IngestOutcome) else next(loaded)
