"""The audit administrator's page (三员分立: the auditor reads, filters and exports the audit log,
and does nothing else).

Times are entered and shown in Beijing time (Asia/Shanghai, UTC+8), the zone stated on the page
and in the export. The client address is not a column of the chain: sign-in, sign-out and failed
sign-in events carry it in their `after` data, and the address filter searches there.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from govtrust.core.audit import audit_append, audit_seal, audit_verify, canonical
from govtrust.core.http import client_address
from govtrust.core.models import AuditEvent, AuditHead
from govtrust.core.sheets import csv_lines
from govtrust.directory.access import capability_required, staff_user
from govtrust.directory.lists import xlsx_file, xlsx_response

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
ZONE_LABEL = "北京时间 UTC+8"
PAGE_SIZE = 50

_CASE_KINDS = {
    "objection": "异议",
    "repair": "信用修复",
    "report": "举报",
    "promise": "违约失信投诉",
}
_CASE_STEPS = {
    "file": "提交",
    "accept": "受理",
    "refuse": "不予受理",
    "uphold": "认定异议成立",
    "dismiss": "认定异议不成立",
    "approve": "准予修复",
    "reject": "不予修复",
    "substantiate": "认定属实",
    "unsubstantiate": "认定不属实",
    "draft": "转为失信记录草稿",
    "found": "核实属实、责令整改",
    "unfound": "核实不属实",
    "rectify": "报告整改完成",
    "decline": "不予整改（认定违约失信）",
    "default": "逾期未整改（认定违约失信）",
    "confirm": "确认整改履约",
    "deny": "整改不到位（认定违约失信）",
    "draft_failed": "自动生成失信记录草稿未成功",
}
# The actions services write (grep "action=" in src), in words an auditor reads. An action not
# listed is shown by its code only.
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.login_refused": "登录被限制（同一地址失败过多）",
    "auth.mfa": "动态口令验证",
    "user.change": "修改账号",
    "user.enable": "启用账号",
    "user.disable": "停用账号",
    "user.unlock": "解锁账号",
    "user.reset_password": "重置密码",
    "user.change_password": "修改密码",
    "mfa.begin": "开始设置动态口令",
    "mfa.enable": "启用动态口令",
    "mfa.reset": "重置动态口令",
    "session.end": "结束登录会话",
    "token.revoke": "吊销API令牌",
    "publication_rule.propose": "提出公示规则版本",
    "publication_rule.approve": "批准公示规则版本",
    "publication_rule.reject": "驳回公示规则版本",
    "redaction.propose": "提出遮蔽规则变更",
    "redaction.approve": "批准遮蔽规则变更",
    "redaction.reject": "驳回遮蔽规则变更",
    "case.contact_read": "查看举报人联系方式",
    "case.evidence_read": "下载证明材料",
    "case.report.draft": "投诉举报转为记录草稿",
    "document.download": "下载文书",
    "screening.read": "查看审查结果",
    "screening.once": "一次性信用审查（不保存）",
    "user.create": "创建账号",
    "token.create": "创建API令牌",
    "department.create": "创建部门",
    "civil_servant.create": "登记公务员",
    "directory.load_divisions": "加载行政区划",
    "calendar.enter_year": "录入节假日安排",
    "calendar.import": "导入节假日安排文件",
    "directory.import_divisions": "导入行政区划更新",
    "record.create": "新建失信记录",
    "record.update": "修改失信记录",
    "record.submit": "报送失信记录",
    "record.accept": "审核通过失信记录",
    "record.return": "退回失信记录",
    "record.import": "批量导入失信记录",
    "record.correct": "更正失信记录",
    "record.self_correction": "登记主动纠正",
    "record.deadline_recompute": "重算报送期限",
    "record.reveal_identifier": "查看完整证件号码",
    "import.create": "上传批量导入文件",
    "import.finish": "完成批量导入",
    "import.report_download": "下载导入错误报告",
    "publication.publish": "公示",
    "publication.correct": "更正公示",
    "publication.withdraw": "撤销公示",
    "redaction_rule.save": "保存脱敏规则",
    "exchange.build": "生成交换批次",
    "exchange.deliver": "报送交换批次",
    "exchange.feedback": "接收交换反馈",
    "measure.issue": "实施惩戒措施",
    "measure.mitigate": "减轻惩戒措施",
    "measure.lift": "解除惩戒措施",
    "measure.deadline_recompute": "重新计算整改期限",
    "publication.reperiod": "重新确定公示期限",
    "publication.court_deleted": "人民法院删除，结束公示",
    "record.court_deleted": "人民法院删除名单条目（记入记录）",
    "reminder.read": "标记提醒为已读",
    "case.deadline_recompute": "重新计算办理期限",
    "measure.report": "提交整改报告",
    "measure.verify": "整改核验通过",
    "measure.return": "整改报告退回",
    "measure.escalate1": "整改逾期提醒",
    "measure.escalate2": "整改逾期报上级",
    "plan_task.load": "载入实施方案任务",
    "plan_task.assign": "指定任务负责部门",
    "plan_task.escalate1": "督办任务逾期提醒",
    "plan_task.escalate2": "督办任务逾期报上级",
    "plan_report.submit": "提交任务进展报告",
    "plan_report.verify": "核实任务进展报告",
    "plan_report.return": "退回任务进展报告",
    "assessment.run": "运行年度政务诚信考评",
    "assessment.enter": "录入考评指标得分",
    "assessment.approve": "审核通过考评结果",
    "assessment.reject": "驳回考评结果",
    "assessment.publish": "公布考评结果",
    "assessment.objection_file": "提出考评结果异议",
    "assessment.objection_uphold": "认定考评结果异议成立（生成新版本）",
    "assessment.objection_dismiss": "认定考评结果异议不成立",
    "assessment.snapshot_read": "查看考评输入快照",
    "assessment.explain_read": "查看考评得分说明",
    "suggestion.register": "登记建议提案",
    "suggestion.hand_back": "建议提案退回交办",
    "suggestion.reassign": "建议提案重新交办",
    "suggestion.reply": "答复建议提案",
    "suggestion.feedback": "登记代表委员意见",
    "inspection.plan": "制定专项督导计划",
    "inspection.conclude": "结束专项督导",
    "inspection.report": "生成专项督导报告",
    "finding.record": "记录督导发现问题",
    "finding.confirm": "确认督导发现问题",
    "finding.withdraw": "撤销督导发现问题",
    "finding.answer": "答复督导问题整改情况",
    "finding.close": "核验销号督导问题",
    "finding.return": "退回督导问题重新整改",
    "finding.draft": "督导问题转为失信记录草稿",
    "finding.deadline_recompute": "督导问题整改期限随节假日安排重算",
    "finding.remind": "督导问题整改期限提醒",
    "finding.attachment_read": "下载督导问题佐证材料",
    "training.course_create": "登记诚信教育课程",
    "training.session_create": "登记培训场次",
    "training.attendance_register": "登记参训情况",
    "training.import": "导入参训名单",
    "training.import_refused": "参训名单有误未导入",
    "training.coverage_export": "导出诚信教育覆盖率",
    "training.import_report_download": "下载参训名单错误报告",
    "suggestion.import": "导入建议提案交办清单",
    "plan_task.due_recompute": "重算任务年度报告期限",
    "evaluation.evaluator_register": "登记第三方评估机构",
    "evaluation.commission_register": "登记第三方评估委托",
    "evaluation.scores_upload": "导入第三方评估结果",
    "evaluation.sheet_download": "下载第三方评估结果文件",
    "measure_rule.revise": "修订措施规则",
    "notice.draft": "起草通报批评",
    "document.issue": "出具文书",
    "document.supersede": "文书被新出具的文书替代",
    "notice.edit": "修改通报批评草稿",
    "screening.run": "评优评先信用审查",
    "screening.judge": "复核审查结果",
    "reminders.send": "发送期限提醒",
    "case.remind": "发送办理提醒",
    "audit.export": "导出审计日志",
    "list.export": "导出列表（Excel）",
    "backup.create": "创建备份",
    "backup.request": "请求立即备份",
    "backup.restore": "从备份恢复",
    "key.rotate": "轮换密钥",
    "key.retire": "停用旧数据密钥",
    **{
        f"case.{kind}.{step}": f"{kind_label}：{step_label}"
        for kind, kind_label in _CASE_KINDS.items()
        for step, step_label in _CASE_STEPS.items()
    },
}
OUTCOME_LABELS = {"success": "成功", "failure": "失败"}
# What an event acts on (`object_type`), in words; the page shows "账号 12", not "user 12".
OBJECT_LABELS: dict[str, str] = {
    "record": "失信记录",
    "user": "账号",
    "case": "异议、修复、举报或违约失信投诉案件",
    "screening": "信用审查",
    "redaction_change": "遮蔽规则变更",
    "publication_rule_version": "公示规则版本",
    "import_batch": "导入批次",
    "backup": "备份",
    "signing_key": "签名密钥",
    "reminder": "提醒",
    "exchange_batch": "交换批次",
    "document": "文书",
    "division": "行政区划",
    "data_key": "数据密钥",
    "calendar_year": "节假日安排",
    "api_token": "API令牌",
    "measure_rule": "措施规则",
    "department": "部门",
    "civil_servant": "公务员",
    "audit_log": "审计日志",
    "publication": "公示",
    "measure": "惩戒措施",
    "notice": "通报批评",
    "redaction_rule": "遮蔽规则",
    "inspection": "专项督导",
}
# Actors that are not accounts (the system's own jobs), in words.
ACTOR_LABELS: dict[str, str] = {
    "system": "系统",
    "cli": "命令行",
    "worker": "后台任务",
    "exchange": "信用信息交换",
    "public": "社会公众",
}
UNLISTED_ACTION = "其他操作"


@dataclass(frozen=True)
class Shown:
    """An event as the page and the export show it."""

    event: AuditEvent
    at: datetime.datetime  # Beijing time
    label: str
    outcome: str
    address: str
    object: str  # "账号 12"
    actor: str  # the account's name, or what the system's own actors are called


def object_label(object_type: str, object_id: object) -> str:
    kind = OBJECT_LABELS.get(object_type, "其他对象") if object_type else ""
    return f"{kind} {object_id}".strip()


def beijing(moment: datetime.datetime) -> str:
    """A time as the page and the exports print it: Beijing time, to the second."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def shown(event: AuditEvent) -> Shown:
    after = event.after
    return Shown(
        event=event,
        at=event.at.astimezone(BEIJING),
        label=ACTION_LABELS.get(event.action, UNLISTED_ACTION),
        outcome=OUTCOME_LABELS.get(event.outcome, event.outcome),
        address=str(after.get("address", "")) if isinstance(after, dict) else "",
        object=object_label(event.object_type, event.object_id),
        actor=ACTOR_LABELS.get(event.actor, event.actor),
    )


