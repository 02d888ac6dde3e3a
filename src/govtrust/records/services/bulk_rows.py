"""Rows to records, a chunk at a time, under the same rules as `record_create`.

Each row is validated by RecordIn, its subject resolved against the directory and the reporter's
scope, its deadline computed by the working-day engine, and checked for duplicates against the
database and the rest of the file; good rows are written with bulk inserts (records, their history
line and their audit events), which is where the speed of bulk intake comes from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from pydantic import ValidationError

from govtrust.core.audit import audit_append_many
from govtrust.core.bulk_insert import ids_by, insert_many
from govtrust.core.errors import DomainError
from govtrust.core.validation import translate
from govtrust.core.workdays import Deadline
from govtrust.core.workdays.engine import Calendar
from govtrust.directory.models import User
from govtrust.records.models import Record, RecordEvent
from govtrust.records.schemas import CHOICES, RecordIn
from govtrust.records.services.deadlines import on_time, reporting_deadline
from govtrust.records.services.intake import (
    SubjectDirectory,
    decision_fields,
    next_numbers,
    snapshot,
    subject_fields,
)
from govtrust.records.workflow import Status


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based row number in the sheet, as Excel shows it
    field: str
    message: str


@dataclass
class Intake:
    """State carried across the chunks of one file."""

    actor: User
    batch_label: str
    legacy: bool = False
    write: bool = True
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    deadlines: dict[datetime.date, Deadline] = field(default_factory=dict)
    calendar: Calendar | None = None  # read once per file: the table is small
    created: int = 0
    skipped: int = 0  # rows already registered (a file sent again): neither written nor errors

    def deadline(self, arose_on: datetime.date) -> Deadline:
        if arose_on not in self.deadlines:
            if self.calendar is None:
                self.calendar = Calendar.whole()
            self.deadlines[arose_on] = reporting_deadline(arose_on, self.calendar)
        return self.deadlines[arose_on]


def _validate(
    rows: list[tuple[int, dict[str, Any]]], intake: Intake
) -> tuple[list[tuple[int, RecordIn]], list[RowError]]:
    valid, errors = [], []
    for number, data in rows:
        try:
            item = RecordIn.model_validate(data)
        except ValidationError as exc:
            errors += [
                RowError(number, e["field"], e["message"]) for e in translate(exc.errors(), CHOICES)
            ]
            continue
        valid.append((number, item))
    return valid, errors


def import_chunk(rows: list[tuple[int, dict[str, Any]]], intake: Intake) -> list[RowError]:
    """Check a chunk of rows and, when `intake.write`, write the good ones as submitted records."""
    valid, errors = _validate(rows, intake)
    directory = SubjectDirectory([item for _n, item in valid])
    prepared: list[tuple[int, RecordIn, dict[str, Any]]] = []
    for number, item in valid:
        try:
            fields = {
                **subject_fields(item, intake.actor, directory),
                **decision_fields(item, intake.deadline(item.arose_on)),
            }
        except DomainError as exc:
            errors += [RowError(number, f, m) for f, m in exc.errors or [("", exc.detail)]]
            continue
        key = (fields["subject_key"], fields["decision_key"])
        if key in intake.seen:
            message = f"与第{intake.seen[key]}行是同一主体的同一决定"
            errors.append(RowError(number, "decision_number", message))
            continue
        intake.seen[key] = number
        prepared.append((number, item, fields))
    existing = {
        (subject, decision): number
        for subject, decision, number in Record.objects.filter(
            subject_key__in={f["subject_key"] for _n, _i, f in prepared}
        )
        .exclude(status=Status.RETURNED)
        .values_list("subject_key", "decision_key", "number")
    }
    # A row already in the database is skipped, not refused: sending a file again after fixing
    # its bad rows must neither duplicate the good ones nor fail because of them.
    good = [p for p in prepared if (p[2]["subject_key"], p[2]["decision_key"]) not in existing]
    intake.skipped += len(prepared) - len(good)
    if intake.write and good:
        _write(good, intake)
    return errors


def _write(good: list[tuple[int, RecordIn, dict[str, Any]]], intake: Intake) -> None:
    actor, now = intake.actor, timezone.now()
    today = timezone.localdate(now)
    numbers = next_numbers(actor.scope_code, len(good))
    records = [
        Record(
            number=number,
            status=Status.SUBMITTED,
            reporting_government=actor.unit,
            reporting_department=actor.department,
            division_code=actor.scope_code,
            created_by=actor,
            submitted_at=now,
            first_submitted_at=now,
            on_time=on_time(today, fields["due_date"]),
            **fields,
        )
        for number, (_row, _item, fields) in zip(numbers, good, strict=True)
    ]
    insert_many(Record, records)
    ids = ids_by(Record, "number", numbers)
    for record in records:
        record.pk = ids[record.number]
    insert_many(
        RecordEvent,
        [
            RecordEvent(
                record=record,
                actor=actor,
                action="import",
                from_status="",
                to_status=Status.SUBMITTED,
                note=intake.batch_label,
            )
            for record in records
        ],
    )
    audit_append_many(
        actor=actor.username,
        entries=[
            {
                "action": "record.import",
                "object_type": "record",
                "object_id": record.number,
                "after": {**snapshot(record), "batch": intake.batch_label},
            }
            for record in records
        ],
    )
    intake.created += len(records)
