"""The public forms and the back-office queue, through Django's test client (CSRF enforced)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.workdays import working_days_left
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.remedies.models import Case, CaseReminder
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.reminders import case_reminders_send

pytestmark = pytest.mark.django_db


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def test_objection_form_files_a_case_and_the_track_page_follows_it(
    published: Callable[..., Publication],
) -> None:
    publication = published(facts="<script>alert(1)</script>拖欠工程款")
    client = csrf_client()
    url = f"/gs/records/{publication.number}/objection/"
    page = client.get(url).content.decode()
    assert "<script>alert" not in page
    assert client.post(url, {"content": "x"}).status_code == 403  # no CSRF token
    form = {
        "csrfmiddlewaretoken": token(client, url),
        "applicant_role": "subject",
        "fields": ["facts"],
        "content": "失信事实有误，工程款已经付清。",
        "contact_name": "王伟",
        "contact_phone": "138 1234 5678",
    }
    bad = client.post(url, {**form, "contact_phone": "12345"})
    assert bad.status_code == 400 and "联系电话应为11位手机号" in bad.content.decode()
    attachment = io.BytesIO(b"%PDF-1.4 evidence")
    attachment.name = "付款凭证.pdf"
    done = client.post(url, {**form, "files": attachment})
    assert done.status_code == 201
    body = done.content.decode()
    number = re.search(r'id="case-number"><strong>([^<]+)<', body).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="query-code"><strong>([^<]+)<', body).group(1)  # type: ignore[union-attr]
    case = Case.objects.get(number=number)
    assert case.contact_phone_masked == "138****5678"

    track = "/gs/track/"
    csrf = token(client, track)
    wrong = client.post(track, {"csrfmiddlewaretoken": csrf, "number": number, "code": "XXXX"})
    assert wrong.status_code == 404 and "受理编号或查询码不正确" in wrong.content.decode()
    right = client.post(track, {"csrfmiddlewaretoken": csrf, "number": number, "code": code})
    text = right.content.decode()
    assert right.status_code == 200 and "待受理" in text and "申请人" in text
    assert "13812345678" not in text and "138****5678" not in text


def test_repair_page_says_when_it_is_too_early(published: Callable[..., Publication]) -> None:
    publication = published()
    page = Client().get(f"/gs/records/{publication.number}/repair/").content.decode()
    assert 'id="too-early"' in page and "信用承诺书" in page
    today = datetime.date.today()
    # On the minimum period's last day it is still too early (民法典 第二百零二条); the day after
    # it is not.
    Publication.objects.filter(pk=publication.pk).update(minimum_end=today)
    page = Client().get(f"/gs/records/{publication.number}/repair/").content.decode()
    assert 'id="too-early"' in page
    Publication.objects.filter(pk=publication.pk).update(
        minimum_end=today - datetime.timedelta(days=1)
    )
    page = Client().get(f"/gs/records/{publication.number}/repair/").content.decode()
    assert 'id="too-early"' not in page


def test_report_form_is_two_steps_without_script(office: User) -> None:
    client = Client()
    first = client.get("/gs/report/").content.decode()
    assert 'id="pick-government"' in first and 'id="report-form"' not in first
    assert '<option value="6201">兰州市人民政府（甘肃省）</option>' in first
    second = client.get("/gs/report/", {"unit": "6201"}).content.decode()
    assert 'id="report-form"' in second
    lanzhou = re.search(r'name="government_id" value="(\d+)"', second)
    assert lanzhou
    done = client.post(
        "/gs/report/",
        {
            "government_id": lanzhou.group(1),
            "department_id": "",
            "anonymous": "on",
            "content": "某区招商引资承诺的奖励资金三年未兑现。",
        },
    )
    assert done.status_code == 201
    case = Case.objects.get()
    assert case.anonymous and case.target_name == "兰州市人民政府" and case.division_code == "6201"


def test_queue_puts_overdue_first_with_a_working_day_countdown(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    late = objection().case
    soon = objection(address="198.51.100.9").case
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Case.objects.filter(pk=late.pk).update(due_date=yesterday - datetime.timedelta(days=6))
    client = Client()
    client.force_login(office)
    page = client.get("/backoffice/cases/").content.decode()
    assert page.index(late.number) < page.index(soon.number)
    assert "逾期" in page and "个工作日" in page
    detail = client.get(f"/backoffice/cases/{late.number}/").content.decode()
    assert "13812345678" in detail  # the handling office sees the contact
    response = client.post(
        f"/backoffice/cases/{late.number}/act/", {"action": "accept", "version": "1"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=late.pk).late is True
    client.force_login(clerk)
    assert "13812345678" not in client.get(f"/backoffice/cases/{late.number}/").content.decode()


def test_countdown_skips_the_national_day_holiday() -> None:
    # 2025: 1-8 October are holidays; 28 September (Sunday) and 11 October (Saturday) are worked.
    assert working_days_left(datetime.date(2025, 9, 30), datetime.date(2025, 10, 9)) == 1
    assert working_days_left(datetime.date(2025, 9, 26), datetime.date(2025, 9, 30)) == 3
    assert working_days_left(datetime.date(2025, 10, 9), datetime.date(2025, 9, 30)) == -1


def test_reminders_before_and_after_a_deadline_are_sent_once(
    objection: Callable[..., Filed],
) -> None:
    case = objection().case
    today = datetime.date.today()
    assert case_reminders_send(today=today - datetime.timedelta(days=30)) == 0
    Case.objects.filter(pk=case.pk).update(due_date=today - datetime.timedelta(days=1))
    assert case_reminders_send(today=today) == 1
    assert case_reminders_send(today=today) == 0
    assert CaseReminder.objects.get().kind == "overdue"
    from govtrust.remedies.tasks import case_reminders

    assert case_reminders.enqueue().return_value == 0  # the worker's job: nothing twice
