"""SQLite's WAL checkpoint, off the request path.

In WAL mode SQLite copies the log back into the database (a checkpoint, with two fsyncs) inside
whichever commit pushes the log past `wal_autocheckpoint` pages (default 1,000): a request that
appended one log entry waited ~10-20 ms for it on this machine's disk (bench/README.md, "Session
5" and "Session 6" of the transparency log). The web processes' connections set the threshold to
`GOVTRUST_SQLITE_AUTOCHECKPOINT` pages (settings: 10,000, i.e. ~40 MB, a backstop for a server
run without a worker), and the worker runs this checkpointer beside its scheduler: every
`EVERY` seconds it looks at the WAL file (one stat) and, when it was written to, runs a PASSIVE
checkpoint on its own connection, which never blocks readers or writers.

The checkpointer uses its own plain sqlite3 connection, not Django's (a thread of its own, no
transactions of the worker's to share).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("govtrust.worker")

EVERY = 0.25  # seconds between looks at the WAL's size (a stat; a checkpoint only when needed)


def database_path() -> Path | None:
    """The SQLite database file of the default connection, or None on PostgreSQL."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Path(config["NAME"])


class Checkpointer:
    """PASSIVE checkpoints of one database file whenever its WAL was written to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._seen: tuple[int, int] | None = None  # the WAL file's (mtime, size) last looked at
        self.runs = 0

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            self._db.execute("PRAGMA wal_autocheckpoint=0")
        return self._db

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(f"{self.path}-wal")
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def due(self) -> bool:
        """Frames written since the last checkpoint: the WAL file changed. Its size alone does
        not tell (SQLite restarts the log from the file's beginning without shrinking it)."""
        seen = self._stat()
        return seen is not None and seen != self._seen

    def run(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, frames in the log, frames copied back)."""
        seen = self._stat()  # before: a write during the checkpoint makes the next one due
        db = self._connection()
        busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.runs += 1
        # Not all copied back (a reader still on old frames, or busy): look again next time.
        self._seen = None if busy or copied < frames else seen
        return int(busy), int(frames), int(copied)

    def tick(self) -> None:
        if self.due():
            self.run()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def loop(self, stop: threading.Event, every: float = EVERY) -> None:
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except sqlite3.Error:  # locked or away for a moment: the next look retries
                    log.exception("WAL checkpoint failed")
                    self.close()
                stop.wait(every)
        finally:
            self.close()


def start(path: Path | None = None, every: float = EVERY) -> threading.Event | None:
    """Start the checkpointer thread for the default database if it is SQLite; set the returned
    event to stop it. None on PostgreSQL (its own checkpointer process does this)."""
    path = path or database_path()
    if path is None:
        return None
    stop = threading.Event()
    checkpointer = Checkpointer(path)
    threading.Thread(
        target=checkpointer.loop, args=(stop, every), name="govtrust-wal-checkpoint", daemon=True
    ).start()
    return stop


def main() -> None:  # pragma: no cover - used by bench/bench_ledger.py as the worker's stand-in
    """`python -m govtrust.core.walcheckpoint PATH`: the worker's checkpointer alone, until
    killed."""
    import sys

    Checkpointer(Path(sys.argv[1])).loop(threading.Event())


if __name__ == "__main__":  # pragma: no cover
    main()
