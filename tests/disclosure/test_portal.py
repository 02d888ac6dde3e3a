"""The public portal pages, downloads, feed, log page, and checkpoint verification."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.cli import main
from govtrust.directory.models import User
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.ledger import services as ledger
from govtrust.ledger.merkle import node_hash
from govtrust.ledger.models import Checkpoint, Node
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def published(clerk: User, reviewer: User, office: User) -> Callable[..., list[Record]]:
    def make(n: int = 1, **overrides: Any) -> list[Record]:
        records = []
        for _ in range(n):
            data = RecordIn.model_validate(
                record_payload(
                    decision_date=str(TODAY - datetime.timedelta(days=10)),
                    arose_on=str(TODAY - datetime.timedelta(days=10)),
                    **overrides,
                )
            )
            record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
            records.append(record_accept(record=record, actor=reviewer))
        outcome = publications_publish_bulk(record_ids=[r.pk for r in records], actor=office)
        assert not outcome.refused
        return records

    return make


def test_search_page_filters_and_pages(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    published(25, subject_name="张敏")
    page = client.get("/", {"q": "张敏"}).content.decode()
    assert "共找到 25 条" in page and 'id="next-page"' in page
    # Numbered pages and a jump box that keeps the query (the shared pager).
    assert '<span class="count">共 25 条 · 第 1/2 页</span>' in page
    assert 'href="?q=%E5%BC%A0%E6%95%8F&amp;page=2">2</a>' in page
    assert '<input type="hidden" name="q" value="张敏">' in page and "跳至第" in page
    second = client.get("/", {"q": "张敏", "page": "2"}).content.decode()
    assert second.count('class="card result"') == 5
    assert "共找到 0 条" in client.get("/", {"severity": "serious"}).content.decode()
    with_county = client.get("/", {"prefecture": "6201"}).content.decode()
    assert "城关区" in with_county  # the county list appears once a prefecture is chosen


def test_record_page_shows_period_authority_and_escapes_text(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    (record,) = published(facts='<script>alert("x")</script>违规', authority_name="兰州市财政局")
    page = client.get(f"/gs/records/{record.number}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'id="authority">兰州市财政局' in page
    assert "公示期" in page and 'id="proof-link"' in page
    assert client.get("/gs/records/620102-2099-99999/").status_code == 404


def test_csv_and_atom(client: Client, published: Callable[..., list[Record]]) -> None:
    records = published(3)
    response = client.get("/gs/records.csv", {"q": records[0].subject_name})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeff记录编号,主体名称") and all(r.number in body for r in records)
    feed = client.get("/gs/feed.atom").content.decode()
    assert feed.startswith("<?xml") and records[0].number in feed


def test_log_page_and_footer_checkpoint(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    published(2)
    checkpoint = ledger.checkpoint_sign()
    page = client.get("/gs/log/").content.decode()
    assert "BEGIN PUBLIC KEY" in page and "2 条事件" in page
    footer = client.get("/").content.decode()
    assert 'id="checkpoint"' in footer and "（北京时间）" in footer
    # The checkpoint as a labelled table in Beijing time, not a printed Python dict.
    assert "{&#x27;" not in page and "'log_id'" not in page
    for label in ("日志标识", "日志大小（事件数）", "根哈希（SHA-256）", "签名密钥标识"):
        assert f">{label}</th>" in page
    signed = timezone.localtime(checkpoint.signed_at)
    assert f"{signed:%Y-%m-%d %H:%M:%S}（北京时间）" in page


def test_verify_endpoint_and_cli(
    client: Client,
    published: Callable[..., list[Record]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    published(3)
    saved = client.get("/api/v1/public/log/checkpoint").json()
    published(4)
    answer = client.post(
        "/api/v1/public/log/verify", {"checkpoint": saved}, content_type="application/json"
    ).json()
    assert answer["ok"] and answer["current"]["size"] == 7
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(saved))
    assert main(["verify", str(path)]) == 0
    assert "一致" in capsys.readouterr().out
    forged = dict(saved, root="00" * 32)
    assert not client.post(
        "/api/v1/public/log/verify", {"checkpoint": forged}, content_type="application/json"
    ).json()["ok"]


def test_rewriting_history_is_detected(
    client: Client,
    published: Callable[..., list[Record]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    published(4)
    saved = ledger.checkpoint_sign().body
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(saved))
    # Someone with database access silently changes an old leaf and re-signs a new head.
    Node.objects.filter(level=0, index=1).update(hash=b"\x11" * 32)
    Node.objects.filter(level__gt=0).delete()
    for level, index in ((1, 0), (1, 1), (2, 0)):
        left = bytes(Node.objects.get(level=level - 1, index=2 * index).hash)
        right = bytes(Node.objects.get(level=level - 1, index=2 * index + 1).hash)
        Node.objects.create(level=level, index=index, hash=node_hash(left, right))
    Checkpoint.objects.all().delete()
    published(1)
    assert main(["verify", str(path)]) == 1
    assert "被改写" in capsys.readouterr().err


def test_office_publishes_from_the_back_office(
    client: Client, clerk: User, reviewer: User, office: User
) -> None:
    record = record_accept(
        record=record_submit(
            record=record_create(
                data=RecordIn.model_validate(
                    record_payload(
                        decision_date=str(TODAY - datetime.timedelta(days=5)),
                        arose_on=str(TODAY - datetime.timedelta(days=5)),
                    )
                ),
                actor=clerk,
            ),
            actor=clerk,
        ),
        actor=reviewer,
    )
    client.force_login(office)
    assert record.number in client.get("/backoffice/publish/").content.decode()
    done = client.post("/backoffice/publish/", {"ids": [str(record.pk)]}, follow=True)
    assert "已公示1条" in done.content.decode()
    assert client.get(f"/gs/records/{record.number}/").status_code == 200
    client.force_login(reviewer)
    assert client.get("/backoffice/publish/").status_code == 403


def test_redaction_rules_page(client: Client, office: User, make_user: Callable[..., User]) -> None:
    client.force_login(office)
    page = client.get("/backoffice/redaction/").content.decode()
    assert "身份证号码" in page and "手机号码" in page
    bad = client.post(
        "/backoffice/redaction/",
        {"action": "propose", "custom-label": "x y", "custom-pattern": "([", "note": "新增"},
    )
    assert bad.status_code == 400 and "正则表达式无效" in bad.content.decode()
    ok = client.post(
        "/backoffice/redaction/",
        {
            "action": "propose",
            "custom-name": "",
            "custom-label": "QQ号码",
            "custom-pattern": r"QQ\d{5,11}",
            "custom-head": "2",
            "custom-tail": "0",
            "custom-state": "on",
            "note": "遮蔽QQ号码",
        },
        follow=True,
    )
    assert "变更已提交" in ok.content.decode()
    client.force_login(make_user("rev", "reviewer", "6201"))
    assert client.get("/backoffice/redaction/").status_code == 403


def test_odd_year_values_are_ignored_not_errors(client: Client) -> None:
    for year in ("²", "２０２５", "99999", "-1", "abc"):
        assert client.get("/", {"year": year}).status_code == 200
        assert client.get("/gs/records.csv", {"year": year}).status_code == 200


def test_csv_cells_cannot_become_formulas(
    client: Client, published: Callable[..., list[Record]]
) -> None:
    published(facts='=HYPERLINK("http://evil","x")', outcome="+1")
    body = b"".join(
        client.get("/gs/records.csv").streaming_content  # type: ignore[attr-defined]
    ).decode()
    assert "'=HYPERLINK" in body and ",'+1," in body
