"""The lifecycle of a measure, declared once.

    active ──report──> submitted ──verify──> done        (explanation, rectification)
      ^  │                 │
      │  │                 └──return (with a reason)──> active: the unit hands in again, by the
      │  │                     same deadline (a returned report does not earn more time)
      │  ├──lift──> lifted        a self-correction whose rule says "lift" (主动纠错, 免于实施)
      │  └──lighten──> lightened  a self-correction whose rule says "halve" the rest of the period

Reports are handed in by the reporting unit (`unit.respond`), verified or returned by the credit
office (`measures.verify`), self-corrections recorded by `corrections.record`: the roles come
from the access policy, which every service still asks for the object's reach.
"""

from __future__ import annotations

from django.db import models

from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.policy import roles_for


class MeasureStatus(models.TextChoices):
    ACTIVE = "active", "执行中"  # in force; an explanation or rectification is awaited
    SUBMITTED = "submitted", "整改材料待核验"  # explanation / rectification handed in
    DONE = "done", "已完成"  # explanation / rectification verified by the credit office
    LIGHTENED = "lightened", "已从轻"  # a self-correction halved the rest of its period
    LIFTED = "lifted", "已免除"  # a self-correction ended it


_ACTIVE = frozenset({MeasureStatus.ACTIVE})
_SUBMITTED = frozenset({MeasureStatus.SUBMITTED})

TRANSITIONS = transitions(
    Transition("report", "提交", _ACTIVE, MeasureStatus.SUBMITTED, roles_for("unit.respond")),
    Transition("verify", "核验通过", _SUBMITTED, MeasureStatus.DONE, roles_for("measures.verify")),
    Transition(
        "return",
        "退回",
        _SUBMITTED,
        MeasureStatus.ACTIVE,
        roles_for("measures.verify"),
        needs_reason=True,
    ),
    Transition("lift", "免除", _ACTIVE, MeasureStatus.LIFTED, roles_for("corrections.record")),
    Transition(
        "lighten", "从轻", _ACTIVE, MeasureStatus.LIGHTENED, roles_for("corrections.record")
    ),
)
