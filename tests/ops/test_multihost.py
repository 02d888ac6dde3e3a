"""Several hosts on one PostgreSQL and one Redis (issue 17, "Scale out on existing engines").

Two `govtrust serve --no-worker` processes on two ports and two `govtrust worker` processes, as
four hosts would run them: an import uploaded through one web process is run once and its
progress is read through the other; the daily job is claimed by one worker only; sign-in
lockouts and the per-address sign-in limit hold across both ports. With GOVTRUST_TASKS=rq
(queue in Redis) and with the database backend (queue in PostgreSQL, cache in Redis).

The processes share one var/ directory, as hosts share it over the network (keys, uploads); the
test checks that nothing went into its file cache, so what they share goes through Redis.
Runs on PostgreSQL (DATABASE_URL) when Redis answers (GOVTRUST_TEST_REDIS_URL); skips otherwise.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from govtrust.core.identifiers import compose_uscc
from tests.e2e.conftest import _free_port, _run, _start, _stop, _tail
from tests.ops.conftest import TEST_REDIS_URL, redis_unreachable
from tests.records import sheets

ROWS = 2500  # three chunks of progress (1,000 rows each) before the import ends
ADDRESS_FAILURES = 4  # distinct accounts failing from one address before it gets 429
ACCOUNT_FAILURES = 3  # failures of one account from one address before it is locked
WAIT = 90.0  # seconds for any one thing to happen (four processes start on a loaded machine)
ROOT = Path(__file__).resolve().parents[2]
CLERK, PASSWORD, DEPARTMENT = "clerk_scale", "Clerk-Pass-2026", "城关区财政局"
DAILY = "govtrust.disclosure.tasks.disclosure_daily"
IMPORT = "govtrust.records.tasks.run_import"
STOP_TIMEOUT = 30.0  # seconds each process gets to finish its request or job after SIGTERM
HOUR = 3600  # GOVTRUST_REMINDER_INTERVAL: the period of the "daily" scheduler job


@dataclass
class Site:
    env: dict[str, str]
    token: str
    var: Path


def _python(env: dict[str, str], code: str, *args: str) -> str:
    return _run([sys.executable, "-c", "import django; django.setup()\n" + code, *args], env).stdout


SETUP = f"""
import sys
from django.core.management import call_command
from govtrust.directory.models import Government
from govtrust.directory.services import department_create, divisions_load, token_create, user_create
call_command("migrate", interactive=False, verbosity=0)
divisions_load()
unit = Government.objects.get(division_id="620102")
department = department_create(government=unit, name="{DEPARTMENT}", uscc=sys.argv[1])
user = user_create(
    username="{CLERK}", role="clerk", unit=unit, department=department, password="{PASSWORD}"
)
print(token_create(user=user))
"""

COUNTS = """
import json
from collections import Counter
from django.conf import settings
from govtrust.core.models import AuditEvent
batch = __import__("sys").argv[1]
if settings.GOVTRUST_TASKS == "rq":
    import django_rq
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry
    queue = django_rq.get_queue("default")
    def names(registry):
        jobs = Job.fetch_many(registry.get_job_ids(), connection=queue.connection)
        return [job.func_name for job in jobs if job is not None]
    ran = names(FinishedJobRegistry(queue=queue))
    failed = names(FailedJobRegistry(queue=queue))
else:
    from django_tasks_db.models import DBTaskResult
    ran = list(DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("task_path", flat=True))
    failed = list(DBTaskResult.objects.filter(status="FAILED").values_list("task_path", flat=True))
