"""Rows to records, a chunk at a time, under the same rules as `record_create`.

Each row is validated by RecordIn, its subject resolved against the directory and the reporter's
scope, its deadline computed by the working-day engine, and checked for duplicates against the
database and the rest of the file; good rows are written with bulk inserts (records, their history
line and their audit events), which is where the speed of bulk intake comes from.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils import timezone
from pydantic import ValidationError

from govtrust.core.audit import audit_append, audit_append_many
from govtrust.core.bulk_insert import JsonText, ids_by, insert_rows, select_in
from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.core.validation import translate
from govtrust.core.workdays import Deadline
from govtrust.core.workdays.engine import Calendar
from govtrust.directory.models import Department, Government, User
from govtrust.records.models import Record, RecordEvent, SourceType
from govtrust.records.schemas import CHOICES, RecordIn
from govtrust.records.selectors import COURT_DELETED, court_deleted_on
from govtrust.records.services.deadlines import on_time, reporting_deadline
from govtrust.records.services.intake import (
    SubjectDirectory,
    decision_fields,
    next_numbers,
    snapshot_of,
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
    # Every (subject, decision) of the file so far, by a 16-byte digest of the pair: the one
    # thing held for each row (a tuple of two strings took ~330 bytes a row, 30 MB at 100,000).
    seen: dict[bytes, int] = field(default_factory=dict)
    deadlines: dict[datetime.date, Deadline] = field(default_factory=dict)
    calendar: Calendar | None = None  # read once per file: the table is small
    created: int = 0
    skipped: int = 0  # rows already registered (a file sent again): neither written nor errors
    court: bool = False  # the court's list: subjects by USCC, deletion rows end entries
    ended: int = 0  # court-list entries ended by the court's deletion

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


# Apps acting on the court's deletion of an entry (the publication ends, the measures are
# lifted) register here in their AppConfig.ready(); each is called with keywords record, reason,
# on, actor, in the import's transaction, and returns whether it changed anything.
_on_court_deletion: list[Callable[..., object]] = []
COURT_DELETION = "人民法院删除"


def register_on_court_deletion(hook: Callable[..., object]) -> None:
    if hook not in _on_court_deletion:
        _on_court_deletion.append(hook)


def court_subjects(
    rows: list[tuple[int, dict[str, Any]]],
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Court-list rows matched to their subject by USCC: a government or a department of the
    directory gives the row its kind and, where the sheet has none, its name."""
    usccs = {str(data.get("subject_identifier", "")) for _n, data in rows}
    known = {
        **{d.uscc: ("department", d.name) for d in Department.objects.filter(uscc__in=usccs)},
        **{g.uscc: ("government", g.name) for g in Government.objects.filter(uscc__in=usccs)},
    }
    matched, errors = [], []
    for number, data in rows:
        subject = known.get(str(data.get("subject_identifier", "")))
        if subject is None:
            message = "该统一社会信用代码未匹配到本平台登记的政府机关或部门"
            errors.append(RowError(number, "subject_identifier", message))
            continue
        data["subject_kind"] = subject[0]
        data["subject_name"] = data.get("subject_name") or subject[1]
        matched.append((number, data))
    return matched, errors


def _deletions(
    rows: list[tuple[int, dict[str, Any]]],
) -> tuple[dict[int, datetime.date], list[RowError]]:
    """The rows' deletion dates (taken out of the payload RecordIn checks)."""
    found, errors = {}, []
    for number, data in rows:
        day = data.pop("deleted_on", None)
        if day is None:
            continue
        decided = data.get("decision_date")
        if not isinstance(day, datetime.date):
            errors.append(RowError(number, "deleted_on", "应为日期，如 2025-03-05"))
        elif day > today_beijing():
            errors.append(RowError(number, "deleted_on", "不能晚于今天"))
        elif isinstance(decided, datetime.date) and day < decided:
            errors.append(RowError(number, "deleted_on", "不能早于发布日期"))
        else:
            found[number] = day
    return found, errors


def _mark_court_deleted(record: Record, on: datetime.date, actor: User) -> bool:
    """Note the court's deletion on the record itself, once: an entry deleted before it was
    accepted or published must never be published afterwards (法释〔2017〕7号 第十条), and the
    publication service refuses a record bearing this note (records.selectors.court_deleted_on)."""
    if court_deleted_on(record) is not None:
        return False
    RecordEvent.objects.create(
        record=record,
        actor=actor,
        action=COURT_DELETED,
        from_status=record.status,
        to_status=record.status,
        note=f"{COURT_DELETION}：{on.isoformat()}",
    )
    audit_append(
        actor=actor.username,
        action="record.court_deleted",
        object_type="record",
        object_id=record.number,
        after={"on": on, "status": record.status},
    )
    return True


