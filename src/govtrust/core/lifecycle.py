"""How every lifecycle is declared and taken, whichever app it belongs to.

Declared: each app's workflow.py lists its states (TextChoices, a comment on each) and a table of
`Transition`s (source states, target, the roles that may take it, whether a reason is needed), so
the whole machine reads as one block and the buttons, the API and the services share it.

Taken: `transition_apply` is the one concurrency rule. The UPDATE names the state and the version
that were read, so of two people (or two workers) acting on the same row at the same moment one
wins and the other gets a Conflict; nothing happens twice and nothing is overwritten. No row lock
is needed: on PostgreSQL the second UPDATE waits for the first to commit and then finds its
condition false; SQLite runs every transaction with BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Model

from govtrust.core.errors import Conflict

# Steps taken by the background worker (delivering an exchange batch), not by a user's role.
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the step as users read it (button, message, history)
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


def transitions(*declared: Transition) -> dict[str, Transition]:
    """A lifecycle's table, by step name."""
    return {t.name: t for t in declared}


def available(table: Iterable[Transition], state: str, role: str) -> list[Transition]:
    """Transitions a user of `role` may take from `state` (for buttons; services re-check)."""
    return [t for t in table if state in t.sources and role in t.roles]


def transition_apply(
    model: type[Model],
    *,
    pk: Any,
    transition: Transition,
    state: str,
    version: int,
    conflict: str,
    state_field: str = "status",
    **changes: Any,
) -> None:
    """Move row `pk` from `state` (as read, at `version`) to the transition's target, setting
    `changes` and the next version in the same UPDATE. Raise Conflict(`conflict`, a Chinese
    message) when the row is no longer in that state at that version."""
    if state not in transition.sources:
        raise Conflict(conflict)
    updated = model._default_manager.filter(pk=pk, **{state_field: state}, version=version).update(
        **{state_field: transition.target}, version=F("version") + 1, **changes
    )
    if updated != 1:
        raise Conflict(conflict)
