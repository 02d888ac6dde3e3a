"""The plan's own tasks (督办): loaded from the plan, reported on by the answerable units,
verified by the provincial credit office, shown as a matrix, escalated when overdue."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client

from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.core.workdays.services import ScheduleDay, calendar_year_enter
from govtrust.directory.models import Department, User
from govtrust.supervision import rules, selectors
from govtrust.supervision.models import (
    PlanEscalation,
    PlanReportDue,
    PlanTask,
    PlanTaskUnit,
    ProgressReport,
    ReportState,
)
from govtrust.supervision.services.plan_tasks import (
    plan_task_assign,
    plan_tasks_escalate,
    plan_tasks_load,
    progress_report_decide,
    progress_report_submit,
)

pytestmark = pytest.mark.django_db
TEXT = "已建立政务失信记录归集制度，本年度按期推送失信记录并在信用甘肃网站公示。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def plan(directory: None) -> None:
    plan_tasks_load()


@pytest.fixture
def lanzhou(make_user: Callable[..., User]) -> User:
    """兰州市's credit office: acts for 兰州市人民政府, answerable for the prefectures' tasks."""
    return make_user("office_lz", "credit_office", "6201")


@pytest.fixture
def province(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def province2(make_user: Callable[..., User]) -> User:
    return make_user("office_gs2", "credit_office", "62")


def unit_of(code: str, division: str = "", department: str = "") -> PlanTaskUnit:
    units = PlanTaskUnit.objects.filter(task__code=code)
    if department:
        return units.get(department__name=department)
    return units.get(division_code=division, department=None)


def test_the_plan_loads_its_13_tasks_with_deadlines_and_units(plan: None) -> None:
    tasks = {t.code: t for t in PlanTask.objects.all()}
    assert len(tasks) == 13
    assert tasks["三（二）1"].deadline == datetime.date(2017, 12, 31)
    assert tasks["三（三）5"].deadline == datetime.date(2018, 12, 31)
    assert tasks["三（四）"].deadline == datetime.date(2018, 12, 31)
    assert tasks["三（二）2"].deadline is None and tasks["三（二）2"].continuous
    assert "7个工作日" not in tasks["三（二）3"].text and "信用甘肃" in tasks["三（二）3"].text
    # 各市州政府 and 兰州新区管委会: the 14 prefectures and the new area, 15 governments.
    collected = PlanTaskUnit.objects.filter(task__code="三（二）3")
    assert collected.count() == 15 and set(collected.values_list("role", flat=True)) == {"lead"}
    assert collected.filter(division_code="620171").exists()
    # Named provincial departments exist in the directory under their full names.
    lead = PlanTaskUnit.objects.filter(task__code="三（二）1", role="lead")
    assert {u.name for u in lead} == {"甘肃省人力资源和社会保障厅", "甘肃省公务员局"}
    assert Department.objects.filter(name="甘肃省发展和改革委员会", division_code="62").exists()
    # A group the plan does not list stays a named group until assigned.
    group = PlanTaskUnit.objects.get(task__code="三（二）2", in_plan="省直各部门")
    assert group.government is None and group.role == "co"
    again = plan_tasks_load()
    assert (again.tasks_created, again.units_created) == (0, 0)


def test_api_lists_tasks_with_responsible_units_and_deadline(
    plan: None, lanzhou: User, client: Client
) -> None:
    assert client.get("/api/v1/plan-tasks").status_code == 401
    client.force_login(lanzhou)
    tasks = client.get("/api/v1/plan-tasks").json()
    assert len(tasks) == 13
    by_code = {t["code"]: t for t in tasks}
    assert by_code["三（二）2"]["deadline"] is None
    assert by_code["三（二）1"]["deadline"] == "2017-12-31"
    units = by_code["三（二）3"]["responsible_units"]
    assert len(units) == 15 and {u["government_code"] for u in units} >= {"6201", "620171"}
    assert all(u["role_label"] == "牵头" for u in units)


def test_a_unit_reports_and_the_province_verifies_never_its_own(
    plan: None, lanzhou: User, province: User, province2: User, make_user: Callable[..., User]
) -> None:
    unit = unit_of("三（二）3", "6201")
    report = progress_report_submit(
        actor=lanzhou,
        unit_id=unit.pk,
        year=2025,
        text=TEXT,
        percent=100,
        files=[("归集情况.pdf", io.BytesIO(PDF))],
    )
    assert report.state == ReportState.SUBMITTED and report.attachments.count() == 1
    with pytest.raises(Conflict, match="待核实"):
        progress_report_submit(actor=lanzhou, unit_id=unit.pk, year=2025, text=TEXT, percent=90)
    # Another prefecture's office and a department-bound clerk of 兰州市 do not answer for it.
    tianshui = make_user("office_ts", "credit_office", "6205")
    clerk = make_user("clerk_lz", "clerk", "6201", "兰州市财政局")
    for outsider in (tianshui, clerk):
        with pytest.raises(NotFound):
            progress_report_submit(
                actor=outsider, unit_id=unit.pk, year=2025, text=TEXT, percent=50
            )
    # 兰州市 cannot verify (the province does); a reporter never verifies its own report.
    with pytest.raises(Forbidden):
        progress_report_decide(actor=lanzhou, report_id=report.pk, name="verify", version=1)
    with pytest.raises(DomainError, match="退回理由"):
        progress_report_decide(actor=province, report_id=report.pk, name="return", version=1)
    with pytest.raises(Conflict):
        progress_report_decide(actor=province, report_id=report.pk, name="verify", version=7)
    done = progress_report_decide(actor=province, report_id=report.pk, name="verify", version=1)
    assert done.state == ReportState.VERIFIED and done.decided_by == province
    with pytest.raises(Conflict):
        progress_report_decide(actor=province2, report_id=report.pk, name="verify", version=2)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan_report.submit", "plan_report.verify"} <= actions


def test_the_reporter_cannot_verify_its_own_report(
    plan: None, province: User, province2: User, make_department: Callable[..., Department]
) -> None:
    """The provincial office answers for the province's own duties: another member verifies."""
    unit = (
        PlanTaskUnit.objects.filter(task__code="三（三）1", division_code="62")
        .exclude(department=None)
        .first()
    )
    assert unit is not None
    province.department = unit.department
    province.save(update_fields=["department"])
    report = progress_report_submit(
        actor=province, unit_id=unit.pk, year=2025, text=TEXT, percent=60
    )
    with pytest.raises(Forbidden, match="不能核实自己"):
        progress_report_decide(actor=province, report_id=report.pk, name="verify", version=1)
    returned = progress_report_decide(
        actor=province2, report_id=report.pk, name="return", version=1, reason="缺少佐证材料"
    )
    assert returned.state == ReportState.RETURNED and returned.reason == "缺少佐证材料"
    # A returned report stays; the unit files a new one for the same year.
    again = progress_report_submit(
        actor=province, unit_id=unit.pk, year=2025, text=TEXT, percent=80
    )
    assert again.pk != report.pk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": 2016}, "年度"),
        ({"year": 2099}, "年度"),
        ({"percent": 101}, "完成进度"),
        ({"percent": -1}, "完成进度"),
        ({"text": "   "}, "进展情况"),
        ({"text": "字" * 4001}, "不能超过"),
    ],
)
def test_bad_reports_are_refused_in_chinese_and_change_nothing(
    plan: None, lanzhou: User, fields: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"year": 2025, "text": TEXT, "percent": 50} | fields
    with pytest.raises(DomainError, match=message):
        progress_report_submit(
            actor=lanzhou,
            unit_id=unit_of("三（二）3", "6201").pk,
            **values,  # type: ignore[arg-type]
        )
    assert not ProgressReport.objects.exists()


def test_attachments_are_checked_by_content(plan: None, lanzhou: User) -> None:
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        progress_report_submit(
            actor=lanzhou,
            unit_id=unit_of("三（二）3", "6201").pk,
            year=2025,
            text=TEXT,
            percent=50,
            files=[("说明.pdf", io.BytesIO(b"MZ\x90\x00 not a pdf"))],
        )
    assert not ProgressReport.objects.exists()


def test_cells_follow_deadlines_and_years(plan: None, lanzhou: User, province: User) -> None:
    deadline_unit = PlanTaskUnit.objects.get(task__code="三（二）1", division_code="6201")
    continuous = unit_of("三（二）3", "6201")
    year = selectors.default_year(TODAY)
    assert year == 2025  # the 2025 report was due on 2026-01-31
    assert selectors.cell_state(deadline_unit.task, [], year, TODAY) == selectors.OVERDUE
    assert selectors.cell_state(continuous.task, [], year, TODAY) == selectors.OVERDUE
    assert selectors.cell_state(continuous.task, [], 2026, TODAY) == selectors.OPEN
    partial = progress_report_submit(
        actor=lanzhou, unit_id=deadline_unit.pk, year=2026, text=TEXT, percent=80
    )
    progress_report_decide(actor=province, report_id=partial.pk, name="verify", version=1)
    reports = list(ProgressReport.objects.filter(task_unit=deadline_unit))
    assert selectors.cell_state(deadline_unit.task, reports, year, TODAY) == selectors.OVERDUE
    finished = progress_report_submit(
        actor=lanzhou, unit_id=deadline_unit.pk, year=2026, text=TEXT, percent=100
    )
    reports = list(ProgressReport.objects.filter(task_unit=deadline_unit))
    assert selectors.cell_state(deadline_unit.task, reports, year, TODAY) == selectors.SUBMITTED
    progress_report_decide(actor=province, report_id=finished.pk, name="verify", version=1)
    reports = list(ProgressReport.objects.filter(task_unit=deadline_unit))
    assert selectors.cell_state(deadline_unit.task, reports, year, TODAY) == selectors.DONE
    with pytest.raises(Conflict, match="已核实完成"):
        progress_report_submit(
            actor=lanzhou, unit_id=deadline_unit.pk, year=2026, text=TEXT, percent=100
        )


