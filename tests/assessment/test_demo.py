"""The demo's assessment: last year and this year run, approved and published once."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from govtrust.assessment.demo import assessment_demo
from govtrust.assessment.models import Run, RunState
from govtrust.core.clock import today_beijing
from govtrust.directory.models import User


def test_demo_publishes_the_demo_years_once(make_user: Callable[..., User], client: Client) -> None:
    make_user("creditoffice", "credit_office", "62")
    assessment_demo()
    year = today_beijing().year
    runs = list(Run.objects.order_by("year").values_list("year", "state"))
    assert runs == [(year - 1, RunState.PUBLISHED), (year, RunState.PUBLISHED)]
    assessment_demo()  # idempotent
    assert Run.objects.count() == 2
    page = client.get(f"/gs/assessment/{year}/")
    assert page.status_code == 200 and len(page.context["chart_data"]["grades"]["data"]) == 14
    unit = client.get(f"/gs/assessment/{year}/g:6201/").content.decode()
    assert f"{year - 1}年" in unit and 'data-chart="trend"' in unit
