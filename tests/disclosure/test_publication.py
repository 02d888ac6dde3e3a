"""Publishing, redaction, search, expiry, and what the public side can reach."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govtrust.core import signing
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.disclosure.redaction import RuleSpec
from govtrust.disclosure.rules.periods import add_months, period_for
from govtrust.disclosure.selectors import Filters, publication_search
from govtrust.disclosure.services import (
    publication_publish,
    publications_expire,
    publications_publish_bulk,
    record_decision,
    rules_in_force,
)
from govtrust.disclosure.services_rules import redaction_change_approve, redaction_change_propose
from govtrust.ledger import merkle
from govtrust.ledger.models import Leaf
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_ric, record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def accepted(clerk: User, reviewer: User) -> Callable[..., Record]:
    def make(**overrides: Any) -> Record:
        data = RecordIn.model_validate(
            record_payload(
                decision_date=str(TODAY - datetime.timedelta(days=30)),
                arose_on=str(TODAY - datetime.timedelta(days=30)),
                **overrides,
            )
        )
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        return record_accept(record=record, actor=reviewer)

    return make


def test_publish_sets_the_period_and_logs_the_event(
    accepted: Callable[..., Record], office: User
) -> None:
    record = accepted(severity="serious")
    publication = publication_publish(record=record, actor=office)
    period = period_for(record_decision(record), on=TODAY)
    assert publication.rule_id == period.rule_label and publication.maximum_end
    assert publication.maximum_end > TODAY
    assert publication.leaf_index is not None
    leaf = Leaf.objects.get(index=publication.leaf_index)
    assert leaf.kind == "publish" and leaf.record_number == record.number
    assert str(bytes(publication.salt).hex()) not in leaf.data  # the salt stays private
    with pytest.raises(Conflict, match="已经公示"):
        publication_publish(record=record, actor=office)


def test_public_view_masks_identifiers_and_personal_data_in_text(
    accepted: Callable[..., Record], office: User
) -> None:
    ric, other = new_ric(), new_ric()
    record = accepted(
        subject_identifier=ric,
        facts=f"经办人电话13812345678，备用13987654321，邮箱wang.wei@example.com，"
        f"身份证{other}，另一号码{other.lower()}。",
    )
    view = publication_publish(record=record, actor=office).view
    text = repr(view)
    assert ric not in text and other not in text and other.lower() not in text
    assert "13812345678" not in text and "13987654321" not in text
    assert "138****5678" in view["facts"] and "139****4321" in view["facts"]
    assert "w***@example.com" in view["facts"]
    assert view["subject_identifier"] == f"{ric[:6]}********{ric[14:]}"


def test_only_the_credit_office_publishes_and_only_accepted_records(
    clerk: User, reviewer: User, office: User, accepted: Callable[..., Record]
) -> None:
    with pytest.raises(Forbidden):
        publication_publish(record=accepted(), actor=reviewer)
    draft = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    outcome = publications_publish_bulk(record_ids=[draft.pk], actor=office)
    assert outcome.published == [] and "不在您的数据范围内" in outcome.refused[0][1]


def test_an_expired_period_is_not_published(accepted: Callable[..., Record], office: User) -> None:
    # 一般, not 轻微: under the 2026 measures a minor record is not published at all.
    record = accepted(severity="general")
    old = TODAY - datetime.timedelta(days=400)
    Record.objects.filter(pk=record.pk).update(decision_date=old)
    record.refresh_from_db()
    with pytest.raises(DomainError, match="公示期已于"):
        publication_publish(record=record, actor=office)


def test_search_finds_two_character_names_words_and_decision_numbers(
    accepted: Callable[..., Record], office: User
) -> None:
    wang = accepted(
        subject_name="王伟", facts="拖欠中小企业工程款。", decision_number="兰财罚〔2025〕77号"
    )
    li = accepted(subject_name="李娜", facts="违规干预政府采购评审。")
    publications_publish_bulk(record_ids=[wang.pk, li.pk], actor=office)

    def found(q: str, **filters: Any) -> list[str]:
        return [p.number for p in publication_search(Filters(q=q, **filters))]

    assert found("王伟") == [wang.number]
    assert found("政府采购") == [li.number]
    assert found("兰财罚〔2025〕77号") == [wang.number]
    assert found("工程款 王伟") == [wang.number]
    assert found("不存在的词") == []
    assert set(found("")) == {wang.number, li.number}
    assert found("", severity="minor") == []
    assert set(found("", prefecture="6201", county="620102")) == {wang.number, li.number}
    assert found("", prefecture="6205") == []
    assert set(found("", year=wang.decision_date.year)) == {wang.number, li.number}
    assert found("", year=2001) == []


def test_single_characters_are_found_through_the_bigram_index_wherever_they_stand(
    accepted: Callable[..., Record], office: User
) -> None:
    """Given records named 丁波 and 波多 (波 ends one name and starts the other)
    when a single character is searched
    then both are found, through the bigram index: the SQL matches the FTS table (SQLite) or
    the tsvector (PostgreSQL) instead of scanning the text, and a character in no record finds
    nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ding = accepted(subject_name="丁波", facts="拖欠工程款。")
    duo = accepted(subject_name="波多", facts="违规干预评审。")
    publications_publish_bulk(record_ids=[ding.pk, duo.pk], actor=office)

    def found(q: str) -> set[str]:
        return {p.number for p in publication_search(Filters(q=q))}

    with CaptureQueriesContext(connection) as captured:
        assert found("波") == {ding.number, duo.number}
    sql = captured.captured_queries[-1]["sql"]
    assert "disclosure_fts_bi" in sql or "to_tsquery" in sql, sql
    assert "LIKE" not in sql.upper(), sql
    assert found("丁") == {ding.number}
    assert found("多") == {duo.number}
    assert found("鑫") == set()
    assert found("波 工程款") == {ding.number}


