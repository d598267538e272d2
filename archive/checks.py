"""System checks of Parley's own settings (registered in archive.apps)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """Production needs its real address: permanent identifiers are made from it."""
    if settings.PARLEY_SITE_URL == settings.PARLEY_SITE_URL_DEFAULT:
        return [
            Warning(
                f"PARLEY_SITE_URL is not set: the feeds' ids and the exports' identifiers name "
                f"{settings.PARLEY_SITE_URL_DEFAULT}.",
                hint="Set PARLEY_SITE_URL to the site's public address, "
                "e.g. https://parley.example.org",
                id="parley.W001",
            )
        ]
    return []
