"""Both search engines, Whoosh and PostgreSQL, answer every query the same way on the same archive.

Each test runs once per engine ("whoosh" always, "postgres" when the tests run on PostgreSQL) over
one small realistic archive: the Blinken interview (with its sidecar and the fixture speakers, so
the speaker is Antony Blinken), four sample transcripts, six test transcripts, and a few made-up
turns for accents, hyphens, HTML, an undated transcript, a narrative turn and an unpublished one.

The expected answers come from neither engine: `expected()` reads the query language's promise
straight off the turns, with the analysis in archive.search (a word matches its stem, a phrase its
exact words in order), so both engines are held to one standard.
"""

from __future__ import annotations

import datetime
import json
import shutil
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection, transaction

from archive.ingest.load import ingest_file
from archive.ingest.speakers import load_known_speakers
from archive.models import Turn
from archive.search.analysis import analyse, query_alternatives
from archive.search.engine import EngineQuery, get_engine
from archive.search.page import SearchRequest, run_search
from archive.topics import load_topics
from tests.support import DATA_DIR, REPO_ROOT, SEED, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db

FIXTURES = REPO_ROOT / "fixtures"
ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="the PostgreSQL engine needs DATABASE_URL to point at PostgreSQL"
)
ENGINES = ["whoosh", pytest.param("postgres", marks=postgres_only)]

SAMPLE_TRANSCRIPTS = [
    "2022-02-21-background-press-call-by-senior-administration-officials-on-russia-and-ukraine.txt",
    "2022-03-24-background-press-call-on-president-bidens-meetings-at-nato.txt",
    "2022-06-27-on-the-record-press-gaggle-by-national-security-advisor-jake-sullivan.txt",
    "2024-04-10-remarks-by-president-biden-and-prime-minister-kishida-fumio-of-japan-in-joint-press-conference.txt",
]
TEST_TRANSCRIPTS = [
    "kremlin_putin_scholz_2021-12-02.txt",
    "govuk_foreign_secretary_press_conference_2021-12-03.txt",
    "interpreted_press_conference_2023-06-14.txt",
    "qa_interview_minister_2022-03-15.txt",
    "whitehouse_style_briefing_2022-03-08.txt",
    "china_mfa_2021-12-03_en.txt",
]


# --- The archive, loaded once per module --------------------------------------------------------


@dataclass
class Archive:
    seed_id: int
    made_up: dict[str, int]  # name -> turn id of the turns made up below


