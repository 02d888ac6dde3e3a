"""The public forms after a refusal (what is kept, what must be chosen again), anonymous reports
keeping no contact, the unit picker in the report form, and the filer's step bar."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.directory.models import Department, Government, User
from govtrust.directory.units import UNKNOWN
from govtrust.disclosure.models import Publication
from govtrust.remedies.models import Case
from govtrust.remedies.selectors import progress
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act
from tests.remedies.conftest import PDF

pytestmark = pytest.mark.django_db


def _repair(client: Client, number: str, **fields: object) -> str:
    data = {
        "content": "短",  # too short: refused
        "signer": "某某公司",
        "commitment_signed": "on",
        "contact_name": "钱进",
        "contact_phone": "13800001111",
        **fields,
    }
    return client.post(f"/gs/records/{number}/repair/", data).content.decode()


def _upload(name: str, content: bytes = PDF) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def repairable(published: Callable[..., Publication]) -> Publication:
    publication = published()
    Publication.objects.filter(pk=publication.pk).update(
        minimum_end=datetime.date.today() - datetime.timedelta(days=1)
    )
    return publication


def test_repair_refused_keeps_the_tick_and_the_files_which_the_next_try_files(
    repairable: Publication,
) -> None:
    client = Client()
    page = _repair(client, repairable.number, files=[_upload("缴款凭证.pdf")])
    assert re.search(r'name="commitment_signed" id="commitment-signed" checked', page)
    assert 'value="某某公司"' in page and 'value="13800001111"' in page
    assert 'id="files-kept"' in page and "<strong>缴款凭证.pdf</strong>" in page
    assert 'id="files-lost"' not in page and not Case.objects.exists()
    token = re.search(r'name="staged" value="([^"]+)"', page)
    assert token
    # Refused again (the token carried, nothing new chosen): still kept, under a new token.
    again = _repair(client, repairable.number, staged=token.group(1))
    renewed = re.search(r'name="staged" value="([^"]+)"', again)
    assert renewed and "<strong>缴款凭证.pdf</strong>" in again
    filed = client.post(
        f"/gs/records/{repairable.number}/repair/",
        {
            "content": "罚款已于2026年3月全额缴纳，违法行为已纠正，附缴款凭证。",
            "signer": "某某公司",
            "commitment_signed": "on",
            "contact_name": "钱进",
            "contact_phone": "13800001111",
            "staged": renewed.group(1),
            "files": [_upload("整改报告.pdf")],
        },
    )
    assert filed.status_code == 201
    case = Case.objects.get()
    assert sorted(e.label for e in case.evidence.all()) == ["整改报告.pdf", "缴款凭证.pdf"]
    # Filed: the kept files are gone; the old token now keeps nothing and says so.
    stale = _repair(client, repairable.number, staged=renewed.group(1))
    assert 'id="files-kept"' not in stale and "<strong>缴款凭证.pdf</strong>" in stale


def test_a_forged_token_keeps_nothing_and_a_bad_file_is_named_to_choose_again(
    repairable: Publication,
) -> None:
    client = Client()
    forged = _repair(client, repairable.number, staged="eyJkIjoiMDAwIn0:forged")
    assert 'id="files-kept"' not in forged and "已过期" in forged
    bad = _repair(client, repairable.number, files=[_upload("照片.png", PDF)])
    assert 'id="files-kept"' not in bad
    assert 'id="files-lost"' in bad and "<strong>照片.png</strong>" in bad


def test_dropping_the_kept_files_files_without_them(repairable: Publication) -> None:
    client = Client()
    page = _repair(client, repairable.number, files=[_upload("缴款凭证.pdf")])
    token = re.search(r'name="staged" value="([^"]+)"', page)
    assert token
    filed = client.post(
        f"/gs/records/{repairable.number}/repair/",
        {
            "content": "罚款已于2026年3月全额缴纳，违法行为已纠正，附缴款凭证。",
            "signer": "某某公司",
            "commitment_signed": "on",
            "contact_name": "钱进",
            "contact_phone": "13800001111",
            "staged": token.group(1),
            "staged_drop": "on",
            "files": [_upload("整改报告.pdf")],
        },
    )
    assert filed.status_code == 201
    assert [e.label for e in Case.objects.get().evidence.all()] == ["整改报告.pdf"]


def test_objection_refused_keeps_every_ticked_field(published: Callable[..., Publication]) -> None:
    publication = published()
    page = (
        Client()
        .post(
            f"/gs/records/{publication.number}/objection/",
            {"applicant_role": "public", "fields": ["facts", "amount"], "content": "短"},
        )
        .content.decode()
    )
    assert 'value="facts" checked' in page and 'value="amount" checked' in page
    assert 'value="basis" checked' not in page
    assert 'value="public" checked' in page


def test_anonymous_report_keeps_no_contact_even_when_one_is_posted(office: User) -> None:
    government = Government.objects.get(division_id="620123")
    response = Client().post(
        "/gs/report/",
        {
            "government_id": str(government.pk),
            "anonymous": "on",
            "contact_name": "不该保存",
            "contact_phone": "13800001111",
            "content": "县里承诺的拆迁补偿款三年未兑现，多次反映无果。",
        },
    )
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.anonymous and not case.contact_name_cipher and not case.contact_phone_masked
    assert not case.contact_key


def test_report_page_hides_contact_when_anonymous_is_ticked_without_script(
    office: User,
) -> None:
    page = Client().get("/gs/report/", {"unit": "620123100"}).content.decode()
    assert '<fieldset id="contact" class="contact">' in page and 'id="anonymous"' in page
    css = open("src/govtrust/static/govtrust/portal.css", encoding="utf-8").read()
    assert "form:has(#anonymous:checked) #contact { display:none; }" in css


def test_report_picker_takes_a_department_and_refuses_an_unknown_code(
    office: User, make_department: Callable[..., Department]
) -> None:
    finance = make_department("620123", "榆中县财政局")
    page = Client().get("/gs/report/", {"unit": f"d{finance.pk}"}).content.decode()
    assert f'<option value="{finance.pk}" selected>榆中县财政局</option>' in page
    refused = Client().get("/gs/report/", {"unit": "6299<script>"}).content.decode()
    assert UNKNOWN in refused and 'id="report-form"' not in refused and "<script>" not in refused
    searched = Client().get("/gs/report/", {"unit": "", "unit_q": "yzx"}).content.decode()
    assert "榆中县人民政府（兰州市）" in searched and 'id="unit-error"' not in searched
    empty = Client().get("/gs/report/", {"unit": ""}).content.decode()
    assert "请选择被举报的政府或部门" in empty


def test_step_bar_follows_an_objection_from_receipt_to_close(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    case = objection().case
    steps = progress(case)
    assert [s.label for s in steps] == ["受理", "核查", "办结"]
    assert [s.state for s in steps] == ["current", "todo", "todo"]
    assert steps[0].due == case.due_date and steps[0].days_left is not None
    assert "本地政策" in steps[0].source and steps[0].due_label == "受理审查"
    case = case_act(number=case.number, actor=office, action="accept", version=case.version)
    steps = progress(case)
    assert [s.state for s in steps] == ["done", "current", "todo"]
    assert steps[0].at is not None and steps[1].due == case.due_date
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - datetime.timedelta(7))
    case.refresh_from_db()
    late = progress(case)[1].days_left
    assert late is not None and late < 0


def test_step_bar_of_a_refused_report_skips_checking(office: User) -> None:
    government = Government.objects.get(division_id="6201")
    Client().post(
        "/gs/report/",
        {
            "government_id": str(government.pk),
            "anonymous": "on",
            "content": "某区招商引资承诺的奖励资金三年未兑现。",
        },
    )
    case = Case.objects.get()
    case = case_act(
        number=case.number, actor=office, action="refuse", reason="不属于受理范围", version=1
    )
    steps = progress(case)
    assert [(s.state, s.state_label) for s in steps] == [
        ("done", "不予受理"),
        ("skipped", "未进行"),
        ("done", "已完成"),
    ]
    assert steps[2].at == case.closed_at


def test_kept_files_older_than_the_hold_are_swept(
    repairable: Publication, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = str(tmp_path)
    client = Client()
    _repair(client, repairable.number, files=[_upload("a.pdf")])
    root = tmp_path / "evidence-staging"
    assert len(list(root.iterdir())) == 1
    settings.GOVTRUST_EVIDENCE_HOLD_SECONDS = -1  # everything kept is now past its hold
    page = _repair(client, repairable.number, files=[_upload("b.pdf")])
    assert [len(list(f.iterdir())) for f in root.iterdir()] == [1]  # only b.pdf's folder
    assert "<strong>b.pdf</strong>" in page
