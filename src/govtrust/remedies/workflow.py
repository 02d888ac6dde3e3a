"""The three kinds of case as state machines, declared once.

    objection  received ─accept→ verifying ─uphold→ upheld      (record corrected or withdrawn)
                   │                  └──dismiss→ dismissed
                   └─refuse→ refused
    repair     received ─approve→ approved   (publication ends early, the exchange is told)
                   └─reject→ rejected
    report     received ─accept→ handling ─substantiate→ substantiated (→ a draft record)
                   │                 └─unsubstantiate→ unsubstantiated
                   └─refuse→ refused

`office` steps belong to the credit office whose scope holds the case; `provider` steps to the
unit that reported the record (two-stage review of objections, domain.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from govtrust.remedies.models import Case

STATUS_LABELS = {
    "received": "待受理",
    "verifying": "核查中",
    "handling": "办理中",
    "refused": "不予受理",
    "upheld": "异议成立",
    "dismissed": "异议不成立",
    "approved": "准予修复",
    "rejected": "不予修复",
    "substantiated": "经查属实",
    "unsubstantiated": "经查不属实",
}
CLOSED = frozenset(
    {"refused", "upheld", "dismissed", "approved", "rejected", "substantiated", "unsubstantiated"}
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    kind: str
    source: str
    target: str
    by: Literal["office", "provider"]
    needs_reason: bool = True


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.kind, t.name): t
    for t in (
        Transition("accept", "受理", "objection", "received", "verifying", "office", False),
        Transition("refuse", "不予受理", "objection", "received", "refused", "office"),
        Transition("uphold", "异议成立", "objection", "verifying", "upheld", "provider"),
        Transition("dismiss", "异议不成立", "objection", "verifying", "dismissed", "provider"),
        Transition("approve", "准予修复", "repair", "received", "approved", "office"),
        Transition("reject", "不予修复", "repair", "received", "rejected", "office"),
        Transition("accept", "受理", "report", "received", "handling", "office", False),
        Transition("refuse", "不予受理", "report", "received", "refused", "office"),
        Transition("substantiate", "经查属实", "report", "handling", "substantiated", "office"),
        Transition(
            "unsubstantiate", "经查不属实", "report", "handling", "unsubstantiated", "office"
        ),
    )
}


def available(case: Case) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.kind == case.kind and t.source == case.status]


def transition(case: Case, name: str) -> Transition | None:
    found = TRANSITIONS.get((case.kind, name))
    return found if found is not None and found.source == case.status else None
