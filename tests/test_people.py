"""Who said it: issue 9's examples. Labels resolve to people in the context of their transcript
(source, date, title) against the people dataset (fixtures/people.json, loaded with the schema),
and roles stay participants of one transcript."""

from __future__ import annotations

import datetime
import json

import pytest

from archive.ingest.load import ingest_text
from archive.models import Membership, Participant, Speaker
from archive.people.directory import current_directory
from archive.people.popolo import DATASET, load_people
from archive.people.resolve import Context, resolve_labels
from tests.support import DATA_DIR, SEED

pytestmark = pytest.mark.django_db

WHITE_HOUSE = "The White House"
STATE = "U.S. Department of State"
CHINA_MFA = "Ministry of Foreign Affairs of the People's Republic of China"


def resolve(label: str, *, source: str = "", date: str = "", title: str = "", kind="briefing"):
    context = Context(
        source_name=source,
        date=datetime.date.fromisoformat(date) if date else None,
        title=title,
        kind=kind,
    )
    return resolve_labels([label], context, current_directory())[label]


def person(label: str, **context) -> str | None:
    resolution = resolve(label, **context)
    if resolution.person_id is None:
        return None
    return Speaker.objects.get(pk=resolution.person_id).name


# --- The dataset ------------------------------------------------------------------------------


def test_the_dataset_is_popolo_and_in_the_database_after_migrate():
    data = json.loads(DATASET.read_text(encoding="utf-8"))
    assert set(data) == {"persons", "organizations", "posts", "memberships"}
    assert Speaker.objects.filter(identifier__isnull=False).count() == len(data["persons"])
    assert Membership.objects.count() == len(data["memberships"])
    for membership in data["memberships"]:
        assert {"person_id", "post_id", "organization_id"} <= set(membership)


def test_loading_the_dataset_again_adds_nothing_and_keeps_curated_edits():
    blinken = Speaker.objects.get(identifier="antony-blinken")
    blinken.description = "Edited by a curator."
    blinken.save()

    report = load_people()

    assert (report.persons, report.memberships, report.posts) == (0, 0, 0)
    blinken.refresh_from_db()
    assert blinken.description == "Edited by a curator."


@pytest.mark.parametrize(
    "identifier, office, day, held",
    [
        ("donald-trump", "us-president", "2020-03-24", True),
        ("joe-biden", "us-president", "2023-05-01", True),
        ("joe-biden", "us-president", "2020-03-24", False),
        ("mike-pence", "us-vice-president", "2020-03-24", True),
        ("ned-price", "us-state-spokesperson", "2022-06-01", True),
        ("jake-sullivan", "us-national-security-advisor", "2022-06-27", True),
        ("john-kirby", "us-nsc-strategic-communications", "2024-03-01", True),
        ("rishi-sunak", "uk-prime-minister", "2023-01-10", True),
        ("moon-jae-in", "kr-president", "2019-06-30", True),
        ("narendra-modi", "in-prime-minister", "2023-06-22", True),
        ("geng-shuang", "cn-mfa-spokesperson", "2019-05-06", True),
        ("zhao-lijian", "cn-mfa-spokesperson", "2021-06-01", True),
    ],
)
def test_offices_are_held_between_the_dates_the_dataset_says(identifier, office, day, held):
    day = datetime.date.fromisoformat(day)
    terms = Membership.objects.filter(person__identifier=identifier, post__identifier=office)
    assert any(term.covers(day) for term in terms) == held


# --- Offices: who held it for that source on that date -----------------------------------------


def test_the_president_at_the_white_house_is_who_held_the_office_that_day():
    assert person("THE PRESIDENT", source=WHITE_HOUSE, date="2020-03-24") == "Donald Trump"
    assert person("THE PRESIDENT", source=WHITE_HOUSE, date="2023-05-01") == "Joe Biden"
    assert person("THE VICE PRESIDENT", source=WHITE_HOUSE, date="2020-03-24") == "Mike Pence"
    assert resolve("THE PRESIDENT", source=WHITE_HOUSE, date="2023-05-01").resolved_by == "office"


def test_an_answer_at_a_ministry_briefing_is_the_spokesperson_the_title_names():
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 6, 2019"
    for label in ("A", "答", "Answer"):
        assert person(label, source=CHINA_MFA, date="2019-05-06", title=title) == "Geng Shuang"
    chinese = "2019年5月6日外交部发言人耿爽主持例行记者会"
    assert person("答", source=CHINA_MFA, date="2019-05-06", title=chinese) == "Geng Shuang"


