"""Demo progress on the plan's tasks (`govtrust demo`): every task reported on by several units,
some verified, one returned, some still waiting, the rest overdue and escalated."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable
from decimal import Decimal

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.core.identifiers import compose_uscc
from govtrust.core.sheets import workbook, write_cells
from govtrust.directory.models import Government, Level, User
from govtrust.supervision import selectors
from govtrust.supervision.models import (
    Evaluator,
    PlanTask,
    PlanTaskUnit,
    Suggestion,
    SuggestionKind,
)
from govtrust.supervision.services.evaluation import (
    IndicatorIn,
    commission_register,
    evaluator_register,
    scores_upload,
)
from govtrust.supervision.services.plan_tasks import (
    plan_task_assign,
    plan_tasks_escalate,
    progress_report_decide,
    progress_report_submit,
)
from govtrust.supervision.services.suggestions import (
    SuggestionIn,
    suggestion_feedback,
    suggestion_hand_back,
    suggestion_register,
    suggestion_reply,
)

# The prefectures' reviewers act for their governments; the province's credit office, hosted by
# 甘肃省发展和改革委员会, reports for it and verifies the others' reports.
REPORTERS = ("reviewer", "reviewer_tianshui", "reviewer_jiuquan")
OFFICE = "creditoffice"


def _text(task: PlanTask, unit: PlanTaskUnit) -> str:
    return (
        f"{unit.name}落实“{task.title}”：已明确分管领导和责任科室，制定工作方案，"
        "按季度调度进展，相关制度文件和台账已归档备查。"
    )


def plan_tasks_demo(progress: Callable[[str], None]) -> None:
    office = User.objects.get(username=OFFICE)
    year = selectors.default_year(today_beijing())
    group = PlanTaskUnit.objects.filter(task__code="三（二）4", government=None).first()
    if group is not None and office.department_id is not None:
        plan_task_assign(actor=office, group_id=group.pk, department_id=office.department_id)
    reports = 0
    for turn, username in enumerate((*REPORTERS, OFFICE)):
        actor = User.objects.get(username=username)
        for unit in selectors.units_answerable(actor):
            try:
                report = progress_report_submit(
                    actor=actor,
                    unit_id=unit.pk,
                    year=year,
                    text=_text(unit.task, unit),
                    percent=100 if (unit.task.position + turn) % 3 else 70,
                    milestone="制度文件已印发" if unit.task.deadline else "",
                )
            except DomainError as exc:
                progress(f"未能生成任务进展：{exc.detail}")
                continue
            reports += 1
            if actor == office:
                continue  # four eyes: the office does not verify its own reports
            step = (unit.task.position + turn) % 4
            if step in (0, 1):
                progress_report_decide(actor=office, report_id=report.pk, name="verify", version=1)
            elif step == 2:
                progress_report_decide(
                    actor=office,
                    report_id=report.pk,
                    name="return",
                    version=1,
                    reason="请补充制度文件和工作台账等佐证材料",
                )
    escalated = plan_tasks_escalate()
    progress(f"已生成督办任务进展报告 {reports} 份，逾期督办 {escalated} 条")


# ---- deputies' suggestions: one session with items in every state -------------------------

SESSION = "甘肃省第十四届人民代表大会第四次会议"
SUGGESTIONS = (
    # number, title, proposer, government, days since assignment, complex, what then happens
    ("0101", "关于建立政务诚信档案的建议", "王芳", "6201", 20, False, "open"),
    ("0102", "关于清理拖欠企业账款的建议", "李强等5名代表", "6205", 130, False, "open"),
    ("0103", "关于加强招商引资承诺兑现的建议", "张华", "6209", 1, False, "hand_back"),
    ("0104", "关于完善政府采购合同履约监督的建议", "赵敏", "6201", 60, True, "reply"),
    ("0105", "关于推行涉企行政检查“综合查一次”的建议", "刘洋", "6205", 75, False, "satisfied"),
    ("0106", "关于规范政府失信行为认定标准的建议", "陈静", "6201", 80, False, "unsatisfied"),
    ("0107", "关于开展公务员诚信教育培训的建议", "马立新", "6209", 95, False, "basic"),
)
RESULTS = {"reply": "B", "satisfied": "A", "unsatisfied": "C", "basic": "A"}


def suggestions_demo(progress: Callable[[str], None]) -> None:
    """A session of deputies' suggestions in every state: being handled (one overdue), handed
    back, replied awaiting the deputy's view, closed, and handled again. Idempotent."""
    if Suggestion.objects.filter(session=SESSION).exists():
        return
    office = User.objects.get(username=OFFICE)
    answering = {u.scope_code: u for u in User.objects.filter(username__in=REPORTERS)}
    today = today_beijing()
    for number, title, proposer, code, days, complex_item, then in SUGGESTIONS:
        item = suggestion_register(
            actor=office,
            data=SuggestionIn(
                kind=SuggestionKind.DEPUTY,
                session=SESSION,
                number=number,
                title=title,
                proposer=proposer,
                government_code=code,
                assigned_on=today - datetime.timedelta(days=days),
                complex=complex_item,
            ),
        )
        unit = answering[code]
        if then == "hand_back":
            suggestion_hand_back(
                actor=unit,
                pk=item.pk,
                version=1,
                reason="所提事项属省直部门职责，建议改交省发展改革委",
            )
        elif then != "open":
            item = suggestion_reply(
                actor=unit,
                pk=item.pk,
                version=1,
                result=RESULTS[then],
                reply=f"关于“{title}”，我单位已研究制定落实方案，明确责任科室和完成时限，"
                "有关进展将按季度向代表通报。",
            )
            if then in ("satisfied", "unsatisfied", "basic"):
                suggestion_feedback(
                    actor=office, pk=item.pk, version=item.version, satisfaction=then
                )
    progress(f"已生成建议提案演示数据 {len(SUGGESTIONS)} 件（{SESSION}）")


