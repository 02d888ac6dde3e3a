"""The measure lifecycle is declared once and taken by an UPDATE conditioned on the state and
version read: a stale page or a concurrent step is refused and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from govtrust.core.errors import Conflict
from govtrust.core.models import AuditEvent
from govtrust.directory.models import Role, User
from govtrust.measures.models import Measure, MeasureStatus
from govtrust.measures.services import rectification as rectification_services
from govtrust.measures.services.rectification import rectification_submit, rectification_verify
from govtrust.measures.workflow import TRANSITIONS
from govtrust.records.models import Record
from tests.measures.test_rectification import REPORT, department_record, office, rectification

__all__ = ["department_record", "office"]

pytestmark = pytest.mark.django_db


def test_the_lifecycle_names_every_step_with_its_roles() -> None:
    """GIVEN the declared table WHEN read THEN hand-in belongs to the unit, verify and return to
    the credit office (return with a reason), self-corrections lift or lighten active ones."""
    assert TRANSITIONS["report"].sources == {MeasureStatus.ACTIVE}
    assert TRANSITIONS["report"].roles == {Role.CLERK, Role.REVIEWER}
    assert TRANSITIONS["verify"].roles == TRANSITIONS["return"].roles == {Role.CREDIT_OFFICE}
    assert TRANSITIONS["return"].needs_reason and not TRANSITIONS["verify"].needs_reason
    assert TRANSITIONS["return"].target == MeasureStatus.ACTIVE
    assert {TRANSITIONS["lift"].target, TRANSITIONS["lighten"].target} == {
        MeasureStatus.LIFTED,
        MeasureStatus.LIGHTENED,
    }


def test_a_stale_version_over_the_api_gets_409_and_changes_nothing(
    department_record: Record, clerk: User, office: User
) -> None:
    """GIVEN a report handed in (version 2) and sent back by the office (version 3)
    WHEN the unit posts again from the page it loaded at version 2
    THEN 409 with a Chinese message, and the measure and the audit log are as they were."""
    measure = rectification(department_record)
    rectification_submit(measure_id=measure.pk, report=REPORT, version=1, actor=clerk)
    rectification_verify(
        measure_id=measure.pk, accept=False, reason="缺少付款凭证", version=2, actor=office
    )
    before = Measure.objects.filter(pk=measure.pk).values().get()
    client = Client()
    client.force_login(clerk)  # signing in is audited too: count after it
    events = AuditEvent.objects.count()
    answer = client.post(
        f"/api/v1/measures/{measure.pk}/report",
        {"report": REPORT + "（第二稿）", "version": 2},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert "刷新" in answer.json()["detail"]
    assert Measure.objects.filter(pk=measure.pk).values().get() == before
    assert AuditEvent.objects.count() == events


def test_a_step_read_before_someone_elses_is_refused_by_the_update(
    department_record: Record, clerk: User, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the office reads a handed-in report, and before it decides the unit's report is
    sent back and handed in again by someone else
    WHEN the office's verification (of what it read) is written
    THEN the UPDATE finds the version changed: Conflict, and the new report stays unverified."""
    measure = rectification(department_record)
    rectification_submit(measure_id=measure.pk, report=REPORT, version=1, actor=clerk)
    read = Measure.objects.select_related("record").get(pk=measure.pk)  # what the office saw
    rectification_verify(
        measure_id=measure.pk, accept=False, reason="缺少付款凭证", version=2, actor=office
    )
    rectification_submit(measure_id=measure.pk, report=REPORT + "（补充）", version=3, actor=clerk)
    monkeypatch.setattr(rectification_services, "_measure", lambda pk, actor: read)
    with pytest.raises(Conflict):
        rectification_verify(measure_id=measure.pk, accept=True, reason="", version=2, actor=office)
    now = Measure.objects.get(pk=measure.pk)
    assert (now.status, now.version, now.report) == ("submitted", 4, REPORT + "（补充）")
