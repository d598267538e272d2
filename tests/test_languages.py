"""Which language a text is in (archive.languages), and the loader giving a turn its own
language when it surely is not its transcript's."""

import pytest

from archive.languages import code_for, detect, own_language
from tests.support import DATA_DIR


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Министр иностранных дел заявил, что соглашения должны быть выполнены.", "ru"),
        ("Les accords de Minsk doivent être respectés par toutes les parties.", "fr"),
        ("Die Bundesregierung unterstützt die Ukraine weiterhin mit aller Kraft.", "de"),
        ("美国国务院发言人表示，中方坚决反对。", "zh"),
        ("日本の外務大臣は記者会見で述べました。", "ja"),
        ("한국 외교부 대변인은 오늘 브리핑에서 말했다.", "ko"),
        ("Thank you very much for having me here today, Secretary.", "en"),
    ],
)
def test_a_text_long_enough_tells_its_language(text, code):
    found, confidence = detect(text)
    assert found == code and confidence >= 0.9


def test_a_short_text_says_nothing_and_keeps_its_transcripts_language():
    assert detect("Thank you.") == (None, 0.0)
    assert own_language("Thank you.", "zh") == ""
    assert own_language("美方宣布对香港官员实施制裁，外交部对此有何评论？", "zh") == ""
    question = "Can you comment on the sanctions announced by the United States today?"
    assert own_language(question, "zh") == "en"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("zh", "zh"),
        ("Chinese", "zh"),
        ("中文", "zh"),
        ("русский", "ru"),
        ("RU", "ru"),
        ("xyz", None),
    ],
)
def test_a_language_is_named_by_its_code_or_its_name(value, code):
    assert code_for(value) == code


@pytest.mark.django_db
def test_the_loader_marks_a_turn_in_another_language_than_its_transcripts(tmp_path):
    from archive.ingest.load import ingest_file

    path = tmp_path / "2021-12-03-briefing.txt"
    path.write_text(
        "外交部发言人林华主持例行记者会\n2021年12月3日\n\n"
        "问：美方宣布对香港官员实施制裁，外交部对此有何评论？\n\n"
        "答：我们坚决反对美国干涉中国内政，这是我们一贯的立场。\n\n"
        "问：Can you comment on the sanctions announced by the United States today?\n\n"
        "答：我已经回答了这个问题。\n",
        encoding="utf-8",
    )
    transcript = ingest_file(path).transcript
    assert transcript.language == "zh"
    languages = list(transcript.turns.order_by("position").values_list("language", flat=True))
    assert languages == ["", "", "en", ""]
    assert [turn.text_language for turn in transcript.turns.order_by("position")] == [
        "zh", "zh", "en", "zh",
    ]  # fmt: skip


def test_the_chinese_sample_data_is_chinese():
    text = (DATA_DIR / "china_mfa_2021-12-03_zh.txt").read_text(encoding="utf-8")
    assert detect(text)[0] == "zh"
