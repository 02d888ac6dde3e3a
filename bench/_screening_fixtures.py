"""Fixtures of the screening benchmark: a SQLite database of dishonesty records and the measures
issued on them, loaded with raw `executemany` and cached between runs, and the candidate list.

The database is built once per size under CACHE_ROOT (`v<FORMAT>-<records>-<measures>/`) and
copied into each run's fresh GOVTRUST_VAR_DIR, so a run never changes the cached file. The keyed
hashes of citizen ID numbers depend on GOVTRUST_DATA_KEY, so `configure()` sets a fixed bench key
before Django starts (a run's own generated key would not match the cached hashes).

Subjects, as the records service stores them (`Record.subject_key`):

- governments: every government of the Gansu directory under its own name (城关区人民政府,
  青白石街道办事处 ...), one valid USCC each (`compose_uscc`), the key is the USCC;
- departments: the 18 usual departments of every province, prefecture and county government
  (城关区住房和城乡建设局), one valid USCC each;
- civil servants: a pool of records / 3 people with two- and three-character names drawn from
  weighted surnames and given names (as in the search bench, so common names repeat), a valid
  citizen ID number each (a county code stdnum knows, a birth date 1960-1999, check digit), the
  key is `lookup_digest` of the number (HMAC under the data key); the number itself is kept only
  masked, the SM4 ciphertext column is left empty (screening never reads it).

Records: half civil servants, 35 % departments, 15 % governments; a body draws its unit by the
search bench's weights (Lanzhou heavier, townships rare), a person uniformly from the pool, so a
subject has several records. Accepted between four years before TODAY and a week before it.

Measures: records drawn at random receive the measures of the default rule catalogue
(`measures/rules/defaults.py`: explanation + rectification + honours 6/12/36 months (+ criticism,
accountability) for bodies by severity, awards 6 or 12 months for civil servants) from their
acceptance day, until `--measures` rows exist. Honours/awards measures are 88 % active,
6 % lightened (period halved) and 6 % lifted; explanations and rectifications older than two
months are mostly done. About a quarter of the honours/awards measures restrict on TODAY.

Candidates (`candidates()`): a seeded, shuffled mix, 60 % people, of the categories in
CATEGORIES, built from the subjects the generator knows to be restricted on TODAY.

Nothing here is timed. Django is configured by `configure()` before any model is imported, so
functions import models inside.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import _search_fixtures as sfx

# Bump when the data or the schema changes (2: tables renamed from sanctions_*; 3: generation).
FORMAT = 3
CACHE_ROOT = Path(
    os.environ.get("GOVTRUST_BENCH_SCREENING_CACHE")
    or Path(tempfile.gettempdir()) / "govtrust-bench-screening"
)
SEED = 2026
TODAY = datetime.date(2026, 11, 28)
DATA_KEY = "govtrust-bench-screening-2026"  # fixed, so the cached keyed hashes stay valid
DATABASE = sfx.DATABASE
CHUNK = 50_000

Progress = Callable[[str], None]

# Category of candidate: share of the list.
CATEGORIES = (
    ("clear", 0.64),  # not drawn from the records (a common name may still collide)
    ("record, not restricted", 0.07),  # a subject with records but no restriction today, with id
    ("identifier hit", 0.08),  # a restricted subject with its USCC / citizen ID (some full-width)
    ("exact name", 0.06),  # a restricted subject's name, no or another identifier
    ("near name", 0.10),  # a character changed or 和 dropped, 人民政府 dropped, spaces, a dot
    ("homophone", 0.05),  # a restricted person's name with a same-pinyin character
)
# Characters that sound like those of the generated names (the pinyin decides which pair up).
_SOUNDALIKE = (
    "汪皇礼章柳晨阳吾舟须荪玛珠湖禾糕霖箩政榭颂棠栩峰丰锋枫烽蜂逢凤奉玮炜纬苇钠闵靖婧莉俐立力"
    "蔷蕾君均钧扬涌泳燕雁晏洁捷婕鹃韬滔鸣名潮巢修绣侠遐萍苹屏钢纲岗贵莹瑛鹰桦骅剑鉴帼智致芝"
    "宏鸿虹钰煜蓝澜雯闻彬滨慧惠晖菲斐欣馨新博柏皓凯楷铠"
)
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_RESTRICTING = ("honours", "awards")


@dataclass(frozen=True)
class Subject:
    kind: str  # government / department / civil_servant
    name: str
    identifier: str  # the USCC or the citizen ID number (candidate lists carry it)
    key: str  # Record.subject_key: the USCC, or lookup_digest of the citizen ID
    division: str
    government_id: int


@dataclass(frozen=True)
class CandidateRow:
    category: str
    kind: str  # person / body
    name: str
    identifier: str
    unit: str


@dataclass(frozen=True)
class Dataset:
    path: Path  # the run's copy, in its GOVTRUST_VAR_DIR
    cache: Path
    cached: bool
    load: dict[str, float]  # seconds per phase of the build
    copy_seconds: float
    size_bytes: int
    stats: dict[str, int]
    candidates: list[CandidateRow]


def configure(var_dir: Path) -> None:
    """A throw-away SQLite (WAL) GovTrust whose data key matches the cached keyed hashes."""
    os.environ["GOVTRUST_DATA_KEY"] = DATA_KEY
    sfx.configure(var_dir)


def prepare(records: int, measures: int, candidates: int, progress: Progress) -> Dataset:
    """The run's database: a copy of the cached build for these sizes, built first if missing."""
    cache = CACHE_ROOT / f"v{FORMAT}-{records}-{measures}"
    meta_file = cache / "meta.json"
    target = sfx.database_path()
    cached = meta_file.is_file() and (cache / DATABASE).is_file()
    if not cached:
        _build(records, measures, cache, progress)
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    copy_seconds = sfx.copy_cached(cache)
    pools = json.loads((cache / "pools.json").read_text(encoding="utf-8"))
    return Dataset(
        path=target,
        cache=cache,
        cached=cached,
        load={str(k): float(v) for k, v in meta["load"].items()},
        copy_seconds=copy_seconds,
        size_bytes=target.stat().st_size,
        stats={str(k): int(v) for k, v in meta["stats"].items()},
        candidates=_candidates(pools, candidates),
    )


