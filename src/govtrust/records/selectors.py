"""Reads of records, all through the caller's data scope."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from govtrust.core.audit import audit_append
from govtrust.core.errors import Forbidden, NotFound
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import ImportBatch, Record, RecordEvent
from govtrust.records.workflow import Status

# The record event noting that the court deleted (or revoked) a court-list entry.
COURT_DELETED = "court_deleted"


def court_deleted_on(record: Record) -> datetime.date | None:
    """The day the court deleted this court-list entry, if a court list said so (bulk_rows)."""
    note = (
        RecordEvent.objects.filter(record=record, action=COURT_DELETED)
        .values_list("note", flat=True)
        .first()
    )
    if note is None:
        return None
    try:
        return datetime.date.fromisoformat(note.rsplit("：", 1)[-1])
    except ValueError:
        return datetime.date.min


def records_visible(user: User) -> QuerySet[Record]:
    """Records the user may read.

    - everyone: what the access policy lets them reach (their government's subtree; a
      department's account: what that department reported);
    - reviewers, credit office, inspectors: not other units' drafts, which are unfinished work.
    The three administrators see no business data (等保 separation of duties).
    """
    qs = policy.drafts_hidden(policy.within(Record.objects.all(), user), user, draft=Status.DRAFT)
    return qs.select_related("reporting_government", "reporting_department")


def import_batches_visible(user: User) -> QuerySet[ImportBatch]:
    """Upload batches the user may follow: the same scope as records; a department's clerk sees
    its department's uploads only."""
    qs = policy.within(ImportBatch.objects.all(), user)
    return qs.select_related("created_by")


def import_batch_get(*, user: User, pk: uuid.UUID | str) -> ImportBatch:
    try:
        batch = import_batches_visible(user).filter(pk=pk).first()
    except (ValueError, ValidationError):  # not a UUID: no such batch
        batch = None
    if batch is None:
        raise NotFound()
    return batch


def import_report_read(*, user: User, pk: uuid.UUID | str) -> ImportBatch:
    """An upload's error report for download. It repeats the uploaded rows, full citizen ID
    numbers included, so only the unit that uploaded it may read it (as only it may reveal an
    ID, PIPL art. 51), and each download is audited."""
    batch = import_batch_get(user=user, pk=pk)
    if not policy.reveals(user, batch.unit_id, batch.department_id):
        raise Forbidden("错误报告含上传文件中的完整证件号码，只有上传单位可以下载")
    audit_append(
        actor=user.username,
        action="import.report_download",
        object_type="import_batch",
        object_id=str(batch.pk),
        after={"filename": batch.filename},
    )
    return batch


def record_get(*, user: User, pk: int) -> Record:
    record = records_visible(user).filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record


def record_list(*, user: User, status: str | None = None, q: str | None = None) -> QuerySet[Record]:
    qs = records_visible(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(subject_name__icontains=q) | Q(decision_number__icontains=q)
        )
    return qs.order_by("-created_at", "-id")


def record_history(*, record: Record) -> QuerySet[RecordEvent]:
    return record.events.select_related("actor").order_by("at", "id")
