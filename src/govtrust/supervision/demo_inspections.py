"""Demo inspection round (`govtrust demo`): the provincial credit office's inspection of four
市州 governments and 兰州新区, with findings in every state: awaiting confirmation, being
rectified, answered and awaiting verification, closed, withdrawn, and a serious one turned into
a draft dishonesty record. Idempotent: a second run finds the round and changes nothing."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.supervision.models import Inspection
from govtrust.supervision.services import inspections as svc

TITLE = "政务诚信建设专项督导（演示）"
OFFICE, INSPECTORS = "creditoffice", ("inspector", "inspector2")
ANSWERERS = {"6201": "reviewer", "6205": "reviewer_tianshui", "6209": "reviewer_jiuquan"}
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (government, checklist item, severity, facts, requirement, how far it goes)
FINDINGS = [
    (
        "6201",
        "records_on_time",
        "general",
        "抽查2025年度政务失信记录12条，其中3条超过报送期限，未书面说明原因。",
        "书面说明逾期原因，补报遗漏记录，建立报送台账。",
        "closed",
    ),
    (
        "6201",
        "rectification_done",
        "major",
        "2条失信记录对应的整改措施逾期未完成，整改台账未及时更新。",
        "限期完成整改并更新台账，明确责任人。",
        "answered",
    ),
    (
        "6205",
        "commitments_kept",
        "serious",
        "招商引资项目承诺的厂房租金补贴两年未兑现，企业多次反映未获答复。",
        "兑现政策承诺，向企业书面说明情况，追究相关责任。",
        "draft",
    ),
    (
        "6205",
        "suggestions_answered",
        "general",
        "2件人大代表建议超过答复期限未答复。",
        "尽快答复并说明逾期原因。",
        "recorded",
    ),
    (
        "6209",
        "training_held",
        "general",
        "年度公务员诚信教育培训未列入培训计划，无培训登记。",
        "将诚信教育纳入年度培训计划并组织首期培训。",
        "rectifying",
    ),
    (
        "620171",
        "records_on_time",
        "general",
        "政务失信记录报送台账缺失。",
        "建立报送台账。",
        "withdrawn",
    ),
]


def inspections_demo(progress: Callable[[str], None]) -> None:
    if Inspection.objects.filter(title=TITLE).exists():
        return
    office = User.objects.get(username=OFFICE)
    team = list(User.objects.filter(username__in=INSPECTORS).order_by("username"))
    if len(team) < len(INSPECTORS):
        progress("未能生成专项督导：缺少督查员账号")
        return
    first, second = team
    today = today_beijing()
    try:
        inspection = svc.inspection_plan(
            actor=office,
            data=svc.InspectionIn(
                title=TITLE,
                period_start=today - datetime.timedelta(days=20),
                period_end=today + datetime.timedelta(days=40),
                target_codes=sorted({code for code, *_ in FINDINGS}),
                inspector_ids=[first.pk, second.pk],
                leader_id=first.pk,
            ),
        )
        drafts = 0
        for code, item, severity, facts, requirement, goal in FINDINGS:
            finding = svc.finding_record(
                actor=first,
                inspection_id=inspection.pk,
                data=svc.FindingIn(
                    target_code=code,
                    item_code=item,
                    severity=severity,
                    facts=facts,
                    requirement=requirement,
                ),
                files=[("督导检查记录.pdf", io.BytesIO(EVIDENCE))],
            )
            if goal == "recorded":
                continue
            if goal == "withdrawn":
                svc.finding_withdraw(
                    actor=second, pk=finding.pk, version=1, reason="经核实督导前已建立台账"
                )
                continue
            finding = svc.finding_confirm(actor=second, pk=finding.pk, version=1)
            if goal == "draft":
                svc.finding_to_draft(actor=office, pk=finding.pk)
                drafts += 1
                continue
            if goal in ("answered", "closed"):
                answerer = User.objects.get(username=ANSWERERS[code])
                finding = svc.finding_answer(
                    actor=answerer,
                    pk=finding.pk,
                    version=finding.version,
                    answer="已按要求完成整改，相关制度和台账已建立，佐证材料见附件。",
                    files=[("整改报告.pdf", io.BytesIO(EVIDENCE))],
                )
            if goal == "closed":
                svc.finding_close(actor=second, pk=finding.pk, version=finding.version)
    except DomainError as exc:
        progress(f"未能生成专项督导：{exc.detail}")
        return
    progress(f"已生成专项督导 1 轮，发现问题 {len(FINDINGS)} 个，转为失信记录草稿 {drafts} 条")
