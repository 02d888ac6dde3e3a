"""The clocks of inspections (专项督导), each with its source.

The plan asks that a government with a dishonest record "书面说明原因并限期加以整改" (三(二)5)
and that the province supervise and assess the 市州 and departments (四), but names no period
for rectifying what an inspection finds: the periods below are local policy (本地政策), in
working days from the finding's confirmation, with their settings.
"""

from __future__ import annotations

from django.conf import settings

SOURCE = "方案三（二）5“限期加以整改”；期限为本地政策"

# 本地政策: working days to rectify, by severity (GOVTRUST_INSPECTION_RECTIFY_DAYS, a dict).
DEFAULT_RECTIFY_WORKING_DAYS = {"general": 30, "major": 20, "serious": 15}
MAX_RECTIFY_WORKING_DAYS = 250  # about a year: a longer period is a typing error

# 本地政策: the inspected unit is reminded this many working days before its deadline, and
# again once it has passed (GOVTRUST_INSPECTION_REMIND_BEFORE_DAYS).
DEFAULT_REMIND_BEFORE_WORKING_DAYS = 3


def rectify_days(severity: str) -> int:
    table = {
        **DEFAULT_RECTIFY_WORKING_DAYS,
        **getattr(settings, "GOVTRUST_INSPECTION_RECTIFY_DAYS", {}),
    }
    return int(table.get(severity, DEFAULT_RECTIFY_WORKING_DAYS["general"]))


def remind_before() -> int:
    return int(
        getattr(
            settings,
            "GOVTRUST_INSPECTION_REMIND_BEFORE_DAYS",
            DEFAULT_REMIND_BEFORE_WORKING_DAYS,
        )
    )
