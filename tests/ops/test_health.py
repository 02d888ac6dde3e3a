"""/healthz and the worker's heartbeat: 200 when all is well, 503 naming what is not."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from govtrust.core import heartbeat
from govtrust.core.backup_files import archive_name
from govtrust.core.health import DAILY_TASK
from govtrust.directory.models import User
from govtrust.records.services.bulk import import_batch_create
from tests.records import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client: Client, make_user: Callable[..., User]) -> Client:
    """The system administrator's client: /healthz shows the checks' details to them only
    (test_healthz_shows_details_only_to_the_system_administrator covers the others)."""
    client.force_login(make_user("sysops", "sysadmin", "62"))
    return client


@pytest.fixture(autouse=True)
def no_heartbeat() -> Iterator[None]:
    """The file cache outlives a test: start and end each one with no worker on record."""
    cache.delete(heartbeat.KEY)
    yield
    cache.delete(heartbeat.KEY)


def _daily_job_succeeded(at: datetime.datetime) -> None:
    DBTaskResult.objects.create(
        status="SUCCESSFUL",
        enqueued_at=at,
        started_at=at,
        finished_at=at,
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path=DAILY_TASK,
        queue_name="default",
        backend_name="default",
        return_value=None,
    )


def test_healthz_is_200_when_worker_daily_job_and_disk_are_fine(client: Client) -> None:
    """Given a worker that just beat and a daily job that succeeded an hour ago,
    when the system administrator asks /healthz,
    then it answers 200 JSON with every check ok and nothing about people."""
    heartbeat.beat()
    _daily_job_succeeded(timezone.now() - datetime.timedelta(hours=1))
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "worker", "daily_job", "backup", "disk"}
    assert body["checks"]["backup"] == {"ok": True, "enabled": False, "last": None}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_naming_a_silent_worker_and_a_missing_daily_job(client: Client) -> None:
    """Given no worker has ever reported and no daily job has run,
    when /healthz is asked, then it answers 503 naming exactly those two."""
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["worker", "daily_job"]
    assert body["checks"]["worker"]["last_seen"] is None


def test_healthz_names_a_stale_heartbeat_an_old_daily_job_and_a_full_disk(client: Client) -> None:
    """Given a heartbeat two minutes old, a daily job two days old and less free disk than asked,
    when /healthz is asked, then it answers 503 naming all three, with their ages."""
    old = timezone.now() - datetime.timedelta(minutes=2)
    cache.set(heartbeat.KEY, {"at": old.isoformat(), "host": "h", "pid": 1}, 600)
    _daily_job_succeeded(timezone.now() - datetime.timedelta(days=2))
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1 << 60):
        body = client.get("/healthz").json()
    assert body["failing"] == ["worker", "daily_job", "disk"]
    assert body["checks"]["worker"]["age_seconds"] >= 120
    assert body["checks"]["daily_job"]["age_seconds"] >= 2 * 86400


def test_healthz_reports_the_last_scheduled_backup(client: Client, tmp_path: Path) -> None:
    """Given scheduled backups into a folder, when the folder is empty /healthz fails on
    "backup"; when a fresh archive is there it reports its time and size and passes."""
    heartbeat.beat()
    _daily_job_succeeded(timezone.now())
    with override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path), GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        empty = client.get("/healthz")
        taken = timezone.now().replace(microsecond=0)
        (tmp_path / archive_name(taken)).write_bytes(b"x" * 10)
        (tmp_path / "govtrust-partial.tar.tmp").write_bytes(b"not an archive")
        fresh = client.get("/healthz")
    assert empty.status_code == 503 and empty.json()["failing"] == ["backup"]
    assert fresh.status_code == 200
    backup = fresh.json()["checks"]["backup"]
    assert backup["enabled"] and backup["size_bytes"] == 10
    assert datetime.datetime.fromisoformat(backup["last"]) == taken


def test_healthz_is_not_redirected_to_https(client: Client) -> None:
    """Given production settings that redirect plain HTTP to HTTPS,
    when a load balancer probes /healthz over HTTP, then it gets the answer, not a redirect,
    while other pages are still redirected."""
    with override_settings(SECURE_SSL_REDIRECT=True, GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        probe = client.get("/healthz")
        page = client.get("/accounts/login/")
    assert probe.status_code in (200, 503) and probe["Content-Type"] == "application/json"
    assert page.status_code == 301


def test_import_page_warns_when_no_worker_has_reported(
    client: Client, clerk: User, tmp_path: Path
) -> None:
    """Given a queued import and no worker heartbeat for over a minute,
    when its clerk opens the import page or the imports list, then each says in Chinese that
    the worker is silent, and so does the progress the import page polls; once a worker beats,
    the warning is hidden (the poller shows it again if the worker falls silent)."""
    path = sheets.xlsx(tmp_path / "a.xlsx", [sheets.row()])
    with path.open("rb") as handle:
        batch = import_batch_create(actor=clerk, source=handle, filename=path.name)
    client.force_login(clerk)
    url = f"/records/imports/{batch.pk}/"
    silent = client.get(url).content.decode()
    silent_list = client.get("/records/imports/").content.decode()
    progress = f"/api/v1/imports/{batch.pk}"
    assert client.get(progress).json()["worker_silent"] is True
    heartbeat.beat()
    alive = client.get(url).content.decode()
    assert 'id="worker-silent" class="error" role="alert">' in silent
    assert "后台处理程序已超过一分钟没有报告" in silent
    assert 'id="worker-silent"' in silent_list and "排队中" in silent_list
    assert 'id="worker-silent" class="error" role="alert" hidden>' in alive
    assert 'id="worker-silent"' not in client.get("/records/imports/").content.decode()
    assert client.get(progress).json()["worker_silent"] is False


def test_system_page_shows_heartbeat_daily_job_and_last_backup(
    client: Client, make_user: Callable[..., User], tmp_path: Path
) -> None:
    """Given a live worker, a daily job done and an archive in the backup folder,
    when the system administrator opens the system page, then it shows each of them."""
    heartbeat.beat()
    _daily_job_succeeded(timezone.now())
    taken = datetime.datetime(2026, 11, 29, 2, 30, tzinfo=datetime.UTC)
    (tmp_path / archive_name(taken)).write_bytes(b"x" * 2048)
    client.force_login(make_user("sys", "sysadmin", "62"))
    with override_settings(GOVTRUST_BACKUP_DIR=str(tmp_path)):
        page = client.get("/accounts/system/").content.decode()
    assert "运行中" in page
    assert "最近一次完成" in page
    assert "最近一次：2026-11-29 10:30:00（北京时间） · 2.0\xa0KB" in page  # Beijing time


def test_system_page_says_when_backups_are_off_and_the_worker_is_silent(
    client: Client, make_user: Callable[..., User]
) -> None:
    """Given no backup folder and no worker heartbeat, when the system page is opened,
    then it says scheduled backups are off and the worker has not reported."""
    client.force_login(make_user("sys", "sysadmin", "62"))
    page = client.get("/accounts/system/").content.decode()
    assert "未开启（设置 <code>GOVTRUST_BACKUP_DIR</code>" in page
    assert "秒没有报告" in page


def test_healthz_answers_head_with_the_status_alone(client: Client) -> None:
    """Given a probe that sends HEAD, when /healthz is asked, then it gets the same status
    (503 here: no worker) and no body; a POST is refused with 405."""
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1):
        head = client.head("/healthz")
        post = client.post("/healthz")
    assert head.status_code == 503 and head.content == b""
    assert post.status_code == 405


def test_healthz_shows_details_only_to_the_system_administrator(
    make_user: Callable[..., User],
) -> None:
    """Given a failing disk check, when /healthz is asked anonymously or by a clerk, then the
    answer holds the status and the failing checks' names only: no vendor, sizes, ages or
    backup times; the system administrator gets every check's details."""
    heartbeat.beat()
    _daily_job_succeeded(timezone.now())
    with override_settings(GOVTRUST_HEALTH_MIN_FREE_BYTES=1 << 60):
        anonymous = Client().get("/healthz")
        clerk = Client()
        clerk.force_login(make_user("clerk_h", "clerk", "620102", "城关区财政局"))
        staff = clerk.get("/healthz")
        admin = Client()
        admin.force_login(make_user("sys_h", "sysadmin", "62"))
        detailed = admin.get("/healthz")
    for response in (anonymous, staff):
        assert response.status_code == 503
        assert response.json() == {"status": "fail", "failing": ["disk"]}
        text = response.content.decode()
        assert "free_bytes" not in text and "vendor" not in text and "age_seconds" not in text
    assert detailed.status_code == 503
    body = detailed.json()
    assert body["failing"] == ["disk"] and body["checks"]["disk"]["free_bytes"] > 0
    assert body["checks"]["database"]["vendor"]
