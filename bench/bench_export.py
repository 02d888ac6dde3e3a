"""Excel export of a filtered back-office list (issue 14): the records list of the provincial
credit office, `?export=xlsx`, at a large and a small size, time and peak memory.

    uv run python bench/bench_export.py [--records 100000] [--quick]

1. Data: the search benchmark's cached database of `--records` accepted records (bench/
   _search_fixtures.py, built once with raw executemany, cached under /tmp/govtrust-bench-search/)
   copied into a fresh GOVTRUST_VAR_DIR; its provincial credit-office account exports.
2. Each export runs in its own child process (so peak RSS is that export's alone): Django set
   up, an export of no rows done once (warm-up, not timed), then
   `GET /records/?status=accepted[&unit=...]&export=xlsx` through Django's test client, as the
   browser asks for it. Reported: the view's time (rows read in chunks of EXPORT_CHUNK and written
   by xlsxwriter's constant-memory mode to a temporary file, the audit event appended), the time
   to stream the response out, the SQL statements run, the file's size, the process's peak RSS
   (VmHWM: it counts the pages of the database file SQLite maps, mmap_size 256 MiB, and its
   64 MiB page cache, which grow with the data read) and its peak heap (RssAnon sampled every
   20 ms; it holds SQLite's page cache too), each before the export (after the warm-up) and
   after it; then the same export again under tracemalloc (not timed), for the peak of Python's
   own allocations during an export.
3. Streaming is confirmed when the response is a streaming FileResponse and the large export's
   Python peak is within a few MiB of the small export's (the rows are never all held in
   memory). The file is opened afterwards (openpyxl, read-only) and its rows counted: the
   export holds every row the filter selects, header first. A mismatch exits with status 1.

--quick: 20,000 records (the small export: the records of one prefecture, 兰州市).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _search_fixtures as fx

SMALL_UNIT = "6201"  # 兰州市: about a tenth of the generated records


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mib() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would carry the parent's peak across exec)."""
    return _status_mib("VmHWM")


def _anon_mib() -> float:
    """This process's anonymous resident memory (heap, not the mmap'd database file)."""
    return _status_mib("RssAnon")


class AnonPeak(threading.Thread):
    """The highest RssAnon seen, sampled every 20 ms while an export runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _anon_mib()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, _anon_mib())


def child(var_dir: Path, query: dict[str, str], out: Path) -> dict[str, Any]:
    """One export in this process (a fresh one): see the module's note, step 2."""
    os.environ["GOVTRUST_HTTPS"] = "0"
    fx.configure(var_dir)
    from django.db import connection
    from django.test import Client

    from govtrust.directory.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="b"))
    # Warm-up: an export of no rows (the same code, imports and connection; no page template,
    # whose static files a bench directory has not collected).
    warm = client.get("/records/", {**query, "q": "无此记录", "export": "xlsx"})
    assert warm.status_code == 200, warm.status_code
    warm.close()
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    before, anon_before = _rss_mib(), _anon_mib()
    sampler = AnonPeak()
    sampler.start()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get("/records/", {**query, "export": "xlsx"})
    view = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    size = 0
    with out.open("wb") as sink:
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size += len(chunk)
            sink.write(chunk)
    response.close()
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    sampler.stop.set()
    sampler.join()
    # Again under tracemalloc (slower; not timed): the peak of Python's own allocations, apart
    # from SQLite's page cache, which is C heap and grows with the pages read up to 64 MiB.
    tracemalloc.start()
    again = client.get("/records/", {**query, "export": "xlsx"})
    for _chunk in again.streaming_content:  # type: ignore[attr-defined]
        pass
    again.close()
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "python_peak_mib": python_peak,
        "anon_before_mib": anon_before,
        "anon_peak_mib": max(sampler.peak, _anon_mib()),
        "view_s": view,
        "total_s": total,
        "cpu_s": cpu,
        "statements": statements,
        "bytes": size,
        "streaming": bool(response.streaming),
        "rss_before_mib": before,
        "rss_peak_mib": _rss_mib(),
    }


def run_child(var_dir: Path, query: dict[str, str], out: Path) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", str(var_dir), json.dumps(query), str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"export child failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rows_in(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def expected_rows(query: dict[str, str]) -> int:
    """The rows the filter selects, counted apart from the list: a unit's own records and those
    of the governments it governs (policy.under: 兰州新区 is not 兰州市's)."""
    from govtrust.directory import policy
    from govtrust.records.models import Record

    rows = Record.objects.filter(status=query["status"])
    if "unit" in query:
        rows = policy.under(rows, query["unit"])
    return rows.count()


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        result = child(Path(sys.argv[2]), json.loads(sys.argv[3]), Path(sys.argv[4]))
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 records: a smoke test")
    args = parser.parse_args()
    records = args.records or (20_000 if args.quick else 100_000)
    var_dir = Path(tempfile.mkdtemp(prefix="govtrust-bench-export-"))
    signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(143))
    failed = False
    try:
        os.environ["GOVTRUST_HTTPS"] = "0"
        fx.configure(var_dir)
        import django

        data = fx.prepare(records, progress=lambda m: print(m, flush=True))
        load = os.getloadavg()
        print(
            f"Python {sys.version.split()[0]}, Django {django.__version__}; {os.cpu_count()} "
            f"CPU cores, load average {load[0]:.2f}; {data.records:,} records "
            f"({'cached' if data.cached else 'built now'}, {data.size_bytes / 2**20:,.0f} MiB)"
        )
        lines = []
        for label, query in (
            ("all accepted records", {"status": "accepted"}),
            ("one prefecture (兰州市)", {"status": "accepted", "unit": SMALL_UNIT}),
        ):
            out = var_dir / f"export-{len(lines)}.xlsx"
            result = run_child(var_dir, query, out)
            want, got = expected_rows(query), rows_in(out) - 1
            failed |= want != got
            lines.append((label, want, got, result))
            out.unlink()
        print(
            "\nexport                    |    rows | in file |  view s | total s |  CPU s | SQL | "
            "MiB file | RSS before | RSS peak | heap before | heap peak | Python peak"
        )
        for label, want, got, r in lines:
            print(
                f"{label:25} | {want:7,} | {got:7,} | {r['view_s']:7.2f} | {r['total_s']:7.2f} | "
                f"{r['cpu_s']:6.2f} | {r['statements']:3} | {r['bytes'] / 2**20:8.1f} | "
                f"{r['rss_before_mib']:10.1f} | {r['rss_peak_mib']:8.1f} | "
                f"{r['anon_before_mib']:11.1f} | {r['anon_peak_mib']:9.1f} | "
                f"{r['python_peak_mib']:11.1f}"
            )
        big, small = lines[0][3], lines[1][3]
        growth = big["python_peak_mib"] - small["python_peak_mib"]
        rate = lines[0][1] / big["total_s"] if big["total_s"] else 0.0
        print(
            f"\n{rate:,.0f} rows/s for the large export; streamed (FileResponse): "
            f"{big['streaming'] and small['streaming']}; the peak of Python's allocations "
            f"during the export grows {growth:+.1f} MiB over the small export's for "
            f"{lines[0][1] - lines[1][1]:,} more rows; "
            f"load average at the end {os.getloadavg()[0]:.2f}"
        )
        if failed:
            print("MISMATCH: a file does not hold every row the filter selects", file=sys.stderr)
    finally:
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
