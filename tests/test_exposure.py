"""What the public side shows and answers: nothing of an unpublished transcript, not even the
name of someone who speaks only there; only the HTTP methods a page answers; a strict
Content-Security-Policy; and admin logins throttled."""

import pytest
from django.urls import reverse

from tests.support import make_api_archive

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
