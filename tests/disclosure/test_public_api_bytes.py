"""The public records API answers with exactly the bytes its documented models would give: the
lean serialisation of `disclosure/api.py` (plain dicts through the API's renderer) against
`PublicPage` / `PublicRecord` validated and rendered as ninja does for a returned model."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govtrust.config.api import api
from govtrust.directory.models import User
from govtrust.disclosure import selectors
from govtrust.disclosure.api import PublicPage, PublicQuery, PublicRecord, filters_of
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _model(row: Any) -> PublicRecord:
    return PublicRecord(
        number=row.number,
        view=row.view,
        status_line=row.status_line,
        published_at=row.published_at,
        leaf_index=row.leaf_index,
        proof_url=f"/api/v1/public/records/{row.number}/proof",
    )


def _rendered(model: Any) -> bytes:
    """What ninja sends for a returned model: validated, dumped, then rendered."""
    text = api.renderer.render(None, model.model_dump(), response_status=200)  # type: ignore[arg-type]
    return text.encode() if isinstance(text, str) else bytes(text)


@pytest.fixture
def published(clerk: User, reviewer: User, make_user: Callable[..., User]) -> list[Record]:
    office = make_user("office", "credit_office", "62")
    day = str(TODAY - datetime.timedelta(days=10))
    records = []
    for name, extra in (
        ("王伟", {}),
        ("张三", {"facts": "“引号”、\\反斜杠与 <b>标记</b> 照原样公示。"}),
        ("李娜", {"amount": "0.5"}),
    ):
        payload = record_payload(decision_date=day, arose_on=day, subject_name=name, **extra)
        data = RecordIn.model_validate(payload)
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        records.append(record_accept(record=record, actor=reviewer))
    outcome = publications_publish_bulk(record_ids=[r.pk for r in records], actor=office)
    assert not outcome.refused
    return records


PARAMS = [{}, {"q": "王伟"}, {"q": "张三"}, {"limit": "2", "offset": "1"}]


@pytest.mark.parametrize("params", PARAMS)
def test_search_bytes_equal_the_models(
    client: Client, published: list[Record], params: dict[str, str]
) -> None:
    response = client.get("/api/v1/public/records", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    query = PublicQuery.model_validate(params)
    rows, count, more = selectors.public_page(filters_of(query), query.offset, query.limit)
    expected = PublicPage(count=count, more=more, items=[_model(row) for row in rows])
    assert response.content == _rendered(expected)
    assert response.json()["items"] or params.get("q") == "张三"


def test_record_bytes_equal_the_model(client: Client, published: list[Record]) -> None:
    for record in published:
        response = client.get(f"/api/v1/public/records/{record.number}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        row = selectors.publication_public_get(record.number)
        assert response.content == _rendered(_model(row))
        assert response.json()["view"] == row.view


def test_errors_keep_their_shape(client: Client, published: list[Record]) -> None:
    missing = client.get("/api/v1/public/records/NO-SUCH")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到该公示记录，或已不在公示期内"
    bad = client.get("/api/v1/public/records", {"limit": "0"})
    assert bad.status_code == 422
    assert bad.json()["errors"]
