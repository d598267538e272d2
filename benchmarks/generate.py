"""Generate a realistic synthetic archive: transcripts as the ingest reads them (text + sidecar).

The words come from a second-order Markov chain trained on the sample transcripts in fixtures/,
so vocabulary, word frequencies and recurring phrases ("the United States", "Minsk agreements")
look like real briefings. With `--mixed`, a tenth of the transcripts are in Chinese (characters
from a chain trained on the sample archive's Chinese press conference) and a tenth in Russian
(words from a chain trained on benchmarks/russian_sample.txt, invented sentences). Turn lengths
follow log-normal distributions (questions short, answers long); speakers are a fixed cast of officials and journalists; dates span 2009-2024.

    python benchmarks/generate.py --turns 100000 --out /tmp/parley-corpus-100k
    python benchmarks/generate.py --turns 100000 --mixed --out /tmp/parley-corpus-100k-mixed
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN_RE = re.compile(r"[\w’'\-]+|[.,?;:]")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
FIRST = [
    "James",
    "Maria",
    "Wei",
    "Ana",
    "Omar",
    "Priya",
    "Ned",
    "Linda",
    "Jake",
    "Karine",
    "Antony",
    "Kurt",
    "Jen",
    "Samantha",
    "Victoria",
    "Olu",
    "Hana",
    "Tomasz",
    "Ines",
    "Pedro",
    "Rahul",
    "Fatima",
    "Chen",
    "Yuki",
    "Sergei",
    "Amara",
    "Lars",
    "Sofia",
    "David",
    "Elena",
]
LAST = [
    "Price",
    "Thomas",
    "Sullivan",
    "Psaki",
    "Campbell",
    "Power",
    "Nuland",
    "Miller",
    "Patel",
    "Okafor",
    "Nakamura",
    "Kowalski",
    "Silva",
    "Ivanova",
    "Haddad",
    "Chen",
    "Garcia",
    "Jensen",
    "Rossi",
    "Dubois",
    "Muller",
    "Novak",
    "Mensah",
    "Kim",
    "Ortiz",
    "Tanaka",
    "Larsen",
    "Romero",
    "Bauer",
    "Costa",
]
KINDS = [
    "briefing",
    "briefing",
    "briefing",
    "interview",
    "press-conference",
    "remarks",
    "call",
    "gaggle",
]


class Markov:
    def __init__(self, texts: list[str], seed: int = 1, characters: bool = False):
        self.random = random.Random(seed)
        self.characters = characters  # Chinese: a chain of characters, written without spaces
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for text in texts:
            if characters:
                tokens = [".", *(char for char in text if CJK_RE.match(char) or char in "，。？")]
                tokens = ["." if char in "。？" else char for char in tokens]
            else:
                tokens = TOKEN_RE.findall(text)
            for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
                self.next[(a, b)].append(c)
                if a in ".?" and (b[:1].isupper() or characters) and b not in ".?，":
                    self.starts.append((b, c))

    def sentence_stream(self, words: int) -> str:
        out: list[str] = []
        a, b = self.random.choice(self.starts)
        out += [a, b]
        count = 2
        while count < words or out[-1] not in ".?":
            choices = self.next.get((a, b))
            if not choices or count > words * 2:
                if out[-1] not in ".?":
                    out.append(".")
                if count >= words:
                    break
                a, b = self.random.choice(self.starts)
                out += [a, b]
                count += 2
                continue
            c = self.random.choice(choices)
            out.append(c)
            count += c not in ".,?;:"
            a, b = b, c
        if self.characters:
            return "".join("。" if token in ".?" else token for token in out)
        text = " ".join(out)
        return re.sub(r" ([.,?;:])", r"\1", text)


def training_texts() -> list[str]:
    texts = []
    fixtures = ROOT / "fixtures"
    sources = [
        *fixtures.joinpath("transcripts").glob("*.txt"),
        *fixtures.joinpath("extra").glob("*.txt"),
    ]
    for path in sorted(sources, key=lambda path: path.name):  # the 17 real transcripts
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            body = (
                paragraph.split(":", 1)[1]
                if re.match(r"^[A-Z .'’]{2,40}:", paragraph)
                else paragraph
            )
            if len(body.split()) > 8:
                texts.append(body.strip())
    return texts


def chinese_texts() -> list[str]:
    path = (
        ROOT / "fixtures" / "transcripts" / "2019-09-03-china-mfa-regular-press-conference-zh.txt"
    )
    text = path.read_text(encoding="utf-8")
    return [part.split("：", 1)[1] for part in re.split(r"\n(?=[问答]：)", text) if "：" in part]


def russian_texts() -> list[str]:
    lines = (ROOT / "benchmarks" / "russian_sample.txt").read_text(encoding="utf-8").splitlines()
    return [" ".join(line for line in lines if not line.startswith("#"))]


def generate(
    turns: int, out: Path, seed: int = 7, mixed: bool = False, prefix: str = "synthetic"
) -> dict:
    rng = random.Random(seed)
    chains = {"en": Markov(training_texts(), seed=seed)}
    if mixed:
        chains["zh"] = Markov(chinese_texts(), seed=seed, characters=True)
        chains["ru"] = Markov(russian_texts(), seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    officials = [
        (
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            rng.choice(
                [
                    "Spokesperson",
                    "Secretary",
                    "Ambassador",
                    "Under Secretary",
                    "Press Secretary",
                    "National Security Advisor",
                ]
            ),
        )
        for _ in range(120)
    ]
    journalists = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(240)]
    outlets = ["Reuters", "AP", "AFP", "Bloomberg", "CNN", "BBC", "NHK", "Al Jazeera", "Politico"]
    written, number = 0, 0
    start = date(2009, 1, 1)
    while written < turns:
        number += 1
        day = start + timedelta(days=rng.randrange(0, 365 * 16))
        official_name, official_title = rng.choice(officials)
        official_label = f"{official_title.upper().split()[-1]} {official_name.split()[-1].upper()}"
        cast = rng.sample(journalists, 3)
        size = min(turns - written, max(4, int(rng.lognormvariate(3.7, 0.5))))
        language = rng.choices(["en", "zh", "ru"], [8, 1, 1])[0] if mixed else "en"
        chain = chains[language]
        paragraphs, speakers = (
            [],
            {official_label: {"name": official_name, "title": official_title, "kind": "official"}},
        )
        for position in range(size):
            if position % 2 == 0:
                journalist = rng.choice(cast)
                label = f"QUESTION ({journalist.split()[-1].upper()})"
                speakers[label] = {
                    "name": journalist,
                    "organisation": rng.choice(outlets),
                    "kind": "journalist",
                }
                length = max(5, int(rng.lognormvariate(3.4, 0.6)))
            else:
                label = official_label
                length = max(8, int(rng.lognormvariate(4.6, 0.7)))
            if language == "zh":
                length *= 2  # characters, about two to a word
            body = chain.sentence_stream(length)
            paragraphs.append(f"{label}:  {body}")
        name = f"{day.isoformat()}-{prefix}-{number:06d}"
        (out / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        sidecar = {
            "title": f"{rng.choice(KINDS).replace('-', ' ').title()} with {official_name} #{number}",
            "date": day.isoformat(),
            "kind": rng.choice(KINDS),
            "source_url": f"https://example.org/transcripts/{name}",
            "language": language,
            "speakers": speakers,
        }
        (out / f"{name}.json").write_text(json.dumps(sidecar), encoding="utf-8")
        written += size
    return {"turns": written, "transcripts": number}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mixed", action="store_true", help="a tenth Chinese, a tenth Russian")
    parser.add_argument(
        "--prefix",
        default="synthetic",
        help="in file names and source URLs (a second corpus for the same archive needs another)",
    )
    args = parser.parse_args()
    print(generate(args.turns, args.out, args.seed, args.mixed, args.prefix))


if __name__ == "__main__":
    main()
