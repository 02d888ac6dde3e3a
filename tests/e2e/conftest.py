"""Browser fixtures: a real `govtrust serve` process and a `govtrust worker` process on a scratch
database, and headless Chromium.

The server is a separate process over real HTTP, not Django's live_server: the audit table's
append-only triggers refuse the DELETEs with which live_server empties the database after a test.
Everything the server needs (SQLite database, keys, static files) lives in a temporary directory;
when DATABASE_URL is set (CI's PostgreSQL run), a scratch database is created next to it instead
and dropped at the end. The worker runs the queued background jobs (bulk imports); it shares the
server's environment, hence its GOVTRUST_VAR_DIR, whose file-based cache carries import progress
from the worker to the web process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from psycopg import sql
from psycopg.conninfo import make_conninfo

from govtrust.core.identifiers import compose_uscc
from govtrust.directory import totp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "Clerk-Pass-2026"
DEPARTMENT = "城关区财政局"
STARTUP_TIMEOUT = 20.0  # seconds for the server to answer its login page
STOP_TIMEOUT = 10.0  # seconds a process gets to exit after SIGTERM before it is killed
WORKER_INTERVAL = "0.2"  # seconds the idle worker waits between looks at the task queue
COMMAND_TIMEOUT = 180.0  # seconds for one `govtrust` command (setup migrates and loads divisions)
UI_TIMEOUT_MS = 10_000  # Playwright's wait for any one element or navigation


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    unit: str
    department: str | None = None
    password: str = PASSWORD


CLERK = Account("clerk_cg", "clerk", "620102", DEPARTMENT)  # 城关区财政局
REVIEWER = Account("reviewer_lz", "reviewer", "6201")  # 兰州市: the government above 城关区
SIBLING_REVIEWER = Account("reviewer_ts", "reviewer", "6205")  # 天水市: a sibling prefecture
CREDIT_OFFICE = Account("office_gs", "credit_office", "62")  # 甘肃省: publishes on the portal


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    log: Path
    worker_log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    worker: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    # username -> [TOTP secret, last time step used]: what each account's authenticator knows
    authenticators: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def python(self, code: str, *args: str) -> str:
        """Run a Django snippet in a subprocess with the server's settings; return its stdout."""
        prelude = "import django; django.setup()\n"
        return _run([sys.executable, "-c", prelude + code, *args], self.env).stdout

    def create_user(self, account: Account) -> None:
        """`govtrust createuser` for `account`, its password given on standard input."""
        args = ["createuser", account.username, "--role", account.role, "--unit", account.unit]
        if account.department:
            args += ["--department", account.department]
        _govtrust(self.env, *args, "--password-stdin", stdin=account.password + "\n")

    def create_clerk_department(self) -> None:
        """The clerk's department (城关区财政局), which `create_user(CLERK)` needs first."""
        self.python(
            "import sys\n"
            "from govtrust.directory.models import Government\n"
            "from govtrust.directory.services import department_create\n"
            "department_create(government=Government.objects.get(division_id=sys.argv[1]),"
            " name=sys.argv[2], uscc=sys.argv[3])\n",
            CLERK.unit,
            DEPARTMENT,
            compose_uscc("11", CLERK.unit, "MB000001"),
        )

    def ensure_user(self, account: Account) -> None:
        """`create_user` unless an earlier test module on this server created the account."""
        found = self.python(
            "import sys\nfrom govtrust.directory.models import User\n"
            "print(User.objects.filter(username=sys.argv[1]).exists())\n",
            account.username,
        )
        if found.strip() != "True":
            self.create_user(account)

    def totp_code(self, username: str) -> str:
        """The code the account's authenticator shows now, never one already used: a second
        sign-in in the same 30 seconds takes the next step (within the accepted drift)."""
        secret, last = self.authenticators[username]
        # Wait while the next unused step is beyond the drift ahead of now (a third sign-in in
        # the same minute): after one step's wait it may still be; never reuse `last`.
        while (step := max(totp.step_at() - totp.DRIFT, last + 1)) > totp.step_at() + totp.DRIFT:
            time.sleep(totp.STEP)
        self.authenticators[username][1] = step
        return totp.code_at(secret, step)

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)

    def worker_log_tail(self, lines: int = 40) -> str:
        return _tail(self.worker_log, lines)


