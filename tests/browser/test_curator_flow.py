"""A curator in a real browser: add a transcript from text, see who each label resolves to and
why, pick a person through the autocomplete (the choice becomes the rule for the source), then
merge two people and undo the merge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import screenshot

pytestmark = pytest.mark.browser

TEXT = """Press Gaggle Aboard Air Force One

MR. DOE:  Good afternoon, everybody.

Q:  Is the trip still on?

MR. DOE:  It is.
"""


@pytest.fixture
def curator(page, django_db_blocker):
    from tests.support import make_staff_user

    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        if not get_user_model().objects.filter(username="curator").exists():
            make_staff_user()
    page.goto("/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-curator-password")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def choose_in_autocomplete(page, select_name: str, typed: str, option: str) -> None:
    """Open the admin's autocomplete (select2) beside a select, type, and pick an option."""
    page.locator(f"select[name={select_name}] + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_preview_resolve_choose_a_person_and_the_rule_holds(curator, django_db_blocker):
    page = curator
    page.goto("/admin/archive/transcript/")
    page.get_by_role("link", name="Add transcript from text").click()
    page.fill("#id_text", TEXT)
    page.fill("#id_date", "2022-03-08")
    page.fill("#id_source_name", "The White House")
    page.fill("#id_filename", "gaggle-aboard.txt")
    page.get_by_role("button", name="Preview").first.click()

    row = page.locator("tr.who-row[data-label='MR. DOE']")
    expect(row).to_contain_text("Mr. Doe")
    expect(row.locator(".resolved-by")).to_have_text("new")
    expect(page.locator("tr.who-row[data-label='Q']")).to_contain_text("Reporter")
    screenshot(page, "curator-preview")

    row.locator("select[name=who-0]").select_option("person")
    choose_in_autocomplete(page, "person-0", "Psaki", "Jen Psaki")
    page.get_by_role("button", name="Save this transcript").click()
    page.wait_for_url(re.compile(r"/admin/archive/transcript/\d+/change/$"))
    expect(page.locator(".messagelist")).to_contain_text("loaded")

    page.get_by_role("link", name="Who speaks").first.click()
    expect(page.locator(".who-table")).to_contain_text("Jen Psaki")
    expect(page.locator(".who-table")).to_contain_text("a curator's choice")
    screenshot(page, "curator-who-speaks")

    with django_db_blocker.unblock():
        from archive.ingest.load import ingest_text
        from archive.models import LabelRule

        assert LabelRule.objects.filter(label="MR. DOE", source="The White House").exists()
        later = ingest_text(
            TEXT + "\nMR. DOE:  One more thing.\n",
            filename="another-gaggle.txt",
            metadata={"source_name": "The White House", "date": "2022-03-09"},
            dry_run=True,
        )
        described = {s["label"]: s for s in later.speakers}["MR. DOE"]
        assert (described["person"], described["resolved_by"]) == ("Jen Psaki", "curator")


def test_merge_two_people_then_undo_the_merge(curator):
    page = curator
    page.goto("/admin/archive/speaker/?q=Sullivan")
    for name in ("Jake Sullivan", "John J. Sullivan"):
        page.locator("#result_list tr", has_text=name).locator("input.action-select").check()
    page.select_option("select[name=action]", "merge_selected")
    page.locator("button[name=index]").click()  # "Go": run the action
    expect(page.get_by_text("Choose the speaker to keep")).to_be_visible()
    page.locator("tr", has_text="Jake Sullivan").locator("input[name=keep]").check()
    page.get_by_role("button", name="Merge").click()

    message = page.locator(".messagelist")
    expect(message).to_contain_text("Merged 1 speaker(s) into Jake Sullivan")
    screenshot(page, "curator-merged")
    message.get_by_role("link", name="Undo").click()
    expect(page.get_by_text("Undoing it brings back")).to_be_visible()
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.locator(".messagelist")).to_contain_text("Merge undone")

    page.goto("/admin/archive/curatorchange/")
    expect(page.locator("#result_list")).to_contain_text("Merged “John J. Sullivan”")
    expect(page.locator("#result_list")).to_contain_text("Undid: Merged")
    page.goto("/speakers/")
    expect(page.locator("body")).to_contain_text("Jake Sullivan")
