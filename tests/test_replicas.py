"""Read replicas: the router's rules, the settings, and which database answers each request.

A real PostgreSQL streaming replica is in test_replica_postgres.py. Here the child process's
"replica" is the primary's own SQLite file under a second alias: enough to see, query by query,
which alias the router sent each request's reads to.
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router

from archive.models import Turn
from archive.routers import ReplicaRouter, reading_from, replica_reads
from tests.support import REPO_ROOT

PUBLIC_READS = ["search page", "search page JSON", "search API", "search feed", "transcript page"]
CURATOR = ["curator's search", "admin"]


def run_probe(tmp_path, primary: str, replica: str, timeout: int = 300) -> dict:
    """tests/routing_probe.py in a child process against these two databases."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_", "PARLEY_"))
    }
    env.update(
        PARLEY_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=primary,
        DATABASE_REPLICA_URLS=replica,
        DJANGO_LOG_LEVEL="ERROR",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.routing_probe"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("ROUTING-PROBE "))
    return json.loads(line.removeprefix("ROUTING-PROBE "))


def assert_routed(report: dict) -> None:
    """Public reads on the replica alone; a curator's requests and an ingest on the primary."""
    requests = report["requests"]
    for name in PUBLIC_READS:
        assert requests[name]["status"] == 200, name
        assert requests[name]["queries"]["default"] == 0, name
        assert requests[name]["queries"]["replica1"] > 0, name
    for name in CURATOR:
        assert requests[name]["status"] == 200, name
        assert requests[name]["queries"]["replica1"] == 0, name
        assert requests[name]["queries"]["default"] > 0, name
    assert report["found"] == 2
    assert report["ingest"]["queries"]["replica1"] == 0
    assert report["ingest"]["queries"]["default"] > 0
    assert report["edit_reached_search"] is not None, "the edit never reached the searches"
    assert report["edit_search_queries"]["default"] == 0


def test_public_reads_go_to_a_replica_and_curators_and_writes_to_the_primary(tmp_path):
    database = f"sqlite:///{tmp_path / 'parley.sqlite3'}"
    assert_routed(run_probe(tmp_path, database, database))


# --- The router's rules --------------------------------------------------------------------------


def test_everything_reads_the_primary_unless_a_block_asks_for_a_replica():
    assert reading_from() == DEFAULT_DB_ALIAS
    assert router.db_for_read(Turn) == DEFAULT_DB_ALIAS
    with replica_reads("replica1"):
        assert router.db_for_read(Turn) == "replica1"
    assert router.db_for_read(Turn) == DEFAULT_DB_ALIAS


def test_after_a_write_the_block_reads_the_primary():
    with replica_reads("replica1"):
        assert router.db_for_read(Turn) == "replica1"
        assert router.db_for_write(Turn) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Turn) == DEFAULT_DB_ALIAS


def test_inside_a_transaction_on_the_primary_reads_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    with replica_reads("replica1"):
        assert router.db_for_read(Turn) == DEFAULT_DB_ALIAS


def test_without_replicas_replica_reads_change_nothing(settings):
    settings.DATABASE_REPLICAS = []
    with replica_reads() as alias:
        assert alias is None
        assert router.db_for_read(Turn) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    assert ReplicaRouter().allow_migrate("replica1", "archive") is False
    assert ReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "archive") is True


@pytest.mark.django_db
def test_a_post_to_a_public_page_is_answered_on_the_primary(client, settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica1"]  # an alias that does not exist: never touched
    chosen = []
    monkeypatch.setattr("archive.routers._healthy_replica", lambda: chosen.append(1) or "replica1")
    assert client.post("/search/?q=Minsk").status_code == 405
    assert client.get("/admin/login/").status_code == 200
    assert chosen == []


# --- Settings ------------------------------------------------------------------------------------


def test_replica_urls_become_mirrored_aliases_and_cache_url_a_redis_cache(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'replicas': s.DATABASE_REPLICAS, 'mirror': s.DATABASES['replica2']['TEST']['MIRROR'],"
        "'host': s.DATABASES['replica2']['HOST'], 'routers': s.DATABASE_ROUTERS,"
        "'cache': s.CACHES['default']['BACKEND'], 'seconds': s.PARLEY_CACHE_SECONDS}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        PARLEY_DATA_DIR=str(tmp_path),
        DATABASE_REPLICA_URLS="postgres://parley@db-a:5432/parley, postgres://parley@db-b/parley",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "replicas": ["replica1", "replica2"],
        "mirror": "default",
        "host": "db-b",
        "routers": ["archive.routers.ReplicaRouter"],
        "cache": "django.core.cache.backends.redis.RedisCache",
        "seconds": 3600,
    }
