"""Attacks on inspections (专项督导): sensitive reads are audited, neighbours reach nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.directory.views_audit import ACTION_LABELS
from tests.supervision.test_inspections import office, plan, record, team, unit  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_evidence_download_is_audited_and_a_neighbour_gets_none(
    office: User,  # noqa: F811
    team: list[User],  # noqa: F811
    unit: User,  # noqa: F811
    make_user: Callable[..., User],
    client: Client,
) -> None:
    """A finding's evidence may carry personal data (PIPL art. 51, 等保 8.1.4.3): each download
    is written to the audit log, as a case's evidence is; 天水市 (a neighbour) reaches none."""
    finding = record(team[0], plan(office, team))
    attachment = finding.attachments.get()
    url = f"/backoffice/inspections/attachments/{attachment.pk}"
    client.force_login(make_user("reviewer_ts", "reviewer", "6205"))
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="finding.attachment_read").exists()
    client.force_login(unit)
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="finding.attachment_read")
    assert event.actor == unit.username and (event.after or {})["attachment"] == attachment.pk
    assert ACTION_LABELS["finding.attachment_read"] == "下载督导问题佐证材料"
