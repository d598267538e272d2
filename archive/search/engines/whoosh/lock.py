"""Who holds the Whoosh index's writer lock, and breaking it when its holder is gone.

Whoosh's writer lock is an flock on `<index>/MAIN_WRITELOCK`. The kernel releases an flock when
every process holding it has exited, so a lock outlives its writer only when a process that
inherited the lock's file stays alive: a multi-process writer's child (writer.py makes its
children close that file and die with their parent, so that this should not happen). Each writer
records itself beside the lock (`WRITER.json`: process id, command, start), so that a wait can say
what it waits for, and a lock whose recorded writer has exited can be told from a busy one and
broken: the processes that still hold the file, orphans of the dead writer, are stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

LOCK_FILE = "MAIN_WRITELOCK"
HOLDER_FILE = "WRITER.json"


def record_holder(index_path: str) -> None:
    """Note this process as the writer (called with the lock held)."""
    holder = {"pid": os.getpid(), "command": " ".join(sys.argv)[:300], "since": time.time()}
    with contextlib.suppress(OSError):  # an unwritable note never stops a write
        Path(index_path, HOLDER_FILE).write_text(json.dumps(holder), encoding="utf-8")


def clear_holder(index_path: str) -> None:
    try:
        path = Path(index_path, HOLDER_FILE)
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def read_holder(index_path: str) -> dict:
    try:
        return json.loads(Path(index_path, HOLDER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe_holder(index_path: str) -> str:
    """Who holds the lock, for a message: "process 4242 (manage.py ingest ...) since 15:02:11"."""
    lock = Path(index_path, LOCK_FILE)
    holder = read_holder(index_path)
    pid = holder.get("pid")
    if not pid:
        return f"the writer lock {lock} (its holder did not say who it is)"
    since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", 0)))
    state = "running" if _alive(pid) else "no longer running"
    return f"the writer lock {lock}, taken by process {pid} ({holder.get('command', '?')}) at {since}, {state}"


def processes_holding(index_path: str) -> list[int]:
    """The processes that have the lock file open (Linux /proc; empty elsewhere)."""
    lock = os.path.realpath(os.path.join(index_path, LOCK_FILE))
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            for fd in (entry / "fd").iterdir():
                if os.path.realpath(fd) == lock:
                    found.append(int(entry.name))
                    break
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def break_if_stale(index_path: str) -> bool:
    """When the recorded writer has exited but processes still hold the lock file (its orphaned
    children), stop those processes, so the lock is released. True when something was broken."""
    pid = read_holder(index_path).get("pid")
    if not pid or _alive(pid):
        return False
    orphans = processes_holding(index_path)
    for orphan in orphans:
        with contextlib.suppress(OSError):
            os.kill(orphan, signal.SIGKILL)
    for _ in range(50):
        if not any(_alive(orphan) for orphan in orphans):
            break
        time.sleep(0.02)
    return bool(orphans)
