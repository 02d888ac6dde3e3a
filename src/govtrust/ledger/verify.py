"""Checking a saved checkpoint against a newer one with only the log's public key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govtrust.ledger import key_chain, merkle


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def verify_checkpoints(
    old: dict[str, Any],
    new: dict[str, Any],
    proof: list[str],
    keys: str | Sequence[Mapping[str, Any]],
) -> Verdict:
    """Both checkpoints signed by the log's keys (a PEM, or the chain of keys the portal
    publishes), and the new tree an extension of the old. The saved checkpoint's key is the one
    trusted: every handover from it to the key of the current checkpoint must check."""
    chain: Sequence[Mapping[str, Any]] = (
        key_chain.keys_from_pem(keys) if isinstance(keys, str) else keys
    )
    trusted = key_chain.key_position(old, chain)
    if trusted is None:
        return Verdict(False, "保存的检查点签名无效")
    current = key_chain.key_position(new, chain)
    if current is None or current < trusted:
        return Verdict(False, "当前检查点签名无效")
    problem = key_chain.chain_problem(chain[: current + 1], start=trusted)
    if problem is not None:
        return Verdict(False, f"签名密钥链无效：{problem}")
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
    handed = f"（签名密钥经 {current - trusted} 次交接）" if current > trusted else ""
    return Verdict(
        True, f"一致：日志从 {old_size} 条增长到 {new_size} 条，之前的内容未被改动{handed}"
    )
