"""Rectification: hand in, verify or send back, escalate when overdue, count in the figures."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.measures.models import Escalation, Measure
from govtrust.measures.services.rectification import (
    rectification_submit,
    rectification_verify,
    rectifications_escalate,
)
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db
REPORT = "已全额支付拖欠款项，建立合同付款台账，由分管领导每月核查，并对相关责任人进行了约谈。"


@pytest.fixture
def department_record(clerk: User, reviewer: User) -> Record:
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="department",
            subject_name="城关区财政局",
            subject_identifier=new_uscc(),
            severity="general",
        )
    )
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    return record_accept(record=record, actor=reviewer)


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_lz", "credit_office", "6201")


def rectification(record: Record) -> Measure:
    return Measure.objects.get(record=record, kind="rectification")


def test_report_is_handed_in_sent_back_and_verified(
    department_record: Record, clerk: User, office: User, sibling_reviewer: User
) -> None:
    measure = rectification(department_record)
    with pytest.raises(Forbidden):
        rectification_submit(measure_id=measure.pk, report=REPORT, version=1, actor=office)
    with pytest.raises(NotFound):
        rectification_submit(
            measure_id=measure.pk, report=REPORT, version=1, actor=sibling_reviewer
        )
    with pytest.raises(DomainError):
        rectification_submit(measure_id=measure.pk, report="已整改", version=1, actor=clerk)
    measure = rectification_submit(measure_id=measure.pk, report=REPORT, version=1, actor=clerk)
    assert measure.status == "submitted" and measure.submitted_late is False
    with pytest.raises(Conflict):  # a stale page
        rectification_verify(measure_id=measure.pk, accept=True, reason="", version=1, actor=office)
    with pytest.raises(DomainError):  # sending back needs a reason
        rectification_verify(
            measure_id=measure.pk, accept=False, reason="", version=2, actor=office
        )
    measure = rectification_verify(
        measure_id=measure.pk, accept=False, reason="缺少付款凭证", version=2, actor=office
    )
    assert measure.status == "active" and measure.return_reason == "缺少付款凭证"
    measure = rectification_submit(measure_id=measure.pk, report=REPORT, version=3, actor=clerk)
    measure = rectification_verify(
        measure_id=measure.pk, accept=True, reason="", version=4, actor=office
    )
    assert measure.status == "done"
    actions = list(
        AuditEvent.objects.filter(action__startswith="measure.").values_list("action", flat=True)
    )
    assert actions == [
        "measure.issue",
        "measure.report",
        "measure.return",
        "measure.report",
        "measure.verify",
    ]


def test_overdue_rectification_escalates_once_per_level_and_counts_as_overdue(
    department_record: Record, clerk: User, office: User
) -> None:
    measure = rectification(department_record)
    assert measure.due_date is not None
    day_after = measure.due_date + datetime.timedelta(days=1)
    rectifications_escalate(today=measure.due_date)
    assert not Escalation.objects.filter(measure=measure).exists()  # due today: not yet
    rectifications_escalate(today=day_after)
    assert Escalation.objects.filter(measure=measure).count() == 1
    assert rectifications_escalate(today=day_after) == 0  # never twice
    level1 = Escalation.objects.get(measure=measure, level=1)
    assert level1.division_code == "620102"
    later = measure.due_date + datetime.timedelta(days=30)
    rectifications_escalate(today=later)
    level2 = Escalation.objects.get(measure=measure, level=2)
    assert level2.division_code == "6201"  # the government above 城关区

    Measure.objects.filter(pk=measure.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(1)
    )
    client = Client()
    client.force_login(office)
    figures = client.get("/api/v1/rectification-figures").json()
    assert figures == [
        {
            "division_code": "620102",
            "division_name": "城关区",
            "due": 2,
            "done": 0,
            "late": 0,
            "overdue": 1,
        }
    ]
    ledger = client.get("/backoffice/measures/rectification/", {"state": "overdue"})
    page = ledger.content.decode()
    assert department_record.number in page and "逾期" in page and "已通报上级政府" in page
    rows = page[page.index('id="ledger"') : page.index('id="figures"')]
    assert "书面说明失信原因" not in rows  # the explanation is not overdue
    figures_row = page[page.index('id="figures"') :]
    assert "城关区" in figures_row and '<span class="tag bad">1</span>' in figures_row
    measure = rectification_submit(measure_id=measure.pk, report=REPORT, version=1, actor=clerk)
    assert measure.submitted_late is True


def test_report_and_verify_over_the_api(
    department_record: Record, clerk: User, office: User
) -> None:
    client = Client()
    client.force_login(clerk)
    listed = client.get(f"/api/v1/records/{department_record.number}/measures").json()
    item = next(m for m in listed if m["kind"] == "explanation")
    handed = client.post(
        f"/api/v1/measures/{item['id']}/report",
        {"report": REPORT, "version": item["version"]},
        content_type="application/json",
    )
    assert handed.status_code == 200 and handed.json()["status_label"] == "整改材料待核验"
    client.force_login(office)
    verified = client.post(
        f"/api/v1/measures/{item['id']}/verify",
        {"accept": True, "version": handed.json()["version"]},
        content_type="application/json",
    )
    assert verified.status_code == 200 and verified.json()["status"] == "done"


def test_control_characters_in_a_report_are_dropped_not_a_server_error(
    department_record: Record, clerk: User
) -> None:
    measure = rectification(department_record)
    client = Client()
    client.force_login(clerk)
    # A NUL is refused before any view (core.middleware), the report left as it was.
    refused = client.post(
        f"/api/v1/measures/{measure.pk}/report",
        {"report": "\x00" + REPORT, "version": 1},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "NUL" in refused.json()["detail"]
    assert Measure.objects.get(pk=measure.pk).report == ""
    answer = client.post(
        f"/api/v1/measures/{measure.pk}/report",
        {"report": "\x07" + REPORT + "\x1b", "version": 1},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert Measure.objects.get(pk=measure.pk).report == REPORT
