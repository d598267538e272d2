"""The public pages: home, browsing, transcript and turn pages, error pages."""

import datetime
import re

import pytest
from django.template.loader import get_template
from django.urls import reverse

from archive.models import Speaker, Turn
from tests.support import make_speaker, make_topic, make_transcript, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "QUESTION": make_speaker(
            "Alessandra Galloni", kind=Speaker.Kind.JOURNALIST, title="Editor-in-chief"
        ),
        "SECRETARY BLINKEN": make_speaker(
            "Antony Blinken", kind=Speaker.Kind.OFFICIAL, title="Secretary of State"
        ),
    }


@pytest.fixture
def interview(people):
    return make_transcript(
        "Secretary Blinken at Reuters NEXT",
        date=datetime.date(2021, 12, 3),
        kind="interview",
        outlet="Reuters",
        location="Washington, D.C.",
        source_url="https://www.state.gov/secretary-blinken-at-reuters-next/",
        source_name="U.S. Department of State",
        speakers=people,
        turns=[
            ("QUESTION", "Is Russia going to invade the Ukraine?"),
            (
                "SECRETARY BLINKEN",
                "Well, I certainly hope not. (Laughter.)\n\nThe Minsk agreements matter.",
            ),
            ("", "(Applause.)"),
            ("QUESTION", "What about the Minsk process?"),
            (
                "SECRETARY BLINKEN",
                "Russia and Ukraine signed the so-called Minsk agreements <b>years</b> ago.",
            ),
        ],
    )


def test_home_page_counts_only_published_transcripts(client, interview, people):
    make_transcript(
        "Secret briefing", published=False, speakers=people, turns=[("QUESTION", "Hidden?")]
    )
    response = client.get(reverse("archive:home"))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "<strong>1</strong> transcript " in text
    assert "<strong>4</strong> statements" in text
    assert "<strong>2</strong> speakers" in text
    assert "Secretary Blinken at Reuters NEXT" in text
    assert "Secret briefing" not in text
    assert 'action="/search/"' in text


def test_home_page_lists_most_discussed_topics_and_frequent_speakers(client, interview):
    ukraine = make_topic("Ukraine")
    for turn in interview.turns.filter(text__contains="Ukraine"):
        tag(turn, ukraine)
    response = client.get(reverse("archive:home"))
    assert response.context["top_topics"][0] == ukraine
    assert response.context["top_speakers"][0].name in {"Antony Blinken", "Alessandra Galloni"}
    assert ukraine.get_absolute_url() in response.content.decode()


