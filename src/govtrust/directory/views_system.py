"""The system administrator's landing page: the working-day calendar and a status panel (database,
background worker heartbeat, daily jobs, last backup, disk, version) from the /healthz checks."""

from __future__ import annotations

import datetime
import os
from importlib.metadata import PackageNotFoundError, version

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govtrust.core import taskstate
from govtrust.core.backup import backup_request
from govtrust.core.errors import DomainError
from govtrust.core.health import report
from govtrust.directory.access import capability_required, staff_user


def _database_size() -> int | None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            row = cursor.fetchone()
        return int(row[0]) if row else None
    name = str(connection.settings_dict.get("NAME", ""))
    return os.path.getsize(name) if name and os.path.exists(name) else None


def _version() -> str:
    try:
        return version("govtrust")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "未知"


def _when(iso: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(iso) if iso else None


@capability_required("system.manage")
def system(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            backup_request(actor=staff_user(request).username)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "已提交备份，后台任务进程完成后此处显示最近一次备份")
        return redirect("system")
    # The heartbeat says the worker is alive; the last job it started says it is working.
    worker_seen = taskstate.last_started()
    size = _database_size()
    health = report()
    context = {
        "engine": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
            connection.vendor, connection.vendor
        ),
        "size_mib": None if size is None else round(size / (1 << 20), 1),
        "worker_seen": worker_seen,
        "version": _version(),
        "health": health,
        # The checks carry ISO times for JSON; the page shows them in local time.
        "daily_at": _when(health["checks"]["daily_job"].get("last_finished")),
        "backup_at": _when(health["checks"]["backup"].get("last")),
    }
    return render(request, "directory/system.html", context)
