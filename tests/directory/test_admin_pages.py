"""The administrators' pages: the holiday calendar and the audit log."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from govtrust.core.models import AuditEvent, CalendarDay, CalendarYear
from govtrust.core.workdays import add_working_days
from govtrust.directory.models import User

pytestmark = pytest.mark.django_db

SCHEDULE = "2027-01-01 休 元旦\n2027-02-06 休 春节\n2027-02-07 班 春节调休"


def test_sysadmin_enters_next_years_schedule(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("sys", "sysadmin", "62"))
    response = client.post(
        "/accounts/calendar/",
        {"year": "2027", "source": "国办发明电〔2026〕X号", "schedule": SCHEDULE},
        follow=True,
    )
    assert "2027年节假日安排已保存" in response.content.decode()
    assert CalendarYear.objects.get().source == "国办发明电〔2026〕X号"
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    assert not add_working_days(datetime.date(2027, 2, 5), 1).provisional


def test_bad_schedule_shows_errors_and_saves_nothing(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("sys", "sysadmin", "62"))
    page = client.post(
        "/accounts/calendar/",
        {"year": "2027", "source": "通知", "schedule": "2027-02-30 休\n明天 放假"},
    ).content.decode()
    assert "第1行日期无效" in page and "第2行格式应为" in page
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    bad_year = client.post("/accounts/calendar/", {"year": "abc", "source": "x", "schedule": ""})
    assert "年度应为" in bad_year.content.decode()


def test_auditor_browses_filters_and_verifies(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("clerk_x", "clerk", "620102", "城关区财政局")
    client.force_login(make_user("aud", "auditor", "62"))
    page = client.get("/accounts/audit/", {"action": "user."}).content.decode()
    assert "user.create" in page and "department.create" not in page
    verified = client.get("/accounts/audit/", {"verify": "1"}).content.decode()
    assert "审计链完整" in verified


def test_sysadmin_backs_up_now_from_the_system_page(
    client: Client,
    make_user: Callable[..., User],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    """GIVEN a backup folder WHEN the system administrator presses 立即备份 THEN the worker's
    backup job is queued once the request commits and the request is audited; without a
    folder the page says what to set. (The backup job itself is tested in tests/ops: run here
    inside the test's transaction, pg_dump would wait for that transaction's locks.)"""
    client.force_login(make_user("sys_backup", "sysadmin", "62"))
    refused = client.post("/accounts/system/", follow=True)
    assert "GOVTRUST_BACKUP_DIR" in refused.content.decode()
    monkeypatch.setenv("GOVTRUST_BACKUP_PASSPHRASE", "correct horse battery staple")
    with (
        override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path)),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        answer = client.post("/accounts/system/")
    assert answer.status_code == 302
    assert len(queued) == 1
    assert AuditEvent.objects.filter(action="backup.request", actor="sys_backup").exists()
