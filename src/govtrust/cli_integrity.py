"""`govtrust verify` and `govtrust audit`: the integrity checks of the transparency log and the
audit chain (see the command list in cli.py). Django is set up by cli.main before these run."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_verify(args: argparse.Namespace) -> int:
    """A saved checkpoint against the current one, and/or (--deep) the whole log rebuilt."""
    if args.deep and args.url:
        print("--deep 核对本机数据库，不能与 --url 同用", file=sys.stderr)
        return 2
    if not args.checkpoint and not args.deep:
        print("请给出保存的检查点文件，或使用 --deep", file=sys.stderr)
        return 2
    code = _verify_checkpoint(args) if args.checkpoint else 0
    return max(code, _verify_deep()) if args.deep else code


def _verify_deep() -> int:
    from govtrust.core.audit.seal import seal_leaves
    from govtrust.disclosure.log_check import publication_leaves, search_columns_check
    from govtrust.ledger.deep import verify_deep

    report = verify_deep(sources=[publication_leaves, seal_leaves], checks=[search_columns_check])
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if report.ok:
        print(
            f"深度核对一致：{report.leaves} 条叶子、{report.nodes} 个节点、"
            f"{report.checkpoints} 个检查点均重新计算无误，"
            f"{report.vouched} 项公示内容和审计链头签名与日志相符。"
        )
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.unlisted:
        print(f"另有 {report.unlisted} 处不一致未列出", file=sys.stderr)
    if report.first_record:
        print(f"首个与日志不符的记录：{report.first_record}", file=sys.stderr)
    if report.first_node:
        level, index = report.first_node
        print(f"首个不一致的节点：第{level}层第{index}个", file=sys.stderr)
    return 1


def _verify_checkpoint(args: argparse.Namespace) -> int:
    """Check a saved checkpoint against the log's current one (a server's, or this database's)."""
    import json
    import urllib.request
    from pathlib import Path

    from govtrust.ledger.verify import verify_checkpoints

    try:
        saved = json.loads(Path(args.checkpoint).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"无法读取保存的检查点：{exc}", file=sys.stderr)
        return 2
    if args.url:
        base = args.url.rstrip("/") + "/api/v1/public/log/"

        def fetch(path: str) -> Any:
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())

        current = fetch("checkpoint")
        published = fetch("public-key")
        # A portal from before key rotation publishes one PEM and no chain.
        keys: Any = published.get("keys") or published["public_key_pem"]
        proof = []
        if 0 < int(saved["size"]) <= int(current["size"]):
            proof = fetch(f"consistency?old={saved['size']}&new={current['size']}")["proof"]
    else:
        from govtrust.ledger import key_chain
        from govtrust.ledger import services as ledger

        current = ledger.checkpoint_sign().body
        keys = key_chain.log_keys()
        proof = []
        if 0 < int(saved["size"]) <= int(current["size"]):
            proof = ledger.consistency(int(saved["size"]), int(current["size"]))["proof"]
    verdict = verify_checkpoints(saved, current, proof, keys)
    print(verdict.message, file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1


def cmd_audit(args: argparse.Namespace) -> int:
    from govtrust.core.audit import audit_seal, audit_verify

    if args.action == "seal":
        seal = audit_seal(reason="manual")
        print(f"已签名审计链头：第 {seal.seq} 号事件。" if seal else "审计链为空，无需签名。")
        return 0
    report = audit_verify()
    if report.warning:
        print(report.warning, file=sys.stderr)
    if report.ok:
        print(f"审计链完整：共 {report.count} 条事件。")
        return 0
    where = f"第 {report.first_broken_seq} 号事件，" if report.first_broken_seq else ""
    print(f"审计链断裂：{where}{report.reason}。", file=sys.stderr)
    return 1
