"""Changing what the public sees of a published record: corrections and redaction rules.

A correction re-renders the public view from the record (after an upheld objection, or after a
redaction rule changed) and appends a `correct` event to the transparency log that commits to the
new view, so the log shows that the page changed and when, without showing what it said before.
"""

from __future__ import annotations

import datetime
import re

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, Forbidden
from govtrust.directory.models import Role, User
from govtrust.disclosure.models import Publication, PublicationStatus, RedactionRule
from govtrust.disclosure.services import active_rules, public_view, search_fields
from govtrust.ledger import services as ledger
from govtrust.ledger.models import EventKind


@transaction.atomic
def publication_correct(*, publication: Publication, actor_name: str, reason: str) -> bool:
    """Re-render the view; if it changed, store it and log a correction. Returns whether it did."""
    current = (
        Publication.objects.select_for_update().select_related("record").get(pk=publication.pk)
    )
    if current.status != PublicationStatus.PUBLISHED:
        return False
    view = public_view(
        current.record,
        active_rules(),
        start=datetime.date.fromisoformat(current.view["publication_start"]),
        minimum_end=current.minimum_end,
        maximum_end=current.maximum_end,
        rule_source=current.rule_source,
    )
    if view == current.view:
        return False
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
    current.save(update_fields=["view", "leaf_index", "search_text", "bigrams"])
    changed = {k: {"old": before.get(k), "new": v} for k, v in view.items() if before.get(k) != v}
    audit_append(
        actor=actor_name,
        action="publication.correct",
        object_type="record",
        object_id=current.number,
        after={"reason": reason, "fields": changed, "leaf": leaf.index},
    )
    return True


@transaction.atomic
def redaction_rule_save(
    *,
    actor: User,
    name: str,
    pattern: str,
    keep_head: int,
    keep_tail: int,
    active: bool,
    note: str = "",
) -> tuple[RedactionRule, int]:
    """Create or change a rule, then re-render every published view it affects (each one a
    logged correction). Returns the rule and how many publications changed."""
    if actor.role not in (Role.CREDIT_OFFICE, Role.SECADMIN):
        raise Forbidden("只有信用办或安全管理员可以修改遮蔽规则")
    if not re.fullmatch(r"[a-z_]{2,40}", name):
        raise DomainError("规则名称应为2至40个小写字母或下划线", errors=[("name", "格式无效")])
    try:
        re.compile(pattern)
    except re.error as exc:
        raise DomainError(f"正则表达式无效：{exc}", errors=[("pattern", str(exc))]) from exc
    if not 0 <= keep_head <= 10 or not 0 <= keep_tail <= 10:
        raise DomainError("保留位数应在0至10之间")
    rule = RedactionRule.objects.filter(name=name).first()
    before = (
        None
        if rule is None
        else {
            "pattern": rule.pattern,
            "keep_head": rule.keep_head,
            "keep_tail": rule.keep_tail,
            "active": rule.active,
        }
    )
    rule, _ = RedactionRule.objects.update_or_create(
        name=name,
        defaults={
            "pattern": pattern,
            "keep_head": keep_head,
            "keep_tail": keep_tail,
            "active": active,
            "note": note[:200],
        },
    )
    audit_append(
        actor=actor.username,
        action="redaction_rule.save",
        object_type="redaction_rule",
        object_id=name,
        before=before,
        after={
            "pattern": pattern,
            "keep_head": keep_head,
            "keep_tail": keep_tail,
            "active": active,
        },
    )
    changed = sum(
        publication_correct(
            publication=p, actor_name=actor.username, reason=f"遮蔽规则 {name} 变更"
        )
        for p in Publication.objects.filter(status=PublicationStatus.PUBLISHED).iterator()
    )
    return rule, changed
