"""A screening kept: uploaded through the page, judged in place, certified as a PDF that renders
Chinese with an embedded font and is verifiable on the portal by its code."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from govtrust.core import pdf as pdf_module
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.documents.models import Document
from govtrust.documents.services.issue import document_bytes
from govtrust.ledger.services import checkpoint_sign
from govtrust.records.models import Record
from govtrust.screening import services as screenings
from govtrust.screening.models import Judgement, Screening
from govtrust.screening.services import shown_identifier
from tests.conftest import new_ric, new_uscc
from tests.documents.conftest import first_page

pytestmark = pytest.mark.django_db


def csv_upload(lines: list[str], name: str = "候选名单.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode("gb18030"), "text/csv")


def test_upload_judge_and_certify(
    accept: Callable[..., Record],
    published: Callable[..., Publication],
    reviewer: User,
    sibling_reviewer: User,
) -> None:
    published(subject_name="赵六")
    checkpoint = checkpoint_sign()
    ric = new_ric()
    person = accept(subject_name="王伟", subject_identifier=ric, severity="general")
    uscc = new_uscc()
    accept(
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=uscc,
        severity="serious",
    )
    other = new_ric()
    client = Client()
    client.force_login(reviewer)
    lines = [
        "2026年度先进集体和先进个人候选名单",  # a title row above the header
        "姓名,身份证号码,所在单位",
        f"王伟,{ric},城关区财政局",
        f"城关区财政局,{uscc},",
        f"王伟,{other},七里河区教育局",
        f"李娜,{new_ric()},榆中县",
    ]
    title = "2026年度<script>alert(1)</script>先进评选"
    response = client.post(
        "/backoffice/screenings/", {"title": title, "file": csv_upload(lines)}, follow=True
    )
    page = response.content.decode()
    screening = Screening.objects.get()
    assert response.redirect_chain[-1][0] == f"/backoffice/screenings/{screening.number}/"
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert [r["verdict"] for r in screening.results] == [
        "restricted",
        "restricted",
        "review",
        "clear",
    ]
    # No citizen ID number is kept whole: masked for display, keyed hash for judgements.
    assert ric not in str(screening.results) and screening.results[0]["identifier"].count("*") == 8
    assert 'id="certify" disabled' in page  # one name match still waits for review

    refused = client.post(f"/backoffice/screenings/{screening.number}/certificate/", follow=True)
    assert "尚有 1 项名称匹配待人工复核" in refused.content.decode()
    assert not Document.objects.filter(screening=screening).exists()

    judge = f"/backoffice/screenings/{screening.number}/judge/"
    stale = client.post(
        judge,
        {"row": "5", "record": person.number, "decision": "dismiss", "version": "0"},
        follow=True,
    )
    assert "已被他人更新" in stale.content.decode()
    assert not Judgement.objects.exists()

    client.force_login(sibling_reviewer)
    assert client.get(f"/backoffice/screenings/{screening.number}/").status_code == 404
    outsider = client.post(
        judge, {"row": "5", "record": person.number, "decision": "dismiss", "version": "1"}
    )
    assert outsider.status_code == 404 and not Judgement.objects.exists()

    client.force_login(reviewer)
    client.post(
        judge,
        {"row": "5", "record": person.number, "decision": "dismiss", "note": "非同一人"},
        follow=True,
    )
    assert not Judgement.objects.exists()  # no version: refused as stale
    client.post(
        judge,
        {"row": "5", "record": person.number, "decision": "dismiss", "version": "1"},
    )
    screening.refresh_from_db()
    assert screening.results[2]["verdict"] == "clear" and screening.results[2]["dismissed"] == 1
    assert Judgement.objects.get().confirmed is False

    done = client.post(f"/backoffice/screenings/{screening.number}/certificate/", follow=True)
    certificate = Document.objects.get(screening=screening)
    assert f"验证码 {certificate.code}" in done.content.decode()
    assert AuditEvent.objects.filter(action="document.issue", object_id=certificate.code).exists()

    data = client.get(f"/backoffice/documents/{certificate.code}.pdf").content
    assert hashlib.sha256(data).hexdigest() == certificate.sha256
    shown = first_page(data)
    assert "评优评先信用审查证明" in shown.text and "受限" in shown.text
    assert screening.checkpoint_root == checkpoint.root
    assert checkpoint.root[:16] in re.sub(r"\s+", "", shown.text)
    assert shown.inked > 0.01  # not a blank page
    assert any("CJK" in name and embedded for name, embedded in shown.fonts)

    portal = Client()
    verified = portal.get(f"/gs/verify/{certificate.code}/").content.decode()
    assert certificate.sha256 in verified and "有效文件" in verified
    typed = portal.get("/gs/verify/", {"code": certificate.code.replace("-", "").lower()})
    assert typed.status_code == 302 and typed["Location"].endswith(f"/{certificate.code}/")
    assert portal.get("/gs/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    client.force_login(sibling_reviewer)
    assert client.get(f"/backoffice/documents/{certificate.code}.pdf").status_code == 404


def test_the_excel_names_the_checkpoint_and_bad_files_change_nothing(
    accept: Callable[..., Record], reviewer: User
) -> None:
    accept(subject_name="张三", subject_identifier=new_ric())
    client = Client()
    client.force_login(reviewer)
    bad = client.post(
        "/backoffice/screenings/",
        {"title": "评选", "file": SimpleUploadedFile("名单.xlsx", b"not a workbook")},
        follow=True,
    )
    assert "文件内容与扩展名不符" in bad.content.decode()
    headless = client.post(
        "/backoffice/screenings/",
        {"title": "评选", "file": csv_upload(["甲,乙", "1,2"])},
        follow=True,
    )
    assert "未找到表头" in headless.content.decode()
    untitled = client.post(
        "/backoffice/screenings/", {"title": " ", "file": csv_upload(["姓名", "张三"])}, follow=True
    )
    assert "请填写评选活动名称" in untitled.content.decode()
    assert not Screening.objects.exists()

    client.post("/backoffice/screenings/", {"title": "评选", "file": csv_upload(["姓名", "张三"])})
    screening = Screening.objects.get()
    sheet = client.get(f"/backoffice/screenings/{screening.number}/results.xlsx")
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    book = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert "透明日志检查点" in str(rows[0][1])
    assert rows[3][1] == "张三" and rows[3][4] == "需人工复核"


def test_without_a_cjk_font_no_pdf_is_issued(
    accept: Callable[..., Record], reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(reviewer)
    client.post("/backoffice/screenings/", {"title": "评选", "file": csv_upload(["姓名", "李四"])})
    screening = Screening.objects.get()
    monkeypatch.setattr(pdf_module, "cjk_font", lambda: None)
    page = client.post(f"/backoffice/screenings/{screening.number}/certificate/", follow=True)
    assert "未安装中文字体" in page.content.decode()
    assert not Document.objects.filter(screening=screening).exists()
    assert re.search(r'id="certify"(?! disabled)', page.content.decode())


def test_a_long_list_prints_its_findings_and_the_file_digest(
    accept: Callable[..., Record], reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ric = new_ric()
    accept(subject_name="钱多多", subject_identifier=ric, severity="general")
    monkeypatch.setattr(screenings, "FULL_LIST", 2)
    upload = csv_upload(["姓名,身份证号码", f"钱多多,{ric}", "孙小小,", "周大大,"])
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    client = Client()
    client.force_login(reviewer)
    client.post("/backoffice/screenings/", {"title": "评选", "file": upload})
    screening = Screening.objects.get()
    assert screening.source_sha256 == digest
    client.post(f"/backoffice/screenings/{screening.number}/certificate/")
    certificate = Document.objects.get(screening=screening)
    text = re.sub(r"\s+", "", first_page(document_bytes(certificate)).text)
    assert digest in text and "共3名" in text and "钱多多" in text
    assert "孙小小" not in text and "其余2名（个）候选对象未发现限制其参评的失信记录" in text


def test_a_citizen_id_that_also_reads_as_a_uscc_is_kept_masked() -> None:
    ric = "620102199001012025"  # valid as a citizen ID and as a USCC
    assert shown_identifier(ric) == "620102********2025"
    assert shown_identifier("91110108551385082Q") == "91110108551385082Q"
    assert shown_identifier("not an identifier") == ""


def test_a_confirmed_match_restricts_until_its_measures_end(
    accept: Callable[..., Record], reviewer: User
) -> None:
    person = accept(subject_name="郑重", subject_identifier=new_ric(), severity="general")
    client = Client()
    client.force_login(reviewer)
    client.post(
        "/backoffice/screenings/", {"title": "评选", "file": csv_upload(["姓名", "郑  重"])}
    )
    screening = Screening.objects.get()
    assert screening.results[0]["verdict"] == "review"
    client.post(
        f"/backoffice/screenings/{screening.number}/judge/",
        {"row": "2", "record": person.number, "decision": "confirm", "version": "1"},
    )
    screening.refresh_from_db()
    result = screening.results[0]
    measure = person.measures.get(kind="awards")
    assert result["verdict"] == "restricted" and result["until"] == str(measure.ends_on)
    assert result["matches"][0]["feature_labels"][-1] == "经人工确认"
    assert Judgement.objects.get(record=person).confirmed is True


def test_a_kept_screening_over_the_api(
    accept: Callable[..., Record], reviewer: User, clerk: User
) -> None:
    ric = new_ric()
    person = accept(subject_name="冯静", subject_identifier=ric, severity="general")
    client = Client()
    client.force_login(reviewer)
    body = {
        "title": "2026年度优秀公务员评选",
        "candidates": [
            {"name": "冯静", "identifier": ric},
            {"name": "冯静", "identifier": new_ric(), "unit": "榆中县"},
        ],
    }
    kept = client.post("/api/v1/screenings/kept", body, content_type="application/json")
    assert kept.status_code == 201, kept.content
    answer = kept.json()
    assert answer["counts"] == {"clear": 0, "restricted": 1, "review": 1}
    assert answer["pending"] == 1 and ric not in kept.content.decode()
    number = answer["number"]
    early = client.post(f"/api/v1/screenings/kept/{number}/certificate")
    assert early.status_code == 400 and "待人工复核" in early.json()["detail"]

    judge = {"row": 2, "record_number": person.number, "confirmed": False, "version": 1}
    path = f"/api/v1/screenings/kept/{number}/judgements"
    client.force_login(clerk)  # a clerk screens but does not judge
    assert client.post(path, judge, content_type="application/json").status_code == 403
    client.force_login(reviewer)
    judged = client.post(path, judge, content_type="application/json").json()
    assert judged["counts"] == {"clear": 1, "restricted": 1, "review": 0}
    again = client.post(path, judge, content_type="application/json")
    assert again.status_code == 409  # the version moved on

    issued = client.post(f"/api/v1/screenings/kept/{number}/certificate")
    assert issued.status_code == 201
    pdf = client.get(issued.json()["download_url"])
    assert hashlib.sha256(pdf.content).hexdigest() == issued.json()["sha256"]
    assert client.get(f"/api/v1/screenings/kept/{number}").json()["pending"] == 0


def test_judgements_stay_in_the_judges_division_and_name_only_ones_are_not_reused(
    accept: Callable[..., Record],
    reviewer: User,
    sibling_reviewer: User,
    make_user: Callable[..., User],
) -> None:
    person = accept(subject_name="王伟", subject_identifier=new_ric(), severity="general")
    other = new_ric()
    long_unit = "城关区" + "财政局" * 39  # 120 characters: the key must stay judgeable
    client = Client()
    body = {
        "candidates": [{"name": "王伟", "identifier": other}, {"name": "王伟", "unit": long_unit}]
    }

    def screen_as(user: User) -> list[dict[str, Any]]:
        client.force_login(user)
        answer = client.post("/api/v1/screenings", body, content_type="application/json")
        return list(answer.json())

    first = screen_as(reviewer)
    assert [r["verdict"] for r in first] == ["review", "review"]
    assert len(first[1]["candidate_key"]) <= 128
    for judge in (sibling_reviewer, reviewer):  # 天水 first: its dismissal stays in 天水
        client.force_login(judge)
        for row in first:
            saved = client.post(
                "/api/v1/screenings/judgements",
                {
                    "candidate_key": row["candidate_key"],
                    "record_number": person.number,
                    "confirmed": False,
                },
                content_type="application/json",
            )
            assert saved.status_code == 201
        if judge is sibling_reviewer:
            assert [r["verdict"] for r in screen_as(reviewer)] == ["review", "review"]
    assert Judgement.objects.filter(record=person).count() == 4
    # 兰州's dismissal holds in 兰州 and below, for the candidate with an identifier only.
    assert [r["verdict"] for r in screen_as(reviewer)] == ["clear", "review"]
    county = make_user("reviewer_cg", "reviewer", "620102")
    assert [r["verdict"] for r in screen_as(county)] == ["clear", "review"]
    assert [r["verdict"] for r in screen_as(make_user("office_gs2", "credit_office", "62"))] == [
        "review",
        "review",
    ]


def test_the_best_five_matches_show_and_the_rest_are_one_click_away(
    accept: Callable[..., Record], reviewer: User
) -> None:
    """Every match is kept (no cap drops one); a row shows the first five and folds the rest
    into a <details> the reviewer opens."""
    for _ in range(7):
        accept(subject_name="王伟", subject_identifier=new_ric(), severity="general")
    client = Client()
    client.force_login(reviewer)
    lines = ["姓名,身份证号码,所在单位", "王伟,,七里河区教育局"]
    response = client.post(
        "/backoffice/screenings/", {"title": "同名", "file": csv_upload(lines)}, follow=True
    )
    page = response.content.decode()
    screening = Screening.objects.get()
    assert len(screening.results[0]["matches"]) == 7
    shown, folded = page.split('<details class="more-matches">')
    assert shown.count('<div class="match">') == 5
    assert "另有 2 项匹配" in folded
    assert folded.split("</details>")[0].count('<div class="match">') == 2