def load_archive(folder) -> Archive:
    """Everything through the loader's own functions, as `manage.py load_sample` does."""
    load_known_speakers(json.loads((FIXTURES / "speakers.json").read_text()))
    load_topics(json.loads((FIXTURES / "topics.json").read_text()))
    # The seed as tests/data has it, with the sample archive's sidecar beside it.
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(
        FIXTURES / "transcripts" / "2021-12-03-blinken-reuters-next.json",
        (folder / SEED.name).with_suffix(".json"),
    )
    seed = ingest_file(folder / SEED.name)
    assert seed.transcript is not None, seed.describe_problem()
    paths = [FIXTURES / "transcripts" / name for name in SAMPLE_TRANSCRIPTS]
    paths += [DATA_DIR / name for name in TEST_TRANSCRIPTS]
    for path in paths:
        outcome = ingest_file(path)
        assert outcome.transcript is not None, (path.name, outcome.describe_problem())

    mexico = make_transcript(
        "Remarks in Mexico City",
        date=datetime.date(2023, 1, 10),
        kind="remarks",
        turns=[
            (
                "PRESIDENT LÓPEZ OBRADOR",
                "Gracias. We’ve agreed the so-called “Bicentennial Framework” with the U.S.-Mexico "
                "team: covid-19 vaccines, and 24/7 contact (email desk@example.org).",
            ),
            ("PRESIDENT BIDEN", "Presidente López Obrador said it: we're not going to stop."),
            ("", "(Applause and a stagedirection.)", "narrative"),
            ("PRESIDENT BIDEN", "Sanctions <script>alert('x')</script> & <b>markup</b> stay."),
        ],
    )
    undated = make_transcript(
        "Undated remarks",
        date=None,
        kind="remarks",
        turns=[("PRESIDENT BIDEN", "Sanctions on Russia are working, the agreements hold.")],
    )
    # Statements in other languages, with invented speakers.
    russian = make_transcript(
        "Брифинг в Москве",
        date=datetime.date(2022, 2, 10),
        kind="briefing",
        language="ru",
        turns=[
            ("ВОПРОС", "Как вы оцениваете выполнение Минских соглашений?"),
            (
                "МИНИСТР ВОЛКОВ",
                "Санкции Европейского союза ничего не изменят. Украина должна выполнить "
                "соглашения, подписанные в Минске. Ёлки зелёные.",
            ),
        ],
    )
    chinese = make_transcript(
        "外交部发言人林华主持例行记者会",
        date=datetime.date(2021, 12, 2),
        kind="press-conference",
        language="zh",
        turns=[
            ("问", "美方宣布对香港官员实施制裁，外交部对此有何评论？"),
            ("答", "我们坚决反对美国干涉中国内政。外交部记者会上我已多次表明立场。"),
            ("问", "Can you comment on the Minsk talks and the meeting in Geneva today?"),
        ],
    )
    english_question = chinese.turns.get(position=3)
    english_question.language = "en"  # an English question at a Chinese press conference
    english_question.save()
    make_transcript(
        "Conférence de presse à Paris",
        date=datetime.date(2022, 2, 8),
        kind="press-conference",
        language="fr",
        turns=[("LE MINISTRE DUVAL", "Les accords de Minsk doivent être respectés par tous.")],
    )
    make_transcript(
        "外務大臣記者会見",
        date=datetime.date(2022, 3, 1),
        kind="press-conference",
        language="ja",
        turns=[("外務大臣", "日本の外務大臣として、ウクライナ情勢を深く憂慮しています。")],
    )
    lausanne = make_transcript(
        "Remarks in Lausanne",
        date=datetime.date(2022, 1, 10),
        kind="remarks",
        turns=[("MS. SHERMAN", "In Lausanne talks were held all day; the talks began late.")],
    )
    make_transcript(
        "Draft, never published",
        published=False,
        kind="briefing",
        turns=[("MR. SULLIVAN", "The Minsk agreements, sanctions and the secretword Zanzibar.")],
    )
    turns = {
        "lopez": mexico.turns.get(position=1),
        "were": mexico.turns.get(position=2),
        "markup": mexico.turns.get(position=4),
        "undated": undated.turns.get(),
        "russian_question": russian.turns.get(position=1),
        "russian_answer": russian.turns.get(position=2),
        "chinese_question": chinese.turns.get(position=1),
        "chinese_answer": chinese.turns.get(position=2),
        "english_question": english_question,
        "lausanne": lausanne.turns.get(),
    }
    # A curator's tag, and one a curator rejected (it must never count).
    sanctions = make_topic("Sanctions", phrases=["sanctions"])
    tag(turns["undated"], sanctions)
    tag(turns["markup"], sanctions, rejected=True)
    return Archive(seed.transcript.pk, {name: turn.pk for name, turn in turns.items()})


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("whoosh_index")


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory, index_dir):
    """The archive and its Whoosh index, in a transaction rolled back after the module (each test
    runs in a savepoint inside it)."""
    from django.test import override_settings
    from haystack import connections

    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_archive(tmp_path_factory.mktemp("transcripts"))
        with override_settings(HAYSTACK_CONNECTIONS=haystack_settings(index_dir)):
            connections.connections_info = haystack_settings(index_dir)
            connections.reload("default")
            index = connections["default"].get_unified_index().get_index(Turn)
            connections["default"].get_backend().update(index, index.index_queryset())
        if connection.vendor == "postgresql":
            # The spelling word list is a materialised view, which other tests' flushes leave
            # filled with their archives' words: make it this archive's.
            from archive.search.engines.postgres_spelling import refresh_spelling_words

            refresh_spelling_words()
        yield loaded
        transaction.set_rollback(True)


