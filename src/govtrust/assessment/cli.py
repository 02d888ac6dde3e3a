"""`govtrust assessment run --year YYYY | snapshot --year YYYY [--out FILE] | verify FILE
[--pubkey PEM]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_assessment(args: argparse.Namespace) -> int:
    if args.action == "verify":
        return _verify(args)
    if args.year is None:
        print("请用 --year 指定年度", file=sys.stderr)
        return 2
    if args.action == "run":
        return _run(args.year)
    return _snapshot(args.year, args.out)


def _run(year: int) -> int:
    from govtrust.assessment.services import assessment_run
    from govtrust.core.errors import DomainError

    try:
        run = assessment_run(year=year, actor_name="cli")
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(
        f"{year}年度考评第{run.number}次运行完成：考评单位 {run.units} 个，"
        f"新版本结果 {run.changed} 个；快照 SHA-256 {run.sha256}，"
        f"透明日志第 {run.leaf_index} 号叶子。"
    )
    return 0


def _snapshot(year: int, file: str | None) -> int:
    from govtrust.assessment.models import Run

    run = Run.objects.filter(year=year).order_by("-number").first()
    if run is None:
        print(f"{year}年度尚未运行考评", file=sys.stderr)
        return 2
    if file:
        Path(file).write_text(run.snapshot, encoding="utf-8")
    else:
        sys.stdout.write(run.snapshot)
    return 0


def _verify(args: argparse.Namespace) -> int:
    """Recompute from the snapshot alone: no database is opened."""
    from govtrust.assessment.snapshot import verify

    if not args.file:
        print("请给出快照文件", file=sys.stderr)
        return 2
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        pinned = Path(args.pubkey).read_text(encoding="utf-8") if args.pubkey else None
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取文件：{exc}", file=sys.stderr)
        return 2
    report = verify(text, pinned)
    if report.ok:
        print(f"快照核验通过：签名成立，{report.units} 个单位的总分、等次、排名与重算一致。")
        if not report.pinned:
            print(
                f"注意：未指定公钥，签名仅按快照内所附公钥（密钥编号 {report.key_id}）核验；"
                "请与门户透明日志页公布的平台公钥核对，或用 --pubkey 指定该公钥文件。"
            )
        return 0
    print(f"快照核验未通过，{len(report.problems)} 处不一致：", file=sys.stderr)
    for problem in report.problems[:200]:
        print(f"  {problem}", file=sys.stderr)
    return 1


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("assessment", help="年度政务诚信考评：运行、导出快照、核验快照")
    parser.add_argument("action", choices=["run", "verify", "snapshot"])
    parser.add_argument("file", nargs="?", help="verify：快照文件")
    parser.add_argument("--year", type=int, help="考评年度")
    parser.add_argument("--out", help="snapshot：写入的文件，不给则输出到标准输出")
    parser.add_argument("--pubkey", help="verify：指定平台公钥（PEM）文件，不给则用快照内的公钥")
    parser.set_defaults(func=cmd_assessment)
