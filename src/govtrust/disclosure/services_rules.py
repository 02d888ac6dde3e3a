"""Changing what the public sees of a published record: corrections and redaction rules.

A correction re-renders the public view from the record (after an upheld objection, or after a
change of the redaction rules took effect) and appends a `correct` event to the transparency log
that commits to the new view, so the log shows that the page changed and when, without showing
what it said before.

Redaction rules apply to every public view of the province, so only the provincial credit office
changes them, and with four eyes: one member proposes a whole new rule set, another approves it
(or either rejects it with a reason); only then are the rows replaced and the publications
re-rendered. The citizen ID rules are built in (redaction.BUILT_IN) and no proposal touches them.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govtrust.core import four_eyes
from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure import regex_cost
from govtrust.disclosure.freshness import public_changed
from govtrust.disclosure.models import (
    REDACTION_TRANSITIONS,
    Publication,
    PublicationStatus,
    RedactionChange,
    RedactionChangeState,
    RedactionRule,
)
from govtrust.disclosure.redaction import (
    BUILT_IN,
    CUSTOM_NAME,
    KINDS,
    MAX_KEEP,
    RuleSpec,
    compile_rules,
    redact,
)
from govtrust.disclosure.rules.periods import Period
from govtrust.disclosure.services import active_rules, public_view, rules_in_force, search_fields
from govtrust.ledger import services as ledger
from govtrust.ledger.models import EventKind

# The columns a recomputed period (or a corrected decision) changes besides the view.
PERIOD_COLUMNS = (
    "minimum_end",
    "maximum_end",
    "rule_id",
    "rule_source",
    "severity",
    "decision_date",
)


@transaction.atomic
def publication_correct(
    *, publication: Publication, actor_name: str, reason: str, period: Period | None = None
) -> bool:
    """Re-render the view (with the ends of `period`, when the period was recomputed); if it
    changed, store it and log a correction. Returns whether it did."""
    current = (
        Publication.objects.select_for_update().select_related("record").get(pk=publication.pk)
    )
    if current.status != PublicationStatus.PUBLISHED:
        return False
    if period is not None:
        current.minimum_end, current.maximum_end = period.minimum_end, period.maximum_end
        current.rule_id, current.rule_source = period.rule_label, period.source[:200]
    record = current.record
    view = public_view(
        record,
        active_rules(),
        start=datetime.date.fromisoformat(current.view["publication_start"]),
        minimum_end=current.minimum_end,
        maximum_end=current.maximum_end,
        rule_source=current.rule_source,
    )
    if view == current.view:
        return False
    current.severity, current.decision_date = record.severity, record.decision_date
    before = current.view
    (leaf,) = ledger.append(
        [
            ledger.Entry(
                EventKind.CORRECT, current.number, ledger.commitment(view, bytes(current.salt))
            )
        ]
    )
    current.view, current.leaf_index = view, leaf.index
    current.search_text, current.bigrams = search_fields(view)
    current.save(update_fields=["view", "leaf_index", "search_text", "bigrams", *PERIOD_COLUMNS])
    public_changed()
    changed = {k: {"old": before.get(k), "new": v} for k, v in view.items() if before.get(k) != v}
    audit_append(
        actor=actor_name,
        action="publication.correct",
        object_type="record",
        object_id=current.number,
        after={"reason": reason, "fields": changed, "leaf": leaf.index},
    )
    return True


def can_edit_redaction(user: User) -> bool:
    """Whether `user` may see, propose and decide changes of the redaction rules: a member of the
    provincial credit office, since the rules mask every public view of the province. A
    prefecture's credit office or an administrator may not (issue 11)."""
    return user.is_active and policy.permits(user, "redaction.edit")


ID_REFUSAL = "身份证号码始终遮蔽（18位保留前6位、后4位），这是内置规则，不能关闭、修改或减弱"
MAX_SAMPLE = 2000  # characters of preview text: a custom pattern runs on what is typed
_BUILT_IN = {r.name: r for r in BUILT_IN}
_KINDS = {k.name: k for k in KINDS}


def _require_editor(actor: User, doing: str) -> None:
    if not can_edit_redaction(actor):
        raise Forbidden(f"只有省信用办可以{doing}遮蔽规则")


