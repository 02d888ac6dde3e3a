"""GET /api/v1/tools/publication-period: the public period tool, answered by the same engine the
publication service uses."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/api/v1/tools/publication-period"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 2026 measures, 一般: 3 months to 1 year; last day still public.
        (
            {"source_type": "penalty", "decision_date": "2026-05-31", "on": "2027-05-31"},
            {"public_on": True, "minimum_end": "2026-08-31", "maximum_end": "2027-05-31"},
        ),
        (
            {"source_type": "penalty", "decision_date": "2026-05-31", "on": "2027-06-01"},
            {"public_on": False, "maximum_end": "2027-05-31"},
        ),
        # A simple-procedure warning: 轻微, not published.
        (
            {
                "source_type": "penalty",
                "severity": "minor",
                "procedure": "simple",
                "penalty": "warning",
                "decision_date": "2026-05-01",
                "on": "2026-05-02",
            },
            {"public_on": False, "minimum_end": None, "maximum_end": None},
        ),
        # Before Order 58: 527号, serious 6 months to 3 years.
        (
            {
                "source_type": "penalty",
                "severity": "serious",
                "decision_date": "2022-09-01",
                "on": "2022-10-01",
            },
            {
                "minimum_end": "2023-03-01",
                "maximum_end": "2025-09-01",
                "rule": "ndrc-527@2019-07-01",
            },
        ),
        # Court list ground 1: no fixed end.
        (
            {"source_type": "debtor_list", "court_ground": "1", "decision_date": "2019-05-01"},
            {"public_on": True, "maximum_end": None, "rule": "court-debtors@2017-05-01"},
        ),
        (
            {
                "source_type": "debtor_list",
                "court_ground": "3",
                "extension_years": "2",
                "decision_date": "2026-05-01",
                "on": "2026-06-01",
            },
            {"public_on": True, "maximum_end": "2030-05-01"},
        ),
        # Discipline of a civil servant: internal.
        (
            {"source_type": "discipline", "decision_date": "2026-05-01", "on": "2026-05-02"},
            {"public_on": False, "rule": "internal-discipline@2017-01-01"},
        ),
    ],
)
def test_the_tool_answers_for_a_described_decision(
    client: Client, params: dict[str, str], expected: dict[str, object]
) -> None:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in expected} == expected
    assert body["source"]


def test_on_defaults_to_today_in_beijing(client: Client) -> None:
    """GIVEN 2027-06-01 00:30 in Beijing (still 2027-05-31 in UTC)
    WHEN asking without `on` about a record whose last day is 2027-05-31
    THEN it is no longer public."""
    moment = datetime.datetime(2027, 5, 31, 16, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        body = client.get(URL, {"source_type": "penalty", "decision_date": "2026-05-31"}).json()
    assert body["public_on"] is False


@pytest.mark.parametrize(
    "params",
    [
        {"source_type": "debtor_list", "decision_date": "2026-05-01"},
        {"source_type": "debtor_list", "decision_date": "2026-05-01", "court_ground": "9"},
        {"source_type": "nonsense", "decision_date": "2026-05-01"},
        {"source_type": "penalty", "decision_date": "2026-02-30"},
    ],
)
def test_bad_questions_get_a_chinese_400(client: Client, params: dict[str, str]) -> None:
    response = client.get(URL, params)
    assert 400 <= response.status_code < 500
    assert response.json()["errors"]


def test_the_tool_is_in_the_openapi_with_chinese_descriptions(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert "公示期限" in operation["summary"] and "民法典" in operation["description"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"source_type", "severity", "procedure", "penalty", "safety_area"} <= names
    assert {"court_ground", "extension_years", "decision_date", "on"} <= names


def test_dates_outside_the_calendar_are_a_400_not_a_500(client: Client) -> None:
    response = client.get(URL, {"source_type": "penalty", "decision_date": "9999-12-01"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "decision_date"
