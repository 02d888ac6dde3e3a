"""Fixtures of the search benchmark: the Django environment, and a SQLite database of published
records loaded with raw `executemany`, its FTS5 indexes rebuilt afterwards, cached between runs.

The database is built once per record count under CACHE_ROOT (`v<FORMAT>-<records>/`) and copied
into each run's fresh GOVTRUST_VAR_DIR, so a run never changes the cached file. Django is
configured by `configure()` before any model is imported, so functions import models inside.

The generated data imitates the portal's: civil servants with two- and three-character names drawn
from weighted surnames and given names, departments (城关区财政局), governments (城关区人民政府),
court and administrative decision numbers, and facts of 20-60 characters drawn from a weighted
vocabulary (a few words in most records, a tail of rare ones). The public view, `search_text` and
`bigrams` are built with the service's own `search_fields`. Redaction is skipped: the generated
texts contain no identifiers, telephone numbers or e-mail addresses for it to mask.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 4  # bump when the generated data changes: the cache key includes it
CACHE_ROOT = Path(
    os.environ.get("GOVTRUST_BENCH_SEARCH_CACHE")
    or Path(tempfile.gettempdir()) / "govtrust-bench-search"
)
SEED = 2026
PASSWORD = "Bench-Pass-2026"  # noqa: S105 (a throw-away database)
CHUNK = 20_000
DATABASE = "govtrust.sqlite3"

Progress = Callable[[str], None]

# Surnames and given-name characters, most frequent first; weights fall off as 1/rank^s.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰德文斌海燕辉鹏飞鑫波宇浩凯"
    "健俊帆帅旭宁龙林欣佳琳雪梅莉婷晶颖倩慧琴云峰亮成春晓东永金宏彬勤翔瑞思博睿嘉怡萱涵轩鹤"
    "岚蕾珂璐瑶妍馨蓓琪芸菲茜薇蔚瀚骁锐鸣昊晨曦朗毅恒铭钧铮"
)
_DEPARTMENTS = (
    "财政局",
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "卫生健康局",
    "水务局",
    "自然资源局",
    "农业农村局",
    "商务局",
    "发展和改革局",
    "市场监督管理局",
    "生态环境局",
    "人力资源和社会保障局",
    "文化和旅游局",
    "民政局",
    "应急管理局",
    "林业和草原局",
    "工业和信息化局",
)
_PENALTY_AUTHORITIES = (
    ("财政局", "财"),
    ("市场监督管理局", "市监"),
    ("住房和城乡建设局", "建"),
    ("生态环境局", "环"),
)
# Facts: words in falling frequency (weights 1/rank^1.2), joined with light grammar.
_FACT_WORDS = (
    "未按合同约定",
    "拖欠",
    "工程款",
    "中小企业",
    "支付",
    "政府采购",
    "项目",
    "款项",
    "逾期",
    "承诺",
    "履行",
    "货款",
    "民营企业",
    "招标",
    "违规",
    "公共资源交易",
    "合同",
    "资金",
    "判决",
    "给付义务",
    "招商引资",
    "优惠政策",
    "兑现",
    "债务",
    "补助",
    "专项资金",
    "建设",
    "验收",
    "质保金",
    "结算",
    "审计",
    "整改",
    "投诉",
    "采购人",
    "供应商",
    "评标",
    "中标",
    "排他性条件",
    "指定品牌",
    "拆迁补偿",
    "土地出让金",
    "安置房",
    "道路改造",
    "污水处理",
    "垃圾处理",
    "供暖",
    "学校建设",
    "医院设备",
    "乡村振兴",
    "易地扶贫搬迁",
    "高标准农田",
    "水利工程",
    "灌区改造",
    "棚户区改造",
    "老旧小区改造",
    "农村公路",
    "产业园区",
    "物业费",
    "租金",
    "保证金",
    "设计费",
    "监理费",
    "劳务费",
    "农民工工资",
    "材料款",
    "设备款",
    "服务费",
    "咨询费",
    "运维费",
    "保洁服务",
    "绿化工程",
    "亮化工程",
    "管网改造",
    "光伏电站",
    "风电项目",
    "文旅项目",
    "物流园",
    "冷链仓储",
    "电商平台",
    "数据中心",
    "智慧城市",
    "信息化系统",
    "视频监控",
    "教学设备",
    "课桌椅",
    "图书采购",
    "药品采购",
    "医用耗材",
    "救护车",
    "消防车",
    "公务用车",
    "办公家具",
    "印刷服务",
    "食堂配送",
    "蔬菜配送",
    "种子化肥",
    "牛羊养殖",
    "马铃薯",
    "中药材",
    "苹果种植",
    "花椒",
    "枸杞",
    "藜麦",
    "当归",
    "党参",
    "黄芪",
    "牦牛肉",
    "葡萄酒庄",
    "铁路专用线",
    "隧道工程",
    "桥梁加固",
    "滑坡治理",
    "防沙治沙",
    "湿地保护",
    "草原生态",
)
# Rare words: one of them in about 0.2% of the facts.
_RARE_WORDS = (
    "冬虫夏草",
    "沙棘饮料",
    "百合种球",
    "兰州牛肉面",
    "机场跑道",
    "泥石流防治",
    "祁连山保护区",
    "黄河滩地",
    "石窟保护",
    "非遗工坊",
    "研学基地",
    "滑雪场",
    "温泉度假村",
    "敦煌研学",
    "戈壁农业",
    "丝路文博",
    "骆驼养殖",
    "雕版印刷",
    "洮砚",
    "麦积山",
)
RARE_WORD = "温泉度假村"
_SEPARATORS = ("", "", "", "的", "，", "和", "中")
_OUTCOMES = (
    "责令限期改正并支付欠款，予以通报批评",
    "给予警告，责令限期整改，整改情况向社会公开",
    "纳入失信记录，限期履行判决确定的义务",
    "约谈主要负责人，责令整改并追回违规资金",
    "依法撤销相关采购结果，责令重新组织采购",
    "给予党内严重警告处分",
    "给予政务记过处分，责令作出书面检查",
    "列入失信被执行人名单，限制高消费",
)
_LAWS = (
    "《保障中小企业款项支付条例》第八条、第十五条",
    "《中华人民共和国政府采购法》第二十二条、第七十一条",
    "《优化营商环境条例》第三十一条",
    "《中华人民共和国民事诉讼法》第二百五十三条",
    "《甘肃省社会信用条例》第二十八条、第三十条",
    "《中华人民共和国公职人员政务处分法》第三十九条",
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SOURCES = (
    ("judicial", "司法判决", 15),
    ("penalty", "行政处罚", 35),
    ("discipline", "纪律处分", 15),
    ("accountability", "问责处理", 10),
    ("breach", "失信违约", 15),
    ("debtor_list", "失信被执行人", 10),
)
_DOMAINS = (
    ("procurement", "政府采购", 30),
    ("ppp", "政府和社会资本合作", 8),
    ("trading", "公共资源交易", 15),
    ("investment", "招商引资", 12),
    ("debt", "地方政府债务", 10),
    ("township", "街道和乡镇", 15),
    ("other", "其他", 10),
)
_SEVERITIES = (("minor", "轻微", 30), ("general", "一般", 50), ("serious", "严重", 20))
_KINDS = (("civil_servant", "公务员", 50), ("department", "部门", 35), ("government", "政府", 15))
# Publication times rise with the id, as when the service publishes one record after another;
# every record was published before today, 8 to 30 days after its decision.
_FIRST_PUBLISHED = datetime.datetime(2023, 1, 20)
_PUBLISHED_SPAN = datetime.datetime(2026, 10, 31) - _FIRST_PUBLISHED
_RULE_58 = (
    "ndrc-order-58",
    "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）第六条",
)
_RULE_DEBTORS = (
    "court-debtors",
    "《最高人民法院关于公布失信被执行人名单信息的若干规定》第十条",
)


@dataclass(frozen=True)
class Query:
    label: str
    q: str
    prefecture: str = ""
    severity: str = ""

    def params(self) -> dict[str, str]:
        values = {"q": self.q, "prefecture": self.prefecture, "severity": self.severity}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Dataset:
    path: Path  # the run's copy, in its GOVTRUST_VAR_DIR
    cache: Path
    records: int
    cached: bool
    load: dict[str, float]  # seconds per phase of the build (read from the cache when cached)
    copy_seconds: float
    picks: dict[str, str]  # query terms chosen from the generated data
    size_bytes: int


def configure(var_dir: Path) -> None:
    """Environment for a throw-away SQLite (WAL) GovTrust, then django.setup()."""
    os.environ["GOVTRUST_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govtrust.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()


def queries(picks: dict[str, str]) -> list[Query]:
    two_words = f"{picks['frequent_bigram']} {picks['frequent_word']}"
    return [
        Query("browse all (no q)", ""),
        Query("1 char, common", picks["common_name2"][0]),
        Query("1 char, rare", picks["rare_name2"][-1]),
        Query("rare 2-char name", picks["rare_name2"]),
        Query("common 2-char name", picks["common_name2"]),
        Query("3-char name", picks["name3"]),
        Query("department", picks["department"]),
        Query("decision number", picks["decision_number"]),
        Query("frequent word", picks["frequent_word"]),
        Query("frequent 2-char word", picks["frequent_bigram"]),
        Query("rare word", picks["rare_word"]),
        Query("two words", two_words),
        Query("two words+filter", two_words, prefecture="6201", severity="serious"),
    ]


def database_path() -> Path:
    from django.db import connection

    return Path(str(connection.settings_dict["NAME"]))


def prepare(records: int, progress: Progress) -> Dataset:
    """The run's database: a copy of the cached build for `records`, built first if missing."""
    cache = CACHE_ROOT / f"v{FORMAT}-{records}"
    meta_file = cache / "meta.json"
    target = database_path()
    cached = meta_file.is_file() and (cache / DATABASE).is_file()
    if not cached:
        _build(records, cache, progress)
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    copy_seconds = copy_cached(cache)
    migrate_copy()
    return Dataset(
        path=target,
        cache=cache,
        records=records,
        cached=cached,
        load={str(k): float(v) for k, v in meta["load"].items()},
        copy_seconds=copy_seconds,
        picks={str(k): str(v) for k, v in meta["picks"].items()},
        size_bytes=target.stat().st_size,
    )


