"""The scheduled backups' folder: names, the newest archive, and retention.

Archives are named govtrust-YYYYmmddTHHMMSSZ.tar so the folder itself is the record of what was
taken; nothing in the database has to agree with it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_NAME = re.compile(r"^govtrust-(\d{8}T\d{6}Z)\.tar$")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Archive:
    path: Path
    taken_at: datetime.datetime
    size: int


def archive_name(when: datetime.datetime) -> str:
    return f"govtrust-{when.astimezone(datetime.UTC).strftime(_STAMP)}.tar"


def archives(folder: Path) -> list[Archive]:
    """The folder's archives, newest first (partial files, *.tmp, are not archives)."""
    found = []
    for path in folder.glob("govtrust-*.tar") if folder.is_dir() else []:
        match = _NAME.match(path.name)
        if match:
            when = datetime.datetime.strptime(match.group(1), _STAMP).replace(tzinfo=datetime.UTC)
            found.append(Archive(path, when, path.stat().st_size))
    return sorted(found, key=lambda a: a.taken_at, reverse=True)


def last_backup() -> Archive | None:
    folder = settings.GOVTRUST_BACKUP_DIR
    found = archives(Path(folder)) if folder else []
    return found[0] if found else None


def to_keep(found: list[Archive], daily: int, weekly: int) -> set[Path]:
    """Grandfather-father retention: the newest archive of each of the last `daily` days and of
    each of the last `weekly` ISO weeks; everything else may go."""
    keep: set[Path] = set()
    days: set[datetime.date] = set()
    weeks: set[tuple[int, int]] = set()
    for archive in found:  # newest first, so the first of each day or week is its newest
        day = archive.taken_at.date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(archive.path)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(archive.path)
    return keep


def prune(folder: Path, daily: int, weekly: int) -> list[Path]:
    found = archives(folder)
    keep = to_keep(found, daily, weekly)
    removed = [a.path for a in found if a.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
