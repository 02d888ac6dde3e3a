"""Screening of award candidates (评优评先信用审查) in SQLite: `sanctions.screening` on a candidate
list against a government credit database, beside a fair rapidfuzz baseline, in one run.

    uv run python bench/bench_screening.py [--records 1000000] [--measures 50000]
                                           [--candidates 10000] [--quick]

1. Data (bench/_screening_fixtures.py): a fresh GOVTRUST_VAR_DIR holding a copy of a cached
   database of `--records` accepted records (governments, departments and civil servants; USCCs
   for bodies, keyed hashes of citizen ID numbers for people, as the records service stores them)
   and `--measures` measures of the default rule catalogue, about a quarter of the honours/awards
   ones in force on the bench's TODAY (28 Nov 2026). Built once with raw executemany, cached under
   /tmp/govtrust-bench-screening/ keyed on the sizes. The candidate list (`--candidates`) is a
   seeded mix: about two thirds new names and bodies without a restriction, and restricted
   subjects by identifier (some typed full-width), by exact name, by a near name (a character
   changed or dropped, 人民政府 dropped, spaces) and by a homophone (王伟 / 汪伟).
2. GovTrust, in this process (one warm-up run of everything first, reported as "first run"):
   `Index(today)` built from the database, `screen(candidates, today=, index=)` of the whole list,
   and `screen(candidates, today=)` as the API calls it, twice over: just after a write (the
   restrictions generation moved, so the kept Index is rebuilt) and with nothing written since
   the last call (one query finds the Index kept; the goal line). Medians of `--runs` runs
   (min-max beside). Wall-clock and this process's CPU time.
3. Baseline, the fair one (issue 13), in the same process and on the same candidates: what a
   competent engineer would write. One query for the subjects restricted today (their record,
   name and identifier key) into a dict by key and a set of distinct normalised names; per
   candidate its identifier's readings looked up in the dict, and every restricted name scoring
   >= THRESHOLD by `rapidfuzz.process.extract(limit=None)` (each distinct candidate name once).
   Timed from the query to the last candidate, `--runs` runs, medians.
4. Same matches, for every candidate: each restricted name the baseline finds >= THRESHOLD and
   each record its identifier hits must be among the engine's matches. No cap may drop one (the
   engine keeps them all; a page shows the best FUZZY_SHOWN first). Any miss exits with status 1.

--quick: 20,000 records, 1,000 measures, 1,000 candidates, 1 run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _screening_fixtures as fx

GOAL_SECONDS = 2.0
GOAL_SPEEDUP = 10.0  # against the fair baseline (issue 13)
FUZZY_SHOWN = 5  # how many fuzzy names a page shows first; the rest are kept, not dropped


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, work: Callable[[], Any]) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        out = work()
        self.wall.append(time.perf_counter() - t0)
        self.cpu.append(time.process_time() - c0)
        return out

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def text(self) -> str:
        spread = f" ({min(self.wall):.3f}-{max(self.wall):.3f})" if len(self.wall) > 1 else ""
        return f"{self.median:.3f} s{spread}"

    def cpu_text(self) -> str:
        return f"{statistics.median(self.cpu):.3f} s"


@dataclass
class Baseline:
    """The fair baseline: what a competent engineer would write without the engine."""

    setup: float = 0.0
    names: int = 0
    timing: Timing = field(default_factory=Timing)
    # candidate position -> {normalised restricted name: score} (all >= THRESHOLD), and the
    # record ids its identifier hits
    pairs: dict[int, dict[str, float]] = field(default_factory=dict)
    hits: dict[int, set[int]] = field(default_factory=dict)


def measure_engine(candidates: list[Any], today: datetime.date, runs: int) -> dict[str, Any]:
    from govtrust.core import generation
    from govtrust.screening.engine import Index, screen

    # The first run of this process: nothing cached yet (pinyin of names, identifier checks,
    # SQLite pages of this copy). Index and screen timed apart, then summed.
    first_index, first_screen = Timing(), Timing()
    cold = first_index.run(lambda: Index(today))
    first_screen.run(lambda: screen(candidates, today=today, index=cold))
    index_t, screen_t, total_t, rebuilt_t = Timing(), Timing(), Timing(), Timing()
    index = None
    for _ in range(runs):
        index = index_t.run(lambda: Index(today))
    results: list[Any] = []
    for _ in range(runs):
        results = screen_t.run(lambda: screen(candidates, today=today, index=index))
    # As the API calls it, right after a write: the generation moved, so the cached Index is
    # rebuilt (the write itself, one committed bump, is not timed).
    for _ in range(runs):
        generation.bump(generation.RESTRICTIONS)
        rebuilt_t.run(lambda: screen(candidates, today=today))
    # As the API calls it with nothing written since the last call: one query finds the
    # generation unchanged and the Index kept.
    for _ in range(runs):
        total_t.run(lambda: screen(candidates, today=today))
    return {
        "first_index": first_index.wall[0],
        "first_screen": first_screen.wall[0],
        "index": index_t,
        "screen": screen_t,
        "total": total_t,
        "rebuilt": rebuilt_t,
        "results": results,
        "index_obj": index,
    }


def measure_baseline(candidates: list[Any], today: datetime.date, runs: int) -> Baseline:
    """Identifiers by dict, then rapidfuzz over the distinct names of the subjects restricted
    today only: one query for the restricted subjects (set-up, timed), per candidate its
    identifier's readings (citizen ID: keyed hash; USCC: itself) looked up in a dict, and every
    restricted name scoring >= THRESHOLD by `process.extract(limit=None)`; each distinct
    candidate name scored once. Same inputs and the same complete set of matches as the engine
    must give, but no pinyin, no judgements and no Result objects."""
    from rapidfuzz import fuzz, process

    from govtrust.core.identifiers import check_ric, check_uscc
    from govtrust.core.protect import lookup_digest
    from govtrust.measures.models import Measure, MeasureStatus
    from govtrust.screening.engine import RESTRICTING, THRESHOLD, normalize_name

    base = Baseline()

    def once() -> None:
        rows = Measure.objects.filter(
            kind__in=RESTRICTING,
            status__in=[MeasureStatus.ACTIVE, MeasureStatus.LIGHTENED],
            ends_on__gte=today,
        ).values_list("record_id", "record__subject_name", "record__subject_key")
        by_key: dict[str, set[int]] = defaultdict(set)
        names: set[str] = set()
        for record_id, name, key in rows.iterator(chunk_size=2000):
            by_key[key].add(record_id)
            names.add(normalize_name(name))
        distinct = sorted(names)
        base.names = len(distinct)
        scored: dict[str, dict[str, float]] = {}
        for position, candidate in enumerate(candidates):
            hits: set[int] = set()
            if candidate.identifier:
                ric, uscc = check_ric(candidate.identifier), check_uscc(candidate.identifier)
                if ric.valid:
                    hits |= by_key.get(lookup_digest(ric.normalized), set())
                if uscc.valid:
                    hits |= by_key.get(uscc.normalized, set())
            base.hits[position] = hits
            name = normalize_name(candidate.name)
            if name not in scored:
                found = process.extract(
                    name, distinct, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=None
                )
                scored[name] = {other: float(score) for other, score, _i in found}
            base.pairs[position] = scored[name]

    for _ in range(runs):
        base.timing.run(once)
    return base


def compare(results: list[Any], base: Baseline) -> tuple[Counter[str], list[str]]:
    """Every restricted name the baseline scores >= THRESHOLD and every record its identifiers
    hit must be among the engine's matches for that candidate: no cap may drop one."""
    counts: Counter[str] = Counter()
    misses = []
    for position, result in enumerate(results):
        names = matched_names(result)
        numbers = {m.record_number for m in result.matches if "identifier" in m.features}
        candidate = result.candidate
        counts["name pairs >= threshold (baseline)"] += len(base.pairs[position])
        for name, score in base.pairs[position].items():
            if name in names:
                counts["name pairs found by the engine"] += 1
            else:
                misses.append(f"row {candidate.row} {candidate.name!r}: {name!r} ({score:.1f})")
        counts["identifier hits (baseline)"] += len(base.hits[position])
        counts["identifier hits found by the engine"] += len(numbers)
        if len(numbers) < len(base.hits[position]):
            misses.append(
                f"row {candidate.row}: identifier hits {len(numbers)} of {len(base.hits[position])}"
            )
    return counts, misses