def test_browsing_everything_walks_the_newest_first_index_on_sqlite(
    accepted: Callable[..., Record], office: User
) -> None:
    """Given published records, with the statistics ANALYZE gave for 20,000 of them (every one
    published, about 60 sharing each period end)
    when the portal lists everything (no query)
    then SQLite reads them newest first from the (status, published_at) index instead of
    collecting every open record through the maximum_end index and sorting them."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite query plan")
    record = accepted(subject_name="王伟")
    publications_publish_bulk(record_ids=[record.pk], actor=office)
    qs = publication_search(Filters())[:20]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disclosure_publication")
        cursor.execute(
            "UPDATE sqlite_stat1 SET stat = CASE "
            "WHEN idx = 'disclosure__status_6d950c_idx' THEN '20000 20000 1' "
            "WHEN idx LIKE '%%status%%' OR idx LIKE '%%published_by%%' THEN '20000 20000' "
            "WHEN idx LIKE '%%maximum_end%%' THEN '20000 60' "
            "WHEN idx LIKE 'sqlite_autoindex%%' THEN '20000 1' ELSE '20000 1000' END "
            "WHERE tbl = 'disclosure_publication'"
        )
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "status" in plan and "MULTI-INDEX OR" not in plan, plan
    assert [p.number for p in qs] == [record.number]


def test_withdrawn_and_expired_records_leave_the_public_side(
    accepted: Callable[..., Record], office: User, client: Client
) -> None:
    record = accepted(severity="general")  # 轻微 is not published (《信用修复管理办法》)
    publication = publication_publish(record=record, actor=office)
    assert publication.maximum_end is not None
    assert client.get(f"/api/v1/public/records/{record.number}").status_code == 200
    # The last day belongs to the period (民法典 第二百零二条): it leaves the day after.
    assert publications_expire(today=publication.maximum_end) == 0
    assert publications_expire(today=publication.maximum_end + datetime.timedelta(days=1)) == 1
    publication.refresh_from_db()
    assert publication.status == "withdrawn" and publication.withdraw_reason == "expired"
    assert client.get(f"/api/v1/public/records/{record.number}").status_code == 404
    assert client.get("/api/v1/public/records", {"q": record.subject_name}).json()["count"] == 0
    assert Leaf.objects.filter(record_number=record.number).count() == 2  # publish, withdraw


def test_unpublished_records_are_unreachable_by_any_parameter(
    accepted: Callable[..., Record], clerk: User, client: Client
) -> None:
    accepted()
    draft = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    assert not Publication.objects.exists()
    for params in ({}, {"q": draft.subject_name}, {"q": draft.number}, {"severity": "general"}):
        assert client.get("/api/v1/public/records", params).json()["count"] == 0
    assert client.get(f"/api/v1/public/records/{draft.number}").status_code == 404


def test_proof_from_the_api_verifies_against_the_signed_checkpoint(
    accepted: Callable[..., Record], office: User, client: Client
) -> None:
    records = [accepted() for _ in range(5)]
    publications_publish_bulk(record_ids=[r.pk for r in records], actor=office)
    proof = client.get(f"/api/v1/public/records/{records[2].number}/proof").json()
    checkpoint = proof["checkpoint"]
    assert checkpoint["size"] == proof["tree_size"] == 5
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["leaf_data"].encode()),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(checkpoint["root"]),
    )
    key = client.get("/api/v1/public/log/public-key").json()["public_key_pem"]
    assert signing.verify(checkpoint, key)
    consistency = client.get("/api/v1/public/log/consistency", {"old": 2, "new": 5})
    assert consistency.status_code == 200
    assert client.get("/api/v1/public/log/consistency", {"old": 6, "new": 5}).status_code == 400


def test_a_new_redaction_rule_corrects_published_views_and_logs_it(
    accepted: Callable[..., Record], office: User, make_user: Callable[..., User]
) -> None:
    record = accepted(facts="联系人车牌甘A12345，逾期未付款。")
    publication = publication_publish(record=record, actor=office)
    assert "甘A12345" in publication.view["facts"]
    plate = RuleSpec("", "车牌号码", "([", 2, 0)
    with pytest.raises(DomainError, match="正则表达式无效"):
        redaction_change_propose(actor=office, rules=[plate], note="遮蔽车牌")
    plate = dataclasses.replace(plate, pattern=r"[\u4e00-\u9fa5][A-Z][A-Z0-9]{5}")
    change = redaction_change_propose(actor=office, rules=[plate], note="遮蔽车牌")
    second = make_user("office2", "credit_office", "62")
    approved = redaction_change_approve(change=change, actor=second, version=change.version)
    assert approved.corrected == 1
    publication.refresh_from_db()
    assert "甘A*****" in publication.view["facts"] and "甘A12345" not in publication.search_text
    assert Leaf.objects.filter(record_number=record.number).values_list("kind", flat=True)[1] == (
        "correct"
    )
    assert AuditEvent.objects.filter(action="redaction.approve", object_id=str(change.pk)).exists()
    bank_cards = [dataclasses.replace(r, active=True) for r in rules_in_force()]
    again = redaction_change_propose(actor=second, rules=bank_cards, note="遮蔽银行卡号")
    unchanged = redaction_change_approve(change=again, actor=office, version=again.version)
    assert unchanged.corrected == 0


def test_relevance_orders_small_match_sets_and_newest_first_beyond_the_rank_limit(
    accepted: Callable[..., Record], office: User, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    """GIVEN three records mentioning 工程款, one of them three times
    WHEN searching with the match set under the rank limit, then over it (limit lowered to 2)
    THEN the first search puts the record that says it most first, the second puts the newest
    first; and the API counts up to the cap and says there are more."""
    from govtrust.disclosure import search, selectors

    many = accepted(subject_name="张三", facts="拖欠工程款，工程款至今未付，工程款合计十万元。")
    older = accepted(subject_name="李四", facts="拖欠工程款及其他欠款的情况说明若干。")
    newest = accepted(subject_name="赵五", facts="拖欠工程款及其他欠款的情况说明若干。")
    for record in (many, older, newest):
        publication_publish(record=record, actor=office)

    def found() -> list[str]:
        return [p.number for p in publication_search(Filters(q="工程款"))]

    assert found()[0] == many.number
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    assert found() == [newest.number, older.number, many.number]

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    page = client.get("/api/v1/public/records", {"q": "工程款"}).json()
    assert (page["count"], page["more"], len(page["items"])) == (2, True, 3)
    html = client.get("/", {"q": "工程款"}).content.decode()
    assert "找到超过 2 条公示中的记录" in html and "共找到" not in html
    assert '<span class="count">超过 2 条 · 第 1 页</span>' in html


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"severity": "minor"}, "轻微失信信息原则上不予公示"),
        ({"severity": "minor", "procedure": "simple", "penalties": ["warning"]}, "不予公示"),
        ({"source_type": "discipline", "severity": "serious"}, "纪律处分"),
        ({"source_type": "accountability"}, "本平台仅内部使用"),
    ],
)
def test_records_the_rules_do_not_publish_are_refused_with_the_reason(
    accepted: Callable[..., Record], office: User, overrides: dict[str, Any], fragment: str
) -> None:
    """GIVEN a minor record under the 2026 measures, a simple-procedure warning, a civil servant's
    discipline or accountability record
    WHEN the credit office publishes it
    THEN it is refused with the rule's reason and nothing is published (all were published)."""
    record = accepted(**overrides)
    with pytest.raises(DomainError, match=fragment):
        publication_publish(record=record, actor=office)
    assert not Publication.objects.exists()


