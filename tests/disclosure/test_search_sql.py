"""The public search's page and count as written SQL (SQLite) return what the ORM path returns:
the same records in the same order, the same capped count, for every kind of query and filter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from govtrust.directory.models import User
from govtrust.disclosure import search, search_sql, selectors
from govtrust.disclosure.selectors import Filters
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

QUERIES = [
    "",
    "张",
    "敏",
    "张敏",
    "王伟",
    "财政局",
    "拖欠 工程款",
    "工程款 张",
    "2023",
    "无此词语",
    "ww",  # initials (search.name_pinyin)
    "zhangmin 拖欠",
    "中标企业工程款",
]
# With any of these filters the SQLite path intersects their index tokens (migration 0012).
FILTERS: list[dict[str, Any]] = [
    {},
    {"severity": "serious"},
    {"prefecture": "6201", "subject_kind": "civil_servant"},
    {"year": TODAY.year},
    {"county": "620102", "domain": "procurement"},
    {"source_type": "penalty", "year": TODAY.year - 1},
    {"source_type": "breach"},
    {
        "prefecture": "6201",
        "county": "620102",
        "subject_kind": "civil_servant",
        "source_type": "penalty",
        "domain": "procurement",
        "severity": "general",
        "year": (TODAY - datetime.timedelta(days=10)).year,
    },
]


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def publications(clerk: User, reviewer: User, office: User) -> None:
    day = str(TODAY - datetime.timedelta(days=10))
    variants = [
        {"subject_name": "张敏", "facts": "拖欠中标企业工程款两年未付"},
        {"subject_name": "王伟", "facts": "拖欠工程款，见（2023）甘01执1号"},
        {"subject_name": "张伟敏", "severity": "serious", "facts": "政府采购中违规操作"},
        {"subject_name": "李强", "facts": "未按期兑现招商引资承诺"},
    ]
    ids = []
    for index in range(12):
        data = RecordIn.model_validate(
            record_payload(decision_date=day, arose_on=day, **variants[index % len(variants)])
        )
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        ids.append(record_accept(record=record, actor=reviewer).pk)
    assert not publications_publish_bulk(record_ids=ids, actor=office).refused


@pytest.mark.usefixtures("publications")
@pytest.mark.skipif(connection.vendor != "sqlite", reason="written SQL is the SQLite path")
@pytest.mark.parametrize("q", QUERIES)
def test_written_sql_returns_what_the_orm_returns(q: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)  # so that "more" is exercised too
    seen = 0
    for extra in FILTERS:
        filters = Filters(q=q, **extra)
        for offset, limit in [(0, 20), (0, 3), (3, 3), (11, 5)]:
            qs = selectors.publication_search(filters)
            expected = [
                (p.number, p.view, p.status_line, p.published_at, p.leaf_index)
                for p in qs[offset : offset + limit]
            ]
            rows, count, more = search_sql.page(filters, offset, limit, selectors.COUNT_CAP)
            got = [(r.number, r.view, r.status_line, r.published_at, r.leaf_index) for r in rows]
            assert got == expected, (filters, offset, limit)
            assert (count, more) == selectors.count_capped(qs)
            seen += len(got)
    assert seen > 0 or q == "无此词语"


@pytest.mark.usefixtures("publications")
def test_public_page_on_either_database() -> None:
    rows, count, more = selectors.public_page(Filters(q="张敏"), 0, 20)
    assert count == len(rows) == 3 and not more  # not 张伟敏: 张敏 is not one of its pairs
    assert {row.view["subject_name"] for row in rows} == {"张敏"}
    assert [row.number for row in rows] == sorted((row.number for row in rows), reverse=True)
    assert all(row.published_at.tzinfo is not None for row in rows)


@pytest.mark.usefixtures("publications")
@pytest.mark.skipif(connection.vendor != "sqlite", reason="written SQL is the SQLite path")
def test_the_portal_pages_are_the_orm_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The portal's paginator over written SQL gives the pages, count and "more" of the ORM's."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 7)
    for q in ["", "张", "拖欠 工程款"]:
        filters = Filters(q=q)
        written = selectors.WrittenPaginator(filters, 3)
        orm = selectors.CappedPaginator(selectors.publication_search(filters), 3)
        assert (written.count, written.more, written.num_pages) == (
            orm.count,
            orm.more,
            orm.num_pages,
        )
        for number in ["1", "2", "3", "99", "x"]:
            mine, theirs = written.get_page(number), orm.get_page(number)
            assert mine.number == theirs.number
            assert [r.number for r in mine] == [p.number for p in theirs]
            assert mine.has_next() == theirs.has_next()


@pytest.mark.usefixtures("publications")
@pytest.mark.parametrize("q", QUERIES)
def test_filter_tokens_change_no_result_set(q: str) -> None:
    """The filters' index tokens only narrow what the index yields: with them the search finds
    the same records as the same filters applied to the search without them (on either
    database; PostgreSQL never uses them)."""
    for extra in FILTERS:
        filters = Filters(q=q, **extra)
        with_tokens = {p.number for p in selectors.publication_search(filters)}
        plain = selectors.publication_search(Filters(**extra))  # the filters alone
        without = search.search(plain, q[:100])  # and the words without the tokens
        assert with_tokens == {p.number for p in without}, filters
