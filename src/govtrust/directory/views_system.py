"""The system administrator's landing page: the working-day calendar and a small status panel
(database, background worker, version)."""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version

from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tasks_db.models import DBTaskResult

from govtrust.directory.access import capability_required


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


@capability_required("system.manage")
def system(request: HttpRequest) -> HttpResponse:
    # The worker leaves no heartbeat; the last job it started is when it was last seen working.
    worker_seen = DBTaskResult.objects.aggregate(seen=Max("started_at"))["seen"]
    size = _database_size()
    context = {
        "engine": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
            connection.vendor, connection.vendor
        ),
        "size_mib": None if size is None else round(size / (1 << 20), 1),
        "worker_seen": worker_seen,
        "version": _version(),
    }
    return render(request, "directory/system.html", context)
