"""The security administrator's back office: accounts, their lockouts, passwords, second factor,
API tokens and sessions. Pages parse and render; every change is a service call."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from govtrust.core.errors import DomainError
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, refusal_lines, staff_user
from govtrust.directory.models import ApiToken, Role, User, UserSession
from govtrust.directory.selectors import account_lockouts, account_sessions, accounts_search
from govtrust.directory.services_accounts import (
    account_change,
    account_create,
    account_reset_password,
    account_set_active,
    account_unlock,
    session_end,
    token_revoke,
)
from govtrust.directory.services_mfa import mfa_required, mfa_reset

_FIELDS = ("username", "real_name", "role", "unit", "department")


@capability_required("accounts.manage")
def accounts(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:60]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    page = Paginator(accounts_search(text=text, role=role), 50).get_page(request.GET.get("page"))
    context = {"page": page, "q": text, "role": role, "roles": Role.choices}
    return render(request, "directory/accounts.html", context)


def _one_time(request: HttpRequest, user: User, password: str) -> HttpResponse:
    """The one-time password, in the response to the post only: it is never stored in clear."""
    return render(request, "directory/account_password.html", {"account": user, "pw": password})


@capability_required("accounts.manage")
def account_new(request: HttpRequest) -> HttpResponse:
    form = {k: request.POST.get(k, "").strip() for k in _FIELDS}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            user, password = account_create(
                actor=staff_user(request),
                username=form["username"],
                role=form["role"],
                unit_code=form["unit"],
                department_name=form["department"],
                real_name=form["real_name"],
            )
        except DomainError as exc:
            errors = refusal_lines(exc)
        else:
            return _one_time(request, user, password)
    context = {"form": form, "errors": errors, "business_roles": BUSINESS_ROLES}
    return render(request, "directory/account_new.html", context)


# The roles the security administrator assigns: administrators are set up with the command line.
BUSINESS_ROLES = [(v, label) for v, label in Role.choices if v not in policy.ADMINISTRATORS]


@capability_required("accounts.manage")
def account(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.select_related("unit", "department"), pk=pk)
    context = {
        "account": user,
        "business_roles": BUSINESS_ROLES,
        "administrator": user.role in policy.ADMINISTRATORS,
        "lockouts": account_lockouts(user),
        "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
        "sessions": account_sessions(user),
        "mfa_required": mfa_required(user),
        "myself": user.pk == staff_user(request).pk,
    }
    return render(request, "directory/account.html", context)


def _done(request: HttpRequest, call: Callable[[], object], message: str) -> None:
    """Run a service call; its success becomes `message`, its refusal an error message."""

    def run() -> bool:
        call()
        return True

    if attempt(request, run):
        messages.success(request, message)


def _post(request: HttpRequest, pk: int, call: Callable[[User, User], object], done: str) -> None:
    actor = staff_user(request)
    user = get_object_or_404(User, pk=pk)
    _done(request, lambda: call(actor, user), done)


@require_POST
@capability_required("accounts.manage")
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "reset-password":
        user = get_object_or_404(User, pk=pk)
        actor = staff_user(request)
        password = attempt(request, lambda: account_reset_password(actor=actor, user=user))
        if password is not None:
            return _one_time(request, user, password)
    elif action in ("disable", "enable"):
        active = action == "enable"
        label = "账号已启用。" if active else "账号已停用，其会话已结束。"
        _post(request, pk, lambda a, u: account_set_active(actor=a, user=u, active=active), label)
    elif action == "unlock":
        _post(request, pk, lambda a, u: account_unlock(actor=a, user=u), "账号已解锁。")
    elif action == "reset-mfa":
        _post(request, pk, lambda a, u: mfa_reset(actor=a, user=u), "动态口令已重置。")
    elif action == "change":
        role, unit = request.POST.get("role", ""), request.POST.get("unit", "")
        department = request.POST.get("department", "")

        _post(
            request,
            pk,
            lambda a, u: account_change(
                actor=a, user=u, role=role, unit_code=unit, department_name=department
            ),
            "角色和单位已保存，该用户需重新登录。",
        )
    return redirect("account", pk=pk)


@require_POST
@capability_required("accounts.manage")
def token_revoke_view(request: HttpRequest, pk: int, token: int) -> HttpResponse:
    record = get_object_or_404(ApiToken.objects.select_related("user"), pk=token, user_id=pk)
    actor = staff_user(request)
    done = f"令牌 {record.prefix}… 已吊销。"
    _done(request, lambda: token_revoke(actor=actor, token=record), done)
    return redirect("account", pk=pk)


@require_POST
@capability_required("accounts.manage")
def session_end_view(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    record = get_object_or_404(UserSession, pk=session, user_id=pk)
    actor = staff_user(request)
    _done(request, lambda: session_end(actor=actor, session=record), "会话已结束。")
    return redirect("account", pk=pk)
