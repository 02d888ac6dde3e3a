"""The security administrator's account management, each administrator's landing page, and API
token expiry."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from govtrust.core.models import AuditEvent
from govtrust.directory.models import ApiToken, RecoveryCode, User, UserSession
from govtrust.directory.services import token_create
from tests.conftest import PASSWORD, totp_enrol
from tests.directory.conftest import sign_in, signed_in

pytestmark = pytest.mark.django_db

ONE_TIME = re.compile(r"data-one-time-password>([^<]+)<")


@pytest.fixture
def secadmin(make_user: Callable[..., User]) -> User:
    return make_user("sec", "secadmin", "62")


@pytest.fixture
def admin(client: Client, secadmin: User) -> Client:
    client.force_login(secadmin)
    return client


def one_time_password(page: str) -> str:
    found = ONE_TIME.search(page)
    assert found, "no one-time password on the page"
    return found.group(1)


def test_secadmin_creates_an_account_whose_one_time_password_must_be_changed(
    admin: Client, make_department: Callable[..., object]
) -> None:
    """GIVEN the security administrator
    WHEN they create a clerk of 城关区财政局 (unit by division code)
    THEN the one-time password is shown once, the clerk signs in with it and lands on the
    change-password page, and the creation is audited with the secadmin as actor."""
    make_department("620102", "城关区财政局")
    page = admin.post(
        "/accounts/users/new/",
        {
            "username": "clerk_new",
            "real_name": "张敏",
            "role": "clerk",
            "unit": "620102",
            "department": "城关区财政局",
        },
    ).content.decode()
    password = one_time_password(page)
    user = User.objects.get(username="clerk_new")
    assert user.must_change_password and user.department is not None
    assert AuditEvent.objects.get(action="user.create", actor="sec").after == {
        "username": "clerk_new",
        "role": "clerk",
        "unit": "620102",
        "department": "城关区财政局",
    }
    assert admin.get(f"/accounts/users/{user.pk}/").content.decode().count(password) == 0
    clerk = Client()
    assert sign_in(clerk, user, password=password) == 302
    assert clerk.get("/records/")["Location"] == "/accounts/password/"


def test_bad_account_input_is_refused_in_words(admin: Client) -> None:
    page = admin.post(
        "/accounts/users/new/", {"username": "x", "role": "boss", "unit": "9999"}
    ).content.decode()
    assert "单位不存在" in page and not User.objects.filter(username="x").exists()
    page = admin.post(
        "/accounts/users/new/", {"username": "x", "role": "boss", "unit": "62"}
    ).content.decode()
    assert "未知角色" in page
    page = admin.post(
        "/accounts/users/new/", {"username": "sec", "role": "clerk", "unit": "62"}
    ).content.decode()
    assert "用户名已存在" in page


def test_secadmin_lists_and_searches_accounts(admin: Client, clerk: User, reviewer: User) -> None:
    page = admin.get("/accounts/users/", {"q": "clerk"}).content.decode()
    assert "clerk_cg" in page and "reviewer_lz" not in page
    page = admin.get("/accounts/users/", {"role": "reviewer"}).content.decode()
    assert "reviewer_lz" in page and "clerk_cg" not in page


def test_disabling_ends_the_sessions_and_stops_sign_in(admin: Client, clerk: User) -> None:
    """GIVEN a clerk signed in
    WHEN the security administrator disables the account
    THEN the clerk's session ends and the password no longer signs in; enabling restores it."""
    browser = Client()
    sign_in(browser, clerk)
    assert browser.get("/records/").status_code == 200
    admin.post(f"/accounts/users/{clerk.pk}/disable/")
    assert browser.get("/records/").status_code == 302
    assert sign_in(Client(), clerk) == 200
    admin.post(f"/accounts/users/{clerk.pk}/enable/")
    assert sign_in(Client(), clerk) == 302
    mine = AuditEvent.objects.filter(actor="sec", action__startswith="user.")
    actions = list(mine.order_by("seq").values_list("action", flat=True))
    assert actions == ["user.disable", "user.enable"]


