"""The back-office record form. It renders the fields; validation is RecordIn's, the same as the
API's, and its per-field messages are put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import ValidationError

from govtrust.core.money import wan_yuan
from govtrust.core.validation import translate
from govtrust.records.models import (
    CourtGround,
    Domain,
    PenaltyKind,
    Procedure,
    Record,
    SafetyArea,
    Severity,
    SourceType,
    SubjectKind,
)
from govtrust.records.schemas import CHOICES, RecordIn

_DATE = forms.DateInput(attrs={"type": "date"})


class RecordForm(forms.Form):
    subject_kind = forms.ChoiceField(label="主体类型", choices=SubjectKind.choices)
    subject_name = forms.CharField(label="主体名称", max_length=120)
    subject_identifier = forms.CharField(
        label="统一社会信用代码 / 身份证号码",
        max_length=40,
        help_text="政府、部门填统一社会信用代码；公务员填身份证号码",
    )
    source_type = forms.ChoiceField(label="失信来源", choices=SourceType.choices)
    domain = forms.ChoiceField(label="领域", choices=Domain.choices)
    procedure = forms.ChoiceField(
        label="决定程序", choices=Procedure.choices, initial=Procedure.GENERAL
    )
    penalties = forms.MultipleChoiceField(
        label="处罚种类",
        choices=PenaltyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选；含罚款的请填写金额。简易程序只能作出警告或者罚款",
    )
    court_ground = forms.ChoiceField(
        label="失信情形（失信被执行人）",
        choices=[("", "—")] + [(str(v), str(label)) for v, label in CourtGround.choices],
        required=False,
        help_text="法释〔2017〕7号第一条；第一项不设期限，第二至六项纳入期限二年",
    )
    extension_years = forms.ChoiceField(
        label="纳入期限延长（年）",
        choices=[("0", "不延长"), ("1", "1年"), ("2", "2年"), ("3", "3年")],
        required=False,
        initial="0",
    )
    severity = forms.ChoiceField(
        label="严重程度",
        choices=Severity.choices,
        help_text="按决定程序和处罚种类确定法定等级，可以调高，不能调低",
    )
    minor_published = forms.BooleanField(
        label="轻微失信信息确有必要公示",
        required=False,
        help_text="《信用修复管理办法》：轻微失信信息原则上不予公示，确有必要的最长3个月",
    )
    safety_area = forms.ChoiceField(
        label="特殊领域",
        choices=SafetyArea.choices,
        required=False,
        help_text="安全生产、消防安全、特种设备领域最短公示期为1年",
    )
    decision_number = forms.CharField(label="文书号", max_length=100)
    decision_date = forms.CharField(label="决定日期", widget=_DATE)
    authority_name = forms.CharField(label="决定机关", max_length=120)
    authority_uscc = forms.CharField(
        label="决定机关统一社会信用代码", max_length=40, required=False
    )
    facts = forms.CharField(label="失信事实", widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(label="依据", widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.CharField(label="金额（万元）", required=False)
    arose_on = forms.CharField(label="信息产生日期", widget=_DATE)

    def to_schema(self) -> RecordIn | None:
        """Validate through RecordIn; on failure, attach its messages to the fields."""
        raw: dict[str, Any] = {name: self.data.get(name, "") for name in self.fields}
        if not raw["amount"]:
            raw["amount"] = None
        raw.update(period_fields(self.data))
        try:
            return RecordIn.model_validate(raw)
        except ValidationError as exc:
            for error in translate(exc.errors(), CHOICES):
                field = error["field"] if error["field"] in self.fields else None
                self.add_error(field, error["message"])
            return None

    @classmethod
    def initial_from(cls, record: Record) -> dict[str, Any]:
        return {
            "subject_kind": record.subject_kind,
            "subject_name": record.subject_name,
            # A citizen ID is never sent back to the browser: the clerk re-enters it to change it.
            "subject_identifier": record.subject_uscc,
            "source_type": record.source_type,
            "domain": record.domain,
            "severity": record.severity,
            "safety_area": record.safety_area,
            "procedure": record.procedure,
            "penalties": list(record.penalties or []),
            "court_ground": str(record.court_ground or ""),
            "extension_years": str(record.extension_years),
            "minor_published": record.minor_published,
            "decision_number": record.decision_number,
            "decision_date": record.decision_date.isoformat(),
            "authority_name": record.authority_name,
            "authority_uscc": record.authority_uscc,
            "facts": record.facts,
            "basis": record.basis,
            "outcome": record.outcome,
            "amount": wan_yuan(record.amount) or "",
            "arose_on": record.arose_on.isoformat(),
        }


def period_fields(data: Any) -> dict[str, Any]:
    """The period-driving fields of a posted form as RecordIn reads them: the procedure (empty:
    普通程序), the penalty list, the court ground and the extension (empty: none), the checkbox."""
    getlist = getattr(data, "getlist", None)
    penalties = getlist("penalties") if getlist else data.get("penalties") or []
    ground = str(data.get("court_ground") or "").strip()
    extension = str(data.get("extension_years") or "0").strip() or "0"
    return {
        "procedure": data.get("procedure") or "general",
        "penalties": penalties,
        "court_ground": ground or None,
        "extension_years": extension,
        "minor_published": str(data.get("minor_published", "")).lower() in {"on", "true", "1"},
    }