@dataclass(frozen=True)
class AuditFilters:
    """What the auditor asked for, as typed."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: str = ""
    until: str = ""
    address: str = ""

    def values(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


# What the auditor may type (a datetime-local input sends the first), with the span each names:
# "until 08:30" includes the events of that minute, "until 2026-01-31" those of that day.
_MOMENTS = (
    ("%Y-%m-%dT%H:%M", datetime.timedelta(minutes=1)),
    ("%Y-%m-%d %H:%M", datetime.timedelta(minutes=1)),
    ("%Y-%m-%dT%H:%M:%S", datetime.timedelta(seconds=1)),
    ("%Y-%m-%d", datetime.timedelta(days=1)),
)


def _moment(text: str) -> tuple[datetime.datetime, datetime.timedelta] | None:
    """The start (Beijing time) and span of a typed time, or None if it is not one."""
    for pattern, span in _MOMENTS:
        try:
            start = datetime.datetime.strptime(text, pattern).replace(tzinfo=BEIJING)
        except ValueError:
            continue
        # Years far off would overflow once the span is added; no event is that old or new.
        return (start, span) if 2000 <= start.year <= 2100 else None
    return None


def _read(get: QueryDict) -> tuple[AuditFilters, list[str]]:
    """The filters of a query string, and a message for each time that could not be read (that
    time is then left out, never guessed)."""
    typed = {f.name: get.get(f.name, "").strip()[:150] for f in fields(AuditFilters)}
    errors = []
    for name, label in (("since", "起始时间"), ("until", "截止时间")):
        if typed[name] and _moment(typed[name]) is None:
            errors.append(
                f"{label}应为2000至2100年间的时间，如 2026-01-31 或 2026-01-31T08:30，已忽略"
            )
            typed[name] = ""
    return AuditFilters(**typed), errors


def _action_q(typed: str) -> Q:
    """The 操作 filter: the words the page shows (登录 finds 登录, 登录失败, 退出登录 …), or the
    start of an action's code (record. or auth.login) as before."""
    codes = [code for code, label in ACTION_LABELS.items() if typed in label]
    return Q(action__in=codes) | Q(action__startswith=typed)


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the filters select, newest first; `until` includes the minute or day typed."""
    qs = AuditEvent.objects.order_by("-seq")
    if filters.actor:
        qs = qs.filter(actor=filters.actor)
    if filters.action:
        qs = qs.filter(_action_q(filters.action))
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.address:
        qs = qs.filter(after__address=filters.address)
    since = _moment(filters.since)
    if since is not None:
        qs = qs.filter(at__gte=since[0])
    until = _moment(filters.until)
    if until is not None:
        qs = qs.filter(at__lt=until[0] + until[1])
    return qs


@capability_required("audit.read")
def audit_list(request: HttpRequest) -> HttpResponse:
    filters, errors = _read(request.GET)
    page = Paginator(audit_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = QueryDict(mutable=True)
    query.update(filters.values())
    report = audit_verify() if request.GET.get("verify") else None
    return render(
        request,
        "directory/audit.html",
        {
            "page": page,
            "rows": [shown(event) for event in page],
            "filters": filters,
            "errors": errors,
            "query": query.urlencode(),
            "report": report,
            "zone": ZONE_LABEL,
        },
    )


EXPORT_HEADER = [
    "序号",
    f"时间（{ZONE_LABEL}）",
    "操作人",
    "操作代码",
    "操作",
    "对象类型代码",
    "对象",
    "结果",
    "客户端地址",
    "变更前",
    "变更后",
    "前一哈希",
    "哈希",
]


# What the auditor reads of an event's data: its technical fields in full, the business content
# (subjects, facts, decisions, identifiers) by field name only. The auditor reviews who did what
# and when (等保 8.1.4.3) and reads no records by any page (8.1.4.2, separation of duties); the
# full data stays in the chain, whose digests `govtrust audit verify` checks.
TECHNICAL = frozenset(
    {
        "address",
        "status",
        "from_status",
        "to_status",
        "version",
        "through_seq",
        "filters",
        "sessions_ended",
        "lockouts_cleared",
        "role",
        "unit",
        "reason",
        "kind",
        "mode",
        "dry_run",
        "size",
        "sha256",
        "on",
        "level",
        "screening",
        "candidates",
        "restricted",
        "review",
        "rows",
        "format",
    }
)


def fields_shown(payload: object) -> str:
    """An event's data as the auditor reads it: technical values, business fields named only."""
    if not isinstance(payload, dict):
        return "" if payload is None else "（业务数据）"
    parts = [
        f"{key}={canonical(value)}" if key in TECHNICAL else f"{key}=（业务数据）"
        for key, value in sorted(payload.items())
    ]
    return "; ".join(parts)


