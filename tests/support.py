"""What the tests share: where the test data lives, factories for speakers, transcripts and
topics, the sample archive loaded for search tests, and the parser tests' helpers.

    blinken = make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
    transcript = make_transcript(
        "Blinken at Reuters NEXT",
        turns=[("QUESTION", "Is Russia going to invade?"), ("SECRETARY BLINKEN", "I hope not.")],
    )
    make_topic("Ukraine", phrases=["Ukraine"])

Turns get their speaker through the labels' aliases (a speaker is created for an unknown label),
or pass `speakers={"QUESTION": galloni}`. Everything is saved with ordinary ORM saves. Models
are imported inside the helpers, so that the parser's tests run without Django
(`python -m pytest tests/test_parse.py -p no:django`).
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.text import slugify

if TYPE_CHECKING:
    from archive.models import Speaker, Topic, Transcript, Turn, TurnTopic

DATA_DIR = Path(__file__).parent / "data"
REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = DATA_DIR / "state_blinken_reuters_2021-12-03.txt"
FIXTURES = REPO_ROOT / "fixtures"  # the sample archive: 16 real White House pages and the seed
BLINKEN = FIXTURES / "transcripts" / "2021-12-03-blinken-reuters-next.txt"
PROBES = DATA_DIR / "parse"  # transcripts in the styles of other governments and pasted pages


# --- Factories -----------------------------------------------------------------------------------

_counter = itertools.count(1)


def make_speaker(name: str = "", *, aliases=(), **fields) -> Speaker:
    """A person: the people dataset's own when it has one of that name (so "Antony Blinken" is
    antony-blinken, with his offices), given `fields`; else a new one."""
    from archive.ingest.labels import label_key
    from archive.models import Speaker, SpeakerAlias

    name = name or f"Speaker {next(_counter)}"
    speaker = Speaker.objects.filter(name=name).exclude(identifier=None).first()
    if speaker is None:
        speaker = Speaker.objects.create(name=name, **fields)
    elif fields:
        for field, value in fields.items():
            setattr(speaker, field, value)
        speaker.save()
    for label in aliases:
        if not SpeakerAlias.objects.filter(key=label_key(label)).exists():
            SpeakerAlias.objects.create(speaker=speaker, label=label)
    return speaker


def speaker_for_label(label: str) -> Speaker:
    """The speaker an alias names, or a new one (with that alias) named after the label."""
    from archive.ingest.labels import label_key
    from archive.models import SpeakerAlias

    alias = SpeakerAlias.objects.filter(key=label_key(label)).select_related("speaker").first()
    if alias:
        return alias.speaker
    return make_speaker(label.title(), aliases=[label])


def make_transcript(
    title: str = "",
    *,
    turns=(),
    speakers: dict[str, Speaker] | None = None,
    date: datetime.date | None = datetime.date(2021, 12, 3),
    **fields,
) -> Transcript:
    """A transcript with `turns`: (label, text) pairs, or (label, text, kind) triples; label ""
    makes a narrative turn."""
    from archive.models import Transcript, Turn

    n = next(_counter)
    title = title or f"Transcript {n}"
    text = "\n\n".join(f"{t[0]}:  {t[1]}" if t[0] else t[1] for t in turns) or title
    fields.setdefault("source_key", f"test-{n}-{slugify(title)}.txt")
    fields.setdefault("original_text", text)
    fields.setdefault("content_hash", hashlib.sha256(f"{n}\n{text}".encode()).hexdigest())
    transcript = Transcript.objects.create(title=title, date=date, **fields)
    speakers = dict(speakers or {})
    for position, spec in enumerate(turns, start=1):
        label, text = spec[0], spec[1]
        kind = spec[2] if len(spec) > 2 else ("speech" if label else "narrative")
        speaker = None
        if label:
            if label not in speakers:
                speakers[label] = speaker_for_label(label)
            speaker = speakers[label]
        Turn.objects.create(
            transcript=transcript,
            position=position,
            label=label,
            text=text,
            kind=kind,
            speaker=speaker,
        )
    return transcript


def make_topic(name: str = "", *, phrases=(), **fields) -> Topic:
    from archive.models import Topic

    name = name or f"Topic {next(_counter)}"
    return Topic.objects.create(name=name, phrases="\n".join(phrases or [name]), **fields)


def tag(turn: Turn, topic: Topic, *, origin: str = "curator", rejected: bool = False) -> TurnTopic:
    from archive.models import TurnTopic

    return TurnTopic.objects.create(turn=turn, topic=topic, origin=origin, rejected=rejected)


def make_staff_user(username: str = "curator", password: str = "a-curator-password"):
    """A superuser staff account, as curators have."""
    return get_user_model().objects.create_superuser(
        username=username, email=f"{username}@example.org", password=password
    )


def make_api_archive() -> dict:
    """Two published transcripts (Blinken and a Reuters journalist, a topic) and a hidden one."""
    from archive.models import Speaker

    blinken = make_speaker(
        "Antony Blinken", title="Secretary of State", organisation="U.S. Department of State"
    )
    galloni = make_speaker(
        "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, organisation="Reuters"
    )
    people = {"SECRETARY BLINKEN": blinken, "QUESTION": galloni}
    interview = make_transcript(
        "Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters",
        speakers=people,
        turns=[
            ("QUESTION", "Is Russia going to invade the Ukraine?"),
            ("SECRETARY BLINKEN", "Russia and Ukraine signed the so-called Minsk agreements."),
            ("", "(Laughter.)"),
            ("SECRETARY BLINKEN", "They should implement the Minsk agreements."),
        ],
    )
    briefing = make_transcript(
        "Press briefing",
        date=datetime.date(2022, 2, 11),
        kind="briefing",
        speakers=people,
        turns=[("SECRETARY BLINKEN", "Good afternoon.")],
    )
    hidden = make_transcript(
        "Hidden interview",
        date=datetime.date(2022, 3, 1),
        kind="interview",
        published=False,
        speakers={"SECRET": make_speaker("Secret Person")},
        turns=[("SECRET", "The Minsk agreements, privately.")],
    )
    ukraine = make_topic("Ukraine")
    for turn in interview.turns.filter(text__contains="Ukraine"):
        tag(turn, ukraine)
    tag(hidden.turns.get(), ukraine)
    return {"interview": interview, "briefing": briefing, "hidden": hidden, "ukraine": ukraine}


# --- The sample archive ----------------------------------------------------------------------------


def load_seed(capture, *, topics: bool = True, speakers: bool = True) -> Transcript:
    """Ingest the Blinken interview (and the fixture speakers and topics), running the on-commit
    index updates; `capture` is pytest-django's django_capture_on_commit_callbacks."""
    from archive.ingest.load import ingest_file
    from archive.ingest.speakers import load_known_speakers
    from archive.topics import load_topics

    with capture(execute=True):
        if speakers:
            load_known_speakers(json.loads((FIXTURES / "speakers.json").read_text()))
        if topics:
            load_topics(json.loads((FIXTURES / "topics.json").read_text()))
        outcome = ingest_file(BLINKEN)
    assert outcome.transcript is not None, outcome
    return outcome.transcript


