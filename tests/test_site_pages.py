"""The smaller things of issue 14: sitemap.xml, robots.txt and the About page; slugs cut between
words; numbered pages; the search form's real date inputs; topic snippets that show the phrase
that caused the tag."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from archive.models import Speaker, Transcript, cut_at_word
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def archive():
    people = {"MR PRICE": make_speaker("Ned Price"), "QUESTION": make_speaker("Matthew Lee")}
    shown = make_transcript(
        "Department Press Briefing",
        date=datetime.date(2022, 2, 11),
        source_name="U.S. Department of State",
        speakers=people,
        turns=[("QUESTION", "Sanctions?"), ("MR PRICE", "Sanctions remain.")],
    )
    hidden = make_transcript(
        "Hidden briefing",
        published=False,
        speakers={"SECRET": make_speaker("Secret Person")},
        turns=[("SECRET", "Nothing.")],
    )
    make_topic("Sanctions", phrases=["sanctions"])
    return shown, hidden


def test_sitemap_lists_published_pages_only(archive, client):
    shown, hidden = archive
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-transcripts.xml" in sections
    assert "http://testserver/sitemap-statements.xml" in sections
    urls = set()
    for section in sections:
        tree = ET.fromstring(client.get(section.removeprefix("http://testserver")).content)
        urls |= {loc.text for loc in tree.iter(f"{SITEMAP}loc")}
    assert f"http://testserver{shown.get_absolute_url()}" in urls
    assert f"http://testserver{shown.turns.get(position=2).get_absolute_url()}" in urls
    assert "http://testserver/about/" in urls and "http://testserver/speakers/ned-price/" in urls
    assert f"http://testserver{hidden.get_absolute_url()}" not in urls
    assert not any("secret-person" in url for url in urls)


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_endless_pages(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/search/", "/alerts/"):
        assert f"Disallow: {path}" in text
    assert client.post("/robots.txt").status_code == 405


def test_the_about_page_says_where_transcripts_come_from_and_how_to_correct_them(archive, client):
    html = client.get(reverse("archive:about")).content.decode()
    assert '<th scope="row">U.S. Department of State</th><td>1</td>' in html
    assert "How speakers are identified" in html
    assert 'href="mailto:corrections@localhost?subject=Correction"' in html
    assert "Hidden" not in html
    assert 'href="/about/"' in client.get(reverse("archive:home")).content.decode()


def test_slugs_are_cut_between_words():
    assert cut_at_word("secretary-antony-j-blinken-at-the-reuters", 20) == "secretary-antony-j"
    assert cut_at_word("short", 20) == "short"
    assert cut_at_word("a-" + "x" * 40, 20) == "a-" + "x" * 18, "one long word is cut"


def test_long_titles_make_slugs_that_end_with_a_whole_word(db):
    title = "Remarks by President Biden and Prime Minister Kishida Fumio of Japan in Joint Press Conference on the Alliance"
    transcript = make_transcript(title, date=datetime.date(2024, 4, 10))
    again = make_transcript(title, date=datetime.date(2024, 4, 10))
    for made in (transcript, again):
        slug = Transcript.objects.get(pk=made.pk).slug
        assert len(slug) <= 100
        words = slug.removesuffix("-2").split("-")
        assert all(word in ("2024", "04", "10") or word in title.lower().split() for word in words)
    assert again.slug.endswith("-2")


def test_lists_have_numbered_pages(client, db):
    price = make_speaker("Ned Price")
    for n in range(9):
        make_transcript(
            f"Briefing {n}",
            date=datetime.date(2022, 1, n + 1),
            speakers={"MR PRICE": price},
            turns=[("MR PRICE", f"Point {i}.") for i in range(20)],
        )
    html = client.get(price.get_absolute_url(), {"page": 5}).content.decode()
    assert '<a href="?page=1"><span class="visually-hidden">Page </span>1</a>' in html
    assert '<a href="?page=5" aria-current="page">5' in html
    assert '<a href="?page=9"><span class="visually-hidden">Page </span>9</a>' in html
    assert html.count('class="pagination__gap"') == 0  # 1 … 3 4 [5] 6 7 … 9 with gaps of two
    html = client.get(price.get_absolute_url(), {"page": 1}).content.decode()
    assert html.count('class="pagination__gap"') == 1


def test_search_pages_are_numbered_too(client, db, django_capture_on_commit_callbacks):
    from archive.templatetags.search_tags import page_window

    assert page_window(1, 1) == [1]
    assert page_window(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_window(3, 20) == [1, 2, 3, 4, 5, None, 20]
    assert page_window(4, 8) == [1, 2, 3, 4, 5, 6, 7, 8]
    with django_capture_on_commit_callbacks(execute=True):
        make_transcript("Long", turns=[("MR PRICE", f"Sanctions, point {i}.") for i in range(70)])
    html = client.get(reverse("archive:search"), {"q": "sanctions", "page": 2}).content.decode()
    assert (
        '<a href="?q=sanctions&amp;page=3"><span class="visually-hidden">Page </span>3</a>' in html
    )
    assert '<a href="?q=sanctions&amp;page=2" aria-current="page">2' in html


def test_the_search_forms_dates_are_date_inputs_showing_the_date_understood(client, db):
    html = client.get(reverse("archive:search"), {"q": "x", "after": "2021"}).content.decode()
    assert '<input id="search-after" type="date" name="after" value="2021-01-01">' in html
    assert '<input id="search-before" type="date" name="before" value="">' in html
    html = client.get(reverse("archive:search"), {"q": "x after:2021"}).content.decode()
    assert '<input id="search-after" type="date" name="after" value="">' in html
    assert 'placeholder="2021' not in html


def test_a_topic_snippet_shows_the_phrase_that_caused_the_tag(client, db):
    topic = make_topic("Minsk agreements", phrases=["Minsk agreement", "Минские соглашения"])
    long_start = "We discussed many things at length today. " * 12
    english = make_transcript(
        "Briefing",
        speakers={"MR PRICE": make_speaker("Ned Price")},
        turns=[("MR PRICE", long_start + "Both sides must honour the Minsk agreements.")],
    )
    russian = make_transcript(
        "Брифинг",
        language="ru",
        speakers={"ЗАХАРОВА": make_speaker("Мария Захарова")},
        turns=[("ЗАХАРОВА", "Очень долгое вступление. " * 20 + "Выполнение Минских соглашений.")],
    )
    for transcript in (english, russian):
        tag(transcript.turns.get(), topic, origin="auto")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<mark>Minsk agreements</mark>" in html, "an inflection of the phrase, marked"
    assert "<mark>Минских соглашений</mark>" in html, "in the turn's own language"


def test_a_curators_tag_without_the_phrase_shows_the_start_of_the_turn(client, db):
    topic = make_topic("Sanctions", phrases=["sanctions"])
    transcript = make_transcript(
        "Briefing",
        speakers={"MR PRICE": make_speaker("Ned Price", kind=Speaker.Kind.OFFICIAL)},
        turns=[("MR PRICE", "Export controls on chips.")],
    )
    tag(transcript.turns.get(), topic)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Export controls on chips." in html and "<mark>" not in html
