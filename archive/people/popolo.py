"""The people dataset in the Popolo JSON shape (persons, organizations, posts, memberships), read
into the database and written out of it.

``fixtures/people.json`` is the curated dataset: facts only (names, other names, offices, start and
end dates). ``load_people()`` adds what the database lacks, keyed by Popolo ids, and never
overwrites what is there, so a curator's edits in the admin survive a reload. A person of the
dataset whose name is already a speaker's (an archive from before the dataset) is that speaker:
the speaker gets the dataset's id, names and offices rather than a twin. It runs after every
``migrate`` (the dataset is loaded with the schema) and from ``manage.py load_people``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from archive.caching import bump_data_version
from archive.ingest.labels import label_key
from archive.models import Speaker, SpeakerAlias
from archive.people.models import Membership, Organization, Post
from archive.people.names import sort_name_for

DATASET = Path(settings.BASE_DIR) / "fixtures" / "people.json"


@dataclass
class LoadReport:
    persons: int = 0
    adopted: int = 0
    organizations: int = 0
    posts: int = 0
    memberships: int = 0
    other_names: int = 0

    def __str__(self) -> str:
        return (
            f"{self.persons} people added ({self.adopted} already speakers), "
            f"{self.organizations} organisations, {self.posts} offices, "
            f"{self.memberships} memberships, {self.other_names} other names"
        )


def read_dataset(path: Path = DATASET) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _names(entry: dict, key: str = "other_names") -> list[str]:
    return [n["name"] if isinstance(n, dict) else str(n) for n in entry.get(key, [])]


def _current_office(memberships: list[dict], posts: dict[str, dict]) -> dict | None:
    """The latest office of a person in the dataset (an open one first)."""
    if not memberships:
        return None
    latest = max(memberships, key=lambda m: (not m.get("end_date"), m.get("start_date", "")))
    return posts.get(latest["post_id"])


@transaction.atomic
def load_people(data: dict | None = None, *, using: str = "default") -> LoadReport:
    """Add the dataset's missing organisations, offices, people, other names and memberships."""
    data = data if data is not None else read_dataset()
    report = LoadReport()
    orgs = _load_organizations(data.get("organizations", []), using, report)
    posts = _load_posts(data.get("posts", []), orgs, using, report)
    post_entries = {p["id"]: p for p in data.get("posts", [])}
    org_names = {o["id"]: o["name"] for o in data.get("organizations", [])}
    by_person: dict[str, list[dict]] = {}
    for membership in data.get("memberships", []):
        by_person.setdefault(membership["person_id"], []).append(membership)
    people = _load_persons(
        data.get("persons", []), by_person, post_entries, org_names, using, report
    )
    _load_memberships(data.get("memberships", []), people, posts, using, report)
    if report.organizations or report.posts or report.memberships or report.other_names:
        # Saved in bulk, without signals: offices change people's pages and what speaker: finds.
        bump_data_version(using)
    return report


def _load_organizations(entries, using, report) -> dict[str, Organization]:
    existing = {o.identifier: o for o in Organization.objects.using(using)}
    new = [
        Organization(
            identifier=e["id"],
            name=e["name"],
            classification=e.get("classification", ""),
            other_names=_names(e),
            links=[link["url"] for link in e.get("links", [])],
        )
        for e in entries
        if e["id"] not in existing
    ]
    Organization.objects.using(using).bulk_create(new)
    report.organizations = len(new)
    existing = {o.identifier: o for o in Organization.objects.using(using)}
    for e in entries:
        org, parent = existing[e["id"]], existing.get(e.get("parent_id") or "")
        if parent is not None and org.parent_id is None:
            org.parent = parent
            org.save(update_fields=["parent"])
    return existing


def _load_posts(entries, orgs, using, report) -> dict[str, Post]:
    existing = {p.identifier: p for p in Post.objects.using(using)}
    new = [
        Post(
            identifier=e["id"],
            label=e["label"],
            role=e.get("role", e["label"]),
            other_labels=list(e.get("other_label", [])),
            organization=orgs[e["organization_id"]],
        )
        for e in entries
        if e["id"] not in existing
    ]
    Post.objects.using(using).bulk_create(new)
    report.posts = len(new)
    return {p.identifier: p for p in Post.objects.using(using)}