def test_transcript_page_shows_every_turn_with_anchor_permalink_and_citation(client, interview):
    response = client.get(interview.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for turn in interview.turns.all():
        assert f'id="t{turn.position}"' in html
        if turn.kind == Turn.Kind.SPEECH:
            assert turn.get_absolute_url() in html
    assert html.count('class="citation"') == 4
    # Each turn's citation in the Chicago style; every style is on the statement's page.
    assert (
        "Blinken, Antony. “Answer in ‘Secretary Blinken at Reuters NEXT.’” Interview, Reuters, "
        "Washington, D.C., December 3, 2021. U.S. Department of State." in html
    )
    assert "Archived in Parley, http://testserver/turns/" in html
    assert "https://www.state.gov/secretary-blinken-at-reuters-next/" in html
    assert "<title>Secretary Blinken at Reuters NEXT (3 December 2021) · Parley</title>" in html
    assert 'property="og:title" content="Secretary Blinken at Reuters NEXT"' in html


def test_transcript_page_tells_questions_from_answers_and_sets_stage_directions_apart(
    client, interview
):
    html = client.get(interview.get_absolute_url()).content.decode()
    assert html.count("turn turn--question") == 2
    assert html.count("turn turn--answer") == 2
    assert html.count("turn turn--narrative") == 1
    assert '<span class="stage-direction">(Laughter.)</span>' in html
    assert "Secretary of State" in html and "Editor-in-chief" in html


def test_transcript_text_is_escaped(client, interview):
    html = client.get(interview.get_absolute_url()).content.decode()
    assert "&lt;b&gt;years&lt;/b&gt;" in html
    assert "<b>years</b>" not in html


def test_transcript_search_keeps_matching_turns_and_highlights_them(client, interview):
    response = client.get(interview.get_absolute_url(), {"q": "minsk agreements"})
    html = response.content.decode()
    assert [turn.position for turn in response.context["turns"]] == [2, 5]
    assert "<mark>Minsk agreements</mark>" in html  # neighbouring matches are one mark
    assert "2 of 5 turns contain" in html


def test_transcript_find_matches_as_search_does(client, interview):
    """Quote styles and word forms as the search engines match them: `we've` finds “We’ve”,
    `agreement` finds “agreements”, a phrase only its words in order."""
    turn = interview.turns.get(position=2)
    turn.text = "We’ve said the Minsk agreements must be implemented."
    turn.save()

    def found(q):
        response = client.get(interview.get_absolute_url(), {"q": q})
        assert response.status_code == 200
        return [t.position for t in response.context["turns"]], response.content.decode()

    positions, html = found("we've")
    assert positions == [2] and "<mark>We’ve</mark>" in html
    assert found("agreement")[0] == [2, 5]
    assert found('"agreements minsk"')[0] == []
    assert found("minsk -implemented")[0] == [4, 5]


def test_transcript_page_links_previous_and_next_transcripts(client, interview, people):
    earlier = make_transcript("Earlier briefing", date=datetime.date(2021, 11, 1), speakers=people)
    later = make_transcript("Later remarks", date=datetime.date(2022, 1, 5), speakers=people)
    make_transcript(
        "Unpublished", date=datetime.date(2021, 12, 20), published=False, speakers=people
    )
    response = client.get(interview.get_absolute_url())
    assert response.context["previous_transcript"] == earlier
    assert response.context["next_transcript"] == later


def test_turn_permalink_shows_statement_citation_and_context_link(client, interview):
    turn = interview.turns.get(position=2)
    response = client.get(turn.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "The Minsk agreements matter." in html
    assert f'href="{interview.get_absolute_url()}#t2"' in html
    assert 'class="citation citation--full"' in html
    assert "<title>Antony Blinken in “Secretary Blinken at Reuters NEXT” · Parley</title>" in html


def test_unpublished_transcripts_are_not_found_and_not_listed(client, people):
    hidden = make_transcript(
        "Hidden", published=False, speakers=people, turns=[("QUESTION", "Hidden?")]
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(hidden.turns.get().get_absolute_url()).status_code == 404
    assert "Hidden" not in client.get(reverse("archive:transcript_list")).content.decode()


def test_transcript_list_browses_by_year_month_kind_and_outlet(client, interview, people):
    make_transcript(
        "Briefing 2020", date=datetime.date(2020, 5, 4), kind="briefing", speakers=people
    )
    make_transcript(
        "Remarks 2021",
        date=datetime.date(2021, 3, 9),
        kind="remarks",
        outlet="CNN",
        speakers=people,
    )
    url = reverse("archive:transcript_list")

    def titles(**params):
        return [t.title for t in client.get(url, params).context["transcripts"]]

    assert titles() == ["Secretary Blinken at Reuters NEXT", "Remarks 2021", "Briefing 2020"]
    assert titles(year=2021) == ["Secretary Blinken at Reuters NEXT", "Remarks 2021"]
    assert titles(year=2021, month=3) == ["Remarks 2021"]
    assert titles(kind="briefing") == ["Briefing 2020"]
    assert titles(outlet="CNN") == ["Remarks 2021"]
    assert titles(year="nonsense") == titles()

    response = client.get(url, {"year": 2021})
    assert {row["year"]: row["count"] for row in response.context["years"]} == {2021: 2, 2020: 1}
    assert [row["name"] for row in response.context["months"]] == ["March", "December"]


def test_transcript_list_filters_by_speaker(client, interview, people):
    other = make_speaker("Ned Price")
    make_transcript(
        "Price briefing", speakers={"MR PRICE": other}, turns=[("MR PRICE", "Good afternoon.")]
    )
    response = client.get(reverse("archive:transcript_list"), {"speaker": other.slug})
    assert [t.title for t in response.context["transcripts"]] == ["Price briefing"]


def test_unknown_page_uses_the_styled_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_page_renders_without_context():
    html = get_template("500.html").render({})
    assert "Something went wrong" in html
    assert "parley.css" in html


def test_every_page_has_one_h1_and_a_main_landmark(client, interview):
    turn = interview.turns.get(position=2)
    for url in [
        reverse("archive:home"),
        reverse("archive:transcript_list"),
        interview.get_absolute_url(),
        turn.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert '<main id="main"' in html


def _transcript_with(n_turns, n_speakers, title):
    speakers = {f"SPEAKER {i}": make_speaker(f"Speaker {title} {i}") for i in range(n_speakers)}
    labels = list(speakers)
    topic = make_topic(f"Topic {title}")
    transcript = make_transcript(
        title,
        speakers=speakers,
        turns=[(labels[i % n_speakers], f"Statement {i} (Laughter.)") for i in range(n_turns)],
    )
    for turn in transcript.turns.all()[:5]:
        tag(turn, topic)
    return transcript


@pytest.mark.parametrize("n_turns,n_speakers", [(3, 2), (60, 12)])
def test_page_queries_are_bounded_whatever_the_size(
    client, django_assert_max_num_queries, n_turns, n_speakers
):
    transcript = _transcript_with(n_turns, n_speakers, f"Size {n_turns}")
    for i in range(3):
        _transcript_with(n_turns, n_speakers, f"Other {n_turns} {i}")
    turn = transcript.turns.first()
    for url, queries in [
        (transcript.get_absolute_url(), 8),
        # The home page's counts over the archive (in a test's transaction each list counts
        # what it needs: nothing is kept there), then the keys and a page of each ranked list.
        (reverse("archive:home"), 12),
        (reverse("archive:transcript_list"), 8),
        (turn.get_absolute_url(), 6),
    ]:
        with django_assert_max_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url  # an error page would take fewer queries
