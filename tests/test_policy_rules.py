"""The named rules the older modules once decided themselves, now in directory/policy.py: each
answered on the pages and the API for the own unit (allowed), another unit and another role
(refused). The table of tests/test_access_policy.py answers the rest, role by position."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from govtrust.core.errors import Forbidden
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.directory.services import token_create
from govtrust.disclosure.services import publication_publish
from govtrust.documents.models import Document
from govtrust.documents.services.reports import report_issue
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors_stats import unit_figures
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.records.services.reminders import reminders_send
from govtrust.remedies.models import Case
from govtrust.remedies.services.filing import Contact, objection_file
from govtrust.remedies.services.reminders import _recipients
from tests.conftest import TODAY, government, new_uscc, record_payload

pytestmark = pytest.mark.django_db

BUREAU, SCHOOLS = "城关区财政局", "城关区教育局"  # departments A and B of 城关区 (620102)


def _api(user: User) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


def _page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record(clerk: User, reviewer: User | None = None) -> Record:
    """A record of the clerk's department, a draft unless a reviewer accepts it."""
    bureau = clerk.department
    assert bureau is not None
    day = str(TODAY - datetime.timedelta(days=30))
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="department",
            subject_name=bureau.name,
            subject_identifier=bureau.uscc,
            decision_date=day,
            arose_on=day,
        )
    )
    record = record_create(data=data, actor=clerk)
    if reviewer is None:
        return record
    return record_accept(record=record_submit(record=record, actor=clerk), actor=reviewer)


# ---- policy.drafts_hidden: a draft is its filers' unfinished work ------------------------


def test_a_draft_is_read_by_its_units_clerks_alone(make_user: Callable[..., User]) -> None:
    """GIVEN a draft of 城关区财政局 THEN its other clerk reads it on the page, the API and in
    the API's list; a clerk of 城关区教育局 or of 七里河区, and the bureau's own reviewer and
    城关区's credit office get 404 and do not find it listed."""
    author = make_user("clerk_draft", "clerk", "620102", BUREAU)
    draft = _record(author)
    readers = {
        make_user("clerk_draft_2", "clerk", "620102", BUREAU): 200,
        make_user("clerk_draft_b", "clerk", "620102", SCHOOLS): 404,
        make_user("clerk_draft_sib", "clerk", "620103"): 404,
        make_user("reviewer_draft", "reviewer", "620102", BUREAU): 404,
        make_user("office_draft", "credit_office", "620102"): 404,
    }
    for user, expected in readers.items():
        assert _page(user).get(f"/records/{draft.pk}/").status_code == expected, user
        api = Client()
        assert api.get(f"/api/v1/records/{draft.pk}", **_api(user)).status_code == expected
        listed = api.get("/api/v1/records", **_api(user)).json()["items"]
        assert (draft.number in {r["number"] for r in listed}) == (expected == 200), user


# ---- policy.reveals: full citizen IDs for the reporting unit alone -----------------------


def test_full_identifiers_are_revealed_to_the_reporting_unit_alone(
    make_user: Callable[..., User],
) -> None:
    """The record's page offers the full ID only to the reporting unit's clerks and reviewers
    (the upload's error report asks the same rule: the table's import-report rows)."""
    bureau = government("620102").pk
    own = make_user("clerk_reveal", "clerk", "620102", BUREAU)
    department = own.department_id
    assert policy.reveals(own, bureau, department)
    assert policy.reveals(
        make_user("reviewer_reveal", "reviewer", "620102", BUREAU), bureau, department
    )
    assert not policy.reveals(
        make_user("clerk_reveal_b", "clerk", "620102", SCHOOLS), bureau, department
    )
    assert not policy.reveals(make_user("clerk_reveal_sib", "clerk", "620103"), bureau, department)
    assert not policy.reveals(
        make_user("office_reveal", "credit_office", "620102"), bureau, department
    )


# ---- policy.cases_counted: the figures count what the queue lists ------------------------


