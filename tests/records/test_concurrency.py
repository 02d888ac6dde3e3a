"""Two reviewers pressing "accept" at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from govtrust.core.errors import Conflict
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_return, record_submit
from tests.conftest import record_payload


@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_return_happen_once(
    make_user: Callable[..., User], audit_triggers_dropped_after: None
) -> None:
    clerk = make_user("clerk_c", "clerk", "620102", "城关区财政局")
    reviewers = [make_user("rev_a", "reviewer", "6201"), make_user("rev_b", "reviewer", "62")]
    record = record_submit(
        record=record_create(data=RecordIn.model_validate(record_payload()), actor=clerk),
        actor=clerk,
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            if index == 0:
                record_accept(record=record, actor=reviewers[0])
            else:
                record_return(record=record, actor=reviewers[1], reason="同时退回")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    final = Record.objects.get(pk=record.pk)
    assert final.version == record.version + 1
    decided = AuditEvent.objects.filter(
        object_id=record.number, action__in=["record.accept", "record.return"]
    )
    assert decided.count() == 1
    assert final.events.filter(action__in=["accept", "return"]).count() == 1
