"""Run in a child process by the replica tests: which database answers each kind of request.

    DATABASE_URL=... DATABASE_REPLICA_URLS=... python -m tests.routing_probe

With the environment's primary and replica (`replica1`), it migrates the primary, loads a
transcript, waits until the replica holds it, then sends requests through Django's test client
with every query logged by the alias that ran it, edits a turn on the primary and waits until an
anonymous search finds the new word. It prints one JSON object: for each request, the number of
queries per alias; whether each alias is a standby (PostgreSQL's pg_is_in_recovery()); how long
the edit took to reach the searches.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack, contextmanager

REPLICA = "replica1"
WAIT = 60.0  # seconds for a change on the primary to reach the replica


@contextmanager
def logged_queries():
    """{alias: [sql, ...]} of the queries run inside the block."""
    from django.conf import settings
    from django.db import connections

    log: dict[str, list[str]] = {alias: [] for alias in settings.DATABASES}
    with ExitStack() as stack:
        for alias in settings.DATABASES:

            def wrapper(execute, sql, params, many, context, alias=alias):
                log[alias].append(sql)
                return execute(sql, params, many, context)

            stack.enter_context(connections[alias].execute_wrapper(wrapper))
        yield log


def counts(log: dict[str, list[str]]) -> dict[str, int]:
    return {alias: len(queries) for alias, queries in log.items()}


def until(condition, seconds: float = WAIT) -> float | None:
    """Seconds until condition() is true (polled), or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return round(time.monotonic() - started, 3)
        time.sleep(0.05)
    return None


def main() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from archive.models import Transcript, Turn
    from tests.support import BLINKEN, make_staff_user, make_transcript

    call_command("migrate", verbosity=0)
    transcript = make_transcript(
        "Press briefing on the Minsk agreements",
        turns=[
            ("QUESTION", "What is left of the Minsk agreements?"),
            ("MR PRICE", "The Minsk agreements remain the basis for diplomacy."),
        ],
    )
    report: dict = {
        "replica_caught_up": until(
            lambda: Transcript.objects.using(REPLICA).filter(pk=transcript.pk).exists()
        )
    }
    if connections["default"].vendor == "postgresql":
        report["in_recovery"] = {}
        for alias in ("default", REPLICA):
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                report["in_recovery"][alias] = cursor.fetchone()[0]

    anonymous, curator = Client(), Client()
    curator.force_login(make_staff_user())
    requests = {
        "search page": (anonymous, "/search/?q=Minsk+agreements"),
        "search page JSON": (anonymous, "/search/?q=Minsk+agreements&format=json"),
        "search API": (anonymous, "/api/search/?q=Minsk+agreements"),
        "search feed": (anonymous, "/feeds/search/?q=Minsk"),
        "transcript page": (anonymous, transcript.get_absolute_url()),
        "curator's search": (curator, "/search/?q=Minsk+agreements"),
        "admin": (curator, "/admin/archive/transcript/"),
    }
    report["requests"] = {}
    for name, (client, url) in requests.items():
        with logged_queries() as log:
            response = client.get(url)
        report["requests"][name] = {"status": response.status_code, "queries": counts(log)}
    report["found"] = anonymous.get("/api/search/?q=Minsk+agreements").json()["count"]

    with logged_queries() as log:
        call_command("ingest", str(BLINKEN), quiet=True)
    report["ingest"] = {"queries": counts(log)}

    # A curator's edit on the primary reaches the replica's searches.
    turn = Turn.objects.get(transcript=transcript, position=2)
    turn.text = "The Minsk agreements and the zanzibarite protocol."
    turn.save()

    def found_by_search() -> bool:
        with logged_queries() as log:
            found = anonymous.get("/api/search/?q=zanzibarite").json()["count"]
        report["edit_search_queries"] = counts(log)
        return found == 1

    report["edit_reached_search"] = until(found_by_search)
    return report


if __name__ == "__main__":
    result = main()
    sys.stdout.write("\nROUTING-PROBE " + json.dumps(result) + "\n")
