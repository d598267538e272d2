"""Which lines open a speaker turn (archive/ingest/lines.py, label_acceptance.py), and which
lines that look like labels stay in the speech.
"""

import datetime

import pytest

from archive.ingest.parse import parse_text
from tests.support import labels, parse, parse_probe


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: the parser needs no Django."""
    yield None


# --- label conventions ------------------------------------------------------------------------


def test_q_without_colon_starts_a_turn():
    parsed = parse("whitehouse_style_briefing_2022-03-08.txt")
    assert labels(parsed) == [
        "MS. RIVERA", "MR. HALE", "Q", "MR. HALE", "Q", "Q", "MR. HALE", "Q", "MR HALE",
        "MS. RIVERA", "Q", "MS. RIVERA",
    ]  # fmt: skip
    assert parsed.turns[2].text.startswith("Thank you, Tom. Can you say")
    assert parsed.turns[4].text == "And on the timeline —"  # two Q blocks in a row
    assert parsed.turns[5].text == "Tom, just to follow up —"


def test_colon_in_speech_is_not_a_speaker():
    parsed = parse("whitehouse_style_briefing_2022-03-08.txt")
    hale = parsed.turns[1]
    assert hale.paragraphs == [
        "Thanks, Dana. Good afternoon. Let me start with the situation in the region.",
        "To be clear: These measures are aimed at the government, not at the people. We have "
        "coordinated every step with our allies.",
        "With respect to the energy markets: We are working with producers to keep supplies stable.",
    ]
    last = parsed.turns[-1]
    assert last.paragraphs[-1].startswith("Last item for all of you: the briefing tomorrow")


def test_interpreter_notes_stay_at_the_start_of_the_text():
    parsed = parse("interpreted_press_conference_2023-06-14.txt")
    assert labels(parsed) == [
        "", "PRIME MINISTER SATO", "PRESIDENT DUARTE", "MODERATOR", "Q", "INTERPRETER",
        "PRESIDENT DUARTE", "PRIME MINISTER SATO",
    ]  # fmt: skip
    assert parsed.turns[1].text.startswith("(As interpreted.) Well, thank you. It is my great")
    assert parsed.turns[4].text.startswith("(As interpreted.) Thank you. A question")
    # A parenthetical after the name leaves the label and opens the text.
    assert parsed.turns[6].text == "(via interpreter) We condemn them in the strongest terms."


def test_kremlin_mixed_case_labels_and_shortened_names():
    parsed = parse("kremlin_putin_scholz_2021-12-02.txt")
    assert labels(parsed) == [
        "President of Russia Vladimir Putin", "Federal Chancellor of Germany Olaf Scholz",
        "Question", "Vladimir Putin", "Olaf Scholz", "Question", "Putin", "Dmitry Peskov",
        "Question", "Vladimir Putin",
    ]  # fmt: skip
    assert parsed.source_name == "President of Russia (kremlin.ru)"
    assert parsed.title == "News conference following Russian-German talks"
    assert parsed.date == datetime.date(2021, 12, 2)
    assert parsed.location == "The Kremlin, Moscow"
    assert parsed.turns[1].text.startswith("(retranslated) Thank you very much, Mr President.")


def test_germany_colon_and_the_answer_is_this_stay_in_speech():
    parsed = parse("kremlin_putin_scholz_2021-12-02.txt")
    putin = parsed.turns[0]
    assert len(putin.paragraphs) == 4
    assert putin.paragraphs[2].startswith("Germany: we consider it one of our key partners")
    assert "the answer is this: the contracts" in putin.paragraphs[3]
    assert parsed.turns[3].paragraphs[1].startswith("the answer is this: Russia does not")
    assert "Publication status" not in parsed.turns[-1].text
    assert parsed.turns[-1].text == "I expect that we will continue to work together. Thank you."


def test_chinese_labels_with_full_width_colons():
    parsed = parse("china_mfa_2021-12-03_zh.txt")
    assert labels(parsed) == ["问", "汪文斌", "问", "答", "问", "汪文斌"]
    assert parsed.language == "zh"
    assert parsed.date == datetime.date(2021, 12, 3)
    assert parsed.title == "2021年12月3日外交部发言人汪文斌主持例行记者会"
    assert parsed.kind == "press-conference"
    # "习近平主席强调：" quotes someone inside the answer; it is not a speaker.
    assert parsed.turns[1].paragraphs[1] == "习近平主席强调：各国应当坚持真正的多边主义。"
    assert not any("打印" in t.text for t in parsed.turns)


def test_chinese_ministry_english_transcript_with_outlet_labels():
    parsed = parse("china_mfa_2021-12-03_en.txt")
    assert labels(parsed) == [
        "CCTV", "Wang Wenbin", "AFP", "Wang Wenbin", "Bloomberg", "Wang Wenbin",
        "Global Times", "Wang Wenbin",
    ]  # fmt: skip
    assert parsed.source_name == "Ministry of Foreign Affairs of the People's Republic of China"
    assert parsed.title.startswith("Foreign Ministry Spokesperson Wang Wenbin's Regular Press")
    assert parsed.turns[1].paragraphs[1].startswith("To be clear: China stands ready")
    assert "Suggest to a friend" not in parsed.turns[-1].text


def test_q_and_a_interview():
    parsed = parse("qa_interview_minister_2022-03-15.txt")
    assert labels(parsed) == ["Q", "A"] * 4
    assert parsed.kind == "interview"
    assert parsed.date == datetime.date(2022, 3, 15)
    assert parsed.turns[1].paragraphs[1].startswith("We have seen what happens")
    assert parsed.source_name is None


def test_labels_with_digits_and_accented_capitals():
    text = (
        "SENIOR ADMINISTRATION OFFICIAL 1:  Thanks.\n\nPARTICIPANT 2:  A question.\n\n"
        "PRESIDENT LÓPEZ OBRADOR:  (Speaks Spanish.)  Gracias.\n\nMS. JEAN-PIERRE:  Thanks.\n"
    )
    assert labels(parse_text(text)) == [
        "SENIOR ADMINISTRATION OFFICIAL 1", "PARTICIPANT 2", "PRESIDENT LÓPEZ OBRADOR",
        "MS. JEAN-PIERRE",
    ]  # fmt: skip


def test_a_lone_capitalised_word_with_a_colon_is_not_a_speaker():
    text = (
        "Vladimir Putin: Thank you.\n\nGermany: We will talk to them.\n\n"
        "Question: And France?\n\nVladimir Putin: The same.\n"
    )
    parsed = parse_text(text)
    assert labels(parsed) == ["Vladimir Putin", "Question", "Vladimir Putin"]
    assert parsed.turns[0].paragraphs == ["Thank you.", "Germany: We will talk to them."]


def test_prose_lines_ending_in_a_colon_are_not_speakers():
    text = (
        "MR. PRICE:  Two things.\n\nAnd the second question is:\n\nWhat comes next?\n\n"
        "Look, here's the situation: We agree.\n\nSo the answer is:  no.\n\nQ    Thanks.\n"
    )
    parsed = parse_text(text)
    assert labels(parsed) == ["MR. PRICE", "Q"]
    assert len(parsed.turns[0].paragraphs) == 5


def test_markdown_bold_labels_are_labels():
    parsed = parse_text("**MR. PRICE:** Good afternoon.\n\n**QUESTION:**  Thanks, Ned.\n")
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("MR. PRICE", "Good afternoon."),
        ("QUESTION", "Thanks, Ned."),
    ]


def test_readout_heading_is_not_a_speaker():
    text = "READOUT: The call lasted an hour.\n\nMODERATOR:  Welcome.\n\nQUESTION:  Hi.\n"
    parsed = parse_text(text)
    assert labels(parsed) == ["MODERATOR", "QUESTION"]
    assert parsed.header == ["READOUT: The call lasted an hour."]


# --- other governments' label styles ----------------------------------------------------------


def test_chinese_reporter_labels_open_turns_and_the_first_question_is_not_lost():
    parsed = parse_probe("china_mfa_reporter_labels_zh.txt")
    assert labels(parsed) == [
        "法新社记者", "赵立坚", "总台央视记者", "赵立坚", "路透社记者", "赵立坚", "彭博社记者", "赵立坚",
    ]  # fmt: skip
    assert parsed.turns[0].text == "关于冬奥会，你有何评论？一些国家宣布不派官员出席。"
    assert parsed.turns[6].text == "最后一个问题。中方是否会邀请美方代表观礼？"
    assert parsed.header == ["2022年1月28日外交部发言人赵立坚主持例行记者会", "2022-01-28 15:00"]


def test_a_quotation_after_a_chinese_verb_is_still_not_a_speaker():
    text = "问：中方有何评论？\n\n答：习近平主席指出：各国应当团结合作。\n\n外交部部长强调：我们反对霸凌。\n"
    parsed = parse_text(text)
    assert labels(parsed) == ["问", "答"]
    assert parsed.turns[1].paragraphs[1] == "外交部部长强调：我们反对霸凌。"


def test_all_caps_labels_may_name_the_outlet_after_a_comma_or_in_brackets():
    parsed = parse_probe("caps_labels_with_outlets.txt")
    assert labels(parsed) == [
        "FOREIGN SECRETARY HALL", "JOHN SMITH", "FOREIGN SECRETARY HALL",
        "JANE DOE, FINANCIAL TIMES", "FOREIGN SECRETARY HALL",
        "PIERRE MARTIN, AGENCE FRANCE-PRESSE", "FOREIGN SECRETARY HALL",
    ]  # fmt: skip
    assert parsed.turns[1].text == "(BBC) Foreign Secretary, what consequences, exactly?"
    assert parsed.turns[3].text.startswith("And on sanctions?")


def test_q_dot_and_a_dot_questions_and_answers_of_older_us_transcripts():
    parsed = parse_probe("q_dot_a_dot_news_conference_1962.txt")
    assert labels(parsed) == ["THE PRESIDENT", "Q", "THE PRESIDENT", "Q", "A", "Q"]
    # The label alone on its line, the words on the next.
    assert parsed.turns[0].text.startswith("I have several announcements to make.")
    assert (
        parsed.turns[1].text == "Mr. President, on Taiwan, has there been any change in our policy?"
    )
    assert parsed.turns[4].paragraphs[0] == "Same answer: yes."
    # An initial at the start of a paragraph is not an answer.
    assert parsed.turns[4].paragraphs[1].startswith("A. Smith said last week")


def test_a_dot_is_an_initial_where_no_question_uses_q_dot():
    text = "MODERATOR:  Welcome.\n\nMR. HALE:  Thanks.\n\nA. Smith said so.\n\nQ:  Really?\n"
    parsed = parse_text(text)
    assert labels(parsed) == ["MODERATOR", "MR. HALE", "Q"]
    assert parsed.turns[1].paragraphs == ["Thanks.", "A. Smith said so."]


def test_an_office_and_a_name_make_a_label_even_once():
    parsed = parse_probe("interview_with_role_labels.txt")
    assert labels(parsed) == ["Q", "A", "Foreign Minister Wang Yi", "Q", "A"]
    assert parsed.turns[2].text == "China supports it. We will do our part and more."
    assert parsed.turns[1].text.endswith("Okay, last one: the Paris Agreement remains our goal.")


def test_prose_before_a_colon_is_still_not_an_office_holder():
    text = (
        "Vladimir Putin: Thank you.\n\nGermany: We will talk to them.\n\n"
        "General Assembly: The vote is next week.\n\nMr. President, Distinguished Delegates: "
        "Welcome.\n\nSecretary Blinken: Remarks to the Press on Ukraine\n\n"
        "Here is what I want to say: we are ready.\n\nQuestion: And France?\n\n"
        "Vladimir Putin: The same.\n"
    )
    parsed = parse_text(text)
    assert labels(parsed) == ["Vladimir Putin", "Question", "Vladimir Putin"]
    assert len(parsed.turns[0].paragraphs) == 6


def test_kremlin_names_with_long_offices_are_all_labels_from_the_first_turn():
    parsed = parse_probe("kremlin_press_statements_2022-02-15.txt")
    assert labels(parsed) == [
        "President of Russia Vladimir Putin", "Federal Chancellor of Germany Olaf Scholz",
        "Question", "Vladimir Putin", "Olaf Scholz",
    ]  # fmt: skip
    assert parsed.turns[1].text.startswith("(retranslated) Thank you, Mr President.")


def test_nato_labels_with_the_role_in_brackets_and_the_outlet_in_square_brackets():
    parsed = parse_probe("nato_press_conference_2022-02-16.txt")
    assert labels(parsed) == [
        "Oana Lungescu", "NATO Secretary General Jens Stoltenberg", "Oana Lungescu", "Question",
        "Jens Stoltenberg", "Oana Lungescu", "Question", "Jens Stoltenberg", "Oana Lungescu",
    ]  # fmt: skip
    assert parsed.turns[3].text.startswith("[Reuters] Secretary General, do you believe")
    assert (parsed.source_name, parsed.location) == ("NATO", "NATO Headquarters, Brussels")


def test_indian_labels_put_the_office_before_or_after_the_name():
    parsed = parse_probe("india_mea_briefing_2022-03-10.txt")
    spokesperson = "Official Spokesperson, Shri Arindam Bagchi"
    assert labels(parsed) == [
        "Shri Arindam Bagchi, Official Spokesperson", "Question", spokesperson, "Speaker 1",
        spokesperson, "Question", spokesperson, "",
    ]  # fmt: skip
    assert parsed.turns[0].paragraphs[-1] == "I am happy to take questions."
    assert parsed.turns[-1].text == "(Concludes)"


def test_australian_doorstop_with_a_shortened_caps_name():
    parsed = parse_probe("dfat_doorstop_2022-06-07.txt")
    assert labels(parsed) == [
        "PENNY WONG",
        "JOURNALIST",
        "PENNY WONG",
        "JOURNALIST",
        "WONG",
        "JOURNALIST",
    ]
    assert parsed.title == "Doorstop interview, Jakarta"
    assert parsed.date == datetime.date(2022, 6, 7)


def test_german_government_labels_with_the_outlet_in_brackets():
    parsed = parse_probe("german_government_press_conference_2022-03-04.txt")
    assert labels(parsed) == [
        "SPOKESPERSON HEBESTREIT", "QUESTION", "SPOKESPERSON HEBESTREIT", "QUESTION", "ADEBAHR",
        "QUESTION",
    ]  # fmt: skip
    assert parsed.turns[3].text.startswith("(dpa) A question for the Foreign Office: How many")
    assert parsed.kind == "press-conference"


def test_french_q_and_r_dash_labels_and_a_dashed_list_in_an_answer():
    parsed = parse_probe("france_diplomatie_point_de_presse_2022-02-24.txt")
    assert labels(parsed) == ["Q", "R", "Q", "R", "Q"]
    assert parsed.turns[0].text.startswith("Quelle est la position de la France")
    assert parsed.turns[3].paragraphs[1] == "- Premier point : l'embargo sur les technologies ;"
    assert (parsed.language, parsed.kind, parsed.date) == (
        "fr",
        "briefing",
        datetime.date(2022, 2, 24),
    )


def test_japanese_ministry_page_with_an_end_mark():
    parsed = parse_probe("japan_mofa_press_conference_2023-01-20.txt")
    assert labels(parsed) == ["Press Secretary Kobayashi", "Reporter"] * 2 + [
        "Press Secretary Kobayashi"
    ]
    assert parsed.turns[-1].text == "The details are being arranged."
    assert parsed.source_name == "Ministry of Foreign Affairs of Japan"


def test_pasted_page_with_bold_labels_and_labels_on_their_own_lines():
    parsed = parse_probe("pasted_page_markdown_bold_and_split_labels.txt")
    assert [(t.label, t.text) for t in parsed.turns][2:4] == [
        ("MR. PRICE", "We were clear with our Russian counterparts about our concerns."),
        ("QUESTION", "Anything on Kazakhstan?"),
    ]
    assert parsed.turns[4].text.startswith("We continue to monitor the situation.")
    assert parsed.location == "Washington, D.C."


def test_spanish_p_and_r_dash_labels():
    parsed = parse_probe("spain_exteriores_entrevista_2022-03-03.txt")
    assert labels(parsed) == ["P", "R", "P", "R", "P"]
    assert parsed.turns[2].text == "¿Y el suministro de gas?"
    assert (parsed.language, parsed.kind) == ("es", "interview")


def test_japanese_original_with_an_era_date_and_a_press_secretary_label():
    parsed = parse_probe("japan_mofa_kaiken_ja.txt")
    assert labels(parsed) == ["小林報道官", "記者"] * 2 + ["小林報道官"]
    assert parsed.title == "小林外務報道官会見記録"
    assert parsed.date == datetime.date(2023, 1, 20)  # 令和5年
    assert parsed.location == "本省会見室"
    assert (parsed.language, parsed.kind) == ("ja", "press-conference")


def test_russian_ministry_labels_with_initials():
    parsed = parse_probe("russia_mid_lavrov_2022-03-02.txt")
    assert labels(parsed) == ["С.В.Лавров", "Вопрос"] * 2 + ["С.В.Лавров"]
    assert parsed.turns[3].text.startswith("(перевод с английского) Как вы оцениваете")
    assert parsed.date == datetime.date(2022, 3, 2)


def test_figures_listed_by_country_stay_in_the_speech_however_often():
    parsed = parse_probe("statement_with_country_figures.txt")
    assert labels(parsed) == ["MR. HALE", "QUESTION"] * 2 + ["MR. HALE"]
    assert parsed.turns[-1].paragraphs == [
        "We expect more. The latest estimates:",
        "Russia: 20 deaths.",
        "Ukraine: 250 deaths.",
    ]


def test_bold_labels_with_the_colon_outside_the_stars():
    parsed = parse_text(
        "**MR. PRICE**: Good afternoon.\n\n**Ukraine**\n\nWe remain concerned.\n\n"
        "**QUESTION**: Thanks, Ned.\n"
    )
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("MR. PRICE", "Good afternoon.\n\nUkraine\n\nWe remain concerned."),
        ("QUESTION", "Thanks, Ned."),
    ]


def test_a_name_before_a_heading_is_a_title_not_a_speaker():
    text = "Secretary Blinken: Interview With Reuters\n\nDecember 3, 2021\n\nQUESTION: Hi.\n\nSECRETARY BLINKEN: Hello.\n"
    parsed = parse_text(text)
    assert labels(parsed) == ["QUESTION", "SECRETARY BLINKEN"]
    assert parsed.title == "Secretary Blinken: Interview With Reuters"
    assert parsed.kind == "interview"


# --- issue 10: every label convention ------------------------------------------------------------


def test_a_label_accepted_elsewhere_opens_a_turn_whatever_follows_its_colon():
    parsed = parse_text(
        "Governors' Debate\n\n"
        "Anna Lindqvist: Good evening. Governor Ellison, you have two minutes.\n\n"
        "Mark Ellison: Thank you, Anna. Our state is working again.\n\n"
        "Anna Lindqvist: Senator Okafor, your response.\n\n"
        "Ruth Okafor: Thank you. The governor forgets the budget.\n\n"
        "Anna Lindqvist: 45 seconds, Governor.\n\n"
        "Mark Ellison: 14,000 jobs came back last year, and the budget is balanced.\n\n"
        "Ruth Okafor: the committee never voted on it.\n\n"
        "Anna Lindqvist: Governor Ellison, on trade policy -\n\n"
        "Mark Ellison: Germany: we sell them more than ever. Germany: we buy less.\n"
    )
    assert labels(parsed) == [
        "Anna Lindqvist", "Mark Ellison", "Anna Lindqvist", "Ruth Okafor", "Anna Lindqvist",
        "Mark Ellison", "Ruth Okafor", "Anna Lindqvist", "Mark Ellison",
    ]  # fmt: skip
    assert parsed.turns[4].text == "45 seconds, Governor."
    assert parsed.turns[5].text.startswith("14,000 jobs came back")
    assert parsed.turns[6].text == "the committee never voted on it."
    # Prose once or twice inside a speech stays prose.
    assert parsed.turns[8].text == "Germany: we sell them more than ever. Germany: we buy less."


def test_a_label_line_before_the_first_turn_is_not_promoted_by_a_later_label():
    parsed = parse_text(
        "Senator Okafor: Remarks at the Harbour Forum\n\nQUESTION: Welcome.\n\n"
        "SENATOR OKAFOR: Thank you.\n\nQUESTION: And the locks?\n\nSENATOR OKAFOR: Closed.\n"
    )
    assert labels(parsed) == ["QUESTION", "SENATOR OKAFOR"] * 2
    assert parsed.title == "Senator Okafor: Remarks at the Harbour Forum"


def test_long_first_mentions_are_labels_and_keep_the_role():
    parsed = parse_text(
        "Forum on Regional Security\n\n"
        "Research Director of the Institute for Regional Studies, moderator Pavel Orlov: Good "
        "morning. Let us begin.\n\n"
        "MARGARET HOLLIS, President of the Atlantic Policy Forum: Thank you, Pavel.\n\n"
        "Pavel Orlov: Ms Hollis, what do you make of the summit?\n\n"
        "HOLLIS: It was a missed chance.\n\n"
        "Deputy Director of the Baltic Ports Authority (BPA) Ilse Kalnina: May I add something?\n\n"
        "Pavel Orlov: Please.\n\nIlse Kalnina: The ports were ready.\n\nHOLLIS: They were.\n"
    )
    assert labels(parsed) == [
        "Research Director of the Institute for Regional Studies, moderator Pavel Orlov",
        "MARGARET HOLLIS, President of the Atlantic Policy Forum",
        "Pavel Orlov",
        "HOLLIS",
        "Deputy Director of the Baltic Ports Authority (BPA) Ilse Kalnina",
        "Pavel Orlov",
        "Ilse Kalnina",
        "HOLLIS",
    ]
    assert parsed.turns[0].text == "Good morning. Let us begin."
    assert parsed.turns[0].kind == "speech"


def test_a_long_line_ending_in_a_colon_is_still_prose_when_no_one_answers_to_it():
    parsed = parse_text(
        "MODERATOR: Welcome.\n\nMINISTER HALL: Thank you.\n\n"
        "The list of the projects that the committee approved in the spring session: roads and "
        "ports.\n\nQUESTION: Which ports?\n"
    )
    assert labels(parsed) == ["MODERATOR", "MINISTER HALL", "QUESTION"]
    assert parsed.turns[1].paragraphs[1].startswith("The list of the projects")


def test_follow_up_remark_and_reply_are_labels_once_questions_are_labelled():
    parsed = parse_text(
        "Q: Will the minister travel to Geneva?\n\nA: Yes, next week.\n\n"
        "Follow-up: With whom will she meet?\n\nA: With her counterparts.\n\n"
        "Q: And the budget?\n\nA: It was approved.\n\nRemark: Thank you.\n"
    )
    assert labels(parsed) == ["Q", "A", "Follow-up", "A", "Q", "A", "Remark"]
    assert parsed.turns[2].text == "With whom will she meet?"
    named = parse_text(
        "Question: How many hectares do you farm?\n\nTomas Berg: About a thousand.\n\n"
        "Reply: 1,074 hectares, to be exact.\n\nTomas Berg: Yes, 1,074.\n"
    )
    assert labels(named) == ["Question", "Tomas Berg", "Reply", "Tomas Berg"]
    assert named.turns[2].text == "1,074 hectares, to be exact."


def test_a_known_label_after_the_end_of_a_sentence_starts_a_turn():
    parsed = parse_text(
        "Meeting with students\n\nDmitry Sokolov: Good afternoon. Please ask.\n\n"
        "Question: What about the port deal?\n\n"
        "Dmitry Sokolov: You asked me that already. Question: No, I asked about the other deal. "
        "Have you spoken to its partners?\n\n"
        "Dmitry Sokolov: Not yet. Germany: 4 percent, France: 3 percent. That is all.\n"
    )
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("Dmitry Sokolov", "Good afternoon. Please ask."),
        ("Question", "What about the port deal?"),
        ("Dmitry Sokolov", "You asked me that already."),
        ("Question", "No, I asked about the other deal. Have you spoken to its partners?"),
        ("Dmitry Sokolov", "Not yet. Germany: 4 percent, France: 3 percent. That is all."),
    ]


def test_a_chinese_label_inside_a_paragraph_starts_a_turn():
    parsed = parse_text("问：中方有何评论？\n\n答：我们注意到了。问：还有吗？\n\n答：没有了。\n")
    assert [(t.label, t.text) for t in parsed.turns] == [
        ("问", "中方有何评论？"),
        ("答", "我们注意到了。"),
        ("问", "还有吗？"),
        ("答", "没有了。"),
    ]


def test_a_caps_label_before_a_stammer_is_not_a_heading():
    parsed = parse_text(
        "MS. RIVERA: Go ahead.\n\nQ So, if the experts say two a week —\n\n"
        "MS. RIVERA: I — I —\n\nQ — is that the policy?\n"
    )
    assert labels(parsed) == ["MS. RIVERA", "Q", "MS. RIVERA", "Q"]
    assert parsed.turns[2].text == "I — I —"


def test_a_pasted_hover_card_leaves_the_label_and_the_text():
    parsed = parse_text(
        "Press statements\n\n"
        "President of Ruritania Anton Weiss     Weiss AntonPresident of the Republic of Ruritania "
        " (retranslated): Thank you, President Berg     Berg TomasPresident of the Commonwealth , "
        "for the talks on the Northern Corridor   Background information Northern Corridor (NC)"
        "   .\n\n"
        "Question: And the ports?\n\nAnton Weiss: They will open.\n"
    )
    assert labels(parsed) == ["President of Ruritania Anton Weiss", "Question", "Anton Weiss"]
    assert parsed.turns[0].text == (
        "(retranslated) Thank you, President Berg, for the talks on the Northern Corridor."
    )


def test_congressional_record_labels_with_a_full_stop():
    parsed = parse_text(
        "Mr. DALTON. Madam Chair, I thank the committee.\n\n"
        "The CHAIRWOMAN. Thank you. Ms. Varga.\n\n"
        "Ms. VARGA. Who signed the reports?\n\nMr. DALTON. The regional office did.\n\n"
        "NATO. The alliance stands with us. NATO. It always has.\n"
    )
    assert labels(parsed) == ["Mr. DALTON", "The CHAIRWOMAN", "Ms. VARGA", "Mr. DALTON"]
    assert (
        parsed.turns[-1].paragraphs[-1] == "NATO. The alliance stands with us. NATO. It always has."
    )


def test_sentences_apart_by_a_wide_space_are_not_a_hover_card():
    parsed = parse_text(
        "MS. RIVERA:\u00a0 The investigation is run by the Nordby authorities.\u00a0\u00a0 "
        "The Nordby Police Department is working with the FBI.\u00a0 So we will assist.\n\n"
        "Q\u00a0\u00a0\u00a0 Go ahead.\u00a0\u00a0 Go ahead. Thanks.\n"
    )
    assert [t.text for t in parsed.turns] == [
        "The investigation is run by the Nordby authorities. The Nordby Police Department is "
        "working with the FBI. So we will assist.",
        "Go ahead. Go ahead. Thanks.",
    ]
