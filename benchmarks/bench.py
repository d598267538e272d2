"""Measure Parley's ingest and search on a synthetic archive (see benchmarks/RESULTS.md).

    python benchmarks/bench.py --turns 10000            # generate, ingest, index, search
    python benchmarks/bench.py --turns 100000 --queries 200
    python benchmarks/bench.py --turns 10000 --stock    # also haystack's stock Whoosh path
    python benchmarks/bench.py --turns 10000 --engine postgres   # the PostgreSQL engine

Everything lives in --workdir (default /tmp/parley-bench): the corpus (reused between runs),
a fresh SQLite database and Whoosh index per run. Reports, on the same turns:
  ingest: turns/s for parse + database + index (end to end, through the ingest loader), and the
          index part alone; index size on disk
  search: p50/p95 latency through the search view (GET /search/?q=..., HTML, facets included)
          and through run_search alone, for one word, two words, a phrase, a phrase + speaker:
  FTS5:   the same queries as a bare SQLite FTS5 query (reference line)
  stock:  (--stock) haystack 3.4's stock WhooshEngine: update_index throughput and
          SearchQuerySet latency
  postgres: (--engine postgres) the same ingest and queries on a scratch PostgreSQL database
          (parley_bench_<turns>, created and dropped here; --keep-database leaves it,
          --reuse-database searches one kept earlier), plus run_search without facets, so that
          the facets' share is seen
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"p50 {percentile(ms, 0.5):7.1f} ms  p95 {percentile(ms, 0.95):7.1f} ms  (n={len(ms)})"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def setup_django(data_dir: Path, engine: str | None = None) -> None:
    os.environ["PARLEY_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["PARLEY_SEARCH_ENGINE"] = "haystack" if engine else "whoosh"
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    if engine:
        os.environ["PARLEY_HAYSTACK_ENGINE"] = engine
    import django

    django.setup()


def make_queries(rng: random.Random, count: int) -> dict[str, list[str]]:
    """Queries drawn from the archive's own turns, as people would type them (and, in a mixed
    archive, Chinese and Russian words and phrases from its Chinese and Russian turns)."""
    from archive.models import Turn

    sets = english_queries(rng, count)
    for language, name in (("ru", "Russian"), ("zh", "Chinese")):
        turns = list(
            Turn.objects.filter(transcript__language=language).values_list("text", flat=True)[
                : count * 20
            ]
        )
        if not turns:
            continue
        words, phrases = sets.setdefault(f"{name} word", []), sets.setdefault(f"{name} phrase", [])
        for text in rng.sample(turns, min(len(turns), count * 4)):
            if language == "zh":
                runs = re.findall(r"[\u4e00-\u9fff]{4,}", text)
                if not runs:
                    continue
                run = rng.choice(runs)
                start = rng.randrange(0, len(run) - 3)
                word, phrase = run[start : start + 2], f'"{run[start : start + 4]}"'
            else:
                found = [w.strip(".,?;:") for w in text.split() if w.strip(".,?;:").isalpha()]
                if len(found) < 4:
                    continue
                start = rng.randrange(0, len(found) - 2)
                word, phrase = rng.choice(found).lower(), f'"{" ".join(found[start : start + 2])}"'
            if len(words) < count:
                words.append(word)
            if len(phrases) < count:
                phrases.append(phrase)
    return sets


def english_queries(rng: random.Random, count: int) -> dict[str, list[str]]:
    from archive.models import Turn
    from archive.search.analysis import analyse

    ids = list(Turn.objects.filter(transcript__language="en").values_list("pk", flat=True))
    picked = Turn.objects.filter(pk__in=rng.sample(ids, min(len(ids), count * 4))).select_related(
        "speaker"
    )
    sets: dict[str, list[str]] = {
        "one word": [],
        "two words": [],
        "phrase": [],
        "phrase + speaker": [],
    }
    for turn in picked:
        words = [w for w in turn.text.replace("’", "'").split() if w.strip(".,?;:").isalpha()]
        words = [w.strip(".,?;:") for w in words]
        content = [w for w in words if analyse(w) and len(w) > 3]
        if len(content) < 2 or len(words) < 4:
            continue
        if len(sets["one word"]) < count:
            sets["one word"].append(rng.choice(content).lower())
        if len(sets["two words"]) < count:
            sets["two words"].append(" ".join(w.lower() for w in rng.sample(content, 2)))
        start = rng.randrange(0, len(words) - 3)
        phrase = " ".join(words[start : start + rng.choice((2, 2, 3))])
        if len(sets["phrase"]) < count:
            sets["phrase"].append(f'"{phrase}"')
        if len(sets["phrase + speaker"]) < count and turn.speaker:
            surname = turn.speaker.name.split()[-1].lower()
            sets["phrase + speaker"].append(f'"{phrase}" speaker:{surname}')
    return sets


def time_view(queries: dict[str, list[str]], warmup: int = 10) -> dict[str, list[float]]:
    from django.test import Client

    client = Client()
    results = {}
    for name, qs in queries.items():
        for q in qs[:warmup]:
            client.get("/search/", {"q": q})
        times = []
        for q in qs:
            start = time.perf_counter()
            response = client.get("/search/", {"q": q})
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (q, response.status_code)
        results[name] = times
    return results


def time_run_search(queries: dict[str, list[str]]) -> dict[str, list[float]]:
    from archive.search import SearchRequest, run_search

    results = {}
    for name, qs in queries.items():
        times = []
        for q in qs:
            start = time.perf_counter()
            run_search(SearchRequest(q=q))
            times.append(time.perf_counter() - start)
        results[name] = times
    return results


def fts5_reference(
    db_path: Path, queries: dict[str, list[str]]
) -> tuple[dict[str, list[float]], float]:
    from archive.models import Turn

    fts = sqlite3.connect(str(db_path))
    fts.execute("DROP TABLE IF EXISTS fts")
    fts.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(text, speaker UNINDEXED, tokenize='porter unicode61')"
    )
    start = time.perf_counter()
    rows = Turn.objects.values_list("pk", "text", "speaker__slug").iterator(chunk_size=5000)
    fts.executemany("INSERT INTO fts(rowid, text, speaker) VALUES (?, ?, ?)", rows)
    fts.commit()
    build = time.perf_counter() - start
    results = {}
    for name, qs in queries.items():
        times = []
        for q in qs:
            speaker = None
            if " speaker:" in q:
                q, speaker = q.split(" speaker:")
            match = q if q.startswith('"') else " ".join(f'"{w}"' for w in q.split())
            sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
            params: list = [match]
            if speaker:
                sql += " AND speaker LIKE ?"
                params.append(f"%{speaker}%")
            start = time.perf_counter()
            fts.execute(sql + " ORDER BY rank LIMIT 20", params).fetchall()
            times.append(time.perf_counter() - start)
        results[name] = times
    return results, build


def ingest(corpus: Path) -> dict:
    from django.core.management import call_command

    from archive.ingest.load import FAILED, ingest_file
    from archive.models import Turn
    from archive.search.indexing import bulk_indexing
    from archive.topics import load_topics

    call_command("migrate", verbosity=0)
    load_topics(json.loads((ROOT / "fixtures" / "topics.json").read_text()))
    files = sorted(corpus.glob("*.txt"))
    start = time.perf_counter()
    failed = 0
    with bulk_indexing():
        for path in files:
            failed += ingest_file(path).status == FAILED
        loaded = time.perf_counter()
    done = time.perf_counter()
    turns = Turn.objects.count()
    return {
        "turns": turns,
        "transcripts": len(files),
        "failed": failed,
        "parse_db_s": loaded - start,
        "index_s": done - loaded,
        "total_s": done - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Parley ingest and search benchmark")
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/parley-bench"))
    parser.add_argument("--stock", action="store_true", help="also measure stock haystack Whoosh")
    parser.add_argument("--stock-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["whoosh", "postgres"], default="whoosh")
    parser.add_argument(
        "--mixed", action="store_true", help="a tenth of the transcripts Chinese, a tenth Russian"
    )
    parser.add_argument("--keep-database", action="store_true", help="postgres: keep it")
    parser.add_argument(
        "--reuse-database", action="store_true", help="postgres: search a kept database"
    )
    args = parser.parse_args()

    corpus = args.workdir / f"corpus-{args.turns}{'-mixed' if args.mixed else ''}"
    if not corpus.exists():
        from generate import generate

        print("generating", generate(args.turns, corpus, mixed=args.mixed))
    if args.stock_only:
        return stock(args, corpus)
    if args.engine == "postgres":
        return postgres(args, corpus)

    data = args.workdir / f"data-{args.turns}{'-mixed' if args.mixed else ''}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    setup_django(data)
    result = ingest(corpus)
    index_dir = data / "whoosh_index"
    result["index_bytes"] = folder_size(index_dir)
    rate = result["turns"] / result["total_s"]
    print(
        f"\n== {result['turns']} turns in {result['transcripts']} transcripts "
        f"({result['failed']} failed) =="
    )
    print(
        f"ingest end to end: {result['total_s']:.1f} s = {rate:.0f} turns/s  "
        f"(parse + database {result['parse_db_s']:.1f} s, index {result['index_s']:.1f} s = "
        f"{result['turns'] / result['index_s']:.0f} turns/s)"
    )
    print(f"index size: {result['index_bytes'] / 1e6:.1f} MB")

    rng = random.Random(11)
    queries = make_queries(rng, args.queries)
    view = time_view(queries)
    engine = time_run_search(queries)
    fts, fts_build = fts5_reference(data / "fts5.sqlite3", queries)
    print("\nsearch latency (view = GET /search/ with facets and HTML; run_search = search layer)")
    for name in queries:
        print(f"  {name:17} view {summary(view[name])}")
        print(f"  {'':17} run_search {summary(engine[name])}")
        print(f"  {'':17} FTS5 {summary(fts[name])}")
    print(f"FTS5 table built in {fts_build:.1f} s")
    out = args.workdir / f"result-{args.turns}.json"
    result.update(
        {
            name: {
                "view_p50": percentile(view[name], 0.5),
                "view_p95": percentile(view[name], 0.95),
                "run_search_p50": percentile(engine[name], 0.5),
                "run_search_p95": percentile(engine[name], 0.95),
                "fts5_p50": percentile(fts[name], 0.5),
                "fts5_p95": percentile(fts[name], 0.95),
            }
            for name in queries
        }
    )
    out.write_text(json.dumps(result, indent=2))
    print(f"written {out}")
    if args.stock:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--turns",
                str(args.turns),
                "--workdir",
                str(args.workdir),
                "--queries",
                str(args.queries),
                "--stock-only",
            ],
            check=True,
        )


def stock(args, corpus: Path) -> None:
    """Haystack's stock Whoosh engine on the same database: update_index and SearchQuerySet."""
    data = args.workdir / f"data-{args.turns}"
    stock_data = args.workdir / f"data-{args.turns}-stock"
    shutil.rmtree(stock_data, ignore_errors=True)
    stock_data.mkdir(parents=True)
    shutil.copy(data / "parley.sqlite3", stock_data / "parley.sqlite3")
    setup_django(stock_data, engine="haystack.backends.whoosh_backend.WhooshEngine")
    from django.core.management import call_command
    from haystack.inputs import AutoQuery
    from haystack.query import SearchQuerySet

    from archive.models import Turn

    start = time.perf_counter()
    call_command("update_index", verbosity=0)
    seconds = time.perf_counter() - start
    turns = Turn.objects.published().speech().count()
    print(
        f"\n== stock haystack WhooshEngine ==\nupdate_index: {seconds:.1f} s = {turns / seconds:.0f} turns/s"
    )
    queries = make_queries(random.Random(11), min(args.queries, 50))
    for name, qs in queries.items():
        times = []
        for q in qs:
            q = q.split(" speaker:")[0]
            start = time.perf_counter()
            sqs = SearchQuerySet().filter(content=AutoQuery(q))
            list(sqs[:20])
            sqs.count()
            times.append(time.perf_counter() - start)
        print(f"  {name:17} SearchQuerySet {summary(times)}")


