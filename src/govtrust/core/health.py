"""/healthz: what a load balancer or monitor needs to know, and nothing personal.

Each check answers ok plus a few facts (times, sizes). The response is 200 when every check is ok
and 503 naming the failing ones otherwise. No sign-in is needed, so nothing here may name a
person, a record or an account.

Who sees what (one rule): everyone gets the overall status and the names of the failing checks,
enough for a load balancer and for alerting. The checks' details (database vendor, ages, sizes,
free disk, backup times) are shown only to a signed-in user whose role holds the
"system.manage" capability (the system administrator, directory/policy.py): they tell an
attacker which engine runs, when the last backup was and how full the disk is.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from govtrust.core import heartbeat, taskstate
from govtrust.core.backup_files import last_backup

# The scheduled job whose last success stands for "the daily jobs ran".
DAILY_TASK = "govtrust.disclosure.tasks.disclosure_daily"


def _age(when: Any) -> float | None:
    return None if when is None else round((timezone.now() - when).total_seconds(), 1)


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database is the answer itself
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_worker() -> dict[str, Any]:
    last = heartbeat.last_beat()
    return {
        "ok": not heartbeat.worker_silent(),
        "last_seen": last.isoformat() if last else None,
        "age_seconds": _age(last),
        "silent_after_seconds": heartbeat.silent_after(),
    }


def check_daily_job() -> dict[str, Any]:
    limit = int(settings.GOVTRUST_HEALTH_DAILY_MAX_AGE)
    try:
        last = taskstate.last_succeeded(DAILY_TASK)
    except Exception as exc:  # the database (or Redis) check reports the cause
        return {"ok": False, "error": type(exc).__name__}
    age = _age(last)
    return {
        "ok": age is not None and age <= limit,
        "last_finished": last.isoformat() if last else None,
        "age_seconds": age,
        "max_age_seconds": limit,
    }


def check_backup() -> dict[str, Any]:
    """Scheduled backups are off unless GOVTRUST_BACKUP_DIR is set; off is not a failure."""
    if not settings.GOVTRUST_BACKUP_DIR:
        return {"ok": True, "enabled": False, "last": None}
    limit = int(settings.GOVTRUST_HEALTH_BACKUP_MAX_AGE)
    last = last_backup()
    when = last.taken_at if last else None
    age = _age(when)
    return {
        "ok": age is not None and age <= limit,
        "enabled": True,
        "last": when.isoformat() if when else None,
        "size_bytes": last.size if last else None,
        "age_seconds": age,
        "max_age_seconds": limit,
    }


def check_disk() -> dict[str, Any]:
    minimum = int(settings.GOVTRUST_HEALTH_MIN_FREE_BYTES)
    usage = shutil.disk_usage(settings.VAR_DIR)
    return {"ok": usage.free >= minimum, "free_bytes": usage.free, "min_free_bytes": minimum}


CHECKS = {
    "database": check_database,
    "worker": check_worker,
    "daily_job": check_daily_job,
    "backup": check_backup,
    "disk": check_disk,
}


def _run(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One check; a check that cannot run (Redis down, var/ unmounted) is itself the failure,
    named by its exception class only: the text carries addresses and paths, and /healthz is
    anonymous."""
    try:
        return check()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def report() -> dict[str, Any]:
    checks = {name: _run(check) for name, check in CHECKS.items()}
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}


def shows_details(request: HttpRequest) -> bool:
    """The checks' details only for the system administrator (the module's rule)."""
    from govtrust.directory import policy

    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and policy.permits(user, "system.manage")
    )


@never_cache
@require_safe  # GET, and HEAD for probes that want only the status
def healthz(request: HttpRequest) -> JsonResponse:
    body = report()
    status = 503 if body["failing"] else 200
    if not shows_details(request):
        body = {"status": body["status"], "failing": body["failing"]}
    return JsonResponse(body, status=status)
