"""Public filing of objections, repair applications and reports, with abuse control.

Every filing is checked completely (rate limits, the record or target, the text, the files)
before anything is written; then the case, its first history line, its files and its audit
event are written in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core import throttle
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, NotFound, Throttled
from govtrust.core.identifiers import check_uscc
from govtrust.core.masking import mask_phone
from govtrust.core.protect import encrypt, lookup_digest
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import Department, Government
from govtrust.disclosure.models import Publication
from govtrust.disclosure.rules.periods import repair_opens
from govtrust.disclosure.selectors import publications_public
from govtrust.records.models import CourtGround, PenaltyKind, Procedure, SafetyArea, Severity
from govtrust.remedies import rules
from govtrust.remedies.models import (
    Case,
    CaseEvent,
    CaseKind,
    PromiseCategory,
    PromiseComplaint,
    PromiseKind,
)
from govtrust.remedies.services.common import (
    clock_start,
    code_digest,
    new_code,
    new_number,
    status_line_refresh,
)
from govtrust.remedies.services.evidence import check_uploads, evidence_store
from govtrust.remedies.workflow import CLOSED

Files = list[tuple[str, IO[bytes]]]

# Fields of a published record an objection can name (and an upheld objection can correct).
OBJECTION_FIELDS = {
    "subject_name": "主体名称",
    "decision_number": "文书号",
    "decision_date": "决定日期",
    "authority_name": "决定机关",
    "facts": "失信事实",
    "basis": "依据",
    "outcome": "处理结果",
    "amount": "金额",
    "procedure": "决定程序",
    "penalties": "处罚种类",
    "severity": "严重程度",
    "safety_area": "特殊领域",
    "court_ground": "失信情形",
    "extension_years": "延长年限",
}
# The choices of the coded fields an upheld objection corrects (the staff form lists them).
CORRECTION_OPTIONS: dict[str, list[tuple[str, str]]] = {
    "procedure": Procedure.choices,
    "penalties": PenaltyKind.choices,
    "severity": Severity.choices,
    "safety_area": [(v, str(label)) for v, label in SafetyArea.choices if v],
    "court_ground": [(str(v), str(label)) for v, label in CourtGround.choices],
    "extension_years": [(str(n), f"{n}年") for n in range(4)],
}
_PHONE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class Filed:
    case: Case
    query_code: str  # shown once to the filer; only its keyed hash is stored


def _contact(contact: Contact | None, *, required: bool) -> dict[str, Any]:
    if contact is None or not (contact.name.strip() or contact.phone.strip()):
        if required:
            raise DomainError("请填写联系人和联系电话", errors=[("contact_phone", "必填")])
        return {}
    name, phone = contact.name.strip()[:40], re.sub(r"[\s-]", "", contact.phone)
    errors = []
    if not name:
        errors.append(("contact_name", "请填写联系人姓名"))
    if not _PHONE.match(phone):
        errors.append(("contact_phone", "联系电话应为11位手机号或带区号的固定电话"))
    if errors:
        raise DomainError("联系方式有误", errors=errors)
    return {
        "contact_name_cipher": encrypt(name),
        "contact_phone_cipher": encrypt(phone),
        "contact_phone_masked": mask_phone(phone),
        "contact_key": lookup_digest(f"contact\n{phone}"),
    }


def _text(content: str) -> str:
    content = plain(content).strip()
    if len(content) < 10:
        raise DomainError("请写明事实和理由（至少10个字）", errors=[("content", "至少10个字")])
    if len(content) > 5000:
        raise DomainError("事实和理由最多5000字", errors=[("content", "最多5000字")])
    return content


def _guard(address: str, honeypot: str) -> None:
    """Honeypot and per-address rate: before any work is done."""
    if honeypot:
        # A form field no person sees was filled: a robot. Refused like a flood, no details.
        raise Throttled("提交未被接受，请稍后再试")
    throttle.limit(
        "case-file",
        address,
        allowed=rules.FILINGS_PER_ADDRESS_PER_HOUR,
        window=3600,
        message="同一网络地址提交过于频繁，请一小时后再试",
    )


def _open_cases(contact_key: str, target: Q) -> None:
    """Open cases per contact, about the same record or body only: the phone number is not
    verified, so counted over all targets anyone could use someone's number to keep them from
    filing about anything (red-team finding); about one target it stops repeated filings."""
    if not contact_key:
        return
    open_cases = (
        Case.objects.filter(target, contact_key=contact_key).exclude(status__in=CLOSED).count()
    )
    if open_cases >= rules.OPEN_CASES_PER_CONTACT:
        raise Throttled(
            f"该联系电话就同一对象已有{open_cases}件正在办理的申请，请办结后再提交",
            retry_after=86400,
        )


def _publication(record_number: str) -> Publication:
    publication = (
        publications_public().select_related("record").filter(number=record_number[:24]).first()
    )
    if publication is None:
        raise NotFound("未找到该公示记录，或已不在公示期内")
    return publication


@transaction.atomic
def _create(case: Case, files: Files, label: str, audit: dict[str, Any]) -> Filed:
    code = new_code()
    case.code_digest = code_digest(case.number, code)
    case.received_at = timezone.now()
    clock_start(case, "received", timezone.localdate(case.received_at))
    case.save()
    CaseEvent.objects.create(
        case=case,
        at=case.received_at,
        actor_label=label,
        action="file",
        to_status=case.status,
        due_date=case.due_date,
    )
    stored = evidence_store(files, case=case)
    audit_append(
        actor="public",
        action=f"case.{case.kind}.file",
        object_type="case",
        object_id=case.number,
        # No personal data in the audit chain: it is kept for years and read by auditors.
        after={**audit, "status": case.status, "due": case.due_date, "files": len(stored)},
    )
    return Filed(case, code)


def objection_file(
    *,
    record_number: str,
    applicant_role: str,
    contact: Contact,
    fields: list[str],
    content: str,
    files: Files,
    address: str,
    honeypot: str = "",
) -> Filed:
    if applicant_role not in {"subject", "public"}:
        raise DomainError("请选择申请人身份", errors=[("applicant_role", "主体本人或社会公众")])
    data = _contact(contact, required=True)
    _guard(address, honeypot)
    publication = _publication(record_number)
    _open_cases(data["contact_key"], Q(record_id=publication.record_id))
    unknown = [f for f in fields if f not in OBJECTION_FIELDS]
    if not fields or unknown:
        raise DomainError("请选择有异议的内容", errors=[("fields", "从列出的字段中选择")])
    text = _text(content)
    check_uploads(files)
    case = Case(
        number=new_number(CaseKind.OBJECTION, timezone.localdate()),
        kind=CaseKind.OBJECTION,
        status="received",
        record=publication.record,
        target_name=publication.view.get("subject_name", ""),
        division_code=publication.division_code,
        applicant_role=applicant_role,
        fields=list(dict.fromkeys(fields)),
        content=text,
        **data,
    )
    return _create(case, files, "申请人", {"record": publication.number, "fields": case.fields})


def commitment_text(
    *, subject_name: str, record_number: str, signer: str, day: datetime.date
) -> str:
    """The public credit commitment (信用承诺书) a repair applicant signs, from one template."""
    return (
        "信用承诺书\n\n"
        f"本单位（本人）{subject_name}就失信记录 {record_number} 申请信用修复，现郑重承诺：\n"
        "一、所提交的申请材料真实、准确、完整，不存在虚假记载或重大遗漏；\n"
        "二、失信行为已纠正，相关法定责任和义务已履行完毕；\n"
        "三、今后严格遵守法律法规，依法履职、诚信守诺，不再发生同类失信行为；\n"
        "四、自愿接受社会监督，如违反本承诺，愿意承担相应的法律责任，"
        "并同意将违诺情况记入政务诚信记录。\n\n"
        f"承诺人：{signer}\n日期：{day:%Y年%m月%d日}\n"
    )


def repair_eligibility(publication: Publication, today: datetime.date) -> None:
    """Refuse at once, saying why and from when, an application that cannot succeed."""
    reason = rules.NOT_REPAIRABLE.get(publication.source_type)
    if reason:
        raise DomainError(f"该记录不能申请信用修复：{reason}")
    opens = repair_opens(publication.minimum_end)
    if opens is not None and today < opens:
        raise DomainError(
            f"尚未届满最短公示期，请于{opens:%Y年%m月%d日}起申请信用修复",
            errors=[("record_number", f"可申请日期：{opens.isoformat()}")],
        )
    busy = Case.objects.filter(record_id=publication.record_id, kind=CaseKind.REPAIR)
    if busy.exclude(status__in=CLOSED).exists():
        raise DomainError("该记录已有正在办理的信用修复申请")


def repair_apply(
    *,
    record_number: str,
    contact: Contact,
    content: str,
    signer: str,
    commitment_signed: bool,
    files: Files,
    address: str,
    honeypot: str = "",
) -> Filed:
    data = _contact(contact, required=True)
    _guard(address, honeypot)
    publication = _publication(record_number)
    _open_cases(data["contact_key"], Q(record_id=publication.record_id))
    today = timezone.localdate()
    repair_eligibility(publication, today)
    text = _text(content)
    signer = signer.strip()[:60]
    if not signer or not commitment_signed:
        raise DomainError(
            "请阅读并签署信用承诺书", errors=[("commitment_signed", "须签署信用承诺书")]
        )
    if not files:
        raise DomainError(
            "请上传失信行为已纠正、义务已履行的证明材料", errors=[("files", "至少一个附件")]
        )
    check_uploads(files)
    commitment = commitment_text(
        subject_name=publication.view.get("subject_name", ""),
        record_number=publication.number,
        signer=signer,
        day=today,
    )
    case = Case(
        number=new_number(CaseKind.REPAIR, today),
        kind=CaseKind.REPAIR,
        status="received",
        record=publication.record,
        target_name=publication.view.get("subject_name", ""),
        division_code=publication.division_code,
        applicant_role="subject",
        content=text,
        commitment_text=commitment,
        commitment_sha256=hashlib.sha256(commitment.encode()).hexdigest(),
        **data,
    )
    filed = _create(case, files, "申请人", {"record": publication.number})
    status_line_refresh(publication)
    return filed


def report_file(
    *,
    government_id: int | None,
    department_id: int | None,
    anonymous: bool,
    contact: Contact | None,
    content: str,
    files: Files,
    address: str,
    honeypot: str = "",
) -> Filed:
    data = {} if anonymous else _contact(contact, required=True)
    _guard(address, honeypot)
    if department_id:
        department = (
            Department.objects.select_related("government").filter(pk=department_id).first()
        )
        if department is None:
            raise NotFound("未找到被投诉举报的部门")
        government, name = department.government, department.name
        division = department.division_code
    elif government_id:
        found = Government.objects.filter(pk=government_id).first()
        if found is None:
            raise NotFound("未找到被投诉举报的政府")
        government, department, name, division = found, None, found.name, found.division_id
    else:
        raise DomainError("请选择被投诉举报的政府或部门", errors=[("government_id", "必选")])
    _open_cases(data.get("contact_key", ""), Q(target_government=government))
    text = _text(content)
    check_uploads(files)
    case = Case(
        number=new_number(CaseKind.REPORT, timezone.localdate()),
        kind=CaseKind.REPORT,
        status="received",
        target_government=government,
        target_department=department,
        target_name=name,
        # Routed to the credit office of the government responsible for the target.
        division_code=division,
        anonymous=anonymous,
        applicant_role="" if anonymous else "public",
        content=text,
        **data,
    )
    return _create(case, files, "举报人", {"target": name, "anonymous": anonymous})


def _promise_target(
    government_id: int | None, department_id: int | None
) -> tuple[Government, Department | None, Government]:
    """The accused unit and the body above it that verifies (policy.promise_verifying_body)."""
    department: Department | None = None
    if department_id:
        department = (
            Department.objects.select_related("government").filter(pk=department_id).first()
        )
        if department is None:
            raise NotFound("未找到被投诉的部门")
        government = department.government
    elif government_id:
        found = Government.objects.filter(pk=government_id).first()
        if found is None:
            raise NotFound("未找到被投诉的政府")
        government = found
    else:
        raise DomainError("请选择被投诉的政府或部门", errors=[("government_id", "必选")])
    above = policy.promise_verifying_body(government.division_id, department is not None)
    verifier = Government.objects.filter(division_id=above).first() if above else None
    if verifier is None:
        raise DomainError(
            "对甘肃省人民政府的违约失信投诉，其上级机关不在本平台，请通过国家有关渠道反映",
            errors=[("government_id", "请选择省政府的部门或下级政府")],
        )
    return government, department, verifier


def _amount(value: str, *, required: bool) -> Decimal | None:
    text = value.strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            raise DomainError("拖欠账款须填写拖欠金额", errors=[("amount", "必填（元）")])
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError("金额应为数字（元）", errors=[("amount", "例如 1250000.00")]) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e13"):
        raise DomainError("金额应大于0且不超过一万亿元", errors=[("amount", "金额不合理")])
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("金额最多保留两位小数（元、角、分）", errors=[("amount", "最多两位小数")])
    return amount


def _promised_on(value: str) -> datetime.date | None:
    if not value.strip():
        return None
    try:
        day = datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise DomainError(
            "日期格式应为 年-月-日", errors=[("promised_on", "例如 2023-05-01")]
        ) from None
    if day > timezone.localdate() or day.year < 1980:
        raise DomainError("签订或承诺日期不合理", errors=[("promised_on", "不能晚于今天")])
    return day


def _firm(name: str, uscc: str) -> tuple[str, str]:
    name = plain(name).strip()
    errors = []
    if not 2 <= len(name) <= 120:
        errors.append(("firm_name", "请填写企业全称（2至120字）"))
    checked = check_uscc(uscc)
    if not checked.valid:
        errors.append(("firm_uscc", checked.message))
    elif checked.normalized[0] == "1":  # 机构编制 registers organs: a government is no complainant
        errors.append(("firm_uscc", "投诉人应为企业等经营主体，不能是机关"))
    if errors:
        raise DomainError("企业信息有误", errors=errors)
    return name, checked.normalized


def promise_file(
    *,
    government_id: int | None,
    department_id: int | None,
    category: str,
    promise_kind: str,
    firm_name: str,
    firm_uscc: str,
    amount: str,
    promised_on: str,
    contact: Contact,
    content: str,
    files: Files,
    address: str,
    honeypot: str = "",
) -> Filed:
    """A firm complains that a government or department broke a contract or a policy promise
    (发改财金〔2023〕1103号 二（一）). It goes at once to the body above the accused unit, which
    verifies it (二（二）“第一时间转交至被投诉主体的上级部门或主管部门开展核实认定”). Named, never
    anonymous: the verifying body must be able to reach the firm."""
    data = _contact(contact, required=True)
    _guard(address, honeypot)
    name, uscc = _firm(firm_name, firm_uscc)
    if category not in PromiseCategory.values:
        raise DomainError("请选择领域", errors=[("category", "从列出的领域中选择")])
    if promise_kind not in PromiseKind.values:
        raise DomainError("请选择承诺类型", errors=[("promise_kind", "合同约定或政策承诺")])
    money = _amount(amount, required=category == PromiseCategory.ARREARS)
    day = _promised_on(promised_on)
    government, department, verifier = _promise_target(government_id, department_id)
    _open_cases(data["contact_key"], Q(target_government=government, kind=CaseKind.PROMISE))
    text = _text(content)
    check_uploads(files)
    accused_name = department.name if department else government.name
    case = Case(
        number=new_number(CaseKind.PROMISE, timezone.localdate()),
        kind=CaseKind.PROMISE,
        status="received",
        target_government=government,
        target_department=department,
        target_name=accused_name,
        division_code=verifier.division_id,  # the verifying body's scope (policy.OWNERS)
        applicant_role="firm",
        content=text,
        **data,
    )
    with transaction.atomic():
        filed = _create(
            case,
            files,
            "投诉企业",
            {"target": accused_name, "verifier": verifier.name, "category": category},
        )
        PromiseComplaint.objects.create(
            case=filed.case,
            category=category,
            promise_kind=promise_kind,
            firm_name=name,
            firm_uscc=uscc,
            amount=money,
            promised_on=day,
            accused_division_code=department.division_code
            if department
            else government.division_id,
            verifier=verifier,
        )
    return filed
