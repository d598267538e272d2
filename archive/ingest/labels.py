"""Pure helpers for speaker labels as printed in transcripts ("SECRETARY BLINKEN", "Q", "问").

Used by the parser (is a label a role word?) and by the loader (which person does a label name,
how should a new speaker be displayed, which labels of one transcript are the same person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "LabelParts",
    "display_name",
    "group_labels",
    "is_anonymous",
    "is_answer_placeholder",
    "is_office",
    "label_key",
    "names_office_holder",
    "split_label",
]

_SPACES = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_NUMBERING = re.compile(r"\s*(?:#\s*)?(?:\d+|[ivx]+|one|two|three|four|five)$")
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "\u00a0": " ", "\u202f": " ", "：": ":"})

_ANONYMOUS = {
    "q", "question", "questions", "reporter", "reporters", "journalist", "journalists",
    "participant", "participants", "audience member", "audience", "member of the audience",
    "audience question", "questioner", "press", "the press", "media", "correspondent", "caller",
    "unidentified speaker", "unidentified reporter", "unidentified participant", "unknown",
    "unknown speaker", "voice", "voices", "crowd", "student", "attendee",
    "p", "问", "提问", "记者", "媒体", "提问者", "質問", "記者", "질문", "기자",
    "frage", "fragesteller", "journalistin", "reporterin", "pregunta", "periodista",
    "vraag", "domanda", "giornalista", "pergunta", "jornalista", "journaliste",
    "вопрос", "журналист", "корреспондент", "سؤال", "صحفي",
}  # fmt: skip
_ANSWERS = {
    "a", "r", "answer", "答", "回答", "答复", "antwort", "respuesta", "ответ", "réponse", "risposta",
    "resposta", "antwoord", "답변", "جواب",
}  # fmt: skip


def _clean(label: str) -> str:
    """The label without colon or trailing notes ("(As interpreted)"), spaces collapsed."""
    text = _SPACES.sub(" ", label.translate(_TRANSLATE)).strip().rstrip(":").strip()
    while (stripped := _TRAILING_NOTE.sub("", text)) != text and stripped:
        text = stripped
    return text


def label_key(label: str) -> str:
    """Normalised key for alias lookups: "MR. SULLIVAN:" and "Mr Sullivan" give "mr sullivan".

    Casefolded, periods dropped (so "MR." equals "MR"), spaces collapsed, trailing notes such as
    "(As interpreted)" removed. Accents are kept.
    """
    key = _clean(label).casefold().replace(".", " ")
    return _SPACES.sub(" ", key).strip()


def _role_key(label: str) -> str:
    """label_key without numbering: "PARTICIPANT 2" -> "participant"."""
    key = label_key(label)
    return _NUMBERING.sub("", key).strip() or key


# "法新社记者" (an AFP reporter), "BBC correspondent": a reporter named only by the outlet.
_REPORTER_SUFFIXES = ("记者", "記者", "기자")
_REPORTER_NOUNS = {"reporter", "journalist", "correspondent", "questioner"}


def is_anonymous(label: str) -> bool:
    """True for labels that name no one in particular: Q, QUESTION, REPORTER, 问, Frage, ..."""
    key = _role_key(label)
    if key in _ANONYMOUS or key.endswith(_REPORTER_SUFFIXES):
        return True
    if key == "speaker" and label_key(label) != key:
        return True  # "Speaker 1" of a transcription service, not the Speaker of a house
    words = key.split()
    return 1 < len(words) <= 3 and words[-1] in _REPORTER_NOUNS


def is_answer_placeholder(label: str) -> bool:
    """True for "A", "ANSWER", "答" and the like: the answerer is named elsewhere, if at all."""
    return _role_key(label) in _ANSWERS


@dataclass(frozen=True)
class LabelParts:
    title: str | None
    name: str
    honorific: str | None


_HONORIFICS = {
    "mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "dr": "Dr.", "prof": "Prof.",
    "sir": "Sir", "dame": "Dame", "madam": "Madam", "madame": "Madame", "mme": "Mme",
    "herr": "Herr", "frau": "Frau", "sr": "Sr.", "sra": "Sra.", "señor": "Señor",
    "señora": "Señora", "lord": "Lord", "lady": "Lady", "rev": "Rev.", "shri": "Shri",
    "smt": "Smt.", "shrimati": "Shrimati",
}  # fmt: skip
_TITLES = [
    "president", "vice president", "prime minister", "deputy prime minister", "first minister",
    "chancellor", "vice chancellor", "secretary", "secretary of state", "secretary-general",
    "secretary general", "deputy secretary", "deputy secretary of state", "under secretary",
    "assistant secretary", "foreign minister", "minister", "deputy minister", "state councilor",
    "premier", "vice premier", "ambassador", "special envoy", "special representative", "envoy",
    "chairman", "chairwoman", "chair", "governor", "senator", "representative", "congressman",
    "congresswoman", "mayor", "general", "admiral", "lieutenant general", "colonel", "major",
    "captain", "director", "director general", "deputy director", "commissioner",
    "high representative", "spokesperson", "spokesman", "spokeswoman",
    "foreign ministry spokesperson", "press secretary", "deputy press secretary",
    "principal deputy press secretary", "national security advisor", "national security adviser",
    "king", "queen", "prince", "crown prince", "princess", "emir", "sheikh", "sultan", "pope",
    "cardinal", "chief executive", "chief of staff", "leader", "speaker", "judge", "justice",
    "chief justice", "commander", "coordinator", "counselor", "advisor", "adviser",
    "the president", "the vice president", "the first lady", "first lady", "the prime minister",
    "the secretary", "the chancellor", "the king", "the queen",
]  # fmt: skip
_TITLE_WORDS = sorted((t.split() for t in _TITLES), key=len, reverse=True)
# A label ending in one of these is a role without a name ("SENIOR ADMINISTRATION OFFICIAL").
_ROLE_NOUNS = {
    "official", "officials", "moderator", "operator", "interpreter", "translator", "spokesperson",
    "spokesman", "spokeswoman", "participant", "reporter", "journalist", "question", "answer",
    "staff", "member", "correspondent", "host", "presenter", "aide", "advisor", "adviser",
    "representative", "envoy", "negotiator", "delegate", "ambassador", "secretary", "president",
    "minister", "director", "chairman", "chair", "speaker", "voice", "narrator", "announcer",
    "interviewer", "audience", "q", "a",
}  # fmt: skip
_SMALL_WORDS = {"of", "the", "for", "and", "on", "in", "to", "at", "de", "del", "von", "van", "der"}
_ACRONYMS = {"us", "u.s.", "uk", "u.k.", "un", "u.n.", "eu", "nato", "osce", "iaea", "who", "asean"}


def _display_word(word: str, position: int) -> str:
    """Title-case an ALL-CAPS word for display; leave mixed-case words as printed."""
    if word != word.upper() or word == word.lower() or len(word) == 1:
        return word
    lower = word.casefold()
    if lower in _ACRONYMS or re.fullmatch(r"(?:\w\.)+", word):
        return word
    if position > 0 and lower in _SMALL_WORDS:
        return lower

    def cap(part: str) -> str:
        # "O'BRIEN" -> "O'Brien", "JEAN-PIERRE" -> "Jean-Pierre"
        return re.sub(r"[^\W\d_]+", lambda m: m[0][:1].upper() + m[0][1:].lower(), part)

    return cap(word)


def _display_words(label: str) -> list[str]:
    return [_display_word(w, i) for i, w in enumerate(_clean(label).split())]


# Words that may come before a title and belong to it: "Federal Chancellor", "NATO Secretary
# General", "Deputy Foreign Minister", "UN High Representative".
_TITLE_PREFIXES = {
    "deputy", "vice", "acting", "federal", "first", "senior", "former", "interim", "chief",
    "principal", "assistant", "executive", "permanent", "special", "official", "state",
    "foreign", "defence", "defense", "nato", "un", "u.n.", "eu", "us", "u.s.", "uk", "g7",
    "g20", "osce", "iaea", "asean", "department", "ministry", "government",
}  # fmt: skip


def _match_title(words: list[str]) -> int:
    """How many leading words form a known title (0 if none), longest match first.

    Up to two known prefix words may come first ("Federal Chancellor", "NATO Secretary General").
    """
    lowered = [w.casefold().rstrip(".,") for w in words]
    for start in range(min(3, len(lowered))):
        if start and lowered[start - 1] not in _TITLE_PREFIXES:
            break
        for title in _TITLE_WORDS:
            if lowered[start : start + len(title)] == title:
                return start + len(title)
    return 0


def split_label(label: str) -> LabelParts:
    """Title, name and honorific of a label, display-cased.

    "SECRETARY BLINKEN" -> ("Secretary", "Blinken", None); "MR. PRICE" -> (None, "Price", "Mr.");
    "President of Russia Vladimir Putin" -> ("President of Russia", "Vladimir Putin", None);
    "SENIOR ADMINISTRATION OFFICIAL" -> ("Senior Administration Official", "", None).
    """
    words = _display_words(label)
    if not words:
        return LabelParts(None, "", None)
    if is_anonymous(label) or is_answer_placeholder(label):
        return LabelParts(" ".join(words), "", None)
    if "," in label:
        return _split_comma_label(label)

    honorific_key = words[0].casefold().rstrip(".")
    if honorific_key in _HONORIFICS and len(words) > 1:
        return LabelParts(None, " ".join(words[1:]), _HONORIFICS[honorific_key])

    n = _match_title(words)
    if n:
        # "President of Russia Vladimir Putin": the office takes "of"/"for" and at least one
        # word, and leaves the last two words (a full name) or the last one for the name.
        if n < len(words) - 1 and words[n].casefold() in ("of", "for"):
            n += 1
            if n < len(words) - 1 and words[n].casefold() == "the":
                n += 1
            n += 1
            while len(words) - n > 2:
                n += 1
        return LabelParts(" ".join(words[:n]), " ".join(words[n:]), None)

    last = _NUMBERING.sub("", " ".join(words).casefold()).split()
    if last and last[-1] in _ROLE_NOUNS:
        return LabelParts(" ".join(words), "", None)
    return LabelParts(None, " ".join(words), None)


def _split_comma_label(label: str) -> LabelParts:
    """ "JANE DOE, FINANCIAL TIMES", "Shri Arindam Bagchi, Official Spokesperson" and
    "Official Spokesperson, Shri Arindam Bagchi": the office or outlet is the title."""
    first, _, second = (part.strip() for part in _clean(label).partition(","))
    if not first or not second:
        return split_label(first or second)
    name_part, other = (
        (second, first) if is_office(first) and not is_office(second) else (first, second)
    )
    inner = split_label(name_part)
    title = " ".join(_display_words(other))
    if inner.title and not inner.name:  # "Official Spokesperson, Director": both offices
        return LabelParts(f"{inner.title}, {title}", "", None)
    return LabelParts(title, inner.name, inner.honorific)


def is_office(text: str) -> bool:
    """True for an office or role without a name: "Department Spokesperson", "Secretary of
    State", "Minister for Foreign Affairs", "NATO Spokesperson"."""
    words = _clean(text).split()
    if not words:
        return False
    last = _NUMBERING.sub("", " ".join(words).casefold()).split() or [""]
    if last[-1].rstrip(".,") in _ROLE_NOUNS:
        return True
    n = _match_title(words)
    if not n or n == len(words):
        return bool(n)
    # "Minister for Foreign Affairs", "Secretary of State"; not "Chancellor of Germany Olaf Scholz"
    rest = [w.casefold() for w in words[n:]]
    if rest[0] not in ("of", "for"):
        return False
    rest = rest[2:] if rest[1:2] == ["the"] else rest[1:]
    return 1 <= len(rest) <= 2