# --- the build ---------------------------------------------------------------------------------


def _build(records: int, measures: int, cache: Path, progress: Progress) -> None:
    progress(
        f"Building {records:,} records and {measures:,} measures (cached afterwards in {cache}) ..."
    )
    load: dict[str, float] = {}
    started = time.perf_counter()
    user_id, units = sfx.fresh_directory()
    path = sfx.database_path()
    with sqlite3.connect(path) as db:
        levels = dict(db.execute("SELECT code, level FROM directory_division").fetchall())
    db.close()
    load["migrate + directory"] = time.perf_counter() - started
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    generator = _Generator(rng, units, levels, user_id, people=max(1_000, records // 3))
    load["subjects (people: HMAC of the ID)"] = time.perf_counter() - t0
    db = sqlite3.connect(path, isolation_level=None)
    try:
        stats = _load(db, generator, records, measures, load, progress)
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    sfx.store_cache(path, cache)
    (cache / "pools.json").write_text(json.dumps(generator.pools(), ensure_ascii=False), "utf-8")
    meta = {"format": FORMAT, "records": records, "measures": measures, "load": load}
    meta["stats"] = stats
    (cache / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")


class _Generator:
    """Subjects, records and measures from one seeded random stream (repeatable)."""

    def __init__(
        self,
        rng: random.Random,
        units: list[tuple[Any, float]],
        levels: dict[str, str],
        user_id: int,
        people: int,
    ) -> None:
        from govtrust.core.identifiers import check_ric, compose_ric, compose_uscc
        from govtrust.core.protect import lookup_digest

        self.rng = rng
        self.user_id = user_id
        used: set[str] = set()

        def uscc(code: str) -> str:
            while True:
                value = compose_uscc(
                    "11", (code + "0000")[:6], "".join(rng.choices(_USCC_BODY, k=8))
                )
                if value not in used:
                    used.add(value)
                    return value

        self.governments: list[Subject] = []
        self.government_weights: list[float] = []
        self.departments: list[list[Subject]] = []  # per government with departments
        self.department_weights: list[float] = []
        for unit, weight in units:
            number = uscc(unit.code)
            gov = Subject("government", unit.name, number, number, unit.code, unit.government_id)
            self.governments.append(gov)
            self.government_weights.append(weight)
            if levels.get(unit.code) in ("province", "prefecture", "county"):
                bodies = []
                for department in sfx._DEPARTMENTS:
                    number = uscc(unit.code)
                    name = f"{unit.place}{department}"
                    body = Subject(
                        "department", name, number, number, unit.code, unit.government_id
                    )
                    bodies.append(body)
                self.departments.append(bodies)
                self.department_weights.append(weight)
        self.government_cum = sfx._cumulative(self.government_weights)
        self.department_cum = sfx._cumulative(self.department_weights)
        self.department_rank = sfx._zipf(len(sfx._DEPARTMENTS), 0.8)
        self.surname_weights = sfx._zipf(len(sfx._SURNAMES), 1.0)
        self.given_weights = sfx._zipf(len(sfx._GIVEN), 0.9)
        counties = sorted(
            {(u.code + "0000")[:6] for u, _w in units if levels.get(u.code) == "county"}
        )
        self.counties = [c for c in counties if check_ric(compose_ric(c + "19800101001")).valid]
        self.people_units = [u for u, _w in units if levels.get(u.code) == "county"]
        self.people: list[Subject] = []
        seen: set[str] = set()
        while len(self.people) < people:
            ric = self.ric()
            if ric in seen:
                continue
            seen.add(ric)
            unit = rng.choice(self.people_units)
            person = Subject(
                "civil_servant", self.name(), ric, lookup_digest(ric), unit.code, unit.government_id
            )
            self.people.append(person)
        self.used = used
        self.ric_seen = seen
        self.restricted: set[int] = set()  # indexes into self.subjects(): restricted on TODAY
        self.recorded: set[int] = set()  # subjects with at least one record
        self.subject_ids: dict[str, int] = {}

    def name(self) -> str:
        rng = self.rng
        surname = rng.choices(sfx._SURNAMES, cum_weights=self.surname_weights)[0]
        given = rng.choices(sfx._GIVEN, cum_weights=self.given_weights, k=2)
        return surname + given[0] if rng.random() < 0.15 else surname + given[0] + given[1]

    def ric(self) -> str:
        from govtrust.core.identifiers import compose_ric

        rng = self.rng
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
        return compose_ric(f"{rng.choice(self.counties)}{born:%Y%m%d}{rng.randrange(1000):03d}")

    def subject(self) -> Subject:
        rng = self.rng
        draw = rng.random()
        if draw < 0.5:
            return self.people[rng.randrange(len(self.people))]
        if draw < 0.85:
            bodies = rng.choices(self.departments, cum_weights=self.department_cum)[0]
            return rng.choices(bodies, cum_weights=self.department_rank)[0]
        return rng.choices(self.governments, cum_weights=self.government_cum)[0]

    def record(self, i: int, subject: Subject) -> dict[str, Any]:
        from govtrust.core.masking import mask_ric
        from govtrust.records.services.intake import decision_key

        rng = self.rng
        reviewed = TODAY - datetime.timedelta(days=rng.randint(7, 4 * 365))
        decided = reviewed - datetime.timedelta(days=rng.randint(6, 40))
        arose = decided + datetime.timedelta(days=rng.randint(0, 5))
        source = rng.choices(sfx._SOURCES, weights=[w for _v, _l, w in sfx._SOURCES])[0][0]
        domain = rng.choices(sfx._DOMAINS, weights=[w for _v, _l, w in sfx._DOMAINS])[0][0]
        severity = rng.choices(sfx._SEVERITIES, weights=[w for _v, _l, w in sfx._SEVERITIES])[0][0]
        number = f"{subject.division}-{decided.year}-{i + 1:07d}"
        decision = f"甘{subject.division[2:6]}罚〔{decided.year}〕{i + 1}号"
        person = subject.kind == "civil_servant"
        submitted = f"{arose + datetime.timedelta(days=3)} 02:00:00"
        return {
            "id": i + 1,
            "number": number,
            "status": "accepted",
            "version": 3,
            "subject_kind": subject.kind,
            "subject_name": subject.name,
            "subject_uscc": "" if person else subject.identifier,
            "subject_ric_masked": mask_ric(subject.identifier) if person else "",
            "subject_key": subject.key,
            "source_type": source,
            "domain": domain,
            "decision_number": decision,
            "decision_key": decision_key(decision),
            "decision_date": decided.isoformat(),
            "authority_name": f"{subject.division}财政局",
            "authority_uscc": "",
            "facts": "未按合同约定期限支付中小企业工程款，经多次催告仍未履行。",
            "basis": sfx._LAWS[0],
            "outcome": sfx._OUTCOMES[0],
            "amount": None,
            "severity": severity,
            "division_code": subject.division,
            "arose_on": arose.isoformat(),
            "due_date": (arose + datetime.timedelta(days=9)).isoformat(),
            "due_provisional": 0,
            "submitted_at": submitted,
            "first_submitted_at": submitted,
            "on_time": 1,
            "reviewed_at": f"{reviewed} 03:00:00",
            "created_at": submitted,
            "updated_at": f"{reviewed} 03:00:00",
            "created_by_id": self.user_id,
            "reporting_government_id": subject.government_id,
            "reviewed_by_id": self.user_id,
            "_accepted": reviewed,  # not a column: the measures start on this day
        }

    def measures(self, record: dict[str, Any], rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from govtrust.measures.services import add_months

        rng = self.rng
        starts: datetime.date = record["_accepted"]
        out = []
        for rule in rules:
            checks = [
                (rule.get("subject_kinds"), record["subject_kind"]),
                (rule.get("severities"), record["severity"]),
            ]
            if not all(not allowed or value in allowed for allowed, value in checks):
                continue
            for item in rule["measures"]:
                kind, status, ends, due, note = item["kind"], "active", None, None, ""
                if "months" in item:
                    months = int(item["months"])
                    draw = rng.random()
                    if draw < 0.06:
                        status, note = "lightened", "主动挽回损失，措施期限减半"
                        months = max(1, months // 2)
                    elif draw < 0.12:
                        status, note = "lifted", "在损害发生前主动纠正，免于惩戒"
                    ends = add_months(starts, months) - datetime.timedelta(days=1)
                if "working_days" in item:
                    due = starts + datetime.timedelta(days=int(item["working_days"]) * 7 // 5)
                    if (TODAY - starts).days > 60 and rng.random() < 0.85:
                        status = "done"
                    elif due < TODAY and rng.random() < 0.5:
                        status = "submitted"
                out.append(
                    {
                        "record_id": record["id"],
                        "rule_code": rule["code"],
                        "rule_version": 1,
                        "kind": kind,
                        "legal_source": rule["legal_source"],
                        "starts_on": starts.isoformat(),
                        "ends_on": ends.isoformat() if ends else None,
                        "due_date": due.isoformat() if due else None,
                        "status": status,
                        "mitigation_note": note,
                        "division_code": record["division_code"],
                        "issued_at": f"{starts} 03:00:00",
                    }
                )
        return out

    def pools(self) -> dict[str, Any]:
        """What the candidate list is drawn from, stored beside the database."""
        everyone = self.everyone()
        return {
            "restricted": [asdict(everyone[i]) for i in sorted(self.restricted)],
            "recorded": [asdict(everyone[i]) for i in sorted(self.recorded - self.restricted)],
            "governments": [asdict(s) for s in self.governments],
            "departments": [asdict(s) for bodies in self.departments for s in bodies],
            "counties": self.counties,
            "used_identifiers": sorted(self.used | self.ric_seen),
            "units": [u.name for u in self.people_units],
        }

    def everyone(self) -> list[Subject]:
        bodies = [s for group in self.departments for s in group]
        return [*self.governments, *bodies, *self.people]


def _load(
    db: sqlite3.Connection,
    generator: _Generator,
    records: int,
    measures: int,
    load: dict[str, float],
    progress: Progress,
) -> dict[str, int]:
    from govtrust.measures.models import Measure
    from govtrust.measures.rules.defaults import DEFAULT_RULES
    from govtrust.records.models import Record

    db.execute("PRAGMA journal_mode=OFF")  # a scratch build: nothing to roll back to
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("PRAGMA foreign_keys=OFF")
    rng = generator.rng
    everyone = generator.everyone()
    position = {id(s): i for i, s in enumerate(everyone)}
    # Records that receive measures, drawn before the records are generated: enough for
    # `measures` rows (each record gets 1 to 5; the surplus is never reached).
    with_measures = set(rng.sample(range(records), min(records, measures)))
    rules = sorted(DEFAULT_RULES, key=lambda r: str(r["code"]))
    sample_subject = generator.people[0]
    record_table = sfx._Table(Record, generator.record(0, sample_subject))
    measure_table: sfx._Table | None = None
    issued = 0
    restricting = 0
    generate = insert = 0.0
    rows: list[dict[str, Any]] = []
    measure_rows: list[dict[str, Any]] = []
    for first in range(0, records, CHUNK):
        t0 = time.perf_counter()
        for i in range(first, min(first + CHUNK, records)):
            subject = generator.subject()
            record = generator.record(i, subject)
            rows.append(record)
            index = position[id(subject)]
            generator.recorded.add(index)
            if i in with_measures and issued < measures:
                issued_now = generator.measures(record, rules)[: measures - issued]
                issued += len(issued_now)
                measure_rows += issued_now
                for m in issued_now:
                    if (
                        m["kind"] in _RESTRICTING
                        and m["status"] in ("active", "lightened")
                        and m["ends_on"] >= TODAY.isoformat()
                    ):
                        restricting += 1
                        generator.restricted.add(index)
        t1 = time.perf_counter()
        if measure_table is None and measure_rows:
            measure_table = sfx._Table(Measure, measure_rows[0])
        db.execute("BEGIN")
        db.executemany(record_table.sql, [record_table.values(r) for r in rows])
        if measure_table is not None:
            db.executemany(measure_table.sql, [measure_table.values(m) for m in measure_rows])
        db.execute("COMMIT")
        rows, measure_rows = [], []
        t2 = time.perf_counter()
        generate, insert = generate + t1 - t0, insert + t2 - t1
        last = min(first + CHUNK, records)
        if last % 200_000 == 0 or last == records:
            progress(
                f"  {last:,} / {records:,} records, {issued:,} measures: generate {generate:.0f} s,"
                f" insert {insert:.0f} s"
            )
    load["generate rows (Python)"] = generate
    load["executemany records + measures"] = insert
    t0 = time.perf_counter()
    db.execute("ANALYZE")
    load["ANALYZE"] = time.perf_counter() - t0
    (count,) = db.execute("SELECT count(*) FROM measures_measure").fetchone()
    assert count == issued, (count, issued)
    return {
        "records": records,
        "measures": issued,
        "restricting measures": restricting,
        "restricted subjects": len(generator.restricted),
        "subjects with records": len(generator.recorded),
    }


# --- candidates --------------------------------------------------------------------------------


def _candidates(pools: dict[str, Any], count: int) -> list[CandidateRow]:
    """The candidate list: CATEGORIES in their shares, 60 % people, shuffled (seeded)."""
    from pypinyin import lazy_pinyin

    from govtrust.core.identifiers import compose_ric

    rng = random.Random(SEED + count)
    restricted = [Subject(**s) for s in pools["restricted"]]
    recorded = [Subject(**s) for s in pools["recorded"]]
    people = {
        "restricted": [s for s in restricted if s.kind == "civil_servant"],
        "recorded": [s for s in recorded if s.kind == "civil_servant"],
    }
    bodies = {
        "restricted": [s for s in restricted if s.kind != "civil_servant"],
        "recorded": [s for s in recorded if s.kind != "civil_servant"],
    }
    restricted_keys = {s.key for s in restricted}
    all_bodies = [Subject(**s) for s in pools["governments"] + pools["departments"]]
    clear_bodies = [s for s in all_bodies if s.key not in restricted_keys]
    used = set(pools["used_identifiers"])
    units: list[str] = pools["units"]
    soundalike = _soundalikes(lazy_pinyin)
    surnames = sfx._zipf(len(sfx._SURNAMES), 1.0)
    given = sfx._zipf(len(sfx._GIVEN), 0.9)

    def new_name() -> str:
        surname = rng.choices(sfx._SURNAMES, cum_weights=surnames)[0]
        chars = rng.choices(sfx._GIVEN, cum_weights=given, k=2)
        return surname + chars[0] if rng.random() < 0.15 else surname + chars[0] + chars[1]

    def new_ric() -> str:
        while True:
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
            county = rng.choice(pools["counties"])
            number = compose_ric(f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}")
            if number not in used:
                used.add(number)
                return number

    def changed(name: str, first: int) -> str:
        at = rng.randrange(first, len(name))
        return name[:at] + rng.choice(sfx._GIVEN) + name[at + 1 :]

    def spaced(name: str) -> str:
        at = rng.randrange(1, len(name))
        return name[:at] + rng.choice((" ", "\u3000", " \u3000", "·")) + name[at:]

    def near(subject: Subject) -> str:
        name, draw = subject.name, rng.random()
        if subject.kind == "civil_servant":
            return changed(name, 1) if draw < 0.4 else spaced(name)
        if subject.kind == "government":
            if name.endswith("人民政府") and draw < 0.6:
                return name[: -len("人民政府")] + rng.choice(("", "政府", " 人民政府"))
            return changed(name, 2) if draw < 0.8 else spaced(name)
        if "和" in name and draw < 0.35:  # 住房和城乡建设局 / 住房城乡建设局
            return name.replace("和", "", 1)
        return changed(name, 2) if draw < 0.7 else spaced(name)

    def homophone(subject: Subject) -> str | None:
        name = subject.name
        for at in rng.sample(range(len(name)), len(name)):
            choices = [c for c in soundalike.get(name[at], ()) if c != name[at]]
            if choices:
                return name[:at] + rng.choice(choices) + name[at + 1 :]
        return None

    out: list[CandidateRow] = []
    for category, share in CATEGORIES:
        wanted = round(count * share) if category != "clear" else 0
        made = 0
        while made < wanted:
            person = rng.random() < 0.6
            kind = "person" if person else "body"
            pool = people if person else bodies
            unit = rng.choice(units)
            if category == "record, not restricted":
                s = rng.choice(pool["recorded"])
                out.append(CandidateRow(category, kind, s.name, s.identifier, unit))
            elif category == "identifier hit":
                s = rng.choice(pool["restricted"])
                ident = s.identifier
                if rng.random() < 0.2:  # as typed with a Chinese input method
                    ident = "".join(chr(ord(c) + 0xFEE0) for c in ident)
                out.append(CandidateRow(category, kind, s.name, ident, unit))
            elif category == "exact name":
                s = rng.choice(pool["restricted"])
                ident = new_ric() if person and rng.random() < 0.5 else ""
                out.append(CandidateRow(category, kind, s.name, ident, unit))
            elif category == "near name":
                s = rng.choice(pool["restricted"])
                out.append(CandidateRow(category, kind, near(s), "", unit))
            elif category == "homophone":
                s = rng.choice(people["restricted"])
                name = homophone(s)
                if name is None:
                    continue
                out.append(CandidateRow(category, "person", name, "", unit))
            made += 1
    while len(out) < count:
        if rng.random() < 0.6:
            ident = new_ric() if rng.random() < 0.8 else ""
            out.append(CandidateRow("clear", "person", new_name(), ident, rng.choice(units)))
        else:
            s = rng.choice(clear_bodies)
            ident = s.identifier if rng.random() < 0.7 else ""
            out.append(CandidateRow("clear", "body", s.name, ident, rng.choice(units)))
    rng.shuffle(out)
    return out[:count]


def _soundalikes(lazy_pinyin: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """Characters of the generated names and of _SOUNDALIKE grouped by their toneless pinyin."""
    by_sound: dict[str, list[str]] = {}
    for char in dict.fromkeys(sfx._SURNAMES + sfx._GIVEN + _SOUNDALIKE):
        by_sound.setdefault(lazy_pinyin(char)[0], []).append(char)
    return {c: group for group in by_sound.values() if len(group) > 1 for c in group}