def _custom_checked(rule: RuleSpec) -> RuleSpec:
    label = plain(rule.label).strip()
    if not 1 <= len(label) <= 40:
        raise DomainError("自定义规则须填写名称（不超过40字）", errors=[("label", "必填")])
    if rule.name and not CUSTOM_NAME.fullmatch(rule.name):
        raise DomainError(f"规则“{label}”无效", errors=[("name", "格式无效")])
    rule = dataclasses.replace(rule, pattern=plain(rule.pattern))
    if not rule.pattern or len(rule.pattern) > 300:
        raise DomainError(
            f"规则“{label}”的正则表达式应为1至300个字符", errors=[("pattern", "长度")]
        )
    try:
        regex = re.compile(rule.pattern)
    except re.error as exc:
        raise DomainError(
            f"规则“{label}”的正则表达式无效：{exc}", errors=[("pattern", str(exc))]
        ) from exc
    if regex.search("") is not None:
        raise DomainError(
            f"规则“{label}”的正则表达式会匹配空文本", errors=[("pattern", "匹配空文本")]
        )
    try:
        regex_cost.check(rule.pattern)
    except regex_cost.TooCostly as exc:
        raise DomainError(
            f"规则“{label}”的正则表达式可能回溯过多、拖慢公示：{exc}，请简化",
            errors=[("pattern", str(exc))],
        ) from exc
    return dataclasses.replace(rule, label=label)


def _checked(rules: list[RuleSpec], in_force: list[RuleSpec]) -> list[RuleSpec]:
    """The proposed set, validated and normalised: catalogue kinds take their pattern and name
    from the catalogue (a kind left out keeps its rule in force), new custom rules get a name.
    Any attempt to switch off or alter a built-in ID rule is refused, not silently dropped."""
    out: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.name in _BUILT_IN:
            if rule != _BUILT_IN[rule.name]:
                raise DomainError(ID_REFUSAL, errors=[(rule.name, ID_REFUSAL)])
            continue
        if not (0 <= rule.keep_head <= MAX_KEEP and 0 <= rule.keep_tail <= MAX_KEEP):
            raise DomainError(
                f"“{rule.label}”的保留位数应在0至{MAX_KEEP}之间", errors=[(rule.name, "超出范围")]
            )
        kind = _KINDS.get(rule.name)
        if kind is not None:
            rule = dataclasses.replace(
                kind, keep_head=rule.keep_head, keep_tail=rule.keep_tail, active=rule.active
            )
        else:
            rule = _custom_checked(rule)
        if rule.name and rule.name in out:
            raise DomainError(f"规则“{rule.label}”重复", errors=[(rule.name, "重复")])
        out[rule.name or f"new {len(out)}"] = rule
    for kept in in_force:
        if kept.name in _KINDS:
            out.setdefault(kept.name, kept)
    taken = [
        int(n.removeprefix("custom_"))
        for n in (*out, *(r.name for r in in_force))
        if CUSTOM_NAME.fullmatch(n)
    ]
    serial = max(taken, default=0)
    named = []
    for rule in out.values():
        if not rule.name:
            serial += 1
            rule = dataclasses.replace(rule, name=f"custom_{serial}")
        named.append(rule)
    return sorted(named, key=lambda r: r.name)


def _as_json(rules: list[RuleSpec]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in sorted(rules, key=lambda r: r.name)]


def rules_preview(*, actor: User, rules: list[RuleSpec], sample: str) -> str:
    """The sample text as the proposed rules (with the built-in ones) would show it; no write."""
    _require_editor(actor, "预览")
    proposed = _checked(rules, rules_in_force())
    return redact(plain(sample)[:MAX_SAMPLE], compile_rules(r for r in proposed if r.active))


