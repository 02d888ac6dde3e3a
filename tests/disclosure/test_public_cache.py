"""The public response cache: ETags, 304s, a page served from the cache with one statement, and
never a stale page after a write that changes what the portal shows; staff never cached; the
lean path for anonymous public reads."""

from __future__ import annotations

import datetime
import importlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govtrust.directory.models import User
from govtrust.disclosure.freshness import public_state
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import (
    publication_publish,
    publication_withdraw,
    publications_publish_bulk,
)
from govtrust.disclosure.services_rules import publication_correct
from govtrust.ledger import services as ledger
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
SEARCH = "/api/v1/public/records"


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def accepted(clerk: User, reviewer: User) -> Callable[..., Record]:
    def make(**overrides: Any) -> Record:
        day = str(TODAY - datetime.timedelta(days=10))
        data = RecordIn.model_validate(record_payload(decision_date=day, arose_on=day, **overrides))
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        return record_accept(record=record, actor=reviewer)

    return make


@pytest.fixture
def published(accepted: Callable[..., Record], office: User) -> Callable[..., list[Record]]:
    def make(n: int = 1, **overrides: Any) -> list[Record]:
        records = [accepted(**overrides) for _ in range(n)]
        outcome = publications_publish_bulk(record_ids=[r.pk for r in records], actor=office)
        assert not outcome.refused
        return records

    return make


@pytest.fixture
def services_only() -> Iterator[None]:
    """Without the migration's triggers (dropped inside the test's transaction, which rolls the
    drop back): the services' own `public_changed()` calls must be enough."""
    migration = importlib.import_module("govtrust.disclosure.migrations.0010_public_data_version")
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DROP if sqlite else migration.POSTGRES_DROP:
            cursor.execute(statement)
    yield


def fetch(client: Client, url: str, **params: Any) -> tuple[int, str, str]:
    """(status, body, ETag) of an anonymous GET."""
    response = client.get(url, params)
    return response.status_code, response.content.decode(), response.get("ETag", "")


def count_of(client: Client, q: str) -> int:
    status, body, _tag = fetch(client, SEARCH, q=q)
    assert status == 200
    return int(json.loads(body)["count"])


