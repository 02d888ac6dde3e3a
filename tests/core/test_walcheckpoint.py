"""The WAL is checkpointed by the worker's checkpointer, not inside request commits."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from django.conf import settings

from govtrust.core import walcheckpoint


def _copied_back(path: Path) -> bool:
    """The pages written so far are in the database file itself (it grows only by a
    checkpoint), not just in its WAL."""
    return path.stat().st_size > 50 * 3000


def _writer(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # as a request's connection with no backstop
    db.execute("CREATE TABLE IF NOT EXISTS t (x BLOB)")
    return db


def test_request_connections_leave_the_checkpoint_to_the_worker() -> None:
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert (
            f"PRAGMA wal_autocheckpoint={settings.SQLITE_AUTOCHECKPOINT};"
            in (options["init_command"])
        )
        assert settings.SQLITE_AUTOCHECKPOINT >= 10 * 1_000  # well past SQLite's default


def test_checkpointer_copies_the_wal_back_only_when_it_was_written(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    writer = _writer(path)
    checkpointer = walcheckpoint.Checkpointer(path)
    for _ in range(50):
        writer.execute("INSERT INTO t VALUES (randomblob(3000))")
    assert not _copied_back(path)  # the commits copied nothing back

    assert checkpointer.due()
    busy, frames, copied = checkpointer.run()
    assert busy == 0 and copied == frames > 50
    assert not checkpointer.due()  # nothing written since: no second checkpoint
    runs = checkpointer.runs
    checkpointer.tick()
    assert checkpointer.runs == runs

    assert _copied_back(path)

    writer.execute("INSERT INTO t VALUES (randomblob(3000))")  # restarts the log at its start
    assert checkpointer.due()
    checkpointer.tick()
    assert checkpointer.runs == runs + 1
    writer.close()
    checkpointer.close()


def test_checkpointer_thread_runs_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    writer = _writer(path)
    for _ in range(60):
        writer.execute("INSERT INTO t VALUES (randomblob(3000))")
    assert not _copied_back(path)
    stop = walcheckpoint.start(path, every=0.01)
    assert stop is not None
    try:
        for _ in range(300):
            if _copied_back(path):
                break
            threading.Event().wait(0.01)
        assert _copied_back(path)
    finally:
        stop.set()
        writer.close()
