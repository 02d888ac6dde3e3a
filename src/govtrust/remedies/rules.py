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
CLOCKS: dict[tuple[str, str], Clock] = {
    ("objection", "received"): Clock(
        2,
        "GOVTRUST_OBJECTION_ACCEPT_DAYS",
        "受理审查",
        "信用主管部门收到异议申请后2个工作日内决定是否受理"
        "（domain.md §5，广州市公共信用信息异议处理实践）",
    ),
    ("objection", "verifying"): Clock(
        10,
        "GOVTRUST_OBJECTION_VERIFY_DAYS",
        "数据提供单位核实",
        "数据提供单位10个工作日内核实并反馈（domain.md §5）",
    ),
    ("repair", "received"): Clock(
        10,
        "GOVTRUST_REPAIR_DECIDE_DAYS",
        "修复审查",
        "申请材料齐全之日起10个工作日内作出是否准予修复的决定（domain.md §5，信用修复管理办法）",
    ),
    ("report", "received"): Clock(
        15,
        "GOVTRUST_REPORT_REPLY_DAYS",
        "答复",
        "投诉举报自收到之日起15个工作日内答复（地方规定，可配置；domain.md §5）",
    ),
}

# An approved repair reaches the sharing platform within this many working days (domain.md §5).
REPAIR_EXCHANGE_DAYS = 3

# Sources whose records are not repaired by the credit office: a court list ends by the court.
NOT_REPAIRABLE = {
    "debtor_list": "失信被执行人信息由人民法院依法屏蔽或删除，不适用信用修复",
}

# Abuse control on the public forms (no third-party services).
OPEN_CASES_PER_CONTACT = 5
FILINGS_PER_ADDRESS_PER_HOUR = 10
WRONG_CODES_BEFORE_SLOWDOWN = 5