# --- The PostgreSQL engine -------------------------------------------------------------------------

POSTGRES_SERVER = os.environ.get("PARLEY_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def postgres(args, corpus: Path) -> None:
    """The same ingest and queries with DATABASE_URL on a scratch PostgreSQL database."""
    import psycopg

    name = f"parley_bench_{args.turns}{'_mixed' if args.mixed else ''}"
    if not args.reuse_database:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{name}"')
    data = args.workdir / f"data-{args.turns}{'-mixed' if args.mixed else ''}-postgres"
    data.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{name}"
    os.environ["PARLEY_DATA_DIR"] = str(data)
    os.environ["PARLEY_SEARCH_ENGINE"] = "postgres"
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.db import connection

    from archive.models import Turn
    from archive.search.engines.postgres_spelling import refresh_spelling_words

    try:
        result: dict = {"engine": "postgres", "load_average": os.getloadavg()}
        if args.reuse_database:
            result["turns"] = Turn.objects.count()
            print(f"\n== PostgreSQL, {result['turns']} turns in kept database {name} ==")
        else:
            result.update(ingest(corpus))
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            refresh_spelling_words()
            result["vacuum_words_s"] = time.perf_counter() - start
            rate = result["turns"] / result["total_s"]
            print(
                f"\n== PostgreSQL, {result['turns']} turns in {result['transcripts']} "
                f"transcripts ({result['failed']} failed) =="
            )
            print(
                f"ingest end to end (parse + database + search vectors by trigger): "
                f"{result['total_s']:.1f} s = {rate:.0f} turns/s; then VACUUM ANALYZE and "
                f"the spelling word list {result['vacuum_words_s']:.1f} s"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_database_size(current_database()), "
                "pg_total_relation_size('archive_turnsearchdocument')"
            )
            result["database_bytes"], result["search_bytes"] = cursor.fetchone()
        print(
            f"database {result['database_bytes'] / 1e6:.0f} MB, of which search documents and "
            f"their indexes {result['search_bytes'] / 1e6:.0f} MB"
        )
        print(f"load average before searching: {os.getloadavg()}")

        queries = make_queries(random.Random(11), args.queries)
        view = time_view(queries)
        engine = time_run_search(queries)
        bare = time_run_search_without_facets(queries)
        fts, fts_build = fts5_reference(data / "fts5.sqlite3", queries)
        print(
            "\nsearch latency (view = GET /search/ with facets and HTML; run_search = search layer)"
        )
        for kind in queries:
            print(f"  {kind:17} view {summary(view[kind])}")
            print(f"  {'':17} run_search {summary(engine[kind])}")
            print(f"  {'':17} no facets {summary(bare[kind])}")
            print(f"  {'':17} FTS5 {summary(fts[kind])}")
        print(f"FTS5 table built in {fts_build:.1f} s; load average {os.getloadavg()}")
        result.update(
            {
                kind: {
                    f"{what}_{p}": percentile(times[kind], q)
                    for what, times in (
                        ("view", view),
                        ("run_search", engine),
                        ("no_facets", bare),
                        ("fts5", fts),
                    )
                    for p, q in (("p50", 0.5), ("p95", 0.95))
                }
                for kind in queries
            }
        )
        result["load_average_after"] = os.getloadavg()
        out = args.workdir / f"result-{args.turns}-postgres.json"
        out.write_text(json.dumps(result, indent=2))
        print(f"written {out}")
    finally:
        connection.close()
        if not args.keep_database:
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def time_run_search_without_facets(queries: dict[str, list[str]]) -> dict[str, list[float]]:
    from archive.search import SearchRequest, run_search

    results = {}
    for kind, qs in queries.items():
        times = []
        for q in qs:
            start = time.perf_counter()
            run_search(SearchRequest(q=q, facets=False))
            times.append(time.perf_counter() - start)
        results[kind] = times
    return results


if __name__ == "__main__":
    main()
