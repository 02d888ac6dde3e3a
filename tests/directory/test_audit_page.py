"""The auditor's page: the audit log filtered by operator, action, object, Beijing time and
client address, paged, and exported exactly as filtered (itself an audit event)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.directory.views_audit import ACTION_LABELS

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def auditor(client: Client, make_user: Callable[..., User]) -> Client:
    client.force_login(make_user("aud", "auditor", "62"))
    return client


def _export(client: Client, **filters: str) -> list[list[str]]:
    response = client.get("/accounts/audit/export.csv", filters)
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def _event(**fields: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "actor": "clerk_cg",
        "action": "record.create",
        "object_type": "record",
        "object_id": "1",
    }
    return audit_append(**(values | fields))


def test_the_action_filter_takes_the_words_the_page_shows(auditor: Client) -> None:
    """GIVEN a login, a failed login, a logout and a record created
    WHEN the auditor types 登录 (what the page shows) or 登录失败 into 操作, or a code's start
    THEN 登录 finds the three sign-in events, 登录失败 only the failure, and record. the
    record's event, as before."""
    for action in ("auth.login", "auth.login_failed", "auth.logout", "record.create"):
        _event(action=action)

    def actions(typed: str) -> list[str]:
        return [row[3] for row in _export(auditor, action=typed)[1:]]

    # (the auditor's own sign-in is a login too)
    assert set(actions("登录")) == {"auth.login", "auth.login_failed", "auth.logout"}
    assert actions("登录失败") == ["auth.login_failed"]
    assert actions("record.") == ["record.create"]
    assert actions("没有这种操作") == []


def test_each_filter_narrows_the_page(auditor: Client) -> None:
    """Given events of different operators, actions, objects and addresses,
    when the auditor filters by each, then only the matching events are listed."""
    _event(actor="alice", object_id="41")
    _event(actor="bob", action="record.submit", object_id="42")
    _event(actor="bob", action="auth.login", object_type="user", after={"address": "10.0.0.9"})

    def actions(**filters: str) -> list[str]:
        return [row[3] for row in _export(auditor, **filters)[1:]]

    assert actions(actor="bob") == ["record.submit", "auth.login"]
    assert actions(action="record.") == ["record.create", "record.submit"]
    assert actions(object_type="record", object_id="42") == ["record.submit"]
    assert actions(address="10.0.0.9") == ["auth.login"] and actions(address="10.0.0.8") == []
    page = auditor.get("/accounts/audit/", {"actor": "bob", "object_type": "user"})
    html = page.content.decode()
    assert '<td title="auth.login">登录</td>' in html and "10.0.0.9" in html
    assert "<code>auth.login</code>" not in html and "账号" in html
    assert "record.submit" not in html and "alice" not in html


