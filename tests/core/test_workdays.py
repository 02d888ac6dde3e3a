"""The working-day engine against the State Council's published schedules."""

from __future__ import annotations

import datetime

import pytest

from govtrust.core.errors import DomainError
from govtrust.core.workdays import add_working_days, is_workday
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule

D = datetime.date

pytestmark = pytest.mark.django_db


def test_worked_example_from_the_plan_rules() -> None:
    """Information arising Fri 2025-09-26 is due Mon 2025-10-13: 28 Sep and 11 Oct 2025 were
    make-up working days, 1-8 Oct holidays."""
    deadline = add_working_days(D(2025, 9, 26), 7)
    assert deadline.due_date == D(2025, 10, 13)
    assert not deadline.provisional


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2024 (国办发明电〔2023〕7号): Spring Festival 10-17 Feb off, Sun 4 and Sun 18 Feb worked.
        (D(2024, 2, 4), True),
        (D(2024, 2, 12), False),
        (D(2024, 2, 18), True),
        (D(2024, 10, 1), False),
        (D(2024, 10, 12), True),  # Saturday make-up day after National Day
        # 2025 (国办发明电〔2024〕12号): 28 Sep and 11 Oct worked, 1-8 Oct off.
        (D(2025, 9, 28), True),
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),
        (D(2025, 1, 26), True),  # Sunday make-up day before Spring Festival
        # 2026 (国办发明电〔2025〕7号): 15-23 Feb off, 14 and 28 Feb worked; 1-7 Oct off.
        (D(2026, 2, 14), True),
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
        (D(2026, 6, 6), False),  # an ordinary Saturday
    ],
)
def test_official_schedule(day: datetime.date, working: bool) -> None:
    assert is_workday(day) == (working, False)


def test_deadline_across_spring_festival_2024_counts_the_sunday_make_up_day() -> None:
    # Thu 8 Feb: day 1 is Fri 9 Feb, day 2 is Sun 18 Feb (make-up), day 3 Mon 19 Feb.
    assert add_working_days(D(2024, 2, 8), 3).due_date == D(2024, 2, 19)


def test_deadline_across_national_day_2026() -> None:
    # Tue 29 Sep 2026: 30 Sep (1), then 1-7 Oct off, Thu 8 (2), Fri 9 (3), Sat 10 make-up (4).
    assert add_working_days(D(2026, 9, 29), 4).due_date == D(2026, 10, 10)


def test_zero_days_is_the_day_itself() -> None:
    assert add_working_days(D(2025, 9, 26), 0).due_date == D(2025, 9, 26)


def test_a_year_without_schedule_is_counted_on_weekends_and_flagged_provisional() -> None:
    deadline = add_working_days(D(2026, 12, 28), 7)
    # 29, 30, 31 Dec 2026 (known), then 2027 on weekdays only: Fri 1, Mon 4, 5, 6 Jan.
    assert deadline.due_date == D(2027, 1, 6)
    assert deadline.provisional and deadline.provisional_years == (2027,)
    assert is_workday(D(2027, 1, 1)) == (True, True)


def test_entering_a_schedule_makes_the_year_official() -> None:
    days = parse_schedule("2027-01-01 休 元旦\n# comment\n2027-01-02 休 元旦\n", year=2027)
    calendar_year_enter(
        year=2027, days=days, source="国办发明电〔2026〕X号", actor_name="admin", actor_id=None
    )
    deadline = add_working_days(D(2026, 12, 28), 7)
    assert deadline.due_date == D(2027, 1, 7)  # 1 Jan is now a holiday
    assert not deadline.provisional


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2027-02-30 休", "日期无效"),
        ("2026-10-01 休", "不属于2027年"),
        ("2027-10-01 放假", "格式应为"),
        ("2027-10-01 休\n2027-10-01 班", "日期重复"),
        ("", "不能为空"),
    ],
)
def test_malformed_schedule_is_refused_and_changes_nothing(text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_schedule(text, year=2027)
    messages = caught.value.detail + "".join(m for _f, m in caught.value.errors)
    assert fragment in messages
    assert add_working_days(D(2026, 12, 28), 7).provisional


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), -1)
