"""The working-day engine.

A working day is Monday-Friday, minus statutory holidays, plus the make-up weekend days (调休)
of the State Council's yearly notice. `chinese-calendar` carries the official schedule for the
years it knows; the CalendarDay table lets an administrator enter a newer year (the notice
appears each November) or correct a day. A year that neither knows is counted on weekends only,
and every deadline that touches it is marked provisional, so nobody mistakes a guess for a date.

"Within N working days" counts from the day after the event: day 1 is the first working day
after it (so information arising Fri 2025-09-26 is due Mon 2025-10-13 with N = 7).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from govtrust.core.models import CalendarDay, CalendarYear

_PACKAGE_YEARS = range(2004, 2027)  # chinese-calendar 1.11.0 covers 2004-2026
_recompute_hooks: list[Callable[[], int]] = []


@dataclass(frozen=True)
class Deadline:
    due_date: datetime.date
    provisional: bool
    provisional_years: tuple[int, ...] = ()


@lru_cache(maxsize=256)
def _package_knows(year: int) -> bool:
    if year not in _PACKAGE_YEARS:
        return False
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def has_schedule(year: int) -> bool:
    return _package_knows(year) or CalendarYear.objects.filter(year=year).exists()


class Calendar:
    """A read of the override table: for one computation (a span, one query), or whole for a
    long job that computes many deadlines (the table holds a few dozen days a year)."""

    def __init__(self, start: datetime.date | None, end: datetime.date | None) -> None:
        days = CalendarDay.objects.all()
        if start is not None and end is not None:
            days = days.filter(date__gte=start, date__lte=end)
        self.overrides = dict(days.values_list("date", "is_workday"))
        self.complete = start is None
        entered = set(CalendarYear.objects.values_list("year", flat=True))
        self.scheduled = entered | {y for y in _PACKAGE_YEARS if _package_knows(y)}
        # chinese_calendar checks its range with min()/max() over its tables on every call;
        # a bulk import asks about the same few hundred days thousands of times.
        self._answers: dict[datetime.date, tuple[bool, bool]] = {}

    @classmethod
    def whole(cls) -> Calendar:
        return cls(None, None)

    def is_workday(self, day: datetime.date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional)."""
        if day not in self._answers:
            self._answers[day] = self._is_workday(day)
        return self._answers[day]

    def _is_workday(self, day: datetime.date) -> tuple[bool, bool]:
        if day in self.overrides:
            return self.overrides[day], False
        if _package_knows(day.year):
            return bool(chinese_calendar.is_workday(day)), False
        return day.weekday() < 5, day.year not in self.scheduled


def is_workday(day: datetime.date) -> tuple[bool, bool]:
    return Calendar(day, day).is_workday(day)


def add_working_days(
    start: datetime.date, days: int, *, calendar: Calendar | None = None
) -> Deadline:
    """The date by which something must happen when given `days` working days from `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Golden Weeks idle at most ~9 days in a row, so twice the span plus three weeks is read
    # in one query; a longer run of idle days just reads the next span.
    span = datetime.timedelta(days=days * 2 + 21)
    span_end = start + span
    if calendar is None:
        calendar = Calendar(start, span_end)
    current, counted, provisional_years = start, 0, set()
    while counted < days:
        current += datetime.timedelta(days=1)
        if current > span_end and not calendar.complete:
            span_end = current + span
            calendar = Calendar(current, span_end)
        workday, provisional = calendar.is_workday(current)
        if provisional or current.year not in calendar.scheduled:
            provisional_years.add(current.year)
        if workday:
            counted += 1
    years = tuple(sorted(provisional_years))
    return Deadline(current, bool(years), years)


def working_days_left(
    today: datetime.date, due: datetime.date, *, calendar: Calendar | None = None
) -> int:
    """Working days after today up to and including `due` (the countdown shown to staff);
    negative when `due` has passed: minus the working days since it."""
    if calendar is None:
        low, high = min(today, due), max(today, due)
        calendar = Calendar(low, high)
    step = 1 if due >= today else -1
    current, count = today, 0
    while current != due:
        day = current + datetime.timedelta(days=step) if step > 0 else current
        if calendar.is_workday(day)[0]:
            count += step
        current += datetime.timedelta(days=step)
    return count


def register_recompute(hook: Callable[[], int]) -> None:
    """Register a function that recomputes the caller's open provisional deadlines.

    Apps that store deadlines register one in AppConfig.ready(); the calendar service calls
    them all after a schedule is entered, so running deadlines move with the calendar (a
    known failure elsewhere: holidays added later did not move deadlines already running).
    """
    if hook not in _recompute_hooks:
        _recompute_hooks.append(hook)


def recompute_all() -> int:
    return sum(hook() for hook in _recompute_hooks)
