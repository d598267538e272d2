"""Citations researchers can use: the Chicago, APA and MLA styles, BibTeX, RIS and CSL-JSON
downloads for a statement and a transcript, and the metadata reference managers read from a
page, read here as Zotero's "Embedded Metadata" translator and a microdata parser read it."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.citations import Name, Work, apa, as_text, bibtex, chicago, csl_json, mla, ris
from archive.models import Speaker
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db
ACCESSED = datetime.date(2026, 5, 4)


@pytest.fixture
def interview():
    people = {
        "QUESTION": make_speaker(
            "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, title="Editor-in-chief"
        ),
        "SECRETARY BLINKEN": make_speaker("Antony Blinken", title="Secretary of State"),
    }
    transcript = make_transcript(
        "Secretary Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters NEXT",
        source_url="https://www.state.gov/secretary-blinken-at-reuters-next/",
        source_name="U.S. Department of State",
        speakers=people,
        turns=[
            ("QUESTION", "What does Russia need to do?"),
            ("SECRETARY BLINKEN", "Implement the Minsk agreements & pull back 100% of forces."),
        ],
    )
    tag(transcript.turns.get(position=2), make_topic("Minsk agreements"))
    return transcript


def answer_work(interview) -> Work:
    turn = interview.turns.get(position=2)
    return Work.of_turn(turn, "https://parley.example/turns/abc/", ACCESSED)


def test_names_are_inverted_only_where_that_is_safe():
    assert Name.parse("Antony Blinken").inverted == "Blinken, Antony"
    assert Name.parse("Ursula von der Leyen").inverted == "von der Leyen, Ursula"
    assert Name.parse("Jean-Yves Le Drian").initials == "Le Drian, J.-Y."
    assert Name.parse("Antony J. Blinken").initials == "Blinken, A. J."
    assert Name.parse("王毅").inverted == "王毅"
    assert Name.parse("Questioner, press briefing (7 Jun 2021)").csl() == {
        "literal": "Questioner, press briefing (7 Jun 2021)"
    }


def test_a_statement_in_the_three_styles(interview):
    work = answer_work(interview)
    assert as_text(chicago(work)) == (
        "Blinken, Antony. “Answer in ‘Secretary Blinken at Reuters NEXT.’” Interview, Reuters "
        "NEXT, December 3, 2021. U.S. Department of State. "
        "https://www.state.gov/secretary-blinken-at-reuters-next/. "
        "Archived in Parley, https://parley.example/turns/abc/. Accessed May 4, 2026."
    )
    assert ("Secretary Blinken at Reuters NEXT", True) in apa(work), "the title in italics"
    assert as_text(apa(work)) == (
        "Blinken, A. (2021, December 3). Answer in Secretary Blinken at Reuters NEXT "
        "[Interview transcript]. U.S. Department of State. "
        "https://www.state.gov/secretary-blinken-at-reuters-next/ Archived in Parley, "
        "retrieved May 4, 2026, from https://parley.example/turns/abc/"
    )
    assert as_text(mla(work)) == (
        "Blinken, Antony. “Answer in ‘Secretary Blinken at Reuters NEXT.’” U.S. Department of "
        "State, 3 Dec. 2021, www.state.gov/secretary-blinken-at-reuters-next/. Parley, "
        "parley.example/turns/abc/. Accessed 4 May 2026."
    )


def test_a_transcript_is_cited_under_its_source(interview):
    work = Work.of_transcript(interview, "https://parley.example/transcripts/x/", ACCESSED)
    assert as_text(chicago(work)).startswith(
        "U.S. Department of State. “Secretary Blinken at Reuters NEXT.” Interview, Reuters NEXT, "
        "December 3, 2021. https://www.state.gov/"
    )
    assert as_text(apa(work)).startswith("U.S. Department of State. (2021, December 3). Secretary")
    assert as_text(mla(work)).startswith("“Secretary Blinken at Reuters NEXT.” U.S. Department")


def test_an_anonymous_question_has_no_author_and_an_undated_transcript_says_so(db):
    transcript = make_transcript(
        "Gaggle",
        date=None,
        speakers={"Q": make_speaker("Questioner, gaggle", kind=Speaker.Kind.UNIDENTIFIED)},
        turns=[("Q", "Any news?")],
    )
    work = Work.of_turn(transcript.turns.get(), "https://p.example/turns/q/", ACCESSED)
    assert work.author is None and work.part == "Question"
    assert as_text(chicago(work)).startswith("“Question in ‘Gaggle.’”")
    assert "(n.d.)" in as_text(apa(work))


def test_bibtex_ris_and_csl_json_of_a_statement(interview):
    work = answer_work(interview)
    entry = bibtex(work)
    assert entry.startswith("@misc{blinken2021-")
    assert "  author = {Blinken, Antony},\n" in entry
    assert "  title = {{Answer in “Secretary Blinken at Reuters NEXT”}},\n" in entry
    assert "  month = dec,\n" in entry and "  urldate = {2026-05-04},\n" in entry
    assert "  url = {https://parley.example/turns/abc/},\n" in entry
    assert "Official source: U.S. Department of State, https://www.state.gov/secretary" in entry
    assert entry.count("{") == entry.count("}")

    record = ris(work)
    assert record.startswith("TY  - GEN\r\n") and record.endswith("ER  - \r\n")
    fields = dict(line.split("  - ", 1) for line in record.split("\r\n") if "  - " in line)
    assert fields["AU"] == "Blinken, Antony" and fields["DA"] == "2021/12/03/"
    assert fields["Y2"] == "2026/05/04/" and fields["UR"] == "https://parley.example/turns/abc/"
    assert (
        fields["T2"] == "Secretary Blinken at Reuters NEXT" and fields["KW"] == "Minsk agreements"
    )
    assert "100% of forces" in fields["AB"]

    [item] = json.loads(csl_json(work))
    assert item["type"] == "interview"
    assert item["author"] == [{"family": "Blinken", "given": "Antony"}]
    assert item["issued"] == {"date-parts": [[2021, 12, 3]]}
    assert item["accessed"] == {"date-parts": [[2026, 5, 4]]}
    assert item["container-title"] == "Secretary Blinken at Reuters NEXT"
    assert item["publisher"] == "U.S. Department of State"
    assert item["URL"] == "https://parley.example/turns/abc/"


def test_bibtex_escapes_what_latex_would_read_as_commands(interview):
    interview.title = "Costs & 100% of {braces} #1_a"
    interview.save()
    entry = bibtex(answer_work(interview))
    assert r"Costs \& 100\% of \{braces\} \#1\_a" in entry
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")


@pytest.mark.parametrize(
    "fmt,content_type,extension",
    [
        ("bib", "application/x-bibtex", "bib"),
        ("ris", "application/x-research-info-systems", "ris"),
        ("json", "application/vnd.citationstyles.csl+json", "json"),
    ],
)
def test_downloads_for_a_statement_and_a_transcript(
    interview, client, fmt, content_type, extension
):
    turn = interview.turns.get(position=2)
    for url in (
        reverse("archive:turn_citation", args=[turn.key, fmt]),
        reverse("archive:transcript_citation", args=[interview.slug, fmt]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Disposition"].endswith(f'.{extension}"')
        body = response.content.decode()
        assert f"{timezone.localdate():%Y}" in body and "testserver" in body
    assert client.get(reverse("archive:turn_citation", args=[turn.key, "doc"])).status_code == 404
    interview.published = False
    interview.save()
    assert client.get(reverse("archive:turn_citation", args=[turn.key, fmt])).status_code == 404


def test_the_statement_page_shows_every_style_and_links_the_downloads(interview, client):
    turn = interview.turns.get(position=2)
    html = client.get(turn.get_absolute_url()).content.decode()
    for style in ("Chicago", "APA", "MLA"):
        assert f'data-style="{style}"' in html
    assert "<i>Secretary Blinken at Reuters NEXT</i>" in html
    assert f"Accessed {timezone.localdate():%B} {timezone.localdate().day}" in html
    for fmt in ("bib", "ris", "json"):
        assert f'href="{reverse("archive:turn_citation", args=[turn.key, fmt])}" download' in html
    assert 'href="https://www.state.gov/secretary-blinken-at-reuters-next/"' in html


# --- What reference managers read ----------------------------------------------------------------


class PageReader(HTMLParser):
    """The <meta> and <link> tags of a page, and its schema.org microdata items: what Zotero's
    Embedded Metadata translator and microdata consumers read (the DOM, not the text)."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.items: list[dict] = []
        self._stack: list[tuple[str, dict | None, str | None]] = []  # (tag, item, itemprop)

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def _current_item(self):
        for _, item, _ in reversed(self._stack):
            if item is not None:
                return item
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.setdefault(attrs["name"], []).append(attrs.get("content", ""))
        if tag == "link" and "rel" in attrs:
            self.links[attrs["rel"]] = attrs.get("href", "")
        prop, parent = attrs.get("itemprop"), self._current_item()
        item = None
        if "itemscope" in attrs:
            item = {"type": attrs.get("itemtype", ""), "properties": {}}
            if prop and parent is not None:
                parent["properties"].setdefault(prop, []).append(item)
            else:
                self.items.append(item)
        elif prop and parent is not None:
            value = attrs.get("content") if tag == "meta" else attrs.get("href")
            parent["properties"].setdefault(prop, []).append(value)
        if tag not in self.VOID:
            self._stack.append((tag, item, prop))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


