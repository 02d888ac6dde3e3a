"""When the worker last started a job, and when a given job last succeeded, for either task backend.

The database backend (django-tasks-db) keeps every result in its table, which is read directly.
RQ keeps results in Redis only for a while and cannot be searched by task, so on RQ the worker
records both times in the shared cache (Redis) as the django-tasks signals fire; /healthz and the
system administrator's page read them here and nowhere else.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResult, TaskResultStatus

log = logging.getLogger("govtrust.worker")

STARTED_KEY = "govtrust:tasks:last-started"
SUCCEEDED_KEY = "govtrust:tasks:last-succeeded:{path}"


def on_redis_queue() -> bool:
    """True when tasks go through RQ (GOVTRUST_TASKS=rq); the database backend (and the test
    suite's immediate backend, whose tests write the database table) otherwise."""
    from django_tasks_rq import RQBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], RQBackend)


def _read(key: str) -> datetime.datetime | None:
    value = cache.get(key)
    return datetime.datetime.fromisoformat(value) if value else None


def last_started() -> datetime.datetime | None:
    """When the worker last started any job."""
    if on_redis_queue():
        return _read(STARTED_KEY)
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    seen: datetime.datetime | None = DBTaskResult.objects.aggregate(seen=Max("started_at"))["seen"]
    return seen


def last_succeeded(task_path: str) -> datetime.datetime | None:
    """When the job `task_path` (module.function) last finished successfully."""
    if on_redis_queue():
        return _read(SUCCEEDED_KEY.format(path=task_path))
    from django_tasks_db.models import DBTaskResult

    finished: datetime.datetime | None = (
        DBTaskResult.objects.filter(task_path=task_path, status="SUCCESSFUL")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return finished


def _remember(key: str) -> None:
    try:
        cache.set(key, timezone.now().isoformat(), None)  # no expiry: "last ever" is the point
    except Exception:  # Redis away for a moment must not fail the job that just ran
        log.exception("could not record %s", key)


def record_started(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    if on_redis_queue():
        _remember(STARTED_KEY)


def record_finished(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    if on_redis_queue() and task_result.status == TaskResultStatus.SUCCESSFUL:
        _remember(SUCCEEDED_KEY.format(path=task_result.task.module_path))


def connect() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(record_started, dispatch_uid="govtrust.taskstate.started")
    task_finished.connect(record_finished, dispatch_uid="govtrust.taskstate.finished")
