"""What a careful attacker puts into the archive comes out harmless: a source URL is http(s) or
nothing (never a live `javascript:` link), characters XML 1.0 forbids never break a feed or an
export, and a CSV cell never starts a spreadsheet formula."""

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.ingest.load import ingest_file, ingest_text
from archive.ingest.metadata import is_web_url
from archive.models import Transcript
from tests.support import (
    REPO_ROOT,
    make_speaker,
    make_staff_user,
    make_topic,
    make_transcript,
    tag,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SEED = REPO_ROOT / "fixtures" / "transcripts" / "2021-12-03-blinken-reuters-next.txt"
BAD_URLS = [
    "javascript:alert(document.domain)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/transcript.txt",
    "//example.org/no-scheme",
    "https://exa mple.org/",
    "https:///no-host",
]
PASTED = "QUESTION:  Is this safe?\n\nMINISTER LEE:  It is now.\n"


@pytest.fixture
def seed_file(tmp_path):
    target = tmp_path / SEED.name
    shutil.copyfile(SEED, target)
    shutil.copyfile(SEED.with_suffix(".json"), target.with_suffix(".json"))
    return target


@pytest.fixture
def staff(client):
    make_staff_user()
    client.login(username="curator", password="a-curator-password")
    return client


# --- Source URLs: http(s) only, wherever they are set -----------------------------------------


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_and_https_addresses_are_web_urls(url):
    assert not is_web_url(url)


def test_http_and_https_addresses_are_web_urls():
    assert is_web_url("https://www.state.gov/secretary-blinken/?a=1#x")
    assert is_web_url("HTTP://example.org")


@pytest.mark.parametrize("url", BAD_URLS[:2] + BAD_URLS[5:6])
def test_a_sidecar_source_url_that_is_not_http_fails_the_file(seed_file, url):
    sidecar = seed_file.with_suffix(".json")
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "source_url": url}))

    outcome = ingest_file(seed_file)

    assert outcome.status == "failed"
    assert "source_url must be an http:// or https:// address" in outcome.reason
    assert Transcript.objects.count() == 0


def test_a_source_url_option_that_is_not_http_fails_the_ingest(seed_file):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(seed_file), "--source-url", BAD_URLS[0], stdout=out, stderr=err)
    assert "source_url must be an http:// or https:// address" in out.getvalue()
    assert Transcript.objects.count() == 0


@pytest.mark.parametrize("rel", ["canonical", "og:url"])
def test_a_pages_source_link_that_is_not_http_is_ignored_with_a_warning(tmp_path, rel):
    link = (
        f'<link rel="canonical" href="{BAD_URLS[0]}">'
        if rel == "canonical"
        else f'<meta property="og:url" content="{BAD_URLS[0]}">'
    )
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>Briefing</title>{link}</head><body>"
        "<p>QUESTION:&nbsp; Is this safe?</p><p>MINISTER LEE:&nbsp; It is now.</p></body></html>",
        encoding="utf-8",
    )

    outcome = ingest_file(page)

    assert outcome.status == "loaded", outcome.reason
    assert outcome.transcript.source_url == ""
    assert any("not an http(s) address" in warning for warning in outcome.warnings)


def test_pasted_text_with_a_source_url_that_is_not_http_fails():
    outcome = ingest_text(PASTED, metadata={"source_url": BAD_URLS[0]})
    assert outcome.status == "failed"
    assert Transcript.objects.count() == 0


@pytest.mark.parametrize("url", [BAD_URLS[0], BAD_URLS[5]])
def test_the_admin_refuses_a_source_url_that_is_not_http(staff, url):
    transcript = make_transcript("Briefing", turns=[("QUESTION", "Safe?")])
    page = reverse("admin:archive_transcript_change", args=[transcript.pk])
    response = staff.get(page)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(
        {
            "title": "Briefing",
            "source_url": url,
            "turns-TOTAL_FORMS": "0",
            "turns-INITIAL_FORMS": "0",
        }
    )

    response = staff.post(page, data)

    assert response.status_code == 200
    assert "source_url" in response.context["adminform"].form.errors
    transcript.refresh_from_db()
    assert transcript.source_url == ""


