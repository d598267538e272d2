"""How well the parser reads a folder of real transcripts: per file and in total.

    .venv/bin/python benchmarks/corpus_report.py ../shared/corpus
    .venv/bin/python benchmarks/corpus_report.py ../shared/corpus --json /tmp/report.json
    .venv/bin/python benchmarks/corpus_report.py ../shared/corpus --with-names --show 20

Every .txt/.html/.htm/.vtt/.srt file under the folder is parsed as a *pasted* text: under a
neutral file name, so that the title, date and source must come from the text itself (as they
must when someone pastes a page). ``--with-names`` passes the real file names instead.

For each file the report gives: parsed or not (and why not), turns, speakers, the labels seen
only once, and these anomalies:

  nav_title        the title looks like navigation: a language bar, a breadcrumb, a logo or menu
                   item, a one- or two-word line that names no event ("Structure", "Events")
  nav_location     the location is a menu item or an issuing office ("Office of Communications")
  furniture        a paragraph inside a turn that looks like page furniture: a related-links or
                   share line ("See also", "Related News:", 相关新闻, "Direct link:"), a bare URL, a
                   copyright or licence line, a language bar, a photo caption ("... Photo: TASS",
                   or a heading-like line repeated in the text), a dated link line in a run of them,
                   a run of four or more menu-like lines
  literal_label    a turn containing "Name:" of a speaker of the same transcript at the start of
                   a paragraph or after the end of a sentence: a turn the parser missed
  long_turn        a turn over 3,000 words (a CJK character counts as half a word)
  date_missing     no date found (a date that differs from the file name's is ``date_wrong``)
  title_missing    no title found

The shapes are this report's own, kept apart from the parser's rules so that it measures rather
than repeats them. It needs no database and no Django settings.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.ingest.parse import ParseError, parse_text  # noqa: E402
from archive.ingest.reading import read_transcript_file  # noqa: E402

SUFFIXES = {".txt", ".html", ".htm", ".vtt", ".srt"}
LONG_TURN_WORDS = 3000
ANOMALIES = (
    "failed",
    "nav_title",
    "nav_location",
    "furniture",
    "literal_label",
    "long_turn",
    "date_missing",
    "date_wrong",
    "title_missing",
)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_ANYWHERE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4}\b"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\b\d{4}-\d{2}-\d{2}\b",
    re.I,
)

# Names of languages as a site's language switcher prints them.
LANGUAGE_NAMES = {
    "english", "français", "francais", "español", "espanol", "русский", "عربي", "العربية",
    "简体中文", "繁體中文", "中文", "deutsch", "italiano", "português", "日本語", "한국어",
    "english version", "русская версия", "türkçe", "polski", "українська", "فارسی", "हिन्दी",
    "nederlands", "svenska", "中文版", "english français", "العربیة",
}  # fmt: skip
_NAV_WORDS = re.compile(
    r"\b(?:logo|menu|skip to|search|subscribe|mobile version|home ?page|sign in|log in|"
    r"sitemap|site map|version for people|navigation|breadcrumb)\b",
    re.I,
)
_BREADCRUMB = re.compile(r"\S\s+[>›»|/]\s+\S")
_EVENT_WORDS = re.compile(
    r"\b(?:remarks|interview|briefing|conference|gaggle|call|statement|meeting|speech|address|"
    r"answers?|session|talks|debate|hearing|discussion|q\s*&\s*a|roundtable|forum|visit|"
    r"conversation|direct line|plenary|availability|message|readout|transcript)\b"
    r"|记者会|讲话|答问|采访|会见|会谈",
    re.I,
)
# An issuing office, not a place: "Office of Communications", "NATIONAL SECURITY COUNCIL", "Office
# of the Spokesperson" ("Oval Office" and "Council on Foreign Relations, Washington" are places).
_ISSUING_OFFICE = re.compile(
    r"^(?:the )?(?:office of\b|press office\b)|\b(?:council|communications|spokesperson|press "
    r"secretary|press service|bureau of [\w ]+)$",
    re.I,
)
_VENUE = re.compile(r"\b(?:room|hall|house|building|center|centre|palace|office|base|park)\b", re.I)
# A caption names an event or a scene: "Meeting with employees.", "At the Carriage Works."
_CAPTION_START = re.compile(
    r"^(?:at|with|during|before|after|in|on|visit|visiting|talking)\b", re.I
)
_LINK_LINES = {
    "see also", "appendix", "attachment", "attachments", "related news", "related", "related links",
    "related articles", "related content", "related stories", "read more", "more", "tags", "topics",
    "persons", "geography", "share", "share this", "print", "print this page", "send by email",
    "send to", "email", "suggest to a friend", "back to top", "top", "text version", "subscribe",
    "附件", "相关新闻", "相关链接", "推荐给朋友", "打印本页", "关闭窗口", "【打印】", "【关闭】",
    "contact us", "contacts", "directory", "for the media", "publication date", "direct link",
    "published in sections", "next post", "previous post", "facebook", "twitter", "vk",
    "livejournal", "youtube", "linkedin", "whatsapp",
}  # fmt: skip
_LINK_PREFIXES = re.compile(
    r"^(?:publication date|direct link|published in sections|see also|related news|related "
    r"articles|tags|topics|persons|geography|last updated|推荐给朋友|相关新闻|附件)\s*[:：]",
    re.I,
)
_URL_ALONE = re.compile(r"^<?https?://\S+>?$")
_COPYRIGHT = re.compile(
    r"copyright|©|all rights reserved|版权所有|licensed under|creative commons|京icp备", re.I
)
_PHOTO_CAPTION = re.compile(
    r"(?:^|[.!?)\s])(?:photo|photograph|фото|图片|圖片)\s*(?:by|courtesy of)?\s*[:：]\s*\S[^.!?]{0,60}$",
    re.I,
)
_SMALL = {
    "of", "the", "for", "and", "on", "in", "to", "at", "with", "a", "an", "by", "from", "de",
    "du", "des", "la", "le", "von", "van", "der", "s",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.?!…。？！:;,]$")
_STAGE = re.compile(r"^[(\[].*[)\]]$")


def words_of(text: str) -> float:
    """Words of a text; a CJK character counts as half a word."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk / 2


