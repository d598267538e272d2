"""Schemathesis over the generated OpenAPI document, against a live server: for every operation,
requests at and beyond the document's limits (its coverage phase) and a few generated ones
(fuzzing), with every check: what the document allows is answered (never a 400 or a 500), what
it does not allow is refused, and every answer matches its documented status, headers and
schema. Bounded: a fixed seed and five examples an operation, about 10 seconds."""

import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.support import make_api_archive

pytest.importorskip("schemathesis")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_archive():
    make_api_archive()
    call_command("update_index", verbosity=0)


def test_schemathesis_finds_nothing_the_document_does_not_say(live_server, small_archive, tmp_path):
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run"),
        f"{live_server.url}/api/openapi.json",
        *("--checks", "all", "--phases", "coverage,fuzzing"),
        *("--max-examples", "5", "--seed", "20261201", "--workers", "1"),
        *("--request-timeout", "10", "--no-color"),
        # A new connection per request: on a kept-alive one, the development server's two
        # writes per answer wait out the client's delayed ACK (about 40 ms a request, 10x slower).
        *("--header", "Connection: close"),
    ]
    # In a folder of its own: schemathesis keeps a cache (.schemathesis/) where it runs.
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
