"""Alerts by email without an account: double opt-in, daily or immediate digests, an unsubscribe
link in every mail, managed from a link, and `send_alerts` (for cron), which never sends the
same statement twice. Mail goes through Django's SMTP backend to a real SMTP server started
here (aiosmtpd)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.alerts.models import Alert, AlertDelivery
from archive.alerts.sending import DAILY_EVERY, send_alerts
from archive.models import Speaker, Turn
from archive.search import SearchRequest, run_search
from archive.search.matching import search_matches
from tests.mail_server import SMTP_BACKEND, html_of, smtp_server, text_of
from tests.support import load_sample_files, make_speaker, make_topic, make_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.PARLEY_SITE_URL = "http://testserver"
        yield server


@pytest.fixture
def people():
    return {
        "MR PRICE": make_speaker("Ned Price", title="Spokesperson"),
        "QUESTION": make_speaker("Matthew Lee", kind=Speaker.Kind.JOURNALIST),
    }


@pytest.fixture
def archive(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_topic("Sanctions", phrases=["sanctions"])
        return make_transcript(
            "Briefing in January",
            date=datetime.date(2022, 1, 10),
            speakers=people,
            turns=[("QUESTION", "Sanctions on Russia?"), ("MR PRICE", "Sanctions remain.")],
        )


def new_briefing(people, capture, title="Briefing in February", text="New sanctions today."):
    from archive.topics import tag_turns

    with capture(execute=True):
        transcript = make_transcript(
            title,
            date=datetime.date(2022, 2, 11),
            speakers=people,
            turns=[("QUESTION", "And Minsk?"), ("MR PRICE", text)],
        )
        tag_turns(transcript.turns.all())
    return transcript


def subject(message) -> str:
    # Django folds a non-ASCII subject after "Subject:"; mail programs show it without the space.
    return message["Subject"].strip()


def link(message, name: str) -> str:
    """The path of the link in a mail's text that ends its line after `name`."""
    match = re.search(rf"http://testserver(/alerts/{name}/[^/\s]+/)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def follow(client, url, email="reader@example.org", frequency="immediate"):
    return client.post(url, {"email": email, "frequency": frequency})


def follow_search(client, q="sanctions", **more):
    url = (
        reverse("archive:alert_follow_search")
        + "?"
        + "&".join([f"q={q}", *(f"{k}={v}" for k, v in more.items())])
    )
    return follow(client, url)


def confirm(client, message) -> Alert:
    path = link(message, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and b"Confirm" in page.content
    alert = Alert.objects.get(token=path.rstrip("/").rsplit("/", 1)[1])
    assert alert.confirmed_at is None, "opening the link (a mail scanner) confirms nothing"
    response = client.post(path)
    assert response.status_code == 302 and response["Location"].startswith("/alerts/manage/")
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    return alert


# --- Double opt-in ---------------------------------------------------------------------------------


def test_following_a_search_sends_one_confirmation_and_nothing_else_until_confirmed(
    archive, people, client, smtp, django_capture_on_commit_callbacks
):
    page = client.get(reverse("archive:alert_follow_search") + "?q=sanctions")
    assert page.status_code == 200 and "statements matching “sanctions”" in page.content.decode()
    response = follow_search(client)
    assert response.status_code == 200 and b"Check your inbox" in response.content

    [message] = smtp.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert subject(message) == "Confirm your Parley alert: statements matching “sanctions”"
    assert "/alerts/confirm/" in text_of(message) and "/alerts/confirm/" in html_of(message)
    unsubscribe = link(message, "unsubscribe")
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{unsubscribe}>"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

    new_briefing(people, django_capture_on_commit_callbacks)
    assert send_alerts().sent == 0, "an unconfirmed alert sends nothing"
    assert len(smtp.messages) == 1


def test_the_follow_form_refuses_a_bad_address_and_an_empty_search(client, db, smtp):
    response = follow(client, reverse("archive:alert_follow_search") + "?q=sanctions", "nope")
    assert response.status_code == 200 and b"Enter a valid email address" in response.content
    assert client.get(reverse("archive:alert_follow_search")).status_code == 404
    assert client.get(reverse("archive:alert_follow_search") + "?q=+").status_code == 404
    assert client.get("/alerts/new/person/x/").status_code == 404
    assert smtp.messages == []


def test_a_search_with_line_breaks_or_of_any_length_makes_a_one_line_subject(archive, client, smtp):
    url = (
        reverse("archive:alert_follow_search") + "?q=sanctions%0D%0ABcc:+x@example.org+" + "y" * 300
    )
    follow(client, url)
    [message] = smtp.wait_for(1)
    assert message["To"] == "reader@example.org" and message["Bcc"] is None
    assert "\n" not in subject(message) and len(subject(message)) < 160
    assert "statements matching “sanctions Bcc: x@example.org yyy" in subject(message)


def test_the_form_answers_alike_for_known_addresses_and_sends_no_flood(archive, client, smtp):
    first = follow_search(client)
    again = follow_search(client)
    assert first.content == again.content
    assert len(smtp.wait_for(1)) == 1, "the same alert is not confirmed twice in a row"
    for word in ("russia", "minsk", "ukraine", "china", "taiwan", "iran"):
        follow_search(client, word)
    smtp.wait_for(5, timeout=2)
    assert len(smtp.messages) == 5, "at most five confirmations a day to one address"


# --- send_alerts ------------------------------------------------------------------------------------


def test_send_alerts_sends_what_is_new_and_never_the_same_statement_twice(
    archive, people, client, smtp, django_capture_on_commit_callbacks
):
    follow_search(client)
    alert = confirm(client, smtp.wait_for(1)[0])
    smtp.clear()
    assert send_alerts().sent == 0, "what the archive held before is not news"

    february = new_briefing(people, django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("send_alerts", stdout=out)
    assert "1 mails sent with 1 statements" in out.getvalue()
    [digest] = smtp.wait_for(1)
    assert subject(digest) == "Parley: 1 new statement — statements matching “sanctions”"
    text = text_of(digest)
    assert "Ned Price — Briefing in February (11 February 2022)" in text
    assert "New sanctions today." in text
    answer = february.turns.get(position=2)
    assert f"http://testserver{answer.get_absolute_url()}" in text
    assert "<mark>sanctions</mark>" in html_of(digest)
    assert link(digest, "unsubscribe") and link(digest, "manage")
    assert (
        digest["List-Unsubscribe"].strip()
        == f"<http://testserver/alerts/unsubscribe/{alert.token}/>"
    )

    smtp.clear()
    assert send_alerts().sent == 0
    # Saving the transcript again (a curator's edit, a re-ingest) does not send it again.
    february.title = "Briefing in February (corrected)"
    february.save()
    assert send_alerts(timezone.now() + datetime.timedelta(minutes=1)).sent == 0
    assert smtp.messages == []
    assert list(AlertDelivery.objects.values_list("turn_key", flat=True)) == [answer.key]


def test_a_daily_alert_waits_a_day_and_then_sends_everything_new_at_once(
    archive, people, client, smtp, django_capture_on_commit_callbacks
):
    follow(client, reverse("archive:alert_follow_search") + "?q=sanctions", frequency="daily")
    confirm(client, smtp.wait_for(1)[0])
    smtp.clear()
    now = timezone.now()
    assert send_alerts(now).checked == 1  # the day starts
    new_briefing(people, django_capture_on_commit_callbacks)
    new_briefing(
        people, django_capture_on_commit_callbacks, "Briefing in March", "Sanctions again."
    )
    assert send_alerts(now + datetime.timedelta(hours=2)).sent == 0, "not yet a day"
    report = send_alerts(now + DAILY_EVERY)
    assert (report.sent, report.statements) == (1, 2)
    [digest] = smtp.wait_for(1)
    assert subject(digest).startswith("Parley: 2 new statements")
    assert "Briefing in February" in text_of(digest) and "Briefing in March" in text_of(digest)


def test_a_speaker_and_a_topic_can_be_followed(
    archive, people, client, smtp, django_capture_on_commit_callbacks
):
    price = people["MR PRICE"]
    follow(client, reverse("archive:alert_follow", args=["speaker", price.slug]), "a@example.org")
    follow(client, reverse("archive:alert_follow", args=["topic", "sanctions"]), "b@example.org")
    for message in smtp.wait_for(2):
        confirm(client, message)
    smtp.clear()
    new_briefing(people, django_capture_on_commit_callbacks)
    report = send_alerts()
    assert (report.sent, report.statements) == (2, 2)
    by_address = {m["To"]: m for m in smtp.wait_for(2)}
    assert subject(by_address["a@example.org"]).endswith("statements by Ned Price")
    assert "And Minsk?" not in text_of(by_address["a@example.org"]), "the question is Lee's"
    assert subject(by_address["b@example.org"]).endswith("statements on Sanctions")


def test_a_mail_the_server_refuses_is_sent_at_the_next_run(
    archive, people, client, smtp, settings, django_capture_on_commit_callbacks
):
    follow_search(client)
    confirm(client, smtp.wait_for(1)[0])
    smtp.clear()
    new_briefing(people, django_capture_on_commit_callbacks)
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1  # nobody listens there
    report = send_alerts()
    assert report.failed == 1 and AlertDelivery.objects.count() == 0
    settings.EMAIL_PORT = port
    assert send_alerts().statements == 1
    assert len(smtp.wait_for(1)) == 1


def test_unconfirmed_alerts_are_forgotten_after_a_week(archive, client, smtp):
    follow_search(client)
    assert send_alerts(timezone.now() + datetime.timedelta(days=8)).forgotten == 1
    assert not Alert.objects.exists()


# --- Unsubscribe, manage ---------------------------------------------------------------------------


def test_the_unsubscribe_link_of_a_digest_stops_the_alert(
    archive, people, client, smtp, django_capture_on_commit_callbacks
):
    follow_search(client)
    alert = confirm(client, smtp.wait_for(1)[0])
    path = reverse("archive:alert_unsubscribe", args=[alert.token])
    page = client.get(path)
    assert b"Unsubscribe" in page.content and Alert.objects.get().unsubscribed_at is None
    # A mail program's one-click unsubscribe (RFC 8058): a POST with no CSRF token.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    new_briefing(people, django_capture_on_commit_callbacks)
    smtp.clear()
    assert send_alerts().sent == 0 and smtp.messages == []


def test_the_manage_page_changes_how_often_and_stops_one_or_every_alert(archive, client, smtp):
    follow_search(client)
    follow_search(client, "russia")
    first, second = smtp.wait_for(2)
    alert = confirm(client, first)
    confirm(client, second)
    page = client.get(alert.get_absolute_url())
    html = page.content.decode()
    assert "Statements matching “sanctions”" in html and "Statements matching “russia”" in html
    client.post(alert.get_absolute_url(), {"alert": alert.token, "frequency": "daily"})
    alert.refresh_from_db()
    assert alert.frequency == "daily"
    client.post(alert.get_absolute_url(), {"alert": alert.token, "action": "stop"})
    assert Alert.objects.active().count() == 1
    client.post(alert.get_absolute_url(), {"action": "stop-all"})
    assert Alert.objects.active().count() == 0
    assert client.post("/alerts/manage/not-a-token/").status_code == 404


def test_alert_pages_take_forms_with_csrf_protection(archive, smtp):
    strict = Client(enforce_csrf_checks=True)
    url = reverse("archive:alert_follow_search") + "?q=sanctions"
    assert strict.post(url, {"email": "x@example.org", "frequency": "daily"}).status_code == 403
    assert smtp.messages == []


def test_merging_speakers_keeps_their_followers(people, client, smtp):
    from archive.people.curation import merge_speakers

    price = people["MR PRICE"]
    make_transcript("One", speakers=people, turns=[("MR PRICE", "Hello.")])
    duplicate = make_speaker("N. Price")
    alert = Alert.objects.create(email="a@example.org", target="speaker", speaker=duplicate)
    merge_speakers(price, [duplicate])
    alert.refresh_from_db()
    assert alert.speaker == price


# --- Pages link their feeds and alerts -------------------------------------------------------------


def test_every_page_with_a_feed_links_to_it_and_to_its_alert(archive, people, client):
    price = people["MR PRICE"]
    pages = {
        price.get_absolute_url(): (
            reverse("archive:speaker_feed", args=[price.slug]),
            reverse("archive:alert_follow", args=["speaker", price.slug]),
        ),
        reverse("archive:topic_detail", args=["sanctions"]): (
            reverse("archive:topic_feed", args=["sanctions"]),
            reverse("archive:alert_follow", args=["topic", "sanctions"]),
        ),
        reverse("archive:search") + "?q=sanctions": (
            reverse("archive:search_feed") + "?q=sanctions",
            reverse("archive:alert_follow_search") + "?q=sanctions",
        ),
        reverse("archive:transcript_list"): (reverse("archive:transcript_feed"), None),
        reverse("archive:home"): (reverse("archive:transcript_feed"), None),
    }
    for url, (feed, alert) in pages.items():
        html = client.get(url).content.decode()
        assert f'href="{feed}" type="application/atom+xml"' in html, url
        assert 'type="application/atom+xml" title="Parley' in html, url
        if alert:
            assert f'href="{alert}" rel="nofollow">Follow by email' in html, url
    html = client.get(reverse("archive:search") + "?q=sanctions").content.decode()
    assert 'href="/search/?q=sanctions&amp;format=csv"' in html
    assert 'href="/search/?q=sanctions&amp;format=json"' in html


# --- The search an alert runs is the search ---------------------------------------------------------


SEARCHES = [
    "sanctions",
    '"Minsk agreements"',
    "russia -ukraine",
    "taiwan OR japan",
    "speaker:sullivan china",
    "topic:ukraine",
    "russia after:2022-02-01 before:2022-06-30",
    "kind:interview",
    "美国",
    "lang:zh",
    "agreement",
]


def test_an_alerts_search_finds_what_the_search_finds(django_capture_on_commit_callbacks):
    from tests.support import sample_names

    load_sample_files(django_capture_on_commit_callbacks, sample_names())
    for q in SEARCHES:
        request = SearchRequest(q=q, per_page=1000, facets=False)
        expected = {hit.turn_id for hit in run_search(request).hits}
        found = search_matches(request, Turn.objects.published().speech())
        assert {turn.pk for turn in found} == expected, q
        assert expected, q


def test_a_curator_sees_the_alerts_and_can_stop_them(archive, client):
    from tests.support import make_staff_user

    alert = Alert.objects.create(email="x@example.org", target="search", query={"q": "minsk"})
    make_staff_user()
    client.login(username="curator", password="a-curator-password")
    listing = client.get(reverse("admin:archive_alert_changelist")).content.decode()
    assert "x@example.org" in listing and "statements matching “minsk”" in listing
    client.post(
        reverse("admin:archive_alert_changelist"),
        {"action": "stop", "_selected_action": [alert.pk]},
    )
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
