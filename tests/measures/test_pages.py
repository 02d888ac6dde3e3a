"""The measures page of a record: hand in a report, verify it, record a self-correction."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.directory.models import User
from govtrust.measures.models import Measure
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db
REPORT = "已全额支付拖欠款项，建立合同付款台账，由分管领导每月核查，并对相关责任人进行了约谈。"


def accepted(clerk: User, reviewer: User, **overrides: str) -> Record:
    data = RecordIn.model_validate(record_payload(**overrides))
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    return record_accept(record=record, actor=reviewer)


def test_unit_hands_in_and_office_verifies_through_the_page(
    clerk: User,
    reviewer: User,
    make_user: Callable[..., User],
    sibling_reviewer: User,
) -> None:
    record = accepted(
        clerk,
        reviewer,
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=new_uscc(),
    )
    explanation = Measure.objects.get(record=record, kind="explanation")
    url = f"/backoffice/measures/{record.number}/"
    client = Client()
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "书面说明失信原因" in page and f'id="report-{explanation.pk}"' in page
    assert 'id="correction-form"' not in page  # a department's record: no self-correction
    done = client.post(f"{url}{explanation.pk}/report/", {"report": REPORT, "version": "1"})
    assert done.status_code == 302
    office = make_user("office_lz", "credit_office", "6201")
    client.force_login(office)
    page = client.get(url).content.decode()
    assert f'id="verify-{explanation.pk}"' in page and REPORT in page
    client.post(f"{url}{explanation.pk}/verify/", {"accept": "1", "version": "2"})
    assert Measure.objects.get(pk=explanation.pk).status == "done"
    client.force_login(sibling_reviewer)
    assert client.get(url).status_code == 404


def test_self_correction_from_the_page_lifts_a_minor_restriction(
    clerk: User, reviewer: User
) -> None:
    record = accepted(clerk, reviewer, severity="minor")
    client = Client()
    client.force_login(clerk)
    url = f"/backoffice/measures/{record.number}/"
    assert 'id="correction-form"' in client.get(url).content.decode()
    client.post(
        f"{url}self-correction/",
        {
            "kind": "stopped",
            "corrected_on": timezone.localdate().isoformat(),
            "description": "在损害发生前主动叫停了违规付款，未造成损失。",
        },
    )
    assert Measure.objects.get(record=record, kind="awards").status == "lifted"
    assert "已免除" in client.get(url).content.decode()
