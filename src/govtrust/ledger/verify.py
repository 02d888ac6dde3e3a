"""Checking a saved checkpoint against a newer one with only the log's public key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govtrust.core import signing
from govtrust.ledger import merkle


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def verify_checkpoints(
    old: dict[str, Any], new: dict[str, Any], proof: list[str], public_pem: str
) -> Verdict:
    """Both checkpoints signed by the log's key, and the new tree an extension of the old."""
    if not signing.verify(old, public_pem):
        return Verdict(False, "保存的检查点签名无效")
    if not signing.verify(new, public_pem):
        return Verdict(False, "当前检查点签名无效")
    if old.get("log_id") != new.get("log_id"):
        return Verdict(False, "两个检查点不属于同一日志")
    old_size, new_size = int(old["size"]), int(new["size"])
    if new_size < old_size:
        return Verdict(False, f"日志变小了：{old_size} → {new_size}，日志被改写")
    try:
        consistent = (
            merkle.verify_consistency(
                old_size,
                new_size,
                bytes.fromhex(old["root"]),
                bytes.fromhex(new["root"]),
                [bytes.fromhex(h) for h in proof],
            )
            if old_size
            else True
        )
    except ValueError:
        consistent = False
    if not consistent:
        return Verdict(False, "一致性证明不成立：日志在保存的检查点之后被改写")
    return Verdict(True, f"一致：日志从 {old_size} 条增长到 {new_size} 条，之前的内容未被改动")
