"""An approved repair ends publication, sharing and measures together (信用修复管理办法), and the
filer sees all three on the tracking page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.exchange.models import ExchangeNotice
from govtrust.measures.models import Measure, MeasureStatus
from govtrust.remedies.services.handling import case_act
from govtrust.screening.engine import Candidate, screen
from tests.conftest import new_ric
from tests.remedies.test_pages import token
from tests.remedies.test_repairs_reports import YESTERDAY, apply

pytestmark = pytest.mark.django_db


def test_approved_repair_lifts_every_measure_and_screening_stops_restricting(
    published: Callable[..., Publication], office: User
) -> None:
    """Given a published record whose measures restrict its subject in screening,
    when the credit office approves its repair,
    then the publication ends, the exchange is told, every measure is lifted with reason and
    date, screening answers clear, and the filer's tracking page shows all three."""
    ric = new_ric()
    publication = published(subject_name="赵敏", subject_identifier=ric)
    record = publication.record
    Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
    today = datetime.date.today()
    measures = Measure.objects.filter(record=record)
    assert measures.filter(status=MeasureStatus.ACTIVE).count() >= 1
    candidate = Candidate(1, "赵敏", ric)
    assert screen([candidate], today=today)[0].verdict == "restricted"
    filed = apply(publication)

    case_act(number=filed.case.number, action="approve", actor=office, version=1, reason="准予")

    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    assert ExchangeNotice.objects.filter(record=record, kind="repaired").count() == 1
    assert set(measures.values_list("status", flat=True)) <= {"lifted", "done"}
    for measure in measures.filter(status=MeasureStatus.LIFTED):
        assert filed.case.number in measure.mitigation_note
        assert measure.ends_on is not None and measure.ends_on <= today
    assert screen([candidate], today=today)[0].verdict == "clear"
    lift = AuditEvent.objects.get(action="measure.lift", object_id=record.number)
    assert lift.after is not None and filed.case.number in lift.after["reason"]

    client = Client(enforce_csrf_checks=True)
    csrf = token(client, "/gs/track/")
    page = client.post(
        "/gs/track/",
        {"csrfmiddlewaretoken": csrf, "number": filed.case.number, "code": filed.query_code},
    ).content.decode()
    assert "结束公示" in page and "停止共享" in page
    assert f"已解除{measures.filter(status='lifted').count()}项惩戒措施" in page


def test_a_failing_lift_leaves_the_repair_undone(
    published: Callable[..., Publication], office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a repair application, when lifting the measures fails during approval,
    then nothing of the approval stays: the publication is still on the portal, no notice."""
    from govtrust.remedies.services import handling

    publication = published()
    Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
    filed = apply(publication)

    def broken(**_kwargs: object) -> None:
        raise RuntimeError("lift failed")

    monkeypatch.setattr(handling, "measures_lift", broken)
    with pytest.raises(RuntimeError):
        case_act(number=filed.case.number, action="approve", actor=office, version=1, reason="准予")
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED
    assert not ExchangeNotice.objects.filter(record=publication.record).exists()
    filed.case.refresh_from_db()
    assert filed.case.status == "received"
