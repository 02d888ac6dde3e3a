"""Demo integrity training (`govtrust demo`): two courses of the provincial credit office, an
online session the province ran for every demo civil servant it reaches and an in-person one
兰州市 held for its own staff, this year and last, with absences and a few failed exams.
Idempotent: sessions are found by their codes and a session already registered is left."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.core.protect import decrypt
from govtrust.directory import policy
from govtrust.directory.models import CivilServant, User
from govtrust.supervision.models import TrainingCourse, TrainingMode, TrainingSession
from govtrust.supervision.services import training as svc

COURSES = [
    (
        "ZWCX-01",
        "政务诚信与公务员守信践诺",
        "实施方案二（二）基本原则、三（三）4守信践诺；公务员法规定的义务与纪律。",
    ),
    (
        "ZWCX-02",
        "政务失信记录与信用修复",
        "实施方案三（二）2、5、6：失信记录的报送、惩戒与信用修复。",
    ),
]


def _course(office: User, code: str, title: str, summary: str) -> TrainingCourse:
    found = TrainingCourse.objects.filter(code=code).first()
    if found is not None:
        return found
    return svc.course_create(actor=office, code=code, title=title, summary=summary)


def _session(
    actor: User, course: TrainingCourse, code: str, mode: str, held_on: datetime.date, hours: str
) -> TrainingSession | None:
    if TrainingSession.objects.filter(code=code).exists():
        return None  # registered by an earlier run
    return svc.session_create(
        actor=actor,
        data=svc.SessionIn(
            course_id=course.pk,
            code=code,
            mode=mode,
            held_on=held_on,
            hours=Decimal(hours),
            place="甘肃省干部网络培训学院" if mode == TrainingMode.ONLINE else "市委党校报告厅",
        ),
    )


def _attend(actor: User, session: TrainingSession, every: int) -> int:
    """Each civil servant in the actor's reach, but one in `every` absent; scores spread
    from 52 to 98 by the person's number (a few below the pass mark)."""
    people = policy.within(CivilServant.objects.all(), actor).order_by("pk")
    rows = [
        svc.RowIn(
            number,
            session.code,
            person.name,
            decrypt(bytes(person.ric_cipher)),
            person.pk % every != 0,
            "" if person.pk % every == 0 else Decimal(52 + (person.pk * 7) % 47),
        )
        for number, person in enumerate(people, start=1)
    ]
    return svc.attendance_register(actor=actor, session_id=session.pk, rows=rows) if rows else 0


def training_demo(progress: Callable[[str], None]) -> None:
    office = User.objects.filter(username="creditoffice").first()
    city = User.objects.filter(username="reviewer").first()
    if office is None or city is None:
        return
    today = today_beijing()
    first, second = (_course(office, *course) for course in COURSES)
    plan = [
        (
            office,
            first,
            f"GS-{today.year - 1}-01",
            TrainingMode.ONLINE,
            datetime.date(today.year - 1, 11, 20),
            "6",
            4,
        ),
        (
            office,
            second,
            f"GS-{today.year}-01",
            TrainingMode.ONLINE,
            today - datetime.timedelta(days=45),
            "4",
            3,
        ),
        (
            city,
            first,
            f"LZ-{today.year}-01",
            TrainingMode.IN_PERSON,
            today - datetime.timedelta(days=20),
            "3",
            5,
        ),
    ]
    created = 0
    for actor, course, code, mode, held_on, hours, every in plan:
        try:
            session = _session(actor, course, code, mode, held_on, hours)
            if session is not None:
                created += _attend(actor, session, every)
        except DomainError as exc:
            progress(f"未能生成诚信教育演示数据：{exc.detail}")
    progress(f"诚信教育：课程 {len(COURSES)} 门，新登记参训记录 {created} 条")
