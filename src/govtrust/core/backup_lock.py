"""One backup at a time on an installation, across worker hosts.

A backup can outlast the scheduler's ten-minute look, and "back up now" can queue one beside the
scheduled one; two at once would double the load and race on retention. The running backup holds:
- on PostgreSQL, a session advisory lock on the installation's database (pg_try_advisory_lock),
  which every host sees, held by the backup's own connection and released by the server when
  that connection ends, so a killed backup never blocks the next one;
- on SQLite (one host by construction), an exclusive flock on var/backup.lock, released by the
  kernel when the process dies.
A second backup does not wait: it is told the lock is taken (and the scheduled one skips).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

# pg advisory lock key: "govtbkup" as a big-endian 64-bit integer (fits a signed bigint).
PG_LOCK_KEY = int.from_bytes(b"govtbkup", "big") & 0x7FFF_FFFF_FFFF_FFFF
LOCK_FILE = "backup.lock"


@contextlib.contextmanager
def _pg_lock() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PG_LOCK_KEY])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_LOCK_KEY])


@contextlib.contextmanager
def _file_lock() -> Iterator[bool]:
    folder = Path(settings.VAR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def one_backup_at_a_time() -> Iterator[bool]:
    """Yields True while this process holds the installation's backup lock, False (at once)
    when another backup holds it."""
    lock = _pg_lock if connection.vendor == "postgresql" else _file_lock
    with lock() as held:
        yield held


def backup_running() -> bool:
    """Whether another backup holds the lock now (the scheduler's look before queueing)."""
    with one_backup_at_a_time() as held:
        return not held
