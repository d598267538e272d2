"""Step 2 of parsing: decide which candidate labels of one transcript name a speaker.

``lines.classify`` takes a line for a speaker label when its shape alone is enough ("SECRETARY
BLINKEN:", "Q    Thank you"); other label-like lines are candidates. ``accept_labels`` promotes
the candidates that the whole document vouches for: the label recurs, is a role ("MODERATOR",
"法新社记者"), names an office and a person ("Foreign Minister Wang Yi:"), shares a surname with
an accepted label ("Putin:" after "President of Russia Vladimir Putin:"), or answers a question
of the same convention ("A." after "Q."). Every other candidate becomes text again.

``labels.py`` holds the helpers about a single label that the loader uses too (keys, anonymous
roles, offices); this module is the parser's own: it looks at every line of one document.
"""

from __future__ import annotations

import re

from archive.ingest.labels import (
    is_anonymous,
    is_answer_placeholder,
    label_key,
    names_office_holder,
    split_label,
)
from archive.ingest.lines import CONNECTORS, Line, is_heading

__all__ = ["accept_labels"]

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


_NUMBERED = re.compile(r"\s*(?:#\s*)?\d+$")


def _is_role(label: str) -> bool:
    """Anonymous, answer and role labels ("Speaker 1", "MODERATOR", "法新社记者")."""
    key = _NUMBERED.sub("", label_key(label)) or label_key(label)
    return is_anonymous(label) or is_answer_placeholder(label) or key in _ROLES


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
    """Promote candidates that the whole document vouches for."""
    candidates = [ln for ln in lines if ln.kind == "candidate"]
    if not candidates:
        return
    counts: dict[str, int] = {}
    for ln in candidates:
        key = label_key(ln.label)
        counts[key] = counts.get(key, 0) + 1

    def vouched(ln: Line) -> bool:
        if ln.style in ("answer", "caps-dot"):
            return False  # decided below, from the questions around them
        if _is_role(ln.label) or _names_someone(ln):
            return True
        n = counts[label_key(ln.label)]
        # A lone capitalised word ("Germany:", "Finally:") needs more evidence than a name.
        return n >= 3 if (ln.style == "mixed" and len(ln.label.split()) == 1) else n >= 2

    for ln in candidates:
        if vouched(ln):
            ln.kind = "label"

    # Second chance for one-off labels: "Putin:" after "President of Russia Vladimir Putin:".
    # Repeat until nothing changes: an accepted one-off can vouch for another one.
    changed = True
    while changed:
        changed = False
        accepted = [ln for ln in lines if ln.kind == "label"]
        surnames = {_surname(ln.label) for ln in accepted} - {""}
        named_mixed = any(ln.style == "mixed" and not _is_role(ln.label) for ln in accepted)
        has_caps = any(ln.style == "caps" and not _is_role(ln.label) for ln in accepted)
        for ln in candidates:
            if ln.style in ("answer", "caps-dot"):
                continue
            if ln.kind == "candidate" and _second_chance(ln, surnames, named_mixed, has_caps):
                ln.kind = "label"
                changed = True

    _accept_answers(lines)
    for ln in candidates:
        if ln.kind == "candidate":
            ln.kind = "text"


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