def is_language_bar(text: str) -> bool:
    """ "عربي Español Русский Français 简体中文": three or more language names and nothing else."""
    tokens = text.replace("|", " ").replace("/", " ").split()
    if len(tokens) < 3:
        return False
    named = sum(1 for t in tokens if t.casefold() in LANGUAGE_NAMES)
    return named >= 3 and named >= len(tokens) - 1


def heading_like(text: str) -> bool:
    """Title-cased words, at most a closing full stop: "Visit to the Grain Centre."."""
    body = text.rstrip(".")
    if _SENTENCE_END.search(body) or len(body) > 160:
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", body) if w.casefold() not in _SMALL]
    if len(words) < 2:
        return False
    return sum(1 for w in words if w[:1].isupper()) / len(words) >= 0.75


def is_caption(text: str) -> bool:
    """A photo caption's shape: a heading-like line, no comma or dash at the end, that names an
    event or a scene ("Visit to the Grain Centre.", "With the Governor.")."""
    if "," in text or text.endswith(("—", "–", "-")) or len(text.split()) < 3:
        return False
    return heading_like(text) and bool(_EVENT_WORDS.search(text) or _CAPTION_START.match(text))


def nav_title(title: str | None) -> str:
    """Why a title looks like navigation ("" when it does not)."""
    if not title:
        return ""
    if is_language_bar(title):
        return "language bar"
    if _BREADCRUMB.search(title) and not _EVENT_WORDS.search(title.split(">")[-1]):
        return "breadcrumb"
    if _NAV_WORDS.search(title):
        return "navigation word"
    if title.casefold().rstrip(":") in _LINK_LINES:
        return "link line"
    plain = [w for w in re.findall(r"[^\W\d_]+", title) if w.casefold() not in _SMALL]
    if len(plain) <= 2 and not _EVENT_WORDS.search(title) and not _CJK.search(title):
        return "one or two words, no event"
    return ""


