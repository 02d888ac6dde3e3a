"""The transparency log (RFC 6962 Merkle tree) beside pymerkle, in one process.

    uv run python bench/bench_ledger.py [--leaves 1000000] [--quick] [--db-budget 300]

1. In memory: `MemoryTree.append` for every leaf vs pymerkle 7's `InmemoryTree.append_entry`
   (sha256, its default "security" mode = RFC 6962's 0x00/0x01 prefixes); both roots compared.
2. Inclusion proofs at the full size for random indexes: `inclusion_path(tree.get, i, n)` and
   `verify_inclusion` vs `prove_inclusion(i + 1, n)`; the paths are compared (pymerkle's starts
   with the leaf hash itself).
3. Consistency proofs from random old sizes to the full size, both; each verified by its own
   library (the two layouts differ, see the report line).
4. The database log (`ledger.services`) on a fresh SQLite (WAL) database: appends in transactions
   of 1,000 entries, the fill to the full size in transactions of 10,000, `services.inclusion`
   at that size, and single-entry transactions on top. If the fill's projection exceeds
   `--db-budget` seconds the database part stops at 200,000 leaves and the table says so.
   Its root is checked against a `MemoryTree` rebuilt from the stored leaf data. Last,
   `verify --deep`'s tree check (`ledger.deep.verify_deep`) over the whole database log.
   As served, the worker checkpoints SQLite's WAL (`core/walcheckpoint.py`), not the commits:
   a child process runs that checkpointer beside the benchmark; `--checkpoint-in-commits` runs
   without it, with SQLite's default of a checkpoint in the commit past every 1,000 pages.

Leaves are ~150-byte canonical JSON events. Nothing but the measured call is inside the timers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from pymerkle import InmemoryTree, verify_consistency  # type: ignore[import-untyped]

from govtrust.ledger import merkle

T = TypeVar("T")
# Goals of issue 13, judged on the log as served: `ledger.services` on the database and the
# HTTP endpoint, not the in-memory tree (which the service never uses; shown for pymerkle only).
GOAL_APPENDS = 5_000.0  # single-entry appends per second, one transaction each
GOAL_BATCHED = 20_000.0  # appends per second in transactions of 1,000
GOAL_PROOF_MS = 1.0  # services.inclusion p95
GOAL_HTTP_MS = 5.0  # GET /api/v1/public/records/{number}/proof p95
DB_FALLBACK = 200_000
rows: list[tuple[str, str, str, str]] = []


def leaf(i: int) -> bytes:
    commitment = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
    event = {"kind": "publish", "record": f"620102-2026-{i:07d}", "commitment": commitment}
    return json.dumps({**event, "at": "2026-11-27T00:00:00+00:00"}, sort_keys=True).encode()


def each(fn: Callable[[bytes], Any], data: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for d in data:
            fn(d)

    return run


def timed(fn: Callable[..., T], *args: Any) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def switched(fn: Callable[[], T]) -> tuple[float, int, int, T]:
    """Wall seconds, and the involuntary (preempted by other processes) and voluntary (waited,
    e.g. on an fsync) context switches of this process during the call."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return seconds, after.ru_nivcsw - before.ru_nivcsw, after.ru_nvcsw - before.ru_nvcsw, result


def slow_calls(label: str, calls: list[tuple[float, int, int]], over: float = 0.002) -> None:
    """Where the calls over `over` seconds spent their time: preempted by the other work on the
    shared cores, or waiting (for SQLite's WAL checkpoint fsync in an append's commit)."""
    slow = [c for c in calls if c[0] > over]
    preempted = [c[0] for c in slow if c[1]]
    waited = [c[0] for c in slow if not c[1] and c[2]]
    total = sum(c[0] for c in calls)
    row(
        f"  {label} over {over * 1e3:g} ms: preempted / waited (fsync) / other",
        f"{len(preempted)} ({sum(preempted):.2f} s) / {len(waited)} ({sum(waited):.2f} s) / "
        f"{len(slow) - len(preempted) - len(waited)} of {len(calls):,} ({total:.2f} s in all)",
    )


def ms(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=100)[94] if len(samples) > 1 else samples[0]
    return f"{statistics.median(samples) * 1e3:.3f} / {p95 * 1e3:.3f}"


