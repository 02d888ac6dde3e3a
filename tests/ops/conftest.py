"""Installations for the operations tests: a scratch var directory each (SQLite), or a scratch
PostgreSQL database each when DATABASE_URL is set, driven through the `govtrust` command."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.e2e.conftest import CLERK, Server, _free_port, _govtrust


def _drop(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))


@pytest.fixture
def make_installation(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """make_installation(label, setup=True): a new installation; with setup, migrated and with the
    clerk's department and account. Its scratch databases are dropped at the end."""
    url = os.environ.get("DATABASE_URL")
    admin = make_conninfo(url, dbname="postgres") if url else ""
    created: list[str] = []

    def make(label: str, setup: bool = True) -> Server:
        env = dict(os.environ)
        env.update(
            GOVTRUST_VAR_DIR=str(tmp_path / label / "var"),
            GOVTRUST_HTTPS="0",
            DJANGO_SETTINGS_MODULE="govtrust.config.settings",
            PYTHONUNBUFFERED="1",
        )
        env.pop("DATABASE_URL", None)
        env.pop("GOVTRUST_BACKUP_PASSPHRASE", None)
        if url:
            name = f"govtrust_ops_{os.getpid()}_{label}"
            _drop(admin, name)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            created.append(name)
            env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{name}").geturl()
        folder = tmp_path / label
        folder.mkdir(parents=True, exist_ok=True)
        srv = Server(f"http://127.0.0.1:{_free_port()}", env, folder / "serve.log", folder / "-")
        if setup:
            _govtrust(env, "setup")
            srv.create_clerk_department()
            srv.create_user(CLERK)
        return srv

    try:
        yield make
    finally:
        for name in created:
            _drop(admin, name)


# Redis for the scale-out tests: its own database number (flushed by each test that uses it),
# GOVTRUST_TEST_REDIS_URL to choose another. Those tests skip, saying why, when it is not there.
TEST_REDIS_URL = os.environ.get("GOVTRUST_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_unreachable() -> str | None:
    """Why Redis cannot be used for the tests, or None when it answers."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis not reachable at {TEST_REDIS_URL} ({type(exc).__name__})"
    return None


@pytest.fixture
def redis_url() -> str:
    """A reachable, empty Redis database, or the test is skipped with the reason."""
    import redis

    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL
