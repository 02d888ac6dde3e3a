"""Reads of integrity training, always through the access policy: the catalogue, the sessions
and attendance in reach, and coverage per department and government per year.

Coverage = civil servants who attended at least one session held in the year ÷ civil servants
on the platform's roll (the directory's 公务员名录) in the unit. The platform knows no other
roll: a civil servant not registered in the directory is in neither figure. A government's
figure counts its own departments' civil servants (the directory registers civil servants by
department), not those of the governments below it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError, Forbidden, NotFound
from govtrust.directory import policy
from govtrust.directory.models import CivilServant, Department, Government, User
from govtrust.supervision.models import (
    TrainingAttendance,
    TrainingCourse,
    TrainingImport,
    TrainingSession,
)

# 本地政策: the exam score at which a civil servant passes (GOVTRUST_TRAINING_PASS_SCORE).
DEFAULT_PASS_SCORE = 60
DENOMINATOR = (
    "分母为平台公务员名录中登记在该单位的公务员人数（政府一行为其所属各部门之和，"
    "不含下级政府）；名录以外的在编人员平台无从知道，不计入分子和分母"
)


FIRST_YEAR = 2017  # the plan was issued on 2017-06-28


def check_year(year: int) -> int:
    """A year the figures can be asked for: from the plan's to this one."""
    if not FIRST_YEAR <= year <= today_beijing().year:
        raise DomainError(f"年度应在{FIRST_YEAR}年至{today_beijing().year}年之间")
    return year


def pass_score() -> Decimal:
    return Decimal(str(getattr(settings, "GOVTRUST_TRAINING_PASS_SCORE", DEFAULT_PASS_SCORE)))


def courses(user: User) -> QuerySet[TrainingCourse]:
    """The catalogue, read by every business user (a county holds sessions of the province's
    courses)."""
    policy.require(user, "business.read")
    return TrainingCourse.objects.select_related("government", "department")


def own_departments(user: User) -> QuerySet[Department]:
    """The departments of the user's own government in reach: the organisers a form offers
    besides the government itself (a department's account: its own department)."""
    return policy.within(Department.objects.all(), user).filter(division_code=user.scope_code)


def sessions_visible(user: User) -> QuerySet[TrainingSession]:
    return (
        policy.within(TrainingSession.objects.all(), user)
        .select_related("course", "government", "department")
        .annotate(
            present=Count("attendances", filter=Q(attendances__attended=True)),
            listed=Count("attendances"),
        )
        .order_by("-held_on", "code")  # Meta.ordering does not reach a grouped query
    )


def attendance_of(user: User, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    """A session's attendance in the user's reach (the civil servants' units)."""
    return (
        policy.within(TrainingAttendance.objects.all(), user)
        .filter(session=session)
        .select_related("civil_servant", "department")
        .order_by("department__name", "civil_servant__name", "id")
    )


def imports_visible(user: User) -> QuerySet[TrainingImport]:
    return policy.within(TrainingImport.objects.all(), user).select_related("created_by")


def may_read_report(user: User, batch: TrainingImport) -> bool:
    """The unit that sent the list (its staff who register training) reads its error report."""
    return policy.permits(user, "training.manage") and policy.is_reporting_unit(
        user, batch.created_by.unit_id, batch.department_id
    )


def import_report_read(user: User, pk: int) -> TrainingImport:
    """An attendance list's error report for download. It repeats the rows as sent, full ID
    numbers included, so only the unit that sent the list may read it (as only a record's
    reporting unit may reveal an ID, PIPL art. 51), and each download is audited."""
    batch = imports_visible(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound()
    if not may_read_report(user, batch):
        raise Forbidden("错误报告含名单中的完整身份证号码，只有导入单位可以下载")
    if batch.report is None:
        raise NotFound("没有错误报告")
    audit_append(
        actor=user.username,
        action="training.import_report_download",
        object_type="training_import",
        object_id=batch.pk,
        after={"filename": batch.filename},
    )
    return batch


def _year_q(prefix: str, year: int) -> Q:
    return Q(
        **{
            f"{prefix}training_attendances__attended": True,
            f"{prefix}training_attendances__session__held_on__gte": datetime.date(year, 1, 1),
            f"{prefix}training_attendances__session__held_on__lte": datetime.date(year, 12, 31),
        }
    )


def _passed_q(prefix: str, year: int) -> Q:
    return _year_q(prefix, year) & Q(**{f"{prefix}training_attendances__score__gte": pass_score()})


def coverage_by_unit(year: int, user: User | None = None) -> QuerySet[Government]:
    """Every government (within `user`'s reach when given) annotated, in one query, with
    `on_roll` (civil servants of its departments in the directory), `trained` (of them, those
    present at a session held in `year`) and `passed` (those with a passing exam score that
    year). What the annual assessment reads; see the module's note on the denominator."""
    qs = Government.objects.all() if user is None else policy.within(Government.objects.all(), user)
    person = "departments__civil_servants"
    return qs.annotate(
        on_roll=Count(person, distinct=True),
        trained=Count(person, filter=_year_q(f"{person}__", year), distinct=True),
        passed=Count(person, filter=_passed_q(f"{person}__", year), distinct=True),
    ).select_related("division")


def coverage_by_department(year: int, user: User) -> QuerySet[Department]:
    """The departments in the user's reach with the same three figures."""
    person = "civil_servants"
    return (
        policy.within(Department.objects.all(), user)
        .annotate(
            on_roll=Count(person, distinct=True),
            trained=Count(person, filter=_year_q(f"{person}__", year), distinct=True),
            passed=Count(person, filter=_passed_q(f"{person}__", year), distinct=True),
        )
        .select_related("government")
    )


@dataclass(frozen=True)
class CoverageRow:
    kind: str  # 政府 / 部门
    unit: str
    government: str
    on_roll: int
    trained: int
    passed: int

    @property
    def rate(self) -> str:
        return f"{self.trained / self.on_roll:.0%}" if self.on_roll else "—"

    @property
    def pass_rate(self) -> str:
        return f"{self.passed / self.trained:.0%}" if self.trained else "—"


def _figures(unit: Government | Department) -> tuple[int, int, int]:
    """The three annotations of `coverage_by_unit` / `coverage_by_department`."""
    return (getattr(unit, "on_roll", 0), getattr(unit, "trained", 0), getattr(unit, "passed", 0))


def coverage_rows(year: int, user: User) -> list[CoverageRow]:
    """The coverage table: each government in reach with a roll (its total), then its
    departments in reach; a department's account sees its department's row alone."""
    departments: dict[int, list[CoverageRow]] = {}
    names: dict[int, tuple[str, str]] = {}
    rostered = CivilServant.objects.values("department_id")
    for d in coverage_by_department(year, user).filter(pk__in=rostered):
        names[d.government_id] = (d.division_code, d.government.name)
        departments.setdefault(d.government_id, []).append(
            CoverageRow("部门", d.name, d.government.name, *_figures(d))
        )
    totals = {
        g.pk: CoverageRow("政府", g.name, g.name, *_figures(g))
        for g in coverage_by_unit(year, user).filter(pk__in=departments.keys())
    }
    rows: list[CoverageRow] = []
    for government_id in sorted(departments, key=lambda pk: names[pk]):
        if government_id in totals:
            rows.append(totals[government_id])
        rows.extend(sorted(departments[government_id], key=lambda r: r.unit))
    return rows
