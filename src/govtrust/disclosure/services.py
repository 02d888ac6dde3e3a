"""Publishing accepted records on the portal, and taking them down.

Every change is one transaction: the publication row, its transparency-log event and its audit
event commit together, so the log never claims what the portal did not do, nor the reverse.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError
from govtrust.core.money import wan_yuan
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.directory.selectors import division_names
from govtrust.disclosure.freshness import public_changed
from govtrust.disclosure.models import (
    Publication,
    PublicationStatus,
    RedactionRule,
    WithdrawReason,
)
from govtrust.disclosure.redaction import (
    BUILT_IN_NAMES,
    CompiledRule,
    RuleSpec,
    compile_rules,
    redact,
)
from govtrust.disclosure.rules.periods import Decision, Period, RuleError, period_for
from govtrust.disclosure.search import bigrams, name_pinyin
from govtrust.ledger import services as ledger
from govtrust.ledger.models import EventKind
from govtrust.records.models import Record
from govtrust.records.selectors import court_deleted_on, record_get
from govtrust.records.workflow import Status


def rules_in_force() -> list[RuleSpec]:
    """The redaction rules kept as rows, by name; the built-in ID rules come on top in `redact`
    (rows named like them, however they got there, are not read)."""
    return [
        RuleSpec(r.name, r.label or r.name, r.pattern, r.keep_head, r.keep_tail, r.active)
        for r in RedactionRule.objects.exclude(name__in=BUILT_IN_NAMES).order_by("name")
    ]


def active_rules() -> list[CompiledRule]:
    return compile_rules(r for r in rules_in_force() if r.active)


def _division_names(code: str) -> tuple[str, str]:
    prefecture, county = policy.prefecture_of(code), policy.county_of(code)
    names = division_names([prefecture, county])
    return names.get(prefecture, ""), names.get(county, "")


def public_view(
    record: Record,
    rules: list[CompiledRule],
    *,
    start: datetime.date,
    minimum_end: datetime.date | None,
    maximum_end: datetime.date | None,
    rule_source: str,
) -> dict[str, Any]:
    """The record as the public sees it: identifiers masked, personal data in text masked."""
    prefecture, county = _division_names(record.division_code)
    return {
        "number": record.number,
        "subject_kind": record.subject_kind,
        "subject_kind_label": record.get_subject_kind_display(),
        "subject_name": redact(record.subject_name, rules),
        "subject_identifier": record.subject_uscc or record.subject_ric_masked,
        "source_type": record.source_type,
        "source_type_label": record.get_source_type_display(),
        "domain": record.domain,
        "domain_label": record.get_domain_display(),
        "severity": record.severity,
        "severity_label": record.get_severity_display(),
        "safety_area_label": record.get_safety_area_display() if record.safety_area else "",
        "decision_number": record.decision_number,
        "decision_date": record.decision_date.isoformat(),
        "authority_name": record.authority_name,
        "authority_uscc": record.authority_uscc,
        "facts": redact(record.facts, rules),
        "basis": redact(record.basis, rules),
        "outcome": redact(record.outcome, rules),
        "amount_wan_yuan": wan_yuan(record.amount),
        "reporting_unit": record.reporting_unit,
        "prefecture": prefecture,
        "county": county,
        "publication_start": start.isoformat(),
        # "" where there is none: no minimum period; no fixed end (until the court deletes it).
        "minimum_end": minimum_end.isoformat() if minimum_end else "",
        "maximum_end": maximum_end.isoformat() if maximum_end else "",
        "rule_source": rule_source,
    }


def search_fields(view: dict[str, Any]) -> tuple[str, str]:
    """The search text (trigram index) and bigrams of a public view; both end with the pinyin
    and initials of a person's name (`search.name_pinyin`), so `wangwei` and `ww` find 王伟."""
    spelled = name_pinyin(str(view["subject_name"]))
    text = " ".join(
        str(view[k])
        for k in (
            "subject_name",
            "subject_identifier",
            "decision_number",
            "authority_name",
            "facts",
            "outcome",
            "reporting_unit",
        )
    )
    indexed = " ".join(
        str(view[k]) for k in ("subject_name", "decision_number", "authority_name", "facts")
    )
    if spelled:
        text, indexed = f"{text} {spelled}", f"{indexed} {spelled}"
    return text, bigrams(indexed)


def record_decision(record: Record) -> Decision:
    """A stored record as the period engine reads it (the same fields RecordIn gives)."""
    return Decision.of(record)


def record_period(record: Record, today: datetime.date) -> Period:
    """The period a record is published for if published on `today`; refused with the reason
    when the rules do not publish it (a minor record, a civil servant's discipline) or no more."""
    deleted = court_deleted_on(record)
    if deleted is not None:  # 法释〔2017〕7号 第十条: a deleted entry is no longer published
        raise DomainError(f"该失信被执行人信息已于{deleted}经人民法院删除，不再公示")
    try:
        period = period_for(record_decision(record), on=today)
    except RuleError as exc:
        raise DomainError(str(exc)) from exc
    if not period.published:
        raise DomainError(f"该记录不予公示：{period.source}")
    if period.maximum_end is not None and period.maximum_end < today:
        ended = period.maximum_end
        raise DomainError(f"按{period.source}，该记录的公示期已于{ended}届满，不再公示")
    return period