@pytest.fixture
def objection(make_user: Callable[..., User]) -> str:
    """An objection to a published record of 城关区财政局."""
    clerk = make_user("clerk_case", "clerk", "620102", BUREAU)
    record = _record(clerk, make_user("reviewer_case_gov", "reviewer", "620102"))
    publication = publication_publish(
        record=record, actor=make_user("office_case_gs", "credit_office", "62")
    )
    return objection_file(
        record_number=publication.number,
        applicant_role="subject",
        contact=Contact("王伟", "13812345678"),
        fields=["facts"],
        content="公示的失信事实与处罚决定书不一致，款项已于决定前付清。",
        files=[("证明.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))],
        address="203.0.113.9",
    ).case.number


def _received(rows: list[dict[str, Any]]) -> int:
    return sum(row["received"] for row in rows)


def test_case_figures_count_what_each_reader_handles_or_watches(
    make_user: Callable[..., User], objection: str
) -> None:
    """Finding: a department's reviewer saw the objection to its records in its queue while the
    queue page's figures and the API counted nothing (the figures took `within`, which gives a
    department no case). Now both count what the queue lists; another department, another
    unit count nothing; the inspector counts on the API and is refused the queue page."""
    year = {"start": f"{TODAY.year - 1}-01-01", "end": f"{TODAY.year + 1}-12-31"}
    readers = {  # user -> (API count, queue page: status, count)
        make_user("reviewer_fig", "reviewer", "620102", BUREAU): (1, 200, 1),
        make_user("clerk_fig", "clerk", "620102", BUREAU): (1, 200, 1),
        make_user("reviewer_fig_b", "reviewer", "620102", SCHOOLS): (0, 200, 0),
        make_user("office_fig", "credit_office", "620102"): (1, 200, 1),
        make_user("office_fig_sib", "credit_office", "620103"): (0, 200, 0),
        make_user("inspector_fig", "inspector", "620102"): (1, 403, 0),
    }
    for user, (counted, status, shown) in readers.items():
        answer = Client().get("/api/v1/cases-figures", year, **_api(user))
        assert answer.status_code == 200
        assert _received(answer.json()) == counted, user
        page = _page(user).get("/backoffice/cases/")
        assert page.status_code == status, user
        if status == 200:
            assert _received(page.context["figures"]) == shown, user
            assert (objection in page.content.decode()) == bool(shown), user
    admin = make_user("sysadmin_fig", "sysadmin", "620102")
    assert Client().get("/api/v1/cases-figures", year, **_api(admin)).status_code == 403


# ---- policy.report_division: who reads a credit report -----------------------------------


def test_a_credit_report_is_filed_where_its_version_says(make_user: Callable[..., User]) -> None:
    """兰州市's credit office issues 城关区's internal and public reports: the internal one is
    read by 兰州市's reviewer (page and API) and not by 城关区's; the public one by 城关区's
    reviewer and not by 七里河区's, nor by the administrators."""
    chengguan = government("620102")
    chengguan.uscc = new_uscc("620102")
    chengguan.save(update_fields=["uscc"])
    issuer = make_user("office_rep", "credit_office", "6201")
    internal = report_issue(kind="government", pk=chengguan.pk, public=False, actor=issuer)
    public = report_issue(kind="government", pk=chengguan.pk, public=True, actor=issuer)
    assert (internal.division_code, public.division_code) == ("6201", "620102")
    parent = make_user("reviewer_rep_lz", "reviewer", "6201")
    own = make_user("reviewer_rep_cg", "reviewer", "620102")
    sibling = make_user("reviewer_rep_qlh", "reviewer", "620103")
    auditor = make_user("auditor_rep", "auditor", "620102")
    expected: dict[tuple[Document, User], int] = {
        (internal, parent): 200,
        (internal, own): 404,
        (public, own): 200,
        (public, sibling): 404,
        (public, auditor): 403,
    }
    for (document, user), status in expected.items():
        page = _page(user).get(f"/backoffice/documents/{document.code}.pdf")
        assert page.status_code == status, (document.kind, user)
        api = Client().get(f"/api/v1/documents/{document.code}.pdf", **_api(user))
        assert api.status_code == status, (document.kind, user)


# ---- unit_figures: the selector refuses as the dashboard does -----------------------------


def test_the_unit_figures_are_refused_to_whom_the_dashboard_refuses(
    make_user: Callable[..., User],
) -> None:
    clerk = make_user("clerk_uf", "clerk", "620102", BUREAU)
    start, end = TODAY.replace(month=1, day=1), TODAY
    assert _page(clerk).get("/records/dashboard/").status_code == 403
    with pytest.raises(Forbidden):
        unit_figures(user=clerk, start=start, end=end)
    reviewer = make_user("reviewer_uf", "reviewer", "620102")
    assert _page(reviewer).get("/records/dashboard/").status_code == 200
    assert unit_figures(user=reviewer, start=start, end=end) == []


# ---- policy.reporting_unit_accounts, policy.accounts_reaching: who is told ---------------


def _with_email(user: User) -> User:
    user.email = f"{user.username}@example.gov.cn"
    user.save(update_fields=["email"])
    return user


@override_settings(GOVTRUST_EMAIL_ENABLED=True)
@time_machine.travel(datetime.datetime(2025, 10, 20, 9, tzinfo=datetime.UTC), tick=False)
def test_a_records_deadline_is_told_to_its_reporting_units_clerks_alone(
    make_user: Callable[..., User],
) -> None:
    """Finding: a reminder of 城关区人民政府's own record (no department) was mailed to every
    clerk of 城关区, 城关区财政局's too, who cannot open it (404). Now to the government's own
    clerks only; a department's record to that department's clerks and the government's."""
    own = _with_email(make_user("clerk_mail", "clerk", "620102"))
    bureau = _with_email(make_user("clerk_mail_a", "clerk", "620102", BUREAU))
    _with_email(make_user("clerk_mail_b", "clerk", "620102", SCHOOLS))
    _with_email(make_user("clerk_mail_sib", "clerk", "620103"))
    _with_email(make_user("reviewer_mail", "reviewer", "620102"))
    record = record_create(data=RecordIn.model_validate(record_payload()), actor=own)
    assert reminders_send(today=datetime.date(2025, 10, 20)) == 1
    assert [m.to for m in mail.outbox] == [[own.email]]
    assert _page(bureau).get(f"/records/{record.pk}/").status_code == 404
    record_create(data=RecordIn.model_validate(record_payload()), actor=bureau)
    assert reminders_send(today=datetime.date(2025, 10, 20)) == 1
    assert sorted(mail.outbox[-1].to) == sorted([own.email, bureau.email])


def test_a_case_is_told_to_the_offices_that_reach_it(make_user: Callable[..., User]) -> None:
    """Finding: reminders of 兰州新区's cases went to 兰州市's credit office by the code's
    prefix, though 兰州新区 answers to the province (兰州市's office gets 404 on the case).
    And an objection to verify went to every department of the reporting government."""
    office = {
        code: _with_email(make_user(f"office_mail_{code}", "credit_office", code))
        for code in ("62", "6201", "620171", "620102", "620103")
    }
    xinqu = Case(kind="report", status="received", division_code="620171")
    assert _recipients(xinqu) == sorted([office["62"].email, office["620171"].email])
    chengguan = Case(kind="report", status="received", division_code="620102")
    expected = [office[code].email for code in ("62", "6201", "620102")]
    assert _recipients(chengguan) == sorted(expected)
    clerk = _with_email(make_user("clerk_obj_mail", "clerk", "620102", BUREAU))
    reviewer = _with_email(make_user("reviewer_obj_mail", "reviewer", "620102"))
    _with_email(make_user("clerk_obj_mail_b", "clerk", "620102", SCHOOLS))
    _with_email(make_user("inspector_obj_mail", "inspector", "620102"))
    record = _record(clerk)
    objection = Case(kind="objection", status="verifying", division_code="62", record=record)
    assert _recipients(objection) == sorted([clerk.email, reviewer.email])
