"""Four-eyes decisions: one member of the provincial credit office proposes a change to a rule in
force (the redaction rules, a publication rule version), another member approves or rejects it.

The proposal models share the fields this module reads and writes: `state`, `version`,
`proposed_by`, `decided_by`, `decided_at`, `reason`. Their lifecycle is the same two steps from
pending, declared once here; each kind names itself (`Proposals`) so messages read right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import Transition, transition_apply, transitions
from govtrust.core.text import plain

REASON_MAX = 200  # characters kept of a decision's reason


def decision_transitions(
    *, pending: str, approved: str, rejected: str, roles: frozenset[str]
) -> dict[str, Transition]:
    """The two decisions on a pending proposal; a rejection needs its reason."""
    return transitions(
        Transition("approve", "审核通过", frozenset({pending}), approved, roles),
        Transition("reject", "驳回", frozenset({pending}), rejected, roles, needs_reason=True),
    )


@dataclass(frozen=True)
class Proposals:
    """One kind of proposal: its model, its transitions and how users name it."""

    model: type[Model]
    table: dict[str, Transition]
    noun: str  # 遮蔽规则变更 / 公示规则版本: in "只有省信用办可以审核通过{noun}"
    this: str  # 该变更 / 该版本: the subject of conflict messages
    own: str  # 变更 / 规则版本: in "提出人不能审核自己提出的{own}"


def require_other_member(kind: Proposals, current: Any, actor: Any) -> None:
    """The four-eyes rule itself: nobody approves their own proposal."""
    if current.proposed_by_id == actor.pk:
        raise Forbidden(f"提出人不能审核自己提出的{kind.own}，须由省信用办另一名工作人员审核")


def decide(
    kind: Proposals,
    *,
    pk: Any,
    actor: Any,
    name: str,
    version: int,
    reason: str = "",
    guard: Callable[[Any], None] = lambda _current: None,
) -> tuple[Any, dict[str, Any]]:
    """Take one declared decision exactly once: the UPDATE names the state and version that were
    read, so of two members deciding at the same moment one wins and the other gets a Conflict.
    `guard` runs on the row as read, before anything is written. Returns the row as decided and
    its state and version before."""
    transition = kind.table[name]
    if actor.role not in transition.roles:
        raise Forbidden(f"只有省信用办可以{transition.label}{kind.noun}")
    current: Any = kind.model._default_manager.filter(pk=pk).first()
    if current is None:
        raise NotFound()
    if current.state not in transition.sources:
        raise Conflict(
            f"{kind.this}当前状态为“{current.get_state_display()}”，不能{transition.label}"
        )
    stale = f"{kind.this}已被他人处理，请刷新后重试"
    if version != current.version:
        raise Conflict(stale)
    reason = plain(reason).strip()[:REASON_MAX]
    if transition.needs_reason and not reason:
        raise DomainError(f"请填写{transition.label}理由", errors=[("reason", "必填")])
    guard(current)
    before = {"state": current.state, "version": current.version}
    transition_apply(
        kind.model,
        pk=current.pk,
        transition=transition,
        state=current.state,
        version=current.version,
        conflict=stale,
        state_field="state",
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason,
    )
    current.refresh_from_db()
    return current, before
