"""Every write on integrity training (诚信教育, plan 三（二）1: "将政务诚信纳入公务员教育培训,
加强培训情况登记和培训结果评估"): a unit registers its courses and sessions and the attendance
and exam results of the civil servants in its reach, one list at a time. A list is written whole
or not at all: any bad row (unknown session or person, a name that does not match the ID, a bad
score, a row twice) refuses the file and keeps an Excel error report of the failing rows."""

from __future__ import annotations

import datetime
import hashlib
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from govtrust.core.audit import audit_append
from govtrust.core.clock import plausible, today_beijing
from govtrust.core.errors import Conflict, DomainError, NotFound
from govtrust.core.identifiers import check_ric
from govtrust.core.protect import lookup_digester
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import CivilServant, Department, Government, User
from govtrust.records.bulk import cells, sniff
from govtrust.supervision.models import (
    TrainingAttendance,
    TrainingCourse,
    TrainingImport,
    TrainingImportState,
    TrainingMode,
    TrainingSession,
)
from govtrust.supervision.training_sheets import (
    ABSENT,
    COLUMNS,
    LABELS,
    PRESENT,
    RowError,
    RowIn,
    header_positions,
    max_rows,
    read_list,
    report_xlsx,
)

# 本地政策: the most class hours one session may count (a day's training is 8).
MAX_HOURS = Decimal("40")


def _text(value: str, field: str, label: str, limit: int, errors: list[tuple[str, str]]) -> str:
    value = plain(value).strip()
    if not value:
        errors.append((field, f"请填写{label}"))
    elif len(value) > limit:
        errors.append((field, f"{label}不能超过{limit}字"))
    return value


def _organiser(
    actor: User, government_code: str, department_id: int | None
) -> tuple[Government, Department | None]:
    """The organiser unit, the actor's own unless another in reach is named; whether the actor
    may act for it is the policy's answer (the same reach as reading it)."""
    code = government_code.strip() or actor.scope_code
    # Divisions and their governments are public; whether the actor may act for one is asked
    # of the policy below, on the session it would own.
    government = Government.objects.filter(division_id=code).first()
    if government is None:
        raise DomainError(
            "组织单位不存在，请核对行政区划代码", errors=[("government_code", "无此单位")]
        )
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id, government=government).first()
        if department is None:
            raise DomainError("组织部门不属于该政府", errors=[("department_id", "无此部门")])
    probe = TrainingSession(division_code=government.division_id, department=department)
    if not policy.reaches(actor, probe) and department is None and actor.department_id:
        department = actor.department  # a department's staff organise for their department
        probe.department = department
    if not policy.reaches(actor, probe):
        raise DomainError("组织单位不在您的数据范围内：只能登记本单位或下级单位组织的培训")
    return government, department