def test_the_matrix_shows_units_in_reach(plan: None, lanzhou: User, province: User) -> None:
    whole = selectors.matrix(province, 2025, TODAY)
    names = [row.name for row in whole.rows]
    assert "兰州市人民政府" in names and "兰州新区管理委员会" in names
    assert "甘肃省财政厅" in names and "省直各部门" in names
    assert len(whole.tasks) == 13
    assert dict((c.key, n) for c, n in whole.totals)["overdue"] == sum(
        1 for row in whole.rows for hit in row.cells.values() if hit[1] == selectors.OVERDUE
    )
    own = selectors.matrix(lanzhou, 2025, TODAY)
    assert [row.name for row in own.rows] == ["兰州市人民政府"]


def test_overdue_reports_escalate_once_per_level(plan: None, lanzhou: User) -> None:
    unit = unit_of("三（二）3", "6201")
    progress_report_submit(actor=lanzhou, unit_id=unit.pk, year=2025, text=TEXT, percent=100)
    created = plan_tasks_escalate(today=TODAY)
    assert created > 0 and plan_tasks_escalate(today=TODAY) == 0
    # The report handed in for 2025 spares 兰州市 on that task; 天水市 is reminded and reported.
    assert not PlanEscalation.objects.filter(task_unit=unit).exists()
    tianshui = unit_of("三（二）3", "6205")
    told = dict(
        PlanEscalation.objects.filter(task_unit=tianshui).values_list("level", "division_code")
    )
    assert told == {1: "6205", 2: "62"}
    assert PlanEscalation.objects.filter(task_unit=tianshui, period="2025").count() == 2
    # A task with a deadline escalates once, for completion.
    old = PlanTaskUnit.objects.get(task__code="三（二）1", division_code="6205")
    assert set(PlanEscalation.objects.filter(task_unit=old).values_list("period", flat=True)) == {
        "done"
    }
    assert AuditEvent.objects.filter(action="plan_task.escalate2").exists()


def test_a_fresh_overdue_report_is_first_only_a_reminder(plan: None) -> None:
    due = rules.yearly_due(2025)
    plan_tasks_escalate(today=due)
    of_2025 = PlanEscalation.objects.filter(period="2025")
    assert not of_2025.exists()  # the last day still belongs to the period
    plan_tasks_escalate(today=due + datetime.timedelta(days=1))
    assert set(of_2025.values_list("level", flat=True)) == {1}


def test_the_office_assigns_a_groups_departments(
    plan: None, province: User, lanzhou: User, make_department: Callable[..., Department]
) -> None:
    group = PlanTaskUnit.objects.get(task__code="三（二）2", in_plan="省直各部门")
    health = make_department("62", "甘肃省卫生健康委员会")
    with pytest.raises(Forbidden):
        plan_task_assign(actor=lanzhou, group_id=group.pk, department_id=health.pk)
    unit = plan_task_assign(actor=province, group_id=group.pk, department_id=health.pk)
    assert unit.department == health and unit.role == "co" and unit.division_code == "62"
    with pytest.raises(Conflict):
        plan_task_assign(actor=province, group_id=group.pk, department_id=health.pk)


