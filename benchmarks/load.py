"""Mixed traffic against gunicorn while an ingest runs: throughput, p95 latency and errors.

    python benchmarks/load.py --engine whoosh      # SQLite + Whoosh (the embedded default)
    python benchmarks/load.py --engine postgres    # PostgreSQL + its full-text search

It prepares a fresh archive (the sample archive in fixtures/), generates a few hundred synthetic
transcripts (benchmarks/generate.py) for a concurrent `manage.py ingest`, starts gunicorn on
127.0.0.1 with production settings, then sends search, transcript, speaker and API requests from
several threads until --requests have been sent or --duration seconds have passed, whichever
comes first. Traffic goes to 127.0.0.1 only. The PostgreSQL run uses a scratch database on the
local server (created and dropped by this script).

    python benchmarks/load.py --engine postgres --database postgres://.../parley_bench_1000000
    python benchmarks/load.py ... --cache-url redis://127.0.0.1:6379/1

--database runs against an archive already loaded (a kept benchmark database of a million turns:
`bench.py --engine postgres --turns 1000000 --keep-database`) instead of the sample archive; the
ingest adds its transcripts to it. --cache-url serves with that search cache (CACHE_URL).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEARCHES = [
    "Ukraine",
    "Taiwan",
    "sanctions Russia",
    '"Minsk agreements"',
    '"national security"',
    "climate OR vaccines",
    "NATO -Russia",
    "speaker:psaki inflation",
    "topic:taiwan",
    '"the President" after:2022-01-01',
]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def prepare_environment(
    engine: str, workdir: Path, database: str | None = None, cache_url: str | None = None
) -> tuple[dict[str, str], str | None]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    if cache_url:
        env["CACHE_URL"] = cache_url
    env.update(
        PARLEY_DATA_DIR=str(workdir / "data"),
        PARLEY_SEARCH_ENGINE=engine,
        DJANGO_SECRET_KEY="load-test-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="ERROR",
    )
    scratch = None
    if database:
        env["DATABASE_URL"] = database
    elif engine == "postgres":
        import psycopg

        scratch = f"parley_load_{os.getpid()}"
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            c.execute(f'CREATE DATABASE "{scratch}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{scratch}"
    return env, scratch


def drop_scratch(scratch: str | None) -> None:
    if scratch:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def discover_urls(port: int) -> dict[str, list[str]]:
    """Pages to request, found through the API like any client would."""

    def api(path: str) -> dict:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())

    transcripts = api("/api/transcripts/?page_size=100")["results"]
    speakers = api("/api/speakers/?page_size=100")["results"]
    return {
        "search": [f"/search/?q={urllib.parse.quote_plus(q)}" for q in SEARCHES],
        "transcript": [urllib.parse.urlsplit(t["url"]).path for t in transcripts],
        "speaker": [urllib.parse.urlsplit(s["url"]).path for s in speakers],
        "api": ["/api/transcripts/", "/api/speakers/", "/api/topics/"]
        + [f"/api/search/?q={urllib.parse.quote_plus(q)}" for q in SEARCHES[:5]],
    }


def load(port: int, urls: dict[str, list[str]], requests: int, duration: float, threads: int):
    """Send requests from `threads` threads; return per-category latencies and errors."""
    mix = ["search"] * 4 + ["transcript"] * 3 + ["speaker"] * 2 + ["api"] * 2
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    sent = 0
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker(seed: int) -> None:
        nonlocal sent
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if sent >= requests:
                    return
                sent += 1
            category = rng.choice(mix)
            path = rng.choice(urls[category])
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies[category].append(elapsed)
                if status != 200:
                    errors.append(f"{status} {path}")

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--engine", choices=["whoosh", "postgres"], default="whoosh")
    parser.add_argument("--requests", type=int, default=3000, help="at most this many requests")
    parser.add_argument("--duration", type=float, default=120, help="at most this many seconds")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--ingest-turns", type=int, default=15000, help="turns ingested meanwhile")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--database", help="a loaded PostgreSQL archive to use (kept as it is)")
    parser.add_argument("--cache-url", help="CACHE_URL for the server (default: no cache)")
    args = parser.parse_args()
    if args.database and args.engine != "postgres":
        parser.error("--database needs --engine postgres")

    workdir = Path(tempfile.mkdtemp(prefix=f"parley-load-{args.engine}-"))
    env, scratch = prepare_environment(args.engine, workdir, args.database, args.cache_url)
    server = ingest = None
    try:
        print(f"[{args.engine}] preparing the archive in {workdir} ...", flush=True)
        run(["migrate", "--noinput"], env)
        if not args.database:
            run(["load_sample"], env)
        run(["collectstatic", "--noinput", "--verbosity", "0"], {**env, "DJANGO_DEBUG": "0"})
        corpus = workdir / "incoming"
        subprocess.run(
            [
                PYTHON,
                "benchmarks/generate.py",
                "--turns",
                str(args.ingest_turns),
                "--out",
                str(corpus),
                # Texts and names (so source URLs) of their own: an archive made by the same
                # generator (a kept benchmark database) already holds the default seed's.
                "--seed",
                str(os.getpid()),
                "--prefix",
                f"load-{os.getpid()}",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        files = len(list(corpus.glob("*.txt")))

        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "archive.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_DEBUG": "0"},
        )
        wait_for(args.port)
        urls = discover_urls(args.port)

        print(
            f"[{args.engine}] ingesting {files} transcripts while sending traffic ...", flush=True
        )
        ingest_started = time.perf_counter()
        ingest = subprocess.Popen(
            [PYTHON, "manage.py", "ingest", "--quiet", str(corpus)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        latencies, errors, elapsed = load(
            args.port, urls, args.requests, args.duration, args.threads
        )
        ingest_output, _ = ingest.communicate(timeout=1800)
        ingest_seconds = time.perf_counter() - ingest_started
    finally:
        if ingest and ingest.poll() is None:
            ingest.kill()
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        drop_scratch(scratch)
        shutil.rmtree(workdir, ignore_errors=True)

    total = sum(len(v) for v in latencies.values())
    everything = [t for v in latencies.values() for t in v]
    result = {
        "engine": args.engine,
        "archive": "given database" if args.database else "sample archive",
        "cache": bool(args.cache_url),
        "requests": total,
        "seconds": round(elapsed, 1),
        "throughput_rps": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(everything) * 1000, 1),
        "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        "by_category_p95_ms": {
            k: round(percentile(v, 0.95) * 1000, 1) for k, v in sorted(latencies.items())
        },
        "errors": len(errors),
        "error_samples": errors[:10],
        "ingest_exit_status": ingest.returncode,
        "ingest_files": files,
        "ingest_turns": args.ingest_turns,
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_summary": ingest_output.strip().splitlines()[-1:] if ingest_output else [],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if errors or ingest.returncode != 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
