"""API authentication: bearer tokens for machine clients, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from govtrust.core.errors import DomainError, Forbidden
from govtrust.directory import policy
from govtrust.directory.models import ApiToken, User
from govtrust.directory.services import token_digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        record = (
            ApiToken.objects.select_related("user", "user__unit", "user__department")
            .filter(digest=token_digest(token), revoked=False, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if record is None:
            return None
        # One write per minute at most: last-use is for operators, not an access log.
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        return _admitted(request, record.user)


class SessionAuth(APIKeyCookie):
    """The signed-in back-office user; ninja checks CSRF for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return _admitted(request, user)
        return None


def _admitted(request: HttpRequest, user: User) -> User:
    """The authenticated user, if the policy lets them call this part of the API at all."""
    if not policy.api_admits(user, request.path):
        raise Forbidden(policy.CAPABILITIES["business.read"].refusal)
    return user


def api_user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise DomainError("未登录或令牌无效")
    return user
