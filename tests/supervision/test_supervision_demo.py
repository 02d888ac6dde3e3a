"""The demo's suggestions (a session with items in every state) and third-party evaluation (one
evaluator's scores, two versions): each added once however often the demo runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govtrust.core.clock import today_beijing
from govtrust.directory.models import User
from govtrust.supervision.demo import SESSION, evaluation_demo, suggestions_demo
from govtrust.supervision.models import (
    EvaluationCommission,
    ScoreSheet,
    Suggestion,
    SuggestionState,
)
from govtrust.supervision.selectors_evaluation import scores_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(make_user: Callable[..., User], settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    make_user("creditoffice", "credit_office", "62")
    make_user("reviewer", "reviewer", "6201")
    make_user("reviewer_tianshui", "reviewer", "6205")
    make_user("reviewer_jiuquan", "reviewer", "6209")


def test_the_demo_session_has_items_in_every_state(demo_users: None) -> None:
    messages: list[str] = []
    suggestions_demo(messages.append)
    suggestions_demo(messages.append)
    items = Suggestion.objects.filter(session=SESSION)
    assert items.count() == 7 and len(messages) == 1
    assert set(items.values_list("state", flat=True)) == set(SuggestionState.values)
    assert items.filter(state="closed", satisfaction="basic").exists()
    overdue = items.get(number="0102")
    assert overdue.state == "assigned" and overdue.due_date < today_beijing()


def test_the_demo_evaluator_has_two_versions_of_scores(demo_users: None) -> None:
    messages: list[str] = []
    evaluation_demo(messages.append)
    evaluation_demo(messages.append)
    commission = EvaluationCommission.objects.get()
    assert len(messages) == 1
    assert list(ScoreSheet.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    rows = scores_for(commission.year)
    assert rows and {r.sheet_version for r in rows} == {2}
    assert len(rows) == commission.units.count() * commission.indicators.count()
    assert all(r.low <= r.value <= r.high for r in rows)