def as_zotero_reads(reader: PageReader) -> dict:
    """An item as the Embedded Metadata translator builds it: Highwire citation_* first, Dublin
    Core (declared by its schema.DC link) for what those leave out; authors "Last, First"."""
    meta = reader.meta
    assert reader.links.get("schema.DC") == "http://purl.org/dc/elements/1.1/"

    def first(*names):
        return next((meta[name][0] for name in names if meta.get(name)), None)

    creators = []
    for author in meta.get("citation_author") or meta.get("DC.creator", []):
        last, _, given = author.partition(",")
        creators.append({"lastName": last.strip(), "firstName": given.strip()})
    return {
        "title": first("citation_title", "DC.title"),
        "creators": creators,
        "date": first("citation_publication_date", "citation_date", "DC.date"),
        "publisher": first("citation_publisher", "DC.publisher"),
        "language": first("citation_language", "DC.language"),
        "url": first("citation_public_url", "DC.identifier"),
        "source": first("DC.source"),
        "tags": meta.get("citation_keywords", [""])[0].split("; "),
    }


def test_a_statement_page_is_read_as_a_reference_manager_reads_it(interview, client):
    turn = interview.turns.get(position=2)
    reader = read_page(client.get(turn.get_absolute_url()).content.decode())
    item = as_zotero_reads(reader)
    assert item == {
        "title": "Answer in “Secretary Blinken at Reuters NEXT”",
        "creators": [{"lastName": "Blinken", "firstName": "Antony"}],
        "date": "2021/12/03",
        "publisher": "U.S. Department of State",
        "language": "en",
        "url": f"http://testserver{turn.get_absolute_url()}",
        "source": "https://www.state.gov/secretary-blinken-at-reuters-next/",
        "tags": ["Minsk agreements"],
    }
    assert reader.meta["DC.date"] == ["2021-12-03"]

    [quotation] = [i for i in reader.items if i["type"] == "https://schema.org/Quotation"]
    properties = quotation["properties"]
    assert properties["url"] == [f"http://testserver{turn.get_absolute_url()}"]
    assert properties["dateCreated"] == ["2021-12-03"]
    assert properties["text"][0].startswith("Implement the Minsk agreements")
    [creator] = properties["creator"]
    assert creator["type"] == "https://schema.org/Person"
    assert creator["properties"]["name"] == ["Antony Blinken"]
    [transcript] = properties["isPartOf"]
    assert transcript["type"] == "https://schema.org/CreativeWork"
    assert transcript["properties"]["name"] == ["Secretary Blinken at Reuters NEXT"]
    assert transcript["properties"]["isBasedOn"] == [
        "https://www.state.gov/secretary-blinken-at-reuters-next/"
    ]
    [publisher] = transcript["properties"]["publisher"]
    assert publisher["properties"]["name"] == ["U.S. Department of State"]


def test_a_transcript_page_is_read_as_a_reference_manager_reads_it(interview, client):
    html = client.get(interview.get_absolute_url()).content.decode()
    reader = read_page(html)
    item = as_zotero_reads(reader)
    assert item["title"] == "Secretary Blinken at Reuters NEXT"
    assert item["creators"] == [] and item["date"] == "2021/12/03"
    assert item["url"] == f"http://testserver{interview.get_absolute_url()}"
    [work] = [i for i in reader.items if i["type"] == "https://schema.org/CreativeWork"]
    assert work["properties"]["genre"] == ["Interview transcript"]
    assert "Cite this transcript" in html
    assert re.search(r'href="/transcripts/[^"]+/cite\.bib" download', html)
