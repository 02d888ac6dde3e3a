"""The back office: a clerk records and submits; the reviewer above accepts or returns."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from govtrust.directory.models import User
from govtrust.records.models import Record
from tests.conftest import new_ric, record_payload

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    return {k: str(v) for k, v in record_payload(**overrides).items()}


def _drafted_by_form(client: Client, clerk: User, **overrides: str) -> Record:
    client.force_login(clerk)
    client.post("/records/new/", _form(**overrides))
    return Record.objects.get()


def _submitted_by_form(client: Client, clerk: User, **overrides: str) -> Record:
    record = _drafted_by_form(client, clerk, **overrides)
    client.post(f"/records/{record.pk}/submit/", {"version": record.version})
    record.refresh_from_db()
    return record


def test_clerk_records_submits_and_sees_the_due_date(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    assert "录入政务失信记录" in client.get("/records/new/").content.decode()
    response = client.post("/records/new/", _form(arose_on="2025-09-26"), follow=True)
    page = response.content.decode()
    record = Record.objects.get()
    assert f"已保存草稿 {record.number}，报送期限为 2025-10-13" in page
    assert re.search(r'id="due-date">2025-10-13', page)
    response = client.post(
        f"/records/{record.pk}/submit/", {"version": record.version}, follow=True
    )
    assert "已报送" in response.content.decode()
    assert Record.objects.get().status == "submitted"


def test_form_errors_are_shown_per_field_and_nothing_is_saved(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    page = client.post(
        "/records/new/", _form(subject_identifier="110105194912310021", decision_date="")
    ).content.decode()
    assert 'data-field="subject_identifier">身份证号码校验位错误' in page
    assert 'data-field="decision_date">' in page
    assert not Record.objects.exists()


def test_reviewer_returns_with_reason_then_accepts_the_correction(
    client: Client, clerk: User, reviewer: User
) -> None:
    ric = new_ric()
    record = _submitted_by_form(client, clerk, subject_identifier=ric)
    client.force_login(reviewer)
    missing = client.post(
        f"/records/{record.pk}/return/", {"version": record.version, "reason": ""}, follow=True
    )
    assert "请填写退回原因" in missing.content.decode()
    client.post(f"/records/{record.pk}/return/", {"version": record.version, "reason": "金额有误"})
    record.refresh_from_db()
    assert record.status == "returned"

    client.force_login(clerk)
    edit = client.get(f"/records/{record.pk}/edit/").content.decode()
    assert ric not in edit  # the full number never goes back to the browser
    client.post(
        f"/records/{record.pk}/edit/",
        {**_form(subject_identifier=ric, amount="15"), "version": str(record.version)},
    )
    record.refresh_from_db()
    client.post(f"/records/{record.pk}/submit/", {"version": record.version})

    client.force_login(reviewer)
    record.refresh_from_db()
    page = client.post(
        f"/records/{record.pk}/accept/", {"version": record.version}, follow=True
    ).content.decode()
    assert "已审核通过" in page
    history = page.split('id="history"')[1]
    for step in ("创建草稿", "报送", "退回", "金额有误", "修改", "审核通过"):
        assert step in history
    assert ric not in page and f"{ric[:6]}********{ric[14:]}" in page


def test_stale_form_is_refused_with_a_message(client: Client, clerk: User, reviewer: User) -> None:
    record = _submitted_by_form(client, clerk)
    client.force_login(reviewer)
    page = client.post(
        f"/records/{record.pk}/accept/", {"version": record.version - 1}, follow=True
    ).content.decode()
    assert "刷新" in page
    assert Record.objects.get().status == "submitted"


def test_other_prefecture_gets_404(client: Client, clerk: User, sibling_reviewer: User) -> None:
    record = _submitted_by_form(client, clerk)
    client.force_login(sibling_reviewer)
    assert client.get(f"/records/{record.pk}/").status_code == 404
    assert client.post(f"/records/{record.pk}/accept/", {}).status_code == 404
    assert record.number not in client.get("/records/").content.decode()


def test_clerk_reveals_the_number_on_a_page_that_is_not_cached(
    client: Client, clerk: User, reviewer: User
) -> None:
    ric = new_ric()
    record = _drafted_by_form(client, clerk, subject_identifier=ric)
    assert "查看完整号码" in client.get(f"/records/{record.pk}/").content.decode()
    shown = client.post(f"/records/{record.pk}/identifier/")
    assert ric in shown.content.decode() and shown["Cache-Control"] == "no-store"
    assert client.get(f"/records/{record.pk}/identifier/").status_code == 405
    client.post(f"/records/{record.pk}/submit/", {"version": record.version})
    client.force_login(reviewer)
    assert "查看完整号码" not in client.get(f"/records/{record.pk}/").content.decode()
    assert client.post(f"/records/{record.pk}/identifier/").status_code == 403


def test_the_form_carries_the_period_fields_and_previews_the_period_without_inline_script(
    client: Client, clerk: User
) -> None:
    """GIVEN the clerk's record form
    WHEN it is opened and a simple-procedure warning is saved
    THEN the form has the new fields and a preview box filled by a static script calling the
    period tool (no inline script), and the record stores procedure and penalties."""
    client.force_login(clerk)
    page = client.get("/records/new/").content.decode()
    for name in ("procedure", "penalties", "court_ground", "extension_years", "minor_published"):
        assert f'name="{name}"' in page
    assert 'id="period-preview" data-url="/api/v1/tools/publication-period"' in page
    assert "period-preview.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    data = _form(severity="minor", procedure="simple")
    client.post("/records/new/", {**data, "penalties": ["warning"]})
    record = Record.objects.get()
    assert (record.procedure, record.penalties, record.severity) == ("simple", ["warning"], "minor")


def test_the_form_refuses_a_class_below_the_law(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    data = _form(severity="minor", decision_date="2026-05-06", arose_on="2026-05-06")
    page = client.post("/records/new/", {**data, "penalties": ["restrict_practice"]})
    assert "至少为“严重”" in page.content.decode()
    assert not Record.objects.exists()


def test_the_detail_page_says_whether_and_how_long_the_record_is_public(
    client: Client, clerk: User
) -> None:
    record = _drafted_by_form(client, clerk, severity="serious")
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert 'id="period"' in page and "依据" in page and "决定程序" in page
