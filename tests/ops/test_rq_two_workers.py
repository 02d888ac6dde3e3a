"""GOVTRUST_TASKS=rq with two `govtrust worker` processes on one queue in Redis: every job runs
once, never twice, and both workers take jobs. Skipped, saying why, when Redis is absent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.test import override_settings

from tests.ops.rq_probe import probe
from tests.ops.test_rq_tasks import _rq_settings

JOBS = 30
ROOT = Path(__file__).resolve().parents[2]


def _worker(tmp_path: Path, index: int, url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # the probe needs no database; each worker its own var/
    env.update(
        DJANGO_SETTINGS_MODULE="govtrust.config.settings",
        GOVTRUST_VAR_DIR=str(tmp_path / f"var{index}"),
        GOVTRUST_TASKS="rq",
        REDIS_URL=url,
        GOVTRUST_HTTPS="0",
        PYTHONPATH=str(ROOT),  # tests.ops.rq_probe, the task's module
    )
    log = (tmp_path / f"worker{index}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "govtrust.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _until(condition: object, seconds: float, what: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("worker*.log"))
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.mark.django_db
def test_two_rq_workers_on_one_queue_run_each_job_once(redis_url: str, tmp_path: Path) -> None:
    """Given two `govtrust worker` processes with GOVTRUST_TASKS=rq on the same Redis queue,
    when thirty jobs are queued, then each job runs exactly once, and both workers ran some."""
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(redis_url)
    runs = tmp_path / "runs.txt"
    workers = [_worker(tmp_path, i, redis_url) for i in range(2)]
    try:
        _until(lambda: len(Worker.all(connection=connection)) == 2, 120, "two workers", tmp_path)
        with override_settings(**_rq_settings(redis_url)):
            for n in range(JOBS):
                probe.enqueue(str(runs), n)

        def all_ran() -> bool:
            return runs.exists() and len(runs.read_text().splitlines()) >= JOBS

        _until(all_ran, 120, "every job", tmp_path)
        time.sleep(2)  # a job run twice would show up here
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    lines = [line.split() for line in runs.read_text().splitlines()]
    counts = Counter(int(n) for n, _pid in lines)
    assert sorted(counts) == list(range(JOBS)) and set(counts.values()) == {1}, counts
    assert len({pid for _n, pid in lines}) == 2, "both workers should have taken jobs"
