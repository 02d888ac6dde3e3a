"""The records API with bearer tokens: the same paths as the back office."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govtrust.core.identifiers import compose_ric
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.directory.services import token_create
from govtrust.records.models import Record
from tests.conftest import new_ric, record_payload

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token_create(user=user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def as_user(client: Client) -> Callable[[User | None], Api]:
    return lambda user: Api(client, user)


def test_clerk_records_and_submits_reviewer_accepts(
    as_user: Callable[[User | None], Api], clerk: User, reviewer: User
) -> None:
    ric = new_ric()
    created = as_user(clerk).post("/records", record_payload(subject_identifier=ric))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["due_date"] == "2025-10-13"
    assert body["subject_identifier"] == f"{ric[:6]}********{ric[14:]}"
    assert ric not in created.content.decode()
    record_id = body["id"]

    submitted = as_user(clerk).post(f"/records/{record_id}/submit")
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["on_time"] is False

    accepted = as_user(reviewer).post(f"/records/{record_id}/accept", {"version": 2})
    assert accepted.status_code == 200, accepted.content
    history = accepted.json()["history"]
    assert [h["action"] for h in history] == ["create", "submit", "accept"]
    assert history[-1]["actor"] == reviewer.username


def test_return_requires_a_reason(
    as_user: Callable[[User | None], Api], clerk: User, reviewer: User
) -> None:
    record_id = as_user(clerk).post("/records", record_payload()).json()["id"]
    as_user(clerk).post(f"/records/{record_id}/submit")
    refused = as_user(reviewer).post(f"/records/{record_id}/return", {"reason": ""})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "reason", "message": "请填写退回原因"}]
    returned = as_user(reviewer).post(f"/records/{record_id}/return", {"reason": "金额有误"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "金额有误"
    again = as_user(reviewer).post(f"/records/{record_id}/accept")
    assert again.status_code == 409 and "已退回" in again.json()["detail"]


def test_invalid_body_gets_422_with_chinese_messages_per_field(
    as_user: Callable[[User | None], Api], clerk: User
) -> None:
    payload = record_payload(
        subject_identifier="110105194912310021",
        decision_date="2025/13/01",
        severity="very bad",
        amount="-3",
    )
    del payload["facts"]
    response = as_user(clerk).post("/records", payload)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "校验位错误" in errors["subject_identifier"]
    assert errors["decision_date"] == "日期格式应为YYYY-MM-DD"
    assert errors["severity"].startswith("取值应为")
    assert errors["amount"] == "不能小于0"
    assert errors["facts"] == "此项为必填项"
    assert not Record.objects.exists()


def test_malformed_json_is_422_not_500(as_user: Callable[[User | None], Api], clerk: User) -> None:
    api = as_user(clerk)
    response = api.client.post(
        "/api/v1/records", "{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_records_outside_scope_are_404_and_unchanged(
    as_user: Callable[[User | None], Api], clerk: User, sibling_reviewer: User
) -> None:
    record_id = as_user(clerk).post("/records", record_payload()).json()["id"]
    as_user(clerk).post(f"/records/{record_id}/submit")
    outsider = as_user(sibling_reviewer)
    assert outsider.get(f"/records/{record_id}").status_code == 404
    assert outsider.post(f"/records/{record_id}/accept").status_code == 404
    assert outsider.get("/records").json()["count"] == 0
    assert Record.objects.get(pk=record_id).status == "submitted"


def test_without_a_token_the_api_answers_401(as_user: Callable[[User | None], Api]) -> None:
    assert as_user(None).get("/records").status_code == 401
    bad = Api(as_user(None).client, None)
    bad.headers = {"Authorization": "Bearer gt_not-a-token"}
    assert bad.get("/me").status_code == 401


def test_me(as_user: Callable[[User | None], Api], clerk: User) -> None:
    me = as_user(clerk).get("/me").json()
    assert me == {
        "username": clerk.username,
        "name": "",
        "role": "clerk",
        "role_label": "填报员",
        "unit_code": "620102",
        "unit": "城关区人民政府",
        "department": "城关区财政局",
    }


def test_list_filters_and_pages(as_user: Callable[[User | None], Api], clerk: User) -> None:
    api = as_user(clerk)
    ids = [api.post("/records", record_payload()).json()["id"] for _ in range(3)]
    api.post(f"/records/{ids[0]}/submit")
    assert api.get("/records", status="submitted").json()["count"] == 1
    page = api.get("/records", limit=2, offset=0).json()
    assert page["count"] == 3 and len(page["items"]) == 2


def test_identifier_tool(client: Client) -> None:
    ok = client.get("/api/v1/tools/identifier", {"kind": "uscc", "value": "91110108551385082q"})
    assert ok.json() == {
        "valid": True,
        "normalized": "91110108551385082Q",
        "message": "统一社会信用代码有效",
    }
    bad = client.get("/api/v1/tools/identifier", {"kind": "ric", "value": "110105194912310021"})
    assert bad.status_code == 200 and bad.json()["valid"] is False
    assert "校验位" in bad.json()["message"]
    unknown = client.get("/api/v1/tools/identifier", {"kind": "passport", "value": "x"})
    assert unknown.status_code == 422


def test_deadline_tool(client: Client) -> None:
    body = client.get("/api/v1/tools/deadline", {"from": "2025-09-26", "working_days": "7"}).json()
    assert body["due_date"] == "2025-10-13" and body["provisional"] is False
    later = client.get("/api/v1/tools/deadline", {"from": "2027-12-27", "working_days": "7"}).json()
    assert later["provisional"] is True and "2028" in later["message"]
    bad = client.get("/api/v1/tools/deadline", {"from": "2025-02-30", "working_days": "-1"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"from", "working_days"}


def test_openapi_and_offline_docs(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/records",
        "/api/v1/records/{record_id}/accept",
        "/api/v1/divisions",
        "/api/v1/tools/identifier",
        "/api/v1/tools/deadline",
        "/api/v1/me",
    ):
        assert path in spec["paths"], path
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    birth=st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2005, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_no_response_carries_a_full_citizen_id(
    as_user: Callable[[User | None], Api], clerk: User, birth: datetime.date, sequence: int
) -> None:
    ric = compose_ric(f"620102{birth:%Y%m%d}{sequence:03d}")
    api = as_user(clerk)
    created = api.post("/records", record_payload(subject_identifier=ric.lower()))
    responses = [created]
    if created.status_code == 201:
        record_id = created.json()["id"]
        responses += [
            api.get(f"/records/{record_id}"),
            api.get("/records"),
            api.post(f"/records/{record_id}/submit"),
        ]
    for response in responses:
        text = response.content.decode()
        assert ric not in text and ric.lower() not in text and ric[6:14] not in text


def test_own_unit_may_reveal_the_full_number_and_it_is_audited(
    as_user: Callable[[User | None], Api],
    clerk: User,
    reviewer: User,
    make_user: Callable[..., User],
) -> None:
    ric = new_ric()
    record_id = as_user(clerk).post("/records", record_payload(subject_identifier=ric)).json()["id"]
    as_user(clerk).post(f"/records/{record_id}/submit")
    shown = as_user(clerk).post(f"/records/{record_id}/reveal-identifier")
    assert shown.json() == {"subject_identifier": ric}
    number = Record.objects.get(pk=record_id).number
    assert (
        AuditEvent.objects.filter(
            action="record.reveal_identifier", object_id=number, actor=clerk.username
        ).count()
        == 1
    )
    # The reviewer above sees the record but is not its unit; a colleague unit's clerk is out
    # of scope altogether.
    assert as_user(reviewer).post(f"/records/{record_id}/reveal-identifier").status_code == 403
    same_unit_reviewer = make_user("rev_cg", "reviewer", "620102")
    assert as_user(same_unit_reviewer).post(f"/records/{record_id}/reveal-identifier").json() == {
        "subject_identifier": ric
    }
    inspector = make_user("insp", "inspector", "62")
    assert as_user(inspector).post(f"/records/{record_id}/reveal-identifier").status_code == 403
