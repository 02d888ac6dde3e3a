"""A killed import: the worker finds the batch left "running" and says what it had committed."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.records.models import ImportBatch, Record
from govtrust.records.services import bulk_rows
from govtrust.records.services.bulk import (
    import_batch_create,
    import_batch_run,
    imports_recover_stale,
)
from tests.records import sheets

pytestmark = pytest.mark.django_db

ROWS = 5
CHUNK = 2


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the import's own error handling runs."""


def _killed_half_way(
    tmp_path: Path, clerk: User, monkeypatch: pytest.MonkeyPatch, mode: str
) -> ImportBatch:
    monkeypatch.setattr("govtrust.records.services.bulk.CHUNK", CHUNK)
    real = bulk_rows.import_chunk
    calls = {"n": 0}

    def dies_on_second_chunk(rows: Any, intake: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed
        return real(rows, intake)

    monkeypatch.setattr("govtrust.records.services.bulk.import_chunk", dies_on_second_chunk)
    path = sheets.xlsx(tmp_path / "killed.xlsx", [sheets.row() for _ in range(ROWS)])
    with path.open("rb") as handle:
        batch = import_batch_create(actor=clerk, source=handle, filename=path.name, mode=mode)
    with pytest.raises(Killed):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "running"  # what a killed worker leaves behind
    return batch


def _later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_killed_valid_rows_import_is_failed_with_its_committed_rows_counted(
    tmp_path: Path, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a valid-rows import killed after committing its first chunk of two rows,
    when the worker looks 20 minutes later (stale after 15),
    then the batch is failed, counts the 2 records that stay, says so, and the end is audited."""
    batch = _killed_half_way(tmp_path, clerk, monkeypatch, "valid_rows")
    recovered = imports_recover_stale(now=_later(20))
    batch.refresh_from_db()
    assert [b.pk for b in recovered] == [batch.pk]
    assert batch.status == "failed" and batch.created_count == CHUNK
    assert Record.objects.count() == CHUNK
    assert "导入中断" in batch.message and f"已导入的{CHUNK}条保留" in batch.message
    assert batch.processed_rows == CHUNK and batch.finished_at is not None
    finish = AuditEvent.objects.filter(action="import.finish", object_id=str(batch.pk)).get()
    assert finish.outcome == "failure" and (finish.after or {}).get("created") == CHUNK


def test_a_killed_all_or_nothing_import_is_failed_with_nothing_kept(
    tmp_path: Path, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given an all-or-nothing import killed half-way (its transaction died with it),
    when the worker looks after the stale time, then the batch is failed, no record stays and
    the message says nothing was imported."""
    batch = _killed_half_way(tmp_path, clerk, monkeypatch, "all_or_nothing")
    imports_recover_stale(now=_later(20))
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.created_count == 0
    assert Record.objects.count() == 0
    assert "未导入任何记录" in batch.message


def test_an_import_still_making_progress_is_left_alone(
    tmp_path: Path, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a running import whose last progress is recent, when the worker looks before the
    stale time has passed since that progress, then the batch keeps running."""
    batch = _killed_half_way(tmp_path, clerk, monkeypatch, "valid_rows")
    assert imports_recover_stale(now=_later(10)) == []
    batch.refresh_from_db()
    assert batch.status == "running"
