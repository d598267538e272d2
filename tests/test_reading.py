"""Reading transcript files: encodings, refusals, and saved web pages."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from archive.ingest import reading
from archive.ingest.parse import parse_file
from archive.ingest.parsed import ParseError
from archive.ingest.reading import html_to_text, read_transcript_file

DATA = Path(__file__).parent / "data"
TRANSCRIPT = "Remarks in Lisbon\n\nQUESTION:  Señor Ministro, ¿qué opina?\n\nMINISTER SOUSA:  “Não” — obrigado.\n"


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: reading needs no Django."""
    yield None


def test_utf8_with_and_without_bom(tmp_path):
    plain, bom = tmp_path / "plain.txt", tmp_path / "bom.txt"
    plain.write_bytes(TRANSCRIPT.encode("utf-8"))
    bom.write_bytes(b"\xef\xbb\xbf" + TRANSCRIPT.encode("utf-8"))
    for path in (plain, bom):
        decoded = read_transcript_file(path)
        assert decoded.text == TRANSCRIPT
        assert decoded.warnings == []


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(TRANSCRIPT.encode("utf-16"))  # Python writes the BOM
    decoded = read_transcript_file(path)
    assert decoded.text == TRANSCRIPT
    assert decoded.encoding == "utf-16"
    assert [t.label for t in parse_file(path).turns] == ["QUESTION", "MINISTER SOUSA"]


def test_cp1252_falls_back_and_says_so(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(TRANSCRIPT.encode("cp1252"))
    decoded = read_transcript_file(path)
    assert decoded.text == TRANSCRIPT
    assert decoded.encoding == "cp1252"
    assert decoded.warnings == ["not valid UTF-8; decoded as Windows-1252"]
    parsed = parse_file(path)
    assert parsed.warnings[0] == "not valid UTF-8; decoded as Windows-1252"
    assert parsed.turns[1].text == "“Não” — obrigado."


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"QUESTION:  caf\xe9 \x81\n")
    decoded = read_transcript_file(path)
    assert decoded.encoding == "latin-1"
    assert decoded.warnings == ["not valid UTF-8; decoded as Latin-1"]


def test_empty_file_is_refused(tmp_path):
    for content in (b"", b"  \n\n\t\n"):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        with pytest.raises(ParseError, match="empty file"):
            read_transcript_file(path)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(ParseError, match="binary file"):
        read_transcript_file(path)


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no real disk use

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ParseError) as caught:
        read_transcript_file(path)
    assert str(caught.value) == "file is 50.0 MB; the limit is 20 MB"
    assert reading.MAX_BYTES == 20 * 1024 * 1024


def test_html_drops_scripts_navigation_and_footer():
    html = (DATA / "state_blinken_interview_2021-12-03.html").read_text(encoding="utf-8")
    text, hints = html_to_text(html)
    assert "dataLayer" not in text and "font-family" not in text
    assert "Policy Issues" not in text and "Subscribe to updates" not in text
    assert "Related Articles" not in text and "enable JavaScript" not in text
    assert "QUESTION:\u00a0 Mr. Secretary, thank you for joining us." in text
    assert "What leverage does the United States actually have?" in text  # source newline
    assert "It’s good to be with you" in text  # entities decoded
    assert hints == {
        "title": "Secretary Antony J. Blinken With Ana Ruiz of Radio Meridian",
        "source_url": "https://www.state.gov/secretary-antony-j-blinken-with-ana-ruiz-of-radio-meridian/",
        "date": "2021-12-03T14:05:00+00:00",
    }


def test_html_blocks_become_paragraphs_and_title_and_time_are_hints():
    html = (
        "<html><head><title>Joint press conference</title></head><body>"
        "<h1>Joint press conference</h1><p><time datetime='2023-02-01'>1 February 2023</time></p>"
        "<p><b>MODERATOR:</b> Welcome.<br>Please be brief.</p><ul><li><b>Q:</b> Why?</li></ul>"
        "</body></html>"
    )
    text, hints = html_to_text(html)
    assert text.split("\n\n") == [
        "Joint press conference",
        "1 February 2023",
        "MODERATOR: Welcome.",
        "Please be brief.",
        "Q: Why?\n",
    ]
    assert hints == {"title": "Joint press conference", "date": "2023-02-01"}


def test_html_file_is_read_as_a_page(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(
        "<p>QUESTION:&nbsp; Hi &amp; welcome.</p><p>MINISTER LEE:&nbsp; Thanks.</p>",
        encoding="utf-8",
    )
    parsed = parse_file(path)
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("QUESTION", "Hi & welcome."),
        ("MINISTER LEE", "Thanks."),
    ]


def test_a_page_drawn_by_scripts_alone_is_refused_for_what_it_is(tmp_path):
    path = tmp_path / "briefing.html"
    path.write_text(
        "<!doctype html><html><head><title>Briefing</title><script src='app.js'></script></head>"
        "<body><div id='root'></div><script>render()</script>"
        "<noscript>You need to enable JavaScript to run this app.</noscript></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as caught:
        read_transcript_file(path)
    assert str(caught.value) == (
        "the page has no text of its own, only scripts that draw it in a browser: "
        "save the transcript's text (or the page as the browser shows it) instead"
    )


def test_a_page_without_visible_text_is_refused_as_such(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>Nothing</title></head><body> </body></html>")
    with pytest.raises(ParseError) as caught:
        read_transcript_file(path)
    assert str(caught.value) == "the page has no visible text"


# The ingest plans speakers against the database: with pytest-django only (not "-p no:django").
with_database = (
    pytest.mark.django_db
    if settings.configured
    else pytest.mark.skip(reason="needs pytest-django and a database")
)


@with_database
def test_ingest_takes_captions_files_given_or_found_in_a_folder(tmp_path):
    """manage.py ingest reads .vtt and .srt files, named or found by the folder scan."""
    from django.core.management import call_command

    folder = tmp_path / "captions"
    (folder / "nested").mkdir(parents=True)
    vtt, srt = folder / "studio.vtt", folder / "nested" / "studio.srt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Jane Porter>Welcome back.\n\n"
        "00:00:03.000 --> 00:00:05.000\n<v Tom Reyes>Thanks, Jane.\n",
        encoding="utf-8",
    )
    srt.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nJANE PORTER: Welcome back.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nTOM REYES: Thanks, Jane.\n",
        encoding="utf-8",
    )
    for given, expected in ((vtt, [vtt]), (folder, [srt, vtt])):
        out = io.StringIO()
        call_command("ingest", "--dry-run", "--json", str(given), stdout=out, stderr=io.StringIO())
        found = [json.loads(line) for line in out.getvalue().splitlines()]
        assert sorted(item["file"] for item in found) == sorted(map(str, expected))
        for item in found:
            assert [turn["text"] for turn in item["turns"]] == ["Welcome back.", "Thanks, Jane."]
