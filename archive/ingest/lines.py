"""Step 1 of parsing: split a text into lines and say what each line is, looking at it alone.

``split_lines`` makes every kind of space plain and drops the text of pop-up cards a pasted page
keeps ("Mr Erdogan     Erdogan Recep TayyipPresident of Turkey , ..."). ``classify`` then marks
each line: blank, a time stamp or "END", raw HTML, a speaker label ("SECRETARY BLINKEN:", "Q
Thank you", "问："), a *candidate* label, or text. Candidates (mixed-case "Vladimir Putin:", long
first mentions, "A." answers, "THE PRESIDENT.", "Mr. DALTON.", machine segments) are decided by
``label_acceptance.accept_labels``, which looks at the whole document, so that prose such as
"Germany: we ..." or "the answer is this:" is never taken for a speaker. A candidate is *weak*
when the words after its colon could continue prose ("Anna: 45 seconds"): a label only where
the same label is accepted elsewhere.

The patterns and word lists that tell a label from prose on a single line live here too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from archive.ingest.event_kinds import guess_kind
from archive.ingest.machine import is_signal_line, segment_label
from archive.ingest.sources import SourceRule

__all__ = [
    "CJK",
    "CONNECTORS",
    "PARENTHETICAL",
    "STAMP",
    "TIME",
    "WORDS",
    "Line",
    "classify",
    "is_heading",
    "indents",
    "split_lines",
    "squash",
]

# --------------------------------------------------------------------------------------------
# Text normalisation

# Non-breaking and typographic spaces become plain spaces; zero-width characters go away.
# (Two regexes rather than str.translate: translate with a table is slow on a 5 MB text.)
_ODD_SPACES = re.compile(
    "[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000\t\f\v]"
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def split_lines(text: str) -> list[str]:
    """Lines with every kind of space made plain and outer spaces removed; index = line - 1."""
    text = _INVISIBLE.sub("", _ODD_SPACES.sub(" ", _NEWLINES.sub("\n", text)))
    lines = [line.strip() for line in text.split("\n")]
    if "   " in text:
        lines = [drop_hover_cards(line) if "   " in line else line for line in lines]
    return lines


# A pasted page keeps the text of the cards that pop up over a name or a term, after a run of
# spaces: "Mr Erdogan     Erdogan Recep TayyipPresident of Turkey , ..." or "the SCO   Background
# information Shanghai Cooperation Organisation (SCO)   and ...". The card runs to the next run of
# spaces or a space before punctuation, and repeats a word said just before it.
_CARD = re.compile(r"(?<=\S) {3,}(?P<card>\S.*?)(?: +(?P<punct>[,.:;)])| {2,}|$)")


def _fold(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word.casefold()) if ch.isalnum())


def drop_hover_cards(line: str) -> str:
    out, position = [], 0
    for m in _CARD.finditer(line):
        if line[: m.start()].endswith((".", "?", "!", ":", ";")) or m["card"].endswith(
            (".", "?", "!")
        ):
            continue  # sentences apart by a wide space ("... days.   So here, again, ...")
        # The card repeats a name or term said just before it: a capitalised word.
        before = {_fold(w) for w in line[position : m.start()].split()[-3:] if w[:1].isupper()}
        card_words = {_fold(w) for w in m["card"].split()}
        if not (before - {""}) & card_words:
            continue
        out.append(line[position : m.start()])
        out.append(m["punct"] or " ")
        position = m.end()
    if not out:
        return line
    out.append(line[position:])
    return squash("".join(out))


def indents(text: str) -> list[int]:
    """How far each line of ``split_lines(text)`` was indented (tabs count as four spaces)."""
    text = _NEWLINES.sub("\n", text)
    return [
        len(line) - len(line.lstrip()) + 3 * line[: len(line) - len(line.lstrip())].count("\t")
        for line in text.split("\n")
    ]


def squash(text: str) -> str:
    return " ".join(text.split())  # as re.sub(r"\s+", " ", text).strip(), several times faster


# Runs of letters: the words of a date line, or of a sample whose language is guessed.
WORDS = re.compile(r"[^\W\d_]+")


# --------------------------------------------------------------------------------------------
# Line classification

TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?\s*[Mm]\.?)?(?:\s+\(?[A-Z]{2,5}\)?)?"
# A time alone ("2:14 p.m. EST", "[00:12:31]" from a video transcript) or an end marker.
STAMP = re.compile(
    rf"^[*_\s]*(?:[(\[]?{TIME}[)\]]?|END\.?(?:\s+{TIME})?|ENDS?\.?|(?i:\(ends?\.?\))|-+\s*END\s*-+|#\s*#\s*#|###)[*_\s]*$"
)
# "[00:12:31] He will brief ..." : the time stamp of a video transcript goes, the words stay.
_LEADING_STAMP = re.compile(r"^[(\[]\d{1,2}:\d{2}(?::\d{2})?[)\]]\s+(?=\S)")
_HTML_ONLY = re.compile(r"^(?:<[^>]*>\s*)+$")

# "Q    Thank you", "Q\u00a0 Thank you" (already a space), "Q: ...", a lone "Q", "Q (Inaudible.)",
# "Q. Mr. President" (older US transcripts), "Q - Quelle est ..." (French ministry), and the
# Spanish "P.- ¿Y el gas?" (pregunta, only with the dash).
# A single space must be followed by something that cannot continue a sentence ("Q and A").
_DASH = r"\.?\s*[-–—]+\s*(?=[^\s\-–—a-z\d])"
_Q_LINE = re.compile(
    rf"^(?P<label>Q|P(?={_DASH}))(?:\s*:\s*|(?P<dot>\.)(?:\s+(?=[^\sa-z])|$)|(?P<dash>{_DASH})"
    r"|\s{2,}|\s(?=[^\sa-z])|$)(?P<rest>.*)$"
)
# The matching answer: "A. Same answer." or "R - La France ...". "A. Smith said" is prose, so
# these are only candidates, accepted when the text also has "Q." or "Q -" questions.
_ANSWER_LINE = re.compile(
    rf"^(?P<label>[AR])(?:(?P<dot>\.)(?:\s+(?=[^\sa-z])|$)|(?P<dash>{_DASH}))(?P<rest>.*)$"
)
_COLON_LABEL = re.compile(
    r"^(?P<label>[^:：()\[\]]{1,80}?)\s*(?P<note>[(\[][^()\[\]]{1,60}[)\]])?\s*[:：]\s*(?P<rest>.*)$"
)
# "**MR. PRICE:** Thanks" (markdown copied from a page) is read as "MR. PRICE: Thanks".
_EMPHASIS = re.compile(r"^(\*\*|__)([^*_]{1,80}?)(?:([:：])\s*\1|\1\s*([:：]))")
_CAPS_LABEL = re.compile(r"[^\W\d_][\w.'’\- &/]*")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Characters that make a short CJK phrase before "：" prose ("他说：") rather than a name.
_CJK_PROSE = set("说讲道是的了我你他她它们这那和在有就也都而请")
# ... and endings that introduce a quotation ("习近平主席强调：").
_CJK_PROSE_ENDINGS = (
    "强调",
    "表示",
    "指出",
    "认为",
    "宣布",
    "称",
    "介绍",
    "透露",
    "提到",
    "回答",
    "强調",
)
# Role words ("记者", "发言人", "報道官"), set aside before looking for prose characters.
_CJK_ROLE_WORDS = re.compile(
    r"记者|記者|发言人|發言人|主持人|报道官|報道官|翻译|通訳|司会|대변인|기자"
)
CONNECTORS = {
    "of", "the", "for", "and", "on", "de", "del", "della", "der", "den", "van", "von", "da", "di",
    "du", "des", "la", "le", "el", "al", "bin", "ibn", "y", "e", "zu", "dos", "das",
}  # fmt: skip
# First words of sentences that end in a colon ("So the question is:", "Here's how:").
_PROSE_STARTS = {
    "i", "i'm", "i’m", "we", "you", "he", "she", "it", "they", "the", "a", "an", "so", "and", "but",
    "or", "if", "then", "this", "that", "these", "those", "here", "here's", "here’s", "there",
    "to", "let", "let's", "let’s", "look", "now", "well", "first", "second", "third", "fourth",
    "finally", "last", "lastly", "next", "note", "also", "again", "yes", "no", "ok", "okay",
    "today", "tonight", "yesterday", "tomorrow", "in", "on", "at", "for", "with", "as", "from",
    "by", "about", "what", "why", "how", "when", "where", "who", "which", "our", "my", "your",
    "his", "her", "their", "its", "one", "two", "three", "all", "some", "many", "each", "every",
    "please", "thank", "thanks", "just", "quick", "another", "other", "more", "update",
    "example", "remember", "listen", "bottom", "point",
}  # fmt: skip
# Words that open an address, never a speaker label ("Mr. President, Distinguished Delegates:").
_VOCATIVES = {
    "excellencies", "excellency", "delegates", "colleagues", "friends", "ladies", "gentlemen",
    "distinguished", "dear", "members", "guests", "everyone", "everybody", "folks",
}  # fmt: skip
# A line that is all one parenthesis: a stage direction ("(Laughter.)") or a note.
PARENTHETICAL = re.compile(r"^[(\[].*[)\]]$")


@dataclass(slots=True)
class Line:
    number: int  # 1-based line number in the decoded input
    text: str
    kind: str = "text"  # "blank" | "stamp" | "html" | "label" | "candidate" | "text"
    label: str = ""
    rest: str = ""
    style: str = ""  # "q", "answer", "caps", "caps-dot", "mixed", "cjk", "long", "machine"
    convention: str = ""  # "dot" for "Q." / "A.", "dash" for "Q -" / "R -"
    indent: int = 0  # leading spaces in the input (paragraphs of a hard-wrapped text)
    # A candidate whose words after the colon could be prose ("Germany: we ...", "Anna: 45
    # seconds"): a label only where the same label is accepted elsewhere on its own merits.
    weak: bool = False


def _is_caps_label(label: str) -> bool:
    """ "SECRETARY BLINKEN", "MS. JEAN-PIERRE", "JANE DOE, FINANCIAL TIMES" (name, outlet)."""
    if "," in label:
        name, _, outlet = label.partition(",")
        outlet = outlet.strip()
        return (
            len(name.split()) <= 5
            and 1 <= len(outlet.split()) <= 5
            and not any(ch.isdigit() for ch in outlet)
            and _is_caps_label(name.strip())
            and _is_caps_label(outlet)
        )
    if len(label) > 60 or len(label.split()) > 8 or not _CAPS_LABEL.fullmatch(label):
        return False
    return label == label.upper() and label != label.lower()


def _looks_like_name(label: str) -> bool:
    """'Vladimir Putin', 'President of Russia Vladimir Putin', 'Question'; not 'So the answer is'.

    One comma may separate a name and an office ("Shri Arindam Bagchi, Official Spokesperson").
    """
    if label.count(",") == 1:
        first, second = (part.strip() for part in label.split(","))
        return _looks_like_name(first) and _looks_like_name(second)
    words = label.split()
    if not 1 <= len(words) <= 6 or len(label) > 60:
        return False
    if any(ch in label for ch in ',;!?"“”«»') or words[0].casefold() in _PROSE_STARTS:
        return False
    if words[-1].casefold() in CONNECTORS:
        return False
    for word in words:
        if word.casefold() in CONNECTORS:
            continue
        if word.casefold() in _VOCATIVES:
            return False
        core = word.lstrip("'‘’\"")
        if core[:1].islower() and "-" in core:  # "al-Sudani", "bin-Zayed"
            core = core.rsplit("-", 1)[-1]
        first = core[:1]
        if not first or not (first.isupper() or first.isdigit()):
            return False
    return words[0][:1].isupper()


def _looks_like_cjk_label(label: str) -> bool:
    compact = label.replace(" ", "")
    if not 1 <= len(compact) <= 15 or not CJK.search(compact):
        return False
    core = _CJK_ROLE_WORDS.sub("", compact)  # "報道官" is a role, though "道" may be prose
    if any(ch in _CJK_PROSE for ch in core) or core.endswith(_CJK_PROSE_ENDINGS):
        return False
    return all(CJK.match(ch) or ch in "·・•" for ch in compact)


def is_heading(text: str) -> bool:
    """ "Remarks at the OSCE Ministerial": title-cased words and no sentence punctuation."""
    if text.rstrip().endswith((".", "?", "!", "…", ":", ",", ";")):
        return False
    words = [w for w in text.split() if w[:1].isalpha() and w.casefold() not in CONNECTORS]
    if len(words) < 2:
        return False
    return sum(1 for w in words if w[:1].isupper()) / len(words) >= 0.75


def classify(lines: list[str], rule: SourceRule) -> list[Line]:
    out: list[Line] = []
    since_segment = 9  # lines since a machine segment's label: its signal lines follow it
    for number, text in enumerate(lines, start=1):
        if text[:1] in "[(":
            text = _LEADING_STAMP.sub("", text)
        line = Line(number, text)
        out.append(line)
        since_segment += 1 if text else 0
        if not text:
            line.kind = "blank"
        elif STAMP.match(text):
            line.kind = "stamp"
        elif since_segment <= 2 and is_signal_line(text):
            line.kind = "stamp"  # "No Signal (0.412)" under a transcription service's segment
        elif text[-1] in "0123456789)]" and (found := _machine_label(text)) is not None:
            line.kind, line.style, line.label = "candidate", "machine", found
            since_segment = 0
        elif text[0] == "<" and _HTML_ONLY.match(text):
            line.kind = "html"
        elif (m := _Q_LINE.match(text)) is not None:
            line.kind, line.label, line.rest, line.style = "label", m["label"], m["rest"], "q"
            line.convention = "dot" if m["dot"] else "dash" if m["dash"] else ""
        elif (m := _ANSWER_LINE.match(text)) is not None:
            line.kind, line.label, line.rest, line.style = (
                "candidate",
                m["label"],
                m["rest"],
                "answer",
            )
            line.convention = "dot" if m["dot"] else "dash"
        elif (m := _COLON_LABEL.match(_unemphasised(text))) is not None:
            _classify_colon_line(line, m, rule)
        elif (caps := _caps_dot_label(text)) is not None and not rule.is_non_speaker(caps[0]):
            line.kind, line.style, line.convention = "candidate", "caps-dot", "dot"
            line.label, line.rest = caps
        if line.kind == "text" and (long := _long_label(text)) is not None:
            line.kind, line.style = "candidate", "long"
            line.label, line.rest = long
            line.weak = not _may_follow_a_name(line.rest)
    return out


# A long first mention: "Research Director of the Institute for Regional Studies (IRS), moderator
# Pavel Orlov:" (up to 160 characters, brackets allowed).
_LONG_LABEL = re.compile(r"^(?P<label>[^:：?!;\"“”«»]{20,160}?)\s*[:：]\s*(?P<rest>.*)$")
_TRAILING_NOTE = re.compile(r"\s*(?P<note>[(\[][^()\[\]]{1,60}[)\]])$")
_SENTENCE_INSIDE = re.compile(r"\b[^\W\d_A-Z][^\W\d_]{2,}[.]\s|[.]\s+[^\W\d_A-Z]")
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’\-]*\.?$")


def _long_label(text: str) -> tuple[str, str] | None:
    """(label, rest) for a long label that names a speaker with an office or a role, the name
    first (before a comma) or last; ``label_acceptance`` decides, from the other labels."""
    m = _LONG_LABEL.match(_unemphasised(text))
    if m is None:
        return None
    label, rest = squash(m["label"]), m["rest"]
    if (note := _TRAILING_NOTE.search(label)) is not None:
        label, rest = label[: note.start()].rstrip(), f"{note['note']} {rest}".strip()
    words = label.replace(",", " ").split()
    if not 3 <= len(words) <= 24 or not label[:1].isupper() or _SENTENCE_INSIDE.search(label):
        return None
    if words[0].casefold() in _PROSE_STARTS or any(w.casefold() in _VOCATIVES for w in words):
        return None
    content = [w for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()]
    if sum(1 for w in content if w[:1].isupper()) < len(content) / 2:
        return None
    head, _, office = label.partition(",")
    if office and 2 <= len(head.split()) <= 4 and office.strip()[:1].isupper():
        name = head.split()  # "MARGARET HOLLIS, President of the Atlantic Policy Forum"
    else:
        name = words[-2:]  # "Research Director of the Institute, moderator Pavel Orlov"
    if not all(_NAME_WORD.match(w) and w[:1].isupper() for w in name):
        return None
    return label, rest


def _machine_label(text: str) -> str | None:
    """The speaker of "Jane Porter 00:00:01-00:00:09 (8 sec)" or "Jane Porter  0:12"."""
    found = segment_label(text)
    if found is None:
        return None
    name = found[0]
    if not name or ":" in name or re.search(r"[.!?…]\s", name):
        return None  # "MODERATOR: Yes. Meeting of the Board 14:00" is a label and its words
    if _service_role(name) or _looks_like_name(name) or _is_caps_label(name):
        return name
    return None


def _service_role(name: str) -> bool:
    """ "Speaker 1", "Unknown Speaker", "Note": names a transcription service gives."""
    return bool(_SERVICE_ROLE.fullmatch(name))


_SERVICE_ROLE = re.compile(r"(?:unknown |unidentified )?(?:speaker|note|notes)(?: ?\d+)?", re.I)


def _unemphasised(text: str) -> str:
    if text[0] not in "*_":
        return text
    return _EMPHASIS.sub(lambda m: m[2] + (m[3] or m[4]), text)


# The Congressional Record's "Mr. DALTON.", "Ms. VARGA of Ohio.", "The CHAIRWOMAN.", "The SPEAKER
# pro tempore.": an honorific, then the name in capitals, then a full stop.
_RECORD_LABEL = re.compile(
    r"^(?P<label>(?:(?:Mr|Ms|Mrs|Miss|Dr)\.|The)\s+[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-]+)?"
    r"(?:\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|\s+pro\s+tempore)?)\.\s+(?P<rest>\S.*)$"
)


def _caps_dot_label(text: str) -> tuple[str, str] | None:
    """("THE PRESIDENT", "No, ...") for "THE PRESIDENT. No, ..."; "MR. PRICE. Good" and
    "Mr. DALTON. Madam Chair, ..." too."""
    if (m := _RECORD_LABEL.match(text)) is not None:
        return m["label"], m["rest"]
    words = text.split(" ", 8)
    label_end = 0
    for i, word in enumerate(words[:-1]):
        if not (word == word.upper() and word != word.lower()):
            break
        if word.endswith(".") and len(word.rstrip(".")) > 1:
            label_end = i + 1
    if not label_end:
        return None
    label = " ".join(words[:label_end])[:-1]
    rest = " ".join(words[label_end:])
    first = rest.split(" ", 1)[0]
    if first == first.upper() or not _is_caps_label(label):
        return None  # an all-caps sentence or heading, not a label
    return label, rest


def _classify_colon_line(line: Line, m: re.Match[str], rule: SourceRule) -> None:
    label, rest = squash(m["label"]), m["rest"]
    if rest[:1] in "[(":
        rest = _LEADING_STAMP.sub("", rest)
    note = m["note"]
    machine = False
    if note and STAMP.match(note):
        note, machine = None, True  # "Speaker 1 (00:12:31):": the time goes
    if rest and STAMP.match(rest):
        rest, machine = "", True  # "Jane Porter: (00:12)"
    if note:
        # "Emmanuel Macron (retranslated): ..." -> the note opens the turn's text.
        rest = f"{note} {rest}".strip()
    if not label or rule.is_non_speaker(label):
        return
    if _is_caps_label(label):
        line.kind, line.style = "label", "caps"
        # "LABEL: ALL CAPS HEADLINE" and "CORRECTED: Remarks by the President" are headings; a
        # label only where the same label opens turns elsewhere.
        shouting = (
            rest == rest.upper()
            and rest != rest.lower()
            and sum(1 for w in rest.split() if sum(ch.isalpha() for ch in w) >= 2) > 3
        )
        if shouting or (is_heading(rest) and (guess_kind(rest) or guess_kind(label))):
            line.kind, line.weak = "candidate", True
    elif _looks_like_cjk_label(label):
        line.kind, line.style = "candidate", "cjk"
    elif _looks_like_name(label):
        line.kind, line.style = "candidate", "mixed"
        line.weak = not _may_follow_a_name(rest)
    if line.kind != "text":
        line.label, line.rest = label, rest
        if machine and line.kind == "candidate":
            line.style, line.weak = "machine", False


def _may_follow_a_name(rest: str) -> bool:
    """Could ``rest`` be somebody's words after "Name:"? Not when it continues a sentence
    ("Germany: we will ..."), lists a figure ("Russia: 12 deaths") or is a heading
    ("Secretary Blinken: Interview With Reuters")."""
    first = rest[:1]
    return not ((first.isalpha() and first.islower()) or first.isdigit() or is_heading(rest))
