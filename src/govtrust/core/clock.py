"""Today in Beijing. Dates a user enters (a decision date, a birth date) are compared with the
calendar day in China, not with the server's: on a server running in UTC, 00:00–08:00 Beijing
time is still yesterday, and a decision taken this morning would be refused as "in the future"."""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def today_beijing() -> datetime.date:
    """The calendar day in Beijing (UTC+8, no daylight saving), whatever the server's zone."""
    return datetime.datetime.now(tz=BEIJING).date()


# The dates the platform reasons about: the People's Republic's calendar to the end of the
# working-day engine's horizon. A date outside is a typing error (0001-01-01, 9999-12-31), and
# month arithmetic past it overflows.
EARLIEST = datetime.date(1949, 10, 1)
LATEST = datetime.date(2100, 12, 31)


def plausible(day: datetime.date) -> bool:
    return EARLIEST <= day <= LATEST


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` calendar months starting on `day`: the corresponding
    day of the last month, or that month's last day when it has none (民法典 第二百零一条: the
    first day is not counted; 第二百零二条: the corresponding day, else the month's end).
    2025-11-30 + 3 months -> 2026-02-28."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
