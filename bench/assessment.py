"""The annual assessment at full size: one run for every government and department, beside a
naive per-unit ORM loop, in one process on a fresh SQLite (WAL) database.

Data (seeded, built with raw executemany and cached under the temporary folder by size): the
Gansu directory (1,506 governments), departments up to --departments (default 10,000) spread
over the province, prefecture and county governments, --records dishonesty records (default
1,000,000; decided 2023-2026, 30 % governments, 50 % departments, 20 % unlisted people as
subjects), and the supervision data at the same proportion (per million records: 50,000
rectification measures, 20,000 objections and 10,000 public reports closed in the year,
15,000 suggestions and proposals), the plan's 13 tasks for every prefecture and county
government plus one task per department, 70 % of them reported for the year.

Timed: `assessment_run(year=2026)` end to end (collectors, engine, signing, the log append,
11,500 results stored), a second run (unchanged results: same snapshot bytes, nothing stored),
`snapshot.verify` of the snapshot (no database), and the naive loop (one COUNT query per unit and
input, 19 per unit) over a sample of units, extrapolated to all units (labelled as such). Peak
memory: the process's peak RSS (ru_maxrss) after each phase, and tracemalloc's peak of a second,
untimed verification.

    python bench/assessment.py [--quick] [--records N] [--departments N] [--naive-sample N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import _search_fixtures as sfx

FORMAT = 1
SEED = 2026
YEAR = 2026
CACHE_ROOT = Path(tempfile.gettempdir()) / "govtrust-bench-assessment"
RUN_GOAL, VERIFY_GOAL = 10.0, 5.0
CHUNK = 50_000


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


# ---- the data ------------------------------------------------------------------------------


def _when(rng: random.Random, year: int) -> datetime.datetime:
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    return datetime.datetime.combine(day, datetime.time(rng.randrange(24), rng.randrange(60)))


def build(path: Path, records: int, departments: int, progress: Any) -> dict[str, int]:
    """Migrate, load the directory and the plan's tasks, then insert everything with executemany."""
    from django.core.management import call_command
    from django.db import connection

    from govtrust.directory.models import Department, Government
    from govtrust.directory.services import divisions_load, user_create
    from govtrust.measures.models import Measure
    from govtrust.records.models import Record
    from govtrust.remedies.models import Case
    from govtrust.supervision.models import PlanTask, PlanTaskUnit, ProgressReport, Suggestion
    from govtrust.supervision.services.plan_tasks import plan_tasks_load

    call_command("migrate", verbosity=0)
    divisions_load()
    plan_tasks_load()
    user = user_create(
        username="b",
        role="credit_office",
        unit=Government.objects.get(division_id="62"),
        password=sfx.PASSWORD,
    )
    governments = list(Government.objects.values_list("id", "division_id", "division__level"))
    tasks = list(PlanTask.objects.values_list("id", flat=True))
    existing = Department.objects.count()
    sample = {
        "government_id": 1,
        "name": "x",
        "uscc": None,
        "division_code": "62",
    }
    tables = {
        "department": sfx._Table(Department, sample),
    }
    connection.close()
    rng = random.Random(SEED)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA foreign_keys=OFF")
    upper = [g for g in governments if g[2] != "township"]
    rows = []
    for i in range(max(0, departments - existing)):
        gov = upper[i % len(upper)]
        rows.append(
            {**sample, "government_id": gov[0], "name": f"第{i}局", "division_code": gov[1]}
        )
    db.execute("BEGIN")
    db.executemany(tables["department"].sql, [tables["department"].values(r) for r in rows])
    db.execute("COMMIT")
    depts = db.execute(
        "SELECT id, government_id, division_code FROM directory_department"
    ).fetchall()
    gov_code = {g[0]: g[1] for g in governments}
    progress(f"  {len(governments):,} governments, {len(depts):,} departments")

    now = "2026-11-28 00:00:00"
    severities = ["minor"] * 3 + ["general"] * 5 + ["serious"] * 2
    sources = ["penalty", "judicial", "discipline", "accountability", "breach", "debtor_list"]
    record_sample: dict[str, Any] = {
        "number": "",
        "status": "accepted",
        "version": 1,
        "subject_kind": "government",
        "subject_name": "",
        "subject_uscc": "",
        "subject_ric_masked": "",
        "subject_key": "",
        "subject_government_id": None,
        "subject_department_id": None,
        "subject_person_id": None,
        "source_type": "penalty",
        "domain": "other",
        "decision_number": "",
        "decision_key": "",
        "decision_date": "",
        "authority_name": "某局",
        "authority_uscc": "",
        "facts": "事实",
        "basis": "依据",
        "outcome": "结果",
        "severity": "general",
        "reporting_government_id": 1,
        "reporting_department_id": None,
        "division_code": "62",
        "created_by_id": user.pk,
        "arose_on": "",
        "due_date": "",
        "submitted_at": None,
        "first_submitted_at": None,
        "on_time": None,
        "created_at": now,
        "updated_at": now,
        "penalties": "[]",
    }
    table = sfx._Table(Record, record_sample)
    eligible: list[int] = []  # accepted body records, for measures and objections
    for first in range(0, records, CHUNK):
        batch = []
        for i in range(first, min(first + CHUNK, records)):
            kind = rng.random()
            row = dict(record_sample)
            if kind < 0.3:
                gov = governments[rng.randrange(len(governments))]
                row.update(subject_kind="government", subject_government_id=gov[0])
            elif kind < 0.8:
                dept = depts[rng.randrange(len(depts))]
                row.update(subject_kind="department", subject_department_id=dept[0])
            else:
                row.update(subject_kind="civil_servant")
            reporter = depts[rng.randrange(len(depts))]
            by_department = rng.random() < 0.7
            decided = _when(rng, rng.choice((2023, 2024, 2025, 2026)))
            submitted = decided + datetime.timedelta(days=rng.randrange(1, 15))
            status = "accepted" if rng.random() < 0.9 else rng.choice(("draft", "submitted"))
            row.update(
                number=f"B{i:09d}",
                status=status,
                subject_name=f"主体{i}",
                subject_key=f"k{i}",
                source_type=rng.choice(sources),
                decision_number=f"罚〔{decided.year}〕{i}号",
                decision_key=f"d{i}",
                decision_date=decided.date().isoformat(),
                severity=rng.choice(severities),
                reporting_government_id=reporter[1],
                reporting_department_id=reporter[0] if by_department else None,
                division_code=reporter[2],
                arose_on=decided.date().isoformat(),
                due_date=(decided.date() + datetime.timedelta(days=9)).isoformat(),
                submitted_at=None if status == "draft" else str(submitted),
                first_submitted_at=None if status == "draft" else str(submitted),
                on_time=None if status == "draft" else int(rng.random() < 0.85),
            )
            if status == "accepted" and kind < 0.8:
                eligible.append(i + 1)  # the row id sqlite assigns (a fresh table)
            batch.append(row)
        db.execute("BEGIN")
        db.executemany(table.sql, [table.values(r) for r in batch])
        db.execute("COMMIT")
        if (first + CHUNK) % 200_000 == 0:
            progress(f"  {first + CHUNK:,} records")
    scale = records / 1_000_000
    picked = rng.sample(eligible, min(len(eligible), int(70_000 * scale) + 10))
    measures, objections = picked[: int(50_000 * scale) + 5], picked[int(50_000 * scale) + 5 :]
    m_sample: dict[str, Any] = {
        "record_id": 1,
        "rule_code": "R",
        "rule_version": 1,
        "kind": "rectification",
        "legal_source": "规则",
        "starts_on": "2026-01-01",
        "ends_on": None,
        "due_date": "",
        "status": "done",
        "division_code": "62",
        "issued_at": now,
        "report": "",
        "submitted_at": None,
        "submitted_late": None,
        "return_reason": "",
        "version": 1,
        "mitigation_note": "",
        "due_working_days": None,
        "due_provisional": 0,
    }
    mt = sfx._Table(Measure, m_sample)
    rows = []
    for rid in measures:
        due = _when(rng, YEAR)
        late = rng.random() < 0.2
        rows.append(
            {
                **m_sample,
                "record_id": rid,
                "due_date": due.date().isoformat(),
                "submitted_at": None if rng.random() < 0.05 else str(due),
                "submitted_late": int(late),
            }
        )
    c_sample: dict[str, Any] = {
        "number": "",
        "kind": "objection",
        "status": "upheld",
        "version": 1,
        "code_digest": "x",
        "record_id": None,
        "target_government_id": None,
        "target_department_id": None,
        "target_name": "对象",
        "division_code": "62",
        "anonymous": 0,
        "applicant_role": "",
        "contact_phone_masked": "",
        "contact_key": "",
        "fields": "[]",
        "content": "理由",
        "commitment_text": "",
        "commitment_sha256": "",
        "received_at": now,
        "due_date": None,
        "due_provisional": 0,
        "late": 0,
        "closed_at": None,
        "outcome_reason": "",
        "corrections": "[]",
        "draft_record_id": None,
    }
    ct = sfx._Table(Case, c_sample)
    cases = []
    for n, rid in enumerate(objections):
        cases.append(
            {
                **c_sample,
                "number": f"O{n}",
                "record_id": rid,
                "closed_at": str(_when(rng, YEAR)),
                "late": int(rng.random() < 0.1),
            }
        )
    for n in range(int(10_000 * scale) + 5):
        target = depts[rng.randrange(len(depts))]
        cases.append(
            {
                **c_sample,
                "number": f"R{n}",
                "kind": "report",
                "status": "substantiated",
                "target_government_id": target[1],
                "target_department_id": target[0],
                "closed_at": str(_when(rng, YEAR)),
                "late": int(rng.random() < 0.1),
            }
        )
    s_sample: dict[str, Any] = {
        "kind": "deputy",
        "session": "十四届",
        "number": "",
        "title": "建议",
        "proposer": "代表",
        "government_id": 1,
        "department_id": None,
        "division_code": "62",
        "co_units": "",
        "assigned_on": "2026-01-01",
        "complex": 0,
        "due_date": "",
        "state": "closed",
        "version": 1,
        "handback_reason": "",
        "result": "A",
        "reply": "答复",
        "replied_on": None,
        "replied_late": 0,
        "replied_by_id": None,
        "satisfaction": "",
        "rehandle_due": None,
        "created_by_id": user.pk,
        "created_at": now,
    }
    st = sfx._Table(Suggestion, s_sample)
    suggestions = []
    for n in range(int(15_000 * scale) + 5):
        dept = depts[rng.randrange(len(depts))]
        due_on = _when(rng, YEAR).date()
        suggestions.append(
            {
                **s_sample,
                "number": f"S{n}",
                "government_id": dept[1],
                "department_id": dept[0],
                "division_code": dept[2],
                "due_date": due_on.isoformat(),
                "replied_on": due_on.isoformat() if rng.random() < 0.9 else None,
                "replied_late": int(rng.random() < 0.1),
                "satisfaction": rng.choice(("satisfied", "satisfied", "basic", "unsatisfied", "")),
            }
        )
    u_sample: dict[str, Any] = {
        "task_id": 1,
        "role": "lead",
        "in_plan": "单位",
        "government_id": None,
        "department_id": None,
        "division_code": "",
    }
    ut = sfx._Table(PlanTaskUnit, u_sample)
    units = []
    for gov in upper:
        if gov[2] in ("prefecture", "county"):
            for task in tasks:
                units.append(
                    {**u_sample, "task_id": task, "government_id": gov[0], "division_code": gov[1]}
                )
    for dept in depts:
        units.append(
            {
                **u_sample,
                "task_id": rng.choice(tasks),
                "government_id": dept[1],
                "department_id": dept[0],
                "division_code": dept[2],
            }
        )
    db.execute("BEGIN")
    db.execute("DELETE FROM supervision_plantaskunit WHERE government_id IS NOT NULL")
    db.executemany(mt.sql, [mt.values(r) for r in rows])
    db.executemany(ct.sql, [ct.values(r) for r in cases])
    db.executemany(st.sql, [st.values(r) for r in suggestions])
    db.executemany(ut.sql, [ut.values(r) for r in units])
    db.execute("COMMIT")
    ids = [r[0] for r in db.execute("SELECT id FROM supervision_plantaskunit").fetchall()]
    r_sample: dict[str, Any] = {
        "task_unit_id": 1,
        "year": YEAR,
        "text": "进展",
        "percent": 50,
        "milestone": "",
        "state": "verified",
        "version": 1,
        "reported_by_id": user.pk,
        "reported_at": now,
        "decided_by_id": None,
        "decided_at": None,
        "reason": "",
    }
    rt = sfx._Table(ProgressReport, r_sample)
    reports = [{**r_sample, "task_unit_id": i} for i in ids if rng.random() < 0.7]
    db.execute("BEGIN")
    db.executemany(rt.sql, [rt.values(r) for r in reports])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    del gov_code
    return {
        "governments": len(governments),
        "departments": len(depts),
        "records": records,
        "measures": len(rows),
        "cases": len(cases),
        "suggestions": len(suggestions),
        "plan task units": len(units),
        "progress reports": len(reports),
    }