def load_sample_files(capture, names: list[str]) -> list[Transcript]:
    from archive.ingest.load import ingest_file
    from archive.ingest.speakers import load_known_speakers
    from archive.topics import load_topics

    transcripts = []
    with capture(execute=True):
        load_known_speakers(json.loads((FIXTURES / "speakers.json").read_text()))
        load_topics(json.loads((FIXTURES / "topics.json").read_text()))
        for name in names:
            transcripts.append(ingest_file(FIXTURES / "transcripts" / name).transcript)
    return transcripts


def sample_names() -> list[str]:
    return sorted(path.name for path in (FIXTURES / "transcripts").glob("*.txt"))


# --- The parser's tests ------------------------------------------------------------------------------


def parse(name: str):
    from archive.ingest.parse import parse_file

    return parse_file(DATA_DIR / name)


def parse_probe(name: str):
    from archive.ingest.parse import parse_file

    return parse_file(PROBES / name)


def labels(parsed) -> list[str]:
    return [t.label for t in parsed.turns]


def white_house_files() -> list[Path]:
    """The real White House transcripts of the sample archive (transcripts/ and extra/)."""
    paths = [
        *FIXTURES.joinpath("transcripts").glob("*.txt"),
        *FIXTURES.joinpath("extra").glob("*.txt"),
    ]
    return sorted(
        (path for path in paths if _sidecar(path).get("source_name") == "The White House"),
        key=lambda path: path.name,
    )


