"""Who follows what by email: an Alert per address and search, speaker or topic, and the
statements already sent for it (AlertDelivery), so that none is sent twice.

Read by archive.models (so that Django and the migrations know these models); they refer to the
archive's models by name, never by import, so that archive.models imports nothing back.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

PENDING_FOR = datetime.timedelta(days=7)  # an unconfirmed alert is forgotten after this


def new_token() -> str:
    """The secret in an alert's links (confirm, manage, unsubscribe): whoever has the mail."""
    return secrets.token_urlsafe(24)


class AlertQuerySet(models.QuerySet):
    def active(self) -> AlertQuerySet:
        """Confirmed and not unsubscribed: the alerts send_alerts sends."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def pending(self) -> AlertQuerySet:
        """Waiting for their confirmation link to be followed."""
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def stale(self, now: datetime.datetime) -> AlertQuerySet:
        """Never confirmed, and too old to be."""
        return self.pending().filter(created_at__lt=now - PENDING_FOR)

    def of_address(self, email: str) -> AlertQuerySet:
        return self.filter(email__iexact=email)


class Alert(models.Model):
    """One address following one search, speaker or topic."""

    class Target(models.TextChoices):
        SEARCH = "search", "A search"
        SPEAKER = "speaker", "A speaker"
        TOPIC = "topic", "A topic"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Once a day, if there is anything new"
        IMMEDIATE = "immediate", "As soon as something new is added"

    email = models.EmailField(max_length=254)
    target = models.CharField(max_length=10, choices=Target.choices)
    query = models.JSONField(
        default=dict,
        blank=True,
        help_text="A followed search's parameters, as the search page takes them (q, speaker, "
        "topic, kind, lang, after, before).",
    )
    speaker = models.ForeignKey(
        "archive.Speaker", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    topic = models.ForeignKey(
        "archive.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When send_alerts last looked for new statements for this alert.",
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["email", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="alert_target_has_its_object",
                condition=(
                    Q(target="search", speaker__isnull=True, topic__isnull=True)
                    | Q(target="speaker", speaker__isnull=False, topic__isnull=True)
                    | Q(target="topic", topic__isnull=False, speaker__isnull=True)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="alert_email_idx"),
            models.Index(fields=["confirmed_at", "unsubscribed_at"], name="alert_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("archive:alert_manage", kwargs={"token": self.token})

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def description(self) -> str:
        """What is followed, as a mail's subject says it: "statements by Antony Blinken"."""
        if self.target == self.Target.SPEAKER and self.speaker_id:
            return f"statements by {self.speaker.name}"
        if self.target == self.Target.TOPIC and self.topic_id:
            return f"statements on {self.topic.name}"
        return f"statements matching “{search_text(self.query)}”"

    def followed_url(self) -> str:
        """The page of what is followed (newest first, for a search)."""
        if self.target == self.Target.SPEAKER and self.speaker_id:
            return self.speaker.get_absolute_url()
        if self.target == self.Target.TOPIC and self.topic_id:
            return self.topic.get_absolute_url()
        from urllib.parse import urlencode

        return reverse("archive:search") + "?" + urlencode({**self.query, "sort": "newest"})

    def is_due(self, now: datetime.datetime, daily_every: datetime.timedelta) -> bool:
        """Immediate alerts at every run; daily ones when a day has passed since their last."""
        if self.frequency == self.Frequency.IMMEDIATE or self.checked_at is None:
            return True
        return now - self.checked_at >= daily_every


SEARCH_TEXT_LENGTH = 100  # a followed search in a mail's subject and on pages


def search_text(query: dict) -> str:
    """A followed search as one short line (a mail's subject has no line breaks): its query
    with the form's filters written in."""
    parts = [query.get("q", "")]
    parts += [f"{name}:{query[name]}" for name in ("speaker", "topic", "kind", "lang", "after",
              "before") if query.get(name)]  # fmt: skip
    text = " ".join(" ".join(parts).split())
    if len(text) > SEARCH_TEXT_LENGTH:
        text = text[: SEARCH_TEXT_LENGTH - 1].rstrip() + "…"
    return text


class AlertDelivery(models.Model):
    """A statement sent to an alert's address: recorded before the mail goes, so that no run
    ever sends it again (a statement's permalink key survives re-ingesting its transcript)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    turn_key = models.CharField(max_length=16)
    turn = models.ForeignKey(
        "archive.Turn", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["alert", "sent_at"]
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(fields=["alert", "turn_key"], name="alertdelivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.turn_key} to {self.alert_id}"