def haystack_settings(index_dir) -> dict:
    from django.conf import settings

    return {"default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(index_dir)}}


@pytest.fixture(autouse=True)
def search_index(settings, index_dir):
    """Haystack reads this module's index (the conftest's fixture gives each test an empty one)."""
    from haystack import connections

    settings.HAYSTACK_CONNECTIONS = haystack_settings(index_dir)
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    yield index_dir
    connections.reload("default")


@pytest.fixture(params=ENGINES)
def engine(request, archive):
    return get_engine(request.param)


# --- Searching, and what the answer should be ---------------------------------------------------


class Recorder:
    """An engine that remembers what it was asked and what it answered."""

    def __init__(self, engine):
        self.engine = engine
        self.query: EngineQuery | None = None
        self.facets: dict = {}
        self.timeline: list = []

    def search(self, query: EngineQuery):
        result = self.engine.search(query)
        if self.query is None:  # the search itself, not a spelling correction's trial
            self.query, self.facets, self.timeline = query, result.facets, result.timeline
        return result

    def suggest_spelling(self, words):
        return self.engine.suggest_spelling(words)


def search(engine, q: str, **params):
    recorder = Recorder(engine)
    params.setdefault("per_page", 1000)
    page = run_search(SearchRequest(q=q, **params), engine=recorder)
    assert not page.failed, page.notes
    return page, recorder


@dataclass
class Document:
    turn_id: int
    stems: set[str]
    words: list[str]
    speaker: str
    topics: set[str]
    date: datetime.date | None
    kind: str
    position: int
    language: str = "en"

    @property
    def order(self) -> int:
        """The Whoosh index's sort key: transcript date, then position (undated sorts first)."""
        number = int(self.date.strftime("%Y%m%d")) if self.date else 0
        return number * 100000 + self.position


def documents() -> list[Document]:
    """What a search may find: speech turns of published transcripts."""
    turns = (
        Turn.objects.published()
        .speech()
        .select_related("speaker", "transcript")
        .prefetch_related("topic_tags__topic")
    )
    return [
        Document(
            turn_id=turn.pk,
            stems=set(analyse(turn.text, language=turn.text_language)),
            words=analyse(turn.text, exact=True),
            speaker=turn.speaker.slug if turn.speaker else "",
            topics={t.topic.slug for t in turn.topic_tags.all() if not t.rejected},
            date=turn.transcript.date,
            kind=turn.transcript.kind,
            position=turn.position,
            language=turn.text_language,
        )
        for turn in turns
    ]


def term_matches(term, document: Document, languages=()) -> bool:
    """A phrase: its exact words in order. A word: all the stems of one of its alternatives
    (the word stemmed as each of the archive's languages would)."""
    if term.phrase:
        words = analyse(term.text, exact=True)
        size = len(words)
        return any(
            document.words[i : i + size] == words for i in range(len(document.words) - size + 1)
        )
    alternatives = query_alternatives(term.text, languages)
    return any(set(stems) <= document.stems for stems in alternatives)


def expected(query: EngineQuery | None) -> list[Document]:
    """The turns the query language promises for `query` (None: the search was impossible)."""
    if query is None:
        return []
    clauses = []
    for clause in query.clauses:
        terms = [
            term
            for term in clause.terms
            if (analyse(term.text, exact=True) if term.phrase else analyse(term.text))
        ]
        if terms:
            clauses.append((clause.exclude, terms))
    if not any(not exclude for exclude, _ in clauses) and not query.has_filters:
        return []

    def wanted(document: Document) -> bool:
        for exclude, terms in clauses:
            if any(term_matches(term, document, query.languages) for term in terms) == exclude:
                return False
        if query.speaker_slugs is not None and document.speaker not in query.speaker_slugs:
            return False
        if not set(query.topic_slugs) <= document.topics:
            return False
        if query.kinds and document.kind not in query.kinds:
            return False
        if query.in_languages and document.language not in query.in_languages:
            return False
        if (query.after or query.before) and document.date is None:
            return False
        if query.after and document.date < query.after:
            return False
        return not (query.before and document.date > query.before)

    return [document for document in documents() if wanted(document)]


def expected_facets(found: list[Document], limit: int = 12) -> dict[str, list[tuple[str, int]]]:
    counts = {
        "speaker": Counter(d.speaker for d in found if d.speaker),
        "topic": Counter(topic for d in found for topic in d.topics),
        "year": Counter(str(d.date.year) for d in found if d.date),
        "kind": Counter(d.kind for d in found),
        "language": Counter(d.language for d in found),
    }
    facets = {}
    for name, counter in counts.items():
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        facets[name] = ordered if name == "year" else ordered[:limit]
    return facets


def expected_timeline(found: list[Document]) -> list[tuple[str, str, int]]:
    """Mentions over time: the dated turns found, by month and speaker."""
    counts = Counter((f"{d.date:%Y-%m}", d.speaker) for d in found if d.date)
    return sorted((month, speaker, n) for (month, speaker), n in counts.items())


def non_empty(facets: dict) -> dict:
    return {name: values for name, values in facets.items() if values}


def ids(page) -> list[int]:
    return sorted(hit.turn_id for hit in page.hits)


# --- Every engine keeps the query language's promises --------------------------------------------

BATTERY = [
    # words, forms, case, apostrophes, accents
    "minsk",
    "Minsk agreements",
    "agreement",
    "MINSK Agreements",
    "sanctions",
    "sanction",
    "you've",
    "you’ve",
    "YOU’VE",
    "we're",
    "Russia’s",
    "lopez",
    "López",
    "U.S.",
    "covid-19",
    "so-called",
    "24/7",
    # phrases
    '"Minsk agreements"',
    '"the Minsk agreements"',
    '"Minsk the agreements"',
    '"Minsk agreement"',
    "“Minsk agreements”",
    '"so-called"',
    '"we\'re not going to"',
    '"of the"',
    # OR, exclusions
    "taiwan OR japan",
    'taiwan OR "one China"',
    "russia -ukraine",
    'ukraine -"Minsk agreements"',
    "ukraine NOT nato",
    "sanctions -russia -china",
    # filters, alone and with words
    "speaker:blinken",
    "speaker:blinken russia",
    "speaker:sullivan OR",
    'speaker:"Jake Sullivan" china',
    "speaker:blinken -russia",
    "topic:ukraine",
    "topic:minsk-agreements russia",
    "topic:sanctions",
    "russia after:2022-01-01",
    "russia before:2021-12-31",
    "china after:2022 before:2022",
    "after:2023",
    "kind:interview",
    "sanctions kind:remarks",
    "ukraine kind:call kind:interview",
    # other languages
    "соглашения",
    "соглашений",
    "украина",
    "Санкции",
    "елки",
    '"Минских соглашений"',
    "美国",
    "香港",
    '"美方"',
    "外交部 记者",
    "中国内政",
    "美",
    "accord",
    '"accords de Minsk"',
    "外務大臣",
    "ウクライナ",
    "lang:zh",
    "minsk lang:en",
    "minsk lang:russian",
    "lang:xx",
    # nothing to find
    "zzyzx",
    "secretword",
    "zanzibar",
    "stagedirection",
    "minsk kind:briefing",
    "the",
    "-russia",
    # what people paste
    "'); DROP TABLE archive_turn; --",
    "minsk & | ! <-> :* agreements",
    "%s %(p0)s %%",
    "a:b c:d",
    "\\ minsk \\",
]


@pytest.mark.parametrize("q", BATTERY)
def test_the_engine_finds_what_the_query_language_promises(engine, q):
    page, recorder = search(engine, q)
    found = expected(recorder.query)
    assert ids(page) == sorted(d.turn_id for d in found)
    assert page.total == len(found)
    if recorder.query is not None:
        assert non_empty(recorder.facets) == non_empty(expected_facets(found))
        assert sorted(recorder.timeline) == expected_timeline(found)


def test_the_battery_covers_every_feature_with_hits(archive):
    """The battery above would prove little if its queries found nothing."""
    whoosh = get_engine("whoosh")
    with_hits = [q for q in BATTERY if search(whoosh, q)[0].total]
    assert len(with_hits) >= 40


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sorting_by_date_follows_transcript_date_then_position(engine, archive, sort):
    page, recorder = search(engine, "sanctions OR agreements", sort=sort)
    found = sorted(expected(recorder.query), key=lambda d: d.order, reverse=sort == "newest")
    by_id = {d.turn_id: d for d in found}
    assert [by_id[hit.turn_id].order for hit in page.hits] == [d.order for d in found]
    assert page.hits[-1 if sort == "newest" else 0].turn_id == archive.made_up["undated"]


def test_pages_follow_on_without_overlap(engine):
    first, _ = search(engine, "russia", per_page=5)
    second, _ = search(engine, "russia", per_page=5, page=2)
    everything, _ = search(engine, "russia")
    assert first.total == second.total == everything.total > 10
    assert len(first.hits) == len(second.hits) == 5
    assert not {h.turn_id for h in first.hits} & {h.turn_id for h in second.hits}


# --- What a reader notices -----------------------------------------------------------------------


def test_minsk_agreements_finds_turns_2_and_4_of_the_blinken_interview(engine, archive):
    page, _ = search(engine, '"Minsk agreements"')
    assert page.total == 2
    assert sorted(hit.position for hit in page.hits) == [2, 4]
    assert {hit.speaker_name for hit in page.hits} == {"Antony Blinken"}
    assert {hit.transcript_slug for hit in page.hits} == {
        Turn.objects.get(pk=page.hits[0].turn_id).transcript.slug
    }
    assert all("<mark>Minsk agreements</mark>" in hit.snippet for hit in page.hits)


def test_who_says_this_most_counts_each_speakers_turns(engine):
    page, _ = search(engine, "minsk")
    assert [(v.value, v.count) for v in page.speakers_most][:1] == [("antony-blinken", 2)]


def test_apostrophe_styles_case_and_accents_do_not_matter(engine, archive):
    for q in ("we’re not", "WE'RE NOT", "López", "lopez", "LOPEZ"):
        page, _ = search(engine, q)
        assert archive.made_up["were"] in ids(page), q
    curly, _ = search(engine, "we’ve")
    straight, _ = search(engine, "we've")
    assert ids(curly) == ids(straight) and archive.made_up["lopez"] in ids(curly)


def test_a_word_finds_its_plural_but_a_phrase_only_itself(engine, archive):
    word, _ = search(engine, "agreement")
    phrase, _ = search(engine, '"agreement"')
    assert archive.made_up["undated"] in ids(word)  # "the agreements hold"
    assert archive.made_up["undated"] not in ids(phrase)


def test_a_phrase_needs_its_words_in_a_row_not_only_its_pairs(engine, archive):
    """Every pair of "lausanne talks began" is in the turn ("Lausanne talks", "talks began"), the
    phrase is not: the PostgreSQL engine's pairs only narrow, the order decides."""
    lausanne = archive.made_up["lausanne"]
    assert lausanne not in ids(search(engine, '"lausanne talks began"')[0])
    assert lausanne in ids(search(engine, '"lausanne talks were held"')[0])
    assert lausanne in ids(search(engine, '"the talks began late" OR "no such phrase"')[0])
    assert lausanne in ids(search(engine, 'zanzibar OR "talks began"')[0])


def test_snippets_escape_the_text_and_mark_only_the_match(engine):
    page, _ = search(engine, "markup")
    (hit,) = page.hits
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet
    assert "<mark>markup</mark>" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_rejected_tag_never_counts(engine, archive):
    page, _ = search(engine, "topic:sanctions")
    assert ids(page) == [archive.made_up["undated"]]


def test_unpublished_transcripts_and_narrative_turns_are_never_found(engine):
    for q in ("zanzibar", "secretword", "stagedirection", '"Minsk agreements" kind:briefing'):
        page, _ = search(engine, q)
        assert page.total == 0 and not page.hits, q


def test_a_stop_word_alone_explains_itself_in_the_same_words(engine):
    page, _ = search(engine, "the")
    assert page.total == 0
    assert any("too common a word" in note for note in page.notes)


def test_a_misspelling_suggests_the_archive_word(engine):
    page, _ = search(engine, "sanctoins")
    assert page.total == 0
    assert "Did you mean: sanctions" in [s.text for s in page.suggestions]


def test_a_misspelt_phrase_suggests_the_corrections_that_find_something(engine):
    page, _ = search(engine, '"minks agrements"')
    assert page.total == 0
    assert 'Did you mean: "minsk agreements"' in [s.text for s in page.suggestions]


def test_suggestions_cost_a_bounded_number_of_lookups(engine, monkeypatch):
    """Hundreds of unknown words cost at most spelling.MAX_WORDS candidate lookups, and what
    would still find nothing is not suggested."""
    import random
    import string

    from archive.search import spelling

    lookups = []
    ranked = spelling.ranked
    monkeypatch.setattr(
        spelling, "ranked", lambda word, *a: lookups.append(word) or ranked(word, *a)
    )
    rng = random.Random(7)
    gibberish = "".join(rng.choice(string.ascii_lowercase + "  ") for _ in range(400))
    page, _ = search(engine, gibberish)
    assert page.total == 0
    assert 0 < len(lookups) <= spelling.MAX_WORDS
    assert not [s for s in page.suggestions if s.text.startswith("Did you mean")]


@postgres_only
def test_both_engines_suggest_the_same_spelling(archive):
    words = ["sanctoins", "ukriane", "agremeent", "kishda", "lavorv", "zzzzzz", "russia", "minks"]
    assert get_engine("postgres").suggest_spelling(words) == get_engine("whoosh").suggest_spelling(
        words
    )


# --- PostgreSQL only -----------------------------------------------------------------------------


@postgres_only
def test_a_change_is_searchable_in_the_same_transaction(archive):
    engine = get_engine("postgres")
    turn = Turn.objects.get(pk=archive.made_up["undated"])
    turn.text = "Quinoa diplomacy is working."
    turn.save()
    page, _ = search(engine, "quinoa")
    assert ids(page) == [turn.pk]
    assert search(engine, '"agreements hold"')[0].total == 0


@postgres_only
def test_words_and_phrases_are_answered_from_the_gin_indexes(archive):
    from archive.search.engines.postgres import TextConditions, matching_turns

    for q, indexes in (
        ("sanctions", ["archive_turnsearch_stemmed_gin"]),
        # A phrase by its pairs (or its words), its order checked in the candidates alone.
        ('"Minsk agreements"', ["archive_turnsearch_pairs_gin", "archive_turnsearch_exact_gin"]),
    ):
        page, recorder = search(get_engine("postgres"), q)
        text = TextConditions()
        for clause in recorder.query.clauses:
            text.add_clause(clause)
        sql, params = matching_turns(recorder.query, text).query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_turn, archive_turnsearchdocument, archive_transcript")
            # The test archive is small enough to read whole: ask for the plan of a big one.
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert any(f"Bitmap Index Scan on {index}" in plan for index in indexes), plan
        assert ("pairs @@" in plan) == q.startswith('"'), plan


@postgres_only
def test_the_database_stems_words_as_whooshs_porter2_does(archive):
    """The `stemmed` vector uses Snowball English (Porter2). Whoosh's own default stemmer is a
    Porter variant that groups about one word in twenty differently ("add"/"added"); with
    `whoosh.lang.porter2` the two engines would stem every word of the archive alike."""
    from whoosh.lang.porter2 import stem

    words = sorted({word for d in documents() for word in d.words if word.isalpha()})
    assert len(words) > 2000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ts_lexize('parley_english', word) FROM unnest(%s::text[]) AS word",
            [words],
        )
        database = {word: (lexemes or [word])[0] for word, lexemes in cursor.fetchall()}
    assert [w for w in words if database[w] != stem(w)] == []


