"""Following a search by email, in a real browser at desktop and phone widths, with the mail going
through a real SMTP server started here (aiosmtpd): follow a search, the confirmation mail
arrives, its link confirms, `send_alerts` after a new transcript sends a digest that names it,
and the digest's unsubscribe link stops the alert."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, ConsoleWatcher, screenshot
from tests.mail_server import SMTP_BACKEND, smtp_server, text_of

pytestmark = pytest.mark.browser


def mail_link(message, name: str, site: str) -> str:
    match = re.search(rf"{re.escape(site)}(/alerts/{name}/[^/\s]+/)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


@pytest.mark.parametrize("width_name,viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_follow_a_search_confirm_it_by_mail_get_the_digest_and_unsubscribe(
    browser, sample_site, settings, width_name, viewport
):
    from archive.alerts.sending import send_alerts
    from tests.support import make_speaker, make_transcript

    with smtp_server() as smtp:
        settings.EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.PARLEY_SITE_URL = sample_site.url
        context = browser.new_context(viewport=viewport, base_url=sample_site.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watcher = ConsoleWatcher(page)
        try:
            page.goto("/search/")
            page.get_by_role("searchbox", name="Search every statement").fill("Normandy")
            page.get_by_role("button", name="Search", exact=True).click()
            page.wait_for_url(re.compile(r"/search/\?q=Normandy"))
            page.get_by_role("link", name="Follow by email").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Follow by email")
            address = f"{width_name}@example.org"
            page.get_by_label("Your email address").fill(address)
            page.get_by_label("As soon as something new is added").check()
            screenshot(page, f"alert-follow-{width_name}")
            page.get_by_role("button", name="Follow").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

            [confirmation] = smtp.wait_for(1)
            assert confirmation["To"] == address
            assert "statements matching “Normandy”" in confirmation["Subject"]
            assert mail_link(confirmation, "unsubscribe", sample_site.url)
            page.goto(mail_link(confirmation, "confirm", sample_site.url))
            page.get_by_role("button", name="Confirm").click()
            expect(page.get_by_role("status")).to_contain_text(f"Confirmed: {address}")
            screenshot(page, f"alert-manage-{width_name}")

            title = f"Press briefing on the Normandy format ({width_name})"
            price = make_speaker(f"Ned Price ({width_name})", aliases=[f"MR PRICE {width_name}"])
            make_transcript(
                title,
                date=datetime.date.today(),
                kind="briefing",
                speakers={"PRICE": price},
                turns=[("PRICE", "The Normandy format met again today in Berlin.")],
            )
            report = send_alerts()
            assert (report.sent, report.statements) == (1, 1), str(report)
            confirmation, digest = smtp.wait_for(2)
            assert digest["To"] == address
            text = text_of(digest)
            assert title in text and "Normandy format met again" in text

            page.goto(mail_link(digest, "unsubscribe", sample_site.url))
            page.get_by_role("button", name="Unsubscribe").click()
            expect(page.get_by_role("status")).to_contain_text("You are unsubscribed")
            screenshot(page, f"alert-unsubscribed-{width_name}")

            make_transcript(
                f"Another Normandy briefing ({width_name})",
                speakers={"PRICE": price},
                turns=[("PRICE", "Normandy, again.")],
            )
            assert send_alerts().sent == 0
            assert len(smtp.messages) == 2
        finally:
            context.close()
        assert watcher.problems == []
