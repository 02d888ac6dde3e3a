"""The assessment pages as each role sees them: the results table with the run button for the
provincial credit office, a unit's explanation within reach, 404 outside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.assessment.models import Run
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User

pytestmark = pytest.mark.django_db


def test_run_from_the_page_then_read_the_results_and_explanations(
    make_user: Callable[..., User], client: Client
) -> None:
    province = make_user("office_gs", "credit_office", "62")
    client.force_login(province)
    page = client.get("/backoffice/assessment/?year=2026").content.decode()
    assert (
        "2026年度尚未运行考评" in page and 'id="assessment-run"' in page and "data-confirm" in page
    )
    posted = client.post("/backoffice/assessment/run", {"year": "2026"})
    assert posted.status_code == 302
    run = Run.objects.get(year=2026)
    page = client.get("/backoffice/assessment/?year=2026&level=prefecture").content.decode()
    assert "兰州市人民政府" in page and "兰州新区" in page and f"第{run.number}次" in page
    explain = client.get("/backoffice/assessment/2026/g:6201/").content.decode()
    assert 'id="indicator-D1.1"' in explain and "同级均值" in explain
    assert "本单位为主体的已入库失信记录" in explain and "/records/?q=" in explain
    assert AuditEvent.objects.filter(action="assessment.explain_read").exists()

    lanzhou = make_user("office_lz", "credit_office", "6201")
    client.force_login(lanzhou)
    page = client.get("/backoffice/assessment/?year=2026&level=county").content.decode()
    assert 'id="assessment-run"' not in page and "城关区人民政府" in page
    assert "g:620171" not in page and "g:620201" not in page
    assert client.get("/backoffice/assessment/2026/g:6201/").status_code == 200
    assert client.get("/backoffice/assessment/2026/g:6202/").status_code == 404
    refused = client.post("/backoffice/assessment/run", {"year": "2026"})
    assert refused.status_code == 403 and Run.objects.count() == 1