def nav_location(location: str | None) -> str:
    if not location:
        return ""
    if nav_title(location) and nav_title(location) != "one or two words, no event":
        return nav_title(location)
    if any(_ISSUING_OFFICE.search(part.strip()) for part in location.split(",")):
        return "issuing office"
    if _EVENT_WORDS.search(location) and not _VENUE.search(location):
        return "names an event (a title, not a place)"
    return ""


def furniture_reason(paragraph: str, repeated: Counter[str]) -> str:
    """Why a paragraph inside a turn looks like page furniture ("" when it does not)."""
    text = paragraph.strip()
    key = text.casefold().rstrip(":：").strip()
    if key in _LINK_LINES:
        return "link or share line"
    if _LINK_PREFIXES.match(text):
        return "link or share line"
    if _URL_ALONE.match(text):
        return "bare URL"
    if len(text) < 200 and _COPYRIGHT.search(text):
        return "copyright or licence"
    if is_language_bar(text):
        return "language bar"
    if len(text) < 200 and _PHOTO_CAPTION.search(text):
        return "photo caption"
    if repeated[text] >= 2 and is_caption(text):
        return "caption repeated in the text"
    return ""


def _dated_link(text: str) -> bool:
    """ "Foreign Ministry Spokesperson's Regular Press Conference on April 3, 2020" or
    "2018年11月1日外交部发言人陆慷主持例行记者会(2018-11-01)": a link to another page."""
    if not _DATE_ANYWHERE.search(text) or len(text) > 160:
        return False
    if _CJK.search(text):
        return not re.search(r"[。？！，]", text)
    return heading_like(text)


def _menu_like(text: str) -> bool:
    return len(text.split()) <= 4 and len(text) <= 40 and not _SENTENCE_END.search(text)


def literal_labels(text: str, labels: set[str]) -> list[str]:
    """Labels of the transcript printed inside a turn where a turn would start."""
    found = []
    for label in labels:
        if not label:
            continue
        pattern = re.compile(
            r"(?:^|\n|(?<=[.?!…。？！\"”)\]]) |(?<=[。？！]))" + re.escape(label) + r" ?[:：]"
        )
        if pattern.search(text):
            found.append(label)
    return sorted(found)


def _name_date(name: str) -> datetime.date | None:
    if (m := _NAME_DATE.search(name)) is None:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def report_file(path: Path, root: Path, *, with_names: bool) -> dict:
    record: dict = {"file": str(path.relative_to(root))}
    try:
        decoded = read_transcript_file(path)
        filename = path.name if with_names else "pasted" + path.suffix
        parsed = parse_text(decoded.text, filename=filename, hints=decoded.hints)
    except ParseError as exc:
        record.update(parsed=False, error=str(exc), anomalies={"failed": [str(exc)]})
        return record

    speech = [t for t in parsed.turns if t.kind == "speech"]
    label_counts = Counter(t.label for t in speech)
    labels = set(label_counts)
    paragraphs = [p for t in parsed.turns for p in t.paragraphs]
    repeated = Counter(p.strip() for p in paragraphs)
    anomalies: dict[str, list] = {}

    def add(kind: str, item) -> None:
        anomalies.setdefault(kind, []).append(item)

    if not parsed.title:
        add("title_missing", "")
    elif why := nav_title(parsed.title):
        add("nav_title", f"{parsed.title!r} ({why})")
    if why := nav_location(parsed.location):
        add("nav_location", f"{parsed.location!r} ({why})")
    expected = _name_date(path.name)
    if parsed.date is None:
        add("date_missing", "")
    elif expected and parsed.date != expected:
        add("date_wrong", f"{parsed.date} (file name: {expected})")

    for turn in parsed.turns:
        paras = turn.paragraphs
        for i, paragraph in enumerate(paras):
            why = furniture_reason(paragraph, repeated)
            if not why and _dated_link(paragraph):
                neighbours = paras[max(0, i - 1) : i] + paras[i + 1 : i + 2]
                if any(_dated_link(p) for p in neighbours):
                    why = "dated link in a run of them"
            if why:
                add("furniture", f"turn {turn.position}: {paragraph[:80]!r} ({why})")
        run = 0
        for paragraph in paras:
            run = run + 1 if _menu_like(paragraph) and not _STAGE.match(paragraph) else 0
            if run == 4:
                add("furniture", f"turn {turn.position}: {paragraph[:80]!r} (run of menu lines)")
        if found := literal_labels(turn.text, labels):
            add("literal_label", f"turn {turn.position} ({turn.label}): {', '.join(found)}")
        if (n := words_of(turn.text)) > LONG_TURN_WORDS:
            add("long_turn", f"turn {turn.position} ({turn.label}): {int(n)} words")

    record.update(
        parsed=True,
        title=parsed.title,
        date=parsed.date.isoformat() if parsed.date else None,
        location=parsed.location,
        kind=parsed.kind,
        language=parsed.language,
        source=parsed.source_name,
        turns=len(parsed.turns),
        speakers=len(labels),
        labels_once=sorted(label for label, n in label_counts.items() if n == 1),
        anomalies=anomalies,
    )
    return record


