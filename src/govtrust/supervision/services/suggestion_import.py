"""Excel import of a session's assignment list (交办清单) of deputies' suggestions or CPPCC
proposals: every row registered as the form registers one (services/suggestions.py), or none
(any row refused: the rows and their errors, and an Excel error report)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import IO

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.sheets import SheetRefused, error_report, read_table
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import Department, User
from govtrust.records.bulk import cells
from govtrust.remedies.services.evidence import clean_label
from govtrust.supervision.models import Suggestion, SuggestionKind
from govtrust.supervision.services.suggestions import SuggestionIn, suggestion_register

NUMBER, TITLE, PROPOSER, GOVERNMENT = "编号", "标题", "提出人", "承办政府代码"
DEPARTMENT, CO_UNITS, ASSIGNED, COMPLEX = "承办部门", "协办单位", "交办日期", "涉及面广难度大"
HEADER = (NUMBER, TITLE, PROPOSER, GOVERNMENT, ASSIGNED)
OPTIONAL = (DEPARTMENT, CO_UNITS, COMPLEX)
MAX_ROWS = 2000
_YES = frozenset({"是", "Y", "YES", "1", "TRUE", "√"})
_NO = frozenset({"", "否", "N", "NO", "0", "FALSE"})
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def _date(text: str) -> datetime.date | None:
    match = _DATE_TIME.match(text)
    if match:
        text = match.group(1)
    value = cells.date(text)
    if isinstance(value, str) and value.isdigit() and len(value) == 5:  # an Excel serial
        value = cells.date(int(value))
    return value if isinstance(value, datetime.date) else None


def _complex(text: str) -> bool | None:
    key = unicodedata.normalize("NFKC", text).strip().upper()
    return True if key in _YES else False if key in _NO else None


def _department(actor: User, code: str, name: str) -> int | None:
    found = (
        policy.within(Department.objects.all(), actor)
        .filter(government__division_id=code, name=name)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise DomainError(f"承办部门“{name}”不是该政府的部门或不在您的数据范围内")
    return found


def suggestions_import(
    *, actor: User, kind: str, session: str, filename: str, source: IO[bytes]
) -> list[Suggestion]:
    """Register a session's list, whole or not at all (SheetRefused with a report)."""
    policy.require(actor, "suggestions.manage")
    session = plain(session).strip()
    if kind not in SuggestionKind.values:
        raise DomainError("请选择类别：人大代表建议或政协委员提案", errors=[("kind", "必选")])
    if not session or len(session) > 40:
        raise DomainError("请填写届次（不超过40字）", errors=[("session", "必填")])
    try:
        titles, rows, _data = read_table(source, filename, header=HEADER, max_rows=MAX_ROWS)
    except DomainError as exc:
        report = error_report(["文件"], [(0, [clean_label(filename)], [exc.detail])])
        raise SheetRefused(exc.detail, [(0, "", exc.detail)], report) from exc
    if not rows:
        raise SheetRefused("交办清单中没有建议提案", [], error_report(titles, []))
    return _register_all(actor, kind, session, titles, rows)


@transaction.atomic
def _register_all(
    actor: User, kind: str, session: str, titles: list[str], rows: list[tuple[int, list[str]]]
) -> list[Suggestion]:
    at = {title: titles.index(title) for title in (*HEADER, *OPTIONAL) if title in titles}
    done: list[Suggestion] = []
    bad: list[tuple[int, list[str], list[str]]] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        cells_ = values + [""] * (len(titles) - len(values))

        def cell(title: str, cells_: list[str] = cells_) -> str:
            return cells_[at[title]] if title in at else ""

        problems: list[str] = []
        assigned = _date(cell(ASSIGNED))
        if assigned is None:
            problems.append(f"交办日期“{cell(ASSIGNED)}”无法识别，请写作2025-11-30")
        complex_item = _complex(cell(COMPLEX))
        if complex_item is None:
            problems.append(f"“{COMPLEX}”应填“是”或“否”")
        code = "".join(unicodedata.normalize("NFKC", cell(GOVERNMENT)).split())
        item_number = cell(NUMBER)
        first = seen.setdefault(item_number, number)
        if item_number and first != number:
            problems.append(f"编号与第{first}行重复")
        if not problems and assigned is not None:
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
                    department = cell(DEPARTMENT)
                    item = suggestion_register(
                        actor=actor,
                        data=SuggestionIn(
                            kind=kind,
                            session=session,
                            number=item_number,
                            title=cell(TITLE),
                            proposer=cell(PROPOSER),
                            government_code=code,
                            assigned_on=assigned,
                            complex=bool(complex_item),
                            department_id=_department(actor, code, department)
                            if department
                            else None,
                            co_units=cell(CO_UNITS),
                        ),
                    )
                done.append(item)
            except DomainError as exc:
                same = exc.errors and exc.errors[0][1] == exc.detail
                problems.extend([m for _f, m in exc.errors] if same else [exc.detail])
        if problems:
            bad.append((number, values, problems))
    if bad:
        transaction.set_rollback(True)
        raise SheetRefused(
            f"交办清单有{len(bad)}行错误，未登记任何建议提案，请下载错误报告修改后重新导入",
            [(n, "", "；".join(p)) for n, _v, p in bad],
            error_report(titles, bad),
        )
    audit_append(
        actor=actor.username,
        action="suggestion.import",
        object_type="suggestion",
        object_id=session,
        after={"kind": kind, "session": session, "count": len(done)},
    )
    return done
