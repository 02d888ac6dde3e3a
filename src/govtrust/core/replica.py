"""Reads of the public portal and open data from a PostgreSQL read replica.

With DATABASE_REPLICA_URL set, the database alias `replica` exists and GOVTRUST_REPLICA_READS is
on. The anonymous, read-only paths below (portal search and record pages, the CSV and Atom open
data, the public records and log API) read through it; everything else reads and writes the
primary: every write, staff pages, sign-in, sessions, audit, background jobs. Even on a public
path, accounts, sessions and the audit chain are read from the primary (a session must see its
own sign-in at once), and so is anything read inside a transaction (it may read its own
writes). A replica lags the primary by a moment, which a public page can afford.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

REPLICA = "replica"
PUBLIC_READ_PATHS = (
    re.compile(r"^/$"),  # portal search
    re.compile(r"^/gs/records/[^/]+/$"),  # a published record (its objection forms are not)
    re.compile(r"^/gs/records\.csv$"),  # open data
    re.compile(r"^/gs/feed\.atom$"),
    re.compile(r"^/gs/log/$"),
    re.compile(r"^/api/v1/public/records(/|$)"),
    re.compile(r"^/api/v1/public/log/"),
)
PRIMARY_APPS = frozenset(
    {"auth", "sessions", "contenttypes", "axes", "django_tasks", "django_tasks_db"}
)
PRIMARY_MODELS = frozenset(
    {
        "core.auditevent",
        "core.audithead",
        "core.auditseal",
        "directory.user",
        "directory.apitoken",
        "directory.recoverycode",
        "directory.usersession",
    }
)

_public_read: ContextVar[bool] = ContextVar("govtrust_public_read", default=False)


def enabled() -> bool:
    return bool(getattr(settings, "GOVTRUST_REPLICA_READS", False)) and (
        REPLICA in settings.DATABASES
    )


@contextmanager
def public_reads() -> Iterator[None]:
    """Within this block, reads of public data go to the replica (when there is one)."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def is_public_read(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and any(
        pattern.match(request.path_info) for pattern in PUBLIC_READ_PATHS
    )


class ReplicaRouter:
    """Django database router: see the module text."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _public_read.get() or not enabled():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def read_connection(model: type[Model]) -> Any:
    """The connection a raw read of `model`'s rows must use: the one the router would pick, so
    written SQL (search, the cache's freshness key, proofs) reads the same copy as the ORM."""
    from django.db import router

    return connections[router.db_for_read(model) or DEFAULT_DB_ALIAS]


def _streamed(chunks: Iterable[Any]) -> Iterator[Any]:
    """A streamed body (the CSV) reads while it is sent, after the view has returned."""
    with public_reads():
        yield from chunks


class ReplicaReadMiddleware:
    """Marks the public read paths, for the view and for a body streamed after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not enabled() or not is_public_read(request):
            return self.get_response(request)
        with public_reads():
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse):
            content = response.streaming_content
            if isinstance(content, Iterable):  # a WSGI (not async) stream
                response.streaming_content = _streamed(content)
        return response
