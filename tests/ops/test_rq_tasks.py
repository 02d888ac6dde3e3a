"""GOVTRUST_TASKS=rq: django-tasks on RQ, and what reads job outcomes works on it as on the database
backend (core/taskstate.py): /healthz's daily job and the system page's "last job started"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResultStatus

from govtrust.core import heartbeat, taskstate
from govtrust.core.health import DAILY_TASK
from govtrust.directory.models import User


def _rq_settings(url: str) -> dict[str, Any]:
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}},
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        },
    }


@pytest.fixture
def on_rq(redis_url: str) -> Iterator[str]:
    with override_settings(**_rq_settings(redis_url)):
        yield redis_url


def _work_off_queue() -> None:
    """What `govtrust worker` runs with GOVTRUST_TASKS=rq, in burst mode: every queued job, here."""
    import django_rq

    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker"
    )
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker.work(burst=True)
    finally:  # the worker installs its own; pytest's Ctrl-C must keep working after it
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.mark.django_db
def test_jobs_run_through_rq_and_healthz_reads_the_daily_job_from_redis(
    on_rq: str, client: Client, make_user: Callable[..., User]
) -> None:
    """Given tasks on RQ, when the daily job is queued and an RQ worker runs it,
    then its result is SUCCESSFUL through the django-tasks API, taskstate reports its finish and
    the last job started, and /healthz counts the daily job as done (without the database table)."""
    from govtrust.disclosure.tasks import disclosure_daily

    assert taskstate.on_redis_queue()
    assert taskstate.last_succeeded(DAILY_TASK) is None
    result = disclosure_daily.enqueue()
    assert result.status == TaskResultStatus.READY
    _work_off_queue()
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    assert backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    finished = taskstate.last_succeeded(DAILY_TASK)
    started = taskstate.last_started()
    assert finished is not None and started is not None and started <= finished
    heartbeat.beat()
    client.force_login(make_user("sys_rq", "sysadmin", "62"))  # the details are theirs
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        body = client.get("/healthz").json()
    assert body["checks"]["daily_job"]["ok"], body
    assert body["checks"]["daily_job"]["last_finished"] == finished.isoformat()
    assert body["status"] == "ok", body


@pytest.mark.django_db
def test_a_failed_rq_job_is_not_counted_as_the_daily_job_done(on_rq: str) -> None:
    """Given tasks on RQ, when a job fails, then taskstate does not report it as succeeded."""
    from govtrust.records.tasks import run_import

    result = run_import.enqueue("00000000-0000-0000-0000-000000000000")  # no such batch
    _work_off_queue()
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    assert backend.get_result(result.id).status == TaskResultStatus.FAILED
    assert taskstate.last_succeeded("govtrust.records.tasks.run_import") is None
    assert taskstate.last_started() is not None


@pytest.mark.django_db
def test_system_page_shows_the_last_job_started_on_rq(
    on_rq: str, client: Client, make_user: Callable[..., User]
) -> None:
    """Given tasks on RQ and a job the worker ran, when the system administrator opens 系统管理,
    then the page answers 200 (no read of the database backend's table) with the worker's time."""
    from govtrust.exchange.tasks import exchange_run

    client.force_login(make_user("sys_rq", "sysadmin", "62"))
    before = client.get("/accounts/system/")
    assert before.status_code == 200 and "尚未执行过任务" in before.content.decode()
    exchange_run.enqueue()
    _work_off_queue()
    after = client.get("/accounts/system/")
    assert after.status_code == 200
    page = after.content.decode()
    assert "最近一次开始任务：" in page and "尚未执行过任务" not in page


def _settings_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.pop("REDIS_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="govtrust.config.settings", GOVTRUST_VAR_DIR=str(tmp_path))
    env.update(extra)
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_rq_needs_redis_and_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    """GOVTRUST_TASKS=rq without REDIS_URL, or an unknown value, stops at start saying why;
    GOVTRUST_TASKS=rq with REDIS_URL passes Django's deployment checks (RQ backend included)."""
    missing = _check(_settings_env(tmp_path, GOVTRUST_TASKS="rq"))
    assert missing.returncode != 0 and "GOVTRUST_TASKS=rq needs REDIS_URL" in missing.stderr
    unknown = _check(_settings_env(tmp_path, GOVTRUST_TASKS="celery"))
    assert unknown.returncode != 0 and "GOVTRUST_TASKS must be db or rq" in unknown.stderr
    env = _settings_env(tmp_path, GOVTRUST_TASKS="rq", REDIS_URL="redis://127.0.0.1:6379/15")
    fine = _check(env)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "no issues" in fine.stdout