def test_no_administrator_disables_or_changes_themselves(admin: Client, secadmin: User) -> None:
    response = admin.post(f"/accounts/users/{secadmin.pk}/disable/", follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    admin.post(f"/accounts/users/{secadmin.pk}/change/", {"role": "auditor", "unit": "62"})
    admin.post(f"/accounts/users/{secadmin.pk}/reset-mfa/")
    secadmin.refresh_from_db()
    assert secadmin.is_active and secadmin.role == "secadmin"
    assert not AuditEvent.objects.filter(actor="sec").exclude(action="auth.login").exists()


def test_reset_password_gives_a_one_time_password_and_ends_sessions(
    admin: Client, clerk: User
) -> None:
    browser = Client()
    sign_in(browser, clerk)
    password = one_time_password(
        admin.post(f"/accounts/users/{clerk.pk}/reset-password/").content.decode()
    )
    assert browser.get("/records/").status_code == 302  # signed out
    assert sign_in(Client(), clerk) == 200  # the old password is gone
    fresh = Client()
    assert sign_in(fresh, clerk, password=password) == 302
    assert fresh.get("/records/")["Location"] == "/accounts/password/"
    assert AuditEvent.objects.filter(action="user.reset_password", actor="sec").exists()


def test_role_and_unit_change_is_audited_and_ends_sessions(admin: Client, clerk: User) -> None:
    browser = Client()
    sign_in(browser, clerk)
    admin.post(f"/accounts/users/{clerk.pk}/change/", {"role": "reviewer", "unit": "6201"})
    clerk.refresh_from_db()
    assert clerk.role == "reviewer" and clerk.unit.division_id == "6201"
    assert clerk.department is None
    event = AuditEvent.objects.get(action="user.change")
    assert event.before == {"role": "clerk", "unit": "620102", "department": "城关区财政局"}
    assert browser.get("/records/").status_code == 302


def test_secadmin_resets_a_lost_second_factor(
    admin: Client, make_user: Callable[..., User]
) -> None:
    office = make_user("office", "credit_office", "62")
    totp_enrol(office)
    admin.post(f"/accounts/users/{office.pk}/reset-mfa/")
    office.refresh_from_db()
    assert not office.totp_enabled and office.totp_cipher is None
    assert not RecoveryCode.objects.filter(user=office).exists()
    assert AuditEvent.objects.filter(action="mfa.reset", actor="sec").exists()
    browser = Client()
    response = browser.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response["Location"] == "/accounts/mfa/setup/"


def test_sessions_are_listed_and_ended(admin: Client, clerk: User) -> None:
    """GIVEN a clerk signed in from an address with a browser
    WHEN the security administrator opens the account and ends that session
    THEN the session was listed with its address and browser, and the clerk is signed out."""
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 TestBrowser")
    sign_in(browser, clerk, address="10.1.2.3")
    page = admin.get(f"/accounts/users/{clerk.pk}/").content.decode()
    assert "10.1.2.3" in page and "TestBrowser" in page
    session = UserSession.objects.get(user=clerk)
    admin.post(f"/accounts/users/{clerk.pk}/sessions/{session.pk}/end/")
    assert browser.get("/records/").status_code == 302 and not signed_in(browser)
    assert not UserSession.objects.filter(user=clerk).exists()
    assert AuditEvent.objects.filter(action="session.end", actor="sec").exists()


def test_signing_out_forgets_the_session(client: Client, clerk: User) -> None:
    sign_in(client, clerk)
    assert UserSession.objects.filter(user=clerk).count() == 1
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=clerk).exists()


