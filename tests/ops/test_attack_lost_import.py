"""An upload whose queue entry was lost (Redis down when the upload committed, so the on-commit
enqueue failed; or Redis restarted without its data) must not sit "排队中" for ever: the worker's
recovery queues it again once it has waited GOVTRUST_IMPORT_STALE_AFTER. Running a batch twice is
harmless (import_batch_run takes only a pending batch)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from govtrust.directory.models import User
from govtrust.records.models import ImportBatch
from govtrust.records.services.bulk import import_batch_create, imports_requeue_lost
from tests.records import sheets

pytestmark = pytest.mark.django_db


def test_a_pending_upload_whose_queue_entry_was_lost_is_queued_again(
    tmp_path: object, clerk: User
) -> None:
    """Given an upload committed as pending whose enqueue never happened, when the worker's
    recovery runs before the stale limit nothing happens, and after it the batch is queued
    again (the test's immediate task backend runs it) and imported."""
    cache.clear()
    path = sheets.xlsx(tmp_path / "lost.xlsx", [sheets.row() for _ in range(3)])  # type: ignore[operator]
    with path.open("rb") as handle:
        # The test transaction never commits, so its on-commit enqueue never runs: a lost entry.
        batch = import_batch_create(actor=clerk, source=handle, filename=path.name)
    assert batch.status == "pending"

    assert imports_requeue_lost(now=timezone.now() + datetime.timedelta(minutes=5)) == []
    batch.refresh_from_db()
    assert batch.status == "pending"

    later = timezone.now() + datetime.timedelta(minutes=20)
    assert [b.pk for b in imports_requeue_lost(now=later)] == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == "succeeded", batch.message
    assert ImportBatch.objects.filter(pk=batch.pk, status="pending").count() == 0


def test_an_upload_is_kept_when_the_queue_refuses_it(
    tmp_path: object,
    clerk: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Given the queue down (the enqueue raises) when an upload commits, then the upload does
    not fail (its row is committed: a 500 would make the clerk send it again), and the batch is
    left pending for imports_requeue_lost."""
    from govtrust.records import tasks

    class Refusing:
        def enqueue(self, *args: object) -> None:
            raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "run_import", Refusing())
    path = sheets.xlsx(tmp_path / "refused.xlsx", [sheets.row()])  # type: ignore[operator]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, path.open("rb") as handle:
        batch = import_batch_create(actor=clerk, source=handle, filename=path.name)
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == "pending"