def run(root: Path, *, with_names: bool = False) -> dict:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    records = [report_file(p, root, with_names=with_names) for p in files]
    totals: dict[str, int] = {
        "files": len(records),
        "parsed": sum(1 for r in records if r["parsed"]),
        "turns": sum(r.get("turns", 0) for r in records),
        "speakers": sum(r.get("speakers", 0) for r in records),
        "labels_once": sum(len(r.get("labels_once", [])) for r in records),
    }
    for kind in ANOMALIES:
        totals[kind] = sum(len(r["anomalies"].get(kind, [])) for r in records)
        totals[f"{kind}_files"] = sum(1 for r in records if r["anomalies"].get(kind))
    return {"root": str(root), "with_names": with_names, "totals": totals, "files": records}


def summary(report: dict, show: int) -> str:
    t = report["totals"]
    out = [
        f"Corpus report: {report['root']} "
        f"({'real file names' if report['with_names'] else 'parsed as pasted text'})",
        f"  files {t['files']}, parsed {t['parsed']}, failed {t['failed']}",
        f"  turns {t['turns']}, speakers {t['speakers']}, labels seen once {t['labels_once']}",
    ]
    for kind in ANOMALIES[1:]:
        out.append(f"  {kind:<14} {t[kind]:>5} in {t[f'{kind}_files']} files")
    by_folder: dict[str, Counter] = {}
    for r in report["files"]:
        folder = str(Path(r["file"]).parent)
        c = by_folder.setdefault(folder, Counter())
        c["files"] += 1
        c["turns"] += r.get("turns", 0)
        for kind, items in r["anomalies"].items():
            c[kind] += len(items)
    out.append("\nBy folder:")
    for folder, c in sorted(by_folder.items()):
        details = ", ".join(f"{k} {c[k]}" for k in ANOMALIES if c[k])
        out.append(f"  {folder}: {c['files']} files, {c['turns']} turns; {details or 'clean'}")
    if show:
        for kind in ANOMALIES:
            hits = [
                (r["file"], item) for r in report["files"] for item in r["anomalies"].get(kind, [])
            ]
            if hits:
                out.append(f"\n{kind} ({len(hits)}):")
                out.extend(f"  {name}: {item}" for name, item in hits[:show])
                if len(hits) > show:
                    out.append(f"  ... and {len(hits) - show} more")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path, help="write the whole report (per file) here")
    parser.add_argument("--with-names", action="store_true", help="parse with the file names")
    parser.add_argument("--show", type=int, default=10, help="examples listed per anomaly")
    args = parser.parse_args(argv)
    report = run(args.folder.resolve(), with_names=args.with_names)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(summary(report, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
