"""Optional: the portal against a real streaming replica. Two PostgreSQL clusters of our own
(initdb, pg_basebackup -R) on free ports; the installation's primary is one, DATABASE_REPLICA_URL
the other, a hot standby. The portal answers with its publications and divisions read on the
standby (which refuses writes, so any write routed there would fail), and the primary's rows
reach it by streaming. Skipped where the PostgreSQL server binaries cannot be run (and on the
SQLite run: it is a PostgreSQL test)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import _free_port, _govtrust, _run

BIN = Path("/usr/lib/postgresql/15/bin")
CAUGHT_UP = """
import time
from django.db import connections
with connections["default"].cursor() as cursor:
    cursor.execute("SELECT pg_current_wal_lsn()::text")
    target = cursor.fetchone()[0]
for _ in range(120):
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
        if cursor.fetchone()[0]:
            break
    time.sleep(0.5)
"""
SNIPPET = """
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from govtrust.directory.models import Division
with CaptureQueriesContext(connections["replica"]) as standby:
    response = Client().get("/")
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    recovering = cursor.fetchone()[0]
print(response.status_code, recovering, len(standby.captured_queries) > 0,
      any("directory_division" in q["sql"] for q in standby.captured_queries))
"""


def _as_postgres(*command: str) -> list[str]:
    """Server binaries refuse root: run them as the postgres account when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _sh(*command: str) -> None:
    subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)


@pytest.fixture
def streaming_pair() -> Iterator[tuple[str, str]]:
    """(primary URL, standby URL) of two new clusters, the standby streaming from the primary."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL test (DATABASE_URL not set)")
    if not (BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("PostgreSQL server binaries not available")
    # Under /tmp itself: the postgres account cannot reach into pytest's private temp folders.
    root = Path(tempfile.mkdtemp(prefix="govtrust-replica-"))
    primary, standby = root / "primary", root / "standby"
    ports = (_free_port(), _free_port())
    started: list[Path] = []
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        _sh(str(BIN / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres")
        options = f"-p {ports[0]} -k {root} -c listen_addresses=127.0.0.1 -c wal_level=replica"
        started.append(primary)  # stopped on the way out even if start fails half-way
        log = str(root / "primary.log")  # a log file, or the server would hold our pipes open
        _sh(str(BIN / "pg_ctl"), "-D", str(primary), "-l", log, "-o", options, "-w", "start")
        _sh(
            str(BIN / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres"),
            *("-D", str(standby), "-R", "-X", "stream", "-c", "fast"),
        )
        options = f"-p {ports[1]} -k {root} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        started.append(standby)
        log = str(root / "standby.log")
        _sh(str(BIN / "pg_ctl"), "-D", str(standby), "-l", log, "-o", options, "-w", "start")
    except (OSError, subprocess.SubprocessError) as exc:
        for cluster in reversed(started):
            subprocess.run(
                _as_postgres(str(BIN / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not set up a streaming replica here: {exc}")
    try:
        yield (
            f"postgres://postgres@127.0.0.1:{ports[0]}/postgres",
            f"postgres://postgres@127.0.0.1:{ports[1]}/postgres",
        )
    finally:
        for cluster in reversed(started):
            subprocess.run(
                _as_postgres(str(BIN / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def test_the_portal_reads_from_a_streaming_standby(
    streaming_pair: tuple[str, str], tmp_path: Path
) -> None:
    """Given an installation set up on the primary and a standby streaming from it, when the
    portal is requested, then it answers 200 with its queries (the divisions loaded on the
    primary) run on the standby, which is in recovery, i.e. a read-only replica."""
    primary, standby = streaming_pair
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="govtrust.config.settings",
        GOVTRUST_VAR_DIR=str(tmp_path / "var"),
        GOVTRUST_HTTPS="0",
        GOVTRUST_ALLOWED_HOSTS="testserver",
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL=standby,
    )
    _govtrust(env, "setup")
    _run([sys.executable, "-c", "import django; django.setup()\n" + CAUGHT_UP], env)
    out = _run([sys.executable, "-c", "import django; django.setup()\n" + SNIPPET], env).stdout
    assert out.split() == ["200", "True", "True", "True"], out