def copy_cached(cache: Path) -> float:
    """Replace the run's database with the cached one (closing Django's connection to it first);
    returns the seconds the copy took."""
    from django.db import connection

    target = database_path()
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    shutil.copyfile(cache / DATABASE, target)
    return time.perf_counter() - started


def migrate_copy() -> None:
    """Apply migrations newer than the cached build to the run's copy (the cache is keyed on
    the data, not the schema), then close the connection for raw sqlite3."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()


def fresh_directory() -> tuple[int, list[tuple[_Unit, float]]]:
    """Migrate the run's database, load the Gansu directory and a provincial credit-office user;
    returns the user's id and the weighted reporting units. Django's connection is closed after,
    so raw sqlite3 can write."""
    from django.core.management import call_command
    from django.db import connection

    from govtrust.directory.models import Government
    from govtrust.directory.services import divisions_load, user_create

    call_command("migrate", verbosity=0)
    divisions_load()
    user = user_create(
        username="b",
        role="credit_office",
        unit=Government.objects.get(division_id="62"),
        password=PASSWORD,
    )
    with sqlite3.connect(database_path()) as db:
        units = _units(db)
    db.close()
    connection.close()
    return user.pk, units


def store_cache(path: Path, cache: Path) -> None:
    """Keep a copy of the built database; a half-copied file never takes the cached name."""
    cache.mkdir(parents=True, exist_ok=True)
    scratch = cache / f"{DATABASE}.partial"
    shutil.copyfile(path, scratch)
    os.replace(scratch, cache / DATABASE)


def _build(records: int, cache: Path, progress: Progress) -> None:
    """Migrate, load the directory and a publisher, then load `records` publications with raw
    executemany into the run's database, rebuild the FTS indexes, ANALYZE, and store a copy."""
    from django.db import connection

    progress(f"Building {records:,} published records (cached afterwards in {cache}) ...")
    load: dict[str, float] = {}
    started = time.perf_counter()
    user_id, units = fresh_directory()
    path = database_path()
    keys, extra = _check_view(_Generator(random.Random(SEED), units, user_id, records).row(0))
    connection.close()  # the check ran the service through Django; raw sqlite3 writes next
    load["migrate + directory"] = time.perf_counter() - started
    generator = _Generator(random.Random(SEED), units, user_id, records)
    generator.view_keys, generator.view_extra = keys, extra
    db = sqlite3.connect(path, isolation_level=None)
    try:
        picks = _load(db, generator, records, load, progress)
    finally:
        db.close()
    store_cache(path, cache)
    meta = {"format": FORMAT, "records": records, "load": load, "picks": picks}
    (cache / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")


def _check_view(
    rows: tuple[dict[str, Any], dict[str, Any]],
) -> tuple[list[str], dict[str, Any]]:
    """The generated view is what `public_view` makes of the generated record. Returns the
    service's keys in its order, and the values of keys the generator does not make (fields it
    leaves at their defaults, such as a label added to the view later), taken from this row."""
    from govtrust.disclosure.services import active_rules, public_view
    from govtrust.records.models import Record

    record, publication = rows
    fields = {f.column: f for f in Record._meta.concrete_fields}
    instance = Record(**{fields[c].attname: fields[c].to_python(v) for c, v in record.items()})
    view = publication["view"]
    expected = public_view(
        instance,
        active_rules(),
        start=datetime.date.fromisoformat(view["publication_start"]),
        minimum_end=datetime.date.fromisoformat(view["minimum_end"]),
        maximum_end=datetime.date.fromisoformat(view["maximum_end"]),
        rule_source=view["rule_source"],
    )
    differ = {k for k in expected.keys() & view.keys() if expected[k] != view[k]}
    assert not differ, f"the generated view differs from public_view in {sorted(differ)}"
    return list(expected), {k: expected[k] for k in expected.keys() - view.keys()}


def _load(
    db: sqlite3.Connection,
    generator: _Generator,
    records: int,
    load: dict[str, float],
    progress: Progress,
) -> dict[str, str]:
    from govtrust.disclosure.models import Publication
    from govtrust.records.models import Record

    migration = importlib.import_module(
        "govtrust.disclosure.migrations.0012_search_filter_tokens_and_pinyin"
    )
    db.execute("PRAGMA journal_mode=OFF")  # a scratch build: nothing to roll back to
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")  # 1 GB, so the B-tree indexes stay in memory
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("DROP TRIGGER disclosure_fts_ai")  # the indexes are rebuilt once at the end
    sample = generator.row(0)
    record_table, publication_table = _Table(Record, sample[0]), _Table(Publication, sample[1])
    rows = [sample]
    generate = insert = 0.0
    for first in range(0, records, CHUNK):
        t0 = time.perf_counter()
        last = min(first + CHUNK, records)
        rows += [generator.row(i) for i in range(max(first, 1), last)]
        t1 = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(record_table.sql, [record_table.values(r) for r, _p in rows])
        db.executemany(publication_table.sql, [publication_table.values(p) for _r, p in rows])
        db.execute("COMMIT")
        rows = []
        t2 = time.perf_counter()
        generate, insert = generate + t1 - t0, insert + t2 - t1
        if last % 100_000 == 0 or last == records:
            progress(
                f"  {last:,} / {records:,} rows: generate {generate:.0f} s, insert {insert:.0f} s"
            )
    load["generate rows (Python)"] = generate
    load["executemany records + publications"] = insert
    for table in ("disclosure_fts_tri", "disclosure_fts_bi"):
        t0 = time.perf_counter()
        db.execute(f"INSERT INTO {table}({table}) VALUES('rebuild')")
        load[f"FTS rebuild {table}"] = time.perf_counter() - t0
        progress(f"  {table} rebuilt in {load[f'FTS rebuild {table}']:.0f} s")
    db.execute(migration.TRIGGERS[0])  # the trigger again, exactly as the migration creates it
    t0 = time.perf_counter()
    db.execute("ANALYZE")
    load["ANALYZE"] = time.perf_counter() - t0
    _check(db)
    db.execute("PRAGMA journal_mode=WAL")
    return generator.picks(records)


def _check(db: sqlite3.Connection) -> None:
    """The rebuilt trigram index finds what a scan finds."""
    word = RARE_WORD
    (by_index,) = db.execute(
        "SELECT count(*) FROM disclosure_fts_tri WHERE disclosure_fts_tri MATCH ?", [f'"{word}"']
    ).fetchone()
    (by_scan,) = db.execute(
        "SELECT count(*) FROM disclosure_publication WHERE instr(search_text, ?) > 0", [word]
    ).fetchone()
    assert by_index == by_scan, (word, by_index, by_scan)


@dataclass(frozen=True)
class _Unit:
    government_id: int
    code: str
    name: str  # the government's name: 城关区人民政府
    place: str  # the division's name for courts and departments: 城关区 (a township: its county)
    prefecture: str
    county: str


def _units(db: sqlite3.Connection) -> list[tuple[_Unit, float]]:
    names = dict(db.execute("SELECT code, name FROM directory_division").fetchall())
    rows = db.execute(
        "SELECT g.id, d.code, g.name, d.name, d.level FROM directory_government g "
        "JOIN directory_division d ON d.code = g.division_id ORDER BY d.code"
    ).fetchall()
    weights = {"province": 20.0, "prefecture": 15.0, "county": 10.0, "township": 0.4}
    units = []
    for gid, code, gname, dname, level in rows:
        place = names.get(code[:6], dname) if level == "township" else dname
        weight = weights[level] * (3.0 if code.startswith("6201") else 1.0)
        county = names.get(code[:6], "") if len(code) >= 6 else ""
        unit = _Unit(gid, code, gname, place, names.get(code[:4], ""), county)
        units.append((unit, weight))
    return units


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _zipf(count: int, s: float) -> list[float]:
    return _cumulative([1.0 / (rank**s) for rank in range(1, count + 1)])


class _Generator:
    """Rows of both tables for record i, from one seeded random stream (repeatable)."""

    def __init__(
        self, rng: random.Random, units: list[tuple[_Unit, float]], user_id: int, records: int
    ):
        self.rng = rng
        self.slot = _PUBLISHED_SPAN / records  # each record is published within its own slot
        self.user_id = user_id
        self.units = [u for u, _w in units]
        self.unit_weights = _cumulative([w for _u, w in units])
        self.surname_weights = _zipf(len(_SURNAMES), 1.0)
        self.given_weights = _zipf(len(_GIVEN), 0.9)
        self.word_weights = _zipf(len(_FACT_WORDS), 1.2)
        self.department_weights = _zipf(len(_DEPARTMENTS), 0.8)
        self.sources = [(v, label) for v, label, _w in _SOURCES]
        self.source_weights = _cumulative([float(w) for _v, _l, w in _SOURCES])
        self.domains = [(v, label) for v, label, _w in _DOMAINS]
        self.domain_weights = _cumulative([float(w) for _v, _l, w in _DOMAINS])
        self.severities = [(v, label) for v, label, _w in _SEVERITIES]
        self.severity_weights = _cumulative([float(w) for _v, _l, w in _SEVERITIES])
        self.kinds = [(v, label) for v, label, _w in _KINDS]
        self.kind_weights = _cumulative([float(w) for _v, _l, w in _KINDS])
        self.sequence: Counter[str] = Counter()
        self.record_numbers: Counter[str] = Counter()
        self.authority_uscc: dict[str, str] = {}
        self.names2: Counter[str] = Counter()
        self.names3: Counter[str] = Counter()
        self.decision_numbers: dict[int, str] = {}
        self.view_keys: list[str] = []
        self.view_extra: dict[str, Any] = {}

    def _uscc(self, code: str) -> str:
        body = "".join(self.rng.choices(_USCC_CHARS, k=10))
        return f"11{(code + '0000')[:6]}{body}"

    def _person(self) -> str:
        rng = self.rng
        surname = rng.choices(_SURNAMES, cum_weights=self.surname_weights)[0]
        given = rng.choices(_GIVEN, cum_weights=self.given_weights, k=2)
        if rng.random() < 0.15:
            name = surname + given[0]
            self.names2[name] += 1
        else:
            name = surname + given[0] + given[1]
            self.names3[name] += 1
        return name

    def _facts(self) -> tuple[str, str | None]:
        rng = self.rng
        target = rng.randint(20, 60)
        words = rng.choices(_FACT_WORDS, cum_weights=self.word_weights, k=16)
        separators = rng.choices(_SEPARATORS, k=16)
        if rng.random() < 0.002:
            words[rng.randrange(4)] = rng.choice(_RARE_WORDS)
        amount = None
        text = "经查，" if rng.random() < 0.3 else ""
        for word, separator in zip(words, separators, strict=True):
            if len(text) + len(word) > 58:
                break
            text += word
            if len(text) >= target:
                break
            text += separator
        text = text.rstrip("，的和中")
        if rng.random() < 0.4 and len(text) < 48:
            amount = f"{rng.randrange(5, 500_000) / 100:.2f}".rstrip("0").rstrip(".")
            text += f"，涉及金额{amount}万元"
        return text + "。", amount

    def _authority(self, unit: _Unit, source: str, year: int) -> tuple[str, str]:
        rng, place = self.rng, unit.place
        short = place[:2]
        if source in ("judicial", "debtor_list"):
            if len(unit.code) == 2:
                court, code = "甘肃省高级人民法院", ""
            elif len(unit.code) == 4:
                court, code = f"{place}中级人民法院", unit.code[2:4]
            else:
                court, code = f"{place}人民法院", unit.code[2:6]
            kind = "执" if source == "debtor_list" else rng.choice(("民初", "民终", "行初"))
            prefix = f"（{year}）甘{code}{kind}"
            self.sequence[prefix] += 1
            return court, f"{prefix}{self.sequence[prefix]}号"
        if source == "penalty":
            department, abbreviation = rng.choice(_PENALTY_AUTHORITIES)
            authority, prefix = f"{place}{department}", f"{short}{abbreviation}罚"
        elif source in ("discipline", "accountability"):
            authority, prefix = f"中共{place}纪律检查委员会", f"{short}纪发"
        else:
            authority, prefix = f"{place}发展和改革局", f"{short}发改"
        key = f"{authority}{year}"
        self.sequence[key] += 1
        return authority, f"{prefix}〔{year}〕{self.sequence[key]}号"

    def row(self, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
        from govtrust.disclosure.services import search_fields
        from govtrust.records.services.intake import decision_key

        rng = self.rng
        unit = rng.choices(self.units, cum_weights=self.unit_weights)[0]
        kind, kind_label = rng.choices(self.kinds, cum_weights=self.kind_weights)[0]
        source, source_label = rng.choices(self.sources, cum_weights=self.source_weights)[0]
        domain, domain_label = rng.choices(self.domains, cum_weights=self.domain_weights)[0]
        severity, severity_label = rng.choices(self.severities, cum_weights=self.severity_weights)[
            0
        ]
        if kind == "civil_servant":
            name, uscc = self._person(), ""
            tail = f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
            masked = f"{(unit.code + '0000')[:6]}********{tail}"
        elif kind == "department":
            department = rng.choices(_DEPARTMENTS, cum_weights=self.department_weights)[0]
            name, uscc, masked = f"{unit.place}{department}", self._uscc(unit.code), ""
        else:
            name, uscc, masked = unit.name, self._uscc(unit.code), ""
        published = _FIRST_PUBLISHED + self.slot * (i + rng.random())
        decided = published.date() - datetime.timedelta(days=rng.randint(8, 30))
        authority, decision_number = self._authority(unit, source, decided.year)
        if i % 100_000 == 50_000 or i == 0:
            self.decision_numbers[i] = decision_number
        authority_uscc = ""
        if rng.random() < 0.5:
            authority_uscc = self.authority_uscc.setdefault(authority, self._uscc(unit.code))
        facts, amount = self._facts()
        outcome = rng.choice(_OUTCOMES)
        basis = rng.choice(_LAWS)
        rule_id, rule_source = _RULE_DEBTORS if source == "debtor_list" else _RULE_58
        minimum_end = _add_months(decided, 3)
        maximum_end = decided.replace(year=2099, day=min(decided.day, 28))  # never ages
        prefix = f"{unit.code}-{decided.year}"
        self.record_numbers[prefix] += 1
        number = f"{prefix}-{self.record_numbers[prefix]:05d}"
        view = {
            "number": number,
            "subject_kind": kind,
            "subject_kind_label": kind_label,
            "subject_name": name,
            "subject_identifier": uscc or masked,
            "source_type": source,
            "source_type_label": source_label,
            "domain": domain,
            "domain_label": domain_label,
            "severity": severity,
            "severity_label": severity_label,
            "decision_number": decision_number,
            "decision_date": decided.isoformat(),
            "authority_name": authority,
            "authority_uscc": authority_uscc,
            "facts": facts,
            "basis": basis,
            "outcome": outcome,
            "amount_wan_yuan": amount,
            "reporting_unit": unit.name,
            "prefecture": unit.prefecture,
            "county": unit.county,
            "publication_start": published.date().isoformat(),
            "minimum_end": minimum_end.isoformat(),
            "maximum_end": maximum_end.isoformat(),
            "rule_source": rule_source,
        }
        if self.view_keys:
            view = {k: view[k] if k in view else self.view_extra[k] for k in self.view_keys}
        search_text, pairs = search_fields(view)
        arose = decided + datetime.timedelta(days=rng.randint(0, 5))
        submitted = f"{arose + datetime.timedelta(days=3)} 02:00:00"
        reviewed = f"{arose + datetime.timedelta(days=6)} 03:00:00"
        record = {
            "id": i + 1,
            "number": number,
            "status": "accepted",
            "version": 3,
            "subject_kind": kind,
            "subject_name": name,
            "subject_uscc": uscc,
            "subject_ric_masked": masked,
            "subject_key": uscc or f"{rng.getrandbits(256):064x}",
            "source_type": source,
            "domain": domain,
            "decision_number": decision_number,
            "decision_key": decision_key(decision_number),
            "decision_date": decided.isoformat(),
            "authority_name": authority,
            "authority_uscc": authority_uscc,
            "facts": facts,
            "basis": basis,
            "outcome": outcome,
            "amount": amount,
            "severity": severity,
            "division_code": unit.code,
            "arose_on": arose.isoformat(),
            "due_date": (arose + datetime.timedelta(days=9)).isoformat(),
            "due_provisional": 0,
            "submitted_at": submitted,
            "first_submitted_at": submitted,
            "on_time": 1,
            "reviewed_at": reviewed,
            "created_at": submitted,
            "updated_at": reviewed,
            "created_by_id": self.user_id,
            "reporting_government_id": unit.government_id,
            "reviewed_by_id": self.user_id,
        }
        line = rng.random()
        publication = {
            "id": i + 1,
            "number": number,
            "status": "published",
            "view": view,
            "search_text": search_text,
            "bigrams": pairs,
            "division_code": unit.code,
            "prefecture_code": unit.code[:4],
            "county_code": unit.code[:6],
            "subject_kind": kind,
            "source_type": source,
            "domain": domain,
            "severity": severity,
            "decision_date": decided.isoformat(),
            "rule_id": rule_id,
            "rule_source": rule_source,
            "minimum_end": minimum_end.isoformat(),
            "maximum_end": maximum_end.isoformat(),
            "published_at": str(published),  # as Django stores it on SQLite (UTC)
            "salt": rng.randbytes(32),
            "leaf_index": i,
            "status_line": "异议处理中" if line < 0.02 else "信用修复中" if line < 0.03 else "",
            "published_by_id": self.user_id,
            "record_id": i + 1,
        }
        return record, publication

    def picks(self, records: int) -> dict[str, str]:
        """Query terms from what was generated: names by their counts, a decision number from
        the middle of the data, and words of the vocabulary by frequency."""
        rare2 = min(self.names2.items(), key=lambda kv: (kv[1], kv[0]))[0]
        common2 = max(self.names2.items(), key=lambda kv: (kv[1], kv[0]))[0]
        name3 = min(self.names3.items(), key=lambda kv: (abs(kv[1] - 10), kv[0]))[0]
        middle = max(k for k in self.decision_numbers if k <= records // 2)
        return {
            "rare_name2": rare2,
            "common_name2": common2,
            "name3": name3,
            "department": "城关区财政局",
            "decision_number": self.decision_numbers[middle],
            "frequent_word": "工程款",
            "frequent_bigram": "拖欠",
            "rare_word": RARE_WORD,
        }


class _Table:
    """Rows of one model's table as tuples for `executemany`: the generated columns, and every
    other column at its model default (so a column added later to the model needs no change
    here, unless it has no default)."""

    def __init__(self, model: Any, generated: dict[str, Any]):
        from django.db import connection

        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        missing = [f for f in fields if f.column not in generated]
        self.defaults = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in missing}
        self.view = "view" in self.columns
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" for _c in self.columns)
        table = model._meta.db_table
        self.sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - model

    def values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        if self.view:
            row = {**row, "view": json.dumps(row["view"])}  # as JSONField stores it (ASCII)
        return tuple(row[c] if c in row else self.defaults[c] for c in self.columns)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
