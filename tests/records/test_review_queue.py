"""The reviewer's queue, the credit office's figures, and reminders."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.directory.services import token_create
from govtrust.records.models import Record, Reminder
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors_stats import unit_figures
from govtrust.records.services import record_create, record_submit, records_review_bulk
from govtrust.records.services.reminders import reminders_send
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db


def _submitted(clerk: User, n: int) -> list[Record]:
    return [
        record_submit(
            record=record_create(data=RecordIn.model_validate(record_payload()), actor=clerk),
            actor=clerk,
        )
        for _ in range(n)
    ]


def test_bulk_accept_and_return(clerk: User, reviewer: User, sibling_reviewer: User) -> None:
    records = _submitted(clerk, 3)
    outcome = records_review_bulk(
        record_ids=[r.pk for r in records[:2]] + [999999], actor=reviewer, action="accept"
    )
    assert outcome.done == [records[0].number, records[1].number]
    assert outcome.refused == [("999999", "对象不存在或不在您的数据范围内")]
    again = records_review_bulk(
        record_ids=[records[0].pk, records[2].pk],
        actor=reviewer,
        action="return",
        reason="请补充证据",
    )
    assert again.done == [records[2].number]
    assert "已入库" in again.refused[0][1]
    outsider = records_review_bulk(
        record_ids=[r.pk for r in records], actor=sibling_reviewer, action="accept"
    )
    assert outsider.done == [] and len(outsider.refused) == 3
    statuses = list(Record.objects.order_by("number").values_list("status", flat=True))
    assert statuses == ["accepted", "accepted", "returned"]


def test_bulk_return_needs_a_reason(clerk: User, reviewer: User) -> None:
    records = _submitted(clerk, 1)
    with pytest.raises(DomainError, match="原因"):
        records_review_bulk(record_ids=[records[0].pk], actor=reviewer, action="return")


def test_queue_page_and_bulk_form(client: Client, clerk: User, reviewer: User) -> None:
    records = _submitted(clerk, 2)
    client.force_login(reviewer)
    page = client.get("/records/review/").content.decode()
    assert all(r.number in page for r in records)
    done = client.post(
        "/records/review/bulk/",
        {"ids": [str(r.pk) for r in records], "action": "accept"},
        follow=True,
    ).content.decode()
    assert "已审核通过2条" in done
    assert "没有待审核的记录" in client.get("/records/review/").content.decode()


def test_bulk_review_api(client: Client, clerk: User, reviewer: User) -> None:
    records = _submitted(clerk, 2)
    token = token_create(user=reviewer)
    response = client.post(
        "/api/v1/records/review",
        {"ids": [r.pk for r in records], "action": "return", "reason": "格式有误"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.json() == {"done": [r.number for r in records], "refused": []}


@time_machine.travel(datetime.datetime(2025, 10, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_figures_per_unit(clerk: User, make_user: Callable[..., User], reviewer: User) -> None:
    other = make_user("clerk_qlh", "clerk", "620103", "七里河区住建局")
    # 城关: one overdue draft (arose 2025-09-26, due 2025-10-13), one due soon, one late submission
    record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    record_create(
        data=RecordIn.model_validate(
            record_payload(decision_date="2025-10-17", arose_on="2025-10-17")
        ),
        actor=clerk,
    )
    record_submit(
        record=record_create(data=RecordIn.model_validate(record_payload()), actor=clerk),
        actor=clerk,
    )
    # 七里河: one on-time submission
    record_submit(
        record=record_create(
            data=RecordIn.model_validate(
                record_payload(decision_date="2025-10-16", arose_on="2025-10-16")
            ),
            actor=other,
        ),
        actor=other,
    )
    rows = {
        r.unit: r
        for r in unit_figures(
            user=reviewer, start=datetime.date(2025, 10, 1), end=datetime.date(2025, 10, 31)
        )
    }
    cg, qlh = rows["城关区财政局"], rows["七里河区住建局"]
    assert (cg.overdue, cg.due_soon, cg.submitted, cg.on_time, cg.late) == (1, 0, 1, 0, 1)
    assert (qlh.overdue, qlh.submitted, qlh.on_time, qlh.on_time_rate) == (0, 1, 1, 1.0)
    assert cg.on_time_rate == 0.0
    # 2025-10-17 + 7 working days = 2025-10-28: not due within 3 working days of 10-20.
    soon = unit_figures(
        user=reviewer,
        start=datetime.date(2025, 10, 1),
        end=datetime.date(2025, 10, 31),
        due_within=7,
    )
    assert {r.unit: r.due_soon for r in soon}["城关区财政局"] == 1


@time_machine.travel(datetime.datetime(2025, 10, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_dashboard_page(client: Client, clerk: User, make_user: Callable[..., User]) -> None:
    record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    client.force_login(make_user("office", "credit_office", "62"))
    page = client.get("/records/dashboard/", {"start": "2025-10-01", "end": "2025-10-31"})
    assert 'id="total-overdue" class="error">1<' in page.content.decode()


@override_settings(GOVTRUST_EMAIL_ENABLED=True)
@time_machine.travel(datetime.datetime(2025, 10, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_reminders_are_sent_once(clerk: User, client: Client) -> None:
    clerk.email = "clerk@example.gov.cn"
    clerk.save(update_fields=["email"])
    overdue = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    soon = record_create(
        data=RecordIn.model_validate(
            record_payload(decision_date="2025-10-17", arose_on="2025-10-17")
        ),
        actor=clerk,
    )
    assert soon.due_date == datetime.date(2025, 10, 28)
    assert reminders_send(today=datetime.date(2025, 10, 20)) == 1  # only the overdue one
    assert reminders_send(today=datetime.date(2025, 10, 20)) == 0
    assert len(mail.outbox) == 1 and "逾期" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["clerk@example.gov.cn"]
    assert reminders_send(today=datetime.date(2025, 10, 24)) == 1  # soon is now within 2 days
    assert set(Reminder.objects.values_list("record_id", "kind")) == {
        (overdue.pk, "overdue"),
        (soon.pk, "due_soon"),
    }
    client.force_login(clerk)
    page = client.get("/records/reminders/").content.decode()
    assert overdue.number in page and "已逾期" in page
    # Marking them read goes through the service: both marked, one audit event naming them.
    client.post("/records/reminders/")
    assert not Reminder.objects.filter(read_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="reminder.read")
    assert event.actor == clerk.username
    assert event.after is not None
    assert sorted(event.after["ids"]) == sorted(Reminder.objects.values_list("id", flat=True))
    client.post("/records/reminders/")  # nothing unread: no second event
    assert AuditEvent.objects.filter(action="reminder.read").count() == 1
