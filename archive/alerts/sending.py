"""send_alerts(): for each confirmed alert that is due, the statements that are new since its
last run, as one digest mail (`manage.py send_alerts`, from cron).

New: published speech turns of transcripts added or changed (published, re-ingested) since the
alert was last checked, less a small overlap for ingests still committing when the last run
looked; a statement already sent to the alert (AlertDelivery, by permalink key) is never sent
again. Which of them an alert wants: a speaker's (Turn.objects.by_speaker), a topic's
(on_topic), or what its search finds (archive.search.matching, exactly as the search does).

Each alert is handled in its own transaction that records the deliveries before the mail goes:
two runs at once cannot both send a statement (the second finds it delivered, or fails on the
unique constraint and skips), and a mail the server refuses is taken back (deliveries removed,
the alert's clock turned back) so that the next run tries again.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from archive.alerts.mail import digest_mail, site_url
from archive.alerts.models import Alert, AlertDelivery
from archive.models import Turn
from archive.search.matching import search_matches
from archive.search.page import SearchRequest
from archive.search.query import parse_query
from archive.search.snippets import build_snippet

log = logging.getLogger(__name__)

DAILY_EVERY = datetime.timedelta(hours=23)  # a daily cron a little early still sends
OVERLAP = datetime.timedelta(minutes=10)  # transcripts saved while the last run looked
MAX_LISTED = 50  # statements listed in one mail; the rest are counted and linked


@dataclass
class SendReport:
    checked: int = 0
    sent: int = 0  # mails
    statements: int = 0
    failed: int = 0
    forgotten: int = 0  # unconfirmed alerts too old to be confirmed
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.checked} alerts checked: {self.sent} mails sent with {self.statements} "
            f"statements, {self.failed} failed; {self.forgotten} unconfirmed alerts forgotten"
        )
        return "\n".join([text, *self.problems])


def new_turns(alert: Alert, since: datetime.datetime) -> list[Turn]:
    """The published statements of transcripts changed since `since` that the alert wants and
    was never sent, oldest transcript first."""
    candidates = (
        Turn.objects.published()
        .speech()
        .filter(transcript__updated_at__gt=since)
        .exclude(key__in=alert.deliveries.values("turn_key"))
        .order_by("transcript__date", "transcript_id", "position")
    )
    if alert.target == Alert.Target.SPEAKER:
        found = list(candidates.by_speaker(alert.speaker).select_related("transcript", "speaker"))
    elif alert.target == Alert.Target.TOPIC:
        found = list(candidates.on_topic(alert.topic).select_related("transcript", "speaker"))
    else:
        found = search_matches(SearchRequest(**alert.query), candidates)
    return found


def _items(alert: Alert, turns: list[Turn]) -> list[dict]:
    clauses = parse_query(alert.query.get("q", "")).clauses if alert.query else ()
    return [
        {
            "turn": turn,
            "snippet": build_snippet(turn.text, clauses, language=turn.text_language),
            "url": site_url(reverse("archive:turn_detail", args=[turn.key])),
        }
        for turn in turns[:MAX_LISTED]
    ]


def send_alert(alert: Alert, now: datetime.datetime, connection, report: SendReport) -> None:
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("speaker", "topic")
            .filter(pk=alert.pk)
            .first()
        )
        if alert is None or not alert.is_active or not alert.is_due(now, DAILY_EVERY):
            return
        report.checked += 1
        previous_check = alert.checked_at
        # What the archive held at confirmation is not news; later runs overlap the last one a
        # little, for ingests that were committing while it looked.
        since = alert.confirmed_at
        if previous_check is not None:
            since = max(since, previous_check - OVERLAP)
        turns = new_turns(alert, since)
        try:
            with transaction.atomic():
                AlertDelivery.objects.bulk_create(
                    [AlertDelivery(alert=alert, turn=t, turn_key=t.key, sent_at=now) for t in turns]
                )
        except IntegrityError:  # another run is sending these very statements
            return
        alert.checked_at = now
        if turns:
            alert.last_sent_at = now
        alert.save(update_fields=["checked_at", "last_sent_at"])
    if not turns:
        return
    message = digest_mail(alert, _items(alert, turns), max(0, len(turns) - MAX_LISTED))
    message.connection = connection
    try:
        message.send()
    except Exception as error:  # the mail server refused or is away: try again next run
        log.exception("Alert %s: the digest could not be sent", alert.pk)
        with transaction.atomic():
            alert.deliveries.filter(sent_at=now, turn_key__in=[t.key for t in turns]).delete()
            Alert.objects.filter(pk=alert.pk).update(checked_at=previous_check)
        report.failed += 1
        report.problems.append(f"alert {alert.pk}: {error}")
        return
    report.sent += 1
    report.statements += len(turns)


def send_alerts(now: datetime.datetime | None = None) -> SendReport:
    """Send every due alert its new statements; forget unconfirmed alerts past their time."""
    now = now or timezone.now()
    report = SendReport()
    report.forgotten, _ = Alert.objects.stale(now).delete()
    connection = get_connection()
    alerts = Alert.objects.active().order_by("pk").only("pk")
    for alert in alerts.iterator():
        send_alert(alert, now, connection, report)
    return report
