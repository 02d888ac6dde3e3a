"""Bulk intake of dishonesty records: GovTrust's importer beside django-import-export and a raw
`executemany`, on the same rows, each run into a fresh copy of one seeded SQLite (WAL) database.

    uv run python bench/bench_import.py [--rows 10000] [--runs 3] [--quick] [--profile]

1. GovTrust import: `import_batch_create` (store, sniff) + `import_batch_run` (streamed xlsx,
   RecordIn per row, subjects, deadlines, duplicates, bulk insert of records, history lines and
   audit events) on the clerk's template file, in all-or-nothing mode.
2. django-import-export, the Django world's standard: a `ModelResource` for `Record`
   (`use_bulk = True`, `batch_size = 1000`, `skip_unchanged = False`, `import_id_fields =
   ("number",)`, other options at their defaults), timed from the bytes of the file:
   `tablib.Dataset().load(..., format="xlsx")` (openpyxl) then `import_data(dry_run=False,
   use_transactions=True)`. import-export has no way to derive a record's columns from the
   clerk's file (identifier checks, cipher, keys, deadline, numbering), so its file is a second
   xlsx written before timing with the model's own columns, filled with the values GovTrust stored
   for the same rows (the citizen-ID cipher aside, which a cell cannot carry). That spares it every
   derivation and check: the comparison favours the baseline. It writes no history or audit.
   Also `use_bulk = False` (the default), once, on a subset (`--non-bulk-rows`, default 10,000);
   when the subset is smaller than `--rows`, its rate is extrapolated and the line says so.
   2c, THE GOAL LINE: line 2 plus `skip_diff` and `force_init_instance`, the speed options of
   import-export's own "Bulk imports / Performance tuning" documentation: the baseline as its
   maintainers say to configure it for a large import.
3. Raw executemany, the physical limit: the tuples GovTrust stored (every column but the key),
   read after GovTrust's first run, inserted with one `executemany` in one transaction into a
   fresh database. Records only: no history, no audit (not a goal line). 3b, THE GOAL LINE: the
   same for all three tables GovTrust writes (records, history lines, `record.import` audit
   events), so both sides write the same rows.

Each figure is the median of `--runs` runs (default 3 up to 20,000 rows, else 1), in wall-clock
seconds and in this process's CPU seconds: the machines are shared, and CPU time is what other
work on them disturbs least (SQLite runs in-process, so its work is in that CPU time too). The
goals are judged on wall-clock time; the CPU ratios are printed beside them. Peak RSS of the
GovTrust import is measured in a child process per size (this script with `--rss-only`), which
starts from a copy of the seeded database, so neither migrations nor the other benchmarks count;
with two sizes (default: `--rows` and ten times it) the ratio of the peaks is judged (goal <= 1.5).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _import_fixtures as fx

# Goal lines (issue 13): 2c, the documentation-tuned import-export, and 3b, raw executemany of
# the three tables GovTrust writes; peak RSS at the larger size over the smaller.
GOALS = {"import_export": 10.0, "raw": 0.25, "rss_ratio": 1.5}


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    load: float = 0.0  # of which reading the file (import-export's tablib/openpyxl)


class Stopwatch:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self, load: float = 0.0) -> Timing:
        return Timing(time.perf_counter() - self.wall, time.process_time() - self.cpu, load)


@dataclass
class Line:
    label: str
    rows: int
    runs: list[Timing] = field(default_factory=list)
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(t.wall for t in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(t.cpu for t in self.runs)

    @property
    def rate(self) -> float:
        return self.rows / self.wall

    @property
    def cpu_rate(self) -> float:
        return self.rows / self.cpu


def govtrust_run(template: Path, xlsx: Path, rows: int, name: str) -> tuple[Timing, Path]:
    """One GovTrust import into a fresh database; the database is left for the caller."""
    from govtrust.records.models import Record
    from govtrust.records.services.bulk import import_batch_create, import_batch_run

    database = fx.fresh_database(template, name)
    actor = fx.clerk()
    with xlsx.open("rb") as handle:
        clock = Stopwatch()
        batch = import_batch_create(
            actor=actor, source=handle, filename=xlsx.name, mode="all_or_nothing"
        )
        batch = import_batch_run(batch_id=batch.pk)
        timing = clock.stop()
    assert batch.status == "succeeded", (batch.status, batch.message, batch.errors[:3])
    assert Record.objects.count() == rows == batch.created_count
    return timing, database


def resource_class(bulk: bool, tuned: bool = False) -> Any:
    """The baseline's resource: standard options, the model's fields, one create per row.
    `tuned` adds the options import-export's documentation suggests for speed."""
    from import_export import fields, resources, widgets

    from govtrust.records.models import Record

    class RecordResource(resources.ModelResource):  # type: ignore[misc]
        # A TextField gets import-export's plain Widget, which turns an empty cell into None.
        return_reason = fields.Field("return_reason", "return_reason", widgets.CharWidget())

        class Meta:
            model = Record
            fields = tuple(fx.baseline_fields())
            import_id_fields = ("number",)
            use_bulk = bulk
            batch_size = 1000
            skip_unchanged = False
            skip_diff = tuned  # no before/after export of every row
            force_init_instance = tuned  # no look-up of an existing record per row

    return RecordResource


