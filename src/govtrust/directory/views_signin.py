"""Signing in: the password, then the TOTP code (or its set-up for a role that must have it), then
the change of a one-time or expired password. Django's `login()` runs only once every factor
has passed, so a signed-in session always means a complete sign-in.

Failed passwords are limited per account and address by django-axes, and per address by the
number of distinct accounts failing from it here (password spraying); wrong codes per account
in services_mfa.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from govtrust.core import throttle
from govtrust.core.errors import DomainError, Throttled
from govtrust.core.http import client_address
from govtrust.directory import totp
from govtrust.directory.access import refusal_lines, staff_user
from govtrust.directory.models import RecoveryCode, User
from govtrust.directory.services_accounts import (
    password_change,
    password_change_due,
    sign_in_refused,
)
from govtrust.directory.services_mfa import (
    mfa_verify,
    second_factor_due,
    totp_begin,
    totp_confirm,
)

_PENDING = "govtrust_pending_signin"
# Minutes a passed password waits for its code before the sign-in starts over.
_PENDING_SECONDS = 300
ISSUER = "政务诚信平台"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _refused(request: HttpRequest, message: str, retry_after: int) -> HttpResponse:
    response = render(request, "lockout.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def sign_in(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request)
    if request.method == "POST":
        address = client_address(request)
        window = settings.GOVTRUST_LOGIN_ADDRESS_WINDOW
        if throttle.count("login-address", address, window) >= (
            settings.GOVTRUST_LOGIN_ADDRESS_FAILURES
        ):
            sign_in_refused(username=request.POST.get("username", ""), address=address)
            return _refused(request, "此地址登录失败次数过多，请稍后再试。", window)
        form = AuthenticationForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            if not second_factor_due(user):
                auth_login(request, user)
                return redirect(_next(request))
            request.session.cycle_key()
            request.session[_PENDING] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "at": time.time(),
                "next": _next(request),
            }
            return redirect("mfa-verify" if user.totp_enabled else "mfa-setup")
    return render(
        request, "registration/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _pending(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(_PENDING) or {}
    if not pending or time.time() - float(pending.get("at", 0)) > _PENDING_SECONDS:
        return None, {}
    return User.objects.filter(pk=int(pending["user"]), is_active=True).first(), pending


def _complete(request: HttpRequest, user: User, pending: dict[str, Any]) -> None:
    request.session.pop(_PENDING, None)
    auth_login(request, user, backend=pending.get("backend") or None)


def second_factor(request: HttpRequest) -> HttpResponse:
    user, pending = _pending(request)
    if user is None:
        messages.info(request, "请重新登录。")
        return redirect("login")
    if not user.totp_enabled:
        return redirect("mfa-setup")
    error = ""
    if request.method == "POST":
        try:
            method = mfa_verify(
                user=user, code=request.POST.get("code", ""), address=client_address(request)
            )
        except Throttled as exc:
            request.session.pop(_PENDING, None)
            return _refused(request, exc.detail, exc.retry_after)
        if method is not None:
            _complete(request, user, pending)
            if method == "recovery_code":
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
                messages.warning(request, f"已使用一个恢复码，还剩{left}个。")
            return redirect(pending["next"])
        error = "动态口令或恢复码不正确。"
    return render(request, "directory/mfa_verify.html", {"error": error})


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URL: no external fetch, allowed by the CSP's img-src data:."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def second_factor_setup(request: HttpRequest) -> HttpResponse:
    pending: dict[str, Any] = {}
    if request.user.is_authenticated:
        user: User | None = staff_user(request)
    else:
        user, pending = _pending(request)
    if user is None:
        messages.info(request, "请重新登录。")
        return redirect("login")
    if user.totp_enabled:
        if pending:
            return redirect("mfa-verify")
        messages.info(request, "动态口令已启用。")
        return redirect("home")
    error = ""
    if request.method == "POST":
        try:
            codes = totp_confirm(user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            error = exc.detail
        else:
            if pending:
                _complete(request, user, pending)
            following = pending.get("next") or reverse("home")
            return render(
                request, "directory/mfa_codes.html", {"codes": codes, "following": following}
            )
    secret = totp_begin(user=user)
    uri = totp.otpauth_uri(secret, account=user.username, issuer=ISSUER)
    # In groups of four, as authenticator apps show keys typed by hand (they ignore the spaces).
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {"secret": grouped, "qr": _qr_data_uri(uri), "error": error}
    return render(request, "directory/mfa_setup.html", context)


@login_required
def password_change_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        new = request.POST.get("new", "")
        if new != request.POST.get("again", ""):
            errors = [("again", "两次输入的新密码不一致")]
        else:
            try:
                password_change(user=user, old=request.POST.get("old", ""), new=new)
            except DomainError as exc:
                errors = refusal_lines(exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, "密码已修改。")
                return redirect("home")
    expired = password_change_due(user) and not user.must_change_password
    context = {"errors": errors, "expired": expired, "days": settings.GOVTRUST_PASSWORD_MAX_DAYS}
    return render(request, "directory/password_change.html", context)
