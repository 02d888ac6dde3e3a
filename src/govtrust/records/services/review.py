"""Lifecycle transitions: submit (clerk), accept and return (reviewer of the government above)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Record, RecordEvent
from govtrust.records.selectors import court_deleted_on, record_get
from govtrust.records.services.deadlines import on_time
from govtrust.records.services.intake import raise_if_duplicate, snapshot
from govtrust.records.services.reminders import reminder_returned
from govtrust.records.workflow import TRANSITIONS


def _transition(
    *,
    record: Record,
    actor: User,
    name: str,
    changes: Callable[[Record], dict[str, Any]],
    version: int | None,
    note: str = "",
) -> Record:
    """Move a record along one declared transition, exactly once.

    `changes` computes the fields to set from the record as read under the lock.
    The UPDATE names the state and version that were read, so of two reviewers pressing
    "accept" at the same moment one wins and the other gets a Conflict; nothing happens twice.
    """
    transition = TRANSITIONS[name]
    if actor.role not in transition.roles:
        raise Forbidden(f"您的角色无权{transition.label}该记录")
    current = record_get(user=actor, pk=record.pk)  # scope: NotFound outside it
    if current.status not in transition.sources:
        raise Conflict(f"记录当前状态为“{current.get_status_display()}”，不能{transition.label}")
    if version is not None and version != current.version:
        raise Conflict("记录已被他人修改，请刷新后重试")
    before = snapshot(current)
    try:
        with transaction.atomic():
            updated = Record.objects.filter(
                pk=current.pk, version=current.version, status=current.status
            ).update(
                status=transition.target,
                version=F("version") + 1,
                updated_at=timezone.now(),
                **changes(current),
            )
    except IntegrityError:  # resubmitting a returned record whose decision is now live elsewhere
        raise_if_duplicate(current.subject_key, current.decision_key, exclude=current.pk)
        raise
    if updated != 1:
        raise Conflict("记录已被他人处理，请刷新后重试")
    current.refresh_from_db()
    RecordEvent.objects.create(
        record=current,
        actor=actor,
        action=name,
        from_status=before["status"],
        to_status=current.status,
        note=note,
    )
    audit_append(
        actor=actor.username,
        action=f"record.{name}",
        object_type="record",
        object_id=current.number,
        before=before,
        after={**snapshot(current), **({"note": note} if note else {})},
    )
    return current


@transaction.atomic
def record_submit(*, record: Record, actor: User, version: int | None = None) -> Record:
    """Submit to the credit database; the first submission fixes the on-time flag."""
    now = timezone.now()

    def changes(current: Record) -> dict[str, Any]:
        fields: dict[str, Any] = {"submitted_at": now, "return_reason": ""}
        if current.first_submitted_at is None:
            fields["first_submitted_at"] = now
            fields["on_time"] = on_time(timezone.localdate(now), current.due_date)
        return fields

    return _transition(record=record, actor=actor, name="submit", changes=changes, version=version)


_on_accept: list[Callable[[Record, User], object]] = []


def register_on_accept(hook: Callable[[Record, User], object]) -> None:
    """Apps that act on an accepted record (the measures engine) register here in their
    AppConfig.ready(); the hook runs in the accept transaction, so both happen or neither."""
    if hook not in _on_accept:
        _on_accept.append(hook)


@transaction.atomic
def record_accept(*, record: Record, actor: User, version: int | None = None) -> Record:
    """Accept a submitted record into the government credit database; not a court-list entry
    the court has deleted meanwhile (its measures would be issued for nothing)."""
    fields = {"reviewed_by": actor, "reviewed_at": timezone.now()}

    def checked(current: Record) -> dict[str, Any]:
        # Asked once the actor's role, reach and the state are checked (in _transition).
        deleted = court_deleted_on(current)
        if deleted is not None:
            raise Conflict(f"该失信被执行人信息已于{deleted}经人民法院删除，请退回")
        return fields

    accepted = _transition(
        record=record, actor=actor, name="accept", changes=checked, version=version
    )
    for hook in _on_accept:
        hook(accepted, actor)
    return accepted


@transaction.atomic
def record_return(
    *, record: Record, actor: User, reason: str, version: int | None = None
) -> Record:
    """Return a submission to its unit with the reason it must correct."""
    reason = reason.strip()
    if not reason:
        raise DomainError("退回时必须填写原因", errors=[("reason", "请填写退回原因")])
    fields = {"reviewed_by": actor, "reviewed_at": timezone.now(), "return_reason": reason}
    returned = _transition(
        record=record,
        actor=actor,
        name="return",
        changes=lambda _r: fields,
        version=version,
        note=reason,
    )
    reminder_returned(returned)
    return returned


@dataclass(frozen=True)
class BulkOutcome:
    done: list[str]
    refused: list[tuple[str, str]]  # (record number or id, reason)


def records_review_bulk(
    *, record_ids: list[int], actor: User, action: str, reason: str = ""
) -> BulkOutcome:
    """Accept or return many submissions; each is its own transition, so one refusal (a record
    taken by a colleague meanwhile, or out of scope) leaves the others decided. A role that may
    not review is refused as a whole (403), not record by record."""
    policy.require(actor, "records.review")
    if action not in ("accept", "return"):
        raise DomainError("操作应为 accept 或 return", errors=[("action", "无效的操作")])
    if action == "return" and not reason.strip():
        raise DomainError("退回时必须填写原因", errors=[("reason", "请填写退回原因")])
    if len(record_ids) > 500:
        raise DomainError("一次最多处理500条记录")
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    for record_id in dict.fromkeys(record_ids):
        try:
            with transaction.atomic():
                record = record_get(user=actor, pk=record_id)
                if action == "accept":
                    record = record_accept(record=record, actor=actor)
                else:
                    record = record_return(record=record, actor=actor, reason=reason)
            done.append(record.number)
        except DomainError as exc:
            refused.append((str(record_id), exc.detail))
    return BulkOutcome(done, refused)
