"""Account management by the security administrator (三员分立), the user's own password change,
and the record of signed-in sessions.

Only the security administrator manages accounts; no administrator changes their own role or
unit or disables themselves. Every change is an audit event written in the same transaction.
"""

from __future__ import annotations

import datetime
import secrets
import string
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, Forbidden
from govtrust.directory import policy
from govtrust.directory.models import ApiToken, Department, Government, Role, User, UserSession
from govtrust.directory.services import user_create

_ALPHABET = string.ascii_letters + string.digits


def one_time_password() -> str:
    """A random password that passes the validators (three character classes, length 16)."""
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(14))
        candidate = f"{body[:7]}-{body[7:]}"
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return candidate


def require_secadmin(actor: User, *roles: str) -> None:
    """The security administrator, acting on an account of these roles (business roles only)."""
    policy.require_account_management(actor, *roles)


def not_self(actor: User, user: User, what: str) -> None:
    if actor.pk == user.pk:
        raise Forbidden(f"不能{what}自己的账号")


def _unit(code: str, department_name: str) -> tuple[Government, Department | None]:
    unit = Government.objects.filter(division_id=code.strip()).first()
    if unit is None:
        raise DomainError("单位不存在", errors=[("unit", "请填写所属政府的行政区划代码")])
    department = None
    if department_name.strip():
        department = Department.objects.filter(
            government=unit, name=department_name.strip()
        ).first()
        if department is None:
            raise DomainError("该单位下没有这个部门", errors=[("department", "部门不存在")])
    return unit, department


def audit_user(*, actor: str, action: str, user: User, **after: object) -> None:
    """An audit event about an account, naming it (the caller holds the transaction)."""
    audit_append(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.pk,
        after={"username": user.username, **after},
    )


def sessions_end(*, user: User) -> int:
    """End every signed-in session of `user` and revoke its API tokens: a disabled account, a
    reset password or second factor and a changed role must not live on in a machine client
    (callers audit the change that needs it). Returns the number of sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    return len(keys)


@transaction.atomic
def account_create(
    *,
    actor: User,
    username: str,
    role: str,
    unit_code: str,
    department_name: str = "",
    real_name: str = "",
) -> tuple[User, str]:
    """A new account with a one-time password, which is returned to be handed over once."""
    require_secadmin(actor, role)
    username = username.strip()
    if not username or len(username) > 150:
        raise DomainError("用户名不能为空", errors=[("username", "请填写用户名")])
    unit, department = _unit(unit_code, department_name)
    password = one_time_password()
    user = user_create(
        username=username,
        role=role,
        unit=unit,
        department=department,
        password=password,
        real_name=real_name.strip()[:150],
        actor_name=actor.username,
        must_change_password=True,
    )
    return user, password


@transaction.atomic
def account_set_active(*, actor: User, user: User, active: bool) -> None:
    not_self(actor, user, "停用")
    require_secadmin(actor, user.role)
    if user.is_active == active:
        return
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    ended = 0 if active else sessions_end(user=user)
    action = "user.enable" if active else "user.disable"
    audit_user(actor=actor.username, action=action, user=user, sessions_ended=ended)


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> int:
    """Clear the sign-in lockouts of `user` from every address."""
    require_secadmin(actor)
    cleared = int(axes_reset(username=user.username))
    audit_user(actor=actor.username, action="user.unlock", user=user, lockouts_cleared=cleared)
    return cleared


@transaction.atomic
def account_reset_password(*, actor: User, user: User) -> str:
    """A one-time password for `user`, changed at their next sign-in; their sessions end."""
    not_self(actor, user, "重置")
    require_secadmin(actor, user.role)
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    ended = sessions_end(user=user)
    axes_reset(username=user.username)
    audit_user(actor=actor.username, action="user.reset_password", user=user, sessions_ended=ended)
    return password


@transaction.atomic
def account_change(
    *, actor: User, user: User, role: str, unit_code: str, department_name: str = ""
) -> None:
    """Change role and unit; the user's sessions end, so the new duties apply at once."""
    not_self(actor, user, "修改")
    require_secadmin(actor, user.role, role)
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}", errors=[("role", "请选择角色")])
    unit, department = _unit(unit_code, department_name)
    before = {
        "role": user.role,
        "unit": user.unit.division_id,
        "department": user.department.name if user.department else None,
    }
    after = {
        "role": role,
        "unit": unit.division_id,
        "department": department.name if department else None,
    }
    if before == after:
        return
    user.role, user.unit, user.department = role, unit, department
    user.save(update_fields=["role", "unit", "department"])
    sessions_end(user=user)
    audit_append(
        actor=actor.username,
        action="user.change",
        object_type="user",
        object_id=user.pk,
        before=before,
        after=after,
    )


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    require_secadmin(actor)
    if token.revoked:
        return
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
    audit_append(
        actor=actor.username,
        action="token.revoke",
        object_type="api_token",
        object_id=token.pk,
        after={"user": token.user.username, "prefix": token.prefix},
    )


@transaction.atomic
def session_end(*, actor: User, session: UserSession) -> None:
    require_secadmin(actor)
    import_module(settings.SESSION_ENGINE).SessionStore().delete(session.session_key)
    UserSession.objects.filter(pk=session.pk).delete()
    audit_append(
        actor=actor.username,
        action="session.end",
        object_type="user",
        object_id=session.user_id,
        after={"address": session.address, "started_at": session.started_at.isoformat()},
    )


def password_change_due(user: User) -> bool:
    """The user must change the password before anything else: a one-time password, or one
    older than GOVTRUST_PASSWORD_MAX_DAYS when that policy is on."""
    if user.must_change_password:
        return True
    days = settings.GOVTRUST_PASSWORD_MAX_DAYS
    if not days:
        return False
    changed = user.password_changed_at
    return changed is None or timezone.now() - changed > datetime.timedelta(days=days)


@transaction.atomic
def password_change(*, user: User, old: str, new: str) -> None:
    """The user's own change: the old password proves it is them; the new one passes the
    validators and differs from the old."""
    if not user.check_password(old):
        raise DomainError("原密码不正确", errors=[("old", "原密码不正确")])
    if old == new:
        raise DomainError("新密码不能与原密码相同", errors=[("new", "请设置新的密码")])
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise DomainError("密码不符合要求", errors=[("new", m) for m in exc.messages]) from exc
    user.set_password(new)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_user(actor=user.username, action="user.change_password", user=user)


def session_record(*, user: User, session_key: str, address: str, user_agent: str) -> None:
    """Remember a new signed-in session (its sign-in is audited as auth.login)."""
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "address": address[:45], "user_agent": user_agent[:200]},
    )


def session_seen(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def session_forget(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def sign_in_refused(*, username: str, address: str) -> None:
    """A sign-in refused before its password was checked (its address sent too many failures):
    audited like a failure, so the auditor sees the spraying go on."""
    audit_append(
        actor=username[:150] or "anonymous",
        action="auth.login_refused",
        object_type="user",
        object_id=username[:150],
        outcome="failure",
        after={"address": address},
    )
