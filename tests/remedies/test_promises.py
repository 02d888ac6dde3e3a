"""Broken-promise complaints (发改财金〔2023〕1103号): filing, routing to the body above, the
verdict, rectification, 违约失信 and its draft record; who may see and act; hostile input."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.identifiers import compose_uscc
from govtrust.directory.models import Department, Government, User
from govtrust.records.models import Record
from govtrust.records.selectors import records_visible
from govtrust.remedies import selectors
from govtrust.remedies.models import Case, CaseKind
from govtrust.remedies.services.deadlines import case_deadlines_recompute
from govtrust.remedies.services.filing import Contact, Filed, promise_file
from govtrust.remedies.services.followup import report_to_draft
from govtrust.remedies.services.handling import case_act
from govtrust.remedies.services.reminders import case_reminders_send
from govtrust.remedies.services.tracking import case_follow
from tests.conftest import new_uscc
from tests.remedies.conftest import pdf

FIRM = compose_uscc("91", "620102", "MA7K2Q3R")


@pytest.fixture
def units(directory: None) -> dict[str, Government]:
    """城关区 and 兰州市 with their USCCs (the directory ships none)."""
    found = {}
    for code in ("62", "6201", "620102", "6205"):
        government = Government.objects.get(division_id=code)
        Government.objects.filter(pk=government.pk).update(uscc=new_uscc(code))
        government.refresh_from_db()
        found[code] = government
    return found


@pytest.fixture
def verifier(units: dict[str, Government], make_user: Callable[..., User]) -> User:
    """兰州市's credit office: the body above 城关区人民政府."""
    return make_user("office_lz_p", "credit_office", "6201")


@pytest.fixture
def accused(units: dict[str, Government], make_user: Callable[..., User]) -> User:
    """城关区's credit office, answering for the accused government."""
    return make_user("office_cg_p", "credit_office", "620102")


@pytest.fixture
def file_promise(units: dict[str, Government]) -> Callable[..., Filed]:
    def make(**overrides: Any) -> Filed:
        arguments: dict[str, Any] = {
            "government_id": units["620102"].pk,
            "department_id": None,
            "category": "investment",
            "promise_kind": "policy",
            "firm_name": "甘肃陇原新材料有限公司",
            "firm_uscc": FIRM,
            "amount": "",
            "promised_on": "2022-03-15",
            "contact": Contact("李明", "13912345678"),
            "content": "2022年招商引资协议承诺的厂房租金减免和设备补贴至今未兑现，多次催告无果。",
            "files": [pdf("协议.pdf")],
            "address": "198.51.100.20",
        }
        arguments.update(overrides)
        return promise_file(**arguments)

    return make


def act(case: Case, user: User, action: str, **kwargs: Any) -> Case:
    case.refresh_from_db()
    return case_act(number=case.number, action=action, actor=user, version=case.version, **kwargs)


def test_filed_goes_to_the_body_above(
    file_promise: Callable[..., Filed], units: dict[str, Government]
) -> None:
    filed = file_promise()
    case = filed.case
    assert case.kind == CaseKind.PROMISE and case.number.startswith("WY")
    assert case.status == "received" and case.due_date is not None
    assert case.division_code == "6201"
    assert case.promise.verifier == units["6201"]
    assert case.promise.accused_division_code == "620102"
    assert case_follow(number=case.number, code=filed.query_code, address="192.0.2.1") == case


def test_department_is_verified_by_its_government(
    file_promise: Callable[..., Filed], make_department: Callable[..., Department]
) -> None:
    department = make_department("620102", "城关区商务局")
    case = file_promise(department_id=department.pk, government_id=None).case
    assert case.promise.verifier.division_id == "620102"
    assert case.target_name == "城关区商务局"


def test_province_itself_has_no_body_above_here(
    file_promise: Callable[..., Filed], units: dict[str, Government]
) -> None:
    with pytest.raises(DomainError, match="上级机关不在本平台"):
        file_promise(government_id=units["62"].pk)
    assert not Case.objects.exists()


