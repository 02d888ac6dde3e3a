"""The objection period of a published assessment result.

本地政策: the plan (三(二)4) sets no period for a unit to object to its assessment result; the
platform gives GOVTRUST_ASSESSMENT_OBJECTION_DAYS working days (core/workdays) from the day the
result was published, 10 by default, configurable.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from govtrust.core.workdays.engine import add_working_days

SOURCE = "《甘肃省关于加强政务诚信建设的实施方案》三(二)4；异议期为本地政策"
DEFAULT_OBJECTION_WORKING_DAYS = 10


def objection_days() -> int:
    return int(
        getattr(settings, "GOVTRUST_ASSESSMENT_OBJECTION_DAYS", DEFAULT_OBJECTION_WORKING_DAYS)
    )


def objection_due(published_on: datetime.date) -> datetime.date:
    """The last day a unit may object to a result published on `published_on`."""
    return add_working_days(published_on, objection_days()).due_date
