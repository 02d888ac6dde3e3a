"""Leftovers of killed runs, removed when a worker starts.

A backup or restore killed with SIGKILL (or a power cut) cannot remove its work folder: the
backup's `.govtrust-backup-*` beside the archives (holding a partial database copy and archive),
the restore's `.govtrust-restore-*` under var/ (a database dump), and an evidence upload's
`*.tmp` file. Each can be as large as the database. At start the worker removes those older
than GOVTRUST_STALE_TEMP_AGE (default 6 hours, measured by the newest change inside, so a
running backup writing its archive is never touched), and only these names in these folders:
nothing else of the operator's is looked at. Backup folders are left alone while a backup
holds the lock (core/backup_lock.py).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from django.conf import settings

log = logging.getLogger("govtrust.worker")

BACKUP_PREFIX = ".govtrust-backup-"
RESTORE_PREFIX = ".govtrust-restore-"


def _newest_change(path: Path) -> float:
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            try:
                newest = max(newest, child.lstat().st_mtime)
            except FileNotFoundError:
                continue
    return newest


def _candidates() -> list[Path]:
    from govtrust.core.backup_lock import backup_running

    var = Path(settings.VAR_DIR)
    found: list[Path] = []
    folders = [var]
    if settings.GOVTRUST_BACKUP_DIR:
        folders.append(Path(settings.GOVTRUST_BACKUP_DIR))
    backups_busy = backup_running()
    for folder in folders:
        if not folder.is_dir():
            continue
        found += sorted(folder.glob(RESTORE_PREFIX + "*"))
        if not backups_busy:
            found += sorted(folder.glob(BACKUP_PREFIX + "*"))
    evidence = var / "evidence"
    if evidence.is_dir():
        found += sorted(p for p in evidence.glob("*.tmp") if p.is_file())
    return found


def clean_stale_temp(max_age: float | None = None, now: float | None = None) -> list[Path]:
    """Remove our leftovers older than `max_age` seconds; returns what was removed."""
    age = float(settings.GOVTRUST_STALE_TEMP_AGE if max_age is None else max_age)
    moment = time.time() if now is None else now
    removed = []
    for path in _candidates():
        try:
            if moment - _newest_change(path) < age:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        log.warning("removed the leftover of a killed run: %s", path)
        removed.append(path)
    return removed
