"""The read-replica router, against a `replica` alias that mirrors the test database (TEST
MIRROR): which alias each public and staff query used. Transactional tests, so the rows are
committed where the replica's own connection can see them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govtrust.core import replica
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from tests.remedies import conftest as remedies_fixtures

published = remedies_fixtures.published
office = remedies_fixtures.office
pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("audit_triggers_dropped_after"),
]

PUBLIC = ["/", "/gs/records/{n}/", "/gs/records.csv", "/gs/feed.atom", "/gs/log/"]
PUBLIC_API = ["/api/v1/public/records", "/api/v1/public/records/{n}"]


@pytest.fixture(autouse=True)
def _close_replica() -> Iterator[None]:
    """The mirror's own connection is closed after each test, so the test database can be
    dropped at the end of the run."""
    yield
    connections["replica"].close()


@pytest.fixture
def replica_on(settings: Any) -> None:
    settings.GOVTRUST_REPLICA_READS = True


class Used:
    def __init__(self) -> None:
        self.primary: list[str] = []
        self.replica: list[str] = []


@contextmanager
def queries() -> Iterator[Used]:
    used = Used()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as mirror,
    ):
        yield used
    used.primary = [q["sql"] for q in primary.captured_queries]
    used.replica = [q["sql"] for q in mirror.captured_queries]


def _get(client: Client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.getvalue()  # the streamed CSV too: read now, inside the capture


def _mentions(statements: list[str], table: str) -> bool:
    return any(table in sql for sql in statements)


def test_public_pages_open_data_and_api_read_publications_from_the_replica(
    replica_on: None, published: Callable[..., Publication], client: Client
) -> None:
    """Given a published record, when the portal, a record page, the CSV and Atom open data, the
    log page and the public API are requested, then the publications are read through the
    replica alias and the primary is not asked for them."""
    publication = published()
    for path in PUBLIC + PUBLIC_API:
        with queries() as used:
            body = _get(client, path.format(n=publication.number))
        if "{n}" in path or path in ("/", "/gs/records.csv", "/api/v1/public/records"):
            assert publication.number.encode() in body, path
        assert used.replica, path
        assert not _mentions(used.primary, "disclosure_publication"), (path, used.primary)
        if path != "/gs/log/":
            assert _mentions(used.replica, "disclosure_publication"), path


def test_staff_pages_sessions_and_writes_use_the_primary(
    replica_on: None, published: Callable[..., Publication], client: Client, clerk: User
) -> None:
    """Given a signed-in clerk, then the staff record list runs every query on the primary; on
    the portal the clerk's session and account are read from the primary while publications
    come from the replica; and a POST on a public path (log verification) uses the primary."""
    publication = published()
    client.force_login(clerk)
    with queries() as used:
        _get(client, "/records/")
    assert used.primary and not used.replica
    with queries() as used:
        _get(client, "/")
    assert _mentions(used.primary, "django_session") and _mentions(used.primary, "directory_user")
    assert not _mentions(used.replica, "django_session")
    assert not _mentions(used.replica, "directory_user")
    assert _mentions(used.replica, "disclosure_publication")
    checkpoint = client.get("/api/v1/public/log/checkpoint").json()
    with queries() as used:
        answer = client.post(
            "/api/v1/public/log/verify", {"checkpoint": checkpoint}, content_type="application/json"
        )
    assert answer.status_code == 200 and answer.json()["ok"] is True
    assert used.primary and not used.replica
    assert publication.number


def test_reads_inside_a_transaction_and_with_replica_reads_off_stay_on_the_primary(
    settings: Any, published: Callable[..., Publication]
) -> None:
    """Given public reads marked, then inside a transaction (which may read its own writes) and
    with GOVTRUST_REPLICA_READS off, reads use the primary; otherwise the replica."""
    published()
    router = replica.ReplicaRouter()
    settings.GOVTRUST_REPLICA_READS = True
    with replica.public_reads():
        assert router.db_for_read(Publication) == "replica"
        assert router.db_for_read(User) == "default"
        with transaction.atomic():
            assert router.db_for_read(Publication) == "default"
        with queries() as used:
            assert Publication.objects.count() == 1
        assert used.replica and not used.primary
    assert router.db_for_read(Publication) is None
    settings.GOVTRUST_REPLICA_READS = False
    with replica.public_reads():
        assert router.db_for_read(Publication) is None
    assert router.db_for_write(Publication) == "default"
    assert router.allow_migrate("replica", "disclosure") is False