def matched_names(result: Any) -> set[str]:
    from govtrust.screening.engine import normalize_name

    return {normalize_name(m.subject_name) for m in result.matches}


def print_table(headers: list[str], lines: list[list[str]]) -> None:
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    sizes = [max(width(x) for x in column) for column in zip(headers, *lines, strict=True)]
    for line in [headers, ["-" * s for s in sizes], *lines]:
        cells = [
            x + " " * (s - width(x)) if i == 0 else " " * (s - width(x)) + x
            for i, (x, s) in enumerate(zip(line, sizes, strict=True))
        ]
        print("  " + " | ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records (default 1,000,000)")
    parser.add_argument("--measures", type=int, help="measures (default 50,000)")
    parser.add_argument("--candidates", type=int, help="candidates (default 10,000)")
    parser.add_argument("--runs", type=int, help="timed runs per line (default 5)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory")
    args = parser.parse_args()
    quick = args.quick
    records = args.records or (20_000 if quick else 1_000_000)
    measures = args.measures or (1_000 if quick else 50_000)
    count = args.candidates or (1_000 if quick else 10_000)
    runs = args.runs or (1 if quick else 5)

    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="govtrust-bench-screening-"))
    signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(143))  # clean up when stopped
    try:
        fx.configure(var_dir)
        import django
        import pypinyin
        import rapidfuzz

        load_start = os.getloadavg()[0]
        print(
            f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, Django "
            f"{django.__version__}, rapidfuzz {rapidfuzz.__version__}, pypinyin "
            f"{pypinyin.__version__}; {os.cpu_count()} CPU cores, load average {load_start:.2f}"
        )
        data = fx.prepare(records, measures, count, progress=lambda m: print(m, flush=True))
        source = "from the cache" if data.cached else "built now, and cached"
        print(
            f"Database: {data.stats['records']:,} records, {data.stats['measures']:,} measures "
            f"({data.stats['restricting measures']:,} restricting honours/awards on "
            f"{fx.TODAY}, {data.stats['restricted subjects']:,} restricted subjects), "
            f"{data.size_bytes / 2**20:,.0f} MiB, {source} ({data.cache}); copied in "
            f"{data.copy_seconds:.1f} s"
        )
        print(
            "Build of the cached database (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in data.load.items())
        )
        from govtrust.screening.engine import THRESHOLD, Candidate

        candidates = [
            Candidate(i + 2, row.name, row.identifier, row.unit)
            for i, row in enumerate(data.candidates)
        ]
        today = fx.TODAY
        print(f"\nGovTrust: {count:,} candidates, {runs} run(s) per line ...", flush=True)
        engine = measure_engine(candidates, today, runs)
        results = engine["results"]
        index = engine["index_obj"]
        print(f"Baseline: dict + rapidfuzz over restricted names, {runs} run(s) ...", flush=True)
        base = measure_baseline(candidates, today, runs)
        found, misses = compare(results, base)

        total = engine["total"].median
        base_total = base.timing.median
        speedup = base_total / total
        cpu_speedup = statistics.median(base.timing.cpu) / statistics.median(engine["total"].cpu)
        rebuilt = engine["rebuilt"].median
        rebuilt_cpu = statistics.median(base.timing.cpu) / statistics.median(engine["rebuilt"].cpu)
        pairs = found["name pairs >= threshold (baseline)"]
        shown = sum(
            min(FUZZY_SHOWN, len([m for m in r.matches if "name_fuzzy" in m.features]))
            for r in results
        )
        fuzzy = sum(len([m for m in r.matches if "name_fuzzy" in m.features]) for r in results)
        # Every line of the table: metric, GovTrust, baseline, goal.
        lines = [
            ["Index build from the database", engine["index"].text(), "(inside its total)", ""],
            [f"screen() of {count:,} candidates", engine["screen"].text(), "", ""],
            [
                "per candidate",
                f"{engine['screen'].median / count * 1e3:.3f} ms",
                f"{base_total / count * 1e3:.3f} ms",
                "",
            ],
            [
                "total, Index kept (no write since), median",
                engine["total"].text(),
                base.timing.text(),
                f"< {GOAL_SECONDS:.0f} s: {'met' if total < GOAL_SECONDS else 'MISSED'}",
            ],
            ["total, Index kept, CPU time", engine["total"].cpu_text(), base.timing.cpu_text(), ""],
            [
                "total, Index rebuilt (just after a write)",
                engine["rebuilt"].text(),
                "",
                f"< {GOAL_SECONDS:.0f} s: {'met' if rebuilt < GOAL_SECONDS else 'MISSED'}",
            ],
            ["total, Index rebuilt, CPU time", engine["rebuilt"].cpu_text(), "", ""],
            [
                "first run (fresh process, caches cold)",
                f"{engine['first_index'] + engine['first_screen']:.3f} s (Index "
                f"{engine['first_index']:.3f} + screen {engine['first_screen']:.3f})",
                "",
                "",
            ],
            ["candidates/s", f"{count / total:,.0f}", f"{count / base_total:,.0f}", ""],
            [
                "speed-up, Index kept (wall; CPU)",
                f"{speedup:,.1f}x; {cpu_speedup:.1f}x",
                "1x",
                f">= {GOAL_SPEEDUP:.0f}x: {'met' if speedup >= GOAL_SPEEDUP else 'MISSED'}",
            ],
            [
                "speed-up, Index rebuilt (wall; CPU)",
                f"{base_total / rebuilt:,.1f}x; {rebuilt_cpu:.1f}x",
                "1x",
                f">= {GOAL_SPEEDUP:.0f}x: "
                + ("met" if base_total / rebuilt >= GOAL_SPEEDUP else "MISSED"),
            ],
            [
                f"name pairs >= {THRESHOLD:.0f} (all, no cap)",
                f"{found['name pairs found by the engine']:,} found",
                f"{pairs:,} (over {base.names:,} distinct restricted names)",
                "all: " + ("met" if not misses else "MISSED"),
            ],
            [
                "identifier hits",
                f"{found['identifier hits found by the engine']:,}",
                f"{found['identifier hits (baseline)']:,}",
                "all: " + ("met" if not misses else "MISSED"),
            ],
            [
                "fuzzy matches kept / shown first",
                f"{fuzzy:,} kept, {shown:,} among the best {FUZZY_SHOWN} per candidate",
                "",
                "",
            ],
        ]
        print()
        print_table(
            ["metric", "GovTrust", "baseline (dict + rapidfuzz, restricted only)", "goal"], lines
        )

        verdicts: dict[str, Counter[str]] = defaultdict(Counter)
        reasons: Counter[str] = Counter()
        for row, result in zip(data.candidates, results, strict=True):
            verdicts[row.category][result.verdict] += 1
            for match in result.matches:
                reasons[match.features[0]] += 1
        print("\nVerdicts by kind of candidate:")
        order = [c for c, _share in fx.CATEGORIES]
        print_table(
            ["candidates", "count", "clear", "review", "restricted"],
            [
                [c, f"{sum(verdicts[c].values()):,}"]
                + [f"{verdicts[c][v]:,}" for v in ("clear", "review", "restricted")]
                for c in order
            ],
        )
        print("Matches by feature: " + ", ".join(f"{k} {v:,}" for k, v in reasons.most_common()))
        lengths = Counter(len(name) for name in index.by_name)
        print(
            f"Index: {sum(len(v) for v in index.by_key.values()):,} restricted subjects, "
            f"{len(index.by_name):,} distinct names; names by length: "
            + ", ".join(f"{k}:{lengths[k]:,}" for k in sorted(lengths))
        )
        print(
            f"Load average {os.getloadavg()[0]:.2f} at the end (other work shares the "
            f"{os.cpu_count()} cores). Run time {time.perf_counter() - started:.0f} s."
        )
        if misses:
            print(f"\nENGINE MISSED {len(misses)} MATCH(ES):", *misses[:20], sep="\n  ")
            return 1
    finally:
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