def import_export_run(
    template: Path, xlsx: Path, rows: int, bulk: bool, tuned: bool = False
) -> Timing:
    """One import into a fresh database, timed from the file's bytes to the committed rows."""
    import tablib  # type: ignore[import-untyped]

    from govtrust.records.models import Record

    database = fx.fresh_database(template, "import-export")
    importer = resource_class(bulk, tuned)()
    clock = Stopwatch()
    with xlsx.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    loaded = time.perf_counter() - clock.wall
    result = importer.import_data(dataset, dry_run=False, use_transactions=True)
    timing = clock.stop(load=loaded)
    assert not result.has_errors() and not result.has_validation_errors(), result.base_errors[:3]
    assert Record.objects.count() == rows, (Record.objects.count(), rows)
    fx.drop_database(database)
    return timing


def raw_run(template: Path, tables: list[fx.Table]) -> Timing:
    """One transaction of one `executemany` per table into a fresh database."""
    from django.db import connection, transaction

    database = fx.fresh_database(template, "raw")
    with connection.cursor() as cursor:
        clock = Stopwatch()
        with transaction.atomic():
            for table, columns, values in tables:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, values)
        timing = clock.stop()
        for table, _columns, values in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] >= len(values)
    fx.drop_database(database)
    return timing


def _peak_mb() -> float:
    """Peak RSS of this process image. Not ru_maxrss: on Linux a child started by fork/vfork and
    exec inherits the parent's peak in ru_maxrss, while VmHWM starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def rss_child(args: argparse.Namespace) -> None:
    """Child mode: one GovTrust import; print the peak RSS before and after as JSON."""
    with tempfile.TemporaryDirectory(prefix="govtrust-bench-rss-") as var:
        fx.configure(Path(var))
        template = Path(var) / "template.sqlite3"
        shutil.copyfile(args.template, template)
        fx.fresh_database(template, "rss")  # connect before measuring the baseline
        fx.clerk()
        before = _peak_mb()
        timing, _database = govtrust_run(template, Path(args.xlsx), args.rows, "rss")
        print(json.dumps({"before_mb": before, "peak_mb": _peak_mb(), "seconds": timing.wall}))


def measure_rss(template: Path, xlsx: Path, rows: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--rss-only", "--rows", str(rows)]
    command += ["--xlsx", str(xlsx), "--template", str(template)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def profile(template: Path, xlsx: Path, rows: int, top: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    timing, database = govtrust_run(template, xlsx, rows, "profile")
    profiler.disable()
    fx.drop_database(database)
    out = io.StringIO()
    out.write(f"\ncProfile of one GovTrust import, {rows:,} rows ({timing.wall:.2f} s under the ")
    out.write("profiler)\n-- govtrust functions by cumulative time --\n")
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"src/govtrust", top)
    out.write("-- all functions by own time --\n")
    stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


def _ratio(name: str, value: float, cpu: float, goal: float, unit: str) -> str:
    verdict = "met" if value >= goal else "MISSED"
    return (
        f"{name:34} {value:6.2f}{unit}  (CPU time: {cpu:.2f}{unit})  "
        f"goal >= {goal:g}{unit}: {verdict}"
    )


def table(lines: list[Line], govtrust: Line, tuned: Line, everything: Line) -> str:
    head = (
        f"{'':44} {'rows':>8} {'wall s (min-max)':>22} {'rows/s':>8} "
        f"{'CPU s':>7} {'rows/CPU-s':>10} {'runs':>4}"
    )
    out = [head, "-" * len(head)]
    for line in lines:
        walls = [t.wall for t in line.runs]
        spread = f"{line.wall:.2f} ({min(walls):.2f}-{max(walls):.2f})"
        out.append(
            f"{line.label:44} {line.rows:8,} {spread:>22} {line.rate:8,.0f} "
            f"{line.cpu:7.2f} {line.cpu_rate:10,.0f} {len(line.runs):4}"
        )
        if any(t.load for t in line.runs):
            load = statistics.median(t.load for t in line.runs)
            out.append(f"{'':4}of which tablib/openpyxl load: {load:.2f} s")
        if line.note:
            out.append(f"{'':4}{line.note}")
    out.append("")
    out.append(
        _ratio(
            "GovTrust / 2c tuned import-export:",
            govtrust.rate / tuned.rate,
            govtrust.cpu_rate / tuned.cpu_rate,
            GOALS["import_export"],
            "x",
        )
    )
    out.append(
        _ratio(
            "GovTrust / 3b raw, three tables:",
            govtrust.rate / everything.rate,
            govtrust.cpu_rate / everything.cpu_rate,
            GOALS["raw"],
            "",
        )
    )
    return "\n".join(out)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=0, help="default: 3 up to 20,000 rows, else 1")
    parser.add_argument("--quick", action="store_true", help="1,000 rows, one run: a smoke test")
    parser.add_argument("--non-bulk-rows", type=int, default=10_000)
    parser.add_argument("--rss-rows", default="", help="sizes for peak RSS, e.g. 10000,100000")
    parser.add_argument("--profile", action="store_true", help="cProfile one GovTrust import")
    parser.add_argument(
        "--goal-lines-only",
        action="store_true",
        help="skip lines 2 and 2b (not goal lines; the longest at 100,000 rows)",
    )
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--xlsx", help=argparse.SUPPRESS)
    parser.add_argument("--template", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick and not args.rss_only:
        args.rows, args.runs, args.non_bulk_rows = 1000, 1, 1000
    args.runs = args.runs or (3 if args.rows <= 20_000 else 1)
    args.non_bulk_rows = min(args.non_bulk_rows, args.rows)
    default = {max(args.rows // 2, 1), args.rows} if args.quick else {args.rows, args.rows * 10}
    sizes = {int(s) for s in args.rss_rows.split(",") if s.strip()} or default
    args.rss_sizes = sorted(sizes)
    return args


def measure(line: Line, runs: int, once: Callable[[], Timing]) -> Line:
    for run in range(runs):
        timing = once()
        line.runs.append(timing)
        print(
            f"  {line.label.strip()}, run {run + 1}: {timing.wall:.2f} s (CPU {timing.cpu:.2f} s)",
            flush=True,
        )
    return line


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.rss_only:
        rss_child(args)
        return
    with tempfile.TemporaryDirectory(prefix="govtrust-bench-") as var_name:
        var = Path(var_name)
        fx.configure(var)
        template = fx.build_template(var)
        started = time.perf_counter()
        xlsx = fx.template_xlsx(var / "失信记录.xlsx", args.rows)
        print(
            f"Generated {args.rows:,} rows ({xlsx.stat().st_size / 1048576:.1f} MB xlsx) "
            f"in {time.perf_counter() - started:.1f} s; {args.runs} run(s) per line; "
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        rows, subset_rows, runs = args.rows, args.non_bulk_rows, args.runs
        extracted: dict[str, Any] = {}

        def govtrust_once() -> Timing:
            timing, database = govtrust_run(template, xlsx, rows, "govtrust")
            if not extracted:  # the baseline's file and the raw tuples: what GovTrust stored
                extracted.update(records=fx.raw_rows(), tables=fx.raw_tables())
                extracted["baseline"] = fx.baseline_xlsx(var / "baseline.xlsx")
                extracted["subset"] = fx.baseline_xlsx(var / "subset.xlsx", subset_rows)
            fx.drop_database(database)
            return timing

        govtrust = measure(Line("1  GovTrust import (create + run)", rows), runs, govtrust_once)
        baseline, subset = extracted["baseline"], extracted["subset"]
        records, tables = extracted["records"], extracted["tables"]
        ie: Line | None = None
        slow: Line | None = None
        if not args.goal_lines_only:
            ie = measure(
                Line("2  django-import-export, use_bulk=True", rows),
                runs,
                lambda: import_export_run(template, baseline, rows, bulk=True),
            )
            partial = subset_rows < rows
            slow = measure(
                Line("2b django-import-export, use_bulk=False", subset_rows),
                1 if partial else runs,
                lambda: import_export_run(template, subset, subset_rows, bulk=False),
            )
            if partial:
                slow.note = (
                    f"{subset_rows:,}-row subset, 1 run; extrapolated to {rows:,} rows: "
                    f"{rows / slow.rate:,.0f} s at the same rate"
                )
        tuned = measure(
            Line("2c as 2, + skip_diff + force_init_instance", rows),
            runs,
            lambda: import_export_run(template, baseline, rows, bulk=True, tuned=True),
        )
        raw = Line("3  raw executemany (records only)", rows)
        raw = measure(raw, runs, lambda: raw_run(template, [records]))
        everything = Line("3b raw executemany (records+history+audit)", rows)
        everything = measure(everything, runs, lambda: raw_run(template, tables))

        rss = []
        for size in args.rss_sizes:
            source = xlsx if size == rows else fx.template_xlsx(var / f"rss-{size}.xlsx", size)
            rss.append((size, measure_rss(template, source, size)))

        print(f"\nBulk intake, {rows:,} rows, SQLite (WAL), a fresh database per run")
        print(f"(load average now {os.getloadavg()[0]:.2f}; other work here skews every line)")
        shown = [line for line in (govtrust, ie, slow, tuned, raw, everything) if line]
        print(table(shown, govtrust, tuned, everything))
        for name, other in (
            ("2 import-export, use_bulk only", ie),
            ("3 raw, records table only", raw),
        ):
            if other is None:
                continue
            print(
                f"(not a goal) GovTrust / {name}: {govtrust.rate / other.rate:.2f} "
                f"(CPU time: {govtrust.cpu_rate / other.cpu_rate:.2f})"
            )
        for size, figures in rss:
            print(
                f"Peak RSS (VmHWM), GovTrust import of {size:,} rows in a child process: "
                f"{figures['peak_mb']:.0f} MB (after setup {figures['before_mb']:.0f} MB, "
                f"+{figures['peak_mb'] - figures['before_mb']:.0f} MB; {figures['seconds']:.1f} s)"
            )
        if len(rss) > 1:
            (small, low), (large, high) = rss[0], rss[-1]
            ratio = high["peak_mb"] / low["peak_mb"]
            verdict = "met" if ratio <= GOALS["rss_ratio"] else "MISSED"
            print(
                f"Peak RSS {large:,} rows / {small:,} rows: {ratio:.2f}  "
                f"goal <= {GOALS['rss_ratio']:g}: {verdict}"
            )
        if args.profile:
            print(profile(template, xlsx, rows))


if __name__ == "__main__":
    main()