def test_a_minor_record_the_department_asks_to_publish_is_public_for_three_months_at_most(
    accepted: Callable[..., Record], office: User
) -> None:
    record = accepted(severity="minor", minor_published=True)
    publication = publication_publish(record=record, actor=office)
    assert publication.minimum_end is None
    assert publication.maximum_end == add_months(record.decision_date, 3)
    assert publication.rule_id == "credit-repair-2026@2026-04-01"


def test_court_list_ground_one_has_no_end_and_stays_public(
    accepted: Callable[..., Record], office: User, client: Client
) -> None:
    """GIVEN a court-list entry of ground (一), decided years ago
    WHEN published and the daily job runs far in the future
    THEN it has no end date, stays on the portal and says it ends when the court deletes it."""
    record = accepted(source_type="debtor_list", court_ground=1)
    Record.objects.filter(pk=record.pk).update(decision_date=datetime.date(2019, 3, 1))
    record.refresh_from_db()
    publication = publication_publish(record=record, actor=office)
    assert publication.maximum_end is None and publication.minimum_end is None
    assert "第一条第一项" in publication.rule_source
    assert publications_expire(today=datetime.date(2040, 1, 1)) == 0
    page = client.get(f"/gs/records/{record.number}/").content.decode()
    assert "至人民法院删除之日止" in page


def test_a_record_is_on_the_portal_on_the_last_day_of_its_period(
    accepted: Callable[..., Record], office: User, client: Client
) -> None:
    """GIVEN a publication whose last day is today
    WHEN the public looks it up, before and after the daily job
    THEN it is there (民法典 第二百零二条); with the last day yesterday it is gone."""
    publication = publication_publish(record=accepted(), actor=office)
    url = f"/api/v1/public/records/{publication.number}"
    Publication.objects.filter(pk=publication.pk).update(maximum_end=TODAY)
    assert client.get(url).status_code == 200
    assert publications_expire(today=TODAY) == 0
    Publication.objects.filter(pk=publication.pk).update(
        maximum_end=TODAY - datetime.timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    assert publications_expire(today=TODAY) == 1
