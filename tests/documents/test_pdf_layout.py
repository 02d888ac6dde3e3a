"""PDF layout as a reader sees it, on content made to stress it: a credit report whose records
run over pages (one with facts longer than a page) repeats each record's heading row on every
page it spans and leaves no page near empty."""

from __future__ import annotations

import datetime
import re
from typing import Any

from govtrust.documents.models import Document, DocumentKind
from govtrust.documents.services.issue import render
from tests.documents.conftest import pages_text

RUNNING = re.compile(
    r"信用甘肃 · 政务诚信平台|政务信用报告|验证码 [A-Z2-7-]+|第 \d+ 页 / 共 \d+ 页"
)


def _record(i: int, facts_repeat: int) -> dict[str, Any]:
    return {
        "number": f"620102-2026-{i:05d}",
        "severity": "严重失信",
        "domain": "政务履约",
        "source": "行政处罚",
        "decision": "兰州市财政局《兰财罚〔2026〕1号》2026-01-01",
        "facts": "未按合同约定支付工程款，拖欠民营企业账款。" * facts_repeat,
        "outcome": "罚款",
        "reporting_unit": "城关区财政局",
        "publication": "公示中",
        "measures": [
            {
                "kind": "取消荣誉评选资格",
                "status": "执行中",
                "period": "2026-01-01 至 2029-01-01",
                "rule": "严重失信：取消荣誉评选资格3年（第1版）",
                "late": False,
                "note": "",
                "open": True,
            }
        ],
        "cases": [],
        "corrections": [],
    }


def test_report_records_keep_their_heading_on_every_page() -> None:
    records = [_record(i, 200 if i == 2 else 8) for i in range(1, 13)]
    content = {
        "public": False,
        "subject": {"kind": "政府", "name": "城关区人民政府", "identifier": "", "unit": ""},
        "as_of": "2026-11-29 10:00",
        "records": records,
        "notices": [],
        "summary": {"records": len(records), "measures_open": len(records), "cases": 0},
    }
    document = Document(
        code="ABCD-EFGH-JKLM-NPQR", kind=DocumentKind.REPORT, title="报告", content=content
    )
    data = render(document, issued_at=datetime.datetime.now(datetime.UTC), issuer="甘肃省信用办")
    pages = [RUNNING.sub("", page) for page in pages_text(data)]
    assert len(pages) >= 4
    for at, body in enumerate(pages, start=1):
        assert len(body) > (600 if at < len(pages) else 100), (at, body)
        # The page's first table row is a record's heading (its number), repeated when a
        # record continues from the page before.
        if at > 1 and ("失信事实" in body or "未按合同约定" in body[:80]):
            assert re.search(r"记录编号\s*620102-2026-\d{5}", body), (at, body[:200])
    long_pages = [body for body in pages if "620102-2026-00002" in body]
    assert len(long_pages) >= 2  # the long record spans pages, its number on each
    text = "".join(pages)
    assert "依据规则“严重失信：取消荣誉评选资格3年（第1版）”" in text
