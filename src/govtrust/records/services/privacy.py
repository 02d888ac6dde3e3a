"""Revealing a citizen ID number: only to the record's own unit, only on request, always audited."""

from __future__ import annotations

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.protect import decrypt
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.selectors import record_get


def can_reveal(*, record: Record, actor: User) -> bool:
    return (
        policy.reveals(actor, record.reporting_government_id, record.reporting_department_id)
        and record.subject_ric_cipher is not None
    )


@transaction.atomic
def record_reveal_identifier(*, record: Record, actor: User) -> str:
    """The full citizen ID of the record's subject, for the unit that reported it."""
    current = record_get(user=actor, pk=record.pk)  # scope first: NotFound outside it
    if current.subject_ric_cipher is None:
        raise DomainError("该记录的主体不是个人，没有身份证号码")
    if not can_reveal(record=current, actor=actor):
        raise Forbidden(policy.CAPABILITIES["records.reveal"].refusal)
    audit_append(
        actor=actor.username,
        action="record.reveal_identifier",
        object_type="record",
        object_id=current.number,
        after={"subject_identifier": current.subject_ric_masked},
    )
    return decrypt(bytes(current.subject_ric_cipher))
