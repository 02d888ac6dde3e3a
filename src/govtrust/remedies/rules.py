"""Deadlines of each kind of case, as data with their source. The number of working days can be
set per installation (settings named below): the reply time for reports is local policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Clock:
    working_days: int
    setting: str  # overrides `working_days` when set
    label: str
    source: str

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting, self.working_days))


# (kind, the status the clock runs in) -> its clock. A status not listed keeps the clock it had.
# None of these figures is in a text that binds this platform: the Gansu plan fixes only the
# 7-day reporting deadline, and the national texts (国办发〔2025〕22号 三, 《信用修复管理办法》)
# set time limits for applications through "信用中国" whose figures were not verified here. Each
# is therefore local policy, says so, and is configurable by the setting named (docs/rules.md).
LOCAL = "本地政策，可配置"
CLOCKS: dict[tuple[str, str], Clock] = {
    ("objection", "received"): Clock(
        2,
        "GOVTRUST_OBJECTION_ACCEPT_DAYS",
        "受理审查",
        f"信用主管部门收到异议申请后2个工作日内决定是否受理（{LOCAL}）",
    ),
    ("objection", "verifying"): Clock(
        10,
        "GOVTRUST_OBJECTION_VERIFY_DAYS",
        "数据提供单位核实",
        f"数据提供单位10个工作日内核实并反馈（{LOCAL}）",
    ),
    ("repair", "received"): Clock(
        10,
        "GOVTRUST_REPAIR_DECIDE_DAYS",
        "修复审查",
        f"收到信用修复申请之日起10个工作日内作出是否准予修复的决定（{LOCAL}）",
    ),
    # Broken-promise complaints: 发改财金〔2023〕1103号 二（二） asks for forwarding "第一时间"
    # and rectification "立即", with no figure: every period here is local policy.
    ("promise", "received"): Clock(
        5,
        "GOVTRUST_PROMISE_ACCEPT_DAYS",
        "受理",
        f"上级机关收到转交的违约失信投诉后5个工作日内决定是否受理（{LOCAL}）",
    ),
    ("promise", "verifying"): Clock(
        15,
        "GOVTRUST_PROMISE_VERIFY_DAYS",
        "核实认定",
        f"受理后15个工作日内核实认定（发改财金〔2023〕1103号 二（二）；期限为{LOCAL}）",
    ),
    ("promise", "rectifying"): Clock(
        30,
        "GOVTRUST_PROMISE_RECTIFY_DAYS",
        "整改",
        "经核实属实的，被投诉单位在认定机关确定的期限内整改（发改财金〔2023〕1103号 二（二）"
        f"“立即推动整改”；默认30个工作日，{LOCAL}）",
    ),
    ("promise", "reviewing"): Clock(
        10,
        "GOVTRUST_PROMISE_REVIEW_DAYS",
        "整改核验",
        f"被投诉单位报告整改完成后10个工作日内核验（{LOCAL}）",
    ),
    ("report", "received"): Clock(
        15,
        "GOVTRUST_REPORT_REPLY_DAYS",
        "答复",
        f"投诉举报自收到之日起15个工作日内答复（{LOCAL}）",
    ),
}


def repair_exchange_days() -> int:
    """Working days within which an approved repair reaches the sharing platform (local policy,
    setting GOVTRUST_REPAIR_EXCHANGE_DAYS; 《信用修复管理办法》第三条 requires sharing to stop,
    without a figure verified here)."""
    return int(getattr(settings, "GOVTRUST_REPAIR_EXCHANGE_DAYS", 3))


# The rectification period the verifying body may set, in working days (本地政策).
RECTIFY_DAYS_RANGE = (1, 250)

# Sources whose records are not repaired by the credit office: a court list ends by the court.
NOT_REPAIRABLE = {
    "debtor_list": "失信被执行人信息由人民法院依法屏蔽或删除，不适用信用修复",
}

# Abuse control on the public forms (no third-party services).
OPEN_CASES_PER_CONTACT = 5
FILINGS_PER_ADDRESS_PER_HOUR = 10
WRONG_CODES_BEFORE_SLOWDOWN = 5
