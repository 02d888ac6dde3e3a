"""Identity and access: lockout, idle timeout, separated administrator duties, CSRF, escaping."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create, record_submit
from tests.conftest import PASSWORD, record_payload

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str = PASSWORD) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code


def test_successful_login_is_audited(client: Client, clerk: User) -> None:
    assert login(client, clerk.username) == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=clerk.username).count() == 1


def test_account_locks_after_repeated_failures_and_each_failure_is_audited(
    client: Client, clerk: User
) -> None:
    for _ in range(5):
        assert login(client, clerk.username, "wrong-password") in (200, 429)
    failures = AuditEvent.objects.filter(action="auth.login_failed", object_id=clerk.username)
    assert failures.count() == 5
    assert all(e.outcome == "failure" for e in failures)
    locked = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_idle_session_ends(client: Client, clerk: User) -> None:
    with override_settings(GOVTRUST_IDLE_TIMEOUT=60):
        login(client, clerk.username)
        assert client.get("/records/").status_code == 200
        session = client.session
        session["govtrust_last_seen"] = int(session["govtrust_last_seen"]) - 3600
        session.save()
        response = client.get("/records/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        ("auditor", "/accounts/audit/", True),
        ("auditor", "/records/", False),
        ("auditor", "/accounts/calendar/", False),
        ("sysadmin", "/accounts/calendar/", True),
        ("sysadmin", "/accounts/audit/", False),
        ("sysadmin", "/accounts/audit/export.csv", False),
        ("sysadmin", "/records/", False),
        ("secadmin", "/accounts/audit/", False),
        ("secadmin", "/records/", False),
        ("clerk", "/accounts/audit/", False),
        ("reviewer", "/records/new/", False),
    ],
)
def test_duties_are_separated(
    client: Client, make_user: Callable[..., User], role: str, path: str, allowed: bool
) -> None:
    user = make_user(f"u_{role}", role, "62")
    client.force_login(user)
    assert (client.get(path).status_code == 200) is allowed


def test_audit_export_is_csv_for_the_auditor(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("aud", "auditor", "62"))
    response = client.get("/accounts/audit/export.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeff序号,时间（北京时间 UTC+8）,操作人")
    assert "user.create" in body


def test_posts_without_csrf_token_are_refused(clerk: User) -> None:
    record = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk)
    assert strict.post(f"/records/{record.pk}/submit/").status_code == 403
    record.refresh_from_db()
    assert record.status == "draft"


def test_hostile_text_is_escaped(client: Client, clerk: User, reviewer: User) -> None:
    record = record_create(
        data=RecordIn.model_validate(
            record_payload(facts='<script>alert("x")</script>', subject_name="<b>王伟</b>")
        ),
        actor=clerk,
    )
    record_submit(record=record, actor=clerk)
    client.force_login(reviewer)
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    listing = client.get("/records/").content.decode()
    assert "<b>王伟</b>" not in listing and "&lt;b&gt;王伟&lt;/b&gt;" in listing


def test_pages_send_a_strict_content_security_policy(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    policy = client.get("/records/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