def _court_delete(
    number: int, fields: dict[str, Any], on: datetime.date, intake: Intake
) -> RowError | None:
    """End the entry the court deleted, if it is registered; a second time changes nothing.
    Only a court-list entry is the court's to delete: a record of another source with the same
    subject and document number (an administrative penalty) is refused, not ended."""
    record = (
        Record.objects.filter(
            subject_key=fields["subject_key"], decision_key=fields["decision_key"]
        )
        .exclude(status=Status.RETURNED)
        .first()
    )
    if record is not None and record.source_type != SourceType.DEBTOR_LIST:
        message = (
            f"该案号对应的记录 {record.number} 不是失信被执行人名单记录，不能按人民法院删除结束"
        )
        return RowError(number, "decision_number", message)
    changed = False
    if record is not None and intake.write:
        changed = _mark_court_deleted(record, on, intake.actor)
        for hook in _on_court_deletion:
            changed = (
                bool(hook(record=record, reason=COURT_DELETION, on=on, actor=intake.actor))
                or changed
            )
    if changed:
        intake.ended += 1
    else:
        intake.skipped += 1
    return None


def import_chunk(rows: list[tuple[int, dict[str, Any]]], intake: Intake) -> list[RowError]:
    """Check a chunk of rows and, when `intake.write`, write the good ones as submitted records
    (court list: end the entries the court deleted)."""
    errors: list[RowError] = []
    deleted: dict[int, datetime.date] = {}
    if intake.court:
        rows, errors = court_subjects(rows)
        deleted, bad = _deletions(rows)
        errors += bad
        refused = {e.row for e in bad}
        rows = [(number, data) for number, data in rows if number not in refused]
    valid, invalid = _validate(rows, intake)
    errors += invalid
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
        if number in deleted:
            not_court = _court_delete(number, fields, deleted[number], intake)
            errors += [not_court] if not_court else []
            continue
        pair = f"{fields['subject_key']}\x1f{fields['decision_key']}".encode()
        key = hashlib.blake2b(pair, digest_size=16).digest()
        if key in intake.seen:
            message = f"与第{intake.seen[key]}行是同一主体的同一决定"
            errors.append(RowError(number, "decision_number", message))
            continue
        intake.seen[key] = number
        prepared.append((number, item, fields))
    existing = {
        (subject, decision): number
        for subject, decision, number in select_in(
            Record,
            ["subject_key", "decision_key", "number"],
            "subject_key",
            {f["subject_key"] for _n, _i, f in prepared},
            not_equal=("status", Status.RETURNED),
        )
    }
    # A row already in the database is skipped, not refused: sending a file again after fixing
    # its bad rows must neither duplicate the good ones nor fail because of them.
    good = [p for p in prepared if (p[2]["subject_key"], p[2]["decision_key"]) not in existing]
    intake.skipped += len(prepared) - len(good)
    if intake.write and good:
        _write(good, intake)
    return errors


@lru_cache(maxsize=1)
def _record_columns() -> tuple[tuple[str, ...], dict[str, Any]]:
    """Record's columns (attnames, key aside) and the default of each: what `Record(...)` would
    fill for a column the row does not name."""
    fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    return tuple(f.attname for f in fields), defaults


# The directory links of `subject_fields`: instances there, their keys in the row.
_LINKS = (
    ("subject_government", "subject_government_id"),
    ("subject_department", "subject_department_id"),
    ("subject_person", "subject_person_id"),
)


def _write(good: list[tuple[int, RecordIn, dict[str, Any]]], intake: Intake) -> None:
    """Write the chunk's records, their history lines and their audit events as rows, one
    `executemany` per table: the values come straight from the validated rows (no model
    instance is built only to be flattened again)."""
    actor, now = intake.actor, timezone.now()
    today = timezone.localdate(now)
    numbers = next_numbers(actor.scope_code, len(good))
    columns, defaults = _record_columns()
    common = {
        **defaults,
        "status": Status.SUBMITTED,
        "version": 1,
        "reporting_government_id": actor.unit_id,
        "reporting_department_id": actor.department_id,
        "division_code": actor.scope_code,
        "created_by_id": actor.pk,
        "submitted_at": now,
        "first_submitted_at": now,
        "created_at": now,
        "updated_at": now,
    }
    values: list[dict[str, Any]] = []
    snapshots: list[dict[str, Any]] = []
    penalties: dict[tuple[str, ...], JsonText] = {}  # a file names a few dozen combinations
    for number, (_row, _item, fields) in zip(numbers, good, strict=True):
        row = {**common, **fields, "number": number, "on_time": on_time(today, fields["due_date"])}
        snapshots.append({**snapshot_of(row), "batch": intake.batch_label})
        kinds = tuple(fields["penalties"])
        if kinds not in penalties:
            penalties[kinds] = JsonText(json.dumps(list(kinds)))  # as JSONField would store it
        row["penalties"] = penalties[kinds]
        for link, attname in _LINKS:
            linked = row.pop(link, None)
            row[attname] = None if linked is None else linked.pk
        values.append(row)
    insert_rows(Record, columns, [[row[c] for c in columns] for row in values])
    ids = ids_by(Record, "number", numbers)
    insert_rows(
        RecordEvent,
        ("record_id", "at", "actor_id", "action", "from_status", "to_status", "note"),
        [
            (ids[n], now, actor.pk, "import", "", Status.SUBMITTED, intake.batch_label)
            for n in numbers
        ],
    )
    audit_append_many(
        actor=actor.username,
        entries=[
            {
                "action": "record.import",
                "object_type": "record",
                "object_id": after["number"],
                "after": after,
            }
            for after in snapshots
        ],
    )
    intake.created += len(values)
