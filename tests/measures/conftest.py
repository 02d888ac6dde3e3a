"""Accepted records, published ones and a credit office (shared with the remedies, screening and
documents tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import record_payload
from tests.remedies.conftest import fresh_counters, objection, office, published

__all__ = ["fresh_counters", "objection", "office", "published"]


@pytest.fixture
def accept(clerk: User, reviewer: User) -> Callable[..., Record]:
    """A record of the clerk's unit, submitted and accepted (its measures issued)."""

    def make(**overrides: Any) -> Record:
        data = RecordIn.model_validate(record_payload(**overrides))
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        return record_accept(record=record, actor=reviewer)

    return make
