"""The cache in front of searches, and the data version that keeps it true.

With settings.PARLEY_CACHE_SECONDS (set by CACHE_URL), anonymous search pages (/search/, its
?format=json and ?format=csv, /api/search/) are answered from Django's cache, as are the facet
counts of a search (shared by its pages and sorts). Every key holds the archive's *data version*:
a one-row counter (`DataVersion`) that every change of published data bumps in the change's own
transaction (archive.search.indexing hears every such change; it bumps again once an index kept
outside the database holds it). A request reads the version first, then the data, from the same
database: an edit committed is a new version, so no page cached before it is ever served after
it, and nothing needs deleting (old keys expire). A migration bumps it too, so that a new release's
pages are not served from the old one's cache.

Only anonymous GET/HEAD requests are answered from the cache (archive.routers.is_public_read): a
curator always sees the archive as it is. (Facet counts are shared: under one version they are
the same whoever asks, on the primary or on a replica.)

What is counted over the whole archive for lists and the home page (statements by speaker and by
topic: archive.counts) is kept per version as well (`per_version`), in the cache with CACHE_URL
and in each process without it (outside transactions): at a million statements it takes about
a second to count.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models import F
from django.http import HttpResponse

from archive.routers import is_public_read

log = logging.getLogger(__name__)
T = TypeVar("T")
CACHE_HEADER = "X-Parley-Cache"  # "hit" or "miss": for people and for benchmarks/cache.py


def fresh_version() -> int:
    """Where a new database's version starts: the time in milliseconds, far above any count of
    changes, so that a database made anew never reuses an old one's keys in a shared cache."""
    return int(time.time() * 1000)


class DataVersion(models.Model):
    """How many times the published archive has changed (one row, starting from
    `fresh_version()`): part of every cache key."""

    value = models.PositiveBigIntegerField(default=1)

    class Meta:
        app_label = "archive"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="data_version_one_row")
        ]

    def __str__(self) -> str:
        return f"data version {self.value}"


def bump_data_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """Count a change, in the current transaction (F() + 1: concurrent writers never lose one)."""
    versions = DataVersion.objects.using(using)
    if not versions.filter(pk=1).update(value=F("value") + 1):
        # The row is gone (a flush): make it again.
        versions.bulk_create([DataVersion(pk=1, value=fresh_version())], ignore_conflicts=True)


def data_version(using: str | None = None) -> int:
    """The version as the database this request reads (or `using`) sees it."""
    alias = using or router.db_for_read(DataVersion)
    value = DataVersion.objects.using(alias).filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def enabled() -> bool:
    return settings.PARLEY_CACHE_SECONDS > 0


def _key(kind: str, version: int, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"search:{kind}:{version}:{digest}"


def _read(key: str):
    """The cached value, or None, also when the cache does not answer: pages go on without."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("The cache does not answer; going on without it", exc_info=True)
        return None


def _write(key: str, value) -> None:
    try:
        cache.set(key, value, settings.PARLEY_CACHE_SECONDS)
    except Exception:
        log.warning("The cache does not answer; not caching", exc_info=True)


# --- Whole answers -------------------------------------------------------------------------------


def cached_search(view: Callable) -> Callable:
    """Answer an anonymous GET/HEAD of a search from the cache, keyed by its full address (host,
    path and query) and the data version; cache what the view answers when it is a 200."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not enabled() or not is_public_read(request):
            return view(request, *args, **kwargs)
        key = _key("page", data_version(), request.build_absolute_uri())
        stored = _read(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response[CACHE_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(name, value) for name, value in response.items()]
            _write(key, (response.content, headers))
            response[CACHE_HEADER] = "miss"
        return response

    return wrapper


# --- Whatever is counted over the whole archive --------------------------------------------------

HELD_KINDS = 256  # what one process keeps of one version: the archive's counts, pages' counts
# alias: (the version its values are kept for, {kind: value} with the latest used last)
_held: dict[str, tuple[int, OrderedDict[str, object]]] = {}
_holding = threading.Lock()  # a threaded server's requests share _held


def per_version(
    kind: str, compute: Callable[[], T], using: str, *, if_kept: Callable[[], T] | None = None
) -> T:
    """compute() once per data version of the database `using`, kept in Django's cache when
    CACHE_URL is set (shared by every worker), else in this process (the latest version only,
    and of it the HELD_KINDS kinds used last). With `if_kept`: what is kept for this version,
    else if_kept() (nothing is computed or kept).

    Nothing is kept inside a transaction: a version it reaches can be rolled back and reached
    again by other changes (a test's every change is; a function under @atomic runs again)."""
    connection = connections[using]
    version = data_version(using) if not connection.in_atomic_block else 0
    if not version:  # in a transaction, or no version row (a database just flushed)
        return (if_kept or compute)()
    if enabled():
        settings_dict = connection.settings_dict
        database = f"{settings_dict['NAME']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        key = _key(kind, version, database)
        value = _read(key)
        if value is None:
            if if_kept:
                return if_kept()
            value = compute()
            _write(key, value)
        return value
    with _holding:
        held_version, held = _held.get(using, (None, None))
        if held_version != version:
            held = OrderedDict()  # an older version's values go
            _held[using] = (version, held)
        if kind in held:
            held.move_to_end(kind)
            return held[kind]
    if if_kept:
        return if_kept()
    value = compute()
    with _holding:
        held[kind] = value
        while len(held) > HELD_KINDS:
            held.popitem(last=False)
    return value


# --- Facet counts --------------------------------------------------------------------------------


def facets_key(fields: dict) -> str | None:
    """The key of a search's facet counts (what it matches, not its page or order), or None
    when nothing is cached."""
    if not enabled():
        return None
    identity = json.dumps(fields, sort_keys=True, default=str)
    return _key("facets", data_version(), identity)


def cached_facets(key: str | None) -> dict | None:
    return _read(key) if key else None


def keep_facets(key: str | None, facets: dict) -> None:
    if key:
        _write(key, facets)
