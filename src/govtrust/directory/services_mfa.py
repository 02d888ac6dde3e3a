"""The TOTP second factor: set-up, the sign-in check, recovery codes, and reset by the security
administrator. The secret is stored SM4-GCM encrypted; recovery codes only as keyed hashes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govtrust.core import throttle
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, Throttled
from govtrust.core.protect import decrypt, encrypt, lookup_digest
from govtrust.directory import totp
from govtrust.directory.models import RecoveryCode, User
from govtrust.directory.services_accounts import (
    audit_user,
    not_self,
    require_secadmin,
    sessions_end,
)

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


def mfa_required(user: User) -> bool:
    return user.role in settings.GOVTRUST_MFA_REQUIRED_ROLES


def second_factor_due(user: User) -> bool:
    """The sign-in needs a code (or, for a required role not yet enrolled, the set-up)."""
    return mfa_required(user) or user.totp_enabled


def _recovery_digest(user: User, code: str) -> str:
    normalized = "".join(c for c in code.upper() if c.isalnum())
    return lookup_digest(f"recovery-code\n{user.pk}\n{normalized}")


def totp_secret(user: User) -> str:
    if user.totp_cipher is None:
        raise DomainError("尚未设置动态口令")
    return decrypt(bytes(user.totp_cipher))


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """A secret for the set-up page, kept (encrypted) until a code confirms it; showing the
    page again shows the same secret, so a scanned QR code stays valid."""
    if user.totp_enabled:
        raise DomainError("动态口令已启用；如需更换设备，请联系安全管理员重置")
    if user.totp_cipher is not None:
        return totp_secret(user)
    secret = totp.new_secret()
    user.totp_cipher = encrypt(secret)
    user.save(update_fields=["totp_cipher"])
    audit_user(actor=user.username, action="mfa.begin", user=user)
    return secret


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    alphabet = _RECOVERY_ALPHABET
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=_recovery_digest(user, code)) for code in codes]
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> list[str]:
    """Turn the second factor on with a first code; returns the recovery codes (shown once)."""
    if user.totp_enabled:
        raise DomainError("动态口令已启用")
    step = totp.matching_step(totp_secret(user), code)
    if step is None:
        raise DomainError("动态口令不正确，请核对手机时间后重试", errors=[("code", "口令不正确")])
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_confirmed_at", "totp_last_step"])
    codes = _new_recovery_codes(user)
    audit_user(actor=user.username, action="mfa.enable", user=user, recovery_codes=len(codes))
    return codes


def _use_totp(user: User, code: str) -> bool:
    step = totp.matching_step(totp_secret(user), code, after=user.totp_last_step)
    if step is None:
        return False
    # Conditioned on the step read: of two sign-ins racing with one code, one wins.
    won = User.objects.filter(pk=user.pk, totp_last_step=user.totp_last_step).update(
        totp_last_step=step
    )
    user.totp_last_step = step
    return won == 1


def _use_recovery(user: User, code: str) -> bool:
    return (
        RecoveryCode.objects.filter(
            user=user, digest=_recovery_digest(user, code), used_at__isnull=True
        ).update(used_at=timezone.now())
        == 1
    )


@transaction.atomic
def mfa_verify(*, user: User, code: str, address: str) -> str | None:
    """Check the sign-in's second factor: a TOTP code not used before, or an unused recovery
    code. Returns the method used, or None (audited as a failure). Refused with 429 after
    GOVTRUST_MFA_FAILURES wrong codes in the window, whichever address they came from."""
    window = settings.GOVTRUST_MFA_WINDOW
    if throttle.count("mfa-user", str(user.pk), window) >= settings.GOVTRUST_MFA_FAILURES:
        raise Throttled("动态口令错误次数过多，请15分钟后再试", retry_after=window)
    method = None
    if user.totp_enabled and _use_totp(user, code):
        method = "totp"
    elif user.totp_enabled and _use_recovery(user, code):
        method = "recovery_code"
    if method is None:
        throttle.hit("mfa-user", str(user.pk), window)
    audit_append(
        actor=user.username,
        action="auth.mfa" if method else "auth.mfa_failed",
        object_type="user",
        object_id=user.pk,
        outcome="success" if method else "failure",
        after={"address": address, "method": method},
    )
    return method


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> None:
    """The security administrator turns a user's second factor off (a lost phone); the user
    sets it up again at the next sign-in, and their sessions end."""
    not_self(actor, user, "重置")
    require_secadmin(actor, user.role)
    user.totp_cipher = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_cipher", "totp_confirmed_at", "totp_last_step"])
    RecoveryCode.objects.filter(user=user).delete()
    ended = sessions_end(user=user)
    audit_user(actor=actor.username, action="mfa.reset", user=user, sessions_ended=ended)