@transaction.atomic
def course_create(
    *,
    actor: User,
    code: str,
    title: str,
    summary: str = "",
    government_code: str = "",
    department_id: int | None = None,
) -> TrainingCourse:
    policy.require(actor, "training.manage")
    errors: list[tuple[str, str]] = []
    code = cells.compact(_text(code, "code", "课程编号", 20, errors))
    title = _text(title, "title", "课程名称", 120, errors)
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    government, department = _organiser(actor, government_code, department_id)
    duplicate = Conflict(f"课程编号{code}已使用", errors=[("code", "已使用")])
    if TrainingCourse.objects.filter(code=code).exists():
        raise duplicate
    try:
        with transaction.atomic():
            course = TrainingCourse.objects.create(
                code=code,
                title=title,
                summary=plain(summary).strip()[:2000],
                government=government,
                department=department,
                division_code=government.division_id,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    audit_append(
        actor=actor.username,
        action="training.course_create",
        object_type="training_course",
        object_id=course.pk,
        after={"code": code, "title": title, "organiser": course.organiser},
    )
    return course


@dataclass(frozen=True)
class SessionIn:
    course_id: int
    code: str
    mode: str
    held_on: datetime.date
    hours: Decimal | str
    place: str = ""
    government_code: str = ""
    department_id: int | None = None


def _hours(value: Decimal | str, errors: list[tuple[str, str]]) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(("hours", "学时应为数字，如 2 或 1.5"))
        return Decimal(0)
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        errors.append(("hours", f"学时应大于0且不超过{MAX_HOURS}"))
    elif hours != hours.quantize(Decimal("0.1")):
        errors.append(("hours", "学时最多保留一位小数"))
    return hours


@transaction.atomic
def session_create(*, actor: User, data: SessionIn) -> TrainingSession:
    """A session of a course in the catalogue, held by the actor's unit or one in its reach."""
    policy.require(actor, "training.manage")
    errors: list[tuple[str, str]] = []
    code = cells.compact(_text(data.code, "code", "场次编号", 30, errors))
    if data.mode not in TrainingMode.values:
        errors.append(("mode", "培训方式应为线下面授（in_person）或线上学习（online）"))
    hours = _hours(data.hours, errors)
    if not plausible(data.held_on):
        errors.append(("held_on", "培训日期不在合理范围内，请核对"))
    place = plain(data.place).strip()
    if len(place) > 120:
        errors.append(("place", "地点或平台不能超过120字"))
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    course = TrainingCourse.objects.filter(pk=data.course_id).first()  # the catalogue is open
    if course is None:
        raise DomainError("课程不存在", errors=[("course_id", "无此课程")])
    government, department = _organiser(actor, data.government_code, data.department_id)
    duplicate = Conflict(f"场次编号{code}已使用", errors=[("code", "已使用")])
    if TrainingSession.objects.filter(code=code).exists():
        raise duplicate
    try:
        with transaction.atomic():
            session = TrainingSession.objects.create(
                course=course,
                code=code,
                mode=data.mode,
                held_on=data.held_on,
                hours=hours,
                place=place,
                government=government,
                department=department,
                division_code=government.division_id,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    audit_append(
        actor=actor.username,
        action="training.session_create",
        object_type="training_session",
        object_id=session.pk,
        after={
            "code": code,
            "course": course.code,
            "mode": data.mode,
            "held_on": data.held_on.isoformat(),
            "hours": str(hours),
            "organiser": session.organiser,
        },
    )
    return session


# ---- attendance: one list, whole or nothing -------------------------------------------------


@dataclass(frozen=True)
class Checked:
    session: TrainingSession
    person: CivilServant
    attended: bool
    score: Decimal | None


def _score(raw: Any) -> Decimal | str | None:
    """A score from 0 to 100 with at most one decimal; a message when it is not one."""
    if raw is None or (isinstance(raw, str) and not cells.compact(raw)):
        return None
    if isinstance(raw, bool):
        return "考试成绩应为0至100的数字"
    try:
        value = Decimal(str(raw)) if isinstance(raw, int | float) else Decimal(cells.compact(raw))
    except InvalidOperation:
        return f"考试成绩“{cells.text(raw)[:20]}”不是数字，应为0至100分"
    if not value.is_finite() or value < 0 or value > 100:
        return f"考试成绩{cells.text(raw)[:20]}超出范围，应为0至100分"
    if value != value.quantize(Decimal("0.1")):
        return "考试成绩最多保留一位小数"
    return value.quantize(Decimal("0.1"))


def check_rows(actor: User, rows: list[RowIn]) -> tuple[list[Checked], list[RowError], int]:
    """Every row checked against the sessions and civil servants in the actor's reach and
    against each other; returns the good rows to write, the errors and how many rows are
    already registered as they are (a list sent again)."""
    errors: list[RowError] = []
    digest = lookup_digester()
    codes = {cells.compact(r.session) for r in rows}
    sessions = {
        s.code: s
        for s in policy.within(TrainingSession.objects.all(), actor).filter(code__in=codes)
    }
    rics: dict[int, str] = {}
    for r in rows:
        result = check_ric(cells.compact(r.ric)) if cells.compact(r.ric) else None
        if result is None:
            errors.append(RowError(r.row, "ric", "请填写身份证号码"))
        elif not result.valid:
            errors.append(RowError(r.row, "ric", result.message))
        else:
            rics[r.row] = digest(result.normalized)
    people = {
        p.ric_digest: p
        for p in policy.within(CivilServant.objects.all(), actor)
        .filter(ric_digest__in=set(rics.values()))
        .select_related("department")
    }
    today = today_beijing()
    good: list[tuple[int, Checked]] = []
    seen: dict[tuple[int, int], int] = {}
    for r in rows:
        code = cells.compact(r.session)
        session = sessions.get(code)
        if not code:
            errors.append(RowError(r.row, "session", "请填写场次编号"))
        elif session is None:
            errors.append(
                RowError(r.row, "session", f"场次编号“{code[:30]}”不存在或不在您的数据范围内")
            )
        name = cells.text(r.name)
        person = people.get(rics.get(r.row, ""))
        if not name:
            errors.append(RowError(r.row, "name", "请填写姓名"))
        if r.row in rics and person is None:
            errors.append(
                RowError(r.row, "ric", "该身份证号码不在您数据范围内的公务员名录中，请核对")
            )
        elif person is not None and name and name != person.name:
            errors.append(RowError(r.row, "name", "姓名与公务员名录中该身份证号码登记的姓名不一致"))
        status = cells.compact(r.attended) if not isinstance(r.attended, bool) else ""
        attended = r.attended if isinstance(r.attended, bool) else status in PRESENT
        if not isinstance(r.attended, bool) and status not in PRESENT | ABSENT:
            errors.append(RowError(r.row, "attended", "出勤情况应填写“参加”或“缺席”"))
        score = _score(r.score)
        if isinstance(score, str):
            errors.append(RowError(r.row, "score", score))
        elif score is not None and not attended:
            errors.append(RowError(r.row, "score", "缺席人员不应填写考试成绩"))
        if session is not None and attended and session.held_on > today:
            errors.append(
                RowError(
                    r.row,
                    "session",
                    f"该场次定于{session.held_on:%Y年%m月%d日}举行，尚不能登记出勤",
                )
            )
        if session is None or person is None or isinstance(score, str):
            continue
        key = (session.pk, person.pk)
        if key in seen:
            errors.append(RowError(r.row, "", f"与第{seen[key]}行重复：同一场次同一人只能登记一次"))
            continue
        seen[key] = r.row
        good.append((r.row, Checked(session, person, attended, score)))
    existing = {
        (a.session_id, a.civil_servant_id): a
        for a in TrainingAttendance.objects.filter(
            session__in={c.session.pk for _, c in good},
            civil_servant__in={c.person.pk for _, c in good},
        )
    }
    fresh: list[Checked] = []
    unchanged = 0
    for row, item in good:
        before = existing.get((item.session.pk, item.person.pk))
        if before is None:
            fresh.append(item)
        elif before.attended == item.attended and before.score == item.score:
            unchanged += 1
        else:
            errors.append(
                RowError(row, "", "该公务员在此场次已登记，出勤或成绩与本次不同，不能重复导入")
            )
    errors.sort(key=lambda e: (e.row, list(LABELS).index(e.column) if e.column else 9))
    return fresh, errors, unchanged


def _write(actor: User, items: list[Checked], batch: TrainingImport | None) -> int:
    TrainingAttendance.objects.bulk_create(
        [
            TrainingAttendance(
                session=item.session,
                civil_servant=item.person,
                attended=item.attended,
                score=item.score,
                division_code=item.person.division_code,
                department_id=item.person.department_id,
                import_batch=batch,
                created_by=actor,
            )
            for item in items
        ]
    )
    return len(items)


@transaction.atomic
def attendance_register(*, actor: User, session_id: int, rows: list[RowIn]) -> int:
    """Rows for one session (the API): all written, or none and every error said."""
    policy.require(actor, "training.manage")
    session = policy.within(TrainingSession.objects.all(), actor).filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    if not rows:
        raise DomainError("请至少登记一名参训人员")
    if len(rows) > max_rows():
        raise DomainError(f"一次最多登记{max_rows()}人，请分批登记")
    rows = [RowIn(r.row, session.code, r.name, r.ric, r.attended, r.score) for r in rows]
    fresh, errors, _unchanged = check_rows(actor, rows)
    if errors:
        raise DomainError(
            f"共{len(errors)}处错误，未登记任何记录：第{errors[0].row}条：{errors[0].message}",
            errors=[(f"{e.row}.{e.column or 'row'}", e.message) for e in errors],
        )
    created = _write(actor, fresh, None)
    audit_append(
        actor=actor.username,
        action="training.attendance_register",
        object_type="training_session",
        object_id=session.pk,
        after={"code": session.code, "created": created},
    )
    return created


def attendance_import(*, actor: User, source: IO[bytes], filename: str) -> TrainingImport:
    """An attendance list (xlsx, xls, ods or CSV in UTF-8 or GBK): every row written, or none
    and the import kept as refused with its errors and report. A file that cannot be read at
    all (wrong type, encoding, no header) is refused in words and leaves nothing."""
    policy.require(actor, "training.manage")
    name = Path(filename or "upload").name[:200]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "attendance"
        # One byte over the limit is enough for `detect` to refuse the file; never read more.
        path.write_bytes(source.read(int(settings.GOVTRUST_IMPORT_MAX_BYTES) + 1))
        kind = sniff.detect(path, name)
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        _at, header, data = read_list(path, kind)
    positions = header_positions([cells.text(v) for v in header]) or {}

    def cell(row: list[Any], key: str) -> Any:
        index = positions.get(key)
        return row[index] if index is not None and index < len(row) else ""

    rows = [
        RowIn(
            number,
            cell(row, "session"),
            cell(row, "name"),
            cell(row, "ric"),
            cell(row, "attended"),
            cell(row, "score"),
        )
        for number, row in data
    ]
    with transaction.atomic():
        fresh, errors, unchanged = check_rows(actor, rows)
        batch = TrainingImport.objects.create(
            filename=name,
            sha256=sha256,
            state=TrainingImportState.REFUSED if errors else TrainingImportState.DONE,
            rows=len(rows),
            unchanged=unchanged,
            errors=[[e.row, LABELS.get(e.column, "本行"), e.message] for e in errors],
            report=report_xlsx(header, data, errors) if errors else None,
            division_code=actor.scope_code,
            department=actor.department,
            created_by=actor,
        )
        if not errors:
            batch.created = _write(actor, fresh, batch)
            batch.save(update_fields=["created"])
        summary = {
            "filename": name,
            "sha256": sha256,
            "rows": len(rows),
            "created": batch.created,
            "errors": len(errors),
        }
        if errors:
            audit_append(
                actor=actor.username,
                action="training.import_refused",
                object_type="training_import",
                object_id=batch.pk,
                after=summary,
                outcome="failure",
            )
        else:
            audit_append(
                actor=actor.username,
                action="training.import",
                object_type="training_import",
                object_id=batch.pk,
                after=summary,
            )
    return batch


__all__ = [
    "COLUMNS",
    "RowIn",
    "SessionIn",
    "attendance_import",
    "attendance_register",
    "check_rows",
    "course_create",
    "session_create",
]
