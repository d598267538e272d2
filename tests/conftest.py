"""Shared fixtures: a real database (SQLite, or PostgreSQL when DATABASE_URL is set) and a real
Whoosh index in a temporary folder for every test that touches search."""

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"
REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = DATA_DIR / "state_blinken_reuters_2021-12-03.txt"


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Point haystack at an empty Whoosh index of this test's own."""
    from haystack import connections

    index_dir = tmp_path / "whoosh_index"
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(index_dir)}
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    yield index_dir
    connections.reload("default")
