"""The inspection pages' lists follow the back office's list standard (directory/lists.py): the
inspections by state, inspected unit and period with a numbered pager, and the unit's findings
to rectify by state, severity, unit and deadline; each counted, and exported to Excel exactly
as filtered, the export audited."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.supervision.models import Inspection
from govtrust.supervision.services import inspections as svc

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table(body: str, table_id: str) -> str:
    start = body.index(f'id="{table_id}"')
    return body[start : body.index("</table>", start)]


def _count(body: str) -> int:
    found = re.search(r'class="count">共 (\d+) 条', body)
    assert found, "every list states its count"
    return int(found.group(1))


def _exported(client: Client, url: str, **params: str) -> tuple[list[Any], list[list[Any]]]:
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    streamed: Any = response
    book = openpyxl.load_workbook(io.BytesIO(b"".join(streamed.streaming_content)))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def _plan(office: User, title: str, start: str, codes: list[str], team: list[User]) -> Inspection:
    return svc.inspection_plan(
        actor=office,
        data=svc.InspectionIn(
            title=title,
            period_start=datetime.date.fromisoformat(start),
            period_end=datetime.date(2026, 12, 31),
            target_codes=codes,
            inspector_ids=[u.pk for u in team],
        ),
    )


@pytest.fixture
def world(make_user: Callable[..., User]) -> dict[str, Any]:
    office = make_user("office_gs", "credit_office", "62")
    a, b = make_user("insp_a", "inspector", "62"), make_user("insp_b", "inspector", "62")
    lanzhou = _plan(office, "兰州市专项督导", "2026-03-01", ["6201"], [a, b])
    tianshui = _plan(office, "天水市专项督导", "2026-09-01", ["6205"], [a, b])
    findings = []
    cases = (("general", "台账不全"), ("serious", "承诺未兑现"), ("major", "逾期报送"))
    for severity, facts in cases:
        found = svc.finding_record(
            actor=a,
            inspection_id=lanzhou.pk,
            data=svc.FindingIn(
                target_code="6201", facts=facts, severity=severity, requirement="限期整改"
            ),
        )
        findings.append(svc.finding_confirm(actor=b, pk=found.pk, version=found.version))
    return {
        "office": office,
        "a": a,
        "lanzhou": lanzhou,
        "tianshui": tianshui,
        "findings": findings,
        "unit": make_user("reviewer_lz", "reviewer", "6201"),
    }


def test_the_inspections_list_filters_counts_pages_and_exports(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["office"])
    url = "/backoffice/inspections/"
    body = client.get(url).content.decode()
    assert _count(body) == 2 and 'id="list-export"' in body and 'id="plan"' in body
    assert 'name="unit"' in body and 'name="state"' in body and 'name="since"' in body
    # The unit is the inspected government, not the organiser (the province organised both).
    lz = client.get(url, {"unit": "6201"}).content.decode()
    assert "兰州市专项督导" in _table(lz, "inspections") and "天水市专项督导" not in lz
    assert _count(lz) == 1
    late = client.get(url, {"since": "2026-06-01"}).content.decode()
    assert "天水市专项督导" in late and "兰州市专项督导" not in _table(late, "inspections")
    assert _count(client.get(url, {"state": "concluded"}).content.decode()) == 0
    bad = client.get(url, {"since": "2026-13-40", "state": "nope"}).content.decode()
    assert "请填写日期" in bad and "没有这个选项" in bad and _count(bad) == 2

    header, rows = _exported(client, url, unit="6201")
    assert header[:4] == ["编号", "名称", "组织单位", "被督导单位"]
    assert [r[1] for r in rows] == ["兰州市专项督导"] and rows[0][3] == "兰州市人民政府"
    event = AuditEvent.objects.filter(action="list.export").order_by("-seq").first()
    assert event is not None and event.object_id == "inspections" and event.after
    assert event.after["rows"] == 1 and event.after["filters"]["unit"]

    # An inspector reads only the inspections its team is on.
    client.force_login(world["a"])
    assert _count(client.get(url).content.decode()) == 2
    _header, rows = _exported(client, url)
    assert len(rows) == 2


def test_the_inspections_list_pages_past_fifty(client: Client, world: dict[str, Any]) -> None:
    first = world["lanzhou"]
    Inspection.objects.bulk_create(
        Inspection(
            number=f"测试〔2026〕{n}号",
            title=f"批量督导{n:02d}",
            organiser=first.organiser,
            division_code=first.division_code,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 2, 1),
            basis=first.basis,
            created_by=first.created_by,
        )
        for n in range(55)
    )
    client.force_login(world["office"])
    body = client.get("/backoffice/inspections/").content.decode()
    assert _count(body) == 57 and 'aria-current="page">1<' in body and 'name="page"' in body
    second = client.get("/backoffice/inspections/", {"page": "2"}).content.decode()
    assert 'aria-current="page">2<' in second
    assert _table(second, "inspections").count("<tr>") == 7 + 1  # the head's row and 7


def test_the_units_findings_to_rectify_filter_and_export(
    client: Client, world: dict[str, Any]
) -> None:
    client.force_login(world["unit"])
    listed = client.get("/backoffice/inspections/").content.decode()
    assert 'id="answering-link"' in listed and "3 个" in listed and 'id="plan"' not in listed
    url = "/backoffice/inspections/findings/"
    body = client.get(url).content.decode()
    assert _count(body) == 3 and 'name="severity"' in body and 'id="list-export"' in body
    table = _table(body, "answering")
    # Nearest deadline first: the serious finding's term is the shortest.
    assert table.index("承诺未兑现") < table.index("台账不全")
    serious = client.get(url, {"severity": "serious"}).content.decode()
    assert _count(serious) == 1 and "承诺未兑现" in _table(serious, "answering")
    assert _count(client.get(url, {"state": "answered"}).content.decode()) == 0

    header, rows = _exported(client, url, severity="major")
    assert header[0] == "督导编号" and [r[4] for r in rows] == ["逾期报送"]
    event = AuditEvent.objects.filter(action="list.export").order_by("-seq").first()
    assert event is not None and event.object_id == "inspection-findings"
    assert event.after is not None and event.after["rows"] == 1
    assert event.after["filters"] == {"severity": "major"}

    # Another government's unit has none to rectify; the office answers for none.
    client.force_login(world["office"])
    assert _count(client.get(url).content.decode()) == 0