def test_founded_and_declined_for_a_change_of_government_drafts_a_record(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    case = file_promise(category="arrears", amount="1250100.00").case
    act(case, verifier, "accept")
    case = act(case, verifier, "found", reason="经核实，协议约定的补贴未兑现。", rectify_days=20)
    assert case.status == "rectifying" and case.promise.rectify_days == 20
    assert case.promise.founded_at is not None
    case = act(
        case,
        accused,
        "decline",
        reason="原协议系上届政府签订，本届政府不再执行。",
        ground="government_change",
    )
    assert case.status == "breached"
    case.refresh_from_db()
    record = case.draft_record
    assert record is not None and record.status == "draft"
    assert record.source_type == "breach" and record.subject_kind == "government"
    assert record.subject_government_id == case.target_government_id
    # Recorded for the body above, never for the accused unit that could then delete it.
    assert record.reporting_government.division_id == "6201"
    assert record.amount == Decimal("125.0100")  # 万元
    assert "政府换届" in record.outcome and "1103号" in record.basis
    assert record.events.get(action="create").note == case.number
    # The verifying officer completes it; the accused unit cannot read, edit or delete it.
    assert record.created_by == verifier
    assert records_visible(verifier).filter(pk=record.pk).exists()
    assert not records_visible(accused).filter(pk=record.pk).exists()
    assert case.promise.decline_ground == "government_change"


def test_every_decline_ground_is_a_breach(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实")
    with pytest.raises(DomainError, match="理由"):
        act(case, accused, "decline", reason="不整改", ground="weather")
    assert Case.objects.get(pk=case.pk).status == "rectifying"
    case = act(case, accused, "decline", reason="经办领导已调离", ground="official_change")
    assert case.status == "breached"


def test_rectified_and_confirmed(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实")
    case = act(case, accused, "rectify", reason="补贴已于本月拨付到位，附凭证。")
    assert case.status == "reviewing"
    case = act(case, verifier, "confirm", reason="经核验已拨付。")
    assert case.status == "performed" and case.draft_record is None


def test_unfounded_closes_with_the_explanation(
    file_promise: Callable[..., Filed], verifier: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    case = act(case, verifier, "unfound", reason="协议未约定该项补贴。")
    assert case.status == "unfounded" and case.promise.verdict == "unfounded"
    assert case.outcome_reason == "协议未约定该项补贴。"


def test_default_only_after_the_deadline(
    file_promise: Callable[..., Filed], verifier: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实", rectify_days=5)
    with pytest.raises(Conflict, match="尚未届满"):
        act(case, verifier, "default", reason="逾期")
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - datetime.timedelta(1))
    case = act(case, verifier, "default", reason="逾期未整改")
    assert case.status == "breached" and case.draft_record is not None


def test_rectify_days_out_of_range_changes_nothing(
    file_promise: Callable[..., Filed], verifier: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    with pytest.raises(DomainError, match="整改期限"):
        act(case, verifier, "found", reason="属实", rectify_days=9999)
    assert Case.objects.get(pk=case.pk).status == "verifying"


def test_other_unit_sees_nothing(
    file_promise: Callable[..., Filed], make_user: Callable[..., User], verifier: User
) -> None:
    case = file_promise().case
    other = make_user("office_ts_p", "credit_office", "6205")
    with pytest.raises(NotFound):
        selectors.case_get(other, case.number)
    with pytest.raises(NotFound):
        act(case, other, "accept")
    assert not selectors.queue(other).filter(pk=case.pk).exists()


def test_accused_cannot_verify_nor_read_the_contact(
    file_promise: Callable[..., Filed], accused: User
) -> None:
    case = file_promise().case
    assert selectors.case_get(accused, case.number) == case  # its own, to answer
    with pytest.raises(Forbidden, match="上级机关"):
        act(case, accused, "accept")
    assert selectors.contact_of(case, accused) == ("", "")


def test_province_oversees_but_does_not_verify(
    file_promise: Callable[..., Filed], make_user: Callable[..., User], verifier: User
) -> None:
    case = file_promise().case
    province = make_user("office_gs_p", "credit_office", "62")
    assert selectors.case_get(province, case.number) == case
    with pytest.raises(Forbidden):
        act(case, province, "accept")
    assert selectors.contact_of(case, verifier) == ("李明", "13912345678")


def test_other_role_and_other_department(
    file_promise: Callable[..., Filed],
    make_user: Callable[..., User],
    make_department: Callable[..., Department],
    verifier: User,
) -> None:
    department = make_department("620102", "城关区商务局")
    case = file_promise(department_id=department.pk).case
    own_clerk = make_user("clerk_sw_p", "clerk", "620102", "城关区商务局")
    other_clerk = make_user("clerk_cz_p", "clerk", "620102", "城关区财政局")
    inspector = make_user("insp_p", "inspector", "620102")
    assert selectors.case_get(own_clerk, case.number) == case
    with pytest.raises(NotFound):
        selectors.case_get(other_clerk, case.number)
    with pytest.raises(Forbidden):
        selectors.case_get(inspector, case.number)
    county_office = make_user("office_cg_v", "credit_office", "620102")  # verifies its department
    act(case, county_office, "accept")
    act(case, county_office, "found", reason="属实")
    with pytest.raises(NotFound):
        act(case, other_clerk, "decline", reason="机构改革", ground="reorganisation")
    with pytest.raises(Forbidden):  # the department answers, its government verifies
        act(case, county_office, "decline", reason="机构改革", ground="reorganisation")
    case = act(case, own_clerk, "decline", reason="机构改革后职能已划转", ground="reorganisation")
    assert case.status == "breached"
    assert case.draft_record is not None
    assert case.draft_record.subject_department_id == department.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"firm_uscc": "91620102MA7K2Q3R0X"}, "firm_uscc"),
        ({"firm_uscc": new_uscc("620102")}, "firm_uscc"),  # an organ's code
        ({"firm_name": "<"}, "firm_name"),
        ({"category": "lottery"}, "category"),
        ({"promise_kind": "oral"}, "promise_kind"),
        ({"category": "arrears", "amount": ""}, "amount"),
        ({"amount": "1e400"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"promised_on": "2099-01-01"}, "promised_on"),
        ({"promised_on": "2023-02-30"}, "promised_on"),
        ({"content": "太短"}, "content"),
        ({"government_id": None}, "government_id"),
    ],
)
def test_hostile_input_is_refused_and_writes_nothing(
    file_promise: Callable[..., Filed], overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        file_promise(**overrides)
    assert field in dict(caught.value.errors)
    assert not Case.objects.exists()


def test_unknown_target_is_not_found(file_promise: Callable[..., Filed]) -> None:
    with pytest.raises(NotFound):
        file_promise(government_id=None, department_id=987654)


def test_markup_is_shown_as_text(
    file_promise: Callable[..., Filed], verifier: User, client: Client
) -> None:
    hostile = "<script>alert(1)</script>协议约定的补贴至今未兑现，请核实。"
    case = file_promise(content=hostile, firm_name="<b>某某</b>科技有限公司").case
    client.force_login(verifier)
    page = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>某某</b>" not in page
    assert "&lt;script&gt;" in page or "alert(1)" not in page


def test_draft_failure_leaves_the_breach_and_a_manual_draft(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    case = file_promise().case
    Government.objects.filter(pk=case.target_government_id or 0).update(uscc=None)
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实")
    case = act(case, accused, "decline", reason="拒绝", ground="refuse")
    case.refresh_from_db()
    assert case.status == "breached" and case.draft_record is None
    with pytest.raises(DomainError, match="统一社会信用代码"):
        report_to_draft(number=case.number, actor=verifier)
    Government.objects.filter(pk=case.target_government_id or 0).update(uscc=new_uscc("620102"))
    with pytest.raises(Forbidden):
        report_to_draft(number=case.number, actor=accused)
    record = report_to_draft(number=case.number, actor=verifier)
    assert Record.objects.get(pk=record.pk).source_type == "breach"
    with pytest.raises(Conflict):
        report_to_draft(number=case.number, actor=verifier)


def test_reminders_go_to_the_side_that_must_act(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    User.objects.filter(pk=verifier.pk).update(email="lz@example.cn")
    User.objects.filter(pk=accused.pk).update(email="cg@example.cn")
    case = file_promise().case
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实", rectify_days=1)
    case.refresh_from_db()
    assert case.due_date is not None
    from govtrust.remedies.services.reminders import _recipients

    assert _recipients(case) == ["cg@example.cn"]
    assert case_reminders_send(today=case.due_date + datetime.timedelta(days=3)) == 1
    assert case.reminders.get().kind == "overdue"


def test_rectification_deadline_recomputed_with_its_own_period(
    file_promise: Callable[..., Filed], verifier: User
) -> None:
    case = file_promise().case
    act(case, verifier, "accept")
    case = act(case, verifier, "found", reason="属实", rectify_days=12)
    assert case.due_date is not None
    Case.objects.filter(pk=case.pk).update(
        due_date=case.due_date + datetime.timedelta(days=40), due_provisional=True
    )
    case_deadlines_recompute()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.due_date == case.due_date


def test_founded_per_unit_for_the_assessment(
    file_promise: Callable[..., Filed],
    verifier: User,
    accused: User,
    make_user: Callable[..., User],
) -> None:
    first = file_promise().case
    second = file_promise(category="procurement", contact=Contact("王五", "13700001111")).case
    file_promise(category="ppp", contact=Contact("赵六", "13700002222"))  # not verified
    for case in (first, second):
        act(case, verifier, "accept")
        act(case, verifier, "found", reason="属实")
    act(first, accused, "decline", reason="换届", ground="government_change")
    province = make_user("office_gs_q", "credit_office", "62")
    rows = selectors.promises_founded_per_unit(province, timezone.localdate().year)
    assert [(r["division_code"], r["founded"], r["breached"]) for r in rows] == [("620102", 2, 1)]
    assert selectors.promises_founded_per_unit(province, 2000) == []
    other = make_user("office_ts_q", "credit_office", "6205")
    assert selectors.promises_founded_per_unit(other, timezone.localdate().year) == []


def test_public_progress_shows_the_four_stages(
    file_promise: Callable[..., Filed], verifier: User, accused: User
) -> None:
    case = file_promise().case
    view = selectors.public_case(case)
    assert [s.label for s in view["progress"]] == ["受理", "核实认定", "整改", "办结"]
    assert view["progress"][0].state == "current" and view["progress"][0].due is not None
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实")
    act(case, accused, "decline", reason="新领导不认旧账", ground="official_change")
    view = selectors.public_case(Case.objects.get(pk=case.pk))
    assert [s.state for s in view["progress"]] == ["done", "done", "done", "done"]
    assert view["promise"]["breached"] and view["promise"]["verdict_label"] == "属实"
    assert view["progress"][3].state_label == "违约失信"


def test_api_files_follows_and_handles(
    units: dict[str, Government], verifier: User, accused: User, client: Client
) -> None:
    filed = client.post(
        "/api/v1/public/promises",
        {
            "government_id": units["620102"].pk,
            "category": "arrears",
            "promise_kind": "contract",
            "firm_name": "兰州金城建设工程有限公司",
            "firm_uscc": FIRM,
            "amount": "380000",
            "contact_name": "张三",
            "contact_phone": "13812340000",
            "content": "2021年竣工的道路工程尾款38万元至今未付，审计结算早已完成。",
        },
    )
    assert filed.status_code == 201, filed.content
    number, code = filed.json()["number"], filed.json()["query_code"]
    bad = client.post(
        "/api/v1/public/promises",
        {
            "government_id": units["620102"].pk,
            "category": "arrears",
            "promise_kind": "contract",
            "firm_name": "某公司",
            "firm_uscc": "123",
            "contact_name": "张三",
            "contact_phone": "13812340000",
            "content": "2021年竣工的道路工程尾款至今未付。",
        },
    )
    assert bad.status_code == 400 and "firm_uscc" in str(bad.json())
    client.force_login(verifier)
    queue = client.get("/api/v1/cases?kind=promise").json()["items"]
    assert [(q["number"], q["category"], q["verdict"]) for q in queue] == [(number, "arrears", "")]
    detail = client.get(f"/api/v1/cases/{number}").json()
    assert detail["promise"]["verifier_name"] == units["6201"].name
    assert [a["name"] for a in detail["actions"]] == ["accept", "refuse"]
    for body in (
        {"action": "accept", "version": 1},
        {"action": "found", "version": 2, "reason": "属实", "rectify_days": 10},
    ):
        answer = client.post(
            f"/api/v1/cases/{number}/actions", body, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
    assert answer.json()["verdict"] == "founded"
    client.force_login(accused)
    detail = client.get(f"/api/v1/cases/{number}").json()
    assert detail["contact_phone"] == "" and [a["name"] for a in detail["actions"]] == [
        "rectify",
        "decline",
    ]
    declined = client.post(
        f"/api/v1/cases/{number}/actions",
        {
            "action": "decline",
            "version": 3,
            "reason": "原负责人已调离",
            "ground": "official_change",
        },
        content_type="application/json",
    )
    assert declined.status_code == 200 and declined.json()["status"] == "breached"
    assert declined.json()["draft_record"]
    followed = client.post(
        "/api/v1/public/cases/follow",
        {"number": number, "code": code},
        content_type="application/json",
    ).json()
    assert followed["promise"]["breached"] and followed["promise"]["verdict"] == "founded"
    client.force_login(verifier)
    year = timezone.localdate().year
    founded = client.get(f"/api/v1/promises-founded?year={year}").json()
    assert founded[0]["founded"] == 1 and founded[0]["breached"] == 1
    assert client.get("/api/v1/promises-founded?year=99999").status_code == 400


def test_staff_page_offers_each_side_its_steps(
    file_promise: Callable[..., Filed], verifier: User, accused: User, client: Client
) -> None:
    case = file_promise().case
    client.force_login(accused)
    page = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert "甘肃陇原新材料有限公司" in page and 'id="act-accept"' not in page
    assert "13912345678" not in page
    client.force_login(verifier)
    page = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert 'id="act-accept"' in page and "13912345678" in page
    act(case, verifier, "accept")
    answer = client.post(
        f"/backoffice/cases/{case.number}/act/",
        {"action": "found", "version": 2, "reason": "属实", "rectify_days": "abc"},
    )
    assert answer.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "verifying"
    client.force_login(accused)
    act(case, verifier, "found", reason="属实")
    page = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert 'id="act-decline"' in page and "政府换届" in page


def test_public_form_two_steps(units: dict[str, Government], client: Client) -> None:
    page = client.get(f"/gs/promise/?government_id={units['620102'].pk}").content.decode()
    assert 'id="promise-form"' in page and "1103号" in page
    refused = client.post(
        "/gs/promise/",
        {
            "government_id": units["620102"].pk,
            "category": "arrears",
            "promise_kind": "contract",
            "firm_name": "兰州金城建设工程有限公司",
            "firm_uscc": FIRM,
            "amount": "",
            "contact_name": "张三",
            "contact_phone": "13812340000",
            "content": "2021年竣工的道路工程尾款至今未付，审计结算早已完成。",
        },
    )
    assert refused.status_code == 400
    assert "拖欠账款须填写拖欠金额" in refused.content.decode()
    assert "兰州金城建设工程有限公司" in refused.content.decode()  # the form comes back filled
    assert not Case.objects.exists()


def test_founded_per_unit_not_for_another_department(
    file_promise: Callable[..., Filed],
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    """A complaint against 兰州市教育局, found founded: 兰州市财政局's reviewer counts
    no complaint of its neighbour department (a regression guard: no leak found)."""
    education = make_department("6201", "兰州市教育局")
    make_department("6201", "兰州市财政局")
    case = file_promise(department_id=education.pk).case
    verifier = make_user("office_lz_v", "credit_office", "6201")
    act(case, verifier, "accept")
    act(case, verifier, "found", reason="属实")
    year = timezone.localdate().year
    assert len(selectors.promises_founded_per_unit(verifier, year)) == 1
    clerk = make_user("rev_lz_fin", "reviewer", "6201", "兰州市财政局")
    assert selectors.promises_founded_per_unit(clerk, year) == []
