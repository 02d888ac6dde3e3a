"""Screenings kept (评优评先信用审查): a list screened once, its results stored with the log
checkpoint they rest on, reviewers' judgements applied to them in place, and a certificate issued
once nothing awaits review."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, NotFound
from govtrust.core.identifiers import check_ric, check_uscc
from govtrust.core.masking import mask_ric
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.documents.models import Document, DocumentKind, DocumentStatus
from govtrust.documents.services.issue import document_issue
from govtrust.ledger.models import Checkpoint
from govtrust.measures.models import Measure
from govtrust.measures.selectors import rule_names
from govtrust.screening.engine import Candidate, Result, judgement_record, screen
from govtrust.screening.models import Screening
from govtrust.screening.selectors import counts, pending, screening_get

STALE = "该审查结果已被他人更新，请刷新后再复核"
FULL_LIST = 300  # candidates printed whole on a certificate
FEATURES = {
    "identifier": "证件号码一致",
    "name_exact": "名称一致",
    "name_fuzzy": "名称相近",
    "name_pinyin": "名称同音",
    "identifier_differs": "证件号码不同",
    "confirmed": "经人工确认",
}


def shown_identifier(identifier: str) -> str:
    """What a stored screening keeps of an identifier: a citizen ID masked, a USCC whole (it is
    public), anything else not at all. The citizen ID is tried first: about one in 340 also
    passes the USCC check, and must never be kept whole."""
    ric = check_ric(identifier)
    if ric.valid:
        return mask_ric(ric.normalized)
    uscc = check_uscc(identifier)
    return uscc.normalized if uscc.valid else ""


def stored_result(result: Result) -> dict[str, Any]:
    candidate = result.candidate
    return {
        "row": candidate.row,
        "name": candidate.name,
        "unit": candidate.unit,
        "identifier": shown_identifier(candidate.identifier),
        "candidate_key": candidate.key,
        "verdict": result.verdict,
        "until": result.until,
        "dismissed": result.dismissed,
        "matches": [
            {
                **vars(match),
                "score": round(match.score, 1),
                "feature_labels": [FEATURES.get(f, f) for f in match.features],
            }
            for match in result.matches
        ],
    }


def screening_once(*, candidates: list[Candidate], actor: User) -> list[Result]:
    """A screening that is not kept (the API's one-off calls): its results name people and
    their records like a kept one's, so it is audited like reading one, without the names."""
    policy.require(actor, "screening.run")
    results = screen(candidates, today=timezone.localdate(), scope_code=actor.scope_code)
    audit_append(
        actor=actor.username,
        action="screening.once",
        object_type="screening",
        object_id="",
        after={
            "candidates": len(results),
            "restricted": sum(r.verdict == "restricted" for r in results),
            "review": sum(r.verdict == "review" for r in results),
        },
    )
    return results


def screening_run(
    *,
    title: str,
    candidates: list[Candidate],
    source_name: str,
    actor: User,
    source_sha256: str = "",
) -> Screening:
    policy.require(actor, "screening.run")
    title = " ".join(plain(title).split())[:120]
    if not title:
        raise DomainError("请填写评选活动名称", errors=[("title", "必填")])
    # The checkpoint is read before screening: what is screened is at least as new as it.
    checkpoint = Checkpoint.objects.first()
    today = timezone.localdate()
    results = screen(candidates, today=today, scope_code=actor.scope_code)
    with transaction.atomic():
        screening = _create(
            today,
            title=title,
            source_name=source_name[:120],
            source_sha256=source_sha256,
            division_code=actor.scope_code,
            created_by=actor,
            screened_on=today,
            checkpoint_size=checkpoint.size if checkpoint else None,
            checkpoint_root=checkpoint.root if checkpoint else "",
            checkpoint_signed_at=checkpoint.signed_at if checkpoint else None,
            results=[stored_result(result) for result in results],
        )
        audit_append(
            actor=actor.username,
            action="screening.run",
            object_type="screening",
            object_id=screening.number,
            after={"title": title, "candidates": len(results), **counts(screening)},
        )
    return screening


def _create(today: datetime.date, **fields: Any) -> Screening:
    """A screening under a new number, SC + date + six random digits: a clash (one in a million
    per pair on the same day) draws again instead of failing the whole run."""
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: the clash rolls back alone
                number = f"SC{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
                return Screening.objects.create(number=number, **fields)
        except IntegrityError:
            continue
    raise Conflict("审查编号生成失败，请重试")


def _verdict(result: dict[str, Any]) -> None:
    restricting = [m for m in result["matches"] if not m["needs_review"]]
    ends = [str(m["until"]) for m in restricting if m["until"]]
    result["until"] = max(ends) if ends else None
    if restricting:
        result["verdict"] = "restricted"
    else:
        result["verdict"] = "review" if result["matches"] else "clear"


def screening_read(number: str, user: User) -> Screening:
    """A kept screening's results for reading (page, API, Excel): they name people and their
    records, so each read is audited."""
    found = screening_get(number, user)
    audit_append(
        actor=user.username,
        action="screening.read",
        object_type="screening",
        object_id=found.number,
    )
    return found


def screening_judge(
    *,
    number: str,
    row: int,
    record_number: str,
    confirmed: bool,
    note: str,
    version: int,
    actor: User,
) -> Screening:
    """Confirm or dismiss one name match: remembered for later screenings (a Judgement) and
    applied to this screening's stored result, whose verdict follows."""
    policy.require(actor, "screening.judge")
    with transaction.atomic():
        screening = screening_get(number, actor)
        if screening.version != version:
            raise Conflict(STALE)
        result = next((r for r in screening.results if r["row"] == row), None)
        match = next(
            (
                m
                for m in (result or {}).get("matches", [])
                if m["record_number"] == record_number and m["needs_review"]
            ),
            None,
        )
        if result is None or match is None:
            raise NotFound("没有待复核的该项匹配")
        judgement_record(
            candidate_key=result["candidate_key"],
            record_number=record_number,
            confirmed=confirmed,
            note=note,
            actor=actor,
            screening=screening.number,
        )
        if confirmed:
            match["needs_review"] = False
            match["reason"] = "经人工复核确认为同一主体"
            match["features"] = [*match["features"], "confirmed"]
            match["feature_labels"] = [*match.get("feature_labels", []), FEATURES["confirmed"]]
        else:
            result["matches"].remove(match)
            result["dismissed"] += 1
        _verdict(result)
        # A kept screening has no states, only a version: the results are written back only
        # if nobody else judged a match since they were read (the project's concurrency rule).
        if not Screening.objects.filter(pk=screening.pk, version=version).update(
            results=screening.results, version=F("version") + 1
        ):
            raise Conflict(STALE)
        screening.version += 1
    return screening


def _noted(result: dict[str, Any]) -> bool:
    return bool(result["matches"] or result["dismissed"])


def _with_rule_titles(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the results whose matched measures name their rule in Chinese (title and
    version of the rule that issued them), as a certificate must, never the rule's code."""
    numbers = {m["record_number"] for r in results for m in r["matches"]}
    versions: dict[tuple[str, str], int] = {}
    if numbers:
        issued = Measure.objects.filter(record__number__in=numbers).values_list(
            "record__number", "rule_code", "rule_version"
        )
        versions = {(number, code): version for number, code, version in issued}
    titles = rule_names((code, v) for (_n, code), v in versions.items())
    copied = []
    for result in results:
        matches = []
        for match in result["matches"]:
            measures = []
            for measure in match.get("measures", []):
                version = versions.get((match["record_number"], measure.get("rule", "")))
                label = titles[(measure["rule"], version)] if version else ""
                measures.append({**measure, "rule_label": label})
            matches.append({**match, "measures": measures})
        copied.append({**result, "matches": matches})
    return copied


def screening_certify(*, number: str, actor: User) -> Document:
    """The certificate (审查证明) of a screening no match of which still awaits review. A list of
    up to FULL_LIST candidates is printed whole; a longer one prints those with findings and
    names the rest by count, bound to the uploaded file by its SHA-256 (rendering costs ~5 ms a
    row: twenty thousand rows would hold a request for minutes)."""
    policy.require(actor, "screening.run")
    screening = screening_get(number, actor)
    waiting = pending(screening)
    if waiting:
        raise DomainError(f"尚有 {waiting} 项名称匹配待人工复核，复核完毕后方可出具审查证明")
    listed = screening.results
    if len(listed) > FULL_LIST:
        listed = [result for result in listed if _noted(result)]
    listed = _with_rule_titles(listed)
    earlier = (
        Document.objects.filter(screening=screening, status=DocumentStatus.ISSUED)
        .order_by("-issued_at", "-pk")
        .first()
    )
    content = {
        "screening": {
            "number": screening.number,
            "title": screening.title,
            "screened_on": screening.screened_on.isoformat(),
            "source_name": screening.source_name,
            "source_sha256": screening.source_sha256,
            "checkpoint_size": screening.checkpoint_size,
            "checkpoint_root": screening.checkpoint_root,
            "checkpoint_signed_at": (
                f"{timezone.localtime(screening.checkpoint_signed_at):%Y-%m-%d %H:%M}"
                if screening.checkpoint_signed_at
                else ""
            ),
            "counts": counts(screening),
        },
        "results": listed,
        "matched": sum(len(result["matches"]) for result in listed),
        "total": len(screening.results),
        "unlisted": len(screening.results) - len(listed),
    }
    return document_issue(
        kind=DocumentKind.SCREENING,
        title=f"{screening.title}评优评先信用审查证明",
        content=content,
        division_code=screening.division_code,
        actor=actor,
        screening=screening,
        replaces=earlier,
    )
