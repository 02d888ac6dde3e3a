"""The publication rule versions, as data: each names its document and article, the dates it is in
force, the source types it covers and its terms by class. docs/rules.md lists them for people.

A figure found in the text carries the text's citation; a figure without one is local policy
(`Term.policy` says so) and may be changed by the provincial credit office with a new version.
Severity classes: minor 轻微, general 一般, serious 严重. Penalty kinds and procedures use the codes
of records.models (PenaltyKind, Procedure); this module imports nothing so that the engine stays a
set of pure functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

D = datetime.date
SEVERITIES = ("minor", "general", "serious")  # in rising order
TRANSITIONAL = ("lighter", "none")


@dataclass(frozen=True)
class Term:
    """How long a class is published. `None` months: no such bound (no minimum period; or no
    fixed end, the entry ends only when its issuer deletes it)."""

    minimum_months: int | None
    maximum_months: int | None
    published: bool = True
    policy: bool = False  # a figure of local policy, not of the cited text


NOT_PUBLISHED = Term(None, None, published=False)


@dataclass(frozen=True)
class RuleVersion:
    rule_id: str
    version: str
    document: str
    source: str  # document and article behind the figures
    effective_from: datetime.date
    effective_to: datetime.date | None
    source_types: frozenset[str]
    terms: Mapping[str, Term]  # severity -> term
    # Safety areas (work safety, fire safety, special equipment): minimum months, and where from.
    area_minimum_months: int = 0
    area_source: str = ""
    # Minor records published only where the competent department finds it necessary.
    minor_on_request: Term | None = None
    # Lowest class the rule gives a decision: by procedure, then by penalty kind.
    simple_procedure_class: str = ""
    penalty_classes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    classes_source: str = ""
    court_list: bool = False  # terms by the ground of 法释〔2017〕7号 第一条, not by class
    internal: bool = False  # never published unless a version naming a legal basis says so
    # The version's own transitional clause, for decisions made before it took effect:
    # "lighter" — it applies to them only where it is lighter (从旧兼从轻, the default);
    # "none" — it never applies to them (the version in force at the decision keeps them).
    transitional: str = "lighter"
    transitional_source: str = "从旧兼从轻（《行政处罚法》第三十七条所体现的原则；本地政策）"
    # Scope beyond the source type, for versions the provincial credit office adds (a sector
    # rule): the classes it sets terms for and the safety areas it is limited to. Empty: every
    # class / any area (the built-in versions).
    severities: frozenset[str] = frozenset()
    safety_areas: frozenset[str] = frozenset()
    added: bool = False  # entered on the rules page and approved; never one of RULES

    @property
    def label(self) -> str:
        return f"{self.rule_id}@{self.version}"

    def in_force(self, day: datetime.date) -> bool:
        ended = self.effective_to is not None and day > self.effective_to
        return self.effective_from <= day and not ended


def _terms(**terms: Term) -> Mapping[str, Term]:
    return MappingProxyType(terms)


PENALTY_SOURCES = frozenset({"penalty", "judicial", "breach"})
DOC_527 = (
    "《国家发展改革委办公厅关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知》"
    "（发改办财金〔2019〕527号）"
)
DOC_58 = "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）"
DOC_2026 = "《信用修复管理办法》（国家发展改革委令2025年第36号）"
DOC_COURT = "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）"

RULE_527 = RuleVersion(
    rule_id="ndrc-527",
    version="2019-07-01",
    document=DOC_527,
    # The notice's text on the periods was read (信用修复政策 pages quoting it); the number of its
    # section was not: 条款待核.
    source=f"{DOC_527}（条款待核）：一般失信行为的行政处罚信息最短公示3个月、最长1年；"
    "严重失信行为的最短6个月、最长3年，自行政处罚决定之日起计算",
    effective_from=D(2019, 7, 1),
    effective_to=D(2023, 4, 30),
    source_types=PENALTY_SOURCES,
    # The notice has no 轻微 class: a minor record is a general one (local policy).
    terms=_terms(
        minor=Term(3, 12, policy=True),
        general=Term(3, 12),
        serious=Term(6, 36),
    ),
)

RULE_58 = RuleVersion(
    rule_id="ndrc-order-58",
    version="2023-05-01",
    document=DOC_58,
    # Figures as published by 信用中国 with the order (修复指南); the article not found: 条款待核.
    source=f"{DOC_58}（条款待核）：行政处罚信息最短公示期3个月、最长3年",
    effective_from=D(2023, 5, 1),
    effective_to=D(2026, 3, 31),
    source_types=PENALTY_SOURCES,
    # One term for every penalty, whatever its class.
    terms=_terms(minor=Term(3, 36), general=Term(3, 36), serious=Term(3, 36)),
    area_minimum_months=12,
    area_source=f"{DOC_58}（条款待核）：涉及特种设备、安全生产、消防领域的行政处罚信息最短公示期1年",
)

RULE_2026 = RuleVersion(
    rule_id="credit-repair-2026",
    version="2026-04-01",
    document=DOC_2026,
    # 第三条 (repair: 终止公示、停止共享和使用、解除惩戒措施) was read; the articles of the
    # classes and periods (第二章) were not: 条款待核.
    source=f"{DOC_2026}（条款待核）：轻微失信信息原则上不予公示；一般失信信息公示3个月至1年；"
    "严重失信信息公示1年至3年，自司法、行政公务文书认定之日起计算",
    effective_from=D(2026, 4, 1),
    effective_to=None,
    source_types=PENALTY_SOURCES,
    terms=_terms(minor=NOT_PUBLISHED, general=Term(3, 12), serious=Term(12, 36)),
    # "行业主管部门认为确有必要公示的，公示期最长不超过3个月，且法定责任履行完毕即可申请修复"
    minor_on_request=Term(None, 3),
    simple_procedure_class="minor",
    penalty_classes=MappingProxyType(
        {
            "warning": "minor",  # 警告: 轻微 in the text
            "criticism": "minor",  # 通报批评: 轻微 in the text
            "fine": "minor",  # 较大数额 / 巨额 thresholds are sector rules: the clerk raises
            "confiscation": "general",  # 没收违法所得、非法财物: 一般
            "license": "general",  # 暂扣许可证件 一般; 吊销 严重: the clerk raises
            "restrict_practice": "serious",  # 限制从业: 严重
            "stop_production": "general",  # local policy
            "detention": "general",  # local policy
            "other": "minor",
        }
    ),
    classes_source=f"{DOC_2026}（条款待核）：以简易程序作出的行政处罚、警告、通报批评属轻微失信信息",
)

RULE_COURT = RuleVersion(
    rule_id="court-debtors",
    version="2017-05-01",
    document=DOC_COURT,
    source=f"{DOC_COURT}第二条：第一条第二项至第六项情形纳入期限为二年，可延长一至三年；"
    "第一条第一项情形不设期限，至人民法院删除之日止（第十条）",
    effective_from=D(2017, 5, 1),
    effective_to=None,
    source_types=frozenset({"debtor_list"}),
    terms=_terms(),
    court_list=True,
)

INTERNAL_SOURCE = (
    "全国公共信用信息基础目录未列入公务员纪律处分、问责信息，本平台仅内部使用"
    "（本地政策：须由载明法律依据的规则版本方可公示）"
)
RULE_INTERNAL = RuleVersion(
    rule_id="internal-discipline",
    version="2017-01-01",
    document="本平台规则（本地政策）",
    source=INTERNAL_SOURCE,
    effective_from=D(2000, 1, 1),
    effective_to=None,
    source_types=frozenset({"discipline", "accountability"}),
    terms=_terms(minor=NOT_PUBLISHED, general=NOT_PUBLISHED, serious=NOT_PUBLISHED),
    internal=True,
)

RULES: tuple[RuleVersion, ...] = (RULE_527, RULE_58, RULE_2026, RULE_COURT, RULE_INTERNAL)

# 法释〔2017〕7号 第一条: the six grounds of the court's list (ground 1 has no fixed term).
COURT_GROUNDS: dict[int, str] = {
    1: "有履行能力而拒不履行生效法律文书确定义务",
    2: "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    3: "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    4: "违反财产报告制度",
    5: "违反限制消费令",
    6: "无正当理由拒不履行执行和解协议",
}
COURT_TERM_MONTHS = 24  # 第二条第一款
COURT_EXTENSION_YEARS = (1, 2, 3)  # 第二条第二款: 可以延长一至三年
