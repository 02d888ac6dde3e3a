"""Measures: issued when a record is accepted, lightened or lifted by self-corrections, and the
rule catalogue revised by the credit office. Every write is audited in its transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core import generation
from govtrust.core.audit import audit_append
from govtrust.core.clock import add_months
from govtrust.core.errors import DomainError, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain, plain_data
from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.freshness import public_changed
from govtrust.documents.services.notices import notice_drafts
from govtrust.measures.models import Measure, MeasureKind, MeasureRule, MeasureStatus
from govtrust.measures.rules.schema import REVISABLE, check_changes
from govtrust.measures.workflow import TRANSITIONS
from govtrust.records.models import Record


def rules_in_force(day: datetime.date) -> list[MeasureRule]:
    return list(
        MeasureRule.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("code")
    )


def _applies(rule: MeasureRule, record: Record) -> bool:
    checks = (
        (rule.subject_kinds, record.subject_kind),
        (rule.sources, record.source_type),
        (rule.severities, record.severity),
        (rule.domains, record.domain),
    )
    return all(not allowed or value in allowed for allowed, value in checks)


def measures_issue(record: Record, actor: User) -> list[Measure]:
    """The measures of an accepted record, from the rules in force on its acceptance day.
    Called in the accept transaction (a hook registered by this app)."""
    today = timezone.localdate()
    issued = []
    for rule in rules_in_force(today):
        if not _applies(rule, record):
            continue
        for item in rule.measures:
            measure = Measure(
                record=record,
                rule_code=rule.code,
                rule_version=rule.version,
                kind=item["kind"],
                legal_source=rule.legal_source,
                starts_on=today,
                division_code=record.division_code,
            )
            if "months" in item:
                measure.ends_on = add_months(today, int(item["months"])) - datetime.timedelta(1)
            if "working_days" in item:
                due = add_working_days(today, int(item["working_days"]))
                measure.due_date, measure.due_provisional = due.due_date, due.provisional
                measure.due_working_days = int(item["working_days"])
            issued.append(measure)
    Measure.objects.bulk_create(issued, ignore_conflicts=True)
    if issued:
        generation.bump(generation.RESTRICTIONS)  # screening's cached Index (core/generation.py)
    notice_drafts(record, actor)
    if issued:
        audit_append(
            actor=actor.username,
            action="measure.issue",
            object_type="record",
            object_id=record.number,
            after={
                "measures": [
                    {"kind": m.kind, "rule": f"{m.rule_code} v{m.rule_version}", "ends": m.ends_on}
                    for m in issued
                ]
            },
        )
    return issued


def measures_mitigate(*, record: Record, correction_kind: str, actor: User) -> list[Measure]:
    """Apply a self-correction to the record's active measures as their rules say: "lift" ends
    the measure, "halve" halves what is left of its period."""
    today = timezone.localdate()
    changed = []
    label = dict(MeasureKind.choices)
    measures = list(Measure.objects.filter(record=record, status=MeasureStatus.ACTIVE))
    wanted = Q()
    for measure in measures:
        wanted |= Q(code=measure.rule_code, version=measure.rule_version)
    rules = {(r.code, r.version): r for r in MeasureRule.objects.filter(wanted)} if measures else {}
    for measure in measures:
        rule = rules[(measure.rule_code, measure.rule_version)]
        effect = rule.mitigation.get(correction_kind)
        if effect == "lift":
            name, ends_on, note = "lift", today, "主动纠错，免于实施"
        elif effect == "halve" and measure.ends_on is not None and measure.ends_on > today:
            name, ends_on = "lighten", today + (measure.ends_on - today) / 2
            note = "主动纠错，剩余期限减半"
        else:
            continue
        transition_apply(
            Measure,
            pk=measure.pk,
            transition=TRANSITIONS[name],
            state=measure.status,
            version=measure.version,
            conflict="该记录的措施正被他人处理，请刷新后重试",
            ends_on=ends_on,
            mitigation_note=note,
        )
        measure.refresh_from_db()
        changed.append(measure)
    if changed:
        generation.bump(generation.RESTRICTIONS)
        audit_append(
            actor=actor.username,
            action="measure.mitigate",
            object_type="record",
            object_id=record.number,
            after={
                "correction": correction_kind,
                "measures": [
                    {"kind": label[m.kind], "status": m.status, "ends": m.ends_on} for m in changed
                ],
            },
        )
    return changed


# Measures that still bind the subject: the ones a repair or a court's deletion lifts.
# Local policy: a revision takes effect within a year (a later date is a typing error that
# would end the current version far ahead and leave no room for another revision).
MAX_LEAD_DAYS = 366
RUNNING = (MeasureStatus.ACTIVE, MeasureStatus.SUBMITTED, MeasureStatus.LIGHTENED)


@transaction.atomic
def measures_lift(*, record: Record, reason: str, on: datetime.date, actor: User) -> list[Measure]:
    """Lift every measure of `record` still running, as of `on`, with `reason` (信用修复办法:
    repair ends publication, sharing and the measures together). Run in the caller's
    transaction, so the measures lift with the repair or not at all."""
    measures = list(Measure.objects.select_for_update().filter(record=record, status__in=RUNNING))
    for measure in measures:
        measure.status, measure.mitigation_note = MeasureStatus.LIFTED, reason[:200]
        if measure.ends_on is None or measure.ends_on > on:
            measure.ends_on = on
        measure.version += 1
    Measure.objects.bulk_update(measures, ["status", "ends_on", "mitigation_note", "version"])
    if measures:
        generation.bump(generation.RESTRICTIONS)
        public_changed()  # a lifted measure's notice leaves the portal (its cached home too)
        label = dict(MeasureKind.choices)
        audit_append(
            actor=actor.username,
            action="measure.lift",
            object_type="record",
            object_id=record.number,
            after={
                "reason": reason,
                "on": on,
                "measures": [{"kind": label[m.kind], "ends": m.ends_on} for m in measures],
            },
        )
    return measures


@transaction.atomic
def measure_rule_revise(
    *,
    code: str,
    changes: dict[str, Any],
    valid_from: datetime.date,
    note: str,
    legal_source: str,
    actor: User,
) -> MeasureRule:
    """A new version of rule `code` from `valid_from`; the current one ends that day. Measures
    already issued keep the version that issued them."""
    policy.require(actor, "rules.revise")
    current = (
        MeasureRule.objects.select_for_update().filter(code=code, valid_to__isnull=True).first()
    )
    if current is None:
        raise NotFound("未找到该规则")
    changes = check_changes(plain_data(changes))
    if valid_from <= current.valid_from or valid_from < timezone.localdate():
        raise DomainError("生效日期应晚于当前版本的生效日期，且不早于今天")
    if valid_from > timezone.localdate() + datetime.timedelta(days=MAX_LEAD_DAYS):
        # 9999-12-31 would end the current version then and freeze the rule for good.
        raise DomainError(f"生效日期最多可定在{MAX_LEAD_DAYS}天之后")
    legal_source, note = plain(legal_source), plain(note)
    if not legal_source.strip() or not note.strip():
        raise DomainError("请写明修订依据和修订说明")
    fields = {name: getattr(current, name) for name in REVISABLE}
    revised = MeasureRule.objects.create(
        code=code,
        version=current.version + 1,
        valid_from=valid_from,
        legal_source=legal_source.strip()[:300],
        note=note.strip()[:200],
        created_by=actor,
        **{**fields, **changes},
    )
    current.valid_to = valid_from
    current.save(update_fields=["valid_to"])
    audit_append(
        actor=actor.username,
        action="measure_rule.revise",
        object_type="measure_rule",
        object_id=code,
        before={"version": current.version, **fields},
        after={"version": revised.version, "valid_from": valid_from, **changes, "note": note},
    )
    return revised


@transaction.atomic
def measure_deadlines_recompute() -> int:
    """Recompute every provisional due date of a measure still owed after the calendar changed
    (registered with the working-day engine; the records app does the same for its deadlines)."""
    changed = 0
    owed = Measure.objects.select_for_update().filter(
        due_provisional=True,
        due_working_days__isnull=False,
        status__in=(MeasureStatus.ACTIVE, MeasureStatus.SUBMITTED),
    )
    for measure in owed.select_related("record"):
        assert measure.due_working_days is not None  # noqa: S101 (filtered above)
        due = add_working_days(measure.starts_on, measure.due_working_days)
        before = str(measure.due_date)
        Measure.objects.filter(pk=measure.pk).update(
            due_date=due.due_date, due_provisional=due.provisional
        )
        generation.bump(generation.RESTRICTIONS)  # every writer of measures moves it
        audit_append(
            actor="system",
            action="measure.deadline_recompute",
            object_type="record",
            object_id=measure.record.number,
            before={"measure": measure.pk, "due_date": before},
            after={"due_date": str(due.due_date), "provisional": due.provisional},
        )
        changed += 1
    return changed
