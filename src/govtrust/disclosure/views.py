"""The public portal (信用甘肃 · 政务诚信): search, record pages, CSV, Atom feed, the log page.

No sign-in, no cookies needed; every read goes through disclosure.selectors, which only ever
returns what is published today.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import feedgenerator, timezone
from django.views.decorators.http import require_GET

from govtrust.core import signing
from govtrust.core.errors import NotFound
from govtrust.core.sheets import csv_lines
from govtrust.directory.models import Division, Level
from govtrust.disclosure import selectors
from govtrust.disclosure.charts import summary_charts
from govtrust.disclosure.selectors_summary import public_summary
from govtrust.documents.selectors import notices_published
from govtrust.ledger import key_chain
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Checkpoint
from govtrust.records.models import Domain, Severity, SourceType, SubjectKind

CSV_LIMIT = 10_000


def _filters(request: HttpRequest) -> selectors.Filters:
    get = request.GET
    year = get.get("year", "")
    return selectors.Filters(
        q=get.get("q", "").strip()[:100],
        prefecture=get.get("prefecture", "")[:6],  # 兰州新区 is 620171
        county=get.get("county", "")[:6],
        subject_kind=get.get("subject_kind", "")[:16],
        source_type=get.get("source_type", "")[:16],
        domain=get.get("domain", "")[:16],
        severity=get.get("severity", "")[:10],
        year=int(year) if re.fullmatch(r"[0-9]{4}", year) and 2000 <= int(year) <= 2100 else None,
    )


def _choices(filters: selectors.Filters) -> dict[str, Any]:
    counties = (
        Division.objects.filter(level=Level.COUNTY, parent_id=filters.prefecture)
        if filters.prefecture
        else Division.objects.none()
    )
    return {
        "prefectures": Division.objects.filter(level=Level.PREFECTURE),
        "counties": counties,
        "kinds": SubjectKind.choices,
        "sources": SourceType.choices,
        "domains": Domain.choices,
        "severities": Severity.choices,
    }


HOME_NOTICES = 5  # the latest notices on the portal home


def _home(filters: selectors.Filters, page_number: int) -> dict[str, Any]:
    """The portal home (no search yet, first page): the summary of what is published, for the
    charts and the map, and the latest notices. Only public data: the page is cached for
    everyone (public_cache)."""
    if filters != selectors.Filters() or page_number != 1:
        return {}
    summary = public_summary()
    return {
        "summary": summary,
        "chart_data": summary_charts(summary),
        "notices": notices_published().select_related(None)[:HOME_NOTICES],
    }


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    paginator = selectors.public_paginator(filters, 20)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/portal.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "checkpoint": Checkpoint.objects.first(),
            **_choices(filters),
            **_home(filters, page.number),
        },
    )


@require_GET
def record(request: HttpRequest, number: str) -> HttpResponse:
    try:
        publication = selectors.publication_public_get(number)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return render(
        request,
        "disclosure/record.html",
        {"p": publication, "v": publication.view, "checkpoint": Checkpoint.objects.first()},
    )


CSV_COLUMNS = [
    ("number", "记录编号"),
    ("subject_name", "主体名称"),
    ("subject_kind_label", "主体类型"),
    ("subject_identifier", "统一社会信用代码/身份证号码"),
    ("source_type_label", "失信来源"),
    ("domain_label", "领域"),
    ("severity_label", "严重程度"),
    ("decision_number", "文书号"),
    ("decision_date", "决定日期"),
    ("authority_name", "决定机关"),
    ("facts", "失信事实"),
    ("outcome", "处理结果"),
    ("amount_wan_yuan", "金额（万元）"),
    ("prefecture", "市州"),
    ("county", "县市区"),
    ("publication_start", "公示日期"),
    ("maximum_end", "公示截止"),
]


@require_GET
def records_csv(request: HttpRequest) -> StreamingHttpResponse:
    """What the visitor searched, as CSV (UTF-8 with BOM for Excel), at most CSV_LIMIT rows."""
    qs = selectors.publication_search(_filters(request))[:CSV_LIMIT]
    rows = (
        [publication.view.get(key) for key, _label in CSV_COLUMNS]
        for publication in qs.iterator(chunk_size=1000)
    )
    lines = csv_lines([label for _key, label in CSV_COLUMNS], rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="govtrust-records.csv"'
    return response


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    atom = feedgenerator.Atom1Feed(
        title="信用甘肃 · 政务失信记录公示",
        link=request.build_absolute_uri("/"),
        description="新公示的政务失信记录",
        language="zh-hans",
    )
    for publication in selectors.publications_public().order_by("-published_at")[:50]:
        view = publication.view
        atom.add_item(
            title=f"{view['subject_name']}：{view['source_type_label']}（{view['decision_number']}）",
            link=request.build_absolute_uri(f"/gs/records/{publication.number}/"),
            description=view["facts"],
            pubdate=publication.published_at,
            unique_id=f"urn:govtrust:record:{publication.number}",
        )
    return HttpResponse(
        atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )


# The signed checkpoint's fields, in words (the API serves the JSON itself).
CHECKPOINT_FIELDS = {
    "log_id": "日志标识",
    "size": "日志大小（事件数）",
    "root": "根哈希（SHA-256）",
    "timestamp": "签名时间",
    "key_id": "签名密钥标识",
    "signature": "签名（Ed25519，Base64）",
}


def checkpoint_rows(checkpoint: Checkpoint | None) -> list[tuple[str, str, str]]:
    """(label, field name, value) of each field of a checkpoint, the signing time in Beijing
    time with the zone stated; a field not known here is shown under its own name."""
    if checkpoint is None:
        return []
    rows = []
    for name, value in checkpoint.body.items():
        label = CHECKPOINT_FIELDS.get(name, f"其他字段 {name}")
        text = str(value)
        if name == "timestamp":
            signed = timezone.localtime(checkpoint.signed_at)
            text = f"{signed:%Y-%m-%d %H:%M:%S}（北京时间）"
        rows.append((label, name, text))
    order = list(CHECKPOINT_FIELDS)
    rows.sort(key=lambda row: order.index(row[1]) if row[1] in order else len(order))
    return rows


@require_GET
def log_page(request: HttpRequest) -> HttpResponse:
    checkpoint = Checkpoint.objects.first()
    return render(
        request,
        "disclosure/log.html",
        {
            "checkpoint": checkpoint,
            "checkpoint_rows": checkpoint_rows(checkpoint),
            "size": ledger.size(),
            "public_key": signing.public_key_pem(ledger.LEDGER_KEY),
            "keys": key_chain.log_keys(),
            "log_id": ledger.LOG_ID,
            # A record's number from its page's link: the proof is checked on arrival.
            "record_number": request.GET.get("record", "")[:24],
        },
    )
