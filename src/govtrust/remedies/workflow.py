"""The four kinds of case as state machines, declared once.

    objection  received ─accept→ verifying ─uphold→ upheld      (record corrected or withdrawn)
                   │                  └──dismiss→ dismissed
                   └─refuse→ refused
    repair     received ─approve→ approved   (publication ends early, the exchange is told)
                   └─reject→ rejected
    report     received ─accept→ handling ─substantiate→ substantiated (→ a draft record)
                   │                 └─unsubstantiate→ unsubstantiated
                   └─refuse→ refused
    promise    received ─accept→ verifying ─found→ rectifying ─rectify→ reviewing
                   │                  │                 │                   ├─confirm→ performed
                   │                  │                 │                   └─deny→ breached
                   │                  │                 ├─decline→ breached   (→ a draft record)
                   │                  │                 └─default→ breached   (deadline passed)
                   │                  └─unfound→ unfounded
                   └─refuse→ refused

`office` steps belong to the credit office whose scope holds the case; `provider` steps to the
unit that reported the record (two-stage review of objections, domain.md §5). A broken-promise
complaint (发改财金〔2023〕1103号 二（二）) is verified by the body above the accused unit
(`verifier`: its credit office) and answered by the accused unit itself (`accused`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from govtrust.core.lifecycle import Transition
from govtrust.directory.policy import roles_for

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
    "rectifying": "整改中",
    "reviewing": "整改核验中",
    "unfounded": "经核实不属实",
    "performed": "已整改履约",
    "breached": "违约失信",
}
CLOSED = frozenset(
    {
        "refused",
        "upheld",
        "dismissed",
        "approved",
        "rejected",
        "substantiated",
        "unsubstantiated",
        "unfounded",
        "performed",
        "breached",
    }
)
Actor = Literal["office", "provider", "verifier", "accused"]


@dataclass(frozen=True)
class CaseTransition(Transition):
    """The project's `Transition`, plus the kind of case it belongs to and who takes it: the
    credit office whose scope holds the case, or the unit that reported the record."""

    kind: str = field(kw_only=True)
    by: Actor = field(kw_only=True)


_ROLES = {
    "office": roles_for("cases.office"),
    "provider": roles_for("unit.respond"),
    "verifier": roles_for("promises.verify"),
    "accused": roles_for("promises.answer"),
}


def _step(
    name: str,
    label: str,
    kind: str,
    source: str,
    target: str,
    by: Actor,
    needs_reason: bool = True,
) -> CaseTransition:
    return CaseTransition(
        name, label, frozenset({source}), target, _ROLES[by], needs_reason, kind=kind, by=by
    )


TRANSITIONS: dict[tuple[str, str], CaseTransition] = {
    (t.kind, t.name): t
    for t in (
        _step("accept", "受理", "objection", "received", "verifying", "office", False),
        _step("refuse", "不予受理", "objection", "received", "refused", "office"),
        _step("uphold", "异议成立", "objection", "verifying", "upheld", "provider"),
        _step("dismiss", "异议不成立", "objection", "verifying", "dismissed", "provider"),
        _step("approve", "准予修复", "repair", "received", "approved", "office"),
        _step("reject", "不予修复", "repair", "received", "rejected", "office"),
        _step("accept", "受理", "report", "received", "handling", "office", False),
        _step("refuse", "不予受理", "report", "received", "refused", "office"),
        _step("substantiate", "经查属实", "report", "handling", "substantiated", "office"),
        _step("unsubstantiate", "经查不属实", "report", "handling", "unsubstantiated", "office"),
        _step("accept", "受理", "promise", "received", "verifying", "verifier", False),
        _step("refuse", "不予受理", "promise", "received", "refused", "verifier"),
        _step("found", "核实属实，责令整改", "promise", "verifying", "rectifying", "verifier"),
        _step("unfound", "核实不属实", "promise", "verifying", "unfounded", "verifier"),
        _step("rectify", "报告整改完成", "promise", "rectifying", "reviewing", "accused"),
        _step("decline", "不予整改", "promise", "rectifying", "breached", "accused"),
        _step(
            "default", "逾期未整改，认定违约失信", "promise", "rectifying", "breached", "verifier"
        ),
        _step("confirm", "整改到位，确认履约", "promise", "reviewing", "performed", "verifier"),
        _step("deny", "整改不到位，认定违约失信", "promise", "reviewing", "breached", "verifier"),
    )
}


def available(case: Case) -> list[CaseTransition]:
    return [t for t in TRANSITIONS.values() if t.kind == case.kind and case.status in t.sources]


def transition(case: Case, name: str) -> CaseTransition | None:
    found = TRANSITIONS.get((case.kind, name))
    return found if found is not None and case.status in found.sources else None
