"""Today in Beijing. Dates a user enters (a decision date, a birth date) are compared with the
calendar day in China, not with the server's: on a server running in UTC, 00:00–08:00 Beijing
time is still yesterday, and a decision taken this morning would be refused as "in the future"."""

from __future__ import annotations

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