def test_an_answer_with_several_spokespersons_and_no_name_in_the_title_stays_a_role():
    resolution = resolve("A", source=CHINA_MFA, date="2021-06-01", title="Regular Press Conference")
    assert resolution.person_id is None and resolution.resolved_by == "role"


# --- Names: the surname against the people holding a fitting office ----------------------------


@pytest.mark.parametrize(
    "label, source, day, expected",
    [
        ("MR. PRICE", STATE, "2022-03-01", "Ned Price"),
        ("MR. MILLER", STATE, "2023-09-12", "Matthew Miller"),
        ("MS. JEAN-PIERRE", WHITE_HOUSE, "2023-02-14", "Karine Jean-Pierre"),
        ("MR. SULLIVAN", WHITE_HOUSE, "2022-06-27", "Jake Sullivan"),
        ("MR. KIRBY", WHITE_HOUSE, "2024-02-28", "John Kirby"),
        ("PRESIDENT MACRON", WHITE_HOUSE, "2022-12-01", "Emmanuel Macron"),
        ("PRIME MINISTER SUNAK", "", "2023-06-08", "Rishi Sunak"),
        ("PRESIDENT MOON", WHITE_HOUSE, "2021-05-21", "Moon Jae-in"),
        ("PRIME MINISTER MODI", WHITE_HOUSE, "2023-06-22", "Narendra Modi"),
        ("PRIME MINISTER STARMER", "", "2025-02-27", "Keir Starmer"),
        ("Vladimir Putin", "", "2021-12-02", "Vladimir Putin"),
        ("SECRETARY BLINKEN", STATE, "2021-12-03", "Antony Blinken"),
        ("PRESIDENT LÓPEZ OBRADOR", WHITE_HOUSE, "2023-01-10", "Andrés Manuel López Obrador"),
    ],
)
def test_a_name_with_its_title_or_honorific_is_the_person_in_office(label, source, day, expected):
    assert person(label, source=source, date=day) == expected


def test_zhao_lijian_in_either_script_is_one_person():
    assert person("Zhao Lijian", source=CHINA_MFA, date="2021-06-01") == "Zhao Lijian"
    assert person("赵立坚", source=CHINA_MFA, date="2021-06-01") == "Zhao Lijian"


def test_the_title_names_the_person_a_family_name_stands_for():
    title = "Press Briefing by Press Secretary Karine Jean-Pierre"
    assert person("MS. JEAN-PIERRE", source=WHITE_HOUSE, title=title) == "Karine Jean-Pierre"
    unknown = resolve("MR. CAMPBELL-JONES", title="Remarks by Anne Campbell-Jones, Envoy")
    assert (unknown.new_name, unknown.resolved_by) == ("Anne Campbell-Jones", "title")


def test_a_name_that_matches_nobody_is_a_new_person_flagged_for_review():
    text = "RICHARD HAASS, President of the Council:  Welcome.\n\nQ:  Thanks.\n\nHAASS:  Next.\n"
    transcript = ingest_text(text, filename="cfr.txt", metadata={"date": "2022-01-05"}).transcript
    haass = Speaker.objects.get(name="Richard Haass")
    assert haass.needs_review
    assert set(transcript.turns.exclude(label="Q").values_list("speaker", flat=True)) == {haass.pk}


# --- Roles: never one person across transcripts ------------------------------------------------


def test_a_moderator_in_two_transcripts_is_two_participants_and_nobody():
    text = "MODERATOR:  Welcome.\n\nSENIOR ADMINISTRATION OFFICIAL:  Thanks.\n"
    one = ingest_text(text, filename="one.txt").transcript
    two = ingest_text(text + "\nMODERATOR:  Bye.\n", filename="two.txt").transcript
    moderators = Participant.objects.filter(name="Moderator", transcript__in=[one, two])
    assert moderators.count() == 2
    assert set(moderators.values_list("speaker", flat=True)) == {None}
    assert not Speaker.objects.filter(name__in=["Moderator", "Senior Administration Official"])


@pytest.mark.parametrize("label", ["Reuters", "China Daily", "NHK", "Shenzhen TV"])
def test_a_media_outlet_as_a_label_is_a_reporter_of_that_outlet(label):
    resolution = resolve(label, source=CHINA_MFA, date="2021-06-01")
    assert resolution.person_id is None and not resolution.new_name
    assert (resolution.name, resolution.kind) == (f"Reporter, {label}", "journalist")


@pytest.mark.parametrize(
    "label",
    ["OPERATOR", "AIDE", "INTERPRETER", "PARTICIPANT", "SENIOR STATE DEPARTMENT OFFICIAL", "Q",
     "QUESTION", "Question", "Remark", "Follow-up", "问", "追问"],
)  # fmt: skip
def test_generic_roles_are_nobody(label):
    resolution = resolve(label, source=WHITE_HOUSE, date="2022-01-13")
    assert resolution.person_id is None and not resolution.new_name


