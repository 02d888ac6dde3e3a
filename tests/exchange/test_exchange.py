"""Batches to the provincial platform over real HTTP on loopback, retries, and feedback."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from govtrust.cli import main
from govtrust.core import signing
from govtrust.core.audit import audit_verify
from govtrust.core.errors import Conflict, DomainError
from govtrust.core.lifecycle import SYSTEM
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.exchange.models import ExchangeBatch, ExchangeItem
from govtrust.exchange.services import (
    backoff,
    batch_build,
    batch_deliver,
    deliver_due,
    feedback_apply,
    inbox_process,
    payload_path,
)
from govtrust.exchange.workflow import TRANSITIONS
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_ric, record_payload

pytestmark = pytest.mark.django_db


class Receiver:
    """A provincial platform stand-in: verifies the manifest, keeps batches by id (idempotent),
    and can be told to fail its first N requests."""

    def __init__(self, public_pem: str, fail_first: int = 0) -> None:
        self.public_pem = public_pem
        self.fail_first = fail_first
        self.requests = 0
        self.batches: dict[str, list[dict[str, Any]]] = {}
        self.rejected: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.requests <= receiver.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                manifest = json.loads(self.headers["X-Exchange-Manifest"])
                valid = (
                    signing.verify(manifest, receiver.public_pem)
                    and hashlib.sha256(body).hexdigest() == manifest["payload_sha256"]
                )
                if not valid:
                    receiver.rejected.append(manifest.get("batch_id", "?"))
                    self.send_response(400)
                elif manifest["batch_id"] in receiver.batches:
                    self.send_response(409)
                else:
                    lines = body.decode().splitlines()
                    receiver.batches[manifest["batch_id"]] = [json.loads(x) for x in lines]
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/exchange"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def accepted(clerk: User, reviewer: User) -> Callable[[int], list[Record]]:
    def make(n: int) -> list[Record]:
        records = []
        for _ in range(n):
            record = record_create(
                data=RecordIn.model_validate(record_payload(subject_identifier=new_ric())),
                actor=clerk,
            )
            records.append(
                record_accept(record=record_submit(record=record, actor=clerk), actor=reviewer)
            )
        return records

    return make


@pytest.fixture(autouse=True)
def _exchange_dir(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.GOVTRUST_EXCHANGE_DIR = str(tmp_path / "exchange")
    yield


def test_batch_is_signed_and_delivered_over_http(accepted: Callable[[int], list[Record]]) -> None:
    records = accepted(3)
    with (
        Receiver(signing.public_key_pem("exchange")) as receiver,
        override_settings(GOVTRUST_EXCHANGE_URL=receiver.url),
    ):
        batches = deliver_due()
    assert [b.status for b in batches] == ["delivered"]
    (lines,) = receiver.batches.values()
    assert sorted(line["record_number"] for line in lines) == sorted(r.number for r in records)
    assert all(len(line["subject_identifier"]) == 18 for line in lines)  # full, for the platform
    assert batches[0].manifest["record_count"] == 3 and not receiver.rejected
    assert deliver_due() == []  # nothing left to send; nothing is sent twice
    assert audit_verify().ok


def test_a_failing_receiver_is_retried_with_backoff_until_it_recovers(
    accepted: Callable[[int], list[Record]],
) -> None:
    accepted(2)
    with (
        Receiver(signing.public_key_pem("exchange"), fail_first=2) as receiver,
        override_settings(GOVTRUST_EXCHANGE_URL=receiver.url),
    ):
        (first,) = deliver_due()
        assert first.status == "pending" and first.attempts == 1 and "503" in first.last_error
        assert deliver_due() == []  # not due yet: back-off
        later = timezone.now() + backoff(1) + datetime.timedelta(seconds=1)
        (second,) = deliver_due(now=later)
        assert second.status == "pending" and second.attempts == 2
        (third,) = deliver_due(now=later + backoff(2) + datetime.timedelta(seconds=1))
    assert third.status == "delivered" and third.attempts == 3
    assert receiver.requests == 3 and len(receiver.batches) == 1


def test_the_receiver_is_idempotent_on_the_batch_id(
    accepted: Callable[[int], list[Record]],
) -> None:
    """A delivery whose answer was lost is sent again; the receiver answers 409 and we count it
    as delivered, with the records stored once."""
    accepted(1)
    with (
        Receiver(signing.public_key_pem("exchange")) as receiver,
        override_settings(GOVTRUST_EXCHANGE_URL=receiver.url),
    ):
        (batch,) = deliver_due()
        ExchangeBatch.objects.filter(pk=batch.pk).update(
            status="pending", next_attempt_at=timezone.now()
        )
        (again,) = deliver_due()
    assert again.status == "delivered" and len(receiver.batches) == 1 and receiver.requests == 2


def test_a_tampered_payload_is_not_sent(accepted: Callable[[int], list[Record]]) -> None:
    accepted(1)
    batch = batch_build()
    assert batch is not None
    payload_path(batch).write_text('{"record_number": "forged"}\n')
    with pytest.raises(DomainError, match="与签名不符"):
        batch_deliver(batch=batch)


def test_a_forged_signature_fails_verification(accepted: Callable[[int], list[Record]]) -> None:
    accepted(1)
    batch = batch_build()
    assert batch is not None
    manifest = dict(batch.manifest, record_count=99)
    assert signing.verify(batch.manifest, signing.public_key_pem("exchange"))
    assert not signing.verify(manifest, signing.public_key_pem("exchange"))


def test_folder_delivery_writes_payload_and_manifest(
    accepted: Callable[[int], list[Record]], tmp_path: Path
) -> None:
    accepted(2)
    (batch,) = deliver_due()
    sent = tmp_path / "exchange" / "sent"
    payload = (sent / f"{batch.pk}.jsonl").read_bytes()
    manifest = json.loads((sent / f"{batch.pk}.manifest.json").read_text())
    assert hashlib.sha256(payload).hexdigest() == manifest["payload_sha256"]
    assert signing.verify(manifest, signing.public_key_pem("exchange"))
    assert not list(sent.glob(".*.tmp"))


def test_feedback_is_recorded_on_each_record(
    accepted: Callable[[int], list[Record]], tmp_path: Path
) -> None:
    records = accepted(3)
    (batch,) = deliver_due()
    lines = [
        json.dumps(
            {"batch_id": str(batch.pk), "record_number": records[0].number, "status": "accepted"}
        ),
        json.dumps(
            {
                "batch_id": str(batch.pk),
                "record_number": records[1].number,
                "status": "rejected",
                "reason": "主体代码与登记信息不一致",
            }
        ),
        json.dumps(
            {"batch_id": str(batch.pk), "record_number": "620102-2099-99999", "status": "accepted"}
        ),
        "not json",
        json.dumps(
            {"batch_id": str(batch.pk), "record_number": records[2].number, "status": "rejected"}
        ),
    ]
    report = feedback_apply(lines=lines, source="feedback.jsonl")
    assert report.applied == 2 and len(report.errors) == 3
    items = {i.record_id: i for i in ExchangeItem.objects.all()}
    assert items[records[0].pk].status == "accepted"
    assert items[records[1].pk].status == "rejected"
    assert items[records[1].pk].reason == "主体代码与登记信息不一致"
    assert items[records[2].pk].status == "sent"
    inbox = tmp_path / "exchange" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "fb.jsonl").write_text(
        json.dumps(
            {"batch_id": str(batch.pk), "record_number": records[2].number, "status": "accepted"}
        )
        + "\n"
    )
    assert inbox_process() == 1
    assert (inbox / "done" / "fb.jsonl").exists()
    assert ExchangeItem.objects.get(record=records[2]).status == "accepted"


def test_cli_exchange(
    accepted: Callable[[int], list[Record]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["exchange", "pubkey"]) == 0
    assert capsys.readouterr().out.startswith("-----BEGIN PUBLIC KEY-----")
    assert main(["exchange", "send"]) == 0 and "没有需要报送" in capsys.readouterr().out
    records = accepted(1)
    assert main(["exchange", "send"]) == 0 and "已送达" in capsys.readouterr().out
    batch = ExchangeBatch.objects.get()
    feedback = tmp_path / "fb.jsonl"
    feedback.write_text(
        json.dumps(
            {"batch_id": str(batch.pk), "record_number": records[0].number, "status": "accepted"}
        )
    )
    assert main(["exchange", "feedback", str(feedback)]) == 0
    assert "已处理反馈 1 条" in capsys.readouterr().out


def test_a_batch_another_worker_delivered_is_not_sent_or_counted_again(
    accepted: Callable[[int], list[Record]], tmp_path: Path
) -> None:
    """GIVEN two workers that read the same pending batch, and the first has delivered it
    WHEN the second delivers what it read
    THEN Conflict before anything is sent: one attempt, one delivery event, the file untouched."""
    accepted(1)
    batch = batch_build()
    assert batch is not None
    read_by_second = ExchangeBatch.objects.get(pk=batch.pk)
    delivered = batch_deliver(batch=batch)
    sent = tmp_path / "exchange" / "sent" / f"{batch.pk}.jsonl"
    written_at = sent.stat().st_mtime_ns
    with pytest.raises(Conflict):
        batch_deliver(batch=read_by_second)
    again = ExchangeBatch.objects.get(pk=batch.pk)
    assert (again.status, again.attempts, again.version) == ("delivered", 1, delivered.version)
    assert sent.stat().st_mtime_ns == written_at
    events = AuditEvent.objects.filter(action="exchange.deliver", object_id=str(batch.pk))
    assert events.count() == 1


def test_the_batch_lifecycle_is_the_workers_alone() -> None:
    """GIVEN the declared table WHEN read THEN every step leaves `pending` and only the worker
    takes it."""
    assert {t.target for t in TRANSITIONS.values()} == {"delivered", "pending", "failed"}
    assert all(t.sources == {"pending"} and t.roles == {SYSTEM} for t in TRANSITIONS.values())
