"""The search cache (CACHE_URL): a repeated search is answered from the cache, and an edit is
never answered from a page cached before it, with Django's in-memory cache and with Redis.

Every test runs with the suite's search engine (Whoosh on SQLite, PostgreSQL's on PostgreSQL).
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction

from archive.caching import CACHE_HEADER, data_version
from archive.models import Transcript, Turn
from archive.search import get_engine
from archive.search.indexing import reindex_turns
from tests.support import make_speaker, make_staff_user, make_topic, make_transcript

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def search_cache(request, settings):
    """The search cache on, in memory or in Redis, under a key prefix of this test's own (the
    Redis database may be shared: only this test's keys are deleted afterwards)."""
    prefix = f"parley-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis":
        if not redis_answers():
            message = f"Redis does not answer at {REDIS_URL}"
            if os.environ.get("PARLEY_REQUIRE_REDIS") == "1":
                pytest.fail(message)
            pytest.skip(message + ": the Redis cache tests are skipped.")
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    settings.CACHES = {"default": backend}
    settings.PARLEY_CACHE_SECONDS = 60
    yield request.param
    if request.param == "redis":
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    """A published briefing on the Minsk agreements, indexed."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_transcript(
            "Briefing on the Minsk agreements",
            turns=[
                ("QUESTION", "What is left of the Minsk agreements?"),
                ("MR PRICE", "The Minsk agreements remain the basis for diplomacy."),
            ],
        )


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response


# --- A repeated search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=Minsk+agreements",
        "/search/?q=Minsk+agreements&format=json",
        "/search/?q=Minsk+agreements&format=csv",
        "/api/search/?q=Minsk+agreements",
    ],
)
def test_a_repeated_search_is_one_query_for_the_data_version(
    search_cache, archive, client, url, django_assert_num_queries
):
    first = get(client, url)
    assert first[CACHE_HEADER] == "miss"
    with django_assert_num_queries(1):  # the data version; the answer comes from the cache
        again = get(client, url)
    assert again[CACHE_HEADER] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again.get("Content-Disposition") == first.get("Content-Disposition")


def test_the_api_keeps_its_cors_header_and_the_page_its_policy_on_a_hit(
    search_cache, archive, client
):
    for _ in range(2):
        api = get(client, "/api/search/?q=Minsk")
        page = get(client, "/search/?q=Minsk")
    assert api[CACHE_HEADER] == page[CACHE_HEADER] == "hit"
    assert api["Access-Control-Allow-Origin"] == "*"
    assert "default-src 'none'" in page["Content-Security-Policy"]


def test_a_curators_searches_are_never_cached(search_cache, archive, client):
    client.force_login(make_staff_user())
    for _ in range(2):
        response = get(client, "/search/?q=Minsk")
        assert CACHE_HEADER not in response


def test_without_cache_url_nothing_is_cached(archive, client, settings):
    assert settings.PARLEY_CACHE_SECONDS == 0
    for _ in range(2):
        assert CACHE_HEADER not in get(client, "/search/?q=Minsk")


def test_a_cache_that_does_not_answer_leaves_searches_working(archive, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.PARLEY_CACHE_SECONDS = 60
    for _ in range(2):
        response = get(client, "/api/search/?q=Minsk")
        assert response.json()["count"] == 2
        assert response[CACHE_HEADER] == "miss"


# --- Never stale ---------------------------------------------------------------------------------


def test_an_edit_is_found_by_the_next_search(
    search_cache, archive, client, django_capture_on_commit_callbacks
):
    assert get(client, "/api/search/?q=zanzibarite").json()["count"] == 0
    assert get(client, "/api/search/?q=zanzibarite")[CACHE_HEADER] == "hit"
    before = get(client, "/search/?q=Minsk")
    with django_capture_on_commit_callbacks(execute=True):
        turn = Turn.objects.get(transcript=archive, position=2)
        turn.text = "The Minsk agreements and the zanzibarite protocol."
        turn.save()
    found = get(client, "/api/search/?q=zanzibarite")
    assert found[CACHE_HEADER] == "miss"
    assert found.json()["count"] == 1
    after = get(client, "/search/?q=Minsk")
    assert after[CACHE_HEADER] == "miss"
    assert b"zanzibarite" in after.content and b"zanzibarite" not in before.content


def test_unpublishing_in_the_admin_empties_the_cached_search(
    search_cache, archive, client, django_capture_on_commit_callbacks
):
    assert get(client, "/api/search/?q=Minsk").json()["count"] == 2
    curator = type(client)()
    curator.force_login(make_staff_user())
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            "/admin/archive/transcript/",
            {"action": "unpublish", "_selected_action": [archive.pk]},
        )
    assert response.status_code == 302
    assert not Transcript.objects.get(pk=archive.pk).published
    assert get(client, "/api/search/?q=Minsk").json()["count"] == 0


def test_a_change_made_with_queryset_update_is_found_too(
    search_cache, archive, client, django_capture_on_commit_callbacks
):
    assert get(client, "/api/search/?q=quagga").json()["count"] == 0
    turns = Turn.objects.filter(transcript=archive, position=1)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        turns.update(text="A question about the quagga.")
        reindex_turns(turns.values_list("pk", flat=True))
    assert get(client, "/api/search/?q=quagga").json()["count"] == 1


def test_a_renamed_speaker_topic_or_new_alias_is_a_new_version(archive):
    speaker = Turn.objects.get(transcript=archive, position=2).speaker
    topic = make_topic("Ukraine", phrases=["Ukraine"])
    for change in (
        lambda: speaker.aliases.create(label="NED PRICE"),
        lambda: setattr(speaker, "name", "Ned Price") or speaker.save(),
        lambda: setattr(topic, "name", "Ukraine and Russia") or topic.save(),
    ):
        before = data_version()
        change()
        assert data_version() > before
    # A speaker with no published statement yet changes no search (an ingest makes its new
    # speakers first, and its turns move the version when they are indexed).
    before = data_version()
    make_speaker("Someone New", aliases=["SOMEONE"])
    assert data_version() == before


def test_offices_loaded_or_edited_are_a_new_version(archive):
    """People's offices change what speaker: finds and a person's page: the people dataset's
    bulk load moves the version, as an office edited in the admin does (and a load that adds
    nothing leaves it)."""
    from archive.people.models import Post
    from archive.people.popolo import load_people

    dataset = {
        "organizations": [{"id": "talks-office", "name": "Office of the Talks"}],
        "posts": [{"id": "talks-envoy", "label": "Envoy", "organization_id": "talks-office"}],
    }
    before = data_version()
    load_people(dataset)
    assert data_version() > before
    before = data_version()
    load_people(dataset)  # nothing new
    assert data_version() == before
    post = Post.objects.get(identifier="talks-envoy")
    post.label = "Special Envoy"
    post.save()
    assert data_version() > before


def test_the_version_moves_in_the_changes_own_transaction(archive):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Turn.objects.filter(transcript=archive, position=1).first().save()
        assert data_version() > before  # seen inside the transaction...
        raise RuntimeError("rolled back")
    assert data_version() == before  # ...and gone with it


def test_an_index_outside_the_database_moves_the_version_again_once_it_holds_the_change(
    archive, django_capture_on_commit_callbacks
):
    """A page cached between the commit and the index update came from the old index: the
    version moves past it."""
    if get_engine().keeps_own_index:
        pytest.skip("this engine's index is written in the change's own transaction")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Turn.objects.filter(transcript=archive, position=1).first().save()
    committed = data_version()
    for callback in callbacks:
        callback()
    assert data_version() > committed


# --- Facet counts --------------------------------------------------------------------------------


def test_facet_counts_are_counted_once_for_every_page_and_order_of_a_search(
    search_cache, archive, client, monkeypatch
):
    engine = get_engine()
    asked = []
    search = engine.search
    monkeypatch.setattr(
        "archive.search.page.get_engine",
        lambda: type("Spy", (), {"search": lambda self, q: asked.append(q.facets) or search(q)})(),
    )
    first = get(client, "/api/search/?q=Minsk").json()
    newest = get(client, "/api/search/?q=Minsk&sort=newest").json()
    assert asked == [True, False]
    assert newest["facets"] == first["facets"] and first["facets"]["speaker"]


# --- Counts over the whole archive ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_archive_counts_are_kept_in_the_cache_for_every_worker(
    search_cache, django_assert_num_queries
):
    """With CACHE_URL the statements counted for a version are shared through the cache (every
    gunicorn worker reads them), and a change is a new version, counted anew."""
    from archive.caching import _held
    from archive.counts import statement_counts

    make_transcript("Briefing", turns=[("MR PRICE", "One."), ("MR PRICE", "Two.")])
    assert statement_counts("default", "total") == 2
    _held.clear()  # what this process holds plays no part: another worker would not have it
    with django_assert_num_queries(1):  # the data version; the counts come from the cache
        assert statement_counts("default", "total") == 2
    make_transcript("Another", turns=[("MR PRICE", "Three.")])
    assert statement_counts("default", "total") == 3
