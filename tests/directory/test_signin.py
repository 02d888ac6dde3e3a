"""Signing in: lockout per account and address, throttling per address, the TOTP second factor,
and passwords that must be changed."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from govtrust.core.errors import Forbidden, Throttled
from govtrust.core.models import AuditEvent
from govtrust.core.protect import decrypt
from govtrust.directory import totp
from govtrust.directory.models import RecoveryCode, User
from govtrust.directory.services_accounts import account_unlock
from govtrust.directory.services_mfa import mfa_verify, totp_begin, totp_confirm
from tests.conftest import PASSWORD, totp_enrol
from tests.directory.conftest import sign_in, signed_in

pytestmark = pytest.mark.django_db

ATTACKER = "192.0.2.66"
OWNER = "198.51.100.20"


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(
    client: Client, clerk: User
) -> None:
    """GIVEN a clerk's account
    WHEN an attacker at address A sends five wrong passwords for it
    THEN A is locked out (429, even with the right password), and the owner at address B signs
    in; each failure is an audit event."""
    for _ in range(5):
        sign_in(client, clerk, password="Wrong-Pass-1", address=ATTACKER)
    assert sign_in(client, clerk, address=ATTACKER) == 429
    assert not signed_in(client)
    owner = Client()
    assert sign_in(owner, clerk, address=OWNER) == 302
    assert signed_in(owner)
    failed = AuditEvent.objects.filter(action="auth.login_failed", object_id=clerk.username)
    assert failed.count() >= 5
    assert {e.after["address"] for e in failed if e.after} == {ATTACKER}


def test_spraying_one_password_over_many_accounts_from_one_address_is_throttled(
    client: Client, make_user: Callable[..., User]
) -> None:
    """GIVEN 18 accounts
    WHEN one address tries one password on each of them
    THEN after GOVTRUST_LOGIN_ADDRESS_FAILURES failures that address gets 429 with Retry-After
    (audited as refused), while another address still signs in."""
    users = [make_user(f"clerk_{n:02d}", "clerk", "620102") for n in range(18)]
    statuses = [sign_in(client, u, password="Spring-2026!", address=ATTACKER) for u in users]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    refused = client.post(
        "/accounts/login/",
        {"username": users[0].username, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert AuditEvent.objects.filter(action="auth.login_refused").count() == 9
    assert sign_in(Client(), users[0], address=OWNER) == 302


def test_staff_mistyping_behind_one_office_address_do_not_shut_the_office_out(
    make_user: Callable[..., User],
) -> None:
    """Red-team finding: ten failed sign-ins from an office's shared address shut every account
    there out. GIVEN three colleagues behind one address WHEN each mistypes their own password
    four times THEN a fourth colleague still signs in from that address."""
    office = "203.0.113.200"
    staff = [make_user(f"office_{n}", "clerk", "620102") for n in range(4)]
    for user in staff[:3]:
        for _ in range(4):
            assert sign_in(Client(), user, password="Typo-Pass-2026", address=office) == 200
    assert sign_in(Client(), staff[3], address=office) == 302


def test_security_administrator_unlocks_an_account(
    client: Client, clerk: User, make_user: Callable[..., User]
) -> None:
    """GIVEN a clerk locked out at one address
    WHEN the security administrator unlocks the account on its page
    THEN the clerk signs in from that address again, and the unlock is audited."""
    for _ in range(5):
        sign_in(client, clerk, password="Wrong-Pass-1", address=ATTACKER)
    assert sign_in(client, clerk, address=ATTACKER) == 429
    secadmin = make_user("sec", "secadmin", "62")
    admin = Client()
    admin.force_login(secadmin)
    page = admin.get(f"/accounts/users/{clerk.pk}/").content.decode()
    assert ATTACKER in page  # the locked address is shown
    admin.post(f"/accounts/users/{clerk.pk}/unlock/")
    assert sign_in(client, clerk, address=ATTACKER) == 302
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.actor == "sec" and (event.after or {})["lockouts_cleared"] >= 1


def test_unlock_is_for_the_security_administrator_only(
    make_user: Callable[..., User], clerk: User
) -> None:
    with pytest.raises(Forbidden):
        account_unlock(actor=make_user("sys", "sysadmin", "62"), user=clerk)


def test_credit_office_signs_in_with_password_then_code(
    client: Client, make_user: Callable[..., User]
) -> None:
    """GIVEN a credit office account with TOTP set up
    WHEN it posts the right password
    THEN it is not signed in until it also posts the current code."""
    office = make_user("office", "credit_office", "62")
    secret = totp_enrol(office)
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response["Location"] == "/accounts/mfa/"
    assert not signed_in(client)
    assert client.get("/records/").status_code == 302
    assert client.post("/accounts/mfa/", {"code": "000000"}).status_code == 200
    assert not signed_in(client)
    code = totp.code_at(secret, totp.step_at() + 1)
    done = client.post("/accounts/mfa/", {"code": code})
    assert done.status_code == 302 and signed_in(client)
    assert AuditEvent.objects.filter(action="auth.mfa", actor="office").exists()
    assert AuditEvent.objects.filter(action="auth.mfa_failed", actor="office").exists()


def test_a_role_that_must_have_totp_sets_it_up_before_anything_else(
    client: Client, make_user: Callable[..., User]
) -> None:
    """GIVEN an auditor without a second factor
    WHEN the auditor signs in with the password
    THEN the set-up page (inline SVG QR code, no external image) comes first, nothing else is
    reachable, and a code from the app turns TOTP on, shows ten recovery codes and signs in."""
    auditor = make_user("aud", "auditor", "62")
    response = client.post("/accounts/login/", {"username": "aud", "password": PASSWORD})
    assert response["Location"] == "/accounts/mfa/setup/"
    assert client.get("/accounts/audit/").status_code == 302  # not signed in yet
    page = client.get("/accounts/mfa/setup/").content.decode()
    assert 'src="data:image/svg+xml' in page and "http" not in page.split("<img", 1)[1][:40]
    auditor.refresh_from_db()
    cipher = bytes(auditor.totp_cipher or b"")
    secret = decrypt(cipher)
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert secret.encode() not in cipher
    wrong = client.post("/accounts/mfa/setup/", {"code": "123456"}).content.decode()
    assert "动态口令不正确" in wrong and not signed_in(client)
    shown = client.post(
        "/accounts/mfa/setup/", {"code": totp.code_at(secret, totp.step_at())}
    ).content.decode()
    assert shown.count("<li><code>") == 10 and signed_in(client)
    assert RecoveryCode.objects.filter(user=auditor).count() == 10
    assert client.get("/accounts/audit/").status_code == 200


def test_a_clerk_signs_in_without_totp_unless_they_set_it_up(client: Client, clerk: User) -> None:
    assert sign_in(client, clerk) == 302 and signed_in(client)
    client.logout()
    secret = totp_enrol(clerk)
    sign_in(client, clerk)
    assert not signed_in(client)  # optional, but once on it is asked for
    assert sign_in(client, clerk, secret=secret) == 302 and signed_in(client)


def test_code_of_the_previous_window_is_accepted_and_a_used_code_is_refused(
    make_user: Callable[..., User],
) -> None:
    """GIVEN a secadmin who set up TOTP two minutes ago
    WHEN the code of the previous 30-second window is given, then the same code again
    THEN the first is accepted and the replay is refused."""
    user = make_user("sec", "secadmin", "62")
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=2), tick=False):
        secret = totp_enrol(user)
    previous = totp.code_at(secret, totp.step_at() - 1)
    assert mfa_verify(user=user, code=previous, address="a") == "totp"
    user.refresh_from_db()
    assert mfa_verify(user=user, code=previous, address="a") is None
    too_old = totp.code_at(secret, totp.step_at() - 2)
    assert totp.matching_step(secret, too_old) is None


def test_wrong_codes_are_throttled_per_account(
    client: Client, make_user: Callable[..., User]
) -> None:
    """GIVEN a credit office account with TOTP
    WHEN five wrong codes are sent (from any addresses)
    THEN even the right code is refused for the window, and over HTTP the answer is 429."""
    office = make_user("office", "credit_office", "62")
    secret = totp_enrol(office)
    for n in range(5):
        assert mfa_verify(user=office, code=f"{n:06d}", address=f"192.0.2.{n}") is None
    with pytest.raises(Throttled):
        mfa_verify(user=office, code=totp.code_at(secret, totp.step_at() + 1), address="b")
    client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    refused = client.post("/accounts/mfa/", {"code": totp.code_at(secret, totp.step_at() + 1)})
    assert refused.status_code == 429 and not signed_in(client)


def test_a_recovery_code_signs_in_once(client: Client, make_user: Callable[..., User]) -> None:
    office = make_user("office", "credit_office", "62")
    secret = totp_begin(user=office)
    codes = totp_confirm(user=office, code=totp.code_at(secret, totp.step_at()))
    office.refresh_from_db()
    assert mfa_verify(user=office, code=codes[3].lower(), address="a") == "recovery_code"
    assert mfa_verify(user=office, code=codes[3], address="a") is None
    assert RecoveryCode.objects.filter(user=office, used_at__isnull=True).count() == 9


def test_a_one_time_password_must_be_changed_before_anything_else(
    client: Client, clerk: User
) -> None:
    """GIVEN a clerk whose password was reset to a one-time password
    WHEN the clerk signs in
    THEN every page leads to the change-password page until a new password is set."""
    User.objects.filter(pk=clerk.pk).update(must_change_password=True)
    assert sign_in(client, clerk) == 302
    assert client.get("/records/")["Location"] == "/accounts/password/"
    assert client.get("/api/v1/records").status_code == 403
    same = client.post("/accounts/password/", {"old": PASSWORD, "new": PASSWORD, "again": PASSWORD})
    assert "新密码不能与原密码相同" in same.content.decode()
    weak = client.post("/accounts/password/", {"old": PASSWORD, "new": "abc", "again": "abc"})
    assert "密码不符合要求" in weak.content.decode()
    new = "Fresh-Pass-2027"
    done = client.post("/accounts/password/", {"old": PASSWORD, "new": new, "again": new})
    assert done.status_code == 302
    assert client.get("/records/").status_code == 200  # still signed in, gate open
    clerk.refresh_from_db()
    assert clerk.check_password(new) and not clerk.must_change_password
    assert AuditEvent.objects.filter(action="user.change_password").exists()


def test_password_expiry_is_off_by_default_and_forces_a_change_when_on(
    client: Client, clerk: User
) -> None:
    old = timezone.now() - datetime.timedelta(days=400)
    User.objects.filter(pk=clerk.pk).update(password_changed_at=old)
    sign_in(client, clerk)
    assert client.get("/records/").status_code == 200
    with override_settings(GOVTRUST_PASSWORD_MAX_DAYS=90):
        assert client.get("/records/")["Location"] == "/accounts/password/"
        assert "超过90天未修改" in client.get("/accounts/password/").content.decode()
        User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now())
        assert client.get("/records/").status_code == 200


def test_demo_admins_and_credit_office_sign_in_with_what_the_demo_prints(
    directory: None,
) -> None:
    """GIVEN `govtrust demo`'s logins
    WHEN the credit office signs in with its password and a printed recovery code, and the
    security administrator with a code from its printed secret
    THEN both are signed in; accounts without a required second factor print none."""
    from govtrust.demo import demo_load

    logins = {login.username: login for login in demo_load(records=40)}
    office, secadmin = logins["creditoffice"], logins["secadmin"]
    assert len(office.recovery_codes) == 3 and not logins["clerk"].totp_secret
    browser = Client()
    browser.post("/accounts/login/", {"username": office.username, "password": office.password})
    browser.post("/accounts/mfa/", {"code": office.recovery_codes[0]})
    assert signed_in(browser)
    browser = Client()
    browser.post("/accounts/login/", {"username": secadmin.username, "password": secadmin.password})
    browser.post("/accounts/mfa/", {"code": totp.code_at(secadmin.totp_secret, totp.step_at())})
    assert signed_in(browser)
    assert browser.get("/backoffice/")["Location"] == "/accounts/users/"
