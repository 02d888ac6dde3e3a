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

from govtrust.core.workdays.engine import add_working_days, is_workday

DONE_PERCENT = 100  # a report at 100 % says the task is completed

# 本地政策: a continuous task's report for year Y is due on this day of year Y+1
# (GOVTRUST_PLAN_REPORT_DUE, "MM-DD"; default 01-31, after the year closes).
DEFAULT_REPORT_DUE = "01-31"

# 本地政策: an overdue report is first a reminder to the unit, then, this many working days
# later, a notice to the government above (as overdue rectification is, measures/services).
DEFAULT_ESCALATE_AFTER_WORKING_DAYS = 5

FIRST_YEAR = 2017  # the plan was issued on 2017-06-28


def nominal_due(year: int) -> datetime.date:
    """The configured day a continuous task's report for `year` is due (local policy)."""
    text = str(getattr(settings, "GOVTRUST_PLAN_REPORT_DUE", DEFAULT_REPORT_DUE))
    month, day = (int(part) for part in text.split("-"))
    return datetime.date(year + 1, month, day)


def computed_due(year: int) -> tuple[datetime.date, bool]:
    """The configured day, moved to the next working day when it is a rest day (as a period's
    last day is, 民法典 第二百零三条), by the working-day calendar (core/workdays); with whether
    that calendar is still provisional for the year."""
    nominal = nominal_due(year)
    workday, provisional = is_workday(nominal)
    if workday:
        return nominal, provisional
    moved = add_working_days(nominal, 1)
    return moved.due_date, moved.provisional


def yearly_due(year: int) -> datetime.date:
    """The day a continuous task's report for `year` is due: as stored (recomputed when the
    calendar changes, services/plan_tasks.plan_report_dues_recompute), or computed now."""
    from govtrust.supervision.models import PlanReportDue  # models import nothing of this

    stored = PlanReportDue.objects.filter(year=year).values_list("due_date", flat=True).first()
    return stored if stored is not None else computed_due(year)[0]


def late_start_due(starts_on: datetime.date) -> datetime.date:
    """本地政策: a unit assigned to a task after the task's deadline reports its completion by
    the next yearly reporting day (that of the year it was assigned in), not at once."""
    return yearly_due(starts_on.year)


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


# ---- deputies' suggestions and CPPCC proposals (plan 三(一)2) ----------------------------

# Reply within 3 months of assignment, 6 for an item "涉及面广、处理难度大" (calendar months,
# 民法典 第二百零一、二百零二条: core.clock.add_months). The figures are those of
# 《全国人民代表大会和地方各级人民代表大会代表法》 for deputies' suggestions and of the CPPCC's
# 提案工作条例 for proposals, as Gansu's and other provinces' implementing rules repeat them;
# the articles were not verified offline: 条款待核. Configurable (GOVTRUST_SUGGESTION_MONTHS,
# GOVTRUST_SUGGESTION_COMPLEX_MONTHS).
REPLY_MONTHS = 3
COMPLEX_REPLY_MONTHS = 6
REPLY_SOURCE = "《全国人民代表大会和地方各级人民代表大会代表法》、政协提案工作条例（条款待核）"

# 本地政策: a unit that holds an item mis-assigned hands it back within this many working days
# of assignment (local rules commonly say 5); GOVTRUST_SUGGESTION_HANDBACK_DAYS.
DEFAULT_HANDBACK_WORKING_DAYS = 5

# 本地政策: an item whose proposer is not satisfied is handled again and answered within this
# many months of that feedback (local rules commonly say one month);
# GOVTRUST_SUGGESTION_REHANDLE_MONTHS.
DEFAULT_REHANDLE_MONTHS = 1


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def reply_months(complex_item: bool) -> int:
    if complex_item:
        return _setting("GOVTRUST_SUGGESTION_COMPLEX_MONTHS", COMPLEX_REPLY_MONTHS)
    return _setting("GOVTRUST_SUGGESTION_MONTHS", REPLY_MONTHS)


def handback_days() -> int:
    return _setting("GOVTRUST_SUGGESTION_HANDBACK_DAYS", DEFAULT_HANDBACK_WORKING_DAYS)


def rehandle_months() -> int:
    return _setting("GOVTRUST_SUGGESTION_REHANDLE_MONTHS", DEFAULT_REHANDLE_MONTHS)
