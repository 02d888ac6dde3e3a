"""The lifecycle of a progress report on a plan task, declared once.

    submitted ──verify──> verified
        └──────return (with a reason)──> returned: the unit files a new report

Units answerable for the task hand reports in (`plan_tasks.report`); the provincial credit office
verifies or returns them (`plan_tasks.verify`), never its own (four eyes).
"""

from __future__ import annotations

from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.policy import roles_for
from govtrust.supervision.models import (
    FindingState,
    InspectionState,
    ReportState,
    SuggestionState,
)

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


# An inspection's finding (专项督导):
#
#     recorded ──confirm (a second inspector)──> rectifying ──answer──> answered
#        └──withdraw──> withdrawn                    ^                     │
#                                                    └──return (reason)────┤
#                                                                          └──close──> closed
#
# An inspector of the team records it; another member confirms it (four eyes, as plan-task
# reports are verified by someone other than who filed them), which starts the rectification
# clock; the inspected government answers; a member other than the recorder closes it or
# returns it for more rectification.
_RECORDED = frozenset({FindingState.RECORDED})
_ANSWERED = frozenset({FindingState.ANSWERED})
FINDING_TRANSITIONS = transitions(
    Transition(
        "confirm", "确认", _RECORDED, FindingState.RECTIFYING, roles_for("inspections.inspect")
    ),
    Transition(
        "withdraw",
        "撤销",
        _RECORDED,
        FindingState.WITHDRAWN,
        roles_for("inspections.inspect"),
        needs_reason=True,
    ),
    Transition(
        "answer",
        "答复整改情况",
        frozenset({FindingState.RECTIFYING}),
        FindingState.ANSWERED,
        roles_for("inspections.answer"),
    ),
    Transition(
        "close", "核验销号", _ANSWERED, FindingState.CLOSED, roles_for("inspections.inspect")
    ),
    Transition(
        "return",
        "退回重新整改",
        _ANSWERED,
        FindingState.RECTIFYING,
        roles_for("inspections.inspect"),
        needs_reason=True,
    ),
)

# An inspection is underway until its organiser concludes it, once no finding is open.
INSPECTION_TRANSITIONS = transitions(
    Transition(
        "conclude",
        "结束督导",
        frozenset({InspectionState.UNDERWAY}),
        InspectionState.CONCLUDED,
        roles_for("inspections.plan"),
    ),
)
