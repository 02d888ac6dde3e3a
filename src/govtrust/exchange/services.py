"""Sending accepted records to the provincial sharing platform, and taking its feedback.

1. `batch_build` collects accepted records not yet sent, writes them as JSON Lines to the outbox,
   and signs a manifest (record count, SHA-256 of the payload, Ed25519 signature).
2. `batch_deliver` POSTs the payload with its manifest to GOVTRUST_EXCHANGE_URL, or writes both
   files to GOVTRUST_EXCHANGE_DIR. A failure is retried with exponential back-off; the receiver
   is idempotent on the batch id, so a retry after a lost answer does no harm.
3. `feedback_apply` reads the platform's answer (JSON Lines: batch_id, record_number, status,
   reason) and records it on each record's exchange item.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core import signing
from govtrust.core.audit import audit_append, audit_append_many
from govtrust.core.errors import Conflict, DomainError
from govtrust.core.lifecycle import transition_apply
from govtrust.core.money import wan_yuan
from govtrust.core.protect import decrypt
from govtrust.exchange.models import (
    BatchStatus,
    ExchangeBatch,
    ExchangeItem,
    ExchangeNotice,
    ItemStatus,
)
from govtrust.exchange.workflow import TRANSITIONS
from govtrust.records.models import Record
from govtrust.records.workflow import Status

SCHEMA = "govtrust.exchange.v1"
EXCHANGE_KEY = "exchange"
MAX_BATCH = 5000
MAX_ATTEMPTS = 8
STALE_BATCH = "该报送批次已由其他进程处理"


def _dir(*parts: str) -> Path:
    base = getattr(settings, "GOVTRUST_EXCHANGE_DIR", "") or Path(settings.VAR_DIR) / "exchange"
    path = Path(base).joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def payload_path(batch: ExchangeBatch) -> Path:
    return _dir("outbox") / f"{batch.pk}.jsonl"


def exchange_view(record: Record) -> dict[str, Any]:
    """A record as the sharing platform receives it (the statutory recipient: full identifiers)."""
    identifier = record.subject_uscc
    if record.subject_ric_cipher is not None:
        identifier = decrypt(bytes(record.subject_ric_cipher))
    return {
        "record_number": record.number,
        "subject_kind": record.subject_kind,
        "subject_name": record.subject_name,
        "subject_identifier": identifier,
        "source_type": record.source_type,
        "domain": record.domain,
        "severity": record.severity,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date.isoformat(),
        "authority_name": record.authority_name,
        "authority_uscc": record.authority_uscc,
        "facts": record.facts,
        "basis": record.basis,
        "outcome": record.outcome,
        "amount_wan_yuan": wan_yuan(record.amount),
        "reporting_unit": record.reporting_unit,
        "reporting_division": record.division_code,
        "arose_on": record.arose_on.isoformat(),
        "submitted_at": record.submitted_at.isoformat() if record.submitted_at else None,
        "accepted_at": record.reviewed_at.isoformat() if record.reviewed_at else None,
    }


def unsent() -> Any:
    """Accepted records with no item in a batch that is pending or delivered."""
    return (
        Record.objects.filter(status=Status.ACCEPTED)
        .exclude(exchange_items__batch__status__in=[BatchStatus.PENDING, BatchStatus.DELIVERED])
        .select_related("reporting_government", "reporting_department")
        .order_by("id")
    )


def notice_line(notice: ExchangeNotice) -> dict[str, Any]:
    return {
        "notice": notice.kind,
        "record_number": notice.record.number,
        "case_number": notice.case_number,
        "noticed_at": notice.created_at.isoformat(),
        "record": exchange_view(notice.record),
    }


def notice_queue(*, record: Record, kind: str, case_number: str, due_date: Any) -> ExchangeNotice:
    """Tell the platform, with the next batch, that a record it has changed."""
    return ExchangeNotice.objects.create(
        record=record, kind=kind, case_number=case_number, due_date=due_date
    )


@transaction.atomic
def batch_build(*, limit: int = MAX_BATCH) -> ExchangeBatch | None:
    """Sign and store the next batch of unsent records and notices; None when there is nothing
    to send. A notice whose batch failed is sent again with the next one."""
    records = list(unsent().select_for_update(of=("self",))[:limit])
    notices = list(
        ExchangeNotice.objects.select_for_update(of=("self",))
        .filter(Q(batch__isnull=True) | Q(batch__status=BatchStatus.FAILED))
        .select_related("record__reporting_government", "record__reporting_department")[:limit]
    )
    if not records and not notices:
        return None
    lines = [json.dumps(exchange_view(r), ensure_ascii=False, sort_keys=True) for r in records]
    lines += [json.dumps(notice_line(n), ensure_ascii=False, sort_keys=True) for n in notices]
    payload = ("\n".join(lines) + "\n").encode()
    batch = ExchangeBatch(record_count=len(records), manifest={})
    batch.payload_sha256 = hashlib.sha256(payload).hexdigest()
    batch.manifest = signing.sign(
        EXCHANGE_KEY,
        {
            "schema": SCHEMA,
            "batch_id": str(batch.pk),
            "created_at": timezone.now().isoformat(),
            "record_count": len(records),
            "notice_count": len(notices),
            "payload_sha256": batch.payload_sha256,
            "sender": "62",
        },
    )
    batch.next_attempt_at = timezone.now()
    temporary = payload_path(batch).with_suffix(".tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, payload_path(batch))
    batch.save()
    ExchangeItem.objects.bulk_create(ExchangeItem(batch=batch, record=r) for r in records)
    ExchangeNotice.objects.filter(pk__in=[n.pk for n in notices]).update(batch=batch)
    audit_append(
        actor="system",
        action="exchange.build",
        object_type="exchange_batch",
        object_id=str(batch.pk),
        after={"records": len(records), "notices": len(notices), "sha256": batch.payload_sha256},
    )
    return batch


def _post(url: str, payload: bytes, manifest: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310 - the operator configures an http(s) URL
        url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/x-ndjson; charset=utf-8",
            "X-Exchange-Manifest": json.dumps(manifest, sort_keys=True),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        if exc.code != 409:  # 409: the receiver already has this batch id (idempotent)
            raise


def _write_folder(batch: ExchangeBatch, payload: bytes) -> None:
    target = _dir("sent")
    for name, content in (
        (f"{batch.pk}.jsonl", payload),
        (f"{batch.pk}.manifest.json", json.dumps(batch.manifest, ensure_ascii=False).encode()),
    ):
        temporary = target / f".{name}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, target / name)  # the reader never sees half a file


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(60 * 2 ** (attempts - 1), 3600))


def batch_deliver(*, batch: ExchangeBatch) -> ExchangeBatch:
    """Try to deliver once; on failure schedule the next try, or give up after MAX_ATTEMPTS.
    A batch another worker has handled since `batch` was read is refused (Conflict) before
    anything is sent, and the step is taken by an UPDATE conditioned on the state and version
    read, so two workers never count one attempt twice."""
    if not ExchangeBatch.objects.filter(
        pk=batch.pk, status=batch.status, version=batch.version
    ).exists():
        raise Conflict(STALE_BATCH)
    payload = payload_path(batch).read_bytes()
    if hashlib.sha256(payload).hexdigest() != batch.payload_sha256:
        raise DomainError(f"报送批次 {batch.pk} 的文件与签名不符，已停止发送")
    url = getattr(settings, "GOVTRUST_EXCHANGE_URL", "")
    attempts = batch.attempts + 1
    changes: dict[str, Any] = {"attempts": attempts, "last_error": "", "next_attempt_at": None}
    try:
        if url:
            _post(url, payload, batch.manifest)
        else:
            _write_folder(batch, payload)
    except (OSError, urllib.error.URLError) as exc:
        changes["last_error"] = f"{type(exc).__name__}: {exc}"[:2000]
        step = "give_up" if attempts >= MAX_ATTEMPTS else "retry"
        if step == "retry":
            changes["next_attempt_at"] = timezone.now() + backoff(attempts)
    else:
        step, changes["delivered_at"] = "deliver", timezone.now()
    transition_apply(
        ExchangeBatch,
        pk=batch.pk,
        transition=TRANSITIONS[step],
        state=batch.status,
        version=batch.version,
        conflict=STALE_BATCH,
        **changes,
    )
    batch.refresh_from_db()
    audit_append(
        actor="system",
        action="exchange.deliver",
        object_type="exchange_batch",
        object_id=str(batch.pk),
        outcome="success" if batch.status == BatchStatus.DELIVERED else "failure",
        after={"attempt": batch.attempts, "status": batch.status, "error": batch.last_error},
    )
    return batch


def deliver_due(*, now: datetime.datetime | None = None) -> list[ExchangeBatch]:
    """Build what is unsent and deliver every pending batch whose next try has come."""
    while batch_build() is not None:
        pass
    now = now or timezone.now()
    due = ExchangeBatch.objects.filter(status=BatchStatus.PENDING, next_attempt_at__lte=now)
    delivered = []
    for batch in due.order_by("created_at"):
        try:
            delivered.append(batch_deliver(batch=batch))
        except Conflict:
            continue  # another worker took this batch since the query: it is in hand
    return delivered


@dataclass(frozen=True)
class FeedbackReport:
    applied: int
    errors: list[str]


def feedback_apply(*, lines: list[str], source: str) -> FeedbackReport:
    """Apply the platform's feedback; lines that do not match a sent record are reported."""
    errors: list[str] = []
    updates: list[tuple[ExchangeItem, str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            status, reason = entry["status"], str(entry.get("reason", ""))[:2000]
            batch_id, record_number = str(entry["batch_id"]), str(entry["record_number"])
        except (ValueError, KeyError, TypeError):
            errors.append(
                f"第{number}行不是有效的反馈（应为含 batch_id、record_number、status 的 JSON）"
            )
            continue
        if status not in (ItemStatus.ACCEPTED, ItemStatus.REJECTED):
            errors.append(f"第{number}行状态无效：{status}")
            continue
        if status == ItemStatus.REJECTED and not reason:
            errors.append(f"第{number}行为退回，但没有原因")
            continue
        item = (
            ExchangeItem.objects.filter(batch_id=uuid.UUID(batch_id), record__number=record_number)
            .select_related("record")
            .first()
            if _uuid(batch_id)
            else None
        )
        if item is None:
            errors.append(f"第{number}行：批次 {batch_id} 中没有记录 {record_number}")
            continue
        updates.append((item, status, reason))
    now = timezone.now()
    with transaction.atomic():
        for item, status, reason in updates:
            item.status, item.reason, item.feedback_at = status, reason, now
            item.save(update_fields=["status", "reason", "feedback_at"])
        audit_append_many(
            actor="exchange",
            entries=[
                {
                    "action": "exchange.feedback",
                    "object_type": "record",
                    "object_id": item.record.number,
                    "after": {
                        "batch": str(item.batch_id),
                        "status": status,
                        "reason": reason,
                        "source": source,
                    },
                }
                for item, status, reason in updates
            ],
        )
    return FeedbackReport(len(updates), errors)


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def inbox_process() -> int:
    """Apply every feedback file in the exchange inbox, then move it to inbox/done."""
    done = _dir("inbox", "done")
    applied = 0
    for path in sorted(_dir("inbox").glob("*.jsonl")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            path.rename(path.with_suffix(".unreadable"))
            continue
        applied += feedback_apply(lines=lines, source=path.name).applied
        path.rename(done / path.name)
    return applied
