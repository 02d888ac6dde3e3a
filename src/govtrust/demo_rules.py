"""Demo records that show the publication rules (docs/rules.md): simple-procedure warnings,
court-list entries of several grounds, a decision under 发改办财金〔2019〕527号, and the penalty
kinds the random records are drawn from."""

from __future__ import annotations

import datetime
from decimal import Decimal

from govtrust.directory.models import User
from govtrust.records.models import (
    Domain,
    PenaltyKind,
    Procedure,
    Severity,
    SourceType,
    SubjectKind,
)
from govtrust.records.schemas import RecordIn

# Penalty kinds of the demo's administrative penalties (the law's class follows from them).
PENALTY_SETS: list[list[PenaltyKind]] = [
    [PenaltyKind.WARNING],
    [PenaltyKind.CRITICISM],
    [PenaltyKind.FINE],
    [PenaltyKind.FINE, PenaltyKind.CONFISCATION],
    [PenaltyKind.LICENSE],
    [PenaltyKind.RESTRICT_PRACTICE],
]


def special_cases(clerk: User, today: datetime.date) -> list[RecordIn]:
    """Records that show the publication rules: simple-procedure warnings (轻微, not on the
    portal), court-list entries of several grounds (ground 1 without an end), and a decision of
    2022 that falls under 发改办财金〔2019〕527号 (its period has ended: not published)."""
    unit = clerk.unit
    common = {
        "subject_kind": SubjectKind.GOVERNMENT,
        "subject_name": unit.name,
        "subject_identifier": str(unit.uscc),
        "domain": Domain.OTHER,
        "authority_uscc": "",
        "basis": "《中华人民共和国行政处罚法》",
    }
    cases: list[dict[str, object]] = [
        {
            "source_type": SourceType.PENALTY,
            "procedure": Procedure.SIMPLE,
            "penalties": [PenaltyKind.WARNING],
            "severity": Severity.MINOR,
            "days": 15,
            "authority_name": f"{unit.division.name}市场监督管理局",
            "facts": "档案资料未按期移交，当场予以警告。",
            "outcome": "警告",
        },
        {
            "source_type": SourceType.PENALTY,
            "procedure": Procedure.SIMPLE,
            "penalties": [PenaltyKind.WARNING],
            "severity": Severity.MINOR,
            "days": 40,
            "authority_name": f"{unit.division.name}消防救援大队",
            "facts": "办公楼消防通道堆放杂物，当场予以警告。",
            "outcome": "警告",
        },
        {
            "source_type": SourceType.DEBTOR_LIST,
            "court_ground": 1,
            "severity": Severity.SERIOUS,
            "days": 500,
            "authority_name": f"{unit.division.name}人民法院",
            "facts": "有履行能力而拒不履行生效判决确定的工程款支付义务。",
            "outcome": "纳入失信被执行人名单",
        },
        {
            "source_type": SourceType.DEBTOR_LIST,
            "court_ground": 6,
            "severity": Severity.SERIOUS,
            "days": 200,
            "authority_name": f"{unit.division.name}人民法院",
            "facts": "无正当理由拒不履行执行和解协议。",
            "outcome": "纳入失信被执行人名单，期限二年",
        },
        {
            "source_type": SourceType.DEBTOR_LIST,
            "court_ground": 2,
            "extension_years": 1,
            "severity": Severity.SERIOUS,
            "days": 100,
            "authority_name": f"{unit.division.name}人民法院",
            "facts": "以暴力方法妨碍执行，情节严重。",
            "outcome": "纳入失信被执行人名单，期限二年并延长一年",
        },
    ]
    payloads = []
    for n, case in enumerate(cases):
        decided = today - datetime.timedelta(days=int(str(case.pop("days"))))
        payloads.append(
            {
                **common,
                **case,
                "decision_date": decided,
                "arose_on": decided,
                "decision_number": f"{unit.division.name[:2]}示〔{decided.year}〕{n + 1}号",
            }
        )
    pre_2023 = datetime.date(2022, 8, 15)
    payloads.append(
        {
            **common,
            "source_type": SourceType.PENALTY,
            "severity": Severity.GENERAL,
            "penalties": [PenaltyKind.FINE],
            "amount": Decimal("3.5"),
            "authority_name": f"{unit.division.name}财政局",
            "decision_date": pre_2023,
            "arose_on": pre_2023,
            "decision_number": f"{unit.division.name[:2]}财罚〔2022〕8号",
            "facts": "违规改变政府采购方式。",
            "outcome": "罚款3.5万元",
        }
    )
    return [RecordIn.model_validate(p) for p in payloads]
