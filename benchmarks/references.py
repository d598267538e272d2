"""Reference lines for benchmarks/bench.py: the same turns searched outside Parley.

Both lines read one SQLite file that `build_reference_database` writes with sqlite-utils from the
Django database the benchmark has just searched: a table `turns` (id = the turn's primary key,
text, speaker name, transcript title, transcript date) of the turns Parley searches (published
speech), and its FTS5 index `turns_fts` over `text` (sqlite-utils' `enable_fts`, tokenizer
`porter`: Porter stems over unicode61, the tokenizer the earlier reference line used).

* `time_fts5`: "bare FTS5, top 10 + count, no HTTP": for each query, in this process, the ten
  best-ranked matches (`ORDER BY rank LIMIT 10`) and `count(*)` of all matches.
* `time_datasette`: the same file served by `datasette serve` (a subprocess on a free local port,
  see `datasette_server`), each query one HTTP GET of its JSON table endpoint,
  `/<db>/turns.json?_search=...&_size=20`, over one keep-alive connection. Datasette answers
  with the first 20 matching rows in rowid order (its table search does not sort by rank) and
  the count of all matching rows (`filtered_table_rows_count`).

The queries are bench.py's: words are ANDed (`"w1" "w2"` in FTS5; Datasette's default escaped
search mode does the same), a quoted phrase is an FTS5 phrase (`_searchmode=raw` for
Datasette), and `speaker:<surname>` becomes `speaker LIKE '%surname%'` (Datasette's
`speaker__contains=`). Both lines return their match counts, so that a run can check that
Datasette searched what FTS5 searched.

sqlite-utils and Datasette are the optional extra `bench` (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TABLE = "turns"
PAGE_SIZE = 20  # Datasette's page, as Parley's
TOP = 10  # the bare FTS5 line's top-N
# Datasette's settings for the run: no suggested facets (Parley's "no facets" line is the one
# to compare with), and a time limit high enough that every count is answered, not cut off.
DATASETTE_SETTINGS = {"suggest_facets": "off", "sql_time_limit_ms": "60000"}

INSTALL_HINT = "install the benchmark's extra: .venv/bin/pip install -e '.[test,bench]'"


def require(module: str, purpose: str) -> None:
    """Stop with an install hint, before any long work, if `module` is missing."""
    try:
        __import__(module)
    except ImportError:
        raise SystemExit(f"{purpose} needs {module}: {INSTALL_HINT}") from None


def split_query(q: str) -> tuple[str, str | None]:
    """A bench.py query as (words or "phrase", surname or None)."""
    if " speaker:" in q:
        q, speaker = q.split(" speaker:", 1)
        return q, speaker
    return q, None


def fts5_match(q: str) -> str:
    """The FTS5 MATCH expression: a quoted phrase as it is, else each word quoted (ANDed)."""
    return q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())


def build_reference_database(path: Path) -> dict:
    """Write the turns Parley searches into a fresh SQLite file at `path`, with sqlite-utils,
    and index their text with FTS5. Returns the row count and the seconds each step took."""
    import sqlite_utils

    from archive.models import Turn

    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    db = sqlite_utils.Database(path)
    rows = (
        {"id": pk, "text": text, "speaker": speaker or "", "title": title, "date": date}
        for pk, text, speaker, title, date in Turn.objects.published()
        .speech()
        .order_by("pk")
        .values_list("pk", "text", "speaker__name", "transcript__title", "transcript__date")
        .iterator(chunk_size=5000)
    )
    db[TABLE].insert_all(
        rows,
        pk="id",
        batch_size=1000,
        columns={"id": int, "text": str, "speaker": str, "title": str, "date": str},
    )
    loaded = time.perf_counter()
    db[TABLE].enable_fts(["text"], tokenize="porter")
    db.execute("ANALYZE")
    count = db[TABLE].count
    db.close()
    done = time.perf_counter()
    return {"rows": count, "insert_s": loaded - start, "fts_s": done - loaded}


def time_fts5(
    path: Path, queries: dict[str, list[str]]
) -> tuple[dict[str, list[float]], dict[str, list[int]]]:
    """Bare FTS5, top 10 by rank + count(*), in this process: seconds and counts per kind."""
    db = sqlite3.connect(str(path))
    fts = f"{TABLE}_fts"
    times: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    for kind, qs in queries.items():
        times[kind], counts[kind] = [], []
        for q in qs:
            words, speaker = split_query(q)
            params: list = [fts5_match(words)]
            source = f"{fts} WHERE {fts} MATCH ?"
            if speaker:
                source = (
                    f"{fts} JOIN {TABLE} ON {TABLE}.id = {fts}.rowid "
                    f"WHERE {fts} MATCH ? AND {TABLE}.speaker LIKE ?"
                )
                params.append(f"%{speaker}%")
            start = time.perf_counter()
            sql = f"SELECT {fts}.rowid FROM {source} ORDER BY rank LIMIT {TOP}"
            db.execute(sql, params).fetchall()
            (count,) = db.execute(f"SELECT count(*) FROM {source}", params).fetchone()
            times[kind].append(time.perf_counter() - start)
            counts[kind].append(count)
    db.close()
    return times, counts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def datasette_server(path: Path, log: Path, timeout: float = 120) -> Iterator[int]:
    """`datasette serve --immutable <path>` on a free port of 127.0.0.1, as a subprocess whose
    output goes to `log`. Yields the port once /-/versions.json answers; stops the server on the
    way out, whether the block finished or raised."""
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", "--immutable", str(path)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_answering(server, port, timeout, log)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_answering(server: subprocess.Popen, port: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"datasette exited with {server.returncode}:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/-/versions.json")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"datasette did not answer on port {port} in {timeout:.0f} s")


def datasette_path(database: str, q: str) -> str:
    """The JSON table URL for one query: `_search` (a phrase in raw mode), a speaker filter."""
    words, speaker = split_query(q)
    params = {"_search": words, "_size": str(PAGE_SIZE)}
    if words.startswith('"'):
        params["_searchmode"] = "raw"
    if speaker:
        params["speaker__contains"] = speaker
    return f"/{database}/{TABLE}.json?{urllib.parse.urlencode(params)}"


def time_datasette(
    path: Path, queries: dict[str, list[str]], log: Path, warmup: int = 10
) -> tuple[dict[str, list[float]], dict[str, list[int]], str]:
    """Datasette serving `path`: seconds per HTTP GET (request sent to body read) and the
    count each answer gave, per kind; and Datasette's version. The first `warmup` queries of
    each kind are asked once before the timed pass, as bench.py does for the view."""
    times: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    with datasette_server(path, log) as port:
        client = KeepAliveClient(port)
        version = json.loads(client.get("/-/versions.json"))["datasette"]["version"]
        for kind, qs in queries.items():
            for q in qs[:warmup]:
                client.get(datasette_path(path.stem, q))
            times[kind], counts[kind] = [], []
            for q in qs:
                start = time.perf_counter()
                body = client.get(datasette_path(path.stem, q))
                times[kind].append(time.perf_counter() - start)
                answer = json.loads(body)
                counts[kind].append(answer.get("filtered_table_rows_count", answer.get("count")))
        client.close()
    return times, counts, version


class KeepAliveClient:
    """GETs over one HTTP/1.1 connection, opened again if the server closed it."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> bytes:
        for attempt in (1, 2):
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status} {body[:500]!r}")
            return body
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def count_mismatches(first: dict[str, list[int]], second: dict[str, list[int]]) -> int:
    """How many queries the two lines counted differently (expected: none)."""
    return sum(a != b for kind in first for a, b in zip(first[kind], second[kind], strict=True))