def _tail(path: Path, lines: int) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start a long-running process with its output in `log_path`."""
    with log_path.open("wb") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, then SIGKILL if the process is still there after STOP_TIMEOUT."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def _run(
    command: list[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(command[:4])} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def _govtrust(env: dict[str, str], *args: str, stdin: str = "") -> str:
    return _run([sys.executable, "-m", "govtrust.cli", *args], env, stdin).stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own http URL)
            status: int = response.status
            return status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def scratch_database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database when DATABASE_URL is set, else None (SQLite in the var dir)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    name = f"govtrust_e2e_{os.getpid()}"
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, scratch_database_url: str | None
) -> Iterator[Server]:
    """`govtrust setup`, the three accounts, `govtrust worker`, then `govtrust serve` on a free
    port; both processes are stopped at the end of the session."""
    var_dir = tmp_path_factory.mktemp("govtrust-var")
    env = dict(os.environ)
    env.update(
        GOVTRUST_VAR_DIR=str(var_dir),
        GOVTRUST_HTTPS="0",
        DJANGO_SETTINGS_MODULE="govtrust.config.settings",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DATABASE_URL", None)
    if scratch_database_url is not None:
        env["DATABASE_URL"] = scratch_database_url

    _govtrust(env, "setup")
    port = _free_port()
    srv = Server(
        base_url=f"http://127.0.0.1:{port}",
        env=env,
        log=var_dir / "server.log",
        worker_log=var_dir / "worker.log",
    )
    srv.create_clerk_department()
    for account in (CLERK, REVIEWER, SIBLING_REVIEWER):
        srv.create_user(account)

    worker = [sys.executable, "-m", "govtrust.cli", "worker", "--interval", WORKER_INTERVAL]
    serve = [sys.executable, "-m", "govtrust.cli", "serve", "--host", "127.0.0.1"]
    serve += ["--port", str(port), "--workers", "1", "--no-worker"]  # the worker runs apart
    try:
        srv.worker = _start(worker, env, srv.worker_log)
        srv.process = _start(serve, env, srv.log)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(srv.url("/accounts/login/")):
            assert srv.process.poll() is None, f"server exited early:\n{srv.log_tail()}"
            assert time.monotonic() < deadline, f"server not up in time:\n{srv.log_tail()}"
            time.sleep(0.2)
        assert srv.worker.poll() is None, f"worker exited early:\n{srv.worker_log_tail()}"
        yield srv
    finally:
        # The worker first: it may be in the middle of a job that writes to the database.
        _stop(srv.worker)
        _stop(srv.process)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.set_default_navigation_timeout(UI_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def confirm(page: Page) -> None:
    """Answer 确定 in the confirmation dialog an irreversible action opens (static lists.js)."""
    dialog = page.locator("dialog#confirm-dialog[open]")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确定").click()


def log_in(page: Page, server: Server, account: Account) -> None:
    """Sign in through the pages: the password, then the second factor when the account has or
    needs one. An account that must use TOTP and has none sets it up on the page, reading the
    secret shown next to the QR code as an authenticator app would scan it."""
    page.goto(server.url("/accounts/login/"))
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", account.password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if page.url.endswith("/accounts/mfa/setup/"):
        qr = page.get_by_role("img", name="动态口令二维码")
        assert qr.evaluate("img => img.naturalWidth") > 0  # the inline SVG passes the CSP
        secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
        server.authenticators[account.username] = [secret, totp.step_at() - totp.DRIFT - 1]
        page.fill("input[name=code]", server.totp_code(account.username))
        with page.expect_navigation():
            page.get_by_role("button", name="启用").click()
        expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
        page.get_by_role("link", name="我已保存，继续").click()
    elif page.url.endswith("/accounts/mfa/"):
        page.fill("input[name=code]", server.totp_code(account.username))
        page.get_by_role("button", name="验证").click()
    expect(page.locator("header .who")).to_contain_text(account.username)