def _export_rows(events: QuerySet[AuditEvent]) -> Iterator[list[object]]:
    for e in events.iterator(chunk_size=2000):
        row = shown(e)
        yield [
            e.seq,
            beijing(e.at),
            row.actor,
            e.action,
            row.label,
            e.object_type,
            row.object,
            row.outcome,
            row.address,
            fields_shown(e.before),
            fields_shown(e.after),
            e.prev_digest,
            e.digest,
        ]


@capability_required("audit.read")
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """Stream the filtered events, oldest first, as CSV (UTF-8 with a BOM so Excel opens Chinese
    text) or, with `format=xlsx`, as an Excel file (directory/lists.py); formulas neutralised by
    core.sheets either way. The export is itself an audit event; it covers the chain up to the
    event before it, so what it says it exported is what the file holds."""
    excel = request.GET.get("format") == "xlsx"
    user = staff_user(request)
    filters, _errors = _read(request.GET)
    head = AuditHead.objects.filter(id=1).first()
    through = head.seq if head is not None else 0
    events = audit_events(filters).filter(seq__lte=through).order_by("seq")
    audit_append(
        actor=user.username,
        action="audit.export",
        object_type="audit_log",
        object_id=through,
        after={
            "filters": filters.values(),
            "through_seq": through,
            "address": client_address(request),
            **({"format": "xlsx"} if excel else {}),
        },
    )
    audit_seal(reason="export")  # the exported head is signed and anchored in the log
    if excel:
        file = xlsx_file("审计日志", EXPORT_HEADER, _export_rows(events))
        return xlsx_response(file, f"审计日志-至{through}号.xlsx")
    response = StreamingHttpResponse(
        csv_lines(EXPORT_HEADER, _export_rows(events)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
