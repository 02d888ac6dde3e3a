"""One backup at a time: while a backup holds the installation's lock (a PostgreSQL advisory
lock every host sees, or a file lock on SQLite), a scheduled backup is skipped with a log line
and the scheduler queues none."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from govtrust.core import backup, backup_lock, scheduler
from govtrust.core.backup_files import archives

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def another_backup_running(var: Path) -> Iterator[None]:
    """The lock held as another host's (PostgreSQL: another session) or process's backup would."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "localhost",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_advisory_lock(%s)", [backup_lock.PG_LOCK_KEY])
            yield
            # As the backup's own session does when it ends normally: the server drops a closed
            # session's locks a moment after the disconnect, not at once.
            other.execute("SELECT pg_advisory_unlock(%s)", [backup_lock.PG_LOCK_KEY])
        return
    var.mkdir(parents=True, exist_ok=True)
    fd = os.open(var / backup_lock.LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def test_a_scheduled_backup_skips_while_another_runs_and_runs_after(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a backup in progress elsewhere, when the scheduled backup runs (queued by the
    scheduler or "back up now"), then it writes nothing and logs that it skipped; and the
    scheduler's look does not queue one. Once the other backup ends, the next run writes its
    archive."""
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]
    folder = tmp_path / "backups"
    monkeypatch.setenv("GOVTRUST_BACKUP_PASSPHRASE", "lock-test-passphrase")
    lines: list[str] = []
    monkeypatch.setattr(backup.log, "info", lambda message, *a: lines.append(message % a))
    monkeypatch.setattr(scheduler.log, "info", lambda message, *a: lines.append(message % a))
    queued: list[str] = []

    class Task:
        @staticmethod
        def enqueue() -> None:
            queued.append("backup")

    monkeypatch.setattr("govtrust.core.tasks.backup_scheduled", Task)
    with override_settings(GOVTRUST_BACKUP_DIR=str(folder)):
        with another_backup_running(tmp_path / "var"):
            assert backup_lock.backup_running()
            assert backup.backup_scheduled_run() is None
            scheduler._backup_if_due()
        assert queued == []
        assert archives(folder) == []
        assert any("skipped" in line for line in lines), lines
        assert any("still running" in line for line in lines), lines
        assert not backup_lock.backup_running()
        report = backup.backup_scheduled_run()
        scheduler._backup_if_due()  # a fresh archive: nothing due
    assert report is not None and archives(folder)[0].path == report.path
    assert queued == []


def test_a_manual_backup_is_refused_clearly_while_another_runs(
    tmp_path: Path, settings: object
) -> None:
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]
    with another_backup_running(tmp_path / "var"), pytest.raises(backup.BackupBusy) as exc:
        backup.backup_create(destination=tmp_path / "x.tar", passphrase="lock-test-passphrase")
    assert "另一个备份正在进行" in exc.value.detail
    assert not (tmp_path / "x.tar").exists()