# Words that follow a title in prose but are not a person's name ("General Assembly:").
_NOT_NAMES = {
    "assembly", "council", "committee", "conference", "office", "department", "ministry",
    "agency", "staff", "affairs", "services", "court", "board", "commission", "secretariat",
    "government", "administration", "house", "senate", "congress", "parliament", "election",
    "elections", "debate", "plan", "strategy", "policy", "summit", "meeting", "visit",
}  # fmt: skip


def names_office_holder(label: str) -> bool:
    """True when a label is an office or honorific followed by a capitalised name:
    "Foreign Minister Wang Yi", "Secretary Blinken", "Dr. Tedros", "Shri Arindam Bagchi, Official
    Spokesperson". Such a label names a speaker even if it appears only once."""
    parts = split_label(label)
    if not parts.name or not (parts.title or parts.honorific):
        return False
    words = parts.name.split()
    if len(words) > 4 or _match_title(words) or is_office(parts.name):
        return False  # "Mr. President", "Madam Secretary"
    for word in words:
        if word.casefold() in _NOT_NAMES or word.endswith(("'s", "’s")):
            return False
        if not (word[:1].isupper() or word.casefold() in _SMALL_WORDS):
            return False
    return True


def display_name(label: str) -> str:
    """A readable name for a new speaker: "Secretary Blinken", "Mr. Price", "Vladimir Putin"."""
    key = _role_key(label)
    if key == "q":
        return "Question"
    if key in ("a", "r"):  # "R" is the French "réponse"
        return "Answer"
    parts = split_label(label)
    if parts.honorific:
        return f"{parts.honorific} {parts.name}"
    if parts.name and "," in label:
        return parts.name  # the title or outlet after the comma is not part of the name
    if parts.title and parts.name:
        long_office = re.search(r"\b(?:of|for)\b", parts.title)
        if long_office and len(parts.name.split()) >= 2:
            return parts.name
        return f"{parts.title} {parts.name}"
    return parts.title or parts.name


