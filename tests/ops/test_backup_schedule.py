"""Scheduled backups: the worker's run into the folder, retention, and when one is due."""

from __future__ import annotations

import datetime
import io
import tarfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from govtrust.core import scheduler
from govtrust.core.backup import backup_create, backup_restore, backup_scheduled_run
from govtrust.core.backup_files import archive_name, archives, to_keep
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _archive(folder: Path, when: datetime.datetime) -> Path:
    path = folder / archive_name(when)
    path.write_bytes(b"old")
    return path


def test_retention_keeps_seven_daily_and_four_weekly_archives(tmp_path: Path) -> None:
    """Given one archive a day for 60 days (and a second one on the newest day),
    when retention is computed for 7 daily and 4 weekly, then the newest of each of the last
    7 days is kept, plus the newest of each of the last 4 ISO weeks, and nothing else."""
    newest = datetime.datetime(2026, 11, 29, 3, 0, tzinfo=datetime.UTC)  # a Sunday
    for age in range(60):
        _archive(tmp_path, newest - age * DAY)
    _archive(tmp_path, newest - datetime.timedelta(hours=2))
    found = archives(tmp_path)
    kept = sorted(a.taken_at for a in found if a.path in to_keep(found, daily=7, weekly=4))
    days = [newest - age * DAY for age in range(7)]  # 23-29 Nov: ISO week 48 (Mon 23)
    weeks = [newest - 7 * DAY, newest - 14 * DAY, newest - 21 * DAY]  # Sundays of weeks 47-45
    assert kept == sorted([*days, *weeks])


def test_the_scheduled_backup_writes_an_archive_and_prunes_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a backup folder holding twenty old daily archives and a passphrase in the
    environment, when the worker's scheduled backup runs, then a new archive with a manifest is
    there, the folder is pruned to the retention, and the backup is audited."""
    monkeypatch.setenv("GOVTRUST_BACKUP_PASSPHRASE", "scheduled-passphrase")
    now = timezone.now()
    for age in range(1, 21):
        _archive(tmp_path, now - age * DAY)
    with override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path)):
        report = backup_scheduled_run()
    assert report is not None
    assert report.path.parent == tmp_path and report.path.name.startswith("govtrust-")
    with tarfile.open(report.path) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json" and "keys.enc" in names
    assert len(archives(tmp_path)) <= 7 + 4
    assert archives(tmp_path)[0].path == report.path
    event = AuditEvent.objects.get(action="backup.create")
    assert event.actor == "worker" and event.object_id == report.path.name
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".govtrust-backup-*"))


def test_the_scheduled_backup_needs_a_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given no GOVTRUST_BACKUP_PASSPHRASE, when the scheduled backup runs, then it refuses in
    Chinese and writes nothing (the keys are never stored unencrypted)."""
    monkeypatch.delenv("GOVTRUST_BACKUP_PASSPHRASE", raising=False)
    with override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path)), pytest.raises(DomainError) as exc:
        backup_scheduled_run()
    assert "GOVTRUST_BACKUP_PASSPHRASE" in exc.value.detail
    assert list(tmp_path.iterdir()) == []


def test_a_backup_is_queued_only_when_the_newest_archive_is_an_interval_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a backup folder, when the scheduler looks, then it queues a backup when the newest
    archive is older than the interval (or there is none), and not when a recent one is there."""
    queued: list[str] = []

    class Task:
        @staticmethod
        def enqueue() -> None:
            queued.append("backup")

    monkeypatch.setattr("govtrust.core.tasks.backup_scheduled", Task)
    with override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path), GOVTRUST_BACKUP_INTERVAL=86400):
        assert "backup" in [job.name for job in scheduler.default_jobs()]
        scheduler._backup_if_due()  # empty folder
        fresh = _archive(tmp_path, timezone.now() - datetime.timedelta(hours=1))
        scheduler._backup_if_due()  # a fresh archive
        fresh.unlink()
        _archive(tmp_path, timezone.now() - 2 * DAY)
        scheduler._backup_if_due()  # only an old one
    assert queued == ["backup", "backup"]
    with override_settings(GOVTRUST_BACKUP_DIR=""):
        assert "backup" not in [job.name for job in scheduler.default_jobs()]


def _rewrite(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of the archive with some members' contents replaced or added."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            handle = old.extractfile(member)
            data = change.pop(member.name, handle.read() if handle else b"")
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in change.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys.enc": b"{}"}, "keys.enc 的大小与清单不符"),
        ({"files/../../etc/cron.d/x": b"* * * * * root sh"}, "清单未列出的内容"),
    ],
)
def test_a_changed_archive_is_refused_before_anything_is_written(
    tmp_path: Path, change: dict[str, bytes], message: str
) -> None:
    """Given a good archive with one member changed or one added, when it is restored, then it is
    refused naming the problem, before the database or var/ is touched (the test database is not
    empty, and that refusal would come later)."""
    good = backup_create(destination=tmp_path / "good.tar", passphrase="tamper-passphrase").path
    bad = _rewrite(good, tmp_path / "bad.tar", dict(change))
    with pytest.raises(DomainError) as exc:
        backup_restore(source=bad, passphrase="tamper-passphrase")
    assert message in exc.value.detail
    with pytest.raises(DomainError) as wrong:
        backup_restore(source=good, passphrase="another-passphrase")
    assert "备份口令错误" in wrong.value.detail
