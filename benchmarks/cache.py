"""The search cache's effect on repeated searches, in one process, on an archive already loaded.

    DATABASE_URL=postgres://... python benchmarks/cache.py --cache-url redis://127.0.0.1:6379/1
    python benchmarks/cache.py --cache-url locmem://        # the embedded default's archive

For each query (the load test's searches and words drawn from the archive's own turns), through
the search page (/search/) and the API (/api/search/), as an anonymous reader: the first answer
(a miss: query parsing, the engine, facets, snippets, the template, then the cache write) and
the next `--repeats` answers (hits: one query for the data version, one cache read). Then the
data version is bumped, as any edit does, and each query is asked once more: a miss again. Keys
carry a prefix of this run's own, so a shared Redis is not disturbed (they expire by themselves).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import SEARCHES  # noqa: E402


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{statistics.median(values):.1f} / {p95:.1f}"


def archive_words(count: int, seed: int) -> list[str]:
    from archive.models import Turn

    rng = random.Random(seed)
    texts = list(
        Turn.objects.published().speech().order_by("?").values_list("text", flat=True)[:300]
    )
    words = [w for text in texts for w in re.findall(r"[A-Za-z]{5,}", text)]
    return [rng.choice(words) for _ in range(count)] if words else []


def timed(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response.get("X-Parley-Cache", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--words", type=int, default=40, help="words drawn from the archive")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()

    os.environ.update(
        CACHE_URL=args.cache_url,
        PARLEY_CACHE_PREFIX=f"parley-bench-{uuid.uuid4().hex[:8]}",
        PARLEY_CACHE_SECONDS="600",
        DJANGO_SETTINGS_MODULE="archive.settings",
    )
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from archive.caching import bump_data_version
    from archive.models import Turn
    from archive.search import get_engine

    client = Client()
    queries = list(dict.fromkeys(SEARCHES + archive_words(args.words, args.seed)))
    endpoints = {"page": "/search/?q={}", "api": "/api/search/?q={}"}
    figures: dict[str, dict[str, list[float]]] = {
        name: {"miss": [], "hit": [], "after edit": []} for name in endpoints
    }
    for phase in ("first", "after edit"):
        if phase == "after edit":
            bump_data_version()
        for query in queries:
            for name, pattern in endpoints.items():
                url = pattern.format(quote_plus(query))
                elapsed, state = timed(client, url)
                assert state == "miss", (url, state)
                figures[name]["miss" if phase == "first" else "after edit"].append(elapsed)
                if phase == "first":
                    for _ in range(args.repeats):
                        elapsed, state = timed(client, url)
                        assert state == "hit", (url, state)
                        figures[name]["hit"].append(elapsed)

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"{Turn.objects.count():,} turns, {database}, engine {get_engine().name}, cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, {len(queries)} queries, "
        f"{args.repeats} repeats, load average {os.getloadavg()[0]:.1f}"
    )
    print("p50 / p95 ms      miss (first)    hit (repeat)    after an edit")
    for name, values in figures.items():
        print(
            f"{name:16}  {percentiles(values['miss']):>14}  {percentiles(values['hit']):>14}  "
            f"{percentiles(values['after edit']):>14}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
