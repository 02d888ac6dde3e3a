"""The lifecycle of a progress report on a plan task, declared once.

    submitted ──verify──> verified
        └──────return (with a reason)──> returned: the unit files a new report

Units answerable for the task hand reports in (`plan_tasks.report`); the provincial credit office
verifies or returns them (`plan_tasks.verify`), never its own (four eyes).
"""

from __future__ import annotations

from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.policy import roles_for
from govtrust.supervision.models import ReportState, SuggestionState

_SUBMITTED = frozenset({ReportState.SUBMITTED})

REPORT_TRANSITIONS = transitions(
    Transition("verify", "核实", _SUBMITTED, ReportState.VERIFIED, roles_for("plan_tasks.verify")),
    Transition(
        "return",
        "退回",
        _SUBMITTED,
        ReportState.RETURNED,
        roles_for("plan_tasks.verify"),
        needs_reason=True,
    ),
)


_ASSIGNED = frozenset({SuggestionState.ASSIGNED})
_ANSWERING = frozenset({SuggestionState.ASSIGNED, SuggestionState.REHANDLING})
_REPLIED = frozenset({SuggestionState.REPLIED})

# A suggestion or proposal:
#
#     assigned ──hand_back──> handed_back ──reassign──> assigned     (mis-assigned)
#     assigned ──reply──> replied ──satisfied──> closed
#                            └──unsatisfied──> rehandling ──reply──> replied
SUGGESTION_TRANSITIONS = transitions(
    Transition(
        "hand_back",
        "退回交办",
        _ASSIGNED,
        SuggestionState.HANDED_BACK,
        roles_for("suggestions.answer"),
        needs_reason=True,
    ),
    Transition(
        "reassign",
        "重新交办",
        frozenset({SuggestionState.HANDED_BACK}),
        SuggestionState.ASSIGNED,
        roles_for("suggestions.manage"),
    ),
    Transition(
        "reply", "答复", _ANSWERING, SuggestionState.REPLIED, roles_for("suggestions.answer")
    ),
    Transition(
        "satisfied", "登记满意", _REPLIED, SuggestionState.CLOSED, roles_for("suggestions.manage")
    ),
    Transition(
        "unsatisfied",
        "登记不满意",
        _REPLIED,
        SuggestionState.REHANDLING,
        roles_for("suggestions.manage"),
    ),
)
