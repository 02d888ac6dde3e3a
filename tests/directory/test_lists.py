"""The back-office lists: numbered pages with the count, filters that fit each list, and the
Excel export of exactly the rows the filtered, scoped list shows (formulas kept as text, each
export audited)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

from govtrust.core.models import AuditEvent
from govtrust.directory import units
from govtrust.directory.lists import XLSX
from govtrust.directory.models import Department, User
from govtrust.directory.views_audit import ACTION_LABELS
from govtrust.disclosure.services import publication_publish
from govtrust.measures.models import Measure
from govtrust.records.models import ImportBatch, Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.records.services.bulk import import_batch_create
from govtrust.remedies.services.filing import report_file
from govtrust.screening.engine import Candidate
from govtrust.screening.services import screening_run
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/","点我")'
CLERK_RECORDS = 53  # more than one page of 50


@dataclass
class World:
    clerk: User  # 城关区财政局 (620102)
    clerk_qlh: User  # 七里河区财政局 (620103): a sibling unit under 兰州市
    clerk_far: User  # 天水市 (6205): another prefecture
    reviewer: User  # 兰州市
    office: User  # 甘肃省信用办
    office_far: User  # 天水市信用办
    accepted: list[Record]


def _record(actor: User, **overrides: Any) -> Record:
    data = RecordIn.model_validate(record_payload(**overrides))
    return record_submit(record=record_create(data=data, actor=actor), actor=actor)


@pytest.fixture
def world(make_user: Callable[..., User]) -> World:
    clerk = make_user("clerk_cg", "clerk", "620102", "城关区财政局")
    clerk_qlh = make_user("clerk_qlh", "clerk", "620103", "七里河区财政局")
    clerk_far = make_user("clerk_ts", "clerk", "6205")
    reviewer = make_user("reviewer_lz", "reviewer", "6201")
    reviewer_far = make_user("reviewer_ts", "reviewer", "6205")
    office = make_user("office_gs", "credit_office", "62")
    office_far = make_user("office_ts", "credit_office", "6205")
    for n in range(CLERK_RECORDS):
        _record(
            clerk,
            severity="serious" if n % 3 == 0 else "general",
            subject_name=FORMULA if n == 7 else f"王伟{n}",
            arose_on=str(datetime.date(2025, 9, 26) + datetime.timedelta(days=n)),
        )
    for n in range(3):
        _record(clerk_qlh, subject_name=f"李娜{n}")
    far = _record(
        clerk_far,
        subject_kind="government",
        subject_name="天水市人民政府",
        subject_identifier=new_uscc("6205"),
    )
    recent = str(datetime.date.today() - datetime.timedelta(days=30))  # still to be published
    department = {
        "subject_kind": "department",
        "subject_name": "城关区财政局",
        "decision_date": recent,
        "arose_on": recent,
    }
    accepted = [
        record_accept(
            record=_record(clerk, **department, subject_identifier=new_uscc()), actor=reviewer
        ),
        record_accept(
            record=_record(
                clerk_qlh,
                subject_kind="department",
                subject_name="七里河区财政局",
                subject_identifier=new_uscc("620103"),
                severity="serious",
            ),
            actor=reviewer,
        ),
        record_accept(record=far, actor=reviewer_far),
    ]
    return World(clerk, clerk_qlh, clerk_far, reviewer, office, office_far, accepted)


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def listed(client: Client, url: str, key: str, **params: str) -> list[str]:
    """The key column of every row the list shows, page by page (the links `key` matches)."""
    first = client.get(url, params)
    assert first.status_code == 200
    body = first.content.decode()
    found = re.search(r'class="count">共 (\d+) 条(?: · 第 1/(\d+) 页)?', body)
    assert found, "every list states its count"
    pages = int(found.group(2) or 1)
    keys = re.findall(key, _table(body))
    for number in range(2, pages + 1):
        keys += re.findall(
            key, _table(client.get(url, {**params, "page": str(number)}).content.decode())
        )
    assert len(keys) == int(found.group(1)), "the count is the number of rows listed"
    return keys


def _table(body: str) -> str:
    return body[body.index('<table class="list"') : body.index("</table>")]


def _book(response: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def exported(client: Client, url: str, **params: str) -> tuple[list[Any], list[list[Any]]]:
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = _book(response)
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    return rows[0], rows[1:]


RECORD_KEY = r'<a href="/records/\d+/">([^<]+)</a>'


# ---- the pager -----------------------------------------------------------------------------


def test_records_page_by_number_with_the_count_and_a_jump_box(client: Client, world: World) -> None:
    _login(client, world.clerk)
    body = client.get("/records/", {"severity": "general"}).content.decode()
    general = Record.objects.filter(created_by=world.clerk, severity="general").count()
    assert general > 0 and f"共 {general} 条" in body
    body = client.get("/records/").content.decode()
    mine = Record.objects.filter(created_by=world.clerk).count()
    assert mine == CLERK_RECORDS + 1
    assert f"共 {mine} 条 · 第 1/2 页" in body
    assert '<span class="current" aria-current="page">1</span>' in body
    assert 'href="?page=2"' in body and 'rel="next"' in body
    assert 'name="page" min="1" max="2"' in body  # the jump box
    second = client.get("/records/", {"page": "2", "severity": "serious"}).content.decode()
    assert "第 1/1 页" not in second  # one page of serious ones: no page numbers at all
    filtered = client.get("/records/", {"q": "王伟", "page": "2"}).content.decode()
    assert 'href="?q=%E7%8E%8B%E4%BC%9F&amp;page=1"' in filtered  # the filter stays
    assert '<input type="hidden" name="q" value="王伟">' in filtered  # the jump keeps it too


def test_a_page_past_the_end_shows_the_last(client: Client, world: World) -> None:
    _login(client, world.clerk)
    body = client.get("/records/", {"page": "99"}).content.decode()
    assert '<span class="current" aria-current="page">2</span>' in body


# ---- records ------------------------------------------------------------------------------


def test_the_record_export_is_the_filtered_list_and_only_the_clerks_unit(
    client: Client, world: World
) -> None:
    _login(client, world.clerk)
    shown = listed(client, "/records/", RECORD_KEY)
    header, rows = exported(client, "/records/")
    assert header[0] == "记录编号" and [r[0] for r in rows] == shown
    others = Record.objects.exclude(created_by=world.clerk).values_list("number", flat=True)
    assert others and not set(others) & {r[0] for r in rows}  # no other unit's rows
    units = {r[header.index("报送单位")] for r in rows}
    assert units == {"城关区财政局"}
    # Filtered: only what the filters chose, the audit saying which and how many.
    shown = listed(client, "/records/", RECORD_KEY, severity="serious", status="submitted")
    _header, rows = exported(client, "/records/", severity="serious", status="submitted")
    assert [r[0] for r in rows] == shown and len(shown) == (CLERK_RECORDS + 2) // 3
    event = AuditEvent.objects.filter(action="list.export").order_by("-seq").first()
    assert event is not None and event.actor == world.clerk.username and event.after
    assert event.object_id == "records"
    assert event.after["filters"] == {"severity": "serious", "status": "submitted"}
    assert event.after["rows"] == len(shown)
    assert ACTION_LABELS["list.export"] == "导出列表（Excel）"


def test_a_formula_in_a_cell_stays_text(client: Client, world: World) -> None:
    _login(client, world.clerk)
    response = client.get("/records/", {"q": "HYPERLINK", "export": "xlsx"})
    book = _book(response)
    sheet = book.active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == FORMULA and cell.data_type == "s"  # a string, not a formula
    assert sheet.max_row == 2


def test_the_unit_filter_narrows_within_reach_and_never_widens(
    client: Client, world: World
) -> None:
    _login(client, world.reviewer)
    body = client.get("/records/").content.decode()
    assert 'value="620103"' in body and "七里河区人民政府" in body  # the unit picker
    assert 'value="6205"' not in body  # 天水市 is not the reviewer's to choose
    shown = listed(client, "/records/", RECORD_KEY, unit="620103")
    qlh = Record.objects.filter(created_by=world.clerk_qlh).values_list("number", flat=True)
    assert sorted(shown) == sorted(qlh)
    far = client.get("/records/", {"unit": "6205"}).content.decode()
    assert f"单位：{units.OUTSIDE}（已忽略）" in far  # refused in words, the reach unchanged
    assert world.accepted[2].number not in far
    _header, rows = exported(client, "/records/", unit="6205")
    assert world.accepted[2].number not in {r[0] for r in rows}


def test_a_date_range_filters_and_a_bad_date_is_reported_not_guessed(
    client: Client, world: World
) -> None:
    _login(client, world.clerk)
    records = Record.objects.filter(created_by=world.clerk)
    days = sorted(records.values_list("due_date", flat=True))
    low, high = days[10], days[30]
    expected = records.filter(due_date__gte=low, due_date__lte=high).count()
    shown = listed(client, "/records/", RECORD_KEY, since=str(low), until=str(high))
    assert 0 < len(shown) == expected < records.count()
    bad = client.get("/records/", {"since": "2026-13-40"}).content.decode()
    assert "报送期限自：请填写日期，如 2026-01-31（已忽略）" in bad
    assert f"共 {records.count()} 条" in bad
    reversed_ = client.get("/records/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert "截止日期不能早于起始日期" in reversed_.content.decode()


# ---- review queue, publish queue ---------------------------------------------------------


def test_review_queue_filters_exports_and_selects_all(client: Client, world: World) -> None:
    _login(client, world.reviewer)
    body = client.get("/records/review/").content.decode()
    assert "data-select-all" in body and "data-confirm=" in body
    shown = listed(client, "/records/review/", RECORD_KEY, unit="620103")
    _header, rows = exported(client, "/records/review/", unit="620103")
    assert [r[0] for r in rows] == shown and len(shown) == 3  # the fourth was accepted
    everything = listed(client, "/records/review/", RECORD_KEY)
    assert len(everything) == CLERK_RECORDS + 3  # 城关区's and 七里河区's, not 天水市's
    far = Record.objects.filter(created_by=world.clerk_far).values_list("number", flat=True)
    assert not set(far) & set(everything)


def test_publish_queue_pages_filters_and_exports_what_it_shows(
    client: Client, world: World
) -> None:
    _login(client, world.office)
    shown = listed(client, "/backoffice/publish/", RECORD_KEY)
    assert sorted(shown) == sorted(r.number for r in world.accepted)
    body = client.get("/backoffice/publish/").content.decode()
    assert "data-select-all" in body and "公示后即记入透明日志" in body
    shown = listed(client, "/backoffice/publish/", RECORD_KEY, severity="serious")
    _header, rows = exported(client, "/backoffice/publish/", severity="serious")
    assert [r[0] for r in rows] == shown == [world.accepted[1].number]
    _login(client, world.office_far)
    _header, rows = exported(client, "/backoffice/publish/")
    assert [r[0] for r in rows] == [world.accepted[2].number]


# ---- ledger, notices ---------------------------------------------------------------------


def test_ledger_filters_by_state_unit_and_exports_in_scope(client: Client, world: World) -> None:
    _login(client, world.office)
    key = r'<a href="/backoffice/measures/[^"/]+/">([^<]+)</a>'
    shown = listed(client, "/backoffice/measures/rectification/", key)
    _header, rows = exported(client, "/backoffice/measures/rectification/")
    assert [r[0] for r in rows] == shown
    assert {r.number for r in world.accepted} <= set(shown)
    lz = listed(client, "/backoffice/measures/rectification/", key, unit="6201")
    assert world.accepted[2].number not in lz and world.accepted[0].number in lz
    kind = listed(client, "/backoffice/measures/rectification/", key, kind="explanation")
    _header, rows = exported(client, "/backoffice/measures/rectification/", kind="explanation")
    assert {r[2] for r in rows} == {"书面说明失信原因"} and len(rows) == len(kind)
    _login(client, world.clerk)
    _header, rows = exported(client, "/backoffice/measures/rectification/")
    assert {r[0] for r in rows} == {world.accepted[0].number}


def test_measures_list_filters_by_kind_and_unit_and_exports_in_scope(
    client: Client, world: World
) -> None:
    _login(client, world.office)
    url = reverse("sanctions:list")
    key = r'<a href="/backoffice/measures/[^"/]+/">([^<]+)</a>'
    shown = listed(client, url, key)
    issued = Measure.objects.filter(record__in=world.accepted)
    assert len(shown) == issued.count() > 3
    _header, rows = exported(client, url)
    assert [r[0] for r in rows] == shown
    explanation = listed(client, url, key, kind="explanation")
    _header, rows = exported(client, url, kind="explanation")
    assert [r[0] for r in rows] == explanation and {r[2] for r in rows} == {"书面说明失信原因"}
    assert len(explanation) == issued.filter(kind="explanation").count()
    tianshui = listed(client, url, key, unit="6205")
    assert set(tianshui) == {world.accepted[2].number}
    _login(client, world.clerk)
    _header, rows = exported(client, url)
    assert {r[0] for r in rows} == {world.accepted[0].number}


def test_notices_filter_by_state_and_export_in_scope(client: Client, world: World) -> None:
    _login(client, world.office)
    key = (
        r"<tr><td>(?:<a href=\"[^\"]+\">)?([^<]+)(?:</a>)?</td><td><a href=\"/backoffice/measures/"
    )
    shown = listed(client, "/backoffice/documents/notices/", key)
    assert shown, "drafts are listed by default"
    _header, rows = exported(client, "/backoffice/documents/notices/")
    assert [r[0] for r in rows] == shown and {r[2] for r in rows} == {"待发布"}
    publication_publish(record=world.accepted[0], actor=world.office)
    # A publishable draft opens its page: previewed and edited there, published behind a
    # confirmation (documents/notice_staff.html).
    assert "预览、修改并发布" in client.get("/backoffice/documents/notices/").content.decode()
    issued = listed(client, "/backoffice/documents/notices/", key, status="issued")
    assert issued == []
    _login(client, world.office_far)
    _header, rows = exported(client, "/backoffice/documents/notices/")
    assert {r[1] for r in rows} <= {world.accepted[2].number}


# ---- cases, screenings, imports ------------------------------------------------------------


def test_case_queue_filters_by_kind_state_and_unit(
    client: Client, world: World, make_department: Callable[..., Department]
) -> None:
    for code, name in (("620102", "城关区财政局"), ("620502", "秦州区财政局")):
        department = make_department(code, name)
        report_file(
            government_id=None,
            department_id=department.pk,
            anonymous=True,
            contact=None,
            content="该局拖欠中标企业工程款两年未付，多次催要无果。",
            files=[],
            address="203.0.113.9",
        )
    key = r'<a href="/backoffice/cases/[^"]+/">([^<]+)</a>'
    _login(client, world.office)
    shown = listed(client, "/backoffice/cases/", key)
    assert len(shown) == 2
    _header, rows = exported(client, "/backoffice/cases/")
    assert [r[0] for r in rows] == shown and {r[1] for r in rows} == {"投诉举报"}
    assert listed(client, "/backoffice/cases/", key, kind="objection") == []
    assert listed(client, "/backoffice/cases/", key, state="closed") == []
    assert len(listed(client, "/backoffice/cases/", key, unit="6205")) == 1
    _login(client, world.office_far)
    _header, rows = exported(client, "/backoffice/cases/")
    assert len(rows) == 1 and set(r[0] for r in rows) < set(shown)


def test_screenings_and_imports_filter_and_export_in_scope(
    client: Client, world: World, make_user: Callable[..., User]
) -> None:
    office_lz = make_user("office_lz", "credit_office", "6201")
    for actor, title in ((office_lz, "兰州市先进集体"), (world.office_far, "=1+1 天水")):
        screening_run(
            title=title,
            candidates=[Candidate(row=2, name="王伟")],
            source_name="名单.csv",
            actor=actor,
        )
    key = r'<a href="/backoffice/screenings/[^"]+/">([^<]+)</a>'
    _login(client, world.office)
    assert len(listed(client, "/backoffice/screenings/", key)) == 2
    shown = listed(client, "/backoffice/screenings/", key, q="天水")
    _header, rows = exported(client, "/backoffice/screenings/", q="天水")
    assert [r[0] for r in rows] == shown and rows[0][1] == "=1+1 天水"
    _login(client, office_lz)
    _header, rows = exported(client, "/backoffice/screenings/")
    assert [r[1] for r in rows] == ["兰州市先进集体"]

    for actor in (world.clerk, world.clerk_qlh):
        import_batch_create(
            actor=actor, source=io.BytesIO("名称\n王伟\n".encode()), filename="上报.csv"
        )
    key = r'<a href="/records/imports/[^"]+/">([^<]+)</a>'
    _login(client, world.clerk)
    assert listed(client, "/records/imports/", key) == ["上报.csv"]
    _header, rows = exported(client, "/records/imports/")
    assert len(rows) == 1 and rows[0][1] == world.clerk.username
    _login(client, world.reviewer)
    assert len(listed(client, "/records/imports/", key)) == ImportBatch.objects.count() == 2
    assert len(listed(client, "/records/imports/", key, unit="620103")) == 1
    assert listed(client, "/records/imports/", key, status="succeeded") == []


def test_every_list_states_its_count_and_links_its_export(client: Client, world: World) -> None:
    _login(client, world.office)
    for url in (
        reverse("records:list"),
        reverse("records:imports"),
        reverse("publish"),
        reverse("remedies-staff:queue"),
        reverse("sanctions:ledger"),
        reverse("sanctions:list"),
        reverse("documents-staff:notices"),
        reverse("screenings:list"),
    ):
        body = client.get(url).content.decode()
        assert 'class="count">共 ' in body, url
        assert 'id="list-export"' in body and "export=xlsx" in body, url
