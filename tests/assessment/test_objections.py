"""Objections: the assessed unit files within the period (working days, 本地政策), the provincial
credit office decides; upheld makes a NEW version with the reason, shown in the explanation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from govtrust.assessment import objections, services
from govtrust.assessment.models import Objection, ObjectionState, Result, Run
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User

YEAR = 2026


@pytest.fixture
def published(make_user: Callable[..., User]) -> Run:
    runner = make_user("obj_runner", "credit_office", "62")
    checker = make_user("obj_checker", "credit_office", "62")
    run = services.assessment_run(year=YEAR, actor=runner)
    services.run_decide(run_id=run.pk, actor=checker, name="approve", version=1)
    return services.run_publish(run_id=run.pk, actor=checker, version=2)


def test_upheld_objection_makes_a_new_version(
    published: Run, make_user: Callable[..., User], client: Client
) -> None:
    lanzhou = make_user("lz_office", "credit_office", "6201")
    office = User.objects.get(username="obj_checker")
    old = Result.objects.get(unit_key="g:6201", current=True)
    filed = objections.objection_file(
        actor=lanzhou, year=YEAR, unit_key="g:6201", reason="D1.1 的严重失信记录已被撤销"
    )
    assert filed.state == ObjectionState.PENDING and filed.due_date >= datetime.date.today()
    with pytest.raises(Conflict, match="待处理"):
        objections.objection_file(actor=lanzhou, year=YEAR, unit_key="g:6201", reason="再次")
    row = next(r for r in old.detail if r["code"] == "D1.1")
    with pytest.raises(DomainError, match="更正内容有误"):
        objections.objection_decide(
            actor=office, pk=filed.pk, name="uphold", version=1, decision="成立",
            indicator="D1.1", points="1000",
        )  # fmt: skip
    decided = objections.objection_decide(
        actor=office, pk=filed.pk, name="uphold", version=1, decision="记录已撤销，更正得分",
        indicator="D1.1", points="0",
    )  # fmt: skip
    assert decided.state == ObjectionState.UPHELD
    new = decided.new_result
    assert new is not None and new.version == old.version + 1 and new.current and new.public
    old.refresh_from_db()
    assert not old.current and not old.public  # kept, never overwritten
    assert new.total == old.total - Decimal(row["points"]).quantize(Decimal("0.01"))
    fixed = next(r for r in new.detail if r["code"] == "D1.1")
    assert fixed["correction"]["reason"] == "D1.1 的严重失信记录已被撤销"
    assert fixed["correction"]["from_version"] == old.version
    assert AuditEvent.objects.filter(action="assessment.objection_uphold").count() == 1
    page = client.get(f"/gs/assessment/{YEAR}/g:6201/").content.decode()
    assert "经异议更正" in page and "记录已撤销，更正得分" in page and "第2版" in page


def test_only_the_unit_within_the_period(published: Run, make_user: Callable[..., User]) -> None:
    other = make_user("tw_office", "credit_office", "6202")
    with pytest.raises(NotFound):  # outside its reach: not found
        objections.objection_file(actor=other, year=YEAR, unit_key="g:6201", reason="x")
    province = make_user("prov_clerk_obj", "credit_office", "62")
    with pytest.raises(Forbidden, match="被考评单位"):  # reaches it, but it is not its own
        objections.objection_file(actor=province, year=YEAR, unit_key="g:6201", reason="x")
    lanzhou = make_user("lz_office2", "credit_office", "6201")
    with pytest.raises(DomainError, match="请填写异议理由"):
        objections.objection_file(actor=lanzhou, year=YEAR, unit_key="g:6201", reason=" ")
    assert published.published_at is not None
    with override_settings(GOVTRUST_ASSESSMENT_OBJECTION_DAYS=0):
        Run.objects.filter(pk=published.pk).update(
            published_at=published.published_at - datetime.timedelta(days=3)
        )
        with pytest.raises(DomainError, match="异议期已过"):
            objections.objection_file(actor=lanzhou, year=YEAR, unit_key="g:6201", reason="x")


def test_dismissed_keeps_the_result(published: Run, make_user: Callable[..., User]) -> None:
    lanzhou = make_user("lz_office3", "credit_office", "6201")
    office = User.objects.get(username="obj_checker")
    filed = objections.objection_file(
        actor=lanzhou, year=YEAR, unit_key="g:6201", reason="排名有误"
    )
    with pytest.raises(Forbidden):
        objections.objection_decide(
            actor=lanzhou, pk=filed.pk, name="dismiss", version=1, decision="x"
        )
    with pytest.raises(DomainError, match="理由"):
        objections.objection_decide(
            actor=office, pk=filed.pk, name="dismiss", version=1, decision=""
        )
    done = objections.objection_decide(
        actor=office, pk=filed.pk, name="dismiss", version=1, decision="排名按规则计算无误"
    )
    assert done.state == ObjectionState.DISMISSED and done.new_result is None
    assert Result.objects.filter(unit_key="g:6201").count() == 1


def test_objection_pages(published: Run, make_user: Callable[..., User], client: Client) -> None:
    lanzhou = make_user("lz_office4", "credit_office", "6201")
    client.force_login(lanzhou)
    url = f"/backoffice/assessment/{YEAR}/g:6201/"
    assert 'id="object-form"' in client.get(url).content.decode()
    client.post(f"{url}object", {"reason": "D1.1 记录已撤销"})
    filed = Objection.objects.get()
    office = User.objects.get(username="obj_checker")
    client.force_login(office)
    queue = client.get("/backoffice/assessment/objections/").content.decode()
    assert "D1.1 记录已撤销" in queue and "异议成立" in queue
    client.post(
        f"/backoffice/assessment/objections/{filed.pk}/decide",
        {"version": "1", "decision": "属实", "indicator": "D1.1", "points": "0",
         "decision_kind": "uphold"},
    )  # fmt: skip
    filed.refresh_from_db()
    assert filed.state == ObjectionState.UPHELD and filed.new_result is not None
    page = client.get(url).content.decode()
    assert "经异议更正" in page and "异议成立" in page
