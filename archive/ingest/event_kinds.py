"""Which kind of event a title or a header line names ("interview", "briefing", ...).

``guess_kind`` reads a title (or another header line) in the languages of the corpus;
``KIND_WORDS`` are the header lines that only name a kind ("Transcript", "Press Release").
The header uses both, and so do date lines: "December 3, 2021 Press Briefing" is a title.
"""

from __future__ import annotations

import re

__all__ = ["KIND_WORDS", "guess_kind", "names_event"]

# A header line that is only one of these ("Transcript", "Remarks") is no title and no place.
KIND_WORDS = {
    "interview", "remarks", "readout", "transcript", "press briefing", "briefing", "speech",
    "statement", "press release", "press conference", "news", "media note", "fact sheet",
    "doorstop", "press gaggle", "gaggle", "opening remarks",
}  # fmt: skip


_KINDS = [
    ("interview", re.compile(r"\binterview|\bentretien|\bentrevista|\bинтервью|采访|インタビュー", re.I)),
    ("gaggle", re.compile(r"\bgaggle|\bdoorstop", re.I)),
    ("press-conference", re.compile(
        r"\b(?:press|news) conference|conférence de presse|pressekonferenz|rueda de prensa|"
        r"conferencia de prensa|记者会|会見|기자회견|пресс-конференц", re.I)),
    ("call", re.compile(r"\b(?:press call|phone call|telephone|teleconference|conference call|call)\b", re.I)),
    ("briefing", re.compile(r"\bbriefing|point de presse|брифинг|吹风会|브리핑", re.I)),
    ("remarks", re.compile(
        r"\b(?:remarks|speech(?:es)?|address|discours|allocution|rede|discurso)\b|讲话|致辞|"
        r"выступлени", re.I)),
    ("statement", re.compile(r"\b(?:statements?|déclarations?|erklärung|declaración)\b|заявлени", re.I)),
]  # fmt: skip


def guess_kind(title: str | None) -> str | None:
    if title:
        for kind, pattern in _KINDS:
            if pattern.search(title):
                return kind
    return None


# Words of a title that names an event without naming one of the kinds above ("Meeting with
# students", "Visit to the Grain Centre", "Answers to journalists' questions", "例行记者会").
_EVENTS = re.compile(
    r"\b(?:meeting|visit|visiting|trip|tour|talks|conversation|session|forum|summit|ceremony|"
    r"debate|hearing|discussion|roundtable|round table|q\s*&\s*a|questions?|answers?|direct line|"
    r"availability|greetings|congratulations|reception|dialogue|symposium|panel|"
    r"consultations|negotiations|exchange|doorstep|stakeout|presser|"
    r"conférence|réunion|rencontre|visite|treffen|besuch|gespräch|reunión|visita|encuentro|"
    r"встреча|визит|совещание|беседа|переговоры|заседание)\b"
    r"|记者会|发布会|答记者问|答问|会见|会谈|通话|致辞|讲话|采访|对话|论坛|峰会|会見|記者会見|회견",
    re.I,
)


def names_event(text: str | None) -> bool:
    """True for a line that names the event, as a title does ("Regular Press Conference",
    "Meeting with students", "例行记者会")."""
    return bool(text) and (guess_kind(text) is not None or bool(_EVENTS.search(text)))
