"""Which database answers a query: the primary, or a read replica for a public read.

Everything reads and writes the primary ("default") unless a block of code is marked
replica-readable. `ReplicaReadsMiddleware` marks exactly one kind of request: an anonymous GET or
HEAD of a public page (the "archive" namespace: pages, search, feeds, exports, the API). Such a
request reads from one replica of settings.DATABASE_REPLICAS, chosen at random and kept for the
whole request, so that all its reads see one consistent (if a little late) state of the archive.

Writes always go to the primary, and a curator reads their own writes:

* a request of a logged-in user (curators), the admin, and any POST read the primary;
* from a request's first write on (`db_for_write`), its reads go to the primary too, as do reads
  inside a transaction on the primary;
* management commands, background threads and tests read the primary unless they ask for
  `replica_reads()` themselves.

Code that reads with a cursor rather than the ORM asks the router too:
`connections[router.db_for_read(Model)]` (the PostgreSQL search engine and its spelling).
"""

from __future__ import annotations

import logging
import random
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
PUBLIC_NAMESPACE = "archive"  # archive/urls.py: every public page, feed and the API


@dataclass
class _Reads:
    """Where this block's reads go: a replica alias, or None for the primary."""

    alias: str | None = None


_reads: ContextVar[_Reads | None] = ContextVar("parley_reads", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def _healthy_replica() -> str | None:
    """A replica to read from, at random among those that answer (None when none does)."""
    candidates = replica_aliases()
    random.shuffle(candidates)
    for alias in candidates:
        try:
            connections[alias].ensure_connection()
        except DatabaseError:
            log.warning("Read replica %s does not answer; reading elsewhere", alias)
            continue
        return alias
    return None


@contextmanager
def replica_reads(alias: str | None = None):
    """Send this block's reads to a replica (`alias`, or one chosen at random); a write, or a
    transaction on the primary, brings them back to the primary. Without replicas, nothing
    changes."""
    state = _Reads(alias or _healthy_replica())
    token = _reads.set(state)
    try:
        yield state.alias
    finally:
        _reads.reset(token)


def reading_from() -> str:
    """The alias that reads go to here and now."""
    state = _reads.get()
    if state is None or state.alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return state.alias


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads of a replica-readable block to its replica, everything
    else (and every write) to the primary. Only the primary is migrated."""

    def db_for_read(self, model, **hints):
        alias = reading_from()
        # None lets Django keep an instance's own database for its related objects.
        return None if alias == DEFAULT_DB_ALIAS else alias

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            state.alias = None  # read your own writes: the rest of the block reads the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db not in replica_aliases()


def is_public_read(request) -> bool:
    """An anonymous GET or HEAD: what may be answered from a replica or a shared cache. (Reading
    request.user reads the session, on the primary, only when the request carries a cookie.)"""
    return request.method in SAFE_METHODS and not request.user.is_authenticated


class ReplicaReadsMiddleware:
    """Marks anonymous GET/HEAD requests to public pages replica-readable; every other request,
    and everything before the view is chosen (sessions, users), reads the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(_Reads())
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            replica_aliases()
            and match is not None
            and PUBLIC_NAMESPACE in match.namespaces
            and is_public_read(request)
        ):
            state = _reads.get()
            if state is not None:
                state.alias = _healthy_replica()
        return None
