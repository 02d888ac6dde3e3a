"""Case steps use the project's one lifecycle declaration and its concurrency rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import F

from govtrust.core.errors import Conflict
from govtrust.core.lifecycle import Transition
from govtrust.directory.models import Role, User
from govtrust.remedies import workflow
from govtrust.remedies.models import Case, CaseEvent
from govtrust.remedies.services import handling
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act

pytestmark = pytest.mark.django_db


def test_case_steps_are_declared_with_the_shared_transition() -> None:
    """GIVEN the remedies table WHEN read THEN each step is a core Transition whose roles come
    from the policy: the office's steps the credit office's, the provider's the unit's."""
    uphold = workflow.TRANSITIONS[("objection", "uphold")]
    accept = workflow.TRANSITIONS[("objection", "accept")]
    assert isinstance(uphold, Transition)
    assert uphold.sources == {"verifying"} and uphold.needs_reason
    assert uphold.roles == {Role.CLERK, Role.REVIEWER}
    assert accept.roles == {Role.CREDIT_OFFICE} and not accept.needs_reason


def test_a_step_someone_else_took_after_the_read_changes_nothing(
    objection: Callable[..., Filed], office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a case read at version 1, and another office member's step lands right after
    WHEN this member's step is written
    THEN the UPDATE finds the version changed: Conflict, the case still received, no event."""
    case = objection().case
    found = workflow.transition

    def read_then_overtaken(read: Case, name: str) -> workflow.CaseTransition | None:
        Case.objects.filter(pk=read.pk).update(version=F("version") + 1)
        return found(read, name)

    monkeypatch.setattr(handling, "transition", read_then_overtaken)
    with pytest.raises(Conflict):
        case_act(number=case.number, action="accept", actor=office, version=1)
    # The simulated step ran inside the refused transaction, so it is rolled back with it.
    now = Case.objects.get(pk=case.pk)
    assert (now.status, now.version) == ("received", 1)
    assert not CaseEvent.objects.filter(case=now, action="accept").exists()