def test_a_racing_assignment_is_a_conflict_not_a_crash(
    plan: None,
    province: User,
    make_department: Callable[..., Department],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two assignments of one department pass the check together; the constraint decides."""
    group = PlanTaskUnit.objects.get(task__code="三（二）2", in_plan="省直各部门")
    health = make_department("62", "甘肃省卫生健康委员会")
    plan_task_assign(actor=province, group_id=group.pk, department_id=health.pk)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(Conflict, match="已是该任务的负责单位"):
        plan_task_assign(actor=province, group_id=group.pk, department_id=health.pk)
    assert PlanTaskUnit.objects.filter(department=health).count() == 1


def test_only_a_provincial_department_is_named_for_a_provincial_group(
    plan: None, province: User, make_department: Callable[..., Department]
) -> None:
    """省直各部门 are the province's departments: a prefecture's bureau is not one of them."""
    group = PlanTaskUnit.objects.get(task__code="三（二）2", in_plan="省直各部门")
    bureau = make_department("6201", "兰州市财政局")
    with pytest.raises(NotFound):
        plan_task_assign(actor=province, group_id=group.pk, department_id=bureau.pk)
    assert not PlanTaskUnit.objects.filter(department=bureau).exists()


# ---- a unit's start date; the yearly due date on the working-day calendar -----------------


def test_a_unit_assigned_later_is_not_escalated_for_past_periods(
    plan: None, province: User, make_department: Callable[..., Department]
) -> None:
    health = make_department("62", "甘肃省卫生健康委员会")
    continuous = PlanTaskUnit.objects.get(task__code="三（二）2", in_plan="省直各部门")
    with_deadline = PlanTaskUnit.objects.get(task__code="三（三）2", government=None)
    units = [
        plan_task_assign(actor=province, group_id=group.pk, department_id=health.pk)
        for group in (continuous, with_deadline)
    ]
    assert units[0].starts_on == today_beijing()
    PlanTaskUnit.objects.filter(pk__in=[u.pk for u in units]).update(
        starts_on=datetime.date(2026, 3, 2)
    )
    plan_tasks_escalate(today=TODAY)
    assert not PlanEscalation.objects.filter(task_unit__in=units).exists()
    assert PlanEscalation.objects.filter(period="2025").exists()  # the plan's own units are
    unit = PlanTaskUnit.objects.get(pk=units[0].pk)
    assert selectors.cell_state(unit.task, [], 2025, TODAY, unit.starts_on) == selectors.NOT_YET
    assert selectors.cell_state(unit.task, [], 2026, TODAY, unit.starts_on) == selectors.OPEN
    late = PlanTaskUnit.objects.get(pk=units[1].pk)
    # The deadline (2017-12-31) had passed: completion is due by the 2026 yearly report day.
    assert selectors.unit_deadline(late.task, late.starts_on) == rules.yearly_due(2026)
    assert selectors.cell_state(late.task, [], 2025, TODAY, late.starts_on) == selectors.OPEN
    plan_tasks_escalate(today=datetime.date(2027, 2, 10))
    periods = set(
        PlanEscalation.objects.filter(task_unit__in=units).values_list("task_unit", "period")
    )
    assert periods == {(units[0].pk, "2026"), (units[1].pk, "done")}


def test_the_yearly_due_date_moves_off_rest_days(plan: None, settings: Any) -> None:
    settings.GOVTRUST_PLAN_REPORT_DUE = "01-01"
    assert rules.nominal_due(2024) == datetime.date(2025, 1, 1)
    assert rules.yearly_due(2024) == datetime.date(2025, 1, 2)  # 元旦 -> the next working day
    settings.GOVTRUST_PLAN_REPORT_DUE = "01-31"
    assert rules.computed_due(2026) == (datetime.date(2027, 2, 1), True)  # a Sunday; 2027 unknown
    assert rules.computed_due(2021) == (datetime.date(2022, 2, 7), False)  # 春节 2022-01-31..02-06


def test_the_yearly_due_date_is_recomputed_when_the_calendar_changes(plan: None) -> None:
    plan_tasks_escalate(today=datetime.date(2026, 12, 1))  # the daily job stores the due dates
    stored = PlanReportDue.objects.get(year=2026)
    assert (stored.due_date, stored.provisional) == (datetime.date(2027, 2, 1), True)
    calendar_year_enter(
        year=2027,
        days=[ScheduleDay(datetime.date(2027, 2, 1), False, "测试：休息日")],
        source="国办发明电〔2026〕测试号",
        actor_name="sysadmin",
        actor_id=None,
    )
    stored.refresh_from_db()
    assert (stored.due_date, stored.provisional) == (datetime.date(2027, 2, 2), False)
    assert rules.yearly_due(2026) == datetime.date(2027, 2, 2)
    event = AuditEvent.objects.get(action="plan_task.due_recompute")
    assert (event.before, event.after) == (
        {"due_date": "2027-02-01"},
        {"due_date": "2027-02-02", "provisional": False},
    )
