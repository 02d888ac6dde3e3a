"""Reads of assessment results and snapshots, each through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from govtrust.assessment.models import Level, Result, Run
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import policy
from govtrust.directory.models import User

# The API's `level`: one government level, or every department group.
LEVELS: dict[str, list[str]] = {
    "prefecture": [Level.PREFECTURE],
    "county": [Level.COUNTY],
    "township": [Level.TOWNSHIP],
    "department": [
        Level.DEPARTMENT_PROVINCE,
        Level.DEPARTMENT_PREFECTURE,
        Level.DEPARTMENT_COUNTY,
        Level.DEPARTMENT_TOWNSHIP,
    ],
}


def results_visible(user: User, *, year: int, level: str) -> QuerySet[Result]:
    """The current results of a year at a level that the user reaches (a unit its own and,
    for a government's staff, those below it)."""
    if level not in LEVELS:
        raise DomainError(
            "层级无效",
            errors=[("level", "层级须为 prefecture、county、township 或 department")],
        )
    current = Result.objects.filter(year=year, current=True, level__in=LEVELS[level])
    return policy.within(current, user).order_by("level", "rank", "unit_key")


def result_explained(user: User, *, year: int, unit_key: str) -> Result:
    """One unit's current result with its explanation (a sensitive read: audited)."""
    result = Result.objects.filter(year=year, unit_key=unit_key, current=True).first()
    if result is None:
        raise NotFound()
    policy.require_reach(user, result)
    audit_append(
        actor=user.username,
        action="assessment.explain_read",
        object_type="assessment_result",
        object_id=result.pk,
    )
    return result


def snapshot_latest(user: User, *, year: int) -> Run:
    """The latest run's signed snapshot (every unit's inputs: the office and inspectors)."""
    policy.require(user, "assessment.snapshot")
    run = Run.objects.filter(year=year).order_by("-number").first()
    if run is None:
        raise NotFound()
    audit_append(
        actor=user.username,
        action="assessment.snapshot_read",
        object_type="assessment_run",
        object_id=run.pk,
    )
    return run
