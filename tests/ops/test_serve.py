"""`govtrust serve` alone: the web server and the worker together, stopped together.

A real process over real HTTP, as in tests/e2e (whose helpers start and stop it), on its own
scratch var directory (SQLite) or scratch PostgreSQL database.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import (
    CLERK,
    STARTUP_TIMEOUT,
    Server,
    _answers,
    _govtrust,
    _start,
    _stop,
)
from tests.records import sheets

ROWS = 5
FINISH_TIMEOUT = 60.0  # seconds for the import and for the first daily jobs
STOP_TIMEOUT = 20.0


@pytest.fixture
def installation(make_installation: Callable[..., Server]) -> Server:
    return make_installation("serve")


def _until(check: object, what: str, srv: Server) -> object:
    deadline = time.monotonic() + FINISH_TIMEOUT
    while True:
        value = check()  # type: ignore[operator]
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not happen in time:\n{srv.log_tail()}"
        time.sleep(0.3)


def test_serve_alone_processes_an_upload_reports_healthy_and_stops_its_worker(
    installation: Server, tmp_path: Path
) -> None:
    """Given `govtrust serve` started with no separate worker,
    when a clerk uploads a file through the API, then it is imported; /healthz turns 200 once the
    worker has beaten and the first daily jobs ran; and SIGTERM stops the server and its worker."""
    srv = installation
    port = urlsplit(srv.base_url).port
    command = [sys.executable, "-m", "govtrust.cli", "serve", "--port", str(port)]
    srv.process = _start([*command, "--workers", "1", "--interval", "0.2"], srv.env, srv.log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(srv.url("/accounts/login/")):
            assert srv.process.poll() is None, f"serve exited early:\n{srv.log_tail()}"
            assert time.monotonic() < deadline, f"serve not up in time:\n{srv.log_tail()}"
            time.sleep(0.2)
        token = _govtrust(srv.env, "token", CLERK.username).strip()
        auth = {"Authorization": f"Bearer {token}"}
        upload = sheets.xlsx(tmp_path / "upload.xlsx", [sheets.row() for _ in range(ROWS)])
        with upload.open("rb") as handle:
            created = requests.post(
                srv.url("/api/v1/imports"), headers=auth, files={"file": handle}, timeout=30
            )
        assert created.status_code == 202, created.text
        batch_url = srv.url(f"/api/v1/imports/{created.json()['id']}")

        def finished() -> dict[str, object] | None:
            body = requests.get(batch_url, headers=auth, timeout=10).json()
            return body if body["status"] not in ("pending", "running") else None

        batch = _until(finished, "the import", srv)
        assert batch["status"] == "succeeded" and batch["created_count"] == ROWS, batch  # type: ignore[index]

        def healthy() -> requests.Response | None:
            response = requests.get(srv.url("/healthz"), timeout=10)
            return response if response.status_code == 200 else None

        health = _until(healthy, "/healthz 200", srv)
        assert health.json()["checks"]["worker"]["ok"]  # type: ignore[attr-defined]
        worker_pid = int(
            srv.python(
                "from django.core.cache import cache\n"
                "print(cache.get('govtrust:worker:heartbeat')['pid'])\n"
            )
        )
        os.kill(worker_pid, 0)  # the worker is running beside the server

        srv.process.send_signal(signal.SIGTERM)
        assert srv.process.wait(timeout=STOP_TIMEOUT) == 0, srv.log_tail()
        with pytest.raises(ProcessLookupError):
            os.kill(worker_pid, 0)
    finally:
        _stop(srv.process)
