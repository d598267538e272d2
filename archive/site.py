"""The archive's permanent addresses: a path on the configured site (settings.PARLEY_SITE_URL),
whatever Host a request came in on. Identifiers that must never change (Atom ids, the Akoma
Ntoso export's alias) are made here; links a reader follows may use the request's host."""

from __future__ import annotations

from django.conf import settings


def permanent_url(path: str) -> str:
    """`path` (absolute, as reverse() or get_absolute_url() gives it) on the configured site."""
    return f"{settings.PARLEY_SITE_URL}{path}"