def test_tokens_expire_and_are_revoked(admin: Client, clerk: User) -> None:
    """GIVEN two API tokens of a clerk, one past its expiry
    WHEN they are used, and the security administrator revokes the other
    THEN the expired one is refused at once and the revoked one after the revocation."""
    with override_settings(GOVTRUST_TOKEN_DAYS=90):
        live = token_create(user=clerk)
        stale = token_create(user=clerk)
    record = ApiToken.objects.get(prefix=live[:8])
    assert record.expires_at is not None
    assert record.expires_at - timezone.now() > datetime.timedelta(days=89)
    ApiToken.objects.filter(prefix=stale[:8]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    api = Client()
    assert api.get("/api/v1/records", HTTP_AUTHORIZATION=f"Bearer {stale}").status_code == 401
    assert api.get("/api/v1/records", HTTP_AUTHORIZATION=f"Bearer {live}").status_code == 200
    assert record.prefix in admin.get(f"/accounts/users/{clerk.pk}/").content.decode()
    admin.post(f"/accounts/users/{clerk.pk}/tokens/{record.pk}/revoke/")
    assert api.get("/api/v1/records", HTTP_AUTHORIZATION=f"Bearer {live}").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", actor="sec").exists()


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "clerk", "credit_office"])
def test_only_the_security_administrator_manages_accounts(
    client: Client, make_user: Callable[..., User], clerk: User, role: str
) -> None:
    client.force_login(make_user(f"u_{role}", role, "62"))
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{clerk.pk}/").status_code == 403
    assert client.post(f"/accounts/users/{clerk.pk}/disable/").status_code == 403
    clerk.refresh_from_db()
    assert clerk.is_active


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("auditor", "/accounts/audit/"),
        ("sysadmin", "/accounts/system/"),
        ("secadmin", "/accounts/users/"),
    ],
)
def test_each_role_lands_on_its_own_page(
    client: Client, make_user: Callable[..., User], role: str, landing: str
) -> None:
    """The administrators land on their duty's page; the business roles' home page is their
    work (tests/records/test_home.py)."""
    client.force_login(make_user(f"u_{role}", role, "62"))
    response = client.get("/backoffice/")
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_system_page_shows_the_calendar_link_and_status(
    client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user("sys", "sysadmin", "62"))
    page = client.get("/accounts/system/").content.decode()
    assert "/accounts/calendar/" in page and "数据库" in page and "GovTrust" in page
    assert "SQLite" in page or "PostgreSQL" in page


@pytest.mark.parametrize(
    "path",
    ["/accounts/audit/", "/accounts/audit/export.csv", "/accounts/calendar/", "/records/"],
)
def test_the_security_administrator_reads_no_audit_log_calendar_or_records(
    admin: Client, path: str
) -> None:
    assert admin.get(path).status_code == 403


def test_the_system_page_is_the_system_administrators_only(
    client: Client, make_user: Callable[..., User]
) -> None:
    for role in ("secadmin", "auditor", "credit_office"):
        client.force_login(make_user(f"u_{role}", role, "62"))
        assert client.get("/accounts/system/").status_code == 403


def test_a_password_reset_revokes_the_accounts_api_tokens(admin: Client, clerk: User) -> None:
    """Red-team finding: a token outlived the password reset that should have ended every way
    in. GIVEN a clerk's token WHEN the security administrator resets the password THEN the
    token is refused."""
    token = token_create(user=clerk)
    api = Client()
    assert api.get("/api/v1/records", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert admin.post(f"/accounts/users/{clerk.pk}/reset-password/").status_code in (200, 302)
    assert api.get("/api/v1/records", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize("role", ["secadmin", "sysadmin", "auditor"])
def test_the_security_administrator_neither_makes_nor_takes_over_an_administrator(
    admin: Client, make_user: Callable[..., User], clerk: User, role: str
) -> None:
    """Attacker review: 三员 are appointed at set-up with the command line. The security
    administrator cannot create a second administrator or auditor, nor reset, disable or re-role
    one, nor give a business account an administrator's role."""
    other = make_user(f"other_{role}", role, "62")
    before = User.objects.count()
    admin.post("/accounts/users/new/", {"username": "x_admin", "role": role, "unit": "62"})
    assert User.objects.count() == before
    for action in ("reset-password", "disable", "reset-mfa"):
        admin.post(f"/accounts/users/{other.pk}/{action}/")
    admin.post(f"/accounts/users/{other.pk}/change/", {"role": "clerk", "unit": "62"})
    admin.post(f"/accounts/users/{clerk.pk}/change/", {"role": role, "unit": "62"})
    other.refresh_from_db()
    clerk.refresh_from_db()
    assert other.is_active and other.role == role and not other.must_change_password
    assert clerk.role == "clerk"
    page = admin.get(f"/accounts/users/{other.pk}/").content.decode()
    assert "只能在部署时用命令行设置" in page and "重置密码</button>" not in page
    new_form = admin.get("/accounts/users/new/").content.decode()
    assert f'value="{role}"' not in new_form and 'value="clerk"' in new_form
