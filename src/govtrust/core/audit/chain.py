"""Append and verify the audit chain.

Every service calls `audit_append` inside its own transaction, so the event commits or rolls
back with the change it describes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core.bulk_insert import JsonText, insert_rows
from govtrust.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


# One encoder for every event: json.dumps with options builds a new one per call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
).encode


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, non-ASCII kept, dates as ISO strings."""
    return _CANONICAL(value)


def _digest(prev: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev}\n{canonical(body)}".encode()).hexdigest()


def _body(event: AuditEvent) -> dict[str, Any]:
    at = event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {
        "seq": event.seq,
        "at": at,
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "before": event.before,
        "after": event.after,
    }


def audit_append(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "success",
) -> AuditEvent:
    with transaction.atomic():
        # The head row lock orders concurrent appends on PostgreSQL; SQLite runs with
        # IMMEDIATE transactions, which serialise writers already.
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            # Round-trip through JSON so the stored value is exactly what was hashed.
            before=json.loads(canonical(before)) if before is not None else None,
            after=json.loads(canonical(after)) if after is not None else None,
            prev_digest=head.digest,
        )
        event.digest = _digest(head.digest, _body(event))
        event.save()
        head.seq, head.digest = event.seq, event.digest
        head.save(update_fields=["seq", "digest"])
    return event


_EVENT_COLUMNS = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "before",
    "after",
    "prev_digest",
    "digest",
)


def audit_append_many(*, actor: str, entries: list[dict[str, Any]]) -> int:
    """Append one event per entry (keys: action, object_type, object_id, before, after) in one
    chain step: the head is locked once and the events are inserted together. For bulk intake,
    where a thousand records become a thousand events: each event is hashed exactly as
    `audit_append` hashes it (`_body`), but built as a row, not a model instance, and its JSON
    is encoded once, for the digest and the insert alike."""
    if not entries:
        return 0
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        now, prev, seq = timezone.now(), head.digest, head.seq
        at = json.dumps(now.astimezone(datetime.UTC).isoformat(timespec="microseconds"))
        who = encode_basestring(actor)
        rows = []
        for entry in entries:
            seq += 1
            before, after = entry.get("before"), entry.get("after")
            before_json = JsonText(canonical(before))
            after_json = JsonText(canonical(after))
            object_id = str(entry["object_id"])
            # canonical(_body(event)) written out: the keys in sorted order, each value in its
            # canonical JSON (a test checks the digests against `_digest(_body(...))`).
            text = (
                f'{{"action":{encode_basestring(entry["action"])},"actor":{who},'
                f'"after":{after_json},"at":{at},"before":{before_json},'
                f'"object_id":{encode_basestring(object_id)},'
                f'"object_type":{encode_basestring(entry["object_type"])},'
                f'"outcome":"success","seq":{seq}}}'
            )
            digest = hashlib.sha256(f"{prev}\n{text}".encode()).hexdigest()
            rows.append(
                (
                    seq,
                    now,
                    actor,
                    entry["action"],
                    entry["object_type"],
                    object_id,
                    "success",
                    None if before is None else before_json,
                    None if after is None else after_json,
                    prev,
                    digest,
                )
            )
            prev = digest
        insert_rows(AuditEvent, _EVENT_COLUMNS, rows)
        head.seq, head.digest = seq, prev
        head.save(update_fields=["seq", "digest"])
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    count: int
    ok: bool
    first_broken_seq: int | None
    reason: str
    warning: str = ""  # e.g. no witness file: nothing outside the database to compare with


def _iter_events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def chain_verify(*, sealed: Mapping[int, set[str]]) -> ChainReport:
    """Recompute every link; report the first event whose link or content does not match, or,
    for a chain rewritten with fresh hashes or cut short, the first event after the last sealed
    head it still reaches (`sealed`: seq -> the digests signed for it)."""
    prev, expected_seq, count, reached = GENESIS, 1, 0, 0
    for event in _iter_events():
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, False, expected_seq, f"缺少第{expected_seq}号事件")
        if event.prev_digest != prev:
            return ChainReport(count, False, event.seq, "前一事件的哈希不一致")
        if _digest(prev, _body(event)) != event.digest:
            return ChainReport(count, False, event.seq, "事件内容与哈希不一致（已被改动）")
        signed = sealed.get(event.seq)
        if signed is not None and signed != {event.digest}:
            return ChainReport(
                count,
                False,
                reached + 1,
                f"第{reached + 1}至{event.seq}号事件与已签名的链头不符（审计链被改写）",
            )
        if signed is not None:
            reached = event.seq
        prev, expected_seq = event.digest, expected_seq + 1
    if sealed and max(sealed) > count:
        return ChainReport(
            count,
            False,
            count + 1,
            f"审计链只有{count}条事件，签名的链头已到第{max(sealed)}号（事件被清空或删除）",
        )
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != count:
        return ChainReport(count, False, count + 1, "链尾事件被删除")
    return ChainReport(count, True, None, "审计链完整")
