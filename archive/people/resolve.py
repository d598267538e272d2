"""Who a printed label stands for, in the context of its transcript. Pure Python, no Django.

Each label of a transcript resolves in this order, and says which rule decided
(``Resolution.resolved_by``):

1. ``curator``: a curator's rule for this label at this source (and date);
2. ``name``: a name, matched against people's names and other names ("Vladimir Putin",
   "赵立坚"), or a family name with its title or honorific ("SECRETARY BLINKEN", "MS. JEAN-PIERRE")
   matched against the people who held a fitting office that day;
   ``title``: the same, found among the names in the transcript's title ("… by Press Secretary
   Karine Jean-Pierre …", "On-the-Record Press Call by Kurt Campbell");
3. ``office``: an office ("THE PRESIDENT", "THE SECRETARY", "SPOKESPERSON", and "A:" / "答：" at a
   ministry's briefing): who held it at the transcript's source that day, or (``title``) the one
   of its holders the title names;
4. ``role``: a participant of this transcript only: generic roles ("MODERATOR", "SENIOR
   ADMINISTRATION OFFICIAL", "Q"), media outlets used as labels ("Reuters:" is a reporter for
   Reuters), and offices nobody can be found for; ``new``: a personal name that matches nobody
   becomes a new person, flagged for review.

Resolution is deterministic (the same labels, context and directory give the same answer) and
never merges two people: a name that could be either of two people resolves to neither.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from archive.ingest.labels import (
    display_name,
    group_labels,
    is_anonymous,
    is_answer_placeholder,
    split_label,
)
from archive.people.names import (
    display_role,
    fold,
    has_cjk,
    in_text,
    label_fold,
    name_keys,
    outlet_of,
    role_kind,
)

CURATOR, NAME, TITLE, OFFICE, ROLE, NEW = "curator", "name", "title", "office", "role", "new"

# Labels that are a role in one transcript, never a person across transcripts.
GENERIC_ROLES = {
    "moderator", "operator", "aide", "interpreter", "translator", "participant", "host",
    "senior administration official", "senior state department official", "senior official",
    "administration official", "senior defense official", "state department official", "official",
    "remark", "remarks", "comment", "follow-up", "follow up", "followup", "追问", "问", "narrator",
    "announcer", "staff", "audience", "crowd", "voice", "voices", "spokesperson's office",
}  # fmt: skip
PRESS_KINDS = {"briefing", "gaggle", "call", "press-conference"}
HONORIFIC_GENDER = {
    "mr": "male", "sir": "male", "lord": "male", "herr": "male", "sr": "male", "señor": "male",
    "senor": "male", "mrs": "female", "ms": "female", "miss": "female", "madam": "female",
    "madame": "female", "mme": "female", "dame": "female", "lady": "female", "frau": "female",
    "sra": "female", "señora": "female", "senora": "female", "smt": "female",
    "shrimati": "female",
}  # fmt: skip


# --- The directory: people, offices and rules, as plain data --------------------------------------


def popolo_covers(start: str, end: str, day: datetime.date) -> bool:
    """Is `day` within [start, end], Popolo dates (a partial date, "2013-04" or "2013", covers its
    whole month or year; an empty bound is open)?"""
    iso = day.isoformat()
    return (not start or start <= iso[: len(start)]) and (not end or iso[: len(end)] <= end)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    family_name: str = ""
    other_names: tuple[str, ...] = ()
    gender: str = ""


@dataclass(frozen=True)
class Office:
    id: int
    label: str
    role: str
    organization_id: int
    other_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    parent_id: int | None = None
    other_names: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    person_id: int
    office_id: int
    start: str = ""
    end: str = ""

    def covers(self, day: datetime.date | None) -> bool:
        return day is not None and popolo_covers(self.start, self.end, day)


@dataclass(frozen=True)
class Rule:
    key: str  # label_fold of the label
    source: str  # folded source name; "" for any source
    person_id: int | None
    role: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    id: int = 0


@dataclass(frozen=True)
class Context:
    """What a transcript tells about its labels: its source, date and title."""

    source_name: str = ""
    source_url: str = ""
    date: datetime.date | None = None
    title: str = ""
    kind: str = "other"


def host_of(url: str) -> str:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


class Directory:
    """People, offices, terms and rules, indexed for resolving labels."""

    def __init__(
        self,
        persons: Iterable[Person] = (),
        offices: Iterable[Office] = (),
        orgs: Iterable[Org] = (),
        terms: Iterable[Term] = (),
        rules: Iterable[Rule] = (),
    ) -> None:
        self.persons = {p.id: p for p in persons}
        self.offices = {o.id: o for o in offices}
        self.orgs = {o.id: o for o in orgs}
        self.terms = list(terms)
        self.rules = sorted(rules, key=lambda r: (r.key, r.id))
        self.by_name: dict[str, set[int]] = {}
        self.by_family: dict[str, set[int]] = {}
        for person in self.persons.values():
            # A name made from a label ("Ms. Rivera") finds nobody: two are not one person.
            # Other names (and labels a curator attached) are found as written.
            names = person.other_names if is_label_form(person.name) else (person.name,)
            for name in (*names, *person.other_names):
                for key in name_keys(name):
                    self.by_name.setdefault(key, set()).add(person.id)
            family = fold(person.family_name) or (fold(person.name).split() or [""])[-1]
            self.by_family.setdefault(family, set()).add(person.id)
            for other in person.other_names:  # "Сергей Лавров": "лавров"
                words = fold(other).split()
                if len(words) >= 2 and not has_cjk(other):
                    self.by_family.setdefault(words[-1], set()).add(person.id)
        self.terms_of: dict[int, list[Term]] = {}
        for term in self.terms:
            self.terms_of.setdefault(term.person_id, []).append(term)
        # Names worth finding in a title: two words or more, or a name in CJK script.
        self.title_keys = sorted(
            key for key in self.by_name if len(key.split()) >= 2 or (has_cjk(key) and len(key) > 1)
        )

    # People

    def named(self, text: str) -> set[int]:
        return set(self.by_name.get(fold(text), ()))

    def has_offices(self, person_id: int) -> bool:
        return person_id in self.terms_of

    def in_title(self, title: str) -> set[int]:
        folded = fold(title)
        return {pid for key in self.title_keys if in_text(key, folded) for pid in self.by_name[key]}

    # Offices

    def office_on(self, person_id: int, day: datetime.date | None, orgs=()) -> Office | None:
        """The office a person held that day (one of `orgs`' first), if any."""
        held = [
            self.offices[t.office_id] for t in self.terms_of.get(person_id, ()) if t.covers(day)
        ]
        held.sort(key=lambda o: (o.organization_id not in orgs, o.id))
        return held[0] if held else None

    def near_office(self, person_id: int, day: datetime.date, years: int = 2) -> bool:
        """Did the person hold an office within `years` of that day (people speak as a nominee,
        or soon after leaving)?"""
        lo = day.replace(year=day.year - years) if day.month != 2 or day.day != 29 else day
        hi = day.replace(year=day.year + years) if day.month != 2 or day.day != 29 else day
        for term in self.terms_of.get(person_id, ()):
            start = (term.start + "-01-01"[len(term.start) - 4 :])[:10] if term.start else ""
            end = term.end or "9999"
            if (not start or start <= hi.isoformat()) and lo.isoformat()[: len(end)] <= end:
                return True
        return False

    def fits(self, person_id: int, title: str, day: datetime.date | None = None) -> bool:
        """Did the person hold an office that a label's title names (that day, if given)?"""
        wanted = _office_words(title)
        for term in self.terms_of.get(person_id, ()):
            if day is not None and not term.covers(day):
                continue
            office = self.offices[term.office_id]
            if any(_names_office(wanted, text) for text in _office_texts(office)):
                return True
        return False

    def names_an_office(self, title: str) -> bool:
        """Does a label's title name any office of the directory ("Secretary" does, "Admiral"
        does not)?"""
        wanted = _office_words(title)
        return any(
            _names_office(wanted, text)
            for office in self.offices.values()
            for text in _office_texts(office)
        )

    def source_orgs(self, context: Context) -> set[int]:
        """The organisations whose own transcripts these are (by source name or web address),
        with the organisations under them."""
        source, host = fold(context.source_name), host_of(context.source_url)
        found = set()
        for org in self.orgs.values():
            names = {fold(org.name), *(fold(n) for n in org.other_names)}
            hosts = {host_of(link) for link in org.links}
            if (source and source in names) or (host and any(_same_site(host, h) for h in hosts)):
                found.add(org.id)
        children = True
        while children:
            children = {
                o.id for o in self.orgs.values() if o.parent_id in found and o.id not in found
            }
            found |= children
        return found

    def holders(self, office_ids: set[int], day: datetime.date | None) -> set[int]:
        return {t.person_id for t in self.terms if t.office_id in office_ids and t.covers(day)}

    def ever_held(self, office_ids: set[int]) -> set[int]:
        return {t.person_id for t in self.terms if t.office_id in office_ids}

    # Rules

    def rule_for(self, label: str, context: Context) -> Rule | None:
        key, source = label_fold(label), fold(context.source_name)
        found = [
            rule
            for rule in self.rules
            if rule.key == key
            and rule.source in ("", source)
            and (rule.start is None or (context.date and context.date >= rule.start))
            and (rule.end is None or (context.date and context.date <= rule.end))
        ]
        # The most specific rule wins: a source before any source, dated before undated.
        found.sort(key=lambda r: (r.source == "", r.start is None and r.end is None, -r.id))
        return found[0] if found else None


@lru_cache(maxsize=65536)
def is_label_form(name: str) -> bool:
    """ "Ms. Rivera", "Secretary Smith": a title or honorific and a family name, not a full name."""
    if has_cjk(name):
        return False
    parts = split_label(name)
    return bool(parts.honorific or parts.title) and len(parts.name.split()) < 2


def _same_site(host: str, other: str) -> bool:
    return bool(other) and (host == other or host.endswith("." + other))


def _office_words(title: str) -> str:
    text = fold(title)
    return text[4:] if text.startswith("the ") else text


def _office_texts(office: Office) -> list[str]:
    return [fold(office.role), fold(office.label), *(fold(x) for x in office.other_labels)]


def _names_office(wanted: str, text: str) -> bool:
    """Does a label's title (folded) name this office text: "secretary" names "secretary of
    state", "federal chancellor of germany" names "chancellor"."""
    return bool(wanted and text) and (in_text(text, wanted) or in_text(wanted, text))


# --- Resolving -----------------------------------------------------------------------------------


@dataclass
class Resolution:
    """Who a label stands for: an existing person (`person_id`), a person to create
    (`new_name`), or a role in this transcript only (neither)."""

    resolved_by: str
    name: str  # as pages show the participant
    person_id: int | None = None
    new_name: str = ""
    role: str = ""  # their role in the transcript
    kind: str = "official"
    organisation: str = ""
    family_name: str = ""
    description: str = ""

    @property
    def is_role(self) -> bool:
        return self.person_id is None and not self.new_name

    def group_key(self) -> tuple:
        """Labels with equal keys are one participant of the transcript."""
        if self.person_id is not None:
            return ("person", self.person_id)
        if self.new_name:
            return ("new", fold(self.new_name))
        return ("role", fold(self.name))


def resolve_labels(
    labels: Iterable[str], context: Context, directory: Directory
) -> dict[str, Resolution]:
    """A Resolution for every distinct label (all occurrences given, in order: the most used
    spelling names a group of labels that shorten within the transcript)."""
    occurrences = [label for label in labels if label]
    groups = group_labels(occurrences)
    title_people = directory.in_title(context.title)
    by_canonical: dict[str, Resolution] = {}
    results: dict[str, Resolution] = {}
    for label in dict.fromkeys(occurrences):
        canonical = groups.get(label, label)
        rule = directory.rule_for(label, context)
        if rule is not None:
            results[label] = _from_rule(rule, label, context, directory)
            continue
        if canonical not in by_canonical:
            rule = directory.rule_for(canonical, context)
            by_canonical[canonical] = (
                _from_rule(rule, canonical, context, directory)
                if rule
                else _resolve(canonical, context, directory, title_people)
            )
        results[label] = by_canonical[canonical]
    return results


def _from_rule(rule: Rule, label: str, context: Context, directory: Directory) -> Resolution:
    if rule.person_id is not None and rule.person_id in directory.persons:
        return _person(rule.person_id, CURATOR, context, directory)
    name = rule.role or display_role(label)
    return Resolution(CURATOR, name, role=name, kind=role_kind(name))


def _person(person_id: int, how: str, context: Context, directory: Directory) -> Resolution:
    person = directory.persons[person_id]
    office = directory.office_on(person_id, context.date, directory.source_orgs(context))
    return Resolution(how, person.name, person_id=person_id, role=office.label if office else "")


def _role(name: str, kind: str = "", organisation: str = "") -> Resolution:
    return Resolution(
        ROLE, name, role=name, kind=kind or role_kind(name), organisation=organisation
    )


def questioner_name(context: Context) -> str:
    return "Reporter" if context.kind in PRESS_KINDS else "Questioner"


def _resolve(
    label: str, context: Context, directory: Directory, title_people: set[int]
) -> Resolution:
    key = label_fold(label)
    numbered = re.sub(r"\s*(?:#\s*)?\d+$", "", key)
    if is_anonymous(label):
        outlet = outlet_of(label)
        if outlet:
            return _role(f"Reporter, {outlet}", "journalist", outlet)
        return _role(questioner_name(context), "journalist")
    if is_answer_placeholder(label):
        found = _office_holder("spokesperson", context, directory, title_people)
        return found or _role("Respondent", "official")
    if key in GENERIC_ROLES or numbered in GENERIC_ROLES:
        return _role(display_role(label))
    if "," in label:
        first, _, second = (part.strip() for part in label.partition(","))
        for name, other in ((first, second), (second, first)):
            outlet = outlet_of(other) if name and other else None
            if outlet and not outlet_of(name) and split_label(name).name:
                # "JANE DOE, FINANCIAL TIMES": a named reporter of that outlet.
                found = _by_name(name, split_label(name), context, directory, title_people)
                found.kind, found.organisation = "journalist", outlet
                found.role = found.role or f"Reporter, {outlet}"
                return found
    outlet = outlet_of(label)
    if outlet:
        return _role(f"Reporter, {outlet}", "journalist", outlet)
    exact = directory.named(label)
    if len(exact) == 1:
        return _person(exact.pop(), NAME, context, directory)
    parts = split_label(label)
    if parts.name:
        found = _by_name(label, parts, context, directory, title_people)
        if found.resolved_by == NEW and _outlet_at_briefing(label, parts, context, directory):
            # At a ministry's briefing, whose spokespersons are known by their full names, a lone
            # unknown word ("Rudaw:", "MASTV:") is the outlet a reporter is from.
            return _role(f"Reporter, {label.strip().rstrip(':：')}", "journalist", label)
        return found
    found = _office_holder(parts.title or label, context, directory, title_people)
    if found:
        return found
    return _role(display_role(label))


def _outlet_at_briefing(label: str, parts, context: Context, directory: Directory) -> bool:
    if parts.title or parts.honorific or has_cjk(label) or len(parts.name.split()) != 1:
        return False
    orgs = directory.source_orgs(context)
    return any(
        office.organization_id in orgs and fold(office.role) == "spokesperson"
        for office in directory.offices.values()
    )


def _office_holder(
    title: str, context: Context, directory: Directory, title_people: set[int]
) -> Resolution | None:
    """Who held the office a label names ("The President", "Spokesperson") for this source on
    this date; else the one of its holders that the title names."""
    wanted = _office_words(title)
    offices = {
        office.id
        for office in directory.offices.values()
        if wanted in (fold(office.role), fold(office.label), *map(fold, office.other_labels))
    }
    if not offices:
        return None
    orgs = directory.source_orgs(context)
    local = {o for o in offices if directory.offices[o].organization_id in orgs}
    if local:
        holders = directory.holders(local, context.date)
        if len(holders) == 1:
            return _person(holders.pop(), OFFICE, context, directory)
        offices = local
    named = (
        directory.holders(offices, context.date) if context.date else directory.ever_held(offices)
    ) & title_people
    if len(named) == 1:
        return _person(named.pop(), TITLE, context, directory)
    return None


def _by_name(
    label: str, parts, context: Context, directory: Directory, title_people: set[int]
) -> Resolution:
    name = parts.name
    title = parts.title or ""
    candidates = directory.named(name)
    surname_only = False
    if not candidates:
        surname_only = True
        words = fold(name).split()
        candidates = set(directory.by_family.get(fold(name), ()))
        if not candidates and len(words) >= 2:
            family = directory.by_family.get(words[-1], ())
            if all(len(word) == 1 for word in words[:-1]):
                # Initials and a family name: "С.В.Лавров", "S. V. Lavrov".
                candidates = set(family)
            else:
                # "Antony J. Blinken" written otherwise: the family name and the first given name.
                candidates = {
                    pid
                    for pid in family
                    if fold(directory.persons[pid].name).split()[:1] == words[:1]
                }
        # A family name alone finds only people whose offices are known (the dataset's): two
        # unknown "Mr. Smith"s are never taken for one person.
        candidates = {pid for pid in candidates if directory.has_offices(pid)}
    wanted = HONORIFIC_GENDER.get(fold(parts.honorific or ""))
    if wanted:  # "MRS. OBAMA" is not Barack Obama
        candidates = {pid for pid in candidates if directory.persons[pid].gender in ("", wanted)}
    chosen = _choose(candidates, title, context, directory, title_people, surname_only)
    if chosen is not None:
        how = TITLE if surname_only and chosen in title_people and len(candidates) > 1 else NAME
        return _person(chosen, how, context, directory)
    # The title may give the full name ("Press Call by Kurt Campbell" for "MR. CAMPBELL").
    if len(name.split()) == 1 and not has_cjk(name):
        full = full_name_in_title(name, context.title)
        if full:
            known = directory.named(full)
            if len(known) == 1:
                return _person(known.pop(), TITLE, context, directory)
            if not known:
                return _new(full, TITLE, name, title, context)
    new_name = name if len(name.split()) >= 2 or has_cjk(name) else display_name(label)
    if not surname_only and candidates:
        new_name = name  # two people of that name: a third, for a curator to sort out
    return _new(new_name, NEW, name.split()[-1] if name.split() else "", title, context)


def _new(name: str, how: str, family: str, title: str, context: Context) -> Resolution:
    if has_cjk(name):
        family = ""
    return Resolution(
        how,
        name,
        new_name=name,
        role=display_role(title) if title else "",
        kind="official",
        family_name=family,
    )


def _choose(
    candidates: set[int],
    title: str,
    context: Context,
    directory: Directory,
    title_people: set[int],
    surname_only: bool,
) -> int | None:
    """The one person among `candidates` the label means, or None."""
    if not candidates:
        return None
    if title and not directory.names_an_office(title):
        title = ""  # a rank or a courtesy ("Admiral", "Ambassador" somewhere unknown)
    if title and any(directory.has_offices(pid) for pid in candidates):
        fitting = {pid for pid in candidates if directory.fits(pid, title)}
        if fitting or surname_only:
            candidates = fitting
    if len(candidates) == 1:
        (only,) = candidates
        if not surname_only or context.date is None:
            return only
        near = directory.near_office(only, context.date)
        if near or title or only in title_people:
            return only
        return None
    if context.date is not None:
        serving = {
            pid
            for pid in candidates
            if (directory.fits(pid, title, context.date) if title else False)
            or (not title and directory.office_on(pid, context.date) is not None)
        }
        if len(serving) == 1:
            return serving.pop()
        if serving:
            candidates = serving
    named = candidates & title_people
    return named.pop() if len(named) == 1 else None


_TITLE_NAME = r"((?:[A-Z][\w'’.-]*\s+){1,4})"


def full_name_in_title(family: str, title: str) -> str:
    """ "Kurt Campbell" for "Campbell" in "On-the-Record Press Call by Kurt Campbell, Deputy …":
    the capitalised words just before the family name, less any title ("Press Secretary")."""
    if not title or not family:
        return ""
    upper = re.search(rf"\b({re.escape(family.upper())})\s+([A-Z][a-z][\w'’-]*)", title)
    if upper:  # "KOBAYASHI Maki": the family name first, in capitals
        return f"{upper[1].capitalize()} {upper[2]}"
    match = re.search(_TITLE_NAME + f"((?i:{re.escape(family)}))(?![\\w-])", title)
    if not match:
        return ""
    words = f"{match[1]}{match[2]}".split()
    parts = split_label(" ".join(words))
    found = (parts.name or "").split()
    if len(found) < 2:
        return ""
    found = found[-3:]
    if fold(found[-1]) != fold(family) or any(w.casefold() in {"by", "and", "with"} for w in found):
        return ""
    return " ".join(found)
