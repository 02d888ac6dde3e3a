"""Integrity training over HTTP (staff): courses, sessions with their attendance and exam
results, and coverage per unit and year. Writes through services/training.py; reads through
the policy's reach (selectors_training)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govtrust.core.errors import NotFound
from govtrust.directory.auth import api_user
from govtrust.supervision import selectors_training as selectors
from govtrust.supervision.models import TrainingAttendance, TrainingCourse, TrainingSession
from govtrust.supervision.services import training as svc

router = Router(tags=["诚信教育"])


class CourseIn(Schema):
    code: str
    title: str
    summary: str = ""
    government_code: str = Field("", description="组织单位的行政区划代码，留空为本单位")
    department_id: int | None = None


class CourseOut(Schema):
    id: int
    code: str
    title: str
    summary: str
    organiser: str
    government_code: str
    department_id: int | None


class TrainingIn(Schema):
    course_id: int
    code: str = Field(description="场次编号，参训名单按此引用")
    mode: str = Field(description="in_person 线下面授 / online 线上学习")
    held_on: datetime.date
    hours: Decimal = Field(description="学时，最多一位小数")
    place: str = ""
    government_code: str = Field("", description="组织单位的行政区划代码，留空为本单位")
    department_id: int | None = None


class TrainingOut(Schema):
    id: int
    code: str
    course_id: int
    course: str
    mode: str
    mode_label: str
    held_on: datetime.date
    hours: Decimal
    place: str
    organiser: str
    government_code: str
    department_id: int | None
    present: int
    listed: int


class AttendanceIn(Schema):
    name: str
    ric: str = Field(description="18位公民身份号码（仅用于匹配公务员名录，不回显）")
    attended: bool = True
    score: Decimal | None = Field(None, description="考试成绩，0至100，最多一位小数")


class AttendanceOut(Schema):
    id: int
    civil_servant_id: int
    name: str
    ric_masked: str
    department: str
    attended: bool
    score: Decimal | None


class Registered(Schema):
    created: int


class CoverageOut(Schema):
    kind: str
    unit: str
    government: str
    on_roll: int
    trained: int
    rate: str
    passed: int


def _course(c: TrainingCourse) -> CourseOut:
    return CourseOut(
        id=c.pk,
        code=c.code,
        title=c.title,
        summary=c.summary,
        organiser=c.organiser,
        government_code=c.government.division_id,
        department_id=c.department_id,
    )


def _training(s: TrainingSession) -> TrainingOut:
    return TrainingOut(
        id=s.pk,
        code=s.code,
        course_id=s.course_id,
        course=s.course.title,
        mode=s.mode,
        mode_label=s.get_mode_display(),
        held_on=s.held_on,
        hours=s.hours,
        place=s.place,
        organiser=s.organiser,
        government_code=s.government.division_id,
        department_id=s.department_id,
        present=getattr(s, "present", 0),
        listed=getattr(s, "listed", 0),
    )


def _attendance(a: TrainingAttendance) -> AttendanceOut:
    return AttendanceOut(
        id=a.pk,
        civil_servant_id=a.civil_servant_id,
        name=a.civil_servant.name,
        ric_masked=a.civil_servant.ric_masked,
        department=a.department.name,
        attended=a.attended,
        score=a.score,
    )


@router.get("/training-courses", response=list[CourseOut], summary="诚信教育课程目录")
def course_list(request: HttpRequest) -> list[CourseOut]:
    return [_course(c) for c in selectors.courses(api_user(request))]


@router.post("/training-courses", response={201: CourseOut}, summary="登记诚信教育课程")
def course_create(request: HttpRequest, body: CourseIn) -> Status[CourseOut]:
    course = svc.course_create(actor=api_user(request), **body.dict())
    return Status(201, _course(course))


@router.get("/trainings", response=list[TrainingOut], summary="培训场次（数据范围内）")
def training_list(request: HttpRequest, year: int | None = None) -> list[TrainingOut]:
    qs = selectors.sessions_visible(api_user(request))
    if year is not None:
        qs = qs.filter(held_on__year=selectors.check_year(year))
    return [_training(s) for s in qs]


@router.post("/trainings", response={201: TrainingOut}, summary="登记培训场次（线上或线下）")
def training_create(request: HttpRequest, body: TrainingIn) -> Status[TrainingOut]:
    actor = api_user(request)
    done = svc.session_create(actor=actor, data=svc.SessionIn(**body.dict()))
    return Status(201, _training(selectors.sessions_visible(actor).get(pk=done.pk)))


@router.get(
    "/trainings/{training_id}/attendance",
    response=list[AttendanceOut],
    summary="场次的参训和考试情况（身份证号码遮蔽）",
)
def attendance_list(request: HttpRequest, training_id: int) -> list[AttendanceOut]:
    user = api_user(request)
    session = selectors.sessions_visible(user).filter(pk=training_id).first()
    if session is None:
        raise NotFound()
    return [_attendance(a) for a in selectors.attendance_of(user, session)]


@router.post(
    "/trainings/{training_id}/attendance",
    response={201: Registered},
    summary="登记参训和考试情况（全部通过才登记）",
)
def attendance_create(
    request: HttpRequest, training_id: int, body: list[AttendanceIn]
) -> Status[Registered]:
    rows = [
        svc.RowIn(
            number, "", item.name, item.ric, item.attended, "" if item.score is None else item.score
        )
        for number, item in enumerate(body, start=1)
    ]
    created = svc.attendance_register(actor=api_user(request), session_id=training_id, rows=rows)
    return Status(201, Registered(created=created))


@router.get(
    "/training-coverage",
    response=list[CoverageOut],
    summary="诚信教育覆盖率（按单位，分母为公务员名录在册人数）",
)
def coverage(request: HttpRequest, year: int) -> list[CoverageOut]:
    return [
        CoverageOut(
            kind=r.kind,
            unit=r.unit,
            government=r.government,
            on_roll=r.on_roll,
            trained=r.trained,
            rate=r.rate,
            passed=r.passed,
        )
        for r in selectors.coverage_rows(selectors.check_year(year), api_user(request))
    ]
