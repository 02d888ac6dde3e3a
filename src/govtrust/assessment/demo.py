"""Demo annual assessment (`govtrust demo`): the assessment run for last year and this year,
approved and published by the provincial credit office, so the portal's map coloured by grade,
the tables and each unit's trend have something to show. Idempotent: a year that already has a
published run is left as it is."""

from __future__ import annotations

from collections.abc import Callable

from govtrust.assessment import selectors, services
from govtrust.assessment.models import RunState
from govtrust.core.clock import today_beijing
from govtrust.directory.models import User


def assessment_demo(progress: Callable[[str], None] = lambda _m: None) -> None:
    office = User.objects.filter(username="creditoffice").first()
    if office is None:
        return
    this_year = today_beijing().year
    for year in (this_year - 1, this_year):
        if selectors.published_run(year) is not None:
            continue
        progress(f"正在运行并公布{year}年度政务诚信考评……")
        # Run from the command line (as `govtrust assessment run` does): the office member then
        # approves as the second pair of eyes and publishes.
        run = services.assessment_run(year=year, actor_name="demo")
        if run.state == RunState.PENDING:
            run = services.run_decide(
                run_id=run.pk, actor=office, name="approve", version=run.version
            )
        services.run_publish(run_id=run.pk, actor=office, version=run.version)
