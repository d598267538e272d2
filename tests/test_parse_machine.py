"""Transcripts written by machines (archive/ingest/machine.py): a transcription service's
timestamped segments, Rev, Otter and Zoom labels, WebVTT and SubRip captions."""

import pytest

from archive.ingest.parse import parse_file, parse_text
from tests.support import labels


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


SEGMENTS = """Evening Report with Jane Porter

Jane Porter 00:00:01-00:00:09 (8 sec)
No StressLens
Welcome back to the program.
Tom Reyes 00:00:09-00:00:41 (32 sec)
No Signal (0.412)
Thanks for having me. It has been a long week at the port.
Tom Reyes 00:00:41-00:00:50 (9 sec)
No StressLens
The strike is over.
Note 00:12:10-00:12:10 ( sec)
[Commercial break]
Jane Porter 00:12:11-00:12:30 (19 sec)
Signal (0.128)
And we are back with Tom Reyes.
"""


def test_timestamped_segments_make_turns_without_their_signal_lines():
    parsed = parse_text(SEGMENTS)
    assert [(t.label, t.kind, t.text) for t in parsed.turns] == [
        ("Jane Porter", "speech", "Welcome back to the program."),
        (
            "Tom Reyes",
            "speech",
            "Thanks for having me. It has been a long week at the port.\n\nThe strike is over.",
        ),
        ("", "narrative", "[Commercial break]"),
        ("Jane Porter", "speech", "And we are back with Tom Reyes."),
    ]
    assert parsed.title == "Evening Report with Jane Porter"


def test_rev_labels_with_the_time_before_or_after_the_colon():
    parsed = parse_text(
        "Jane Porter (00:12):\nWelcome back.\n\nTom Reyes (00:15):\nThanks, Jane.\n\n"
        "Jane Porter: (00:20)\nTell us about the vote.\n\n"
        "Tom Reyes: (01:02:24) It passed, 61 to 39.\n"
    )
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("Jane Porter", "Welcome back."),
        ("Tom Reyes", "Thanks, Jane."),
        ("Jane Porter", "Tell us about the vote."),
        ("Tom Reyes", "It passed, 61 to 39."),
    ]


def test_otter_and_zoom_speaker_lines_with_a_time():
    parsed = parse_text(
        "Jane Porter  0:02\nWelcome back to the show. Tom is here.\n\n"
        "Tom Reyes  0:09\nThanks for having me.\n\n"
        "Unknown Speaker  1:02:12\nCan you hear me?\n\n"
        "Jane Porter  1:02:15\nWe can. We meet again at 10:30.\n"
    )
    assert labels(parsed) == ["Jane Porter", "Tom Reyes", "Unknown Speaker", "Jane Porter"]
    assert parsed.turns[-1].text == "We can. We meet again at 10:30."


def test_a_lone_time_after_a_name_is_not_a_label_in_prose():
    parsed = parse_text(
        "MODERATOR: The session opens at\n\n10:30\n\nQUESTION: And closes at 12:00?\n\n"
        "MODERATOR: Yes. Meeting of the Board 14:00\n"
    )
    assert labels(parsed) == ["MODERATOR", "QUESTION", "MODERATOR"]


WEBVTT = """WEBVTT

NOTE recorded at the studio

1
00:00:01.000 --> 00:00:04.000
<v Jane Porter>Welcome back to the program.</v>

2
00:00:04.000 --> 00:00:07.500 align:start
<v Jane Porter>Tonight: trade &amp; tariffs.

3
00:00:07.500 --> 00:00:09.000
<v.loud Tom Reyes>Thanks for having me.

4
00:00:09.000 --> 00:00:11.000
<v Tom Reyes><i>It's</i> good to be here.
"""

SUBRIP = """1
00:00:01,000 --> 00:00:04,000
JANE PORTER: Welcome back to the program.

2
00:00:04,000 --> 00:00:07,000
Tonight we talk trade.

3
00:00:07,000 --> 00:00:09,000
TOM REYES: Thanks for having me.

4
00:00:09,000 --> 00:00:11,000
>> JANE PORTER: Let's begin.
"""


def test_webvtt_voices_open_turns_and_cues_of_one_voice_make_one_paragraph():
    parsed = parse_text(WEBVTT)
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("Jane Porter", "Welcome back to the program. Tonight: trade & tariffs."),
        ("Tom Reyes", "Thanks for having me. It's good to be here."),
    ]


def test_subrip_names_in_capitals_open_turns():
    parsed = parse_text(SUBRIP)
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("JANE PORTER", "Welcome back to the program. Tonight we talk trade."),
        ("TOM REYES", "Thanks for having me."),
        ("JANE PORTER", "Let's begin."),
    ]


def test_captions_files_are_read_by_their_suffix(tmp_path):
    vtt, srt = tmp_path / "studio.vtt", tmp_path / "studio.srt"
    vtt.write_text(WEBVTT, encoding="utf-8")
    srt.write_bytes(SUBRIP.replace("\n", "\r\n").encode("utf-8"))
    assert labels(parse_file(vtt)) == ["Jane Porter", "Tom Reyes"]
    assert labels(parse_file(srt)) == ["JANE PORTER", "TOM REYES", "JANE PORTER"]
