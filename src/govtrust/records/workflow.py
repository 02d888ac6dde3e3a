"""The lifecycle of a dishonesty record, declared once.

    draft ──submit──> submitted ──accept──> accepted
      ^                   │
      └──(edit)─ returned <┘ return (with a reason); a returned record is corrected and submitted
                                 again.

Later issues extend it with published and withdrawn; nothing is ever deleted.
"""

from __future__ import annotations

from django.db import models

# Re-exported: the declaration every lifecycle uses (disclosure's redaction changes import it here).
from govtrust.core.lifecycle import Transition as Transition
from govtrust.core.lifecycle import available as _available
from govtrust.directory.models import Role


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"  # being written by the reporting unit; not yet on any clock
    SUBMITTED = "submitted", "已报送"  # waiting for the reviewer of the government above
    ACCEPTED = "accepted", "已入库"  # in the government credit database
    RETURNED = "returned", "已退回"  # sent back with a reason; the unit corrects and resubmits


_REVIEWERS = frozenset({Role.REVIEWER, Role.CREDIT_OFFICE})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "报送",
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            frozenset({Role.CLERK}),
        ),
        Transition(
            "accept", "审核通过", frozenset({Status.SUBMITTED}), Status.ACCEPTED, _REVIEWERS
        ),
        Transition(
            "return",
            "退回",
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            _REVIEWERS,
            needs_reason=True,
        ),
    )
}

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def available(status: str, role: str) -> list[Transition]:
    """Transitions a user of `role` may take from `status` (for buttons; services re-check)."""
    return _available(TRANSITIONS.values(), status, role)
