"""The clocks of plan-task supervision, each with its source.

The plan gives the deadlines of its tasks (data/plan_tasks.json: 2017年12月底前完成,
2018年12月底前完成, 持续实施) and asks that they be supervised and assessed (三(一)1; 四:
"省发展改革委将会同有关部门适时对各市州、各部门的政务诚信建设工作进行督促考核"). It sets no
date for a yearly report on a continuous task nor a time for escalating an overdue one: both
are local policy, here, with their settings.
"""

from __future__ import annotations

import datetime

from django.conf import settings

DONE_PERCENT = 100  # a report at 100 % says the task is completed

# 本地政策: a continuous task's report for year Y is due on this day of year Y+1
# (GOVTRUST_PLAN_REPORT_DUE, "MM-DD"; default 01-31, after the year closes).
DEFAULT_REPORT_DUE = "01-31"

# 本地政策: an overdue report is first a reminder to the unit, then, this many working days
# later, a notice to the government above (as overdue rectification is, measures/services).
DEFAULT_ESCALATE_AFTER_WORKING_DAYS = 5

FIRST_YEAR = 2017  # the plan was issued on 2017-06-28


def yearly_due(year: int) -> datetime.date:
    """The day a continuous task's report for `year` is due (local policy, configurable)."""
    text = str(getattr(settings, "GOVTRUST_PLAN_REPORT_DUE", DEFAULT_REPORT_DUE))
    month, day = (int(part) for part in text.split("-"))
    return datetime.date(year + 1, month, day)


def escalate_after() -> int:
    return int(
        getattr(
            settings,
            "GOVTRUST_PLAN_ESCALATE_AFTER_WORKING_DAYS",
            DEFAULT_ESCALATE_AFTER_WORKING_DAYS,
        )
    )


def latest_due_year(today: datetime.date) -> int:
    """The most recent year whose yearly report is already due: the period escalated and shown
    first (older years stay visible in the matrix)."""
    year = today.year - 1
    return year if today > yearly_due(year) else year - 1
