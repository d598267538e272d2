"""Speaker label helpers: keys, anonymous roles, display names and grouping."""

import pytest

from archive.ingest.labels import (
    LabelParts,
    display_name,
    group_labels,
    is_anonymous,
    is_answer_placeholder,
    label_key,
    names_office_holder,
    split_label,
)


@pytest.fixture(autouse=True)
def search_index():
    """Override the project's autouse search-index fixture: labels need no Django."""
    yield None


def test_label_key_unifies_spelling_variants():
    assert label_key("MR. SULLIVAN") == label_key("MR SULLIVAN") == "mr sullivan"
    assert label_key("  Mr.\u00a0Sullivan: ") == "mr sullivan"
    assert label_key("PRIME MINISTER KISHIDA (As interpreted)") == "prime minister kishida"
    assert label_key("PRESIDENT LÓPEZ OBRADOR") == "president lópez obrador"  # accents kept
    assert label_key("Q.") == "q"


@pytest.mark.parametrize(
    "label",
    ["QUESTION", "Q", "Question", "REPORTER", "JOURNALIST", "PARTICIPANT", "PARTICIPANT 2",
     "AUDIENCE MEMBER", "问", "记者", "Frage", "Pregunta", "Вопрос", "Journalist", "法新社记者",
     "BBC correspondent", "Speaker 1"],
)  # fmt: skip
def test_anonymous_labels(label):
    assert is_anonymous(label)


@pytest.mark.parametrize("label", ["SECRETARY BLINKEN", "MODERATOR", "Vladimir Putin", "A"])
def test_named_labels_are_not_anonymous(label):
    assert not is_anonymous(label)


def test_answer_placeholders():
    assert all(is_answer_placeholder(x) for x in ["A", "ANSWER", "答", "Answer:"])
    assert not is_answer_placeholder("SECRETARY BLINKEN")
    assert not is_answer_placeholder("Q")


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("SECRETARY BLINKEN", LabelParts("Secretary", "Blinken", None)),
        ("PRIME MINISTER KISHIDA", LabelParts("Prime Minister", "Kishida", None)),
        ("MR. PRICE", LabelParts(None, "Price", "Mr.")),
        ("MR PRICE", LabelParts(None, "Price", "Mr.")),
        ("MS. JEAN-PIERRE", LabelParts(None, "Jean-Pierre", "Ms.")),
        ("President of Russia Vladimir Putin", LabelParts("President of Russia", "Vladimir Putin", None)),
        ("SENIOR ADMINISTRATION OFFICIAL", LabelParts("Senior Administration Official", "", None)),
        ("PRESIDENT LÓPEZ OBRADOR", LabelParts("President", "López Obrador", None)),
        ("Vladimir Putin", LabelParts(None, "Vladimir Putin", None)),
        ("SECRETARY OF STATE BLINKEN", LabelParts("Secretary of State", "Blinken", None)),
        ("Minister for Foreign Affairs Penny Wong", LabelParts("Minister for Foreign Affairs", "Penny Wong", None)),
        ("Foreign Ministry Spokesperson Wang Wenbin", LabelParts("Foreign Ministry Spokesperson", "Wang Wenbin", None)),
        ("Federal Chancellor of Germany Olaf Scholz (retranslated)", LabelParts("Federal Chancellor of Germany", "Olaf Scholz", None)),
        ("NATO Secretary General Jens Stoltenberg", LabelParts("NATO Secretary General", "Jens Stoltenberg", None)),
        ("JANE DOE, FINANCIAL TIMES", LabelParts("Financial Times", "Jane Doe", None)),
        ("Official Spokesperson, Shri Arindam Bagchi", LabelParts("Official Spokesperson", "Arindam Bagchi", "Shri")),
        ("Shri Arindam Bagchi, Official Spokesperson", LabelParts("Official Spokesperson", "Arindam Bagchi", "Shri")),
    ],
)  # fmt: skip
def test_split_label(label, parts):
    assert split_label(label) == parts


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("SECRETARY BLINKEN", "Secretary Blinken"),
        ("MR. PRICE", "Mr. Price"),
        ("President of Russia Vladimir Putin", "Vladimir Putin"),
        ("SENIOR ADMINISTRATION OFFICIAL", "Senior Administration Official"),
        ("PRIME MINISTER KISHIDA", "Prime Minister Kishida"),
        ("PRESIDENT LÓPEZ OBRADOR", "President López Obrador"),
        ("MS. JEAN-PIERRE", "Ms. Jean-Pierre"),
        ("Q", "Question"),
        ("QUESTION", "Question"),
        ("汪文斌", "汪文斌"),
        ("Federal Chancellor of Germany Olaf Scholz (retranslated)", "Olaf Scholz"),
        ("JANE DOE, FINANCIAL TIMES", "Jane Doe"),
        ("Official Spokesperson, Shri Arindam Bagchi", "Shri Arindam Bagchi"),
        ("R", "Answer"),
    ],
)
def test_display_name(label, name):
    assert display_name(label) == name


