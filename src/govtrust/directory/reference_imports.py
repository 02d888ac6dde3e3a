"""规则与参考数据导入 (system administrator, `system.manage`): the holiday schedule of several
years from one file, and an update of the administrative divisions. Each is previewed (what
changes) and then applied by the same service with the same checks, so a file that previewed
cleanly cannot apply differently except for what changed in between. Audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.models import CalendarDay, CalendarYear
from govtrust.core.workdays.services import calendar_year_enter
from govtrust.directory import policy
from govtrust.directory.models import Division, Government, Level, User
from govtrust.directory.reference_files import (
    DivisionRow,
    ScheduleYear,
    parse_divisions,
    parse_holidays,
)
from govtrust.directory.services import STATISTICAL_CODES, _government_of

# ---- the holiday schedule ------------------------------------------------------------------


@dataclass(frozen=True)
class YearChange:
    year: int
    source: str
    entered: bool  # the year had a schedule already
    days: int
    added: list[str]  # "2027-10-01 休 国庆节"
    removed: list[str]
    changed: list[str]


@dataclass(frozen=True)
class HolidayPreview:
    years: list[YearChange]
    deadlines: int  # provisional deadlines the schedule recomputes
    sha256: str


class _DryRun(Exception):
    """Raised to roll back a preview's trial application."""


def _line(date: object, workday: bool, note: str) -> str:
    return f"{date} {'班' if workday else '休'} {note}".strip()


def _year_change(entry: ScheduleYear) -> YearChange:
    old = {
        d: (w, n)
        for d, w, n in CalendarDay.objects.filter(date__year=entry.year).values_list(
            "date", "is_workday", "note"
        )
    }
    new = {d.date: (d.is_workday, d.note) for d in entry.days}
    return YearChange(
        year=entry.year,
        source=entry.source,
        entered=CalendarYear.objects.filter(year=entry.year).exists(),
        days=len(entry.days),
        added=[_line(d, *new[d]) for d in sorted(new.keys() - old.keys())],
        removed=[_line(d, *old[d]) for d in sorted(old.keys() - new.keys())],
        changed=[_line(d, *new[d]) for d in sorted(new.keys() & old.keys()) if new[d] != old[d]],
    )


def _enter(schedule: list[ScheduleYear], actor: User) -> int:
    return sum(
        calendar_year_enter(
            year=entry.year,
            days=entry.days,
            source=entry.source,
            actor_name=actor.username,
            actor_id=actor.pk,
        )
        for entry in schedule
    )


def holidays_preview(*, data: bytes, filename: str, actor: User) -> HolidayPreview:
    """What the file would change, and how many provisional deadlines it would recompute: the
    schedule is entered for real inside a savepoint that is then rolled back, so the count is
    the one the deadline hooks of every app would report."""
    policy.require(actor, "system.manage")
    schedule = parse_holidays(data, filename)
    years = [_year_change(entry) for entry in schedule]
    deadlines = 0
    try:
        with transaction.atomic():
            deadlines = _enter(schedule, actor)
            raise _DryRun
    except _DryRun:
        pass
    return HolidayPreview(years, deadlines, hashlib.sha256(data).hexdigest())


def holidays_apply(*, data: bytes, filename: str, actor: User) -> HolidayPreview:
    """Enter every year of the file through calendar_year_enter (each audited as
    calendar.enter_year), and the import itself as calendar.import."""
    policy.require(actor, "system.manage")
    schedule = parse_holidays(data, filename)
    with transaction.atomic():
        years = [_year_change(entry) for entry in schedule]
        deadlines = _enter(schedule, actor)
        digest = hashlib.sha256(data).hexdigest()
        audit_append(
            actor=actor.username,
            action="calendar.import",
            object_type="calendar_year",
            object_id=",".join(str(y.year) for y in years),
            after={
                "filename": filename[-200:],
                "sha256": digest,
                "years": {str(y.year): y.source for y in years},
                "recomputed_deadlines": deadlines,
            },
        )
    return HolidayPreview(years, deadlines, digest)