def prepare(records: int, departments: int, progress: Any) -> tuple[dict[str, int], bool]:
    cache = CACHE_ROOT / f"v{FORMAT}-{records}-{departments}"
    target = sfx.database_path()
    cached = (cache / "meta.json").is_file()
    if not cached:
        progress(f"Building {records:,} records (cached afterwards in {cache}) ...")
        stats = build(target, records, departments, progress)
        cache.mkdir(parents=True, exist_ok=True)
        sfx.store_cache(target, cache)
        (cache / "meta.json").write_text(json.dumps(stats), encoding="utf-8")
    else:
        sfx.copy_cached(cache)
        sfx.migrate_copy()
    return json.loads((cache / "meta.json").read_text(encoding="utf-8")), cached


# ---- the naive loop ------------------------------------------------------------------------


def naive(sample: list[Any]) -> int:
    """What a first version would write: per unit, one ORM COUNT per input."""
    from django.db.models import Q

    from govtrust.measures.models import Measure
    from govtrust.records.models import Record
    from govtrust.remedies.models import Case
    from govtrust.supervision.models import PlanTaskUnit, Suggestion

    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1)
    queries = 0
    for unit in sample:
        gov = unit.key.startswith("g:")
        subject = (
            Q(subject_government__division_id=unit.division_code, subject_department=None)
            if gov
            else Q(subject_department_id=unit.department_id)
        )
        reporter = (
            Q(reporting_government__division_id=unit.division_code, reporting_department=None)
            if gov
            else Q(reporting_department_id=unit.department_id)
        )
        accepted = Record.objects.filter(subject, status="accepted")
        for severity in ("serious", "general", "minor"):
            accepted.filter(
                severity=severity, decision_date__gte=start, decision_date__lt=end
            ).count()
        accepted.filter(source_type="debtor_list", decision_date__lt=end).count()
        reported = Record.objects.filter(reporter, first_submitted_at__year=YEAR)
        reported.exclude(on_time=None).count()
        reported.filter(on_time=True).count()
        measures = Measure.objects.filter(
            kind="rectification",
            due_date__gte=start,
            due_date__lt=end,
            record__in=Record.objects.filter(subject),
        )
        measures.count()
        measures.filter(submitted_at__isnull=False, submitted_late=False).count()
        owner = (
            Q(target_government__division_id=unit.division_code, target_department=None)
            if gov
            else Q(target_department_id=unit.department_id)
        )
        cases = Case.objects.filter(owner, closed_at__year=YEAR)
        cases.count()
        cases.filter(late=False).count()
        handler = (
            Q(government__division_id=unit.division_code, department=None)
            if gov
            else Q(department_id=unit.department_id)
        )
        due = Suggestion.objects.filter(handler, due_date__gte=start, due_date__lt=end)
        due.count()
        due.filter(replied_on__isnull=False, replied_late=False).count()
        for view in ("satisfied", "basic", "unsatisfied"):
            due.filter(satisfaction=view).count()
        tasks = PlanTaskUnit.objects.filter(handler)
        tasks.count()
        tasks.filter(reports__year=YEAR).distinct().count()
        queries += 19
    return queries


