"""Reads of the directory shared by the apps' pages and documents."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from govtrust.directory.models import Division, User, UserSession


def division_names(codes: Iterable[str]) -> dict[str, str]:
    """Division code -> name, in one query (figures per unit, documents' place names)."""
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def accounts_search(*, text: str = "", role: str = "") -> QuerySet[User]:
    """Accounts for the security administrator's list: by user name, real name or unit code."""
    accounts = User.objects.select_related("unit", "department").order_by("username")
    if role:
        accounts = accounts.filter(role=role)
    if text:
        accounts = accounts.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(unit__division__code__startswith=text)
        )
    return accounts


def account_lockouts(user: User) -> list[dict[str, Any]]:
    """The addresses from which the account is locked now: django-axes' failure counts per
    user name and address (its lockout parameters), within the cool-off time."""
    since = timezone.now() - datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return list(
        AccessAttempt.objects.filter(username=user.username, attempt_time__gte=since)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )


def account_sessions(user: User) -> list[UserSession]:
    """Sessions still alive: Django's session not expired and not idle past the timeout."""
    now = timezone.now()
    idle = now - datetime.timedelta(seconds=settings.GOVTRUST_IDLE_TIMEOUT + 60)
    alive = Session.objects.filter(expire_date__gt=now).values("session_key")
    return list(
        UserSession.objects.filter(user=user, last_seen_at__gte=idle, session_key__in=alive)
    )