def _require_publisher(actor: User) -> None:
    policy.require(actor, "records.publish")


@transaction.atomic
def publication_publish(
    *, record: Record, actor: User, today: datetime.date | None = None
) -> Publication:
    """Publish an accepted record for the period its rules give (from its decision date)."""
    _require_publisher(actor)
    record = record_get(user=actor, pk=record.pk)
    if record.status != Status.ACCEPTED:
        raise Conflict(f"记录状态为“{record.get_status_display()}”，只有已入库的记录可以公示")
    if Publication.objects.filter(record=record).exists():
        raise Conflict(f"记录 {record.number} 已经公示过")
    today = today or today_beijing()
    period = record_period(record, today)
    minimum_end, maximum_end = period.minimum_end, period.maximum_end
    view = public_view(
        record,
        active_rules(),
        start=today,
        minimum_end=minimum_end,
        maximum_end=maximum_end,
        rule_source=period.source,
    )
    text, pairs = search_fields(view)
    salt = os.urandom(32)
    (leaf,) = ledger.append(
        [ledger.Entry(EventKind.PUBLISH, record.number, ledger.commitment(view, salt))]
    )
    publication = Publication.objects.create(
        record=record,
        number=record.number,
        view=view,
        search_text=text,
        bigrams=pairs,
        division_code=record.division_code,
        prefecture_code=policy.prefecture_of(record.division_code),
        county_code=policy.county_of(record.division_code),
        subject_kind=record.subject_kind,
        source_type=record.source_type,
        domain=record.domain,
        severity=record.severity,
        decision_date=record.decision_date,
        rule_id=period.rule_label,
        rule_source=period.source[:200],
        minimum_end=minimum_end,
        maximum_end=maximum_end,
        published_at=timezone.now(),
        period_checked_on=today,
        published_by=actor,
        salt=salt,
        leaf_index=leaf.index,
    )
    public_changed()
    audit_append(
        actor=actor.username,
        action="publication.publish",
        object_type="record",
        object_id=record.number,
        after={
            "rule": period.rule_label,
            "severity": period.severity,
            "minimum_end": str(minimum_end) if minimum_end else None,
            "maximum_end": str(maximum_end) if maximum_end else None,
            "leaf": leaf.index,
        },
    )
    return publication


@dataclass(frozen=True)
class BulkPublishOutcome:
    published: list[str]
    refused: list[tuple[str, str]]


def publications_publish_bulk(*, record_ids: list[int], actor: User) -> BulkPublishOutcome:
    _require_publisher(actor)
    if len(record_ids) > 1000:
        raise DomainError("一次最多公示1000条记录")
    published, refused = [], []
    for record_id in dict.fromkeys(record_ids):
        try:
            with transaction.atomic():
                record = record_get(user=actor, pk=record_id)
                published.append(publication_publish(record=record, actor=actor).number)
        except DomainError as exc:
            refused.append((str(record_id), exc.detail))
    return BulkPublishOutcome(published, refused)


@transaction.atomic
def publication_withdraw(*, publication: Publication, reason: str, actor_name: str) -> Publication:
    """Take a record off the portal; the log gets a withdraw event committing to its view."""
    if reason not in WithdrawReason.values:
        raise DomainError("撤下原因无效")
    current = Publication.objects.select_for_update().get(pk=publication.pk)
    if current.status != PublicationStatus.PUBLISHED:
        raise Conflict(f"记录 {current.number} 已经撤下")
    (leaf,) = ledger.append(
        [
            ledger.Entry(
                EventKind.WITHDRAW,
                current.number,
                ledger.commitment(current.view, bytes(current.salt)),
            )
        ]
    )
    current.status, current.withdrawn_at = PublicationStatus.WITHDRAWN, timezone.now()
    current.withdraw_reason, current.leaf_index = reason, leaf.index
    current.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "leaf_index"])
    public_changed()
    audit_append(
        actor=actor_name,
        action="publication.withdraw",
        object_type="record",
        object_id=current.number,
        after={"reason": reason, "leaf": leaf.index},
    )
    return current


def publications_expire(*, today: datetime.date | None = None) -> int:
    """The daily job: withdraw every publication whose period has ended. The last day still
    belongs to the period (民法典 第二百零二条), so it leaves the day after."""
    today = today or today_beijing()
    due = Publication.objects.filter(status=PublicationStatus.PUBLISHED, maximum_end__lt=today)
    count = 0
    for publication in due.iterator(chunk_size=500):
        publication_withdraw(
            publication=publication, reason=WithdrawReason.EXPIRED, actor_name="system"
        )
        count += 1
    return count
