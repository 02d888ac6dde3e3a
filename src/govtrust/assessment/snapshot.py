"""The snapshot of a run: every input it read, the results it published, signed with the
platform's Ed25519 key (core/signing.py, the transparency log's key) and committed to the log.

    {"schema", "inputs": {system, year, parameters, units}, "results": [{key,total,grade,rank}],
     "public_key", "key_id", "signature"}

No time and no run number inside: the same inputs give the same bytes (Ed25519 signatures are
deterministic). `verify` needs no database: it checks the signature, recomputes every result
from `inputs` with the engine and names every difference.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm

from govtrust.assessment import engine

KEY = "ledger"  # the key whose public half the portal's log page publishes


def sign(inputs: dict[str, Any], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from govtrust.core import signing

    body = {
        "schema": engine.SCHEMA,
        "inputs": inputs,
        "results": engine.summary(results),
        "public_key": signing.public_key_pem(KEY),
    }
    signed = signing.sign(KEY, body)
    # What was signed is the canonical text; the stored form round-trips to the same text.
    stored: dict[str, Any] = json.loads(engine.canonical(signed))
    return stored


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    units: int = 0
    pinned: bool = False  # checked against a key given by the caller, not the embedded one
    key_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(text: str, public_pem: str | None = None) -> Verification:
    """Check a snapshot file's text; `public_pem` pins the key (else the embedded one)."""
    from govtrust.core import signing

    report = Verification()
    try:
        document = json.loads(text)
    except ValueError as exc:
        report.problems.append(f"快照不是有效的 JSON：{exc}")
        return report
    if not isinstance(document, dict) or document.get("schema") != engine.SCHEMA:
        report.problems.append(f"快照格式不是 {engine.SCHEMA}")
        return report
    embedded = str(document.get("public_key", ""))
    report.pinned, report.key_id = public_pem is not None, str(document.get("key_id", ""))[:64]
    if public_pem is not None and public_pem.strip() != embedded.strip():
        report.problems.append("快照中的公钥与指定的公钥不一致")
    try:
        signed = signing.verify(document, public_pem or embedded)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        signed = False
    if not signed:
        report.problems.append("签名不成立：快照在签名后被改动，或不是由该密钥签名")
    inputs = document.get("inputs")
    if not isinstance(inputs, dict):
        report.problems.append("快照缺少输入数据")
        return report
    try:
        recomputed = engine.compute(inputs)
    except engine.InvalidSystem as exc:
        report.problems += [f"指标体系无效：{e}" for e in exc.errors]
        return report
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        report.problems.append(f"无法由快照输入重算：{exc!r}")
        return report
    report.units = len(recomputed)
    claimed = document.get("results")
    if not isinstance(claimed, list) or not all(
        isinstance(r, dict) and isinstance(r.get("key"), str) for r in claimed
    ):
        report.problems.append("快照的结果不是按单位列出的列表（每项应有 key、total、grade、rank）")
        return report
    counts = Counter(r["key"] for r in claimed)
    report.problems += [f"{k}：快照重复列出该单位的结果" for k in sorted(counts) if counts[k] > 1]
    report.problems += engine.differences(claimed, engine.summary(recomputed))
    return report
