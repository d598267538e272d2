"""Following by email without an account (archive.alerts): the follow form for a search, a
speaker or a topic; the confirmation page of the double opt-in; an alert's page, reached from
every mail, to change how often or stop; and the one-click unsubscribe.

The secret token in a mail's links is the only key: whoever has the mail manages its alerts.
Every answer to the follow form is the same whether the address was known or not, and
confirmation mails to one address are limited, so that the form tells nobody who follows what
and cannot be used to flood a mailbox.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from archive.alerts.forms import FollowForm, FrequencyForm
from archive.alerts.mail import confirmation_mail
from archive.alerts.models import Alert
from archive.models import Speaker, Topic
from archive.search.matching import is_search
from archive.search.page import SearchRequest

log = logging.getLogger(__name__)

RESEND_AFTER = datetime.timedelta(minutes=10)  # a second confirmation mail for the same alert
MAX_PENDING_A_DAY = 5  # confirmation mails to one address in a day
SEARCH_FIELDS = ("q", "speaker", "topic", "kind", "lang", "after", "before")
page_methods = require_http_methods(["GET", "HEAD", "POST"])


def _followed(target: str, slug: str | None, request) -> dict:
    """What the form follows: {"target", "speaker"|"topic"|"query"}; 404 when nothing."""
    if target == Alert.Target.SPEAKER:
        return {"target": target, "speaker": get_object_or_404(Speaker.objects.public(), slug=slug)}
    if target == Alert.Target.TOPIC:
        return {"target": target, "topic": get_object_or_404(Topic, slug=slug)}
    if target != Alert.Target.SEARCH:
        raise Http404(f"Nothing to follow as {target!r}.")
    search_request = SearchRequest.from_querydict(request.GET)
    query = {name: getattr(search_request, name) for name in SEARCH_FIELDS}
    query = {name: value for name, value in query.items() if value}
    if not is_search(search_request):
        raise Http404("Nothing to follow: search first, then follow the search.")
    return {"target": target, "query": query}


@page_methods
def follow(request, target: str, slug: str | None = None):
    """/alerts/new/search/?q=…, /alerts/new/speaker/<slug>/, /alerts/new/topic/<slug>/"""
    followed = _followed(target, slug, request)
    alert = Alert(**followed)
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _subscribe(request, followed, form.cleaned_data)
        return render(
            request, "archive/alerts/check_inbox.html", {"alert": alert, **form.cleaned_data}
        )
    return render(request, "archive/alerts/follow.html", {"alert": alert, "form": form})


def _subscribe(request, followed: dict, data: dict) -> None:
    """A pending alert and its confirmation mail; an alert this address already has (pending
    or active) is not made twice, and confirmations to one address are limited."""
    now = timezone.now()
    email = data["email"]
    same = Alert.objects.of_address(email).filter(unsubscribed_at__isnull=True, **followed)
    alert = same.first()
    if alert is not None and alert.is_active:
        return  # already followed: say nothing more (the answer looks the same)
    recent = Alert.objects.of_address(email).filter(
        confirmation_sent_at__gte=now - datetime.timedelta(days=1)
    )
    if recent.count() >= MAX_PENDING_A_DAY:
        return
    if alert is None:
        alert = Alert.objects.create(email=email, frequency=data["frequency"], **followed)
    elif alert.confirmation_sent_at and now - alert.confirmation_sent_at < RESEND_AFTER:
        return
    else:
        alert.frequency = data["frequency"]
    try:
        confirmation_mail(alert, request).send()
    except Exception:
        log.exception("The confirmation mail for alert %s could not be sent", alert.pk)
        return
    alert.confirmation_sent_at = now
    alert.save(update_fields=["frequency", "confirmation_sent_at"])


@page_methods
def confirm(request, token: str):
    """The link in the confirmation mail: a button that confirms (a mail scanner that follows
    links confirms nothing)."""
    alert = get_object_or_404(Alert.objects.select_related("speaker", "topic"), token=token)
    if request.method == "POST" and alert.unsubscribed_at is None:
        if alert.confirmed_at is None:
            Alert.objects.filter(pk=alert.pk).update(confirmed_at=timezone.now())
        return redirect(alert.get_absolute_url() + "?confirmed=1")
    return render(request, "archive/alerts/confirm.html", {"alert": alert})


@page_methods
def manage(request, token: str):
    """An alert's page: every alert of its address, each with how often and a way to stop."""
    alert = get_object_or_404(Alert, token=token)
    alerts = (
        Alert.objects.of_address(alert.email)
        .filter(unsubscribed_at__isnull=True)
        .select_related("speaker", "topic")
        .order_by("-created_at")
    )
    if request.method == "POST":
        chosen = alerts.filter(token=request.POST.get("alert", "")).first()
        with transaction.atomic():
            if request.POST.get("action") == "stop-all":
                alerts.update(unsubscribed_at=timezone.now())
            elif chosen is not None and request.POST.get("action") == "stop":
                Alert.objects.filter(pk=chosen.pk).update(unsubscribed_at=timezone.now())
            elif chosen is not None:
                form = FrequencyForm(request.POST)
                if form.is_valid():
                    Alert.objects.filter(pk=chosen.pk).update(
                        frequency=form.cleaned_data["frequency"]
                    )
        return redirect(alert.get_absolute_url() + "?saved=1")
    return render(
        request,
        "archive/alerts/manage.html",
        {
            "alert": alert,
            "alerts": alerts,
            "frequencies": Alert.Frequency.choices,
            "confirmed": request.GET.get("confirmed") == "1",
            "saved": request.GET.get("saved") == "1",
        },
    )


@csrf_exempt  # a mail program's one-click POST (RFC 8058) has no CSRF token; the token is the key
@page_methods
def unsubscribe(request, token: str):
    """The unsubscribe link of every mail: a button, or a mail program's one-click POST."""
    alert = get_object_or_404(Alert.objects.select_related("speaker", "topic"), token=token)
    if request.method == "POST" and alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at"])
    return render(request, "archive/alerts/unsubscribe.html", {"alert": alert})
