"""Credit repair, public reports, following a case, abuse control and evidence files."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from govtrust.core.errors import Conflict, DomainError, NotFound, Throttled
from govtrust.directory.models import Department, User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.rules.periods import repair_opens
from govtrust.exchange.models import ExchangeNotice
from govtrust.exchange.services import batch_build, payload_path
from govtrust.records.models import Record
from govtrust.records.workflow import Status
from govtrust.remedies.models import Case
from govtrust.remedies.services.filing import Contact, Filed, repair_apply, report_file
from govtrust.remedies.services.followup import report_to_draft
from govtrust.remedies.services.handling import case_act
from govtrust.remedies.services.tracking import case_follow
from tests.remedies.conftest import anonymous_report, pdf

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)  # the minimum period ran out: repair opens today


def apply(publication: Publication, **overrides: object) -> Filed:
    arguments: dict[str, object] = {
        "record_number": publication.number,
        "contact": Contact("李明", "13912345678"),
        "content": "货款已全部付清，责任人已作检查，整改到位。",
        "signer": "城关区财政局",
        "commitment_signed": True,
        "files": [pdf("付款凭证.pdf")],
        "address": "198.51.100.4",
    }
    arguments.update(overrides)
    return repair_apply(**arguments)  # type: ignore[arg-type]


def test_repair_before_the_minimum_is_refused_with_the_date_to_apply_from(
    published: Callable[..., Publication],
) -> None:
    publication = published()
    with pytest.raises(DomainError) as refused:
        apply(publication)
    # Repair opens the day after the minimum period's last day (民法典 第二百零二条).
    opens = repair_opens(publication.minimum_end)
    assert opens is not None and f"{opens:%Y年%m月%d日}起申请" in refused.value.detail
    assert Case.objects.count() == 0


def test_a_court_list_record_cannot_be_repaired(published: Callable[..., Publication]) -> None:
    publication = published(source_type="debtor_list", court_ground=2)
    Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
    with pytest.raises(DomainError, match="人民法院"):
        apply(publication)


def test_approved_repair_ends_publication_and_reaches_the_exchange_within_three_days(
    published: Callable[..., Publication], office: User
) -> None:
    publication = published()
    Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
    with pytest.raises(DomainError, match="承诺"):
        apply(publication, commitment_signed=False)
    filed = apply(publication)
    case = filed.case
    assert "信用承诺书" in case.commitment_text and "城关区财政局" in case.commitment_text
    publication.refresh_from_db()
    assert publication.status_line == "信用修复申请处理中"
    with pytest.raises(DomainError, match="正在办理"):
        apply(publication)
    case = case_act(
        number=case.number, action="approve", actor=office, version=1, reason="整改到位，准予修复"
    )
    publication.refresh_from_db()
    assert case.status == "approved"
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "repaired" and publication.status_line == ""
    notice = ExchangeNotice.objects.get(record=publication.record, kind="repaired")
    assert notice.due_date is not None and (notice.due_date - TODAY).days <= 9
    batch = batch_build()
    assert batch is not None and batch.manifest["notice_count"] == 1
    lines = [json.loads(line) for line in payload_path(batch).read_text().splitlines()]
    assert {"notice": "repaired", "case_number": case.number}.items() <= lines[-1].items()
    notice.refresh_from_db()
    assert notice.batch_id == batch.pk


@pytest.fixture
def department(make_department: Callable[..., Department]) -> Department:
    return make_department("620102", "城关区财政局")


def test_anonymous_report_is_routed_to_the_targets_office_and_carries_no_contact(
    department: Department, office: User, make_user: Callable[..., User]
) -> None:
    filed = report_file(
        government_id=None,
        department_id=department.pk,
        anonymous=True,
        contact=Contact("张三", "13700000000"),  # ignored: anonymous
        content="该局拖欠中标企业工程款两年未付，多次催要无果。",
        files=[],
        address="192.0.2.1",
    )
    case = filed.case
    assert case.division_code == "620102" and case.target_name == "城关区财政局"
    assert case.contact_phone_cipher is None and case.contact_phone_masked == ""
    assert case.due_date is not None
    other = make_user("office_ts", "credit_office", "6205")
    with pytest.raises(NotFound):
        case_act(number=case.number, action="accept", actor=other, version=1)


def test_substantiated_report_becomes_a_linked_draft_record_once(
    department: Department, office: User
) -> None:
    case = report_file(
        government_id=None,
        department_id=department.pk,
        anonymous=False,
        contact=Contact("张三", "13700000000"),
        content="该局拖欠中标企业工程款两年未付，多次催要无果。",
        files=[pdf()],
        address="192.0.2.1",
    ).case
    with pytest.raises(Conflict):  # not yet substantiated
        report_to_draft(number=case.number, actor=office)
    case = case_act(number=case.number, action="accept", actor=office, version=1)
    case = case_act(
        number=case.number, action="substantiate", actor=office, version=2, reason="经查属实"
    )
    record = report_to_draft(number=case.number, actor=office)
    assert record.status == Status.DRAFT and record.subject_name == "城关区财政局"
    assert record.subject_uscc == department.uscc
    assert Case.objects.get(pk=case.pk).draft_record_id == record.pk
    assert record.events.get(action="create").note == case.number
    with pytest.raises(Conflict):
        report_to_draft(number=case.number, actor=office)
    assert Record.objects.count() == 1


def test_following_needs_the_right_code_and_repeated_wrong_codes_are_slowed(
    objection: Callable[..., Filed],
) -> None:
    filed = objection()
    seen = case_follow(number=filed.case.number, code=filed.query_code, address="a")
    assert seen.pk == filed.case.pk
    with pytest.raises(NotFound) as unknown:
        case_follow(number="YY20990101-AAAAAAAA", code=filed.query_code, address="b")
    with pytest.raises(NotFound) as wrong:
        case_follow(number=filed.case.number, code="AAAAAAAA", address="b")
    assert unknown.value.detail == wrong.value.detail  # nothing revealed either way
    for _ in range(5):
        with pytest.raises(NotFound):
            case_follow(number=filed.case.number, code="AAAAAAAA", address="c")
    with pytest.raises(Throttled):  # five wrong codes from this address: slowed, right or not
        case_follow(number=filed.case.number, code=filed.query_code, address="c")


def test_a_guesser_elsewhere_does_not_lock_the_filer_out_of_the_case(
    objection: Callable[..., Filed],
) -> None:
    """GIVEN a filed case, and an attacker at address A who knows its number
    WHEN A tries six wrong query codes
    THEN A is refused, and the filer at address B with the right code still sees the case."""
    filed = objection()
    for _ in range(5):
        with pytest.raises(NotFound):
            case_follow(number=filed.case.number, code="AAAAAAAA", address="192.0.2.66")
    with pytest.raises(Throttled):
        case_follow(number=filed.case.number, code="AAAAAAAA", address="192.0.2.66")
    seen = case_follow(number=filed.case.number, code=filed.query_code, address="198.51.100.9")
    assert seen.pk == filed.case.pk


@override_settings(GOVTRUST_TRACKING_NUMBER_FAILURES=12, GOVTRUST_TRACKING_NUMBER_WINDOW=60)
def test_many_addresses_guessing_one_number_hold_it_briefly(
    objection: Callable[..., Filed],
) -> None:
    """GIVEN a filed case and a per-number limit of 12 wrong codes a minute
    WHEN twelve addresses each try one wrong code on its number
    THEN the number is held for the short window, even for the right code."""
    filed = objection()
    for n in range(12):
        with pytest.raises(NotFound):
            case_follow(number=filed.case.number, code="AAAAAAAA", address=f"192.0.2.{n}")
    with pytest.raises(Throttled) as held:
        case_follow(number=filed.case.number, code=filed.query_code, address="198.51.100.9")
    assert held.value.retry_after == 60


def test_honeypot_flood_and_open_case_limits_answer_429_not_500(
    published: Callable[..., Publication], client: Client
) -> None:
    publication = published()
    form = {
        "record_number": publication.number,
        "applicant_role": "public",
        "contact_name": "赵六",
        "contact_phone": "13600000000",
        "fields": ["facts"],
        "content": "该记录的失信事实与事实不符，请核实。",
    }
    bot = client.post("/api/v1/public/objections", {**form, "website": "http://spam"})
    assert bot.status_code == 429 and bot.json()["detail"]
    codes = []
    for i in range(12):
        phone = f"1360000{i:04d}"
        response = client.post("/api/v1/public/objections", {**form, "contact_phone": phone})
        codes.append(response.status_code)
    assert codes[:10] == [201] * 10
    assert codes[10:] == [429, 429]
    assert "一小时" in response.json()["detail"] and response["Retry-After"] == "3600"


def test_open_cases_per_contact_are_limited(
    objection: Callable[..., Filed], published: Callable[..., Publication]
) -> None:
    """Five open cases of one phone number about one record; a sixth about it is refused, but
    the number is not verified, so squatting it must not keep its owner from filing about
    another record (red-team finding)."""
    publication = published()
    for i in range(5):
        objection(address=f"10.0.0.{i}", publication=publication)
    with pytest.raises(Throttled, match="正在办理"):
        objection(address="10.0.0.9", publication=publication)
    assert objection(address="10.0.0.10").case.number


@override_settings(GOVTRUST_EVIDENCE_MAX_BYTES=1024)
def test_uploads_are_judged_by_content_and_size_and_served_only_to_the_office(
    published: Callable[..., Publication], client: Client, office: User, clerk: User
) -> None:
    publication = published()
    form = {
        "record_number": publication.number,
        "applicant_role": "subject",
        "contact_name": "王伟",
        "contact_phone": "13812345678",
        "fields": ["facts", "amount"],
        "content": "金额与决定书不一致，决定书载明为十万元。",
    }
    fake = client.post(
        "/api/v1/public/objections",
        {**form, "files": io.BytesIO(b"<html>not a pdf</html>")},
        format="multipart",
    )
    assert fake.status_code in (400, 422)
    fake_file = io.BytesIO(b"<html>not a pdf</html>")
    fake_file.name = "决定书.pdf"
    refused = client.post("/api/v1/public/objections", {**form, "files": fake_file})
    assert refused.status_code == 400 and "不符" in refused.json()["detail"]
    big = io.BytesIO(b"%PDF-" + b"0" * 2000)
    big.name = "大文件.pdf"
    assert client.post("/api/v1/public/objections", {**form, "files": big}).status_code == 400
    assert Case.objects.count() == 0
    good = io.BytesIO(b"%PDF-1.4 small")
    good.name = "../../etc/决定书.pdf"
    created = client.post("/api/v1/public/objections", {**form, "files": good})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    case = Case.objects.get(number=number)
    evidence = case.evidence.get()
    assert evidence.label == "决定书.pdf" and "/" not in evidence.stored_name
    url = f"/api/v1/cases/{number}/evidence/{evidence.pk}"
    assert client.get(url).status_code == 401
    client.force_login(office)
    download = client.get(url)
    assert download.status_code == 200 and download.getvalue() == good.getvalue()
    assert download["Content-Disposition"].startswith("attachment")
    detail = client.get(f"/api/v1/cases/{number}").json()
    assert detail["contact_phone"] == "13812345678" and detail["contact_name"] == "王伟"
    client.force_login(clerk)  # the reporting unit verifies, but does not see who objected
    detail = client.get(f"/api/v1/cases/{number}").json()
    assert detail["contact_phone"] == "" and detail["contact_name"] == ""


@pytest.mark.parametrize(
    ("kind", "steps"),
    [
        ("objection-verify", [("accept", ""), ("dismiss", "与决定书一致")]),
        ("repair-decide", [("reject", "证明材料不足")]),
        ("report-reply", [("accept", ""), ("unsubstantiate", "经查不属实")]),
    ],
)
def test_every_clock_flags_a_late_step(
    kind: str,
    steps: list[tuple[str, str]],
    objection: Callable[..., Filed],
    published: Callable[..., Publication],
    department: Department,
    office: User,
    clerk: User,
) -> None:
    """The last step of each clock taken after its deadline is marked late on the step and the
    case; the steps before it were on time."""
    if kind.startswith("objection"):
        case = objection().case
    elif kind.startswith("repair"):
        publication = published()
        Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
        case = apply(publication).case
    else:
        case = anonymous_report(department.pk, "192.0.2.9")
    for index, (action, reason) in enumerate(steps):
        if index == len(steps) - 1:
            Case.objects.filter(pk=case.pk).update(due_date=TODAY - datetime.timedelta(days=1))
        actor = clerk if action == "dismiss" else office
        case = case_act(
            number=case.number, action=action, actor=actor, version=index + 1, reason=reason
        )
    flags = list(case.events.exclude(action="file").values_list("on_time", flat=True))
    assert flags == [True] * (len(steps) - 1) + [False]
    assert case.late is True and case.closed_at is not None