@transaction.atomic
def redaction_change_propose(*, actor: User, rules: list[RuleSpec], note: str) -> RedactionChange:
    """Propose a new rule set; nothing the public sees changes until another member approves.

    `rules` is the whole set of custom rules (one left out is deleted) and any catalogue kinds
    to change (a kind left out keeps its setting; kinds are switched off, never deleted)."""
    _require_editor(actor, "修改")
    note = plain(note).strip()
    if not note:
        raise DomainError("请填写变更说明", errors=[("note", "必填")])
    in_force = rules_in_force()
    proposed = _checked(rules, in_force)
    if _as_json(proposed) == _as_json(in_force):
        raise DomainError("提出的规则与现行规则相同，无需审核")
    busy = Conflict("已有一项待审核的遮蔽规则变更，请先审核或驳回该变更")
    if RedactionChange.objects.filter(state=RedactionChangeState.PENDING).exists():
        raise busy
    try:
        with transaction.atomic():
            change = RedactionChange.objects.create(
                rules=_as_json(proposed),
                base=_as_json(in_force),
                note=note[:200],
                proposed_by=actor,
                proposed_at=timezone.now(),
            )
    except IntegrityError:  # a proposal raced this one past the check above
        raise busy from None
    audit_append(
        actor=actor.username,
        action="redaction.propose",
        object_type="redaction_change",
        object_id=change.pk,
        before={"rules": change.base},
        after={"rules": change.rules, "note": change.note, "state": change.state},
    )
    return change


REDACTION_PROPOSALS = four_eyes.Proposals(
    model=RedactionChange,
    table=REDACTION_TRANSITIONS,
    noun="遮蔽规则变更",
    this="该变更",
    own="变更",
)


def _decide(
    *,
    change: RedactionChange,
    actor: User,
    name: str,
    version: int,
    reason: str = "",
    guard: Callable[[RedactionChange], None] = lambda _c: None,
) -> tuple[RedactionChange, dict[str, Any]]:
    """One four-eyes decision (core/four_eyes.py); only members who may edit the rules decide."""
    _require_editor(actor, REDACTION_TRANSITIONS[name].label)
    return four_eyes.decide(
        REDACTION_PROPOSALS,
        pk=change.pk,
        actor=actor,
        name=name,
        version=version,
        reason=reason,
        guard=guard,
    )


def _rules_replace(rules: list[RuleSpec]) -> None:
    RedactionRule.objects.exclude(name__in=[r.name for r in rules]).delete()
    for rule in rules:
        RedactionRule.objects.update_or_create(
            name=rule.name,
            defaults={
                "label": rule.label,
                "pattern": rule.pattern,
                "keep_head": rule.keep_head,
                "keep_tail": rule.keep_tail,
                "active": rule.active,
            },
        )


@transaction.atomic
def redaction_change_approve(
    *, change: RedactionChange, actor: User, version: int
) -> RedactionChange:
    """Approve another member's proposal: its rules replace those in force and every published
    view is re-rendered with them (each one that changes is a logged correction)."""

    def checks(current: RedactionChange) -> None:
        four_eyes.require_other_member(REDACTION_PROPOSALS, current, actor)
        if _as_json(rules_in_force()) != current.base:
            raise Conflict("提出该变更后现行规则已被改动，请驳回后重新提出")

    decided, before = _decide(
        change=change, actor=actor, name="approve", version=version, guard=checks
    )
    _rules_replace([RuleSpec.of(r) for r in decided.rules])
    decided.corrected = sum(
        publication_correct(
            publication=p, actor_name=actor.username, reason=f"遮蔽规则变更{decided.pk}生效"
        )
        for p in Publication.objects.filter(status=PublicationStatus.PUBLISHED).iterator()
    )
    decided.save(update_fields=["corrected"])
    audit_append(
        actor=actor.username,
        action="redaction.approve",
        object_type="redaction_change",
        object_id=decided.pk,
        before={**before, "rules": decided.base},
        after={
            "state": decided.state,
            "version": decided.version,
            "rules": decided.rules,
            "proposed_by": decided.proposed_by.username,
            "corrected": decided.corrected,
        },
    )
    return decided


@transaction.atomic
def redaction_change_reject(
    *, change: RedactionChange, actor: User, version: int, reason: str
) -> RedactionChange:
    """Refuse a proposal with a reason (its proposer may withdraw it the same way)."""
    decided, before = _decide(
        change=change, actor=actor, name="reject", version=version, reason=reason
    )
    audit_append(
        actor=actor.username,
        action="redaction.reject",
        object_type="redaction_change",
        object_id=decided.pk,
        before=before,
        after={"state": decided.state, "version": decided.version, "reason": decided.reason},
    )
    return decided
