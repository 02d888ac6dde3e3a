"""Staff handling over the API, in the OpenAPI document; self-corrections."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.remedies.models import SelfCorrection
from govtrust.remedies.services.filing import Filed
from tests.remedies.conftest import pdf

pytestmark = pytest.mark.django_db


def test_openapi_lists_public_and_staff_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/public/objections",
        "/api/v1/public/repairs",
        "/api/v1/public/reports",
        "/api/v1/public/cases/follow",
        "/api/v1/cases",
        "/api/v1/cases/{number}/actions",
        "/api/v1/self-corrections",
    ):
        assert path in paths, path


def test_staff_work_a_case_through_the_api(
    objection: Callable[..., Filed], office: User, clerk: User, client: Client
) -> None:
    filed = objection()
    number = filed.case.number
    assert client.get("/api/v1/cases").status_code == 401
    client.force_login(office)
    page = client.get("/api/v1/cases").json()
    queue = page["items"]
    assert page["count"] == 1 and (page["offset"], page["limit"]) == (0, 50)
    assert [line["number"] for line in queue] == [number]
    assert queue[0]["working_days_left"] >= 1 and not queue[0]["overdue"]
    accepted = client.post(
        f"/api/v1/cases/{number}/actions",
        {"action": "accept", "version": 1},
        content_type="application/json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "verifying"
    stale = client.post(
        f"/api/v1/cases/{number}/actions",
        {"action": "accept", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["detail"]
    client.force_login(clerk)
    upheld = client.post(
        f"/api/v1/cases/{number}/actions",
        {
            "action": "uphold",
            "version": 2,
            "reason": "经核实予以更正",
            "changes": {"amount": "3.5"},
        },
        content_type="application/json",
    )
    assert upheld.status_code == 200, upheld.content
    assert upheld.json()["corrections"][0]["new"] == "3.50"
    followed = client.post(
        "/api/v1/public/cases/follow",
        {"number": number, "code": filed.query_code},
        content_type="application/json",
    ).json()
    assert followed["status_label"] == "异议成立" and len(followed["steps"]) == 3
    assert "contact" not in str(followed)
    client.force_login(office)
    today = datetime.date.today().isoformat()
    figures = client.get("/api/v1/cases-figures", {"start": today, "end": today}).json()
    assert figures == [
        {
            "division_code": "620102",
            "division_name": "城关区",
            "kind": "objection",
            "kind_label": "异议申请",
            "received": 1,
            "on_time": 1,
            "overdue": 0,
            "upheld": 1,
        }
    ]


def test_self_correction_is_recorded_with_evidence_and_exposed(
    published: Callable[..., Publication],
    clerk: User,
    client: Client,
    make_user: Callable[..., User],
) -> None:
    publication = published()
    client.force_login(clerk)
    name, handle = pdf("退赔凭证.pdf")
    handle.name = name
    created = client.post(
        "/api/v1/self-corrections",
        {
            "record_number": publication.number,
            "kind": "recovered",
            "description": "当事人已主动退赔全部损失十二万五千元。",
            "corrected_on": datetime.date.today().isoformat(),
            "files": handle,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["evidence"] == ["退赔凭证.pdf"]
    listed = client.get(f"/api/v1/records/{publication.number}/self-corrections").json()
    assert [item["kind_label"] for item in listed] == ["主动挽回损失"]
    assert AuditEvent.objects.filter(action="record.self_correction").count() == 1
    client.force_login(make_user("reviewer_tianshui", "reviewer", "6205"))
    # Another prefecture's record is not found (its existence is not disclosed).
    assert client.get(f"/api/v1/records/{publication.number}/self-corrections").status_code == 404
    refused = client.post(
        "/api/v1/self-corrections",
        {
            "record_number": publication.number,
            "kind": "recovered",
            "description": "当事人已主动退赔全部损失十二万五千元。",
            "corrected_on": datetime.date.today().isoformat(),
        },
    )
    assert refused.status_code == 404  # another prefecture's record
    assert SelfCorrection.objects.count() == 1


def test_case_queue_pages_with_a_count_and_no_silent_cap(
    objection: Callable[..., Filed], office: User, client: Client
) -> None:
    """GIVEN three objections WHEN the queue is read two at a time THEN the count says three
    and the second page holds the third; a limit above the maximum is refused, not cut."""
    numbers = {objection(address=f"203.0.113.{i}").case.number for i in range(3)}
    client.force_login(office)
    first = client.get("/api/v1/cases", {"limit": 2}).json()
    second = client.get("/api/v1/cases", {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == 3
    assert {c["number"] for c in first["items"] + second["items"]} == numbers
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert client.get("/api/v1/cases", {"limit": 100_000}).status_code == 422
