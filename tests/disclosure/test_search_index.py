"""Filter values as index tokens (SQLite, migration 0012) and pinyin search of names.

The tokens only narrow what the index yields: a filtered search must find exactly what the
filters and the words find, after any write to a filter column (the triggers follow it), and no
search term may ever match a filter token. Pinyin and initials of a person's name find the name on
either database."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from govtrust.directory.models import User
from govtrust.disclosure import search, selectors
from govtrust.disclosure.models import Publication
from govtrust.disclosure.selectors import Filters
from govtrust.disclosure.services import publications_publish_bulk, search_fields
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index")


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def published(clerk: User, reviewer: User, office: User) -> list[Publication]:
    day = str(TODAY - datetime.timedelta(days=10))
    variants = [
        {"subject_name": "王伟", "facts": "拖欠工程款"},
        {"subject_name": "吕强", "severity": "serious", "facts": "拖欠工程款两年"},
        {"subject_name": "单伟", "source_type": "breach", "facts": "未兑现招商引资承诺"},
        {
            "subject_name": "城关区财政局",
            "subject_kind": "department",
            "subject_identifier": new_uscc(),
            "facts": "拖欠货款",
        },
        {"subject_name": "王维", "facts": "政府采购中违规操作", "domain": "trading"},
    ]
    ids = []
    for extra in variants:
        data = RecordIn.model_validate(record_payload(decision_date=day, arose_on=day, **extra))
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        ids.append(record_accept(record=record, actor=reviewer).pk)
    assert not publications_publish_bulk(record_ids=ids, actor=office).refused
    return list(Publication.objects.order_by("pk"))


def names(filters: Filters) -> list[str]:
    rows, count, _more = selectors.public_page(filters, 0, 20)
    assert count == len(rows)
    return sorted(row.view["subject_name"] for row in rows)


def test_name_pinyin() -> None:
    assert search.name_pinyin("王伟") == "wangwei ww"
    assert search.name_pinyin("欧阳娜娜") == "ouyangnana oynn"
    # every reading of a surname, ü as v and as u
    assert search.name_pinyin("单伟") == "shanwei danwei sw dw"
    assert set(search.name_pinyin("吕强").split()) == {"lvqiang", "luqiang", "lq"}
    # departments, governments, companies and one character: no pinyin
    assert search.name_pinyin("城关区财政局") == search.name_pinyin("王") == ""
    assert search.name_pinyin("王*伟") == "wangwei ww"  # what is shown, not what is masked


def test_search_fields_end_with_the_pinyin(published: list[Publication]) -> None:
    text, pairs = search_fields(published[0].view)
    assert text.endswith(" wangwei ww") and pairs.endswith("ww w")
    assert (published[0].search_text, published[0].bigrams) == (text, pairs)


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("wangwei", ["王伟", "王维"]),  # the same pinyin
        ("wangweiww", []),
        ("ww", ["王伟", "王维"]),
        ("WangWei", ["王伟", "王维"]),
        ("wang", ["王伟", "王维"]),
        ("lvqiang", ["吕强"]),
        ("luqiang", ["吕强"]),
        ("lq", ["吕强"]),
        ("shanwei", ["单伟"]),
        ("sw", ["单伟"]),
        ("ww 拖欠", ["王伟"]),
        ("cgqczj", []),  # a department's initials are not indexed
    ],
)
def test_pinyin_and_initials_find_names(q: str, expected: list[str]) -> None:
    assert names(Filters(q=q)) == expected


@pytest.mark.usefixtures("published")
def test_pinyin_with_filters() -> None:
    assert names(Filters(q="lq", severity="serious")) == ["吕强"]
    assert names(Filters(q="lq", severity="general")) == []
    assert names(Filters(q="ww", domain="trading")) == ["王维"]


@sqlite_only
def test_the_index_holds_each_publication_s_filter_tokens(published: list[Publication]) -> None:
    for publication in published:
        filters = Filters(
            prefecture=publication.prefecture_code,
            county=publication.county_code,
            subject_kind=publication.subject_kind,
            source_type=publication.source_type,
            domain=publication.domain,
            severity=publication.severity,
            year=publication.decision_date.year,
        )
        tags = search.filter_tags(filters)
        assert len(tags) == 7 if publication.county_code else 6
        expression = " AND ".join(f'"{t}"' for t in tags)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM disclosure_fts_bi WHERE disclosure_fts_bi MATCH %s",
                [expression],
            )
            found = {row[0] for row in cursor.fetchall()}
        same = Publication.objects.filter(
            prefecture_code=publication.prefecture_code,
            county_code=publication.county_code,
            subject_kind=publication.subject_kind,
            source_type=publication.source_type,
            domain=publication.domain,
            severity=publication.severity,
            decision_date__year=publication.decision_date.year,
        )
        assert found == set(same.values_list("pk", flat=True))
        assert publication.pk in found


@sqlite_only
def test_a_write_to_a_filter_column_moves_its_tokens(published: list[Publication]) -> None:
    """Whoever writes the row (here a plain UPDATE, no service), the triggers follow it."""
    wang = published[0]
    assert names(Filters(q="拖欠", severity="serious")) == ["吕强"]
    Publication.objects.filter(pk=wang.pk).update(severity="serious", domain="debt")
    assert names(Filters(q="拖欠", severity="serious")) == ["吕强", "王伟"]
    assert names(Filters(q="拖欠 工程款", domain="debt")) == ["王伟"]
    assert names(Filters(q="拖欠", severity="general")) == ["城关区财政局"]
    Publication.objects.filter(pk=wang.pk).update(decision_date=datetime.date(2019, 5, 1))
    assert names(Filters(q="拖欠", year=2019)) == ["王伟"]
    Publication.objects.filter(pk=wang.pk).delete()
    assert names(Filters(q="拖欠", year=2019)) == []


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("letter", ["p", "c", "k", "s", "d", "v", "y"])
def test_no_term_matches_a_filter_token(letter: str) -> None:
    """A single letter finds what holds it (by a scan of the bigrams column: name, decision
    number, authority, facts, pinyin), never the filter tokens (#p…, #c…, #k…) every record
    has."""
    by_scan = sorted(
        p.view["subject_name"] for p in selectors.publications_public() if letter in p.bigrams
    )
    assert names(Filters(q=letter)) == by_scan
    assert names(Filters(q=letter, severity="general")) == [
        n for n in by_scan if n not in ("吕强",)
    ]


@sqlite_only
def test_the_fixture_of_the_benchmark_recreates_the_migration_s_trigger() -> None:
    """bench/_search_fixtures.py drops the insert trigger while loading and recreates it from
    the migration: it must be the one the migration left in this database."""
    migration = importlib.import_module(
        "govtrust.disclosure.migrations.0012_search_filter_tokens_and_pinyin"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'disclosure_fts_ai'")
        (sql,) = cursor.fetchone()
    assert " ".join(sql.split()) == " ".join(migration.TRIGGERS[0].split())


@pytest.mark.usefixtures("published")
def test_the_portal_and_the_api_find_names_by_initials(client: Client) -> None:
    html = client.get("/", {"q": "lq"}).content.decode()
    assert "吕强" in html and "王伟" not in html
    assert "拼音或首字母" in html  # the search box says so
    items = client.get("/api/v1/public/records", {"q": "shanwei"}).json()["items"]
    assert [item["view"]["subject_name"] for item in items] == ["单伟"]
