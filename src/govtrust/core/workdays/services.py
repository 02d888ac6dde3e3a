"""Entering a year's official schedule, the only writer of the calendar tables."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.models import CalendarDay, CalendarYear
from govtrust.core.workdays.engine import recompute_all

_LINE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(休|班)\s*(.*)$")


@dataclass(frozen=True)
class ScheduleDay:
    date: datetime.date
    is_workday: bool
    note: str


def parse_schedule(text: str, *, year: int) -> list[ScheduleDay]:
    """Parse lines such as `2027-10-01 休 国庆节` or `2027-09-26 班 国庆节调休`."""
    days: list[ScheduleDay] = []
    errors: list[str] = []
    seen: set[datetime.date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(f"第{number}行格式应为“YYYY-MM-DD 休|班 说明”：{line[:40]}")
            continue
        try:
            day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            errors.append(f"第{number}行日期无效：{line[:40]}")
            continue
        if day.year != year:
            errors.append(f"第{number}行日期不属于{year}年")
        elif day in seen:
            errors.append(f"第{number}行日期重复：{day}")
        seen.add(day)
        days.append(ScheduleDay(day, match[4] == "班", match[5][:60]))
    if errors:
        raise DomainError("节假日安排有误", errors=[("schedule", e) for e in errors])
    if not days:
        raise DomainError("节假日安排不能为空", errors=[("schedule", "请至少填写一天")])
    return days


# A State Council schedule leaves about 250 working days a year (11 holidays of 1–8 days, with
# weekend make-up days). Fewer than this is a wrong file or form (every day marked 休), not a
# schedule, and would push every deadline years away (plausibility check, local policy).
MIN_WORKING_DAYS = 200


def implausible_year(year: int, days: list[ScheduleDay]) -> str:
    """Why `days` cannot be year `year`'s schedule ("" when it can)."""
    marked = {d.date: d.is_workday for d in days}
    day, working = datetime.date(year, 1, 1), 0
    while day.year == year:
        working += marked.get(day, day.weekday() < 5)
        day += datetime.timedelta(days=1)
    if working >= MIN_WORKING_DAYS:
        return ""
    return f"{year}年按此安排只有{working}个工作日（应约250个），请核对是否把工作日标为“休”"


@transaction.atomic
def calendar_year_enter(
    *, year: int, days: list[ScheduleDay], source: str, actor_name: str, actor_id: int | None
) -> int:
    """Store a year's schedule, mark the year as known, and recompute provisional deadlines.

    Returns how many open deadlines were recomputed.
    """
    if not source.strip():
        raise DomainError("请填写依据（国务院办公厅通知文号）", errors=[("source", "不能为空")])
    problem = implausible_year(year, days)
    if problem:
        raise DomainError(problem, errors=[("days", problem)])
    before = list(
        CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday", "note")
    )
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, is_workday=d.is_workday, note=d.note) for d in days
    )
    CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip()[:200], "entered_by_id": actor_id}
    )
    recomputed = recompute_all()
    audit_append(
        actor=actor_name,
        action="calendar.enter_year",
        object_type="calendar_year",
        object_id=year,
        before={"days": [[str(d), w, n] for d, w, n in before]},
        after={
            "source": source.strip(),
            "days": [[str(d.date), d.is_workday, d.note] for d in days],
            "recomputed_deadlines": recomputed,
        },
    )
    return recomputed