# ---- third-party evaluation: one evaluator's scores of the prefectures ---------------------

EVALUATOR = "甘肃诚信评价研究中心（演示）"
INDICATORS = (
    ("信用信息归集共享", 25),
    ("失信问题整改", 25),
    ("政务承诺履行", 25),
    ("诚信宣传教育", 25),
)


def _score(unit: str, indicator: str, high: int) -> float:
    """A stable demo score between 60 % and 100 % of the indicator's maximum."""
    digest = hashlib.sha256(f"{unit}{indicator}".encode()).digest()
    return round(high * (0.6 + digest[0] / 255 * 0.4), 1)


def evaluation_demo(progress: Callable[[str], None]) -> None:
    """An evaluator commissioned for last year's prefectures, its scores imported twice (the
    second version corrects a score). Idempotent."""
    if Evaluator.objects.filter(name=EVALUATOR).exists():
        return
    office = User.objects.get(username=OFFICE)
    evaluator = evaluator_register(
        actor=office, name=EVALUATOR, uscc=compose_uscc("52", "620100", "MA7DEM01")
    )
    prefectures = list(
        Government.objects.filter(division__level=Level.PREFECTURE).order_by("division_id")
    )
    commission = commission_register(
        actor=office,
        evaluator_id=evaluator.pk,
        year=today_beijing().year - 1,
        scope="各市州政府和兰州新区政务诚信建设情况",
        indicators=[IndicatorIn(name, Decimal(0), Decimal(high)) for name, high in INDICATORS],
        units=[g.division_id for g in prefectures],
    )
    rows = [
        [g.name, name, _score(g.name, name, high)] for g in prefectures for name, high in INDICATORS
    ]
    for version in (1, 2):
        if version == 2:
            rows[0][2] = INDICATORS[0][1]  # the evaluator's correction
        buffer = io.BytesIO()
        book = workbook(buffer, in_memory=True)
        sheet = book.add_worksheet("评估得分")
        write_cells(sheet, 0, 0, ["被评估单位", "评估指标", "得分"])
        for line, row in enumerate(rows, start=1):
            write_cells(sheet, line, 0, row)
        book.close()
        buffer.seek(0)
        scores_upload(
            actor=office,
            commission_id=commission.pk,
            filename=f"第三方评估得分（第{version}版）.xlsx",
            source=buffer,
        )
    progress(f"已生成第三方评估演示数据：{len(prefectures)}个单位×{len(INDICATORS)}项指标")
