"""Revealing a citizen ID number: only to the record's own unit, only on request, always audited."""

from __future__ import annotations

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.protect import decrypt
from govtrust.directory.models import Role, User
from govtrust.records.models import Record
from govtrust.records.selectors import record_get

REVEAL_ROLES = frozenset({Role.CLERK, Role.REVIEWER})


def can_reveal(*, record: Record, actor: User) -> bool:
    return (
        actor.role in REVEAL_ROLES
        and actor.unit_id == record.reporting_government_id
        and record.subject_ric_cipher is not None
    )


@transaction.atomic
def record_reveal_identifier(*, record: Record, actor: User) -> str:
    """The full citizen ID of the record's subject, for the unit that reported it."""
    current = record_get(user=actor, pk=record.pk)  # scope first: NotFound outside it
    if current.subject_ric_cipher is None:
        raise DomainError("该记录的主体不是个人，没有身份证号码")
    if not can_reveal(record=current, actor=actor):
        raise Forbidden("只有报送单位的填报员、审核员可以查看完整身份证号码")
    audit_append(
        actor=actor.username,
        action="record.reveal_identifier",
        object_type="record",
        object_id=current.number,
        after={"subject_identifier": current.subject_ric_masked},
    )
    return decrypt(bytes(current.subject_ric_cipher))