# ---- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records (default 1,000,000)")
    parser.add_argument("--departments", type=int, help="departments (default 10,000)")
    parser.add_argument("--naive-sample", type=int, help="units of the naive loop (default 300)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    args = parser.parse_args()
    records = args.records or (20_000 if args.quick else 1_000_000)
    departments = args.departments or (2_000 if args.quick else 10_000)
    sample_size = args.naive_sample or (100 if args.quick else 300)
    var_dir = Path(tempfile.mkdtemp(prefix="govtrust-bench-assessment-"))
    signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(143))
    try:
        sfx.configure(var_dir)
        import django

        print(
            f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, Django "
            f"{django.__version__}; {os.cpu_count()} CPU cores, load average "
            f"{os.getloadavg()[0]:.2f}",
            flush=True,
        )
        started = time.perf_counter()
        stats, cached = prepare(records, departments, lambda m: print(m, flush=True))
        print(
            "Data: "
            + ", ".join(f"{v:,} {k}" for k, v in stats.items())
            + f" ({'from the cache' if cached else 'built now'}, "
            + f"{time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        from govtrust.assessment import services, snapshot

        services.system_for(YEAR)  # the shipped system stored once, outside the timing
        rss_before = rss_mib()
        clock = Clock()
        run = services.assessment_run(year=YEAR, actor_name="bench")
        wall, cpu = clock.stop()
        rss_run = rss_mib()
        clock = Clock()
        again = services.assessment_run(year=YEAR, actor_name="bench")
        wall2, cpu2 = clock.stop()
        same = again.snapshot == run.snapshot and again.changed == 0
        clock = Clock()
        report = snapshot.verify(run.snapshot)
        vwall, vcpu = clock.stop()
        tracemalloc.start()  # a second verification, for its memory only (tracing slows it)
        snapshot.verify(run.snapshot)
        vpeak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        assessed, _ctx = services.units()
        sample = random.Random(SEED).sample(assessed, min(sample_size, len(assessed)))
        clock = Clock()
        queries = naive(sample)
        nwall, ncpu = clock.stop()
        per_unit = nwall / len(sample)
        projected = per_unit * len(assessed)
        rss_end = rss_mib()
        size = len(run.snapshot.encode()) / 2**20
        print(
            f"\nUnits assessed: {run.units:,}; snapshot {size:.1f} MiB, sha256 {run.sha256[:16]}…"
        )
        print("| line | wall | CPU | goal |")
        print("| --- | --- | --- | --- |")
        verdict = "met" if wall < RUN_GOAL else "MISSED"
        print(
            f"| assessment_run, first (all stored) | {wall:.2f} s | {cpu:.2f} s | "
            f"< {RUN_GOAL:.0f} s: {verdict} |"
        )
        print(f"| assessment_run, again (nothing changed) | {wall2:.2f} s | {cpu2:.2f} s | |")
        verdict = "met" if vwall < VERIFY_GOAL and report.ok else "MISSED"
        print(
            f"| snapshot verify (no database) | {vwall:.2f} s | {vcpu:.2f} s | "
            f"< {VERIFY_GOAL:.0f} s: {verdict} |"
        )
        print(
            f"| naive ORM loop, {len(sample):,} units ({queries:,} queries) | {nwall:.2f} s | "
            f"{ncpu:.2f} s | |"
        )
        print(f"| naive ORM loop, projected to {len(assessed):,} units | {projected:.0f} s | | |")
        print(f"\nSpeed-up over the naive loop (projected): {projected / wall:.0f}x")
        print(
            f"Same inputs, same bytes: {'yes' if same else 'NO'}; verify: "
            f"{'passed' if report.ok else report.problems[:3]}"
        )
        print(
            f"Peak RSS (MiB): before the run {rss_before:.0f}, after it {rss_run:.0f}, at the "
            f"end {rss_end:.0f}; tracemalloc peak of verify {vpeak:.0f} MiB"
        )
        print("PASSED" if report.ok and same else "FAILED")
        return 0 if report.ok and same else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