@pytest.mark.parametrize("url", [BAD_URLS[0], BAD_URLS[5]])
def test_add_from_text_refuses_a_source_url_that_is_not_http(staff, url):
    response = staff.post(
        reverse("admin:archive_transcript_add_from_text"),
        {"text": PASTED, "title": "Pasted", "source_url": url, "confirm": "1"},
    )
    assert response.status_code == 200
    assert "source_url" in response.context["form"].errors
    assert Transcript.objects.count() == 0


def test_import_archive_drops_a_source_url_that_is_not_http(tmp_path):
    make_transcript("Briefing", turns=[("QUESTION", "Safe?")], source_url="https://example.org/a")
    path = tmp_path / "archive.json"
    call_command("export_archive", str(path), stdout=io.StringIO())
    rows = json.loads(path.read_text())
    for row in rows:
        if row["model"] == "archive.transcript":
            row["fields"]["source_url"] = BAD_URLS[0]
    path.write_text(json.dumps(rows))
    Transcript.objects.all().delete()

    out = io.StringIO()
    call_command("import_archive", str(path), stdout=out)

    assert Transcript.objects.get().source_url == ""
    assert "1 source URL that was not http(s) was dropped" in out.getvalue()


def test_a_stored_source_url_that_is_not_http_is_never_a_link(client):
    # As an archive loaded before these checks might hold it.
    transcript = make_transcript(
        "Briefing", turns=[("QUESTION", "Safe?")], source_url=BAD_URLS[0], source_name="State"
    )

    page = client.get(transcript.get_absolute_url()).content.decode()
    api = client.get(reverse("archive:api_transcript_detail", args=[transcript.slug])).json()
    listing = client.get(reverse("archive:api_transcript_list")).json()
    export_json = client.get(reverse("archive:transcript_export", args=[transcript.slug, "json"]))
    export_txt = client.get(reverse("archive:transcript_export", args=[transcript.slug, "txt"]))

    assert "javascript:" not in page.lower()
    assert api["source_url"] == ""
    assert "javascript:" not in json.dumps(listing).lower()
    assert "javascript:" not in export_json.content.decode().lower()
    assert "javascript:" not in export_txt.content.decode().lower()


def test_an_http_source_url_is_the_transcripts_source_link(client):
    url = "https://www.state.gov/briefing/"
    transcript = make_transcript("Briefing", turns=[("QUESTION", "Safe?")], source_url=url)

    page = client.get(transcript.get_absolute_url()).content.decode()

    assert f'href="{url}"' in page


# --- Characters XML 1.0 forbids -------------------------------------------------------------

CONTROL = "\x01\x02\x08\x0b\x0c\x1b\x1f\ufffe\uffff"


@pytest.fixture
def controlled(django_capture_on_commit_callbacks):
    """A transcript whose title, speaker and turn hold control characters, as an archive loaded
    before ingest stripped them (or a curator's paste into the admin) may hold them."""
    with django_capture_on_commit_callbacks(execute=True):
        blinken = make_speaker("Antony\x03 Blinken", aliases=["SECRETARY BLINKEN"])
        topic = make_topic("Minsk", phrases=["Minsk"])
        transcript = make_transcript(
            "Blinken\x02 at Reuters",
            outlet="Reuters\x07",
            speakers={"SECRETARY BLINKEN": blinken},
            turns=[("SECRETARY BLINKEN", f"The Minsk{CONTROL} agreements\x01 stand.")],
        )
        tag(transcript.turns.get(), topic)
    return {"transcript": transcript, "speaker": blinken, "topic": topic}


def well_formed(response) -> ET.Element:
    assert response.status_code == 200, response.content[:500]
    return ET.fromstring(response.content)