def _load_persons(entries, by_person, posts, org_names, using, report) -> dict[str, Speaker]:
    speakers = Speaker.objects.using(using)
    known = {s.identifier: s for s in speakers.exclude(identifier=None)}
    unclaimed = {
        s.name.casefold(): s
        for s in speakers.filter(identifier=None, merged_into=None).exclude(
            kind=Speaker.Kind.UNIDENTIFIED
        )
    }
    slugs = set(speakers.values_list("slug", flat=True))
    new, adopted = [], []
    for entry in entries:
        if entry["id"] in known:
            continue
        office = _current_office(by_person.get(entry["id"], []), posts)
        fields = {
            "identifier": entry["id"],
            "family_name": entry.get("family_name", ""),
            "gender": entry.get("gender", ""),
            "sort_name": entry.get("sort_name")
            or sort_name_for(entry["name"], entry.get("family_name", "")),
        }
        speaker = unclaimed.pop(entry["name"].casefold(), None)
        if speaker is not None:
            for name, value in fields.items():
                setattr(speaker, name, value)
            speaker.title = speaker.title or (office["label"] if office else "")
            speaker.save(using=using)
            adopted.append(speaker)
        else:
            slug = base = slugify(entry["name"])[:80] or "person"
            n = 1
            while slug in slugs:
                n += 1
                slug = f"{base[:76]}-{n}"
            slugs.add(slug)
            new.append(
                Speaker(
                    name=entry["name"],
                    slug=slug,
                    title=office["label"] if office else "",
                    organisation=org_names.get(office["organization_id"], "") if office else "",
                    kind=Speaker.Kind.OFFICIAL,
                    description=entry.get("summary", ""),
                    **fields,
                )
            )
    speakers.bulk_create(new)
    report.persons, report.adopted = len(new) + len(adopted), len(adopted)
    people = {s.identifier: s for s in speakers.exclude(identifier=None)}
    taken = set(SpeakerAlias.objects.using(using).values_list("key", flat=True))
    aliases = []
    for entry in entries:
        person = people[entry["id"]]
        for name in _names(entry):
            key = label_key(name)
            if key and key not in taken and name != person.name:
                taken.add(key)
                aliases.append(SpeakerAlias(speaker=person, label=name, key=key))
    SpeakerAlias.objects.using(using).bulk_create(aliases)
    report.other_names = len(aliases)
    return people


def _load_memberships(entries, people, posts, using, report) -> None:
    existing = set(
        Membership.objects.using(using).values_list(
            "person__identifier", "post__identifier", "start_date"
        )
    )
    new = []
    for e in entries:
        key = (e["person_id"], e["post_id"], e.get("start_date", ""))
        if key in existing or e["person_id"] not in people:
            continue
        existing.add(key)
        new.append(
            Membership(
                person=people[e["person_id"]],
                post=posts[e["post_id"]],
                start_date=e.get("start_date", ""),
                end_date=e.get("end_date", ""),
            )
        )
    Membership.objects.using(using).bulk_create(new)
    report.memberships = len(new)


def dump_people(using: str = "default") -> dict:
    """The archive's people (those with an id in the dataset or offices) and offices as Popolo."""
    orgs = list(Organization.objects.using(using).select_related("parent"))
    posts = list(Post.objects.using(using).select_related("organization"))
    memberships = list(Membership.objects.using(using).select_related("person", "post"))
    person_ids = {m.person_id for m in memberships}
    persons = (
        Speaker.objects.using(using)
        .filter(merged_into=None, pk__in=person_ids)
        .prefetch_related("aliases")
    )

    def person_id(person: Speaker) -> str:
        return person.identifier or person.slug

    return {
        "persons": [
            {
                "id": person_id(p),
                "name": p.name,
                "sort_name": p.sort_name,
                **({"family_name": p.family_name} if p.family_name else {}),
                **({"gender": p.gender} if p.gender else {}),
                "other_names": [{"name": a.label} for a in p.aliases.all()],
            }
            for p in persons
        ],
        "organizations": [
            {
                "id": o.identifier,
                "name": o.name,
                **({"classification": o.classification} if o.classification else {}),
                **({"parent_id": o.parent.identifier} if o.parent else {}),
                "other_names": [{"name": n} for n in o.other_names],
                "links": [{"url": url} for url in o.links],
            }
            for o in orgs
        ],
        "posts": [
            {
                "id": p.identifier,
                "label": p.label,
                "role": p.role,
                "organization_id": p.organization.identifier,
                **({"other_label": p.other_labels} if p.other_labels else {}),
            }
            for p in posts
        ],
        "memberships": [
            {
                "person_id": person_id(m.person),
                "post_id": m.post.identifier,
                "organization_id": m.post.organization.identifier,
                **({"start_date": m.start_date} if m.start_date else {}),
                **({"end_date": m.end_date} if m.end_date else {}),
            }
            for m in memberships
        ],
    }