def test_group_labels_follows_names_that_shorten_later():
    labels = [
        "President of Russia Vladimir Putin", "Question", "Vladimir Putin", "Question", "Putin",
        "Federal Chancellor of Germany Olaf Scholz", "Olaf Scholz",
    ]  # fmt: skip
    grouped = group_labels(labels)
    putin = "President of Russia Vladimir Putin"
    assert grouped["Vladimir Putin"] == grouped["Putin"] == grouped[putin] == putin
    assert grouped["Olaf Scholz"] == "Federal Chancellor of Germany Olaf Scholz"
    assert grouped["Question"] == "Question"
    assert set(grouped) == set(labels)


def test_group_labels_joins_an_office_and_a_name_in_either_order():
    grouped = group_labels(
        [
            "Shri Arindam Bagchi, Official Spokesperson",
            "Official Spokesperson, Shri Arindam Bagchi",
            "Official Spokesperson, Shri Arindam Bagchi",
            "Question",
        ]
    )
    spokesperson = "Official Spokesperson, Shri Arindam Bagchi"
    assert grouped["Shri Arindam Bagchi, Official Spokesperson"] == spokesperson


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Foreign Minister Wang Yi", True),
        ("Secretary Blinken", True),
        ("Dr. Tedros", True),
        ("Shri Arindam Bagchi, Official Spokesperson", True),
        ("Vladimir Putin", False),
        ("Mr. President", False),
        ("General Assembly", False),
        ("Secretary Blinken's", False),
    ],
)
def test_names_office_holder(label, expected):
    assert names_office_holder(label) is expected


def test_group_labels_unifies_spelling_variants():
    grouped = group_labels(["MR. SULLIVAN", "Q", "MR. SULLIVAN", "MR SULLIVAN", "Q"])
    assert grouped == {"MR. SULLIVAN": "MR. SULLIVAN", "MR SULLIVAN": "MR. SULLIVAN", "Q": "Q"}


def test_group_labels_never_merges_different_people():
    grouped = group_labels(["PRESIDENT BIDEN", "PRESIDENT MACRON", "Q", "MS. JEAN-PIERRE"])
    assert grouped == {label: label for label in grouped}
    # "Kim" could be either Kim: left alone.
    grouped = group_labels(["Minister Sara Kim", "Ambassador Lee Kim", "Kim"])
    assert grouped["Kim"] == "Kim"
    # A title does not merge into a different title, nor an honorific into a title.
    grouped = group_labels(
        ["VICE PRESIDENT HARRIS", "PRESIDENT HARRIS", "DR. BIDEN", "PRESIDENT BIDEN"]
    )
    assert grouped == {label: label for label in grouped}


def test_group_labels_keeps_anonymous_labels_apart():
    grouped = group_labels(["QUESTION", "Question", "Q", "PARTICIPANT 1", "PARTICIPANT 2"])
    assert grouped == {label: label for label in grouped}
