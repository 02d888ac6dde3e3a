"""Sizing, measured: disk per million records on SQLite and PostgreSQL, and the portal's requests
per second on this machine, in one run.

    uv run python bench/sizing.py [--records 2000] [--pg postgres://postgres@127.0.0.1:5432/h_docs]
    uv run python bench/sizing.py --quick      # 200 records, 3 s of load: a smoke test

1. Disk. For each engine a child process makes a fresh installation and loads `--records` records
   through the services as `govtrust demo` does (create, submit, accept or return, then the
   credit office publishes the accepted ones; remedy cases and notices): every row a record
   brings with it is written the way production writes it (history, hash-chained audit events,
   log leaves and nodes, checkpoints). Then the size of every table with its indexes (SQLite:
   the `dbstat` pages of each b-tree, FTS5 shadow tables counted with the publications;
   PostgreSQL: `pg_total_relation_size`, i.e. heap + indexes + TOAST) and its row count. Sizes
   per record, times a million, give the disk per million records. The PostgreSQL database named
   by `--pg` is emptied first (DROP SCHEMA public CASCADE): give a scratch database.
2. At scale (SQLite): when the backup benchmark's 1,000,000-record installation is cached
   (bench/_ops_fixtures.py), the same per-table measure of it, for records, publications with
   their search indexes, and the log (it has no history or audit events: those are bulk-loaded
   rows, not service-made).
3. Requests per second: `govtrust serve --no-worker` (2 gunicorn sync workers) on the SQLite
   installation, `--clients` clients with no think time sending a mix of public pages and API
   calls (home page, search, record page, record API) for `--seconds`; req/s, median / p95 and
   server CPU per request.

The load average is printed beside the figures: the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

GROUPS = (  # (label, table prefixes); every other table is "other"
    ("records + history", ("records_record", "records_recordevent")),
    ("publications + search", ("disclosure_publication", "disclosure_fts")),
    ("log (leaves, nodes, checkpoints)", ("ledger_",)),
    ("audit events + seals", ("core_audit",)),
)
ROW_TABLES = {  # rows per record are shown for these
    "records_record": "records",
    "records_recordevent": "history lines",
    "disclosure_publication": "publications",
    "ledger_leaf": "log leaves",
    "ledger_node": "log nodes",
    "core_auditevent": "audit events",
}
OPS_CACHE = Path(
    os.environ.get("GOVTRUST_BENCH_OPS_CACHE") or Path(tempfile.gettempdir()) / "govtrust-bench-ops"
)
MIB = 2**20


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} (1 / 5 min)"


def group_of(table: str) -> str:
    for label, prefixes in GROUPS:
        if table.startswith(prefixes):
            return label
    return "other (directory, users, ... mostly fixed)"


# --- the child: one installation, measured -----------------------------------------------------


def sqlite_tables(path: Path) -> dict[str, list[int]]:
    """{table: [rows, bytes]}: every b-tree's pages (indexes and FTS shadow tables counted with
    the table they serve), from dbstat."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes: dict[str, list[int]] = {}
        for name, pages in db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = str(owner.get(name, name))
            for suffix in ("_data", "_idx", "_docsize", "_config", "_content"):
                if table.startswith("disclosure_fts") and table.endswith(suffix):
                    table = table.removesuffix(suffix)
            sizes.setdefault(table, [0, 0])[1] += int(pages)
        for table in sizes:
            if table in owner and not table.startswith(("sqlite_", "disclosure_fts")):
                sizes[table][0] = int(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608
        return sizes
    finally:
        db.close()


def postgres_tables() -> dict[str, list[int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        sizes = {str(name): [0, int(size)] for name, size in cursor.fetchall()}
        for table in sizes:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - catalogue names
            sizes[table][0] = int(cursor.fetchone()[0])
    return sizes


def child(engine: str, var_dir: Path, records: int) -> None:
    os.environ["GOVTRUST_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govtrust.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from govtrust.demo import demo_load
    from govtrust.directory.services import divisions_load

    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    divisions_load()
    empty = sqlite_tables(Path(connection.settings_dict["NAME"])) if engine == "sqlite" else None
    if engine == "postgresql":
        empty = postgres_tables()
    setup = time.perf_counter() - started
    started = time.perf_counter()
    demo_load(records=records)
    load = time.perf_counter() - started
    connection.close()
    if engine == "sqlite":
        db = sqlite3.connect(str(connection.settings_dict["NAME"]))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        sizes = sqlite_tables(Path(connection.settings_dict["NAME"]))
        sys.path.insert(0, str(Path(__file__).parent))
        import _ops_fixtures as ops

        ops.collect_static(var_dir)  # for the portal run (cached: compressing takes minutes)
    else:
        sizes = postgres_tables()
    print(json.dumps({"empty": empty, "sizes": sizes, "setup": setup, "load": load}))


# --- the parent -----------------------------------------------------------------------------


def environment(var_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {**os.environ, "GOVTRUST_VAR_DIR": str(var_dir), "GOVTRUST_HTTPS": "0"}
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def measure(engine: str, var_dir: Path, records: int, database_url: str = "") -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", engine, str(var_dir), str(records)]
    result = subprocess.run(  # noqa: S603 - this script
        command, env=environment(var_dir, database_url), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{engine}: {result.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def grouped(sizes: dict[str, list[int]], empty: dict[str, list[int]] | None) -> dict[str, int]:
    """Bytes added per group (minus the empty installation's, so fixed pages do not count)."""
    out: dict[str, int] = {}
    for table, (_rows, size) in sizes.items():
        before = (empty or {}).get(table, [0, 0])[1]
        out[group_of(table)] = out.get(group_of(table), 0) + size - before
    return out


def print_disk(results: dict[str, dict[str, Any]], at_scale: dict[str, list[int]] | None) -> None:
    labels = [label for label, _p in GROUPS]
    print("\nDisk, table + indexes (+ TOAST on PostgreSQL), added by the records (the empty")
    print("installation's pages subtracted); per million records = bytes per record x 1,000,000.")
    header = f"  {'':<34}"
    columns = []
    for engine, found in results.items():
        n = found["sizes"]["records_record"][0]
        columns.append((engine, found, n))
        header += f" | {engine + f' ({n:,} records)':>30}"
    if at_scale:
        n_scale = at_scale["records_record"][0]
        header += f" | {f'SQLite bulk ({n_scale:,})':>30}"
    print(header)
    print(f"  {'-' * 34}" + "-+-" + "-+-".join("-" * 30 for _ in range(len(header) // 33)))
    totals = dict.fromkeys([c[0] for c in columns], 0.0)
    scale_total = 0.0
    for label in labels:
        line = f"  {label:<34}"
        for engine, found, n in columns:
            added = grouped(found["sizes"], found["empty"]).get(label, 0)
            per = added / n
            totals[engine] += per
            line += f" | {per:>8,.0f} B/rec {per * 1e6 / MIB:>8,.0f} MiB/M"
        if at_scale:
            size = grouped(at_scale, None).get(label, 0)
            per = size / n_scale
            scale_total += per
            line += f" | {per:>8,.0f} B/rec {per * 1e6 / MIB:>8,.0f} MiB/M"
        print(line)
    line = f"  {'total per record':<34}"
    for engine, _found, _n in columns:
        line += f" | {totals[engine]:>8,.0f} B/rec {totals[engine] * 1e6 / MIB:>8,.0f} MiB/M"
    if at_scale:
        line += f" | {scale_total:>8,.0f} B/rec {scale_total * 1e6 / MIB:>8,.0f} MiB/M"
    print(line)
    print("\nRows per record (what each record brings with it through the services):")
    for table, label in ROW_TABLES.items():
        line = f"  {label:<34}"
        for _engine, found, n in columns:
            before = (found["empty"] or {}).get(table, [0, 0])
            rows = found["sizes"].get(table, [0, 0])[0] - before[0]
            size = found["sizes"].get(table, [0, 0])[1] - before[1]
            per_row = size / rows if rows else 0
            line += f" | {rows / n:>8.2f} rows {per_row:>7,.0f} B/row"
        if at_scale:
            rows, size = at_scale.get(table, [0, 0])
            per_row = size / rows if rows else 0
            line += f" | {rows / n_scale:>8.2f} rows {per_row:>7,.0f} B/row"
        print(line)
    for engine, found, _n in columns:
        print(f"  {engine}: set-up {found['setup']:.0f} s, records loaded in {found['load']:.0f} s")


def portal_rate(var_dir: Path, clients: int, seconds: float) -> None:
    """Requests per second of the portal on the SQLite installation."""
    sys.path.insert(0, str(Path(__file__).parent))
    import backup_under_load as bul
    from bench_search import group_cpu, p50, p95

    db = sqlite3.connect(f"file:{var_dir / 'govtrust.sqlite3'}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT number, view FROM disclosure_publication WHERE status = 'published' LIMIT 40"
        ).fetchall()
    finally:
        db.close()
    paths = ["/", "/api/v1/public/records"]
    for number, view in rows:
        name = json.loads(view)["subject_name"]
        paths += [
            f"/gs/records/{number}/",
            f"/api/v1/public/records/{number}",
            "/api/v1/public/records?" + urllib.parse.urlencode({"q": name}),
        ]
    os.environ["GOVTRUST_BACKUP_PASSPHRASE"] = bul.PASSPHRASE
    with bul.portal(var_dir) as (port, group), bul.Load(port, paths, clients) as load:
        time.sleep(1.0)
        phase = load.switch("portal")
        cpu = group_cpu(group)
        time.sleep(seconds)
        load.switch("stopped")
        phase.server_cpu = group_cpu(group) - cpu
    n = len(phase.latencies)
    print(
        f"\nPortal, SQLite, {bul.WORKERS} gunicorn sync workers, {clients} clients, no think time, "
        f"{len(paths)} paths (home, list, record page, record API, name search):"
    )
    print(
        f"  {n:,} requests in {phase.seconds:.1f} s = {phase.rate:.1f} req/s; median "
        f"{p50(phase.latencies):.1f} ms, p95 {p95(phase.latencies):.1f} ms; server CPU "
        f"{phase.server_cpu / max(n, 1) * 1e3:.1f} ms per request "
        f"(= {max(n, 1) / max(phase.server_cpu, 1e-9):.0f} req/s per fully used core); "
        f"failed {len(phase.failures)}; {load_average()}"
    )
    if phase.failures:
        raise SystemExit(f"failed requests: {phase.failures[:5]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records through the services (2,000)")
    parser.add_argument("--quick", action="store_true", help="200 records, 3 s of load")
    parser.add_argument("--pg", default="", help="a scratch PostgreSQL database URL ('' = none)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, help="load on the portal (default 20; 3)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1M SQLite measure")
    parser.add_argument("--scale-only", action="store_true", help="only the 1M SQLite measure")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, var_dir, records = args.child
        child(engine, Path(var_dir), int(records))
        return 0
    scale_db = OPS_CACHE / "v1-1000000" / "govtrust.sqlite3"
    if args.scale_only:
        print_disk({}, sqlite_tables(scale_db))
        return 0
    records = args.records or (200 if args.quick else 2_000)
    seconds = args.seconds or (3.0 if args.quick else 20.0)
    started = time.perf_counter()
    print(
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPU cores, {load_average()} at start",
        flush=True,
    )
    sqlite_dir = Path(tempfile.mkdtemp(prefix="govtrust-sizing-sqlite-"))
    pg_dir = Path(tempfile.mkdtemp(prefix="govtrust-sizing-pg-"))
    try:
        results = {"SQLite": measure("sqlite", sqlite_dir, records)}
        print(f"SQLite measured ({load_average()})", flush=True)
        if args.pg:
            results["PostgreSQL"] = measure("postgresql", pg_dir, records, args.pg)
            print(f"PostgreSQL measured ({load_average()})", flush=True)
        at_scale = None
        if not args.no_scale and not args.quick and scale_db.is_file():
            at_scale = sqlite_tables(scale_db)
        print_disk(results, at_scale)
        portal_rate(sqlite_dir, args.clients, seconds)
    finally:
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        shutil.rmtree(pg_dir, ignore_errors=True)
    print(f"\nRun time {time.perf_counter() - started:.0f} s; {load_average()} at the end.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
