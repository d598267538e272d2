"""No input breaks a search: generated queries (control characters included) always get an
answer, on the search page in HTML and JSON, in the search feed (well-formed Atom) and in the API
(its results, or a 400 that says why)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import make_speaker, make_topic, make_transcript

pytestmark = pytest.mark.django_db

OPERATORS = [
    '"',
    "“",
    "”",
    "'",
    "’",
    "-",
    "--",
    "OR",
    "AND",
    "NOT",
    "|",
    "&&",
    "(",
    ")",
    "*",
    "?",
    "~",
    "^",
    ":",
    "\\",
    "speaker:",
    "topic:",
    "kind:",
    "after:",
    "before:",
    "speaker:blinken",
    "topic:ukraine",
    "after:2021-01-01",
    "before:2021-13-45",
    "after:0000",
    "kind:briefing",
    'speaker:"',
    "minsk",
    "agreements",
    '"Minsk agreements"',
    "you’ve",
    "the",
    "a",
    "%",
    "<script>",
    "&amp;",
    "\x00",
    "\x01",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\ufffe",
    "\uffff",
    "\u200b",
    "\ufeff",
    "\U0001f600",
    "Ω",
    "ß",
    "İ",
    "🇺🇦",
]

token = st.one_of(
    st.sampled_from(OPERATORS),
    st.text(min_size=1, max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=6),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=3),
)
queries = st.lists(token, max_size=12).map(" ".join)
params = st.fixed_dictionaries(
    {"q": queries},
    optional={
        "speaker": st.one_of(st.sampled_from(["blinken", "", "zz", "\x00"]), st.text(max_size=8)),
        "topic": st.one_of(st.sampled_from(["ukraine", "nope"]), st.text(max_size=8)),
        "kind": st.one_of(st.sampled_from(["briefing", "interview", "x"]), st.text(max_size=8)),
        "after": st.one_of(st.sampled_from(["2021", "2021-02-30", "99999"]), st.text(max_size=10)),
        "before": st.text(max_size=10),
        "sort": st.one_of(st.sampled_from(["newest", "oldest", "relevance"]), st.text(max_size=5)),
        "page": st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=5)),
    },
)


@pytest.fixture
def archive(django_capture_on_commit_callbacks, settings):
    settings.PARLEY_SEARCH_ENGINE = "whoosh"
    with django_capture_on_commit_callbacks(execute=True):
        blinken = make_speaker("Antony Blinken", aliases=["SECRETARY BLINKEN"])
        make_topic("Ukraine", phrases=["Ukraine"])
        make_transcript(
            "Reuters NEXT",
            turns=[
                ("QUESTION", "Is Russia going to invade the Ukraine? You’ve had a busy week."),
                (
                    "SECRETARY BLINKEN",
                    "The so-called Minsk agreements <b>haven’t</b> been implemented.",
                ),
            ],
            speakers={"SECRETARY BLINKEN": blinken},
        )


def strip_nul(value: str) -> str:
    # The test client cannot send NUL in a URL; the view's own handling is tested by the parser.
    return value.replace("\x00", "")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=params)
@example(params={"q": '"unbalanced'})
@example(params={"q": "AND"})
@example(params={"q": "-"})
@example(params={"q": "OR OR"})
@example(params={"q": "speaker:"})
@example(params={"q": "x" * 10_000})
@example(params={"q": "\x01\x02\x1b[31m control"})
@example(params={"q": "minsk", "speaker": "nobody-at-all"})
@example(params={"q": "after:2021-99-99 before:yesterday"})
@example(params={"q": "*:* OR (((((( [a TO z] {x}"})
@example(params={"q": "a\x01"})
@example(params={"q": "minsk", "speaker": "\x02"})
def test_any_query_answers_on_the_page_the_feed_and_the_api(archive, client, params):
    params = {name: strip_nul(value) for name, value in params.items()}
    url = reverse("archive:search")
    html = client.get(url, params)
    assert html.status_code == 200
    assert b"<script>" not in html.content.split(b"<body", 1)[1].replace(b'<script src="', b"")
    data = client.get(url, {**params, "format": "json"})
    assert data.status_code == 200
    body = data.json()
    assert isinstance(body["count"], int) and isinstance(body["results"], list)

    feed = client.get(reverse("archive:search_feed"), params)
    assert feed.status_code in (200, 404)  # 404: no query and no filter, nothing to follow
    if feed.status_code == 200:
        ET.fromstring(feed.content)  # well-formed, whatever the query held

    api = client.get(reverse("archive:api_search"), params)
    assert api.status_code in (200, 400), api.content[:300]
    answer = api.json()
    assert isinstance(answer["results"], list) if api.status_code == 200 else answer["error"]