def _sidecar(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


# --- Conformance: the standards' own validators ---------------------------------------------------

STANDARDS = DATA_DIR / "standards"  # copies of the schemas (see its README.md)


def akoma_ntoso_schema():
    """The OASIS Akoma Ntoso 3.0 schema, read once (lxml resolves its import of xml.xsd)."""
    global _AKOMA_NTOSO_SCHEMA
    if _AKOMA_NTOSO_SCHEMA is None:
        from lxml import etree

        _AKOMA_NTOSO_SCHEMA = etree.XMLSchema(etree.parse(str(STANDARDS / "akomantoso30.xsd")))
    return _AKOMA_NTOSO_SCHEMA


_AKOMA_NTOSO_SCHEMA = None


def assert_valid_akoma_ntoso(content: bytes):
    """`content` parsed (it must be well-formed) and valid against the Akoma Ntoso schema,
    identity constraints (unique eIds) included; the root element is returned."""
    from lxml import etree

    root = etree.fromstring(content)
    schema = akoma_ntoso_schema()
    errors = [] if schema.validate(root) else [str(error) for error in schema.error_log]
    assert errors == [], "\n".join(errors[:20])
    return root


def assert_atom_essentials(content: bytes, client) -> dict:
    """`content` read by feedparser as a well-formed Atom 1.0 feed holding what RFC 4287
    requires (id, title, updated, an author for every entry; for each entry id, title, updated,
    an alternate link), unique entry ids, and self and alternate links that answer 200 (followed
    with the test client, on their path and query). The parsed feed is returned."""
    from urllib.parse import urlsplit

    import feedparser

    feed = feedparser.parse(content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    for name in ("id", "title", "updated"):
        assert feed.feed.get(name), f"the feed has no {name}"
    links = {link.rel: link.href for link in feed.feed.links}
    assert {"self", "alternate"} <= set(links), links
    for rel in ("self", "alternate"):
        address = urlsplit(links[rel])
        answer = client.get(address.path, QUERY_STRING=address.query)
        assert answer.status_code == 200, (rel, links[rel], answer.status_code)
    ids = []
    for entry in feed.entries:
        for name in ("id", "title", "updated", "link"):
            assert entry.get(name), f"an entry has no {name}: {entry.get('id')}"
        assert entry.get("author") or feed.feed.get("author"), f"no author for {entry.id}"
        ids.append(entry.id)
    assert len(ids) == len(set(ids)), "entry ids repeat"
    return feed


def parse_html_strictly(content: bytes):
    """The page parsed by html5lib in strict mode (the WHATWG parsing algorithm; any parse
    error, a stray end tag, a duplicate attribute, a missing doctype, raises) as an
    ElementTree without namespaces."""
    import html5lib

    parser = html5lib.HTMLParser(
        tree=html5lib.getTreeBuilder("etree"), strict=True, namespaceHTMLElements=False
    )
    return parser.parse(content)


def heading_levels(tree) -> list[int]:
    return [int(element.tag[1]) for element in tree.iter() if element.tag in HEADINGS]


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LANDMARK_TAGS = {"nav": "navigation", "search": "search", "aside": "complementary"}


def assert_headings_in_order(tree, page: str = "") -> None:
    """One h1 first, and no level skipped on the way down (h1 then h3 is a jump)."""
    levels = heading_levels(tree)
    assert levels[:1] == [1], f"{page}: the first heading is not an h1: {levels}"
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"{page}: h{before} is followed by h{after}"


def landmark_names(tree) -> dict[str, list[str]]:
    """Navigation, search and complementary landmarks by role: the accessible name of each
    (aria-label, or the text of what aria-labelledby names; "" for none)."""
    texts = {element.get("id"): "".join(element.itertext()).strip() for element in tree.iter()}
    found: dict[str, list[str]] = {}
    for element in tree.iter():
        role = element.get("role") or LANDMARK_TAGS.get(element.tag)
        if role not in {"navigation", "search", "complementary"}:
            continue
        name = element.get("aria-label") or " ".join(
            texts.get(ref, "") for ref in (element.get("aria-labelledby") or "").split()
        )
        found.setdefault(role, []).append(name.strip())
    return found


def assert_landmarks_distinguishable(tree, page: str = "") -> None:
    """Where a page has two landmarks of one role, each has its own name (WAI-ARIA; axe's
    landmark-unique rule)."""
    for role, names in landmark_names(tree).items():
        if len(names) > 1:
            assert all(names) and len(set(names)) == len(names), f"{page}: {role} {names}"
