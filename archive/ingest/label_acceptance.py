"""Step 2 of parsing: decide which candidate labels of one transcript name a speaker.

``lines.classify`` takes a line for a speaker label when its shape alone is enough ("SECRETARY
BLINKEN:", "Q    Thank you"); other label-like lines are candidates. ``accept_labels`` promotes
the candidates that the whole document vouches for: the label recurs, is a role ("MODERATOR",
"法新社记者"), names an office and a person ("Foreign Minister Wang Yi:"), shares a surname with
an accepted label ("Putin:" after "President of Russia Vladimir Putin:"), is a long first
mention of a name that is a label too ("Research Director of the Institute, moderator Pavel
Orlov:" and "Pavel Orlov:"), is a machine segment of a transcript that has several, follows up
once the transcript has begun ("Follow-up:", "Remark:", "Reply:"), or answers a question of the
same convention ("A." after "Q."). A weak candidate ("Anna Lindqvist: 45 seconds") is a label
where the same label is accepted on its own merits. Every other candidate becomes text again.
Then a list of participants at the top is no turn, and an accepted label that starts a sentence
inside a paragraph starts a turn there (``split_inline_labels``).

``labels.py`` holds the helpers about a single label that the loader uses too (keys, anonymous
roles, offices); this module is the parser's own: it looks at every line of one document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from archive.ingest.furniture import is_footer_heading
from archive.ingest.labels import (
    is_anonymous,
    is_answer_placeholder,
    label_key,
    names_office_holder,
    split_label,
)
from archive.ingest.lines import CONNECTORS, Line, is_heading

__all__ = ["accept_labels", "split_inline_labels"]

# A CJK label ending in a role ("法新社记者", "外交部发言人", "報道官") names a speaker even once;
# a role followed by a short name ("外交部发言人赵立坚") too.
_CJK_ROLE = re.compile(
    r"(?:记者|記者|问|問|答|发言人|發言人|主持人|报道官|報道官|翻译|通訳|司会|대변인|기자)(?:.{0,4})$"
)
# Role words accepted as labels even once; anonymous/answer labels come from labels.py.
_ROLES = {
    "moderator", "interpreter", "translator", "operator", "host", "presenter", "interviewer",
    "chair", "chairman", "chairwoman", "chairperson", "anchor", "narrator", "announcer", "speaker",
    "主持人", "翻译", "司会", "moderador", "moderadora", "intérprete", "dolmetscher", "moderatorin",
    "ведущий", "модератор", "переводчик", "modérateur", "interprète", "modératrice",
}  # fmt: skip


# Roles that follow up on a question or answer it in passing: labels where questions are labelled
# ("Q:", "Question:", "问："), even once or twice.
_FOLLOW_UPS = {
    "follow-up", "follow up", "followup", "follow-up question", "remark", "reply", "response",
    "comment", "interjection", "supplementary question", "additional question", "追问", "插话",
    "реплика", "réplique", "nachfrage", "repregunta",
}  # fmt: skip

_NUMBERED = re.compile(r"\s*(?:#\s*)?\d+$")


def _is_role(label: str) -> bool:
    """Anonymous, answer and role labels ("Speaker 1", "MODERATOR", "法新社记者")."""
    key = _NUMBERED.sub("", label_key(label)) or label_key(label)
    return is_anonymous(label) or is_answer_placeholder(label) or key in _ROLES


@lru_cache(maxsize=4096)
def _surname(label: str) -> str:
    """Last word of the name part ("" for a role such as "SENIOR ADMINISTRATION OFFICIAL")."""
    words = label_key(split_label(label).name).split()
    return words[-1] if words else ""


def _second_chance(ln: Line, surnames: set[str], named_mixed: bool, has_caps: bool) -> bool:
    words = ln.label.split()
    if _surname(ln.label) in surnames:
        return True
    if ln.style != "mixed":
        return False
    if len(words) <= 4 and ln.rest.rstrip().endswith("?") and (named_mixed or has_caps):
        # A one-off outlet or reporter asking a question ("Bloomberg: Will China ...?").
        return True
    # In a "Firstname Lastname:" transcript a speaker who talks once is still a speaker; a
    # label that opens with an office must then name someone ("General Assembly:" does not).
    return (
        named_mixed
        and not has_caps
        and 2 <= len(words) <= 3
        and not any(w.casefold() in CONNECTORS for w in words)
        and (split_label(ln.label).title is None or names_office_holder(ln.label))
        and not is_heading(ln.rest)
    )


def _names_someone(ln: Line) -> bool:
    """A one-off label that names its speaker outright: "Foreign Minister Wang Yi:" (an office
    and a name) or "法新社记者：" (a CJK role). Not a heading ("Secretary Blinken: Remarks to the
    Press"), and not a one-word label."""
    if ln.style == "cjk":
        return bool(_CJK_ROLE.search(ln.label.replace(" ", "")))
    return ln.style == "mixed" and names_office_holder(ln.label) and not is_heading(ln.rest)


def accept_labels(lines: list[Line]) -> None:
    """Promote candidates that the whole document vouches for; then split the paragraphs in
    which an accepted label opens a new sentence ("... already. Question: No, ...")."""
    for ln in lines:
        if ln.kind in ("label", "candidate") and ln.style != "q" and is_footer_heading(ln.label):
            ln.kind = "text"  # "Related News:", "See also:", 附件：
    candidates = [ln for ln in lines if ln.kind == "candidate"]
    counts: dict[str, int] = {}
    for ln in candidates:
        if not ln.weak and ln.style not in ("long", "answer"):
            key = label_key(ln.label)
            counts[key] = counts.get(key, 0) + 1

    machine = sum(1 for ln in candidates if ln.style == "machine")

    def vouched(ln: Line) -> bool:
        if ln.style == "machine" and machine >= 2:
            return True  # "Jane Porter 00:00:01-00:00:09", "Jane Porter (00:12):"
        if ln.weak or ln.style in ("answer", "caps-dot", "long"):
            return False  # decided below, from the labels around them
        if _is_role(ln.label) or _names_someone(ln):
            return True
        n = counts[label_key(ln.label)]
        # A lone capitalised word ("Germany:", "Finally:") needs more evidence than a name.
        return n >= 3 if (ln.style == "mixed" and len(ln.label.split()) == 1) else n >= 2

    for ln in candidates:
        if vouched(ln):
            ln.kind = "label"

    # Second chance for one-off labels: "Putin:" after "President of Russia Vladimir Putin:",
    # and a long first mention ("Research Director of the Institute, moderator Pavel Orlov:")
    # of a name that is a label elsewhere. Repeat until nothing changes: an accepted one-off
    # can vouch for another one.
    changed = True
    while changed:
        changed = False
        accepted = [ln for ln in lines if ln.kind == "label"]
        surnames = {_surname(ln.label) for ln in accepted} - {""}
        names = {tuple(label_key(ln.label).split()) for ln in accepted if ln.style != "long"}
        named_mixed = any(ln.style == "mixed" and not _is_role(ln.label) for ln in accepted)
        has_caps = any(ln.style == "caps" and not _is_role(ln.label) for ln in accepted)
        # A long first mention and a later short one vouch for each other.
        short_names = {
            tuple(label_key(ln.label).split())
            for ln in candidates
            if ln.kind == "candidate" and ln.style == "mixed" and not ln.weak
        }
        long_labels = [ln.label for ln in accepted if ln.style == "long"]
        for ln in candidates:
            if ln.kind != "candidate" or ln.weak or ln.style in ("answer", "caps-dot"):
                continue
            if ln.style == "long":
                accept = _names_a_known_speaker(ln.label, names | short_names) or (
                    named_mixed and not has_caps and _is_office_and_name(ln.label)
                )
            else:
                key = tuple(label_key(ln.label).split())
                accept = _second_chance(ln, surnames, named_mixed, has_caps) or (
                    len(key) >= 2 and any(_names_a_known_speaker(lab, {key}) for lab in long_labels)
                )
            if accept:
                ln.kind = "label"
                changed = True

    _accept_caps_dot(candidates, counts)
    _accept_answers(lines)

    # After the first turn, "Follow-up:", "Remark:", "Reply:" are labels even once; and a label
    # accepted on its own merits is a label wherever it opens a line, whatever follows its colon
    # ("Anna Lindqvist: 45 seconds, Governor.").
    first = next((i for i, ln in enumerate(lines) if ln.kind == "label"), len(lines))
    known = {label_key(ln.label) for ln in lines if ln.kind == "label"}
    for ln in lines[first:]:
        if ln.kind != "candidate":
            continue
        key = label_key(ln.label)
        if key in _FOLLOW_UPS or (ln.weak and key in known):
            ln.kind = "label"
    for ln in candidates:
        if ln.kind == "candidate":
            ln.kind = "text"
    _demote_lists_of_participants(lines)
    split_inline_labels(lines)


def _demote_lists_of_participants(lines: list[Line]) -> None:
    """ "MODERATOR:" or "FEATURING:" over "Anna Berg, Senior Fellow" at the top of an event's
    transcript lists who takes part: a header line, not a turn, when the person listed speaks
    later under a label of their own ("ANNA BERG: Good morning")."""
    names = {label_key(ln.label) for ln in lines if ln.kind == "label"}
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.kind != "label":
            i += 1
            continue
        if ln.rest.strip():
            return  # the first turn with words on its label's line: the transcript has begun
        body = next((x for x in lines[i + 1 :] if x.kind != "blank"), None)
        if body is None or body.kind != "text" or "," not in body.text:
            return
        name = body.text.split(",", 1)[0].strip()
        if not 2 <= len(name.split()) <= 4 or label_key(name) not in names:
            return
        ln.kind = "text"
        i += 1


def _names_a_known_speaker(label: str, names: set[tuple[str, ...]]) -> bool:
    """A long label that ends with an accepted label's name ("..., moderator Pavel Orlov" and
    "Pavel Orlov") or starts with it before a comma ("MARGARET HOLLIS, President of ...")."""
    words = tuple(label_key(label).replace(",", " ").split())
    head = tuple(label_key(label.split(",", 1)[0]).split()) if "," in label else ()
    for name in names:
        if len(name) >= 2 and (words[-len(name) :] == name or head == name):
            return True
        if len(name) == 1 and words[-1:] == name and name[0] not in _FOLLOW_UPS:
            return not _is_role(name[0])
    return False


def _is_office_and_name(label: str) -> bool:
    """A one-off long label in a "Firstname Lastname:" transcript: mostly capitalised words,
    ending in a two- or three-word name ("General Director of the Carriage Works Andrei
    Solovei")."""
    words = label.replace(",", " ").split()
    if len(words) < 4:
        return False
    tail = words[-2:]
    if not all(w[:1].isupper() and w.rstrip(".").isalpha() for w in tail):
        return False
    content = [w for w in words if w.casefold() not in CONNECTORS and w[:1].isalpha()]
    return sum(1 for w in content if w[:1].isupper()) / len(content) >= 0.6


def split_inline_labels(lines: list[Line]) -> None:
    """ "Dmitry Sokolov: You asked me that already. Question: No, I asked ..." is two turns when
    "Question" opens turns elsewhere: a label accepted on its own line that starts a sentence
    inside a paragraph starts a turn there. "Germany: 4 percent, France: 3 percent" does not
    (not labels, and not after the end of a sentence)."""
    known = {ln.label for ln in lines if ln.kind == "label" and ln.style != "machine"}
    if not known:
        return
    marks = [f"{label}{colon}" for label in known for colon in (":", " :", "：")]
    alternatives = "|".join(re.escape(label) for label in sorted(known, key=len, reverse=True))
    inline = re.compile(
        rf"(?:(?<=[.?!…][\"”’)\]] )|(?<=[.?!…] )|(?<=[。？！]))(?P<label>{alternatives}) ?[:：] ?"
        r"(?=[^\s\da-z])"
    )
    i = 0
    while i < len(lines):
        ln = lines[i]
        body = ln.rest if ln.kind == "label" else ln.text if ln.kind == "text" else ""
        m = inline.search(body) if any(mark in body for mark in marks) else None
        if m is None:
            i += 1
            continue
        before, after = body[: m.start()].rstrip(), body[m.end() :]
        if ln.kind == "label":
            ln.rest = before
        else:
            ln.text = before
        lines.insert(
            i + 1,
            Line(
                ln.number, f"{m['label']}: {after}", "label", m["label"], after, ln.style or "mixed"
            ),
        )
        i += 1


def _accept_caps_dot(candidates: list[Line], counts: dict[str, int]) -> None:
    """ "THE PRESIDENT. No, ..." and "Mr. DALTON. Madam Chair, ...": labels of two words or more
    that recur; then every such label once some recur (the Congressional Record's "The
    CHAIRWOMAN." speaks once). A lone word ("NATO. The alliance ...") only answers "Q." below."""
    dotted = [ln for ln in candidates if ln.style == "caps-dot" and len(ln.label.split()) >= 2]
    if any(counts.get(label_key(ln.label), 0) >= 2 for ln in dotted):
        for ln in dotted:
            ln.kind = "label"


def _accept_answers(lines: list[Line]) -> None:
    """ "A." / "R -" answers and "THE PRESIDENT." labels, in transcripts whose questions use the
    same convention ("Q." / "Q -"). An answer answers a question: "A. Smith said ..." anywhere
    else is the initial of a name."""
    conventions = {ln.convention for ln in lines if ln.kind == "label" and ln.style == "q"}
    previous = ""
    for ln in lines:
        answers = ln.style == "caps-dot" or (ln.style == "answer" and previous == "q")
        if ln.kind == "candidate" and ln.convention in conventions and answers:
            ln.kind = "label"
        if ln.kind == "label":
            previous = ln.style
