"""Third-party evaluation: the office registers an evaluator (USCC checked) and a commission;
the evaluator's scores arrive as Excel, whole or not at all (unknown units or indicators, values
out of range, duplicates, unreadable files refused with an error report, nothing written); an
accepted file is kept with its SHA-256 and a re-upload is a new version; the assessment reads the
current version through `scores_for`."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.core.sheets import SheetRefused, workbook, write_cells
from govtrust.directory.models import User
from govtrust.supervision.models import EvaluationCommission, EvaluationScore, ScoreSheet
from govtrust.supervision.selectors_evaluation import scores_for
from govtrust.supervision.services import evaluation as svc
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db
HEADER = ["被评估单位", "评估指标", "得分", "备注"]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("评估得分")
    write_cells(sheet, 0, 0, ["2025年度政务诚信第三方评估"])  # a title row above the header
    write_cells(sheet, 1, 0, header)
    for number, row in enumerate(rows, start=2):
        write_cells(sheet, number, 0, row)
    book.close()
    return buffer.getvalue()


GOOD = [
    ["兰州市人民政府", "信用信息归集", 18.5, ""],
    ["兰州市人民政府", "失信整改", 27, ""],
    ["天水市人民政府", "信用信息归集", 12, "部分数据迟报"],
    ["天水市人民政府", "失信整改", 30, ""],
]


@pytest.fixture(autouse=True)
def var_dir(settings: object, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def commission(office: User) -> EvaluationCommission:
    evaluator = svc.evaluator_register(
        actor=office, name="甘肃诚信评估研究院", uscc=new_uscc("620100")
    )
    return svc.commission_register(
        actor=office,
        evaluator_id=evaluator.pk,
        year=2025,
        scope="各市州政府政务诚信建设情况",
        indicators=svc.parse_indicators("信用信息归集,0,20\n失信整改，0，30"),
        units=["6201", "6205"],
    )


def upload(
    office: User, commission: EvaluationCommission, data: bytes, name: str = "评估.xlsx"
) -> ScoreSheet:
    return svc.scores_upload(
        actor=office, commission_id=commission.pk, filename=name, source=io.BytesIO(data)
    )


def test_evaluator_uscc_is_checked_and_registered_once(office: User) -> None:
    with pytest.raises(DomainError, match=r"校验位|18位"):
        svc.evaluator_register(actor=office, name="某评估公司", uscc="91620100MA7Y000000")
    code = new_uscc("620100")
    done = svc.evaluator_register(actor=office, name="某评估公司", uscc=code.lower())
    assert done.uscc == code and done.division_code == "62"
    with pytest.raises(Conflict, match="已登记"):
        svc.evaluator_register(actor=office, name="另一个名字", uscc=code)
    assert AuditEvent.objects.filter(action="evaluation.evaluator_register").count() == 1


def test_only_the_credit_office_registers(make_user: Callable[..., User]) -> None:
    reviewer = make_user("reviewer_lz", "reviewer", "6201")
    with pytest.raises(Forbidden):
        svc.evaluator_register(actor=reviewer, name="某评估公司", uscc=new_uscc("620100"))


def test_commission_refuses_bad_indicators_and_units(office: User) -> None:
    evaluator = svc.evaluator_register(actor=office, name="某评估公司", uscc=new_uscc("620100"))

    def register(indicators: str, units: list[str]) -> EvaluationCommission:
        return svc.commission_register(
            actor=office,
            evaluator_id=evaluator.pk,
            year=2025,
            scope="范围",
            indicators=svc.parse_indicators(indicators),
            units=units,
        )

    with pytest.raises(DomainError, match="最低分应小于最高分"):
        register("归集,20,0", ["6201"])
    with pytest.raises(DomainError, match="格式"):
        register("归集 20", ["6201"])
    with pytest.raises(DomainError, match="重复"):
        register("归集,0,20\n归集,0,10", ["6201"])
    with pytest.raises(DomainError, match="无此政府"):
        register("归集,0,20", ["9901"])
    with pytest.raises(DomainError, match="无此部门"):
        register("归集,0,20", ["不存在的局"])
    assert not EvaluationCommission.objects.exists()


def test_a_good_sheet_is_kept_with_its_sha256(
    office: User, commission: EvaluationCommission, var_dir: Path
) -> None:
    data = xlsx(GOOD)
    sheet = upload(office, commission, data)
    assert sheet.version == 1 and sheet.rows == 4
    assert sheet.sha256 == hashlib.sha256(data).hexdigest()
    assert svc.sheet_path(sheet).read_bytes() == data
    assert str(svc.sheet_path(sheet)).startswith(str(var_dir / "uploads"))
    values = {(s.unit.name, s.indicator.name): s.value for s in EvaluationScore.objects.all()}
    assert values[("兰州市人民政府", "信用信息归集")] == Decimal("18.50")
    event = AuditEvent.objects.get(action="evaluation.scores_upload")
    assert (event.after or {})["sha256"] == sheet.sha256


def test_a_reupload_is_a_new_version_and_the_assessment_reads_the_latest(
    office: User, commission: EvaluationCommission
) -> None:
    first = upload(office, commission, xlsx(GOOD))
    changed = [[*GOOD[0][:2], 20, ""], *GOOD[1:]]
    second = upload(office, commission, xlsx(changed))
    assert (first.version, second.version) == (1, 2)
    assert svc.sheet_path(first).exists() and svc.sheet_path(second).exists()
    assert EvaluationScore.objects.filter(sheet=first).count() == 4  # never overwritten
    rows = scores_for(2025)
    assert len(rows) == 4 and {r.sheet_version for r in rows} == {2}
    lanzhou = next(r for r in rows if r.unit == "兰州市人民政府" and r.indicator == "信用信息归集")
    assert lanzhou.value == Decimal("20.00") and lanzhou.government_code == "6201"
    assert lanzhou.sha256 == second.sha256 and lanzhou.evaluator == "甘肃诚信评估研究院"
    assert scores_for(2024) == []


def test_scores_for_a_user_stay_in_reach(
    office: User, commission: EvaluationCommission, make_user: Callable[..., User]
) -> None:
    upload(office, commission, xlsx(GOOD))
    tianshui = make_user("office_ts", "credit_office", "6205")
    assert scores_for(2025, tianshui) == []  # commissioned by the province
    assert len(scores_for(2025, office)) == 4


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([*GOOD, ["酒泉市人民政府", "失信整改", 10, ""]], "不在本次委托的单位中"),
        ([*GOOD[:3], ["天水市人民政府", "宣传教育", 10, ""]], "不在本次委托的指标中"),
        ([*GOOD[:3], ["天水市人民政府", "失信整改", 31, ""]], "超出指标“失信整改”的范围（0～30）"),
        ([*GOOD[:3], ["天水市人民政府", "失信整改", -1, ""]], "超出"),
        ([*GOOD[:3], ["天水市人民政府", "失信整改", "优秀", ""]], "不是数字"),
        ([*GOOD, ["兰州市人民政府", "失信整改", 20, ""]], "与第4行重复"),
        ([*GOOD[:3], ["天水市人民政府", "失信整改", "", ""]], "得分为空"),
    ],
)
def test_a_bad_row_refuses_the_whole_sheet_with_a_report(
    office: User, commission: EvaluationCommission, rows: list[list[object]], message: str
) -> None:
    with pytest.raises(SheetRefused) as refused:
        upload(office, commission, xlsx(rows))
    assert "未导入任何数据" in refused.value.detail
    assert any(message in problem for _row, _c, problem in refused.value.problems)
    assert not ScoreSheet.objects.exists() and not EvaluationScore.objects.exists()
    book = CalamineWorkbook.from_filelike(io.BytesIO(refused.value.report))
    lines = book.get_sheet_by_index(0).to_python()
    assert lines[0][0] == "原行号" and lines[0][-1] == "错误说明"
    assert any(message in str(line[-1]) for line in lines[1:])


def test_the_unit_may_be_named_by_its_code_and_names_ignore_spaces(
    office: User, commission: EvaluationCommission
) -> None:
    rows: list[list[object]] = [
        ["6201", "信用信息归集", 1, ""],
        ["天水市 人民政府", "失信 整改", "３０", ""],
    ]
    assert upload(office, commission, xlsx(rows)).rows == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04garbage" * 10, "评估.xlsx", "损坏"),
        (
            "被评估单位,评估指标,得分\n兰州市人民政府,失信整改,1\n".encode() + b"\xff\xfe\x80",
            "评估.csv",
            "编码",
        ),
        (b"\x00\x01\x02binary", "评估.xlsx", "不是表格"),
        ("单位,指标,分数\n兰州,x,1\n".encode(), "评估.csv", "未找到表头"),
        (b"", "评估.xlsx", "文件为空"),
        (b"hello", "评估.pdf", "只支持"),
        (xlsx(GOOD, header=["被评估单位", "评估指标", "分数"]), "评估.xlsx", "表头缺少列：“得分”"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(
    office: User, commission: EvaluationCommission, data: bytes, name: str, message: str
) -> None:
    with pytest.raises(SheetRefused, match=message) as refused:
        upload(office, commission, data, name)
    assert refused.value.report.startswith(b"PK")  # an error report all the same
    assert not ScoreSheet.objects.exists()


def test_a_gbk_csv_is_read(office: User, commission: EvaluationCommission) -> None:
    text = "被评估单位,评估指标,得分\n" + "\n".join(f"{u},{i},{v}" for u, i, v, _n in GOOD)
    sheet = upload(office, commission, text.encode("gbk"), "评估.csv")
    assert sheet.rows == 4


def test_another_office_does_not_reach_the_commission(
    commission: EvaluationCommission, make_user: Callable[..., User]
) -> None:
    tianshui = make_user("office_ts", "credit_office", "6205")
    with pytest.raises(NotFound):
        upload(tianshui, commission, xlsx(GOOD))


def test_pages_register_upload_refuse_and_download(
    office: User, commission: EvaluationCommission, client: Client
) -> None:
    client.force_login(office)
    page = client.get("/backoffice/evaluations/").content.decode()
    assert 'id="evaluator"' in page and "各市州政府政务诚信建设情况" in page
    posted = client.post(
        "/backoffice/evaluations/evaluators", {"name": "第二评估所", "uscc": "bad"}, follow=True
    )
    assert "统一社会信用代码应为18位" in posted.content.decode()
    url = f"/backoffice/evaluations/{commission.pk}/"
    template = client.get(url + "template.xlsx")
    lines = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(template.streaming_content)))  # type: ignore[attr-defined]
    assert len(lines.get_sheet_by_index(0).to_python()) == 5  # header + 2 units x 2 indicators

    bad = io.BytesIO(xlsx([*GOOD, ["酒泉市人民政府", "失信整改", 10, ""]]))
    bad.name = "评估结果.xlsx"
    shown = client.post(url + "upload", {"file": bad}, follow=True).content.decode()
    assert 'id="refusal"' in shown and "不在本次委托的单位中" in shown
    report = client.get(url + "refusal.xlsx")
    assert report.status_code == 200
    assert not ScoreSheet.objects.exists()

    good = io.BytesIO(xlsx(GOOD))
    good.name = "评估结果.xlsx"
    shown = client.post(url + "upload", {"file": good}, follow=True).content.decode()
    assert "已导入第1版评估结果" in shown and 'id="refusal"' not in shown
    sheet = ScoreSheet.objects.get()
    assert sheet.sha256 in shown
    download = client.get(f"{url}sheets/{sheet.pk}")
    assert b"".join(download.streaming_content) == svc.sheet_path(sheet).read_bytes()  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="evaluation.sheet_download").count() == 1


def named(data: bytes, name: str = "评估结果.xlsx") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_api_registers_uploads_and_lists_scores(office: User, client: Client) -> None:
    client.force_login(office)
    made = client.post(
        "/api/v1/evaluators",
        {"name": "甘肃诚信评估研究院", "uscc": new_uscc("620100")},
        content_type="application/json",
    )
    assert made.status_code == 201
    commission = client.post(
        "/api/v1/evaluations",
        {
            "evaluator_id": made.json()["id"],
            "year": 2025,
            "scope": "各市州",
            "indicators": [
                {"name": "信用信息归集", "low": 0, "high": 20},
                {"name": "失信整改", "low": 0, "high": 30},
            ],
            "units": ["6201", "6205"],
        },
        content_type="application/json",
    )
    assert commission.status_code == 201, commission.content
    pk = commission.json()["id"]
    bad = client.post(
        f"/api/v1/evaluations/{pk}/scores",
        {"file": named(xlsx([*GOOD[:3], ["天水市人民政府", "失信整改", 99, ""]]))},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "第6行"
    good = client.post(f"/api/v1/evaluations/{pk}/scores", {"file": named(xlsx(GOOD))})
    assert good.status_code == 201 and good.json()["version"] == 1
    scores = client.get("/api/v1/evaluation-scores?year=2025").json()
    assert len(scores) == 4 and scores[0]["sha256"] == good.json()["sha256"]
    assert len(client.get("/api/v1/evaluations").json()[0]["sheets"]) == 1
