"""Reads of assessment results and snapshots, each through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from govtrust.assessment.models import Level, Result, Run, RunState
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
    level_checked(level)
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


def level_checked(level: str) -> None:
    if level not in LEVELS:
        raise DomainError(
            "层级无效",
            errors=[("level", "层级须为 prefecture、county、township 或 department")],
        )


def results_public(*, year: int, level: str) -> QuerySet[Result]:
    """The published results of a year at a level: what the public reads (the portal, the API
    without sign-in). Nothing before the provincial credit office approved and published."""
    level_checked(level)
    shown = Result.objects.filter(year=year, public=True, level__in=LEVELS[level])
    return shown.order_by("level", "rank", "unit_key")


def published_run(year: int) -> Run | None:
    """The year's latest published run (its snapshot is public)."""
    return Run.objects.filter(year=year, state=RunState.PUBLISHED).order_by("-number").first()


def snapshot_public(year: int) -> Run:
    run = published_run(year)
    if run is None:
        raise NotFound()
    return run


def years_published() -> list[int]:
    return sorted(
        set(Run.objects.filter(state=RunState.PUBLISHED).values_list("year", flat=True)),
        reverse=True,
    )


def result_public(*, year: int, unit_key: str) -> Result:
    """One unit's published result (not found before publication)."""
    found = (
        Result.objects.filter(year=year, unit_key=unit_key[:24], public=True)
        .select_related("run__system")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def trend_public(unit_key: str) -> QuerySet[Result]:
    """The unit's published results over the years, oldest first."""
    return Result.objects.filter(unit_key=unit_key, public=True).order_by("year")
