"""The default measure catalogue, loaded as version 1 of each rule by migration 0002. The kinds
of measure come from the plan; the periods are defaults the credit office adjusts by revising a
rule (which never changes measures already issued)."""

from __future__ import annotations

from typing import Any

PLAN = "《甘肃省关于加强政务诚信建设的实施方案》三(二)5"
MITIGATION = "同上三(二)6：主动挽回损失、消除不良影响或有效阻止危害结果发生的，可从轻或免于惩戒"
BODIES = ["government", "department"]

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "code": "GOV-RECTIFY",
        "title": "书面说明原因并限期整改",
        "subject_kinds": BODIES,
        "measures": [
            {"kind": "explanation", "working_days": 10},
            {"kind": "rectification", "working_days": 30},
        ],
        "legal_source": PLAN + "：书面说明原因并限期加以整改",
    },
    {
        "code": "GOV-HONOURS-M",
        "title": "轻微失信：取消荣誉评选资格6个月",
        "subject_kinds": BODIES,
        "severities": ["minor"],
        "measures": [{"kind": "honours", "months": 6}],
        "legal_source": PLAN + "：依规取消相关政府部门参加各类荣誉评选资格",
    },
    {
        "code": "GOV-HONOURS-G",
        "title": "一般失信：取消荣誉评选资格1年，公开通报批评",
        "subject_kinds": BODIES,
        "severities": ["general"],
        "measures": [{"kind": "honours", "months": 12}, {"kind": "criticism"}],
        "legal_source": PLAN + "：取消荣誉评选资格，予以公开通报批评",
    },
    {
        "code": "GOV-HONOURS-S",
        "title": "严重失信：取消荣誉评选资格3年，通报批评，追究主要负责人责任",
        "subject_kinds": BODIES,
        "severities": ["serious"],
        "measures": [
            {"kind": "honours", "months": 36},
            {"kind": "criticism"},
            {"kind": "accountability"},
        ],
        "legal_source": PLAN + "：取消荣誉评选资格，公开通报批评，依法依规追究主要负责人责任",
    },
    {
        "code": "CS-AWARDS",
        "title": "公务员限制评优评先",
        "subject_kinds": ["civil_servant"],
        "severities": ["general", "serious"],
        "measures": [{"kind": "awards", "months": 12}],
        "mitigation": {"recovered": "halve", "remedied": "halve", "stopped": "lift"},
        "legal_source": PLAN
        + "：对存在政务失信记录的公务员，采取限制评优评先等处理措施；"
        + MITIGATION,
    },
    {
        "code": "CS-AWARDS-M",
        "title": "公务员轻微失信：限制评优评先6个月",
        "subject_kinds": ["civil_servant"],
        "severities": ["minor"],
        "measures": [{"kind": "awards", "months": 6}],
        "mitigation": {"recovered": "lift", "remedied": "lift", "stopped": "lift"},
        "legal_source": PLAN + "：限制评优评先；" + MITIGATION,
    },
]
