"""A real PostgreSQL streaming replica answers the public searches.

The test makes a throwaway pair of clusters of its own: `initdb` a primary on a free port (its
pg_hba.conf allows replication from 127.0.0.1), `pg_basebackup -R` from it into a second folder,
and starts that as a hot standby on another port. A child process (tests/routing_probe.py) runs
the application against the pair, with every query logged by the alias that ran it: the search
page, its JSON, the API and the feed are answered by the standby alone, a curator's requests and
an ingest by the primary, and a turn edited on the primary is found by the standby's searches
within a minute. Both clusters are stopped and removed at the end, whatever happened.

As root the server programs run as the `postgres` user (`runuser`); as another user, as that
user. Without PostgreSQL's server programs the test is skipped with the reason, unless
PARLEY_REQUIRE_REPLICA=1 (set by .ci/run), which makes it fail instead.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.test_replicas import assert_routed, run_probe

STARTUP = 60  # seconds for a cluster to start


def server_programs() -> Path | None:
    """PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup): PARLEY_PG_BIN, or the
    newest of Debian's /usr/lib/postgresql/<version>/bin, or those on the PATH."""
    candidates = [os.environ.get("PARLEY_PG_BIN", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )[::-1]
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).parent))
    for folder in filter(None, candidates):
        if all((Path(folder) / name).exists() for name in ("initdb", "pg_ctl", "pg_basebackup")):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pair:
    """A primary and its streaming replica in a temporary folder, owned by whoever runs them."""

    def __init__(self, programs: Path):
        self.programs = programs
        self.as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root
        self.folder = Path(tempfile.mkdtemp(prefix="parley-replica-"))
        self.primary, self.replica = self.folder / "primary", self.folder / "replica"
        self.ports = {self.primary: free_port(), self.replica: free_port()}
        self.started: list[Path] = []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, program: str, *args: str) -> None:
        command = [str(self.programs / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=STARTUP)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def url(self, cluster: Path) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[cluster]}/parley"

    def start(self, cluster: Path) -> None:
        options = (
            f"-p {self.ports[cluster]} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c fsync=off -c shared_buffers=16MB"
        )
        self.run("pg_ctl", "-D", str(cluster), "-o", options, "-l", f"{cluster}.log", "-w", "start")
        self.started.append(cluster)

    def create(self) -> None:
        self.run("initdb", "-D", str(self.primary), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start(self.primary)
        self.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.ports[self.primary]), "-U", "postgres"),
            *("-D", str(self.replica), "-R", "-X", "stream", "--no-sync"),
        )
        self.start(self.replica)
        # Created on the primary after the copy: the database itself comes by replication.
        import psycopg

        with psycopg.connect(self.url(self.primary).replace("/parley", "/postgres")) as db:
            db.autocommit = True
            db.execute("CREATE DATABASE parley")

    def remove(self) -> None:
        for cluster in reversed(self.started):
            # Stopped already, or never quite started: the folder is removed below anyway.
            with contextlib.suppress(Exception):
                self.run("pg_ctl", "-D", str(cluster), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + log.read_text(errors="replace")[-2000:]
            for log in sorted(self.folder.glob("*.log"))
        )


@pytest.fixture
def replica_pair():
    programs = server_programs()
    if programs is None:
        message = "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed"
        if os.environ.get("PARLEY_REQUIRE_REPLICA") == "1":
            pytest.fail(message)
        pytest.skip(message + ": the real-replica test is skipped.")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: PostgreSQL cannot be started as postgres.")
    pair = Pair(programs)
    try:
        pair.create()
        yield pair
    except Exception:
        print(pair.log_tail())
        raise
    finally:
        pair.remove()


def test_a_streaming_replica_answers_public_searches_and_receives_the_primarys_edits(
    replica_pair, tmp_path
):
    started = time.monotonic()
    report = run_probe(
        tmp_path, replica_pair.url(replica_pair.primary), replica_pair.url(replica_pair.replica)
    )
    assert report["in_recovery"] == {"default": False, "replica1": True}
    assert report["replica_caught_up"] is not None
    assert_routed(report)
    print(
        f"replica pair: probe {time.monotonic() - started:.1f} s; the edit reached the "
        f"replica's searches in {report['edit_reached_search']} s"
    )
