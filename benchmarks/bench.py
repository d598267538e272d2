"""Measure Parley's ingest and search on a synthetic archive (see benchmarks/RESULTS.md).

    python benchmarks/bench.py --turns 10000            # generate, ingest, index, search
    python benchmarks/bench.py --turns 100000 --queries 200
    python benchmarks/bench.py --turns 10000 --stock    # also haystack's stock Whoosh path
    python benchmarks/bench.py --turns 10000 --engine postgres   # the PostgreSQL engine
    python benchmarks/bench.py --turns 10000 --engine postgres --ingest-jobs 2
    python benchmarks/bench.py --turns 1000000 --engine postgres --reuse-database --keep-database
    python benchmarks/bench.py --turns 10000 --no-datasette      # without the Datasette line

Needs the extras `test` and `bench` (`pip install -e '.[test,bench]'`, as `make bench` does):
sqlite-utils builds the reference database, Datasette serves it.

Everything lives in --workdir (default /tmp/parley-bench): the corpus (reused between runs),
a fresh SQLite database and Whoosh index per run, the reference database (fts5.sqlite3) and the
result file (result-<turns>.json, result-<turns>-postgres.json). Reports, on the same turns:
  ingest: turns/s for parse + database + index (end to end, through the ingest loader), and the
          index part alone; index size on disk
  search: p50/p95 latency of the same queries, drawn from the archive's own turns with a fixed
          seed (one word, two words, a phrase of 2-3 words, that phrase + speaker:<surname>, a
          common phrase of 2-3 very frequent words such as "of the", and with --mixed Russian
          and Chinese words and phrases), each kind side by side as:
    view        GET /search/?q=... through Django's test client (HTML, facets included)
    run_search  the search layer alone; "no facets": run_search without facet counts
    Datasette   the same turns in SQLite FTS5, served by `datasette serve` (a subprocess on a
                free local port) and asked over HTTP: its JSON table endpoint with _search=,
                20 rows + the count of matches (--no-datasette skips it)
    FTS5        bare FTS5 on that same file, top 10 by rank + count(*), in process, no HTTP
  (benchmarks/references.py builds the reference database and times the last two lines)
  stock:  (--stock) haystack 3.4's stock WhooshEngine: update_index throughput and
          SearchQuerySet latency
  postgres: (--engine postgres) the same ingest and queries on a scratch PostgreSQL database
          (parley_bench_<turns>, created and dropped here; --keep-database leaves it,
          --reuse-database searches one kept earlier); --ingest-jobs N loads the corpus with
          `manage.py ingest --jobs N` in a subprocess (timed end to end, start-up included)
          instead of the in-process sequential loader
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import references  # noqa: E402  (benchmarks/references.py, found through the path above)


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
    os.environ.pop("CACHE_URL", None)  # every search is searched, none served from a cache
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
    if common := common_phrases(count):  # a seed of its own: the draws above stay as they were
        sets["common phrase"] = common
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


def common_phrases(count: int, sample: int = 5000, pool: int = 20) -> list[str]:
    """`count` quoted phrases of very common words: the `pool` most frequent adjacent word pairs
    and the `pool` most frequent triples ("of the", "we have been") in up to `sample` English
    turns (none spanning punctuation), in an order drawn with a seed of their own; repeated if
    `count` is larger than the 2 x `pool` phrases. The slow case for PostgreSQL: its GIN index
    finds every turn that holds the words, and each of those is read again for their order."""
    from archive.models import Turn

    rng = random.Random(13)
    ids = list(Turn.objects.filter(transcript__language="en").values_list("pk", flat=True))
    texts = Turn.objects.filter(pk__in=rng.sample(ids, min(len(ids), sample))).values_list(
        "text", flat=True
    )
    pairs: Counter[str] = Counter()
    triples: Counter[str] = Counter()
    for text in texts:
        for clause in re.split(r"[.,?!;:()\"“”—–-]+", text.replace("’", "'").lower()):
            words = clause.split()
            for n, counter in ((2, pairs), (3, triples)):
                for i in range(len(words) - n + 1):
                    if all(w.isalpha() for w in words[i : i + n]):
                        counter[" ".join(words[i : i + n])] += 1
    phrases = [phrase for c in (pairs, triples) for phrase, _ in c.most_common(pool)]
    rng.shuffle(phrases)
    return [f'"{phrases[i % len(phrases)]}"' for i in range(count)] if phrases else []


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


def time_run_search(queries: dict[str, list[str]], facets: bool = True) -> dict[str, list[float]]:
    """run_search alone (with facet counts, or without them: facets=False)."""
    from archive.search import SearchRequest, run_search

    results = {}
    for name, qs in queries.items():
        times = []
        for q in qs:
            start = time.perf_counter()
            run_search(SearchRequest(q=q, facets=facets))
            times.append(time.perf_counter() - start)
        results[name] = times
    return results


LINES = {  # result key: printed label
    "view": "view",
    "run_search": "run_search",
    "no_facets": "no facets",
    "datasette": "Datasette (HTTP)",
    "fts5_top10_count": "FTS5 top 10 + count",
}


def measure_search(args, data: Path) -> dict:
    """Every search line on the archive just loaded: time them, print them side by side per
    kind, and return them for the result file (seconds)."""
    queries = make_queries(random.Random(11), args.queries)
    times = {
        "view": time_view(queries),
        "run_search": time_run_search(queries),
        "no_facets": time_run_search(queries, facets=False),
    }
    reference = data / "fts5.sqlite3"
    built = references.build_reference_database(reference)
    if args.datasette:
        times["datasette"], datasette_counts, version = references.time_datasette(
            reference, queries, data / "datasette.log"
        )
    times["fts5_top10_count"], counts = references.time_fts5(reference, queries)
    print(
        "\nsearch latency (view = GET /search/ with facets and HTML; run_search = search layer; "
        "no facets = run_search without facet counts; Datasette = its JSON table endpoint, "
        "_search=, 20 rows + count, over HTTP; FTS5 = bare FTS5 on the same file, top 10 by "
        "rank + count(*), no HTTP)"
    )
    for kind in queries:
        matches = sorted(counts[kind])
        print(
            f"  {kind:17} ({len(matches)} queries, median {percentile(matches, 0.5):.0f} matches)"
        )
        for line, label in LINES.items():
            if line in times:
                print(f"    {label:20} {summary(times[line][kind])}")
    result: dict = {
        "references": {
            "rows": built["rows"],
            "sqlite_utils_insert_s": built["insert_s"],
            "fts5_index_s": built["fts_s"],
            "fts5": "top 10 by rank + count(*), in process, no HTTP",
        },
        "common_phrases": sorted(set(queries.get("common phrase", []))),
    }
    print(
        f"reference database: {built['rows']} turns inserted with sqlite-utils in "
        f"{built['insert_s']:.1f} s, FTS5 index built in {built['fts_s']:.1f} s"
    )
    if args.datasette:
        mismatches = references.count_mismatches(counts, datasette_counts)
        result["references"].update(
            datasette=f"{version}, settings {references.DATASETTE_SETTINGS}, page of 20 + count",
            datasette_count_mismatches=mismatches,
        )
        print(f"Datasette {version}: {mismatches} of its counts differ from bare FTS5's")
    for kind in queries:
        result[kind] = {
            f"{line}_{p}": percentile(times[line][kind], q)
            for line in LINES
            if line in times
            for p, q in (("p50", 0.5), ("p95", 0.95))
        }
        result[kind]["fts5_matches_median"] = percentile(counts[kind], 0.5)
    return result


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
        "--reuse-database",
        action="store_true",
        help="search a kept database (postgres) or data folder (whoosh) without loading",
    )
    parser.add_argument(
        "--ingest-jobs",
        type=int,
        metavar="N",
        help="load with `manage.py ingest --jobs N` (a subprocess) instead of the in-process "
        "sequential loader (nothing is loaded with --reuse-database)",
    )
    parser.add_argument(
        "--datasette",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time Datasette serving the same turns (default: yes)",
    )
    args = parser.parse_args()
    if args.ingest_jobs is not None and args.ingest_jobs < 1:
        parser.error("--ingest-jobs takes a number of processes, 1 or more")
    if not args.stock_only:  # fail now, not after the ingest
        references.require("sqlite_utils", "the reference database")
        if args.datasette:
            references.require("datasette", "--datasette (--no-datasette skips it)")

    corpus = args.workdir / f"corpus-{args.turns}{'-mixed' if args.mixed else ''}"
    if not corpus.exists():
        from generate import generate

        print("generating", generate(args.turns, corpus, mixed=args.mixed))
    if args.stock_only:
        return stock(args, corpus)
    if args.engine == "postgres":
        return postgres(args, corpus)

    data = args.workdir / f"data-{args.turns}{'-mixed' if args.mixed else ''}"
    if not args.reuse_database:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
    setup_django(data)
    if args.reuse_database:
        from archive.models import Turn

        result = {"turns": Turn.objects.count(), "reused": str(data)}
        print(f"\n== Whoosh, {result['turns']} turns in kept data folder {data} ==")
    elif args.ingest_jobs:
        result = ingest_with_jobs(corpus, args.ingest_jobs)
        print(
            f"\n== {result['turns']} turns in {result['transcripts']} transcripts "
            f"({result['failed']} failed) ==\ningest end to end ({result['ingest']}, index "
            f"included): {result['total_s']:.1f} s = {result['turns'] / result['total_s']:.0f} "
            "turns/s"
        )
    else:
        result = ingest(corpus)
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
    result["index_bytes"] = folder_size(data / "whoosh_index")
    result["database_bytes"] = (data / "parley.sqlite3").stat().st_size
    print(
        f"index size: {result['index_bytes'] / 1e6:.1f} MB; SQLite database "
        f"{result['database_bytes'] / 1e6:.1f} MB"
    )

    result.update(measure_search(args, data))
    out = args.workdir / f"result-{args.turns}.json"
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
    os.environ.pop("CACHE_URL", None)
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
            result.update(
                ingest_with_jobs(corpus, args.ingest_jobs) if args.ingest_jobs else ingest(corpus)
            )
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
            how = (
                f"`manage.py ingest --jobs {args.ingest_jobs}`, a subprocess: start-up, "
                if args.ingest_jobs
                else "in process, sequential: "
            )
            print(
                f"ingest end to end ({how}parse + database + search vectors by trigger): "
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

        result.update(measure_search(args, data))
        print(f"load average after searching: {os.getloadavg()}")
        result["load_average_after"] = os.getloadavg()
        out = args.workdir / f"result-{args.turns}-postgres.json"
        out.write_text(json.dumps(result, indent=2))
        print(f"written {out}")
    finally:
        connection.close()
        if not args.keep_database:
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ingest_with_jobs(corpus: Path, jobs: int) -> dict:
    """Load the corpus with `manage.py ingest --quiet --jobs N <corpus>` in a subprocess (the
    environment's DATABASE_URL, PARLEY_DATA_DIR, PARLEY_SEARCH_ENGINE), after the migrations and
    topics this process sets up; timed end to end, the subprocess' start-up included."""
    from django.core.management import call_command
    from django.db import connection

    from archive.models import Turn
    from archive.topics import load_topics

    call_command("migrate", verbosity=0)
    load_topics(json.loads((ROOT / "fixtures" / "topics.json").read_text()))
    connection.close()
    files = sorted(corpus.glob("*.txt"))
    command = [sys.executable, "manage.py", "ingest", "--quiet", "--jobs", str(jobs), str(corpus)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    summary_line = next((ln for ln in output.splitlines() if ln.startswith("Summary:")), "")
    failed = re.search(r"(\d+) failed", summary_line)
    if not failed:
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}:\n{output[-3000:]}")
    if done.returncode:
        print(f"{' '.join(command)} exited with {done.returncode}:\n{output[-3000:]}")
    return {
        "turns": Turn.objects.count(),
        "transcripts": len(files),
        "failed": int(failed.group(1)),
        "total_s": seconds,
        "ingest": f"manage.py ingest --jobs {jobs}",
        "ingest_summary": summary_line,
    }


if __name__ == "__main__":
    main()