finished = AuditEvent.objects.filter(action="import.finish", object_id=batch).count()
print(json.dumps({"ran": Counter(ran), "failed": failed, "import_finished": finished}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("several hosts share one PostgreSQL: runs with DATABASE_URL on PostgreSQL")
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    admin = make_conninfo(url, dbname="postgres")
    name = f"govtrust_scale_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    var = tmp_path_factory.mktemp("scale") / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.update(
        DATABASE_URL=urlsplit(url)._replace(path=f"/{name}").geturl(),
        REDIS_URL=TEST_REDIS_URL,
        GOVTRUST_VAR_DIR=str(var),
        GOVTRUST_HTTPS="0",
        GOVTRUST_LOGIN_ADDRESS_FAILURES=str(ADDRESS_FAILURES),
        GOVTRUST_LOCKOUT_FAILURES=str(ACCOUNT_FAILURES),
        GOVTRUST_REMINDER_INTERVAL=str(HOUR),
        DJANGO_SETTINGS_MODULE="tests.ops.scale_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    try:
        token = _python(env, SETUP, compose_uscc("11", "620102", "MC000001")).strip()
        yield Site(env, token, var)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(drop)


def _request(
    url: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our http URL)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None


def _until(check: Callable[[], Any], what: str, logs: list[Path]) -> Any:
    deadline = time.monotonic() + WAIT
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{_tail(log, 15)}" for log in logs)
            pytest.fail(f"{what} did not happen in {WAIT:.0f} s\n{tails}")
        time.sleep(0.05)


def _answers(base: str) -> bool:
    return _request(base + "/healthz")[0] != 0


def _check_ok(base: str, check: str) -> bool:
    """Whether `check` of the web process's /healthz is ok (the others may still fail)."""
    body = _request(base + "/healthz")[1]  # anonymous: the failing checks' names only
    return bool(body and check not in body["failing"])


def _sign_in(base: str, username: str) -> tuple[int, str]:
    """A browser's failed sign-in: the form (for its CSRF token), then a wrong password."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(base + "/accounts/login/", timeout=30) as response:
        form = response.read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert found, form[:500]
    fields = {"csrfmiddlewaretoken": found[1], "username": username, "password": "wrong-pass-1"}
    data = urllib.parse.urlencode(fields).encode()
    try:
        with opener.open(base + "/accounts/login/", data=data, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _multipart(path: Path) -> tuple[bytes, str]:
    boundary = "govtrust-scale-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), boundary


def _claims(logs: list[Path], job: str) -> list[str]:
    """The scheduler's debug lines for `job`: "claimed" where it ran, "taken" where it did not."""
    pattern = re.compile(rf"job {job} slot \d+ (claimed|taken)")
    return [m[1] for log in logs for m in pattern.finditer(log.read_text(errors="replace"))]


@pytest.mark.parametrize("backend", ["rq", "db"])
def test_two_web_and_two_worker_processes_share_queue_progress_schedule_and_limits(
    site: Site, backend: str, tmp_path: Path
) -> None:
    """Given two web processes (A, B) without workers and two worker processes, one PostgreSQL
    and one Redis (flushed), with GOVTRUST_TASKS=`backend`:
    - an upload through A is imported once, and B shows its live progress before it ends;
    - the daily job is claimed by one worker and run once, and B's /healthz sees it;
    - one account failing on A and B is locked after ACCOUNT_FAILURES in all, and the address is
      refused (429) on both ports after ADDRESS_FAILURES accounts failed, counted across both."""
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    env = {**site.env, "GOVTRUST_TASKS": backend}
    ports = [_free_port(), _free_port()]
    web_logs = [tmp_path / f"web-{p}.log" for p in ports]
    worker_logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
    logs = web_logs + worker_logs
    serve = [sys.executable, "-m", "govtrust.cli", "serve", "--no-worker", "--workers", "1"]
    work = [sys.executable, "-m", "govtrust.cli", "worker", "--interval", "0.2"]
    started = time.time()
    processes = [
        _start([*serve, "--port", str(port)], env, log)
        for port, log in zip(ports, web_logs, strict=True)
    ]
    processes += [_start(work, env, log) for log in worker_logs]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base in (a, b):
            _until(partial(_answers, base), f"{base} answering", logs)
        _until(partial(_check_ok, b, "worker"), "the workers' heartbeat seen through B", logs)

        # An upload through A, its progress through B.
        auth = {"Authorization": f"Bearer {site.token}"}
        upload = sheets.csv_file(tmp_path / "upload.csv", [sheets.row() for _ in range(ROWS)])
        body, boundary = _multipart(upload)
        form = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, created = _request(a + "/api/v1/imports", form, body)
        assert status == 202, created
        seen: list[dict[str, Any]] = []

        def finished() -> bool:
            answer = _request(f"{b}/api/v1/imports/{created['id']}", auth)[1]
            if answer is not None:
                seen.append(answer)
            return answer is not None and answer["status"] not in ("pending", "running")

        _until(finished, "the import", logs)
        batch = seen[-1]
        assert batch["status"] == "succeeded" and batch["created_count"] == ROWS, batch
        live = [s["processed_rows"] for s in seen if s["status"] == "running"]
        # The database says 0 rows until the end: B read these from the worker's reports in Redis.
        assert any(0 < n < ROWS for n in live), f"no live progress seen through B: {live}"

        # Lockout of one account, counted across both ports (django-axes, in the database).
        victim = f"victim_{backend}"  # django-axes keeps its lockouts between the two runs
        answers = [_sign_in((a, b)[i % 2], victim) for i in range(ACCOUNT_FAILURES + 1)]
        codes = [code for code, _page in answers]
        # Refused from the attempt that reaches the limit on, whichever port it came through.
        assert codes == [200] * (ACCOUNT_FAILURES - 1) + [429, 429], codes
        assert all("已被临时锁定" in page for _code, page in answers[-2:])
        # Distinct accounts failing from one address, counted across both ports (Redis): the
        # locked account counts once; each port alone sees fewer failures than the limit.
        for i in range(ADDRESS_FAILURES - 1):
            assert _sign_in((a, b)[i % 2], f"sprayed{i}")[0] == 200
        for base in (a, b):
            refused = _sign_in(base, "one_more")
            assert refused[0] == 429 and "此地址登录失败次数过多" in refused[1], refused

        # The daily job: both workers looked at this hour's slot, one claimed it.
        _until(lambda: len(_claims(worker_logs, "daily")) >= 2, "both workers' claims", logs)
        _until(partial(_check_ok, b, "daily_job"), "the daily job seen through B", logs)
        for process in processes:
            assert process.poll() is None, "\n".join(_tail(log, 20) for log in logs)
    finally:
        for process in processes:  # all at once, as hosts are stopped independently
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _stop(process)
    slots = int(time.time() // HOUR) - int(started // HOUR) + 1  # 2 if an hour began meanwhile
    claims = _claims(worker_logs, "daily")
    assert claims.count("claimed") == slots, claims
    counts = json.loads(_python(env, COUNTS, str(created["id"])))
    assert counts["ran"].get(DAILY) == slots, counts
    assert counts["ran"].get(IMPORT) == 1 and counts["import_finished"] == 1, counts
    assert counts["failed"] == [], counts
    codes = [p.returncode for p in processes]
    assert codes == [0, 0, 0, 0], f"{codes}\n" + "\n".join(_tail(x, 20) for x in logs)
    # Nothing shared went through per-host files: the file cache was never used.
    assert not (site.var / "cache").exists() or not any((site.var / "cache").iterdir())


def test_serve_with_its_own_worker_runs_imports_from_the_redis_queue(
    site: Site, tmp_path: Path
) -> None:
    """Given `govtrust serve` with its embedded worker and GOVTRUST_TASKS=rq, when a file is
    uploaded, then the worker beside the server takes it from Redis and imports it; SIGTERM stops
    both cleanly."""
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    env = {**site.env, "GOVTRUST_TASKS": "rq"}
    port, log = _free_port(), tmp_path / "serve.log"
    command = [sys.executable, "-m", "govtrust.cli", "serve", "--workers", "1", "--port", str(port)]
    process = _start(command, env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _until(partial(_check_ok, base, "worker"), "the embedded worker's heartbeat", [log])
        auth = {"Authorization": f"Bearer {site.token}"}
        upload = sheets.csv_file(tmp_path / "upload.csv", [sheets.row() for _ in range(5)])
        body, boundary = _multipart(upload)
        form = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, created = _request(base + "/api/v1/imports", form, body)
        assert status == 202, created

        def finished() -> Any:
            answer = _request(f"{base}/api/v1/imports/{created['id']}", auth)[1]
            done = answer and answer["status"] not in ("pending", "running")
            return answer if done else None

        batch = _until(finished, "the import", [log])
        assert batch["status"] == "succeeded" and batch["created_count"] == 5, batch
        assert redis.Redis.from_url(TEST_REDIS_URL).keys("rq:job:*"), "the job went through RQ"
        process.terminate()
        assert process.wait(timeout=30) == 0, _tail(log, 30)
    finally:
        _stop(process)
