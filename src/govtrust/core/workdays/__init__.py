"""Working days (工作日) under the official holiday schedule; see engine.py."""

from govtrust.core.workdays.engine import (
    Deadline,
    add_working_days,
    has_schedule,
    is_workday,
    register_recompute,
    working_days_left,
)

__all__ = [
    "Deadline",
    "add_working_days",
    "has_schedule",
    "is_workday",
    "register_recompute",
    "working_days_left",
]
