"""The two mails an alert sends: the confirmation (double opt-in) and the digest of new
statements. Both carry a link to manage the alert and a one-click unsubscribe (the
List-Unsubscribe headers of RFC 2369 and RFC 8058, which mail programs show as a button).

Addresses in a mail are absolute: from the request when there is one (following from a page),
else settings.PARLEY_SITE_URL (send_alerts, from cron).
"""

from __future__ import annotations

from html import unescape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from archive.alerts.models import Alert


def site_url(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.PARLEY_SITE_URL}{path}"


def alert_links(alert: Alert, request=None) -> dict:
    return {
        "confirm_url": site_url(reverse("archive:alert_confirm", args=[alert.token]), request),
        "manage_url": site_url(reverse("archive:alert_manage", args=[alert.token]), request),
        "unsubscribe_url": site_url(
            reverse("archive:alert_unsubscribe", args=[alert.token]), request
        ),
        "followed_url": site_url(alert.followed_url(), request),
    }


def _message(alert: Alert, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    links = context["links"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"archive/alerts/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"archive/alerts/email/{template}.html", context), "text/html"
    )
    return message


def confirmation_mail(alert: Alert, request=None) -> EmailMultiAlternatives:
    context = {"alert": alert, "links": alert_links(alert, request)}
    return _message(alert, f"Confirm your Parley alert: {alert.description}", "confirm", context)


def digest_mail(alert: Alert, items: list[dict], more: int) -> EmailMultiAlternatives:
    """`items`: {"turn", "snippet" (safe HTML), "url"} for each new statement shown; `more`
    new statements are counted but not listed."""
    for item in items:
        item["snippet_text"] = " ".join(unescape(strip_tags(item["snippet"])).split())
    total = len(items) + more
    context = {
        "alert": alert,
        "items": items,
        "more": more,
        "total": total,
        "links": alert_links(alert),
    }
    noun = "statement" if total == 1 else "statements"
    subject = f"Parley: {total} new {noun} — {alert.description}"
    return _message(alert, subject, "digest", context)
