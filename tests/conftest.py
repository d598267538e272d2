"""Shared fixtures: a real database (SQLite, or PostgreSQL when DATABASE_URL is set) and a real
Whoosh index in a temporary folder for every test that touches search."""

import pytest


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


@pytest.fixture(autouse=True)
def fresh_people_directory():
    """The resolver's cached Directory belongs to one test's database."""
    from archive.people.directory import forget_directory

    forget_directory()
    yield
    forget_directory()
