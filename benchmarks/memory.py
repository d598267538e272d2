"""Peak memory of ingest and check_index on the inputs that once took gigabytes (issue 12, item 3).

    python benchmarks/memory.py                       # SQLite + Whoosh, in /tmp/parley-memory
    python benchmarks/memory.py --database-url postgres://postgres@127.0.0.1:5432/parley_memory

Generates three files and runs each step as `manage.py` in a child process of its own, reporting
the child's peak resident memory (getrusage's ru_maxrss of that one child):
  header    600 short turns under a 4 MB page header (the text before the first label)
  big       a 19 MB transcript of about 40,000 turns (just under the ingest's 20 MB limit)
  check     check_index over everything loaded (and --repair after the index is emptied)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "united",
    "states",
    "and",
    "our",
    "allies",
    "will",
    "continue",
    "to",
    "support",
    "ukraine",
    "sanctions",
    "minsk",
    "agreements",
    "diplomacy",
    "security",
    "council",
    "president",
    "minister",
    "government",
    "people",
    "region",
    "conversation",
    "partners",
    "economic",
    "cooperation",
    "stability",
    "negotiations",
    "we",
    "believe",
    "that",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def header_file(path: Path, rng: random.Random) -> None:
    header = "\n".join(sentence(rng, 12) for _ in range(4 * 1024 * 1024 // 90))
    turns = [f"{'QUESTION' if n % 2 == 0 else 'MR. PRICE'}: {sentence(rng, 8)}" for n in range(600)]
    path.write_text(
        "Department Press Briefing\nMarch 8, 2022\n\n" + header + "\n\n" + "\n\n".join(turns)
    )


def big_file(path: Path, rng: random.Random) -> None:
    turns, size, n = [], 0, 0
    while size < 19 * 1024 * 1024:
        label = "QUESTION" if n % 2 == 0 else "MR. PRICE"
        turn = f"{label}: {sentence(rng, rng.randint(20, 120))}"
        turns.append(turn)
        size += len(turn) + 2
        n += 1
    path.write_text("Department Press Briefing\nMarch 9, 2022\n\n" + "\n\n".join(turns))


def run(env: dict, *args: str) -> tuple[float, float, str]:
    """(seconds, peak MB, last output line) of one manage.py command in a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    last = (output.strip().splitlines() or [""])[-1]
    if child.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/parley-memory"))
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    files = args.workdir / "files"
    files.mkdir(parents=True)
    rng = random.Random(12)
    header_file(files / "2022-03-08-header.txt", rng)
    big_file(files / "2022-03-09-big.txt", rng)
    env = {**os.environ, "PARLEY_DATA_DIR": str(args.workdir / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("PARLEY_SEARCH_ENGINE", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    run(env, "migrate", "--noinput")
    print(f"engine: {'postgres' if args.database_url else 'whoosh'}")
    for name in ("2022-03-08-header.txt", "2022-03-09-big.txt"):
        path = files / name
        seconds, peak, last = run(env, "ingest", "--quiet", str(path))
        print(
            f"ingest {name} ({path.stat().st_size / 1e6:.1f} MB): {seconds:.1f} s, peak {peak:.0f} MB"
        )
    seconds, peak, last = run(env, "check_index")
    print(f"check_index: {seconds:.1f} s, peak {peak:.0f} MB ({last})")


if __name__ == "__main__":
    main()