# --- The seed and real transcripts, through ingest ----------------------------------------------


def test_secretary_blinken_in_the_seed_is_antony_blinken_without_a_fixture_naming_him():
    outcome = ingest_text(SEED.read_text(encoding="utf-8"), filename=SEED.name)
    blinken = outcome.transcript.turns.filter(label="SECRETARY BLINKEN").first().speaker
    assert blinken.identifier == "antony-blinken"
    described = {s["label"]: s for s in outcome.speakers}["SECRETARY BLINKEN"]
    assert (described["person"], described["resolved_by"]) == ("Antony Blinken", "name")


def test_a_chinese_briefing_gives_its_answers_to_the_spokesperson_in_its_title():
    text = (DATA_DIR / "china_mfa_2021-12-03_zh.txt").read_text(encoding="utf-8")
    outcome = ingest_text(text, filename="mfa.txt", metadata={"source_name": CHINA_MFA})
    speakers = {t.label: t.speaker for t in outcome.transcript.turns.exclude(label="")}
    assert speakers["答"] == speakers["汪文斌"] == Speaker.objects.get(identifier="wang-wenbin")
    assert speakers["问"] is None


def test_the_dry_run_says_who_and_why_and_writes_nothing():
    text = "THE PRESIDENT:  Hello.\n\nQ:  Sir?\n\nTHE PRESIDENT:  Yes.\n"
    people = Speaker.objects.count()
    outcome = ingest_text(
        text,
        filename="wh.txt",
        metadata={"source_name": WHITE_HOUSE, "date": "2020-03-24"},
        dry_run=True,
    )
    assert Speaker.objects.count() == people
    described = {s["label"]: s for s in outcome.as_json()["speakers"]}
    assert described["THE PRESIDENT"] == {
        "label": "THE PRESIDENT",
        "name": "Donald Trump",
        "person": "Donald Trump",
        "role": "President of the United States",
        "resolved_by": "office",
        "new": False,
    }
    assert (described["Q"]["person"], described["Q"]["resolved_by"]) == (None, "role")


def test_resolution_is_deterministic():
    labels = ["MR. SULLIVAN", "MS. PSAKI", "Q", "MR SULLIVAN", "THE PRESIDENT"]
    context = Context(source_name=WHITE_HOUSE, date=datetime.date(2021, 6, 7), kind="briefing")
    first = resolve_labels(labels, context, current_directory())
    again = resolve_labels(list(labels), context, current_directory())
    assert {k: (v.person_id, v.resolved_by) for k, v in first.items()} == {
        k: (v.person_id, v.resolved_by) for k, v in again.items()
    }


def test_a_rank_or_initials_still_find_the_person():
    assert person("ADMIRAL KIRBY", source=WHITE_HOUSE, date="2023-03-01") == "John Kirby"
    assert person("С.В.Лавров", date="2022-03-02") == "Sergey Lavrov"
    title = "Press Conference by Press Secretary KOBAYASHI Maki"
    assert resolve("Press Secretary Kobayashi", title=title).new_name == "Kobayashi Maki"


def test_a_named_reporter_of_an_outlet_is_a_journalist_and_an_unknown_word_at_a_briefing_an_outlet():
    doe = resolve("JANE DOE, FINANCIAL TIMES", date="2021-12-12")
    assert (doe.new_name, doe.kind, doe.organisation) == (
        "Jane Doe",
        "journalist",
        "Financial Times",
    )
    rudaw = resolve("Rudaw", source=CHINA_MFA, date="2022-03-01")
    assert (rudaw.person_id, rudaw.new_name, rudaw.name) == (None, "", "Reporter, Rudaw")
    for label in ("Hubei Media Group", "Beijing Youth Daily", "Yonhap News Agency"):
        assert resolve(label, source=CHINA_MFA, date="2022-03-01").name == f"Reporter, {label}"


def test_first_ladies_and_honorifics_tell_a_family_apart():
    day = {"source": WHITE_HOUSE, "date": "2020-03-24"}
    assert person("MRS. TRUMP", **day) == "Melania Trump"
    assert person("MR. TRUMP", **day) == "Donald Trump"
    assert person("THE FIRST LADY", source=WHITE_HOUSE, date="2022-03-24") == "Jill Biden"
    assert person("DR. BIDEN", source=WHITE_HOUSE, date="2022-03-24") == "Jill Biden"
