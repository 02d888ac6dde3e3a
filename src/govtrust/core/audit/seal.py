"""Signed heads of the audit chain, and verifying the chain against them.

The chain's hashes only show changes made without recomputing them. A seal records (seq,
digest) of the head with an Ed25519 signature, whose key is outside the database, and appends it
to the transparency log, whose signed checkpoints are published; so a chain rewritten with fresh
hashes, emptied or cut short no longer reaches what was sealed, and the seal cannot be quietly
re-made to match without the key and without the log showing a rewrite.

Sealing writes no audit event: an event would move the head it seals, and the seal table is an
append-only trail of its own.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from govtrust.core.audit.chain import ChainReport, chain_verify
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditHead, AuditSeal

if TYPE_CHECKING:
    from govtrust.ledger.deep import Expected

AUDIT_KEY = "audit"
CHAIN_ID = "govtrust-audit"
REASONS = frozenset({"schedule", "export", "manual"})


def signed_body(seal: AuditSeal) -> dict[str, Any]:
    """What the signature covers, with the key id and signature (as `signing.verify` expects)."""
    return {
        "chain": CHAIN_ID,
        "seq": seal.seq,
        "digest": seal.digest,
        "signed_at": seal.signed_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "reason": seal.reason,
        "key_id": seal.key_id,
        "signature": seal.signature,
    }


@transaction.atomic
def audit_seal(*, reason: str) -> AuditSeal | None:
    """Sign the chain's head, anchor it in the transparency log and sign a checkpoint covering
    it (on the worker's schedule, at every export and from `govtrust audit seal`); the seal and
    the checkpoint go to the witness file once committed. No new seal when the head has not
    moved; None while the chain is empty.

    The head row is read, not locked: an append-only chain keeps every earlier head valid, and
    taking the audit lock here before the log's (publications take them the other way round)
    could deadlock on PostgreSQL.
    """
    # Imported here: the ledger and the signing module import this package themselves.
    from govtrust.core import signing
    from govtrust.ledger import services as ledger
    from govtrust.ledger import witness

    if reason not in REASONS:
        raise DomainError("签名原因无效")
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.seq == 0:
        return None
    latest = AuditSeal.objects.order_by("-seq", "-id").first()
    if latest is not None and (latest.seq, latest.digest) == (head.seq, head.digest):
        ledger.checkpoint_sign()  # a seal made before seals were checkpointed at once
        return latest
    seal = AuditSeal(
        seq=head.seq,
        digest=head.digest,
        signed_at=timezone.now().replace(microsecond=0),
        reason=reason,
    )
    body = {k: v for k, v in signed_body(seal).items() if k not in ("key_id", "signature")}
    signed = signing.sign(AUDIT_KEY, body)
    seal.key_id, seal.signature = signed["key_id"], signed["signature"]
    (leaf,) = ledger.append([ledger.AuditHeadEntry(seal.seq, seal.digest)])
    seal.leaf_index = leaf.index
    seal.save()
    witness.witness_on_commit(witness.SEALS, {**signed_body(seal), "leaf_index": leaf.index})
    # A signed checkpoint covers the seal's leaf at once, in the same transaction, instead of at
    # the worker's next one: until then the seal could be removed with the leaves above the
    # last checkpoint without a trace. Only the log's head is locked here (see above).
    ledger.checkpoint_sign()
    return seal


def _anchored_heads() -> tuple[dict[int, set[str]], ChainReport | None]:
    """Every sealed head, from the seal table and from the log, after checking the two agree and
    every signature holds. A seal row deleted to hide a cut chain leaves its leaf behind."""
    from govtrust.core import signing
    from govtrust.ledger.models import EventKind, Leaf

    public_pem = signing.public_key_pem(AUDIT_KEY)
    leaves = dict(
        Leaf.objects.filter(kind=EventKind.AUDIT_HEAD).values_list("index", "data").iterator()
    )
    heads: dict[int, set[str]] = {}
    for seal in AuditSeal.objects.order_by("seq", "id").iterator():
        if not signing.verify(signed_body(seal), public_pem):
            return heads, ChainReport(
                0, False, seal.seq, "该序号的链头签名无效（签名记录被伪造或改动）"
            )
        data = leaves.pop(seal.leaf_index, None)
        logged = json.loads(data) if data is not None else {}
        if (logged.get("seq"), logged.get("digest")) != (seal.seq, seal.digest):
            return heads, ChainReport(
                0, False, seal.seq, f"该序号的链头签名与透明日志第{seal.leaf_index}号叶子不一致"
            )
        heads.setdefault(seal.seq, set()).add(seal.digest)
    if leaves:
        index = min(leaves)
        seq = int(json.loads(leaves[index]).get("seq", 0))
        return heads, ChainReport(
            0, False, seq, f"透明日志第{index}号叶子记录的链头签名已从数据库中删除"
        )
    return heads, None


@dataclasses.dataclass
class _Witnessed:
    """The sealed heads in the witness file, the first the database no longer holds (seq and
    message), a warning when there is no file though there are seals, or a bad file."""

    heads: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    missing: tuple[int, str] | None = None
    warning: str = ""
    bad: ChainReport | None = None


def _witnessed_heads() -> _Witnessed:
    from govtrust.core import signing
    from govtrust.ledger import witness

    found = witness.read(witness.SEALS)
    if not found.present:
        if AuditSeal.objects.exists():
            return _Witnessed(warning=witness.missing_warning(witness.SEALS, "审计链头签名"))
        return _Witnessed()
    if found.problems:
        return _Witnessed(bad=ChainReport(0, False, None, found.problems[0]))
    public_pem = signing.public_key_pem(AUDIT_KEY)
    result = _Witnessed()
    for number, entry in found.entries:
        body = {k: v for k, v in entry.items() if k != "leaf_index"}
        seq, digest = entry.get("seq"), entry.get("digest")
        if not isinstance(seq, int) or not isinstance(digest, str):
            return _Witnessed(
                bad=ChainReport(0, False, None, f"见证文件第{number}行缺少序号或哈希")
            )
        if not signing.verify(body, public_pem):
            return _Witnessed(bad=ChainReport(0, False, seq, f"见证文件第{number}行的链头签名无效"))
        result.heads.setdefault(seq, set()).add(digest)
        held = AuditSeal.objects.filter(seq=seq, digest=digest, signature=entry.get("signature"))
        if result.missing is None and not held.exists():
            result.missing = (
                seq,
                f"见证文件记录的第{seq}号事件的链头签名（{entry.get('signed_at')}）"
                "在数据库中已不存在（审计链被回滚）",
            )
    return result


def audit_verify() -> ChainReport:
    """Recompute the chain and check it still reaches every sealed head, those in the database
    and those in the witness file outside it; report the first event that differs (a changed
    link, or the first event no sealed head covers any more) and a seal the database lost."""
    heads, problem = _anchored_heads()
    if problem is not None:
        return problem
    witnessed = _witnessed_heads()
    if witnessed.bad is not None:
        return witnessed.bad
    for seq, digests in witnessed.heads.items():
        heads.setdefault(seq, set()).update(digests)
    report = chain_verify(sealed=heads)
    if witnessed.missing is not None:  # name the lost seal, and the first event the chain lost
        seq, message = witnessed.missing
        if report.ok:
            return ChainReport(report.count, False, seq, message)
        return ChainReport(
            report.count, False, report.first_broken_seq, f"{message}；{report.reason}"
        )
    return dataclasses.replace(report, warning=witnessed.warning)


def seal_leaves() -> Iterator[Expected]:
    """For `govtrust verify --deep`: each seal's log leaf as the seal rebuilds it."""
    from govtrust.ledger.deep import Expected
    from govtrust.ledger.models import EventKind

    kinds = frozenset({EventKind.AUDIT_HEAD.value})
    for seal in AuditSeal.objects.order_by("leaf_index").iterator(chunk_size=2000):
        body = {"seq": seal.seq, "digest": seal.digest}
        yield Expected(seal.leaf_index, f"审计链头签名（第{seal.seq}号事件）", kinds, body)