def row(metric: str, govtrust: str, pymerkle: str = "-", goal: str = "-") -> None:
    if goal != "-" and goal != NOT_A_GOAL:  # the machine is shared: the load beside each verdict
        goal = f"{goal} [load {os.getloadavg()[0]:.1f}]"
    rows.append((metric, govtrust, pymerkle, goal))


def proof_goal(samples: list[float], goal: float = GOAL_PROOF_MS) -> str:
    p95 = statistics.quantiles(samples, n=100)[94] if len(samples) > 1 else samples[0]
    return f"p95 < {goal:g} ms ({'met' if p95 * 1e3 < goal else 'MISSED'})"


def rate_goal(rate: float, goal: float = GOAL_APPENDS) -> str:
    return f">= {goal:,.0f} ({'met' if rate >= goal else 'MISSED'})"


NOT_A_GOAL = "(in memory: not a goal)"


def memory(n: int, samples: int, rng: random.Random) -> None:
    data = [leaf(i) for i in range(n)]
    print(f"leaves: {n:,}, mean {sum(map(len, data)) / n:.0f} bytes", flush=True)

    tree = merkle.MemoryTree()
    seconds, _ = timed(each(tree.append, data))
    rate = n / seconds
    pm = InmemoryTree(algorithm="sha256")
    pm_seconds, _ = timed(each(pm.append_entry, data))
    row(
        "memory appends/s",
        f"{rate:,.0f} ({seconds:.1f} s)",
        f"{n / pm_seconds:,.0f}",
        NOT_A_GOAL,
    )

    root = tree.root(n)
    same = pm.get_root(n) == root and pm.get_root(n // 3) == tree.root(n // 3)
    assert same, "roots differ from pymerkle's although both use RFC 6962 prefixes"
    row("root equal to pymerkle's (n, n/3)", "yes", "yes")

    indexes = [rng.randrange(n) for _ in range(samples)]
    ours, theirs, checks = [], [], []
    for i in indexes:
        t, path = timed(merkle.inclusion_path, tree.get, i, n)
        ours.append(t)
        lh = merkle.leaf_hash(data[i])
        t, ok = timed(merkle.verify_inclusion, lh, i, n, path, root)
        checks.append(t)
        assert ok, f"inclusion proof of {i} does not verify"
        t, proof = timed(pm.prove_inclusion, i + 1, n)
        theirs.append(t)
        assert proof.path == [lh, *path], f"paths of {i} differ"
    row(f"inclusion proof ms, median / p95 ({samples:,})", ms(ours), ms(theirs), NOT_A_GOAL)
    row("inclusion verify ms, median / p95", ms(checks), "-")
    row("inclusion paths identical (after leaf hash)", "yes", "yes")

    olds = [rng.randrange(1, n) for _ in range(max(samples // 4, 1))]
    ours, theirs, checks, lengths, pm_lengths, same = [], [], [], [], [], 0
    for old in olds:
        t, path = timed(merkle.consistency_path, tree.get, old, n)
        ours.append(t)
        old_root = tree.root(old)
        t, ok = timed(merkle.verify_consistency, old, n, old_root, root, path)
        checks.append(t)
        assert ok, f"consistency proof {old} -> {n} does not verify"
        t, proof = timed(pm.prove_consistency, old, n)
        theirs.append(t)
        verify_consistency(old_root, root, proof, prior_size=old, later_size=n)  # raises if bad
        lengths.append(len(path))
        pm_lengths.append(len(proof.path))
        same += proof.path == path
    row(f"consistency proof ms, median / p95 ({len(olds):,})", ms(ours), ms(theirs))
    row("consistency verify ms, median / p95", ms(checks), "-")
    mean_lengths = f"{statistics.mean(lengths):.1f}", f"{statistics.mean(pm_lengths):.1f}"
    row("consistency proof hashes (mean)", *mean_lengths)
    row("consistency paths identical (RFC 6962 layout)", f"{same}/{len(olds)}", "own layout")


def configure(var_dir: Path, in_commits: bool = False) -> None:
    os.environ["GOVTRUST_VAR_DIR"] = str(var_dir)
    # As served (settings): the worker checkpoints; SQLite's default 1,000 pages for the A/B.
    os.environ["GOVTRUST_SQLITE_AUTOCHECKPOINT"] = "1000" if in_commits else "10000"
    os.environ["GOVTRUST_HTTPS"] = "0"  # the test client speaks plain HTTP
    os.environ["DJANGO_SETTINGS_MODULE"] = "govtrust.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def database(n: int, samples: int, singles: int, budget: float, rng: random.Random) -> None:
    from django.db import transaction

    from govtrust.ledger import services
    from govtrust.ledger.models import Leaf

    def entries(start: int, count: int) -> list[services.Entry]:
        return [
            services.Entry(
                "publish", f"620102-2026-{i:07d}", hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
            )
            for i in range(start, start + count)
        ]

    def append(batch: list[services.Entry]) -> float:
        def run() -> None:
            with transaction.atomic():
                services.append(batch)

        return timed(run)[0]

    first = min(100_000, n)
    cpu = time.process_time()
    batch_seconds = sum(append(entries(i, 1_000)) for i in range(0, first, 1_000))
    cpu = time.process_time() - cpu
    rate = first / batch_seconds
    label = f"DB appends/s, 1,000 per txn (first {first:,}; per CPU-second)"
    row(label, f"{rate:,.0f} ({first / cpu:,.0f} per CPU-s)", "-", rate_goal(rate, GOAL_BATCHED))

    fill_seconds, size, note = batch_seconds, first, ""
    while size < n:
        step = min(10_000, n - size)
        fill_seconds += append(entries(size, step))
        size += step
        if n > DB_FALLBACK and size >= 50_000 and fill_seconds / size * n > budget:
            note = f" (STOPPED: {n:,} projected {fill_seconds / size * n:.0f} s > {budget:.0f})"
            n = max(size, DB_FALLBACK)
    print(f"database filled to {n:,} leaves in {fill_seconds:.1f} s", flush=True)
    label = f"DB fill to {n:,} ({first:,} by 1,000, rest by 10,000){note}"
    row(label, f"{fill_seconds:.1f} s ({n / fill_seconds:,.0f}/s)")

    tree = merkle.MemoryTree()
    for data in Leaf.objects.order_by("index").values_list("data", flat=True)[:n].iterator(5_000):
        tree.append(data.encode())
    root = services.root(n)
    assert root == tree.root(n), "the database root differs from the stored leaves' tree"

    times = []
    for i in [rng.randrange(n) for _ in range(samples)]:
        t, proof = timed(services.inclusion, i, n)
        times.append(t)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        lh = bytes.fromhex(proof["leaf_hash"])
        assert merkle.verify_inclusion(lh, i, n, path, root), f"DB proof of {i} does not verify"
        assert bytes.fromhex(proof["root"]) == root
    label = f"DB services.inclusion ms at {n:,}, median / p95 ({samples:,})"
    row(label, ms(times), "-", proof_goal(times))
    http_proofs(n, samples, rng)
    olds = [rng.randrange(1, n) for _ in range(max(samples // 20, 1))]
    times = [timed(services.consistency, old, n)[0] for old in olds]
    row(f"DB services.consistency ms, median / p95 ({len(olds):,})", ms(times))

    batch = entries(n, singles)  # built outside the timers

    def one(entry: services.Entry) -> Callable[[], None]:
        def run() -> None:
            with transaction.atomic():
                services.append([entry])

        return run

    cpu = time.process_time()
    calls = [switched(one(entry))[:3] for entry in batch]
    cpu = time.process_time() - cpu
    each_append = [c[0] for c in calls]
    rate = singles / sum(each_append)
    label = f"DB appends/s, 1 per txn ({singles:,} on top; per CPU-second)"
    row(label, f"{rate:,.0f} ({singles / cpu:,.0f} per CPU-s)", "-", rate_goal(rate))
    row("  one append (its transaction) ms, median / p95", ms(each_append))
    slow_calls("appends", calls)
    unpreempted = sum(c[0] for c in calls if not c[1])
    row(
        "  (not the goal) appends/s leaving out the preempted ones",
        f"{sum(1 for c in calls if not c[1]) / unpreempted:,.0f}",
    )
    assert services.size() == n + singles

    from govtrust.ledger.deep import verify_deep

    services.checkpoint_sign()
    seconds, report = timed(verify_deep)
    assert report.ok and report.leaves == n + singles, report.problems
    label = f"verify --deep: leaves, nodes, checkpoint at {n + singles:,}"
    row(label, f"{seconds:.1f} s ({report.leaves / seconds:,.0f} leaves/s)")


def http_proofs(n: int, samples: int, rng: random.Random) -> None:
    """`GET /api/v1/public/records/{number}/proof` through Django's test client (middleware,
    ninja, the publication look-up, the proof, JSON) for publications pointing at random
    leaves. The publications are bare rows (no records behind them: foreign keys off for the
    insert), enough for the endpoint, which reads only the publication and the log."""
    import datetime

    from django.db import connection
    from django.test import Client

    from govtrust.disclosure.models import Publication
    from govtrust.ledger import services

    count = min(samples, 500)
    leaves = [rng.randrange(n) for _ in range(count)]
    today = datetime.date(2026, 11, 27).isoformat()
    generated = {
        "status": "published",
        "view": "{}",
        "decision_date": today,
        "published_at": f"{today} 00:00:00",
        "published_by_id": 1,
        "salt": bytes(32),
    }
    fields = Publication._meta.concrete_fields
    columns = [f.column for f in fields if f.column != "id"]
    defaults = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.column not in generated
    }
    values: list[tuple[Any, ...]] = [
        tuple(
            {
                **defaults,
                **generated,
                "number": f"B-{k:07d}",
                "leaf_index": leaf,
                "record_id": k + 1,
            }[c]
            for c in columns
        )
        for k, leaf in enumerate(leaves)
    ]
    table = Publication._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys=OFF")
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, values)
        cursor.execute("PRAGMA foreign_keys=ON")
    services.checkpoint_sign()
    client = Client(HTTP_HOST="127.0.0.1")
    for k in range(min(20, count)):  # the first request imports the URLconf and the API (~3 s)
        assert client.get(f"/api/v1/public/records/B-{k:07d}/proof").status_code == 200
    calls = []
    cpu = time.process_time()
    for k in range(count):
        url = f"/api/v1/public/records/B-{k:07d}/proof"
        t, preempted, waited, response = switched(lambda: client.get(url))  # noqa: B023
        assert response.status_code == 200, response.content[:300]
        calls.append((t, preempted, waited))
    cpu = time.process_time() - cpu
    times = [c[0] for c in calls]
    label = f"HTTP GET .../records/{{number}}/proof ms at {n:,} (test client, {count:,})"
    row(label, ms(times), "-", proof_goal(times, GOAL_HTTP_MS))
    row("  CPU ms per request (client and server, one process)", f"{cpu / count * 1e3:.3f}")
    slow_calls("requests", calls)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, pymerkle {version('pymerkle')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument(
        "--quick", action="store_true", help="20,000 leaves, fewer samples (~25 s at load 12)"
    )
    parser.add_argument("--db-budget", type=float, default=300.0, help="seconds for the DB fill")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--checkpoint-in-commits",
        action="store_true",
        help="no worker checkpointer: SQLite's default WAL checkpoint inside commits (before)",
    )
    args = parser.parse_args()
    n = min(args.leaves, 20_000) if args.quick else args.leaves
    samples, singles = (200, 500) if args.quick else (2_000, 5_000)
    rng = random.Random(args.seed)
    start_load = os.getloadavg()[0]
    print(machine(), flush=True)
    load = "load average at start %.2f, at end %.2f (other work on the machine skews timings)"

    memory(n, samples, rng)
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as var_dir:
        configure(Path(var_dir), args.checkpoint_in_commits)
        checkpointer = None
        if args.checkpoint_in_commits:
            row("WAL checkpoints", "in commits, every 1,000 pages (SQLite's default; before)")
        else:  # the worker's checkpointer, in a process of its own as beside a server
            db = Path(var_dir) / "govtrust.sqlite3"
            command = [sys.executable, "-m", "govtrust.core.walcheckpoint", str(db)]
            checkpointer = subprocess.Popen(command)  # noqa: S603 - our own module
            row("WAL checkpoints", "by the worker's checkpointer (a child process), as served")
        try:
            database(n, samples, singles, args.db_budget, rng)
        finally:
            if checkpointer is not None:
                checkpointer.terminate()
                checkpointer.wait()

    widths = [
        max(len(r[c]) for r in [("metric", "GovTrust", "pymerkle", "goal"), *rows])
        for c in range(4)
    ]
    for r in [("metric", "GovTrust", "pymerkle", "goal"), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    print(load % (start_load, os.getloadavg()[0]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
