"""The lifecycle of a progress report on a plan task, declared once.

    submitted ──verify──> verified
        └──────return (with a reason)──> returned: the unit files a new report

Units answerable for the task hand reports in (`plan_tasks.report`); the provincial credit office
verifies or returns them (`plan_tasks.verify`), never its own (four eyes).
"""

from __future__ import annotations

from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.policy import roles_for
from govtrust.supervision.models import ReportState

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
