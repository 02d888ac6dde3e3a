"""`govtrust verify --deep` over a large transparency log: time and memory.

    uv run python bench/bench_deep.py [--leaves 1000000]

A child process fills a fresh SQLite database with the leaves and full nodes of an in-memory tree
(bulk inserts: the fill is not what is measured) and signs a checkpoint; this process then runs
`ledger.deep.verify_deep` over it, so its peak RSS is the check's own (it never held the tree).
The check must pass, then must name a node changed in the middle of the tree.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time


def configure(var_dir: str) -> None:
    os.environ["GOVTRUST_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "govtrust.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()


def fill(n: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from govtrust.ledger import merkle, services
    from govtrust.ledger.models import Head, Leaf, Node

    call_command("migrate", verbosity=0)
    tree = merkle.MemoryTree()
    at = "2026-11-27T00:00:00+00:00"
    step = 20_000
    for start in range(0, n, step):
        leaves, nodes = [], []
        for i in range(start, min(start + step, n)):
            entry = services.Entry(
                "publish", f"620102-2026-{i:07d}", hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
            )
            data = services.leaf_data(entry.body(), at)
            leaves.append(
                Leaf(index=i, kind="publish", record_number=entry.record_number, data=data)
            )
            nodes += [Node(level=lv, index=x, hash=h) for lv, x, h in tree.append(data.encode())]
        with transaction.atomic():
            Leaf.objects.bulk_create(leaves, batch_size=2_000)
            Node.objects.bulk_create(nodes, batch_size=2_000)
    Head.objects.update_or_create(id=1, defaults={"size": n})
    services.checkpoint_sign()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--fill", metavar="VAR_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        configure(args.fill)
        fill(args.leaves)
        return
    with tempfile.TemporaryDirectory(prefix="bench-deep-") as var_dir:
        started = time.perf_counter()
        child = [sys.executable, __file__, "--leaves", str(args.leaves), "--fill", var_dir]
        subprocess.run(child, check=True)  # noqa: S603 - our own script
        print(f"filled {args.leaves:,} leaves in {time.perf_counter() - started:.0f} s", flush=True)
        configure(var_dir)
        from govtrust.ledger.deep import verify_deep
        from govtrust.ledger.models import Node, node_position

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = verify_deep()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert report.ok and report.leaves == args.leaves, report.problems
        print(
            f"verify --deep: {report.leaves:,} leaves, {report.nodes:,} nodes, "
            f"{report.checkpoints} checkpoint in {seconds:.1f} s "
            f"({report.leaves / seconds:,.0f} leaves/s); peak RSS {peak / 1024:.0f} MiB "
            f"({before / 1024:.0f} MiB before)"
        )
        middle = Node.objects.filter(pk=node_position(3, args.leaves // 16)).first()
        if middle is not None:
            Node.objects.filter(pk=middle.pk).update(hash=b"\x00" * 32)
            assert verify_deep().first_node == (3, args.leaves // 16)
            print("a changed node in the middle of the tree is named")
    print(f"load average {os.getloadavg()[0]:.2f} (other work on the machine skews timings)")


if __name__ == "__main__":
    main()