# ---- administrative divisions --------------------------------------------------------------


@dataclass
class DivisionDiff:
    created: list[DivisionRow] = field(default_factory=list)
    renamed: list[tuple[DivisionRow, str]] = field(default_factory=list)  # (row, old name)
    unchanged: int = 0
    sha256: str = ""


_ABOVE = {
    Level.PREFECTURE: Level.PROVINCE,
    Level.COUNTY: Level.PREFECTURE,
    Level.TOWNSHIP: Level.COUNTY,
}


def _diff(rows: list[DivisionRow]) -> DivisionDiff:
    existing = {d.code: d for d in Division.objects.filter(code__in=[r.code for r in rows])}
    parents = {r.parent for r in rows} - {r.code for r in rows}
    known = dict(Division.objects.filter(code__in=parents).values_list("code", "level"))
    known.update({r.code: r.level for r in rows})
    diff, errors = DivisionDiff(), []
    for row in rows:
        where = f"第{row.line}行"
        # 兰州新区 answers to the province, whatever its code's prefix says (policy.py).
        parent = policy.ANSWERS_TO.get(row.code, row.parent)
        current = existing.get(row.code)
        if current is not None:
            if current.parent_id != parent or current.level != row.level:
                errors.append(f"{where}不支持通过导入变更已有区划的上级或层级：{row.code}")
            elif current.name != row.name:
                diff.renamed.append((row, current.name))
            else:
                diff.unchanged += 1
            continue
        if parent not in known:
            errors.append(f"{where}上级区划代码不存在：{row.parent or '（空）'}")
        elif known[parent] != _ABOVE[Level(row.level)]:
            errors.append(f"{where}上级区划 {parent} 的层级与“{Level(row.level).label}”不相符")
        elif row.code not in STATISTICAL_CODES and not row.code.startswith(parent):
            errors.append(f"{where}区划代码 {row.code} 应以上级代码 {parent} 开头")
        else:
            diff.created.append(row)
    if errors:
        raise DomainError(
            "行政区划文件有误，未导入任何内容", errors=[("file", e) for e in errors[:20]]
        )
    return diff


def divisions_preview(*, data: bytes, actor: User) -> DivisionDiff:
    policy.require(actor, "system.manage")
    diff = _diff(parse_divisions(data))
    diff.sha256 = hashlib.sha256(data).hexdigest()
    return diff


@transaction.atomic
def divisions_apply(*, data: bytes, filename: str, actor: User) -> DivisionDiff:
    """Add the new divisions with their governments (named as divisions_load names them) and
    rename the renamed ones; a government keeps a name that was set by hand."""
    policy.require(actor, "system.manage")
    diff = _diff(parse_divisions(data))
    diff.sha256 = hashlib.sha256(data).hexdigest()
    for row in sorted(diff.created, key=lambda r: len(r.code)):  # parents first
        division = Division.objects.create(
            code=row.code,
            name=row.name,
            level=row.level,
            parent_id=policy.ANSWERS_TO.get(row.code, row.parent),
            is_statistical=row.code in STATISTICAL_CODES,
        )
        name, kind = _government_of(division)
        Government.objects.create(division=division, name=name, kind=kind)
    for row, _old in diff.renamed:
        division = Division.objects.get(code=row.code)
        before = _government_of(division)[0]
        division.name = row.name
        division.save(update_fields=["name"])
        Government.objects.filter(division=division, name=before).update(
            name=_government_of(division)[0]
        )
    audit_append(
        actor=actor.username,
        action="directory.import_divisions",
        object_type="division",
        object_id=diff.sha256[:16],
        after={
            "filename": filename[-200:],
            "sha256": diff.sha256,
            "created": [[r.code, r.name] for r in diff.created],
            "renamed": [[r.code, old, r.name] for r, old in diff.renamed],
        },
    )
    return diff
