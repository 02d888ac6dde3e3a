"""Leftovers of a backup or restore killed mid-run are removed when a worker starts: only our own
work folders, only once they are older than the threshold, never a running backup's."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pytest
from django.test import override_settings

from govtrust import cli
from govtrust.core import scheduler
from govtrust.core.tempclean import clean_stale_temp
from tests.ops.test_backup_lock import another_backup_running

pytestmark = pytest.mark.django_db

DAY = 86400


def _leftover(path: Path, age: float, folder: bool = True) -> Path:
    if folder:
        path.mkdir(parents=True)
        (path / "archive.tar.tmp").write_bytes(b"partial")
        inside = [path / "archive.tar.tmp", path]
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
        inside = [path]
    then = time.time() - age
    for item in inside:
        os.utime(item, (then, then))
    return path


def test_stale_leftovers_are_removed_and_nothing_else(tmp_path: Path, settings: object) -> None:
    """Given, under var/ and the backup folder, a day-old backup work folder, a day-old restore
    work folder, a day-old evidence *.tmp, a fresh backup work folder (a backup running now),
    and day-old things that are not ours (an archive, an operator's folder), when the stale
    leftovers are cleaned with a 6-hour threshold, then exactly the three old ones go."""
    var, backups = tmp_path / "var", tmp_path / "backups"
    settings.VAR_DIR = str(var)  # type: ignore[attr-defined]
    old_backup = _leftover(backups / ".govtrust-backup-abc", DAY)
    old_restore = _leftover(var / ".govtrust-restore-def", DAY)
    old_evidence = _leftover(var / "evidence" / "f00d.pdf.tmp", DAY, folder=False)
    running = _leftover(backups / ".govtrust-backup-now", 60)
    archive = _leftover(backups / "govtrust-20261101T000000Z.tar", DAY, folder=False)
    operators = _leftover(backups / "old-stuff", DAY)
    upload = _leftover(var / "uploads" / "imports" / "x.upload.tmp", DAY, folder=False)
    with override_settings(GOVTRUST_BACKUP_DIR=str(backups)):
        removed = clean_stale_temp(max_age=6 * 3600)
    assert sorted(removed) == sorted([old_backup, old_restore, old_evidence])
    for gone in (old_backup, old_restore, old_evidence):
        assert not gone.exists()
    for kept in (running, archive, operators, upload):
        assert kept.exists()


def test_a_backup_folder_is_left_alone_while_a_backup_holds_the_lock(
    tmp_path: Path, settings: object
) -> None:
    var, backups = tmp_path / "var", tmp_path / "backups"
    settings.VAR_DIR = str(var)  # type: ignore[attr-defined]
    old_backup = _leftover(backups / ".govtrust-backup-slow", DAY)
    with override_settings(GOVTRUST_BACKUP_DIR=str(backups)), another_backup_running(var):
        assert clean_stale_temp(max_age=6 * 3600) == []
    assert old_backup.exists()


def test_the_worker_cleans_at_start(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`govtrust worker` removes a stale leftover before it starts its scheduler."""
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]
    leftover = _leftover(tmp_path / "var" / ".govtrust-restore-killed", 2 * DAY)

    class Started(Exception):
        pass

    def start() -> None:
        assert not leftover.exists(), "the scheduler started before the leftovers were removed"
        raise Started

    monkeypatch.setattr(scheduler, "start", start)
    with pytest.raises(Started):
        cli.cmd_worker(argparse.Namespace(interval=1))
