"""Akoma Ntoso exports of hostile inputs, validated against the OASIS Akoma Ntoso 3.0 schema
(tests/data/standards/) with lxml: speakers whose slugs are the export's own ids, titles that
differ only in case or slugify to nothing, control characters everywhere, an undated transcript.
And the identifiers are permanent: from PARLEY_SITE_URL, never the request's Host or the day a
transcript was loaded. (The sample archive's exports: tests/test_conformance.py.)"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from archive.akoma_ntoso import AKN_NS, akoma_ntoso
from archive.models import Speaker, Transcript, Turn
from tests.support import assert_valid_akoma_ntoso, make_speaker, make_transcript

pytestmark = pytest.mark.django_db
AKN = {"akn": AKN_NS}


def export(client, transcript, **headers) -> etree._Element:
    response = client.get(
        reverse("archive:transcript_export", args=[transcript.slug, "xml"]), **headers
    )
    assert response.status_code == 200
    return assert_valid_akoma_ntoso(response.content)


def test_speakers_slugged_like_the_export_s_own_ids_keep_every_id_unique(client):
    """A speaker whose slug is `source`, `parley`, `unknown-speaker`, a role's or a section's
    id: every eId is still unique, and each speech still names its own speaker."""
    slugs = ["source", "parley", "unknown-speaker", "role-secretary-of-state", "dbsect_1"]
    people = {
        slug.upper(): make_speaker(f"Person {slug}", slug=slug, title="Secretary of State")
        for slug in slugs
    }
    transcript = make_transcript(
        "Ids",
        source_name="U.S. Department of State",
        speakers=people,
        turns=[*((label, f"I am {label}.") for label in people), ("NOBODY", "Who?")],
    )
    transcript.turns.filter(label="NOBODY").update(speaker=None)
    root = export(client, transcript)

    eids = root.xpath("//@eId")
    assert len(eids) == len(set(eids))
    persons = {p.get("eId"): p.get("showAs") for p in root.iterfind(".//akn:TLCPerson", AKN)}
    for speech in root.iterfind(".//akn:speech", AKN):
        who = persons[speech.get("by").removeprefix("#")]
        label = speech.findtext("akn:from/akn:person", namespaces=AKN)
        assert who == (f"Person {label.lower()}" if label != "NOBODY" else "Unidentified speaker")


def test_roles_differing_only_in_case_or_slugified_to_nothing_get_their_own_ids(client):
    titles = ["Secretary of State", "SECRETARY OF STATE", "2", "国务卿", "外交部长", "Role 2"]
    people = {f"S{n}": make_speaker(f"Speaker {n}", title=title) for n, title in enumerate(titles)}
    transcript = make_transcript(
        "Roles", speakers=people, turns=[(label, "Yes.") for label in people]
    )
    root = export(client, transcript)

    roles = {r.get("eId"): r.get("showAs") for r in root.iterfind(".//akn:TLCRole", AKN)}
    assert sorted(roles.values()) == sorted(titles)
    by_speaker = {
        speech.findtext("akn:from/akn:person", namespaces=AKN): roles[speech.get("as")[1:]]
        for speech in root.iterfind(".//akn:speech", AKN)
    }
    assert by_speaker == {f"S{n}": title for n, title in enumerate(titles)}


def test_control_characters_and_markup_anywhere_still_give_a_valid_document(client):
    speaker = make_speaker("Bad\x01 Name\x0b", title="Min\x02ister <b>")
    transcript = make_transcript(
        "Title\x01 with \x1f controls & <tags>",
        outlet="Out\x07let",
        location="Loc\x0cation",
        source_name="Source\x1b",
        speakers={"BAD": speaker},
        turns=[
            ("BAD", "Text\x08 with \ufffe controls.\n\n(Laughter.)\n\n<script>x</script>"),
            ("", "(Applause\x03.)"),
            ("BAD", ""),
        ],
    )
    root = export(client, transcript)
    assert "<script>x</script>" in "".join(root.itertext())


def test_an_undated_transcript_is_valid_and_its_identifiers_do_not_use_the_load_date(client):
    transcript = make_transcript("Undated remarks", date=None, turns=[("SPEAKER", "Hello.")])
    Transcript.objects.filter(pk=transcript.pk).update(
        created_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)
    )
    first = export(client, transcript)
    Transcript.objects.filter(pk=transcript.pk).update(
        created_at=datetime.datetime(2024, 5, 6, tzinfo=datetime.UTC)
    )
    second = export(client, transcript)

    def identifiers(root):
        return [
            element.get("value")
            for element in root.iterfind(".//akn:FRBRthis", AKN)
            if not element.get("value").endswith(".xml")
        ] + [element.get("value") for element in root.iterfind(".//akn:FRBRuri", AKN)]

    assert identifiers(first) == identifiers(second)
    assert not any("2020" in value or "2024" in value for value in identifiers(first))
    assert transcript.slug in first.find(".//akn:FRBRWork/akn:FRBRuri", AKN).get("value")
    assert "Undated" in "".join(first.find(".//akn:preface", AKN).itertext())


def test_identifiers_come_from_the_configured_site_url_not_the_request_host(client, settings):
    settings.PARLEY_SITE_URL = "https://parley.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    transcript = make_transcript("Hosts", turns=[("SPEAKER", "Hello.")])
    for host in ["testserver", "evil.example"]:
        root = export(client, transcript, HTTP_HOST=host)
        alias = root.find(".//akn:FRBRWork/akn:FRBRalias", AKN).get("value")
        assert alias == f"https://parley.example.org{transcript.get_absolute_url()}"
        assert b"evil.example" not in etree.tostring(root)


def test_a_journalist_and_an_official_with_the_same_name_are_two_persons(client):
    official = make_speaker("Jane Doe", title="Spokesperson")
    journalist = make_speaker("Jane Doe", kind=Speaker.Kind.JOURNALIST)
    transcript = make_transcript(
        "Two Janes",
        speakers={"MS. DOE": official, "QUESTION": journalist},
        turns=[("QUESTION", "Jane?"), ("MS. DOE", "Jane.")],
    )
    root = export(client, transcript)
    assert len({s.get("by") for s in root.iterfind(".//akn:speech", AKN)}) == 2


SLUGS = st.one_of(
    st.sampled_from(["parley", "source", "unidentified-speaker", "dbsect_1", "role-x", "org-x"]),
    st.from_regex(r"[-a-zA-Z0-9_]{1,12}", fullmatch=True),
)
TITLES = st.one_of(st.sampled_from(["", "X", "x", "2", "国务卿", "role-x"]), st.text(max_size=12))


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(st.tuples(SLUGS, TITLES), min_size=1, max_size=6, unique_by=lambda p: p[0]))
def test_any_slugs_and_titles_give_unique_ids_by_construction(people):
    """Unsaved objects, straight into the builder: whatever the speakers' slugs and titles,
    the document is valid against the schema, so its eIds are unique."""
    speakers = [
        Speaker(pk=n, slug=slug, name=f"Person {n}", title=title)
        for n, (slug, title) in enumerate(people, start=1)
    ]
    transcript = Transcript(title="T", slug="t", date=None, kind="interview", source_name="S")
    transcript.created_at = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    turns = [
        Turn(transcript=transcript, position=n, speaker=speaker, label=speaker.slug, text="Yes.")
        for n, speaker in enumerate(speakers, start=1)
    ]
    turns.append(Turn(transcript=transcript, position=len(turns) + 1, label="Q", text="Who?"))
    tree = akoma_ntoso(transcript, turns, speakers, archive_url="http://localhost:8000/t/")
    assert_valid_akoma_ntoso(ET.tostring(tree.getroot(), encoding="utf-8"))
