"""Found by trying remedies as a lawyer would (issue 12): an objection upheld by withdrawing the
record (the decision was revoked, the record is wrong) took it off the portal, but its measures
stayed 执行中 and award screening still answered 受限 for the subject. Withdrawn for an upheld
objection, a record must stop being used, as after an approved repair."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.measures.models import Measure, MeasureStatus
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act
from govtrust.screening.engine import Index

pytestmark = pytest.mark.django_db


def test_an_objection_upheld_by_withdrawing_the_record_lifts_its_measures(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    case = objection().case
    record = case.record
    assert record is not None
    running = Measure.objects.filter(
        record=record, status__in=[MeasureStatus.ACTIVE, MeasureStatus.LIGHTENED]
    )
    assert running.exists()
    assert record.subject_key in Index(datetime.date.today()).by_key
    case = case_act(number=case.number, action="accept", actor=office, version=1)

    case_act(
        number=case.number,
        action="uphold",
        actor=clerk,
        version=case.version,
        reason="处罚决定已被撤销",
        withdraw=True,
    )

    assert not running.exists()
    lifted = Measure.objects.filter(record=record, status=MeasureStatus.LIFTED)
    assert lifted.exists() and all(case.number in m.mitigation_note for m in lifted)
    assert record.subject_key not in Index(datetime.date.today()).by_key
    assert AuditEvent.objects.filter(action="measure.lift", object_id=record.number).exists()
