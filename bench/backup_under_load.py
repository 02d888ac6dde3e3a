"""`govtrust backup` of a large SQLite installation while the portal serves, then the restore drill.

    uv run python bench/backup_under_load.py [--records 1000000] [--clients 4] [--quick]

1. Data (bench/_ops_fixtures.py): `--records` published records with their transparency log,
   built once with raw executemany (the search benchmark's generator) and cached under
   /tmp/govtrust-bench-search/ and /tmp/govtrust-bench-ops/; copied into a fresh GOVTRUST_VAR_DIR,
   where a checkpoint is signed.
2. The portal: `govtrust serve --no-worker` (gunicorn, 2 sync workers) on 127.0.0.1, and
   `--clients` threads sending public requests back to back: searches (a rare name, a
   three-character name, a department, a decision number, a rare word), a record through the
   API and a record's portal page (random numbers of the data).
3. Phase "no backup": `--seconds` of load. Phase "backup": `govtrust backup FILE` runs as its own
   process while the load goes on; the phase lasts as long as the backup. Every request must be
   answered 200: a failed request fails the run. Printed: the backup's wall time, its CPU time,
   the archive's size, and median / p95 / requests per second of each phase side by side.
4. The drill: `govtrust restore FILE` into a second, empty GOVTRUST_VAR_DIR; the restored record,
   publication and leaf counts against the source's; `govtrust audit verify`; and
   `govtrust verify --deep` (unless --no-deep), each timed.

--quick: 20,000 records unless --records is given, 4 s of load.
Load average (`os.getloadavg`) is printed at each step: the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import _ops_fixtures as ops
import _search_fixtures as fx
from bench_search import free_port, group_cpu, p50, p95

PASSPHRASE = "bench-backup-passphrase-2026"  # noqa: S105 (a throw-away installation)
WORKERS = 2  # gunicorn sync workers, as the search benchmark's first shape
COUNTED = ("records_record", "disclosure_publication", "ledger_leaf", "ledger_node")


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} (1 / 5 min)"


def environment(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GOVTRUST_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "govtrust.config.settings",
        "GOVTRUST_HTTPS": "0",
        "GOVTRUST_BACKUP_PASSPHRASE": PASSPHRASE,
    }
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    return env


def govtrust(var_dir: Path, *args: str) -> tuple[int, str, float]:
    """Run `govtrust ARGS` on the installation; returns (exit code, output, seconds)."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "govtrust.cli", *args],
        env=environment(var_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, (result.stdout + result.stderr).strip(), time.perf_counter() - started


@contextlib.contextmanager
def portal(var_dir: Path) -> Iterator[tuple[int, int]]:
    """`govtrust serve --no-worker` on a free loopback port: (port, process group)."""
    port = free_port()
    command = [sys.executable, "-m", "govtrust.cli", "serve", "--no-worker"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)]
    log_path = var_dir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command
            command,
            env=environment(var_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            for _ in range(600):
                if process.poll() is not None:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the server stopped (exit {process.returncode}):\n{tail}")
                with contextlib.suppress(OSError):
                    _get(port, "/healthz")
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError("the server did not answer within 60 s")
            yield port, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    server_cpu: float = 0.0

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Load:
    """`clients` threads, each on its own keep-alive connection, sending the mix until stopped;
    every answer is filed under the phase that was current when its request was sent."""

    def __init__(self, port: int, paths: list[str], clients: int):
        self.port, self.paths, self.clients = port, paths, clients
        self.phase = Phase("warm-up")
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(clients)
        ]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def switch(self, name: str) -> Phase:
        with self.lock:
            self.phase.ended = time.perf_counter()
            self.phase = Phase(name, started=time.perf_counter())
            return self.phase

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            while not self.stop.is_set():
                path = rng.choice(self.paths)
                phase = self.phase
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    phase.failures.append(f"{path}: {type(exc).__name__} {exc}")
                    continue
                elapsed = time.perf_counter() - t0
                if status == 200:
                    phase.latencies.append(elapsed)
                else:
                    phase.failures.append(f"{path}: HTTP {status}")
        finally:
            conn.close()