def test_every_feed_stays_well_formed_xml_with_control_characters_in_the_text(client, controlled):
    feeds = [
        reverse("archive:transcript_feed"),
        reverse("archive:speaker_feed", args=[controlled["speaker"].slug]),
        reverse("archive:topic_feed", args=[controlled["topic"].slug]),
        reverse("archive:search_feed") + "?q=minsk",
    ]
    for url in feeds:
        feed = well_formed(client.get(url))
        text = ET.tostring(feed, encoding="unicode")
        assert not any(char in text for char in CONTROL), url
    entry = well_formed(client.get(feeds[1])).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}content") == "<p>The Minsk agreements stand.</p>"


@pytest.mark.parametrize("q", ["a\x01", "\x01", "minsk\x1b[31m", "\ufffe", "minsk"])
def test_a_search_feed_query_with_control_characters_answers_well_formed_xml(client, controlled, q):
    feed = well_formed(client.get(reverse("archive:search_feed"), {"q": q}))
    assert not any(char in feed.findtext(f"{ATOM}title") for char in CONTROL)


def test_the_akoma_ntoso_export_stays_well_formed_with_control_characters(client, controlled):
    url = reverse("archive:transcript_export", args=[controlled["transcript"].slug, "xml"])
    document = well_formed(client.get(url))
    text = ET.tostring(document, encoding="unicode")
    assert "The Minsk agreements stand." in text
    assert not any(char in text for char in CONTROL)


def test_ingest_strips_control_characters_and_keeps_page_breaks_as_line_breaks(tmp_path):
    path = tmp_path / "briefing.txt"
    path.write_text(
        "QUESTION:  Is this\x01 safe?\x0c\nMINISTER LEE:  It is\x1b now.\x0bThank you.\n",
        encoding="utf-8",
    )

    outcome = ingest_file(path)

    assert outcome.status == "loaded", outcome.reason
    turns = outcome.transcript.turns.order_by("position")
    assert [turn.paragraphs for turn in turns] == [["Is this safe?"], ["It is now.", "Thank you."]]
    assert not any(char in outcome.transcript.original_text for char in CONTROL)


def test_pasted_text_is_stripped_of_control_characters_too():
    outcome = ingest_text("QUESTION:  Is this\x01 safe?\n\nMINISTER LEE:  It is\x02 now.\n")
    assert [turn.text for turn in outcome.transcript.turns.order_by("position")] == [
        "Is this safe?",
        "It is now.",
    ]


# --- CSV formulas ---------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def formulas(django_capture_on_commit_callbacks):
    """A transcript whose every text a CSV export writes starts like a spreadsheet formula."""
    with django_capture_on_commit_callbacks(execute=True):
        speaker = make_speaker("=cmd|' /C calc'!A0", aliases=["@MINISTER"])
        return make_transcript(
            "-Minsk title",
            speakers={"@MINISTER": speaker},
            turns=[("@MINISTER", f"{formula} Minsk agreements") for formula in FORMULAS],
        )


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    return [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]


@pytest.mark.parametrize("export", ["transcript", "search"])
def test_no_csv_cell_starts_a_formula(client, formulas, export):
    if export == "transcript":
        url = reverse("archive:transcript_export", args=[formulas.slug, "csv"])
        response = client.get(url)
    else:
        response = client.get(reverse("archive:search"), {"q": "minsk", "format": "csv"})

    cells = csv_cells(response)

    assert len(cells) > len(FORMULAS) * 10
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    # Neutralised as OWASP recommends: a leading apostrophe, the rest as it was.
    for formula in FORMULAS:
        assert f"'{formula} Minsk agreements" in cells
    assert "'-Minsk title" in cells and "'@MINISTER" in cells


def test_csv_cells_that_start_no_formula_are_written_as_they_are(client, formulas):
    url = reverse("archive:transcript_export", args=[formulas.slug, "csv"])
    cells = csv_cells(client.get(url))
    assert formulas.slug in cells and "speech" in cells and "1" in cells
