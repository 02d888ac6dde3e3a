"""The portal home: the summary of what is published (map by 市州, source, year, month), from
published public data only, and kept in the public page cache."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.disclosure.selectors_summary import TREND_MONTHS, public_summary
from govtrust.disclosure.services import publication_withdraw, publications_publish_bulk
from govtrust.documents.models import Document
from govtrust.documents.services.notices import notice_publish
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
EARLIER = TODAY - datetime.timedelta(days=400)  # another year; a serious record is still shown


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def tianshui_clerk(make_user: Callable[..., User]) -> User:
    return make_user("clerk_qz", "clerk", "620502", "秦州区财政局")


@pytest.fixture
def tianshui_reviewer(make_user: Callable[..., User]) -> User:
    return make_user("reviewer_ts2", "reviewer", "6205")


@pytest.fixture
def accepted(reviewer: User) -> Callable[..., Record]:
    def make(clerk: User, reviewer_: User | None = None, **overrides: Any) -> Record:
        day = str(TODAY - datetime.timedelta(days=10))
        overrides.setdefault("decision_date", day)
        data = RecordIn.model_validate(record_payload(arose_on=day, **overrides))
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        return record_accept(record=record, actor=reviewer_ or reviewer)

    return make


def _chart_data(page: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        page.split('id="chart-data" type="application/json">')[1].split("</script>")[0]
    )
    return data


def test_the_summary_counts_only_what_is_published(
    clerk: User,
    tianshui_clerk: User,
    tianshui_reviewer: User,
    office: User,
    accepted: Callable[..., Record],
) -> None:
    """GIVEN records of 兰州 (城关区) and 天水 (秦州区): some published, one only accepted, one
    published then withdrawn
    THEN the summary counts the published ones by prefecture, source, decision year and month of
    publication."""
    lanzhou = [
        accepted(clerk, source_type="penalty"),
        accepted(clerk, source_type="judicial", severity="serious", decision_date=str(EARLIER)),
    ]
    tianshui = [accepted(tianshui_clerk, tianshui_reviewer, source_type="penalty")]
    withdrawn = accepted(clerk, source_type="breach")
    accepted(clerk, source_type="breach")  # accepted, never published
    records = [*lanzhou, *tianshui, withdrawn]
    outcome = publications_publish_bulk(record_ids=[r.pk for r in records], actor=office)
    assert not outcome.refused
    publication_withdraw(
        publication=Publication.objects.get(record=withdrawn), reason="revoked", actor_name="t"
    )

    summary = public_summary()
    assert summary.total == 3
    by_name = {a.name: a.count for a in summary.prefectures}
    assert by_name["兰州市"] == 2 and by_name["天水市"] == 1 and by_name["酒泉市"] == 0
    assert len(summary.prefectures) == 15  # the 14 on the map and 兰州新区
    assert summary.sources == [("judicial", "司法判决", 1), ("penalty", "行政处罚", 2)]
    recent = (TODAY - datetime.timedelta(days=10)).year
    assert dict(summary.years) == {EARLIER.year: 1, recent: 2}
    assert len(summary.months) == TREND_MONTHS
    assert summary.months[-1] == (TODAY.strftime("%Y-%m"), 3)
    assert sum(n for _, n in summary.months) == 3


def test_the_home_page_shows_the_summary_and_is_cached(
    client: Client,
    clerk: User,
    office: User,
    accepted: Callable[..., Record],
) -> None:
    first = accepted(clerk, subject_name="张敏")
    publications_publish_bulk(record_ids=[first.pk], actor=office)

    response = client.get("/")
    page = response.content.decode()
    assert page.index('role="search"') < page.index('id="summary"')  # the search box first
    data = _chart_data(page)
    assert {d["name"]: d["value"] for d in data["map"]["data"]}["兰州市"] == 1
    assert data["map"]["geo"].startswith("/static/govtrust/geo/gansu_prefectures")
    assert data["sources"]["data"] == [
        {"name": "行政处罚", "value": 1, "href": "/?source_type=penalty"}
    ]
    assert 'id="summary-total">1<' in page and 'id="latest-notices"' in page
    # No inline script and no nonce: the page is the same for everyone, so it is cached.
    assert "nonce" not in response["Content-Security-Policy"]
    assert "<script>" not in page and "nonce=" not in page
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert again.content == response.content and len(queries) == 1
    assert client.get("/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    second = accepted(clerk, subject_name="李强")
    publications_publish_bulk(record_ids=[second.pk], actor=office)
    fresh = client.get("/")
    assert fresh["ETag"] != response["ETag"]
    assert 'id="summary-total">2<' in fresh.content.decode()

    searched = client.get("/", {"q": "张敏"}).content.decode()  # a search: results, no summary
    assert 'id="summary"' not in searched and "chart-data" not in searched
    assert 'id="summary"' not in client.get("/", {"severity": "general"}).content.decode()


def test_publishing_a_notice_refreshes_the_cached_home(
    client: Client, clerk: User, office: User, accepted: Callable[..., Record]
) -> None:
    """The home lists the latest notices: publishing one (no publication changes) must not
    leave the cached page without it."""
    record = accepted(
        clerk,
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=new_uscc(),
        severity="serious",
    )
    publications_publish_bulk(record_ids=[record.pk], actor=office)
    before = client.get("/")
    assert "关于对城关区财政局的通报批评" not in before.content.decode()
    notice = Document.objects.get(record=record, kind="criticism")
    notice_publish(code=notice.code, actor=office)
    after = client.get("/")
    assert after["ETag"] != before["ETag"]
    assert "关于对城关区财政局的通报批评" in after.content.decode()