def test_a_page_comes_from_the_cache_with_one_statement_and_answers_304(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    """GIVEN published records
    WHEN the same search, the portal page and a record page are asked for twice, then with the
    ETag of the first answer
    THEN the second answer is the first, read with one statement (the state); the third is a
    304 without a body; another query has another ETag."""
    (record, _other) = published(2, subject_name="张敏")
    for url, params in [
        (SEARCH, {"q": "张敏"}),
        ("/", {"q": "张敏"}),
        (f"{SEARCH}/{record.number}", {}),
        (f"/gs/records/{record.number}/", {}),
    ]:
        first = client.get(url, params)
        assert first.status_code == 200 and first["ETag"].startswith('"')
        assert first["Cache-Control"] == "public, no-cache"
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url, params)
        assert len(queries) == 1, [q["sql"] for q in queries]
        assert second.content == first.content and second["ETag"] == first["ETag"]
        assert second["Content-Type"] == first["Content-Type"]
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url, params, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"" and len(queries) == 1
        assert again["ETag"] == first["ETag"]
        assert client.get(url, params, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert fetch(client, SEARCH, q="张敏")[2] != fetch(client, SEARCH, q="王伟")[2]
    assert count_of(client, "张敏") == 2


@pytest.mark.usefixtures("services_only")
def test_publishing_withdrawing_and_correcting_each_invalidate(
    client: Client,
    published: Callable[..., list[Record]],
    accepted: Callable[..., Record],
    office: User,
) -> None:
    """GIVEN cached searches and record pages
    WHEN a record is published, one withdrawn, one corrected (through the services alone)
    THEN the next answers show it: a stale page is never served."""
    (first,) = published(subject_name="张敏")
    record_page = f"/gs/records/{first.number}/"
    _status, before, tag = fetch(client, record_page)
    assert count_of(client, "张敏") == 1

    publication_publish(record=accepted(subject_name="张敏"), actor=office)
    assert count_of(client, "张敏") == 2

    Record.objects.filter(pk=first.pk).update(facts="逾期未支付中小企业账款共计八十万元")
    publication = Publication.objects.get(record=first)
    assert publication_correct(publication=publication, actor_name="system", reason="更正")
    status, after, new_tag = fetch(client, record_page)
    assert status == 200 and "逾期未支付中小企业账款" in after and new_tag != tag
    assert "逾期未支付中小企业账款" not in before

    publication_withdraw(publication=publication, reason="revoked", actor_name="system")
    assert count_of(client, "张敏") == 1
    assert fetch(client, record_page)[0] == 404
    assert fetch(client, f"{SEARCH}/{first.number}")[0] == 404


@pytest.mark.usefixtures("services_only")
def test_a_period_ending_by_the_date_alone_invalidates(
    client: Client, published: Callable[..., list[Record]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a record whose last day is today, its pages cached
    WHEN the day passes, before the daily job withdraws it (no write at all)
    THEN the search no longer finds it and its page is gone."""
    (record,) = published(subject_name="张敏")
    Publication.objects.filter(record=record).update(maximum_end=TODAY)
    url = f"{SEARCH}/{record.number}"
    assert fetch(client, url)[0] == 200 and count_of(client, "张敏") == 1
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert fetch(client, url)[0] == 404 and count_of(client, "张敏") == 0


def test_a_new_checkpoint_changes_the_footer(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    """A checkpoint is signed after the log grew (the worker's schedule, or a proof asked for):
    the footer of the cached pages shows it although the log did not grow meanwhile."""
    published()
    ledger.checkpoint_sign()
    published()
    _status, unsigned, tag = fetch(client, "/")
    checkpoint = ledger.checkpoint_sign()
    _status, signed, signed_tag = fetch(client, "/")
    assert f"透明日志检查点：{checkpoint.size} 条事件" in signed
    assert f"透明日志检查点：{checkpoint.size} 条事件" not in unsigned
    assert signed_tag != tag


def test_a_write_outside_the_services_invalidates_too(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    """The triggers of migration 0009 move the version on any update or deletion of a
    publication row, whoever makes it (a shell, a data migration)."""
    (record,) = published()
    page = f"/gs/records/{record.number}/"
    assert "异议处理中" not in fetch(client, page)[1]
    version = public_state()
    Publication.objects.filter(record=record).update(status_line="异议处理中")
    assert public_state() != version
    assert "异议处理中" in fetch(client, page)[1]


def test_staff_and_token_requests_are_never_cached(
    client: Client, published: Callable[..., list[Record]], office: User
) -> None:
    """GIVEN a signed-in member of staff, and an API client with an Authorization header
    WHEN they read the public search and record pages
    THEN the answers carry no ETag, and nothing they were given is served to anyone."""
    (record,) = published(subject_name="张敏")
    staff = Client()
    staff.force_login(office)
    for url, params in [(SEARCH, {"q": "张敏"}), ("/", {}), (f"/gs/records/{record.number}/", {})]:
        response = staff.get(url, params)
        assert response.status_code == 200 and not response.has_header("ETag")
        assert response.wsgi_request.user == office  # the full path: sessions, authentication
        token = client.get(url, params, HTTP_AUTHORIZATION="Bearer not-a-token")
        assert not token.has_header("ETag")
        with CaptureQueriesContext(connection) as queries:
            anonymous = client.get(url, params)
        assert anonymous.has_header("ETag") and len(queries) > 1  # built, not from the cache


def test_anonymous_public_reads_take_the_lean_path(client: Client) -> None:
    """Sessions, authentication, messages and the account gate are skipped on anonymous public
    reads, and only there: a staff page still needs a sign-in."""
    response = client.get(SEARCH)
    assert response.status_code == 200 and not response.cookies
    assert not hasattr(response.wsgi_request, "user")
    assert not hasattr(response.wsgi_request, "session")
    assert response["X-Frame-Options"] == "DENY" and response.has_header("Content-Security-Policy")
    staff_page = client.get("/backoffice/")
    assert staff_page.status_code == 302 and "/accounts/login/" in staff_page["Location"]
    assert hasattr(staff_page.wsgi_request, "user")
    objection_form = client.get("/gs/records/620102-2026-00001/objection/")
    assert hasattr(objection_form.wsgi_request, "session")  # a form: the full path
