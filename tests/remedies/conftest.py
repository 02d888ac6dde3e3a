"""Published records to object to, offices to handle cases, and files to attach."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import publication_publish
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.remedies.models import Case
from govtrust.remedies.services.filing import Contact, Filed, objection_file, report_file
from tests.conftest import record_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fresh_counters() -> Iterator[None]:
    cache.clear()  # rate-limit windows must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def published(clerk: User, reviewer: User, office: User) -> Callable[..., Publication]:
    def make(**overrides: Any) -> Publication:
        day = str(datetime.date.today() - datetime.timedelta(days=30))
        data = RecordIn.model_validate(record_payload(decision_date=day, arose_on=day, **overrides))
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        record = record_accept(record=record, actor=reviewer)
        return publication_publish(record=record, actor=office)

    return make


def anonymous_report(department_id: int, address: str) -> Case:
    """An anonymous report about a department (no contact, no files)."""
    return report_file(
        government_id=None,
        department_id=department_id,
        anonymous=True,
        contact=None,
        content="该局拖欠中标企业工程款两年未付，多次催要无果。",
        files=[],
        address=address,
    ).case


def pdf(name: str = "证明.pdf", body: bytes = PDF) -> tuple[str, io.BytesIO]:
    return name, io.BytesIO(body)


@pytest.fixture
def objection(published: Callable[..., Publication]) -> Callable[..., Filed]:
    def make(**overrides: Any) -> Filed:
        publication = overrides.pop("publication", None) or published()
        arguments: dict[str, Any] = {
            "record_number": publication.number,
            "applicant_role": "subject",
            "contact": Contact("王伟", "13812345678"),
            "fields": ["facts"],
            "content": "公示的失信事实与处罚决定书不一致，款项已于决定前付清。",
            "files": [pdf()],
            "address": "203.0.113.7",
        }
        arguments.update(overrides)
        return objection_file(**arguments)

    return make