def request_mix(db_path: Path, picks: dict[str, str]) -> list[str]:
    """Searches a visitor types, and records by number (API and page), 50 distinct records."""
    searches = [
        picks["rare_name2"],
        picks["name3"],
        picks["department"],
        picks["decision_number"],
        picks["rare_word"],
    ]
    paths = [
        "/api/v1/public/records?" + urllib.parse.urlencode({"q": q}, quote_via=urllib.parse.quote)
        for q in searches
    ]
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        (count,) = db.execute("SELECT count(*) FROM disclosure_publication").fetchone()
        rng = random.Random(fx.SEED)
        ids = [rng.randrange(1, count + 1) for _ in range(50)]
        marks = ",".join("?" for _ in ids)
        numbers = [
            n
            for (n,) in db.execute(
                f"SELECT number FROM disclosure_publication WHERE id IN ({marks})",  # noqa: S608
                ids,
            )
        ]
    finally:
        db.close()
    for number in numbers:
        paths.append(f"/api/v1/public/records/{number}")
        paths.append(f"/gs/records/{number}/")
    return paths


def counts(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {
            table: int(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608
            for table in COUNTED
        }
    finally:
        db.close()


def run_backup(var_dir: Path, archive: Path) -> tuple[int, str, float, float]:
    """`govtrust backup` as its own process: (exit code, output, wall s, CPU s of the process)."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "govtrust.cli", "backup", str(archive)],
        env=environment(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode() if process.stdout else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output.strip(), seconds, usage.ru_utime + usage.ru_stime


def ms(value: float) -> str:
    return f"{value:,.1f}"  # bench_search's percentiles are in ms already


def phase_line(phase: Phase) -> str:
    n = len(phase.latencies)
    cpu = phase.server_cpu / n * 1e3 if n else 0.0
    return (
        f"  {phase.name:<22} | {n:>8,} | {len(phase.failures):>6} | {phase.seconds:>7.1f} | "
        f"{phase.rate:>6.1f} | {ms(p50(phase.latencies)):>8} | {ms(p95(phase.latencies)):>8} | "
        f"{cpu:>6.1f}"
    )


def drill(archive: Path, source: dict[str, int], deep: bool) -> bool:
    """Restore into an empty installation and check it; True when every check passed."""
    target = Path(tempfile.mkdtemp(prefix="govtrust-bench-restore-"))
    ok = True
    try:
        code, output, seconds = govtrust(target, "restore", str(archive))
        print(f"  govtrust restore: exit {code} in {seconds:.1f} s ({load_average()})")
        print("    " + output.replace("\n", "\n    "))
        if code != 0:
            return False
        restored = counts(target / "govtrust.sqlite3")
        same = restored == source
        ok &= same
        print(
            "  counts (restored / source): "
            + ", ".join(f"{t} {restored[t]:,} / {source[t]:,}" for t in COUNTED)
            + (" - equal" if same else " - DIFFER")
        )
        code, output, seconds = govtrust(target, "audit", "verify")
        ok &= code == 0
        print(f"  govtrust audit verify: exit {code} in {seconds:.1f} s: {output}")
        if deep:
            code, output, seconds = govtrust(target, "verify", "--deep")
            ok &= code == 0
            lines = output.splitlines()
            shown = "\n    ".join(lines[:12]) + ("\n    ..." if len(lines) > 12 else "")
            print(f"  govtrust verify --deep: exit {code} in {seconds:.1f} s ({load_average()})")
            print(f"    {shown}")
        else:
            print("  govtrust verify --deep: not run (--no-deep)")
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, help="published records (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 records, 4 s of load")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, help="load without a backup (default 30; 4)")
    parser.add_argument("--no-deep", action="store_true", help="skip verify --deep after restore")
    parser.add_argument("--keep", action="store_true", help="keep the run's directories")
    args = parser.parse_args()
    records = args.records or (20_000 if args.quick else 1_000_000)
    seconds = args.seconds or (4.0 if args.quick else 30.0)
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="govtrust-bench-backup-"))
    (var_dir / "static").mkdir()  # whitenoise warns at start-up without it
    archive = var_dir.parent / f"{var_dir.name}.tar"
    signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(143))
    ok = True
    try:
        os.environ["GOVTRUST_HTTPS"] = "0"
        fx.configure(var_dir)
        print(
            f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPU cores, {load_average()} at start"
        )
        data = ops.prepare(records, progress=lambda m: print(m, flush=True))
        how = "from the cache" if data.cached else f"built now in {data.build_seconds:.0f} s"
        print(
            f"Installation: {records:,} published records with their log, "
            f"{data.size_bytes / 2**30:.2f} GiB database ({how}; copied in "
            f"{data.copy_seconds:.1f} s)"
        )
        cached, took = ops.collect_static(var_dir)  # as `govtrust setup` collects them
        print(f"Static files {'from the cache' if cached else 'collected now'} in {took:.1f} s")
        source = counts(data.path)
        paths = request_mix(data.path, data.picks)
        print(
            f"Load: {args.clients} clients, no think time, a mix of {len(paths)} public paths "
            f"(5 searches, 50 records by API and by page); {WORKERS} gunicorn sync workers, "
            "no worker process.\n",
            flush=True,
        )
        with portal(var_dir) as (port, group), Load(port, paths, args.clients) as load:
            time.sleep(min(2.0, seconds / 2))  # every worker has opened its connection
            phases = []
            baseline = load.switch("no backup")
            cpu = group_cpu(group)
            print(f"Phase 'no backup': {seconds:.0f} s ({load_average()})", flush=True)
            time.sleep(seconds)
            during = load.switch("during the backup")
            baseline.server_cpu, cpu = group_cpu(group) - cpu, group_cpu(group)
            print(f"Phase 'during the backup': govtrust backup ({load_average()})", flush=True)
            code, output, backup_seconds, backup_cpu = run_backup(var_dir, archive)
            after = load.switch("after")
            during.server_cpu = group_cpu(group) - cpu
            time.sleep(min(2.0, seconds / 2))
            load.switch("stopped")
            phases = [baseline, during]
        print(f"  {output}")
        if code != 0:
            print(f"govtrust backup FAILED: exit {code}")
            return 1
        size = archive.stat().st_size
        print(
            f"\nBackup of {records:,} records: {backup_seconds:.1f} s wall, "
            f"{backup_cpu:.1f} s CPU, "
            f"archive {size / 2**20:,.1f} MiB ({size / data.size_bytes:.2f} of the database file); "
            f"{load_average()} after"
        )
        print(
            "\nPortal latency in ms, HTTP, requests sent in each phase; server CPU ms per request."
        )
        print(
            f"  {'phase':<22} | requests | failed | seconds | req/s  | median   | p95      | CPU ms"
        )
        print(f"  {'-' * 22}-+----------+--------+---------+--------+----------+----------+-------")
        for phase in phases:
            print(phase_line(phase))
        failed = sum(len(p.failures) for p in (*phases, after))
        ratio = p95(during.latencies) / p95(baseline.latencies) if baseline.latencies else 0.0
        print(
            f"  p95 during the backup / without: {ratio:.2f}x; "
            f"failed requests (every phase): {failed} - "
            + ("goal 'no request fails': met" if not failed else "goal 'no request fails': MISSED")
        )
        for phase in (*phases, after):
            for failure in phase.failures[:5]:
                print(f"    {phase.name}: {failure}")
        ok &= not failed
        print("\nRestore drill into an empty installation:", flush=True)
        ok &= drill(archive, source, deep=not args.no_deep)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\n{'PASSED' if ok else 'FAILED'}: run time {time.perf_counter() - started:.0f} s, "
            f"this process's peak RSS {peak:.0f} MiB, {load_average()} at the end "
            f"(other work shares the {os.cpu_count()} cores)."
        )
    finally:
        if args.keep:
            print(f"Kept {var_dir} and {archive}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
            archive.unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
