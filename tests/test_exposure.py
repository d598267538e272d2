"""What the public side shows and answers: nothing of an unpublished transcript, not even the
name of someone who speaks only there; only the HTTP methods a page answers; a strict
Content-Security-Policy; and admin logins throttled."""

import pytest
from django.urls import reverse

from tests.support import make_api_archive, make_staff_user

pytestmark = pytest.mark.django_db

HIDDEN_NAME = "Secret Person"  # speaks only in make_api_archive's unpublished transcript


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        found = make_api_archive()
    found["secret"] = found["hidden"].turns.get().speaker
    return found


# --- Unpublished transcripts ------------------------------------------------------------------


def test_a_speaker_heard_only_in_unpublished_transcripts_has_no_feed_page_or_api(client, archive):
    slug = archive["secret"].slug
    for url in [
        reverse("archive:speaker_feed", args=[slug]),
        reverse("archive:speaker_detail", args=[slug]),
        reverse("archive:api_speaker_detail", args=[slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert HIDDEN_NAME not in response.content.decode(), url


@pytest.mark.parametrize(
    "page",
    [
        "archive:transcript_list",
        "archive:search",
        "archive:speaker_list",
        "archive:home",
        "archive:api_transcript_list",
        "archive:api_turn_list",
        "archive:api_speaker_list",
        "archive:api_search",
    ],
)
def test_no_page_names_a_speaker_heard_only_in_unpublished_transcripts(client, archive, page):
    slug = archive["secret"].slug
    for params in [{"speaker": slug}, {"speaker": slug, "q": "Minsk"}, {"q": "Minsk"}, {}]:
        response = client.get(reverse(page), params)
        assert response.status_code in (200, 400), (page, params)
        assert HIDDEN_NAME not in response.content.decode(), (page, params)


def test_topic_pages_and_feeds_leave_out_unpublished_statements(client, archive):
    topic = archive["ukraine"].slug
    for url in [
        reverse("archive:topic_detail", args=[topic]),
        reverse("archive:topic_feed", args=[topic]),
        reverse("archive:api_topic_detail", args=[topic]),
        reverse("archive:topic_list"),
    ]:
        response = client.get(url, {"speaker": archive["secret"].slug})
        assert response.status_code == 200, url
        assert HIDDEN_NAME not in response.content.decode(), url
        assert "privately" not in response.content.decode(), url


# --- HTTP methods -----------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/transcripts/",
    "/search/?q=minsk",
    "/speakers/",
    "/topics/",
    "/feeds/transcripts/",
    "/feeds/search/?q=minsk",
]


@pytest.mark.parametrize("method", ["options", "trace", "put", "patch", "delete", "post"])
def test_public_pages_answer_only_get_and_head(client, archive, method):
    interview = archive["interview"]
    pages = [
        *PUBLIC_PAGES,
        interview.get_absolute_url(),
        reverse("archive:transcript_export", args=[interview.slug, "csv"]),
        reverse("archive:speaker_feed", args=["antony-blinken"]),
    ]
    for url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url, response.status_code)
        assert response["Allow"] == "GET, HEAD", url
        assert b"Parley" not in response.content, url
    assert client.get(pages[0]).status_code == client.head(pages[0]).status_code == 200


def test_the_admin_login_answers_options_without_the_page_and_refuses_trace(client):
    login = reverse("admin:login")
    options = client.options(login)
    assert options.status_code == 200 and options.content == b""
    assert client.trace(login).status_code == 405


# --- Content-Security-Policy -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/search/?q=minsk", "/api/", "/api/transcripts/", "/admin/login/"]
)
def test_every_answer_carries_a_strict_content_security_policy(client, archive, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


# --- Admin logins ------------------------------------------------------------------------------


def log_in(client, password: str, username: str = "curator"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
    )


def test_admin_logins_are_throttled_after_five_failures(client):
    make_staff_user()
    for _ in range(4):
        assert log_in(client, "wrong password").status_code == 200  # the form again
    assert log_in(client, "wrong password").status_code == 429  # the fifth failure locks

    locked = log_in(client, "a-curator-password")

    assert locked.status_code == 429
    assert "too many login attempts" in locked.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in


def test_a_lockout_is_for_that_account_from_that_address(client):
    make_staff_user()
    make_staff_user("editor")
    for _ in range(5):
        log_in(client, "wrong password")

    other = log_in(client, "a-curator-password", username="editor")

    assert other.status_code == 302 and other["Location"] == "/admin/"


def test_a_successful_login_starts_the_count_again(client):
    make_staff_user()
    for _ in range(4):
        log_in(client, "wrong password")
    assert log_in(client, "a-curator-password").status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "wrong password")

    assert log_in(client, "a-curator-password").status_code == 302
