"""Fixtures of the import benchmark: the Django environment, a seeded template database, fresh
copies of it per run, and the spreadsheets (the clerk's template file and the baseline's file).

Nothing here is timed. Django is configured by `configure()` before any model is imported, so the
modules that need models import them inside functions.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import shutil
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

CLERK_PASSWORD = "Bench-Pass-2026"  # noqa: S105 (a throw-away database)
SEED = 2026

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰德文斌海燕"
_DEPARTMENTS = ("财政局", "住房和城乡建设局", "交通运输局", "教育局", "卫生健康局", "水务局")
_TOWNS = ("青白石街道", "雁园街道", "东岗街道", "拱星墩街道", "团结新村街道", "焦家湾街道")
_ACTS = (
    "未按合同约定期限支付中小企业工程款",
    "在政府采购活动中违规指定品牌",
    "拖欠民营企业货款且未履行承诺",
    "招商引资承诺的优惠政策未予兑现",
    "未履行人民法院生效判决确定的给付义务",
    "在公共资源交易中违规设置排他性条件",
    "政府和社会资本合作项目未按约定支付可行性缺口补助",
    "违规举借地方政府债务用于非公益性项目",
)
_CIRCUMSTANCES = ("涉及金额较大", "经多次催告仍未履行", "造成不良社会影响", "被企业多次投诉")
_LAWS = (
    "《保障中小企业款项支付条例》第八条、第十五条",
    "《中华人民共和国政府采购法》第二十二条、第七十一条",
    "《优化营商环境条例》第三十一条",
    "《中华人民共和国民事诉讼法》第二百五十三条",
    "《甘肃省社会信用条例》第二十八条、第三十条",
    "《地方政府债务管理办法》第十二条",
)
_OUTCOMES = (
    "责令限期改正并支付欠款，予以通报批评",
    "给予警告，责令限期整改，整改情况向社会公开",
    "纳入失信记录，限期履行判决确定的义务",
    "约谈主要负责人，责令整改并追回违规资金",
    "依法撤销相关采购结果，责令重新组织采购",
)
_AUTHORITY_USCC_BODY = "99990001"


def configure(var_dir: Path) -> None:
    """Environment for a throw-away SQLite (WAL) GovTrust, then django.setup()."""
    os.environ["GOVTRUST_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "govtrust.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "GOVTRUST_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()


def build_template(var_dir: Path) -> Path:
    """Migrate and seed one database (divisions, a department, the clerk); return a copy of it
    from which every run starts."""
    from django.core.management import call_command

    from govtrust.directory.models import Government
    from govtrust.directory.services import department_create, divisions_load, user_create

    call_command("migrate", verbosity=0)
    divisions_load()
    unit = Government.objects.get(division_id="620102")
    department = department_create(government=unit, name="城关区财政局")
    user_create(
        username="clerk",
        role="clerk",
        unit=unit,
        department=department,
        password=CLERK_PASSWORD,
    )
    template = var_dir / "template.sqlite3"
    _close()
    shutil.copyfile(_database_path(), template)  # the WAL is checkpointed on the last close
    return template


def fresh_database(template: Path, name: str) -> Path:
    """Point the default connection at a new copy of the template database."""
    from django.db import connection

    _close()
    target = template.with_name(f"{name}.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    connection.settings_dict["NAME"] = target
    return target


def drop_database(path: Path) -> None:
    _close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _close() -> None:
    from django.db import connection

    connection.close()


def _database_path() -> Path:
    from django.db import connection

    return Path(str(connection.settings_dict["NAME"]))


def clerk() -> Any:
    from govtrust.directory.models import User

    return User.objects.select_related("unit", "department").get(username="clerk")


def _text(rng: random.Random, head: str, parts: Sequence[str], low: int, high: int) -> str:
    text = head
    while len(text) < low:
        text += rng.choice(parts) + "；"
    return text[: rng.randint(low, high)].rstrip("；，") + "。"


def source_rows(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Valid, distinct rows by RecordIn field (the template's columns are looked up by field, so
    a column added to `COLUMNS` later is simply left blank).

    A third each of civil servants (citizen IDs with distinct birth dates and sequence numbers),
    departments and governments (USCCs with distinct bodies); unique decision numbers; labels as
    clerks type them; past dates written as text; amounts with thousands separators.
    """
    from govtrust.core.identifiers import compose_ric, compose_uscc
    from govtrust.records.models import Domain, Severity, SourceType

    rng = random.Random(seed)
    sources = [str(label) for _v, label in SourceType.choices]
    domains = [str(label) for _v, label in Domain.choices]
    severities = [str(label) for _v, label in Severity.choices]
    authority_uscc = compose_uscc("11", "620102", _AUTHORITY_USCC_BODY)
    first_day, born = datetime.date(2025, 1, 2), datetime.date(1962, 3, 1)
    for i in range(count):
        kind = i % 3
        if kind == 0:
            birth = born + datetime.timedelta(days=(i // 3) % 12000)
            identifier = compose_ric(f"620102{birth:%Y%m%d}{(i // 3) // 12000 % 1000:03d}")
            given = "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
            name, kind_label = rng.choice(_SURNAMES) + given, "公务员"
        elif kind == 1:
            identifier = compose_uscc("11", "620102", f"{i:08d}")
            name, kind_label = f"兰州市城关区{rng.choice(_DEPARTMENTS)}（{i}）", "部门"
        else:
            identifier = compose_uscc("11", "620102", f"{i:08d}")
            name, kind_label = f"城关区{rng.choice(_TOWNS)}办事处（{i}）", "政府"
        decided = first_day + datetime.timedelta(days=rng.randrange(600))
        arose = decided + datetime.timedelta(days=rng.randrange(4))
        source = rng.choice(sources)
        yield {
            "subject_kind": kind_label,
            "subject_name": name,
            "subject_identifier": identifier,
            "source_type": source,
            # The court's list needs its ground (法释〔2017〕7号 第一条).
            "court_ground": str(rng.randint(1, 6)) if source == "失信被执行人" else "",
            "domain": rng.choice(domains),
            "severity": rng.choice(severities),
            "safety_area": "安全生产" if i % 10 == 7 else "",
            "decision_number": f"兰城信罚〔{decided.year}〕{i + 1:06d}号",
            "decision_date": decided.isoformat(),
            "authority_name": "兰州市城关区财政局",
            "authority_uscc": authority_uscc if i % 2 else "",
            "facts": _text(rng, f"经查，{name}", (*_ACTS, *_CIRCUMSTANCES), 30, 80),
            "basis": rng.choice(_LAWS),
            "outcome": _text(rng, "", _OUTCOMES, 30, 60),
            "amount": "" if i % 5 == 0 else f"{Decimal(rng.randrange(10, 5_000_000)) / 10:,}",
            "arose_on": arose.isoformat(),
        }


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> Path:
    """A one-sheet workbook, header on row 1, written in constant-memory mode."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("失信记录")
    sheet.write_row(0, 0, list(headers))
    for index, values in enumerate(rows, start=1):
        sheet.write_row(index, 0, list(values))
    workbook.close()
    return path


def template_xlsx(path: Path, count: int) -> Path:
    from govtrust.records.bulk.columns import COLUMNS

    fields = [c.field for c in COLUMNS]
    rows = ([row.get(name, "") for name in fields] for row in source_rows(count))
    return write_xlsx(path, [c.header for c in COLUMNS], rows)


# The baseline's columns: the model's own fields, values as GovTrust derived them. The citizen ID
# cipher (bytes) cannot travel in a spreadsheet cell; id and the two timestamps are automatic.
_NOT_IN_BASELINE = {"id", "subject_ric_cipher", "created_at", "updated_at"}


def baseline_fields() -> list[str]:
    from govtrust.records.models import Record

    return [f.name for f in Record._meta.concrete_fields if f.name not in _NOT_IN_BASELINE]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):  # stored in UTC, read back in TIME_ZONE
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    if isinstance(value, list | dict):  # a JSON field (penalty kinds) travels as its JSON text
        return json.dumps(value, ensure_ascii=False)
    return value


def baseline_xlsx(path: Path, limit: int | None = None) -> Path:
    """The records in the current database as a model-field spreadsheet for import-export."""
    from govtrust.records.models import Record

    fields = baseline_fields()
    attnames = [Record._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    rows = Record.objects.order_by("id").values_list(*attnames)[:limit]
    return write_xlsx(path, fields, ([_cell(v) for v in row] for row in rows.iterator(2000)))


def raw_columns() -> list[str]:
    """Every column of records_record except the key, as GovTrust filled them."""
    from govtrust.records.models import Record

    return [f.column for f in Record._meta.concrete_fields if f.name != "id"]


Table = tuple[str, list[str], list[tuple[Any, ...]]]


def _select(table: str, columns: list[str], where: str = "") -> Table:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY id")  # noqa: S608
        return table, columns, [tuple(row) for row in cursor.fetchall()]


def raw_rows() -> Table:
    """The stored values of the records in the current database, as the driver returns them."""
    return _select("records_record", raw_columns())


def raw_tables() -> list[Table]:
    """Everything GovTrust wrote per row, keys included: records, history lines, audit events."""
    from govtrust.core.models import AuditEvent
    from govtrust.records.models import Record, RecordEvent

    def columns(model: Any) -> list[str]:
        return [f.column for f in model._meta.concrete_fields]

    return [
        _select("records_record", columns(Record)),
        _select("records_recordevent", columns(RecordEvent)),
        _select("core_auditevent", columns(AuditEvent), "WHERE action = 'record.import'"),
    ]