def _tokens(text: str | None) -> list[str]:
    return label_key(text).split() if text else []


def _may_be_shorter_form(short: LabelParts, long: LabelParts) -> bool:
    """Could ``short`` be a later, shorter label for the person that ``long`` names?"""
    short_name, long_name = _tokens(short.name), _tokens(long.name)
    if not short_name or not long_name or len(short_name) > len(long_name):
        return False
    if long_name[-len(short_name) :] != short_name:
        return False  # the surnames (and any given names) must agree
    if short.honorific:
        return label_key(short.honorific) == label_key(long.honorific or "")
    if short.title:
        if long.honorific:
            return False
        if long.title is None:
            return len(long_name) >= 2  # "PRESIDENT PUTIN" after "Vladimir Putin"
        a, b = label_key(short.title), label_key(long.title)
        return a.startswith(b) or b.startswith(a)
    return True


def _group_key(label: str) -> str:
    """label_key, but "Office, Name" and "Name, Office" give the same key."""
    if "," not in label:
        return label_key(label)
    parts = split_label(label)
    return label_key(" ".join(filter(None, (parts.title, parts.honorific, parts.name))))


def group_labels(labels: list[str]) -> dict[str, str]:
    """Map every label of one transcript to the label that names the same person.

    Shorter later forms map to the fuller one ("Putin" -> "President of Russia Vladimir Putin");
    spelling variants with the same key map to the most used one ("MR SULLIVAN" ->
    "MR. SULLIVAN"). Different surnames are never merged, and a label that could belong to two
    different people is left alone. Anonymous labels map to themselves.
    """
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    result: dict[str, str] = {}
    by_key: dict[str, list[str]] = {}
    for label in counts:
        if is_anonymous(label) or is_answer_placeholder(label) or not label_key(label):
            result[label] = label
        else:
            by_key.setdefault(_group_key(label), []).append(label)

    # One representative per key: the most used spelling, the first on a tie.
    reps = {key: max(variants, key=lambda v: counts[v]) for key, variants in by_key.items()}
    parts = {key: split_label(rep) for key, rep in reps.items()}
    root: dict[str, str] = {}
    ordered = sorted(reps, key=lambda k: len(k.split()), reverse=True)
    for i, key in enumerate(ordered):
        size = len(key.split())
        targets = {
            root[other]
            for other in ordered[:i]
            if len(other.split()) > size and _may_be_shorter_form(parts[key], parts[other])
        }
        root[key] = targets.pop() if len(targets) == 1 else key

    for key, variants in by_key.items():
        for label in variants:
            result[label] = reps[root[key]]
    return {label: result[label] for label in counts}
