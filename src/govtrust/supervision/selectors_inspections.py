"""Reads of inspections (专项督导), every one through the access policy: the inspections and
findings a user reads, those its unit answers, its reminders, and an inspection's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import F, QuerySet

from govtrust.core.audit import audit_append
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.supervision.models import (
    Finding,
    FindingAttachment,
    FindingReminder,
    FindingSeverity,
    FindingState,
    Inspection,
)


def inspections_visible(user: User) -> QuerySet[Inspection]:
    return policy.inspections_in_reach(Inspection.objects.all(), user).select_related("organiser")


def findings_visible(user: User) -> QuerySet[Finding]:
    return policy.findings_in_reach(Finding.objects.all(), user).select_related(
        "inspection", "target__government", "department", "item", "draft_record"
    )


def findings_answerable(user: User) -> QuerySet[Finding]:
    """The findings the user's unit answers for in person (none for a role that does not)."""
    if not policy.permits(user, "inspections.answer"):
        return Finding.objects.none()
    return Finding.objects.filter(
        policy.answerable_q(user, division="division_code", department="department_id")
    ).select_related("inspection", "target__government", "department", "item")


def attachment_read(user: User, attachment_id: int) -> FindingAttachment | None:
    """A finding's evidence file the user reads (None: not found or out of reach); every
    download is audited, as a case's evidence is (PIPL art. 51; 等保 8.1.4.3)."""
    visible = findings_visible(user) | findings_answerable(user)
    found = (
        FindingAttachment.objects.filter(pk=attachment_id)
        .filter(finding__in=visible.values("pk"))
        .select_related("finding")
        .first()
    )
    if found is not None:
        audit_append(
            actor=user.username,
            action="finding.attachment_read",
            object_type="finding",
            object_id=found.finding_id,
            after={"attachment": found.pk, "label": found.label},
        )
    return found


def reminders_for(user: User) -> QuerySet[FindingReminder]:
    """Reminders addressed to the user's own unit about findings still being rectified."""
    if not policy.permits(user, "inspections.answer"):
        return FindingReminder.objects.none()
    return (
        policy.addressed_to(FindingReminder.objects.all(), user)
        .filter(finding__state=FindingState.RECTIFYING, finding__due_date=F("due_date"))
        .select_related("finding__inspection")
    )


@dataclass(frozen=True)
class TargetFigures:
    unit: str
    code: str
    total: int
    serious: int
    open: int
    closed: int
    late: int


def inspection_figures(inspection: Inspection, findings: list[Finding]) -> list[TargetFigures]:
    """Per inspected government: findings, serious ones, still open, closed, answered late."""
    rows = []
    for target in inspection.targets.select_related("government"):
        mine = [f for f in findings if f.target_id == target.pk]
        states = Counter(f.state for f in mine)
        rows.append(
            TargetFigures(
                unit=str(target.government),
                code=target.division_code,
                total=sum(1 for f in mine if f.state != FindingState.WITHDRAWN),
                serious=sum(
                    1
                    for f in mine
                    if f.severity == FindingSeverity.SERIOUS and f.state != FindingState.WITHDRAWN
                ),
                open=states[FindingState.RECORDED]
                + states[FindingState.RECTIFYING]
                + states[FindingState.ANSWERED],
                closed=states[FindingState.CLOSED],
                late=sum(1 for f in mine if f.answered_late),
            )
        )
    return rows
