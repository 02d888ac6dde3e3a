"""`govtrust serve` alone: the web server and the worker together, stopped together.

A real process over real HTTP, as in tests/e2e (whose helpers start and stop it), on its own
scratch var directory (SQLite) or scratch PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

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


def _http(url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, Any]:
    """Status and JSON of a request (urllib: no HTTP client beyond the standard library)."""
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (our http URL)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _multipart(path: Path) -> tuple[bytes, str]:
    boundary = "govtrust-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), boundary


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
        body, boundary = _multipart(upload)
        form = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, created = _http(srv.url("/api/v1/imports"), form, body)
        assert status == 202, created
        batch_url = srv.url(f"/api/v1/imports/{created['id']}")

        def finished() -> dict[str, object] | None:
            answer = _http(batch_url, auth)[1]
            return answer if answer["status"] not in ("pending", "running") else None

        batch = _until(finished, "the import", srv)
        assert batch["status"] == "succeeded" and batch["created_count"] == ROWS, batch  # type: ignore[index]

        def healthy() -> dict[str, Any] | None:
            status, answer = _http(srv.url("/healthz"), {})
            return answer if status == 200 else None

        health = _until(healthy, "/healthz 200", srv)
        assert health == {"status": "ok", "failing": []}  # anonymous: no details
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
