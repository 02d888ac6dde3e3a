"""Approval (four eyes) and publication of a run's results: only published results, and the
published snapshot, reach the public; staff keep their in-scope view."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from govtrust.assessment import services
from govtrust.assessment.models import Result, Run, RunState
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User

YEAR = 2026


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_runs", "credit_office", "62")


@pytest.fixture
def checker(make_user: Callable[..., User]) -> User:
    return make_user("office_checks", "credit_office", "62")


def test_four_eyes_then_publish(office: User, checker: User, client: Client) -> None:
    run = services.assessment_run(year=YEAR, actor=office)
    assert run.state == RunState.PENDING
    url = f"/api/v1/assessments/{YEAR}/results?level=prefecture"
    assert client.get(url).json() == []  # the public: nothing before publication
    assert client.get(f"/api/v1/assessments/{YEAR}/snapshot").status_code == 404
    with pytest.raises(Forbidden, match="提出人不能审核"):
        services.run_decide(run_id=run.pk, actor=office, name="approve", version=run.version)
    with pytest.raises(Conflict, match="不能公布"):
        services.run_publish(run_id=run.pk, actor=checker, version=run.version)
    approved = services.run_decide(run_id=run.pk, actor=checker, name="approve", version=1)
    assert approved.state == RunState.APPROVED and approved.decided_by == checker
    with pytest.raises(Conflict, match="他人处理"):
        services.run_publish(run_id=run.pk, actor=office, version=1)  # stale version
    assert client.get(url).json() == []  # approved, not yet published
    published = services.run_publish(run_id=run.pk, actor=office, version=approved.version)
    assert published.state == RunState.PUBLISHED and published.published_at is not None

    rows = client.get(url).json()
    assert len(rows) == 15 and {"score", "grade", "rank"} <= set(rows[0])
    snap = client.get(f"/api/v1/assessments/{YEAR}/snapshot")
    assert snap.status_code == 200 and snap.content.decode() == published.snapshot
    assert client.get(f"/api/v1/assessments/{YEAR}/results?level=city").status_code == 400
    actions = set(
        AuditEvent.objects.filter(object_type="assessment_run").values_list("action", flat=True)
    )
    assert {"assessment.run", "assessment.approve", "assessment.publish"} <= actions


def test_public_keeps_the_published_versions_while_a_new_run_waits(
    office: User, checker: User, client: Client, make_user: Callable[..., User]
) -> None:
    first = services.assessment_run(year=YEAR, actor=office)
    services.run_decide(run_id=first.pk, actor=checker, name="approve", version=1)
    services.run_publish(run_id=first.pk, actor=checker, version=2)
    shown = set(Result.objects.filter(public=True).values_list("pk", flat=True))
    assert len(shown) == Result.objects.filter(year=YEAR).count()
    # A new run: the old one can no longer be approved, the public still sees the first.
    second = services.assessment_run(year=YEAR, actor=checker)
    with pytest.raises(DomainError, match="请填写驳回理由"):
        services.run_decide(run_id=second.pk, actor=office, name="reject", version=1)
    rejected = services.run_decide(
        run_id=second.pk, actor=office, name="reject", version=1, reason="录入值待核实"
    )
    assert rejected.state == RunState.REJECTED and rejected.reason == "录入值待核实"
    assert set(Result.objects.filter(public=True).values_list("pk", flat=True)) == shown
    public = client.get(f"/api/v1/assessments/{YEAR}/snapshot")
    assert public.headers["X-Snapshot-SHA256"] == first.sha256
    # Staff keep their in-scope view (not the public one).
    county = make_user("cg_office_pub", "credit_office", "620102")
    client.force_login(county)
    rows = client.get(f"/api/v1/assessments/{YEAR}/results?level=county").json()
    assert [r["unit"] for r in rows] == ["g:620102"]


def test_only_the_provincial_office_approves(office: User, make_user: Callable[..., User]) -> None:
    run = services.assessment_run(year=YEAR, actor=office)
    for who in (
        make_user("cg_office_ap", "credit_office", "620102"),
        make_user("inspector_ap", "inspector", "62"),
    ):
        with pytest.raises(Forbidden):
            services.run_decide(run_id=run.pk, actor=who, name="approve", version=1)
        with pytest.raises(Forbidden):
            services.run_publish(run_id=run.pk, actor=who, version=1)
    assert Run.objects.get().state == RunState.PENDING


def test_staff_page_buttons(office: User, checker: User, client: Client) -> None:
    run = services.assessment_run(year=YEAR, actor=office)
    client.force_login(checker)
    page = client.get(f"/backoffice/assessment/?year={YEAR}").content.decode()
    assert "待审核" in page and "审核通过" in page
    client.post(
        f"/backoffice/assessment/runs/{run.pk}/decide", {"decision": "approve", "version": "1"}
    )
    page = client.get(f"/backoffice/assessment/?year={YEAR}").content.decode()
    assert "公布结果" in page
    client.post(f"/backoffice/assessment/runs/{run.pk}/publish", {"version": "2"})
    assert Run.objects.get().state == RunState.PUBLISHED
    page = client.get(f"/backoffice/assessment/?year={YEAR}").content.decode()
    assert "已公布" in page


def _published(office: User, checker: User) -> Run:
    run = services.assessment_run(year=YEAR, actor=office)
    services.run_decide(run_id=run.pk, actor=checker, name="approve", version=1)
    return services.run_publish(run_id=run.pk, actor=checker, version=2)


def test_portal_pages_only_once_published(office: User, checker: User, client: Client) -> None:
    assert "尚无已公布" in client.get("/gs/assessment/").content.decode()
    assert 'id="assessment-link"' in client.get("/").content.decode()  # from the portal home
    run = services.assessment_run(year=YEAR, actor=office)
    assert client.get(f"/gs/assessment/{YEAR}/").status_code == 404
    assert client.get(f"/gs/assessment/{YEAR}/g:6201/").status_code == 404
    services.run_decide(run_id=run.pk, actor=checker, name="approve", version=1)
    services.run_publish(run_id=run.pk, actor=checker, version=2)
    assert client.get("/gs/assessment/")["Location"] == f"/gs/assessment/{YEAR}/"
    page = client.get(f"/gs/assessment/{YEAR}/")
    text = page.content.decode()
    assert page.status_code == 200 and "各市州考评等次" in text
    assert 'data-chart="grades"' in text and "兰州新区" in text
    chart = page.context["chart_data"]["grades"]
    assert len(chart["data"]) == 14  # 兰州新区 has no shape: listed beside the map
    assert {d["name"] for d in chart["data"]} >= {"兰州市", "甘南藏族自治州"}
    assert all(d["itemStyle"]["areaColor"].startswith("#") for d in chart["data"])
    assert page.context["page"].paginator.count == 15
    county = client.get(f"/gs/assessment/{YEAR}/?level=county&page=2")
    assert county.context["page"].number == 2 and 'class="pager' in county.content.decode()
    unit = client.get(f"/gs/assessment/{YEAR}/g:6201/")
    body = unit.content.decode()
    assert unit.status_code == 200 and "历年得分" in body and "indicator-D1.1" in body
    assert "/records/" not in body  # the back-office links are not shown to the public


def test_portal_excel_and_pdf(office: User, checker: User, client: Client) -> None:
    _published(office, checker)
    xlsx = client.get(f"/gs/assessment/{YEAR}/?level=prefecture&export=xlsx")
    assert xlsx.status_code == 200
    data = b"".join(xlsx.streaming_content)  # type: ignore[attr-defined]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["排名", "单位"] and len(rows) == 16
    pdf = client.get(f"/gs/assessment/{YEAR}/g:6201.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
