"""Creating and correcting records (drafts and returned records)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core import generation
from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.protect import protect_ric
from govtrust.core.workdays import Deadline
from govtrust.directory import policy
from govtrust.directory.models import CivilServant, Department, Government, User
from govtrust.records.models import Record, RecordCounter, RecordEvent, SubjectKind
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors import record_get
from govtrust.records.services.deadlines import reporting_deadline
from govtrust.records.workflow import EDITABLE, Status

_SPACES = re.compile(r"\s+")


def decision_key(number: str) -> str:
    """文书号 as compared for duplicates: half-width, no spaces, brackets unified.

    Departments write 〔2025〕, [2025], (2025) and ［2025］ for the same year bracket.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", number)).upper()
    return text.translate(
        str.maketrans(
            "〔［[(（【",
            "((((((",
        )
    ).translate(str.maketrans("〕］])）】", "))))))"))


def next_numbers(division_code: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive record numbers of the unit for this year."""
    year = timezone.localdate().year
    counter, _ = RecordCounter.objects.select_for_update().get_or_create(
        division_code=division_code, year=year
    )
    RecordCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    counter.refresh_from_db(fields=["last"])
    first = counter.last - count + 1
    return [f"{division_code}-{year}-{n:05d}" for n in range(first, counter.last + 1)]


class SubjectDirectory:
    """Directory entries matching a set of subjects, read in three queries (one per kind).

    The form and the API prepare one record at a time; the importer prepares a thousand rows
    against one SubjectDirectory, which is what keeps bulk intake on the same rules at speed.
    """

    def __init__(self, items: Sequence[RecordIn]) -> None:
        usccs = {d.subject_identifier for d in items if d.subject_kind != SubjectKind.CIVIL_SERVANT}
        self.protected = {
            d.subject_identifier: protect_ric(d.subject_identifier)
            for d in items
            if d.subject_kind == SubjectKind.CIVIL_SERVANT
        }
        self.governments = {g.uscc: g for g in Government.objects.filter(uscc__in=usccs)}
        self.departments = {d.uscc: d for d in Department.objects.filter(uscc__in=usccs)}
        digests = [p.digest for p in self.protected.values()]
        self.people = {p.ric_digest: p for p in CivilServant.objects.filter(ric_digest__in=digests)}


def subject_fields(
    data: RecordIn, actor: User, directory: SubjectDirectory, *, scope: str | None = None
) -> dict[str, Any]:
    """Snapshot the subject and link it to the directory where it is known there.

    A known subject outside the reporting unit's scope is refused: each government records the
    dishonesty of its own departments and civil servants (plan 三(二)2).
    """
    fields: dict[str, Any] = {
        "subject_kind": data.subject_kind,
        "subject_name": data.subject_name,
        "subject_government": None,
        "subject_department": None,
        "subject_person": None,
        "subject_uscc": "",
        "subject_ric_cipher": None,
        "subject_ric_masked": "",
    }
    division: str | None = None
    registered: str | None = None  # the name the directory holds for a known identifier
    if data.subject_kind == SubjectKind.CIVIL_SERVANT:
        protected = directory.protected[data.subject_identifier]
        fields.update(
            subject_ric_cipher=protected.cipher,
            subject_ric_masked=protected.masked,
            subject_key=protected.digest,
        )
        person = directory.people.get(protected.digest)
        if person is not None:
            fields["subject_person"], division = person, person.division_code
            registered = person.name
    else:
        fields.update(subject_uscc=data.subject_identifier, subject_key=data.subject_identifier)
        if data.subject_kind == SubjectKind.GOVERNMENT:
            government = directory.governments.get(data.subject_identifier)
            if government is not None:
                fields["subject_government"], division = government, government.division_id
                registered = government.name
        else:
            department = directory.departments.get(data.subject_identifier)
            if department is not None:
                fields["subject_department"], division = department, department.division_code
                registered = department.name
    if division is not None and not policy.covers_code(scope or actor.scope_code, division):
        raise DomainError(
            "该主体不在本单位管辖范围内",
            errors=[("subject_identifier", "该主体属于其他地区或单位，应由其所在单位报送")],
        )
    if registered is not None and "".join(data.subject_name.split()) != "".join(registered.split()):
        # A known identifier with another name is a typing error or a wrong person: the record
        # would be found (and screened) by the identifier under a name nobody checked.
        shown = "" if data.subject_kind == SubjectKind.CIVIL_SERVANT else f"“{registered}”"
        raise DomainError(
            "主体名称与证件号码不符",
            errors=[("subject_name", f"名录中该证件号码登记的名称为{shown or '另一姓名'}")],
        )
    return fields


def raise_if_duplicate(subject_key: str, key: str, exclude: int | None = None) -> None:
    others = Record.objects.filter(subject_key=subject_key, decision_key=key)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    first = others.exclude(status=Status.RETURNED).order_by("created_at").first()
    if first is not None:
        message = f"同一主体的同一决定已登记为记录 {first.number}，不能重复报送"
        raise Conflict(message, errors=[("decision_number", message)])


def decision_fields(data: RecordIn, deadline: Deadline) -> dict[str, Any]:
    return {
        "source_type": data.source_type,
        "domain": data.domain,
        "decision_number": data.decision_number,
        "decision_key": decision_key(data.decision_number),
        "decision_date": data.decision_date,
        "authority_name": data.authority_name,
        "authority_uscc": data.authority_uscc,
        "facts": data.facts,
        "basis": data.basis,
        "outcome": data.outcome,
        "amount": data.amount,
        "severity": data.severity,
        "safety_area": data.safety_area,
        "procedure": data.procedure,
        "penalties": [str(kind) for kind in data.penalties],
        "court_ground": data.court_ground,
        "extension_years": data.extension_years,
        "minor_published": data.minor_published,
        "arose_on": data.arose_on,
        "due_date": deadline.due_date,
        "due_provisional": deadline.provisional,
    }


def snapshot(record: Record) -> dict[str, Any]:
    """The audited view of a record: masked identifiers only, never the cipher."""
    return snapshot_of(_Attributes(record))


class _Attributes:
    """A model instance read by field name (deferred fields load as attribute access would)."""

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __getitem__(self, name: str) -> Any:
        return getattr(self.obj, name)


def snapshot_of(values: Mapping[str, Any] | _Attributes) -> dict[str, Any]:
    """`snapshot` from a record's values by field name: bulk intake audits rows it never turns
    into model instances."""
    amount = values["amount"]
    return {
        "number": values["number"],
        "status": values["status"],
        "subject_kind": values["subject_kind"],
        "subject_name": values["subject_name"],
        "subject_identifier": values["subject_uscc"] or values["subject_ric_masked"],
        "source_type": values["source_type"],
        "domain": values["domain"],
        "decision_number": values["decision_number"],
        "decision_date": str(values["decision_date"]),
        "severity": values["severity"],
        "procedure": values["procedure"],
        "penalties": list(values["penalties"] or []),
        "court_ground": values["court_ground"],
        "extension_years": values["extension_years"],
        "minor_published": values["minor_published"],
        "amount": str(amount) if amount is not None else None,
        "arose_on": str(values["arose_on"]),
        "due_date": str(values["due_date"]),
    }


@transaction.atomic
def record_create(
    *, data: RecordIn, actor: User, origin: str = "", reporting_unit: Government | None = None
) -> Record:
    """Record a draft for the actor's unit; its reporting due date is computed at once.
    `origin` names a substantiated report the draft comes from: its credit office may create it.
    `reporting_unit`, with `origin` only, is the unit the draft is recorded for when it is not
    the actor's: the body that verified a broken-promise complaint, whose accused unit declined
    to rectify (the remedies service has authorised the step through the policy); its staff
    complete and submit the draft, not the accused unit."""
    if reporting_unit is not None:
        if not origin:
            raise Forbidden("只有由投诉转来的记录草稿可以记在其他单位名下")
        scope, government, department = reporting_unit.division_id, reporting_unit, None
    elif not policy.permits(actor, "records.file") and not (
        origin and policy.permits(actor, "cases.office")
    ):
        raise Forbidden("只有填报员可以录入失信记录")
    else:
        scope, government, department = actor.scope_code, actor.unit, actor.department
    fields = {
        **subject_fields(data, actor, SubjectDirectory([data]), scope=scope),
        **decision_fields(data, reporting_deadline(data.arose_on)),
    }
    raise_if_duplicate(fields["subject_key"], fields["decision_key"])
    record = Record(
        number=next_numbers(scope)[0],
        reporting_government=government,
        reporting_department=department,
        division_code=scope,
        created_by=actor,
        **fields,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent insert of the same decision won the race
        raise_if_duplicate(fields["subject_key"], fields["decision_key"])
        raise
    RecordEvent.objects.create(
        record=record, actor=actor, action="create", to_status=record.status, note=origin
    )
    audit_append(
        actor=actor.username,
        action="record.create",
        object_type="record",
        object_id=record.number,
        after={**snapshot(record), **({"origin": origin} if origin else {})},
    )
    return record


@transaction.atomic
def record_update(*, record: Record, data: RecordIn, actor: User, version: int) -> Record:
    """Correct a draft or a returned record. `version` is the one the editor loaded."""
    policy.require(actor, "records.file")
    current = record_get(user=actor, pk=record.pk)
    if current.status not in EDITABLE:
        raise Conflict(f"记录状态为“{current.get_status_display()}”，不能修改")
    if current.version != version:
        raise Conflict("记录已被他人修改，请刷新后重试")
    before = snapshot(current)
    fields = {
        **subject_fields(data, actor, SubjectDirectory([data])),
        **decision_fields(data, reporting_deadline(data.arose_on)),
    }
    if current.status != Status.RETURNED:
        raise_if_duplicate(fields["subject_key"], fields["decision_key"], exclude=current.pk)
    updated = Record.objects.filter(pk=current.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise Conflict("记录已被他人修改，请刷新后重试")
    if (current.subject_name, current.subject_key) != (
        fields["subject_name"],
        fields["subject_key"],
    ):
        generation.bump(generation.RESTRICTIONS)  # screening's cached Index matches both
    current.refresh_from_db()
    RecordEvent.objects.create(
        record=current,
        actor=actor,
        action="update",
        from_status=current.status,
        to_status=current.status,
    )
    audit_append(
        actor=actor.username,
        action="record.update",
        object_type="record",
        object_id=current.number,
        before=before,
        after=snapshot(current),
    )
    return current
