"""Open data: published records and the transparency log, with no sign-in."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from govtrust.core import signing
from govtrust.core.audit import canonical
from govtrust.core.errors import NotFound
from govtrust.disclosure import selectors
from govtrust.ledger import key_chain
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Checkpoint
from govtrust.ledger.verify import verify_checkpoints

router = Router(tags=["公开数据"], auth=None)


class PublicQuery(Schema):
    q: str = Field("", max_length=100, description="名称、统一社会信用代码、文书号或事实中的词")
    prefecture: str = Field("", max_length=6, description="市州区划代码，如 6201；兰州新区 620171")
    county: str = Field("", max_length=6, description="县市区区划代码，如 620102")
    subject_kind: str = Field("", max_length=16)
    source_type: str = Field("", max_length=16)
    domain: str = Field("", max_length=16)
    severity: str = Field("", max_length=10)
    year: int | None = Field(None, ge=2000, le=2100, description="决定年度")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


class PublicRecord(Schema):
    number: str
    view: dict[str, Any]
    status_line: str
    published_at: datetime.datetime
    leaf_index: int | None
    proof_url: str


class PublicPage(Schema):
    count: int = Field(description="匹配的记录数，最多计到1000")
    more: bool = Field(description="匹配的记录多于1000条（请缩小检索范围）")
    items: list[PublicRecord]


def filters_of(query: PublicQuery) -> selectors.Filters:
    return selectors.Filters(
        q=query.q,
        prefecture=query.prefecture,
        county=query.county,
        subject_kind=query.subject_kind,
        source_type=query.source_type,
        domain=query.domain,
        severity=query.severity,
        year=query.year,
    )


def _out(publication: Any) -> dict[str, Any]:
    """A `PublicRecord` as the plain dict its `model_dump()` is (the fields in their order; the
    view as stored, the time as an aware datetime the renderer formats).

    The two public reads are the portal's hottest API: building ninja `Schema` instances (whose
    root validator wraps every value of the view in a getter) and validating them again as the
    response took ~40 % of a search request's CPU. They answer with the renderer's own bytes of
    the same data instead; `response=` still documents the shape, and a test compares the bytes
    with those of the validated models."""
    return {
        "number": publication.number,
        "view": publication.view,
        "status_line": publication.status_line,
        "published_at": publication.published_at,
        "leaf_index": publication.leaf_index,
        "proof_url": f"/api/v1/public/records/{publication.number}/proof",
    }


def _rendered(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """What ninja answers for `data` with status 200: the API's renderer and content type."""
    from govtrust.config.api import api  # the API this router is mounted on (it imports us)

    return api.create_response(request, data, status=200)


@router.get("/public/records", response=PublicPage, summary="检索公示中的失信记录")
def public_records(request: HttpRequest, query: Query[PublicQuery]) -> HttpResponse:
    rows, count, more = selectors.public_page(filters_of(query), query.offset, query.limit)
    return _rendered(request, {"count": count, "more": more, "items": [_out(r) for r in rows]})


@router.get("/public/records/{number}", response=PublicRecord, summary="公示记录详情")
def public_record(request: HttpRequest, number: str) -> HttpResponse:
    return _rendered(request, _out(selectors.publication_public_get(number)))


RECOMPUTE = (
    "commitment = HMAC-SHA256(密钥 = salt 的字节, 消息 = view_canonical 的 UTF-8 字节) 的十六进制，"
    "应等于 leaf_data 中的 commitment；view_canonical 是公示内容（键排序、无空格、不转义中文的 "
    "JSON）；leaf_hash = SHA-256(0x00 ‖ leaf_data 的 UTF-8 字节)；按 RFC 9162 第2.1.3.2节用 "
    "audit_path 由 leaf_hash 算到 checkpoint.root；再用 /api/v1/public/log/public-key 的公钥核对 "
    "checkpoint 的 Ed25519 签名（签名对象是去掉 signature 后的 checkpoint 的同样规范 JSON）。"
)


@router.get("/public/records/{number}/proof", summary="该记录最新公示事件在透明日志中的包含证明")
def public_record_proof(request: HttpRequest, number: str) -> dict[str, Any]:
    """The inclusion proof against the latest signed checkpoint (signed now if it is older than
    the record's event), so the proof and the signature can be checked together; with the salt
    and the exact canonical text of the public view, so anyone can rebuild the leaf from it."""
    source = selectors.publication_proof_source(number)  # compiled once: no ORM per request
    if source.leaf_index is None:
        raise NotFound("该记录没有透明日志事件")
    index = source.leaf_index
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None or checkpoint.size <= index:
        signed = ledger.checkpoint_sign()
        checkpoint = ledger.Signed(signed.size, signed.body)
    return {
        **ledger.inclusion(index, checkpoint.size),
        "checkpoint": checkpoint.body,
        "salt": source.salt.hex(),
        "view_canonical": canonical(source.view),
        "recompute": RECOMPUTE,
    }


@router.get("/public/log/checkpoint", summary="最新签名检查点")
def log_checkpoint(request: HttpRequest) -> dict[str, Any]:
    checkpoint = Checkpoint.objects.first() or ledger.checkpoint_sign()
    return dict(checkpoint.body)


class ConsistencyQuery(Schema):
    old: int = Field(ge=1, description="已保存检查点的日志大小")
    new: int = Field(ge=1, description="较新检查点的日志大小")


@router.get("/public/log/consistency", summary="两个日志大小之间的一致性证明")
def log_consistency(request: HttpRequest, query: Query[ConsistencyQuery]) -> dict[str, Any]:
    return ledger.consistency(query.old, query.new)


class VerifyIn(Schema):
    checkpoint: dict[str, Any] = Field(
        description="以前保存的检查点（/public/log/checkpoint 的返回内容）"
    )

    @field_validator("checkpoint")
    @classmethod
    def _size_is_a_count(cls, value: dict[str, Any]) -> dict[str, Any]:
        # The size is read before the signature is checked (to fetch the proof); a signed
        # checkpoint always holds a whole number, anything else is the caller's mistake.
        size = value.get("size", 0)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError("检查点的 size 应为非负整数")
        return value


class VerifyOut(Schema):
    ok: bool
    message: str
    current: dict[str, Any]
    proof: list[str]


@router.post("/public/log/verify", response=VerifyOut, summary="用一致性证明核对保存的检查点")
def log_verify(request: HttpRequest, payload: VerifyIn) -> VerifyOut:
    current = ledger.checkpoint_sign().body
    old_size = int(payload.checkpoint.get("size", 0))
    proof: list[str] = []
    if 0 < old_size <= int(current["size"]):
        proof = ledger.consistency(old_size, int(current["size"]))["proof"]
    verdict = verify_checkpoints(payload.checkpoint, current, proof, key_chain.log_keys())
    return VerifyOut(ok=verdict.ok, message=verdict.message, current=current, proof=proof)


@router.get("/public/log/public-key", summary="检查点签名公钥（PEM）及历次轮换的密钥链")
def log_public_key(request: HttpRequest) -> dict[str, Any]:
    """The current key (`public_key_pem`) and every key the log was signed with (`keys`, oldest
    first): the range of log sizes each signs for, and the handover the previous key signed."""
    return {
        "public_key_pem": signing.public_key_pem(ledger.LEDGER_KEY),
        "log_id": ledger.LOG_ID,
        "keys": key_chain.log_keys(),
    }