@postgres_only
def test_a_very_common_query_gets_an_estimated_total_and_the_right_first_page(
    archive, monkeypatch, client, settings
):
    """Above APPROXIMATE_ABOVE matching turns the PostgreSQL engine estimates the total and the
    facets from a sample of the search documents and says so; here the threshold is lowered to
    reach that path on the small test archive."""
    from archive.search.engines import postgres as search_postgres

    engine = get_engine("postgres")
    exact, recorder = search(engine, "russia", per_page=5)
    found = expected(recorder.query)
    newest, _ = search(engine, "russia", per_page=5, sort="newest")
    assert exact.total == len(found) > 10 and not exact.total_is_estimate

    monkeypatch.setattr(search_postgres, "APPROXIMATE_ABOVE", 5)
    # A sample as large as the archive: the estimate, facets and best-ranked page are exact.
    page, recorder = search(engine, "russia", per_page=5)
    assert page.total_is_estimate and page.total == len(found)
    assert [hit.turn_id for hit in page.hits] == [hit.turn_id for hit in exact.hits]
    assert non_empty(recorder.facets) == non_empty(expected_facets(found))

    # A sample of about a third of the documents: an estimate, never below the threshold, and
    # the newest turns still exactly (they come from the date index, not from the sample).
    monkeypatch.setattr(search_postgres, "SAMPLE_DOCUMENTS", Turn.objects.count() // 3)
    sampled, _ = search(engine, "russia", per_page=5, sort="newest")
    assert sampled.total_is_estimate and sampled.total > 5
    assert [hit.turn_id for hit in sampled.hits] == [hit.turn_id for hit in newest.hits]

    settings.PARLEY_SEARCH_ENGINE = "postgres"
    answer = client.get("/api/search/", {"q": "russia"}).json()
    assert answer["count_is_estimate"] is True and isinstance(answer["count"], int)
    assert "About " in client.get("/search/", {"q": "russia"}).content.decode()


@postgres_only
def test_a_common_phrase_is_estimated_and_a_rare_one_counted(archive, monkeypatch):
    """A phrase's turns are counted by its pairs first (the planner takes "of" "the" for
    independent words and expects too few): many pairs lead to the estimate; a phrase whose
    pairs a turn has without the phrase is still counted exactly."""
    from archive.search.engines import postgres as search_postgres

    engine = get_engine("postgres")
    common, recorder = search(engine, '"of the"')
    assert common.total == len(expected(recorder.query)) > 3 and not common.total_is_estimate
    monkeypatch.setattr(search_postgres, "APPROXIMATE_ABOVE", 1)
    estimated, _ = search(engine, '"of the"')
    assert estimated.total_is_estimate and estimated.total > 1
    rare, _ = search(engine, '"lausanne talks began"')
    assert rare.total == 0 and not rare.total_is_estimate


# --- Every language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("соглашения", {"russian_question", "russian_answer"}),
        ("Украины", {"russian_answer"}),
        ("санкции", {"russian_answer"}),
        ('"Минских соглашений"', {"russian_question"}),
        ("美国", {"chinese_answer"}),
        ("香港", {"chinese_question"}),
        ('"美方"', {"chinese_question"}),
        ("外交部 记者", {"chinese_answer"}),
        ("中国 lang:zh", {"chinese_answer"}),
        ("geneva", {"english_question"}),
        ("minsk lang:en speaker:问", {"english_question"}),
    ],
)
def test_a_query_finds_its_statements_in_every_language(engine, archive, q, names):
    page, _ = search(engine, q)
    wanted = {archive.made_up[name] for name in names}
    assert wanted <= set(ids(page)), q
    assert not set(ids(page)) & (set(archive.made_up.values()) - wanted)


def test_chinese_and_russian_matches_are_highlighted(engine, archive):
    page, _ = search(engine, "香港")
    assert "<mark>香港</mark>" in str(page.hits[0].snippet)
    page, _ = search(engine, '"外交部记者"')
    assert "<mark>外交部记者</mark>" in str(page.hits[0].snippet)
    page, _ = search(engine, "соглашения")
    snippets = " ".join(str(hit.snippet) for hit in page.hits)
    assert "<mark>Минских</mark>" not in snippets and "<mark>соглашений</mark>" in snippets


def test_the_language_facet_counts_statements_by_their_own_language(engine, archive):
    page, recorder = search(engine, "minsk OR минск")
    languages = dict(recorder.facets["language"])
    assert languages["en"] >= 2 and languages["fr"] == 1 and languages["ru"] == 2
    assert archive.made_up["english_question"] in ids(page)  # English, in a Chinese transcript


def test_a_spelling_suggestion_stays_in_the_words_script(engine, archive):
    page, _ = search(engine, "саглашения")
    assert [s.text for s in page.suggestions if s.text.startswith("Did you mean")] == [
        "Did you mean: соглашения"
    ]