def test_time_filters_are_beijing_time(auditor: Client) -> None:
    """Given an event just written, when the auditor filters from a minute before or after it
    in Beijing time, then it is in the first list and not in the second (read as UTC, the
    eight hours would turn both answers round)."""
    _event(actor="timed")
    now = timezone.now().astimezone(BEIJING)
    before = (now - datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    after = (now + datetime.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    assert len(_export(auditor, actor="timed", since=before)) == 2
    assert len(_export(auditor, actor="timed", since=after)) == 1
    assert len(_export(auditor, actor="timed", until=before)) == 1
    assert len(_export(auditor, actor="timed", until=now.date().isoformat())) == 2
    # "until" a minute includes the events within that minute.
    assert len(_export(auditor, actor="timed", until=now.strftime("%Y-%m-%dT%H:%M"))) == 2
    for since, until in (("明天", ""), ("", "9999-12-31"), ("0001-01-01T00:00", "")):
        page = auditor.get("/accounts/audit/", {"since": since, "until": until})
        assert page.status_code == 200 and "应为2000至2100年间的时间" in page.content.decode()


def test_the_page_is_paged_and_keeps_its_filters(auditor: Client) -> None:
    """Given more events than a page holds, when the auditor pages a filtered list,
    then the next-page link keeps the filter."""
    for n in range(55):
        _event(actor="many", object_id=str(n))
    page = auditor.get("/accounts/audit/", {"actor": "many"}).content.decode()
    assert "共 55 条 · 第 1/2 页" in page and 'href="?actor=many&amp;page=2"' in page
    second = auditor.get("/accounts/audit/", {"actor": "many", "page": "2"}).content.decode()
    assert second.count("many") >= 5 and "第 2/2 页" in second


def test_export_is_what_was_filtered_in_beijing_time_and_is_audited(auditor: Client) -> None:
    """Given events of two operators, when the auditor exports one operator's events,
    then the file holds exactly those, times in Beijing time under a header naming the zone,
    and the export is an audit event naming the filter."""
    _event(actor="alice")
    _event(actor="bob")
    rows = _export(auditor, actor="alice")
    assert rows[0][:3] == ["序号", "时间（北京时间 UTC+8）", "操作人"]
    assert [row[2] for row in rows[1:]] == ["alice"]
    at = AuditEvent.objects.get(actor="alice").at.astimezone(BEIJING)
    assert rows[1][1] == at.strftime("%Y-%m-%d %H:%M:%S") and rows[1][4] == "新建失信记录"
    assert rows[1][6] == "失信记录 1"
    exported = AuditEvent.objects.get(action="audit.export")
    assert exported.actor == "aud" and exported.after is not None
    assert exported.after["filters"] == {"actor": "alice"}
    assert exported.after["through_seq"] == exported.seq - 1
    # The export of everything covers the chain up to the export event, not beyond.
    everything = _export(auditor)
    assert int(everything[-1][0]) == AuditEvent.objects.count() - 1


def test_every_action_written_has_a_chinese_label() -> None:
    """GIVEN every literal action a service writes (`action="..."` in src) THEN the auditor's
    page names it in Chinese: an auditor should not have to read internal codes."""
    source = Path(__file__).resolve().parents[2] / "src" / "govtrust"
    written = {
        action
        for path in source.rglob("*.py")
        for action in re.findall(r'action="([a-z_.]+\.[a-z_.]+)"', path.read_text("utf-8"))
    }
    assert written, "the scan found no actions"
    assert sorted(written - ACTION_LABELS.keys()) == []


def test_the_export_names_business_fields_without_their_content(auditor: Client) -> None:
    """Red-team finding: the audit CSV carried whole records (subjects, facts, decisions) to
    the auditor, who reads no business data (等保 8.1.4.2). GIVEN an event with a subject name
    and an address THEN the export shows the address and names the subject field only."""
    audit_append(
        actor="clerk",
        action="record.create",
        object_type="record",
        object_id="620102-2026-00001",
        after={"subject_name": "王伟", "facts": "机密事实", "address": "203.0.113.5"},
    )
    rows = _export(auditor, actor="clerk")
    after = rows[1][EXPORT_AFTER]
    assert "address=" in after and "203.0.113.5" in after
    assert "subject_name=（业务数据）" in after
    assert "王伟" not in after and "机密事实" not in after


EXPORT_AFTER = 10  # the 变更后 column


def test_the_excel_export_holds_the_csv_rows_as_text(auditor: Client) -> None:
    """Given events one of which carries a formula as its operator,
    when the auditor exports the filtered log as Excel, then it holds the same rows as the CSV,
    the formula a plain string cell, and the export is audited with its format."""
    import openpyxl  # type: ignore[import-untyped]  # ships no type hints

    _event(actor="=cmd|'/c calc'!A1", object_id="51")
    _event(actor="bob", object_id="52")
    page = auditor.get("/accounts/audit/", {"object_type": "record"}).content.decode()
    assert 'id="audit-export-xlsx"' in page and "format=xlsx" in page
    response = auditor.get(
        "/accounts/audit/export.csv", {"object_type": "record", "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    )
    rows = [
        [str(v) if v is not None else "" for v in row]
        for row in book.active.iter_rows(values_only=True)
    ]
    csv_rows = _export(auditor, object_type="record")
    assert [r[0] for r in rows[1:]] == [r[0] for r in csv_rows[1:]] and len(rows) == 3
    assert rows[1][2] == "=cmd|'/c calc'!A1" and book.active.cell(row=2, column=3).data_type == "s"
    export = AuditEvent.objects.filter(action="audit.export").order_by("seq").first()
    assert export is not None and export.after and export.after["format"] == "xlsx"
