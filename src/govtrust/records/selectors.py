"""Reads of records, all through the caller's data scope."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from govtrust.core.errors import Forbidden, NotFound
from govtrust.directory import scope
from govtrust.directory.models import Role, User
from govtrust.records.models import ImportBatch, Record, RecordEvent
from govtrust.records.workflow import Status

RECORD_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, Role.INSPECTOR})


def records_visible(user: User) -> QuerySet[Record]:
    """Records the user may read.

    - everyone: the own unit's subtree (scope by division prefix);
    - a clerk of a department: only what that department reported;
    - reviewers, credit office, inspectors: not other units' drafts, which are unfinished work.
    The three administrators see no business data (等保 separation of duties).
    """
    if user.role not in RECORD_ROLES:
        raise Forbidden("管理员角色不能查看业务数据")
    qs = scope.within(Record.objects.all(), user)
    if user.role == Role.CLERK:
        if user.department_id is not None:
            qs = qs.filter(reporting_department_id=user.department_id)
    else:
        qs = qs.filter(~Q(status=Status.DRAFT) | Q(created_by=user))
    return qs.select_related("reporting_government", "reporting_department")


def import_batches_visible(user: User) -> QuerySet[ImportBatch]:
    """Upload batches the user may follow: the same scope as records; a department's clerk sees
    its department's uploads only."""
    if user.role not in RECORD_ROLES:
        raise Forbidden("管理员角色不能查看业务数据")
    qs = scope.within(ImportBatch.objects.all(), user)
    if user.role == Role.CLERK and user.department_id is not None:
        qs = qs.filter(department_id=user.department_id)
    return qs.select_related("created_by")


def import_batch_get(*, user: User, pk: uuid.UUID | str) -> ImportBatch:
    try:
        batch = import_batches_visible(user).filter(pk=pk).first()
    except (ValueError, ValidationError):  # not a UUID: no such batch
        batch = None
    if batch is None:
        raise NotFound()
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
