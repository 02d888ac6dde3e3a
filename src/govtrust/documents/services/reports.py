"""Credit reports (信用报告) of a government, department or civil servant.

A subject's records are found by its identifier key (USCC, or the keyed hash of a citizen ID),
so records filed before the subject was in the directory count too. The internal version, for
staff within scope, lists the records in the credit database with their measures,
rectification, objections, repairs and self-corrections. The public version lists only what
the portal shows: published records as published (masked, redacted), their status lines, and
published criticism notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from govtrust.core.errors import DomainError, NotFound
from govtrust.core.protect import lookup_digest
from govtrust.directory import policy
from govtrust.directory.models import CivilServant, Department, Government, User
from govtrust.disclosure.models import PublicationStatus
from govtrust.disclosure.redaction import CompiledRule, redact
from govtrust.disclosure.selectors import publications_public
from govtrust.disclosure.services import active_rules
from govtrust.documents.models import Document, DocumentKind
from govtrust.documents.selectors import notices_published
from govtrust.documents.services.issue import document_issue
from govtrust.measures.models import MeasureStatus
from govtrust.measures.selectors import rule_names
from govtrust.records.models import Record
from govtrust.records.workflow import Status
from govtrust.remedies.models import CaseKind

KINDS = {"government": "政府", "department": "部门", "civil_servant": "公务员"}


@dataclass(frozen=True)
class Subject:
    kind: str
    pk: int
    name: str
    identifier: str  # a USCC, or a masked citizen ID
    key: str
    division_code: str
    unit: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _subject(obj: Government | Department | CivilServant) -> Subject:
    if isinstance(obj, Government):
        return Subject(
            "government", obj.pk, obj.name, obj.uscc or "", obj.uscc or "", obj.division_id
        )
    if isinstance(obj, Department):
        return Subject(
            "department",
            obj.pk,
            obj.name,
            obj.uscc or "",
            obj.uscc or "",
            obj.division_code,
            obj.government.name,
        )
    unit = obj.department.name if obj.department else ""
    return Subject(
        "civil_servant",
        obj.pk,
        obj.name,
        obj.ric_masked,
        obj.ric_digest,
        obj.division_code,
        unit,
    )


_MODELS: dict[str, Any] = {
    "government": Government.objects.select_related("division"),
    "department": Department.objects.select_related("government"),
    "civil_servant": CivilServant.objects.select_related("department"),
}


def subjects_find(user: User, query: str, *, limit: int = 50) -> list[Subject]:
    """Subjects in scope by name (contains), USCC or citizen ID (exact)."""
    query = "".join(query.split())[:40].upper()
    if not query:
        return []
    found: list[Subject] = []
    for kind, qs in _MODELS.items():
        wanted = Q(name__icontains=query)
        wanted |= Q(ric_digest=lookup_digest(query)) if kind == "civil_servant" else Q(uscc=query)
        rows = policy.within(qs.filter(wanted), user)[:limit]
        found += [_subject(obj) for obj in rows]
    return found[:limit]


def subject_get(kind: str, pk: int, user: User) -> Subject:
    if kind not in _MODELS:
        raise NotFound()
    obj = _MODELS[kind].filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    policy.require_reach(user, obj)
    subject = _subject(obj)
    if not subject.key:
        raise DomainError("该主体没有统一社会信用代码，无法汇总其记录")
    return subject


def _records(subject: Subject, user: User, *, public: bool) -> list[Record]:
    """Internal: the accepted records within the issuer's scope. Public: what the portal shows of
    the subject, whoever reported it (the portal knows no scope)."""
    if public:
        shown = publications_public().values("record_id")
        records = Record.objects.filter(subject_key=subject.key, pk__in=shown)
    else:
        records = policy.within(Record.objects.filter(subject_key=subject.key), user).filter(
            status=Status.ACCEPTED
        )
    return list(
        records.select_related("publication", "reporting_department", "reporting_government")
        .prefetch_related("measures", "cases", "self_corrections")
        .order_by("decision_date", "number")
    )


def _publication(record: Record) -> str:
    publication = getattr(record, "publication", None)
    if publication is None:
        return "未公示"
    if publication.status == PublicationStatus.PUBLISHED:
        view = publication.view
        end = view.get("maximum_end") or "人民法院删除之日"  # the court's list may have no end
        return f"公示中（{view['publication_start']} 至 {end}）"
    return f"已撤下（{publication.get_withdraw_reason_display() or '—'}）"


def _internal(
    record: Record, rules: list[CompiledRule], titles: dict[tuple[str, int | None], str]
) -> dict[str, Any]:
    """Free text masked as the portal masks it: facts and descriptions may hold ID numbers.
    A measure names its rule by its Chinese title and version, never by its internal code."""
    measures = list(record.measures.all())
    return {
        "number": record.number,
        "severity": record.get_severity_display(),
        "domain": record.get_domain_display(),
        "source": record.get_source_type_display(),
        "decision": f"{record.authority_name}《{record.decision_number}》{record.decision_date}",
        "facts": redact(record.facts, rules),
        "outcome": redact(record.outcome, rules),
        "reporting_unit": record.reporting_unit,
        "publication": _publication(record),
        "measures": [
            {
                "kind": m.get_kind_display(),
                "status": m.get_status_display(),
                "period": (
                    f"{m.starts_on} 至 {m.ends_on}"
                    if m.ends_on
                    else (f"{m.due_date} 前" if m.due_date else "—")
                ),
                "rule": titles[(m.rule_code, m.rule_version)],
                "late": bool(m.submitted_late),
                "note": m.mitigation_note,
                "open": m.status in (MeasureStatus.ACTIVE, MeasureStatus.SUBMITTED),
            }
            for m in measures
        ],
        "cases": [
            {
                "number": c.number,
                "kind": c.get_kind_display(),
                "status": c.status_label,
                "received": f"{timezone.localtime(c.received_at):%Y-%m-%d}",
            }
            for c in record.cases.all()
            if c.kind in (CaseKind.OBJECTION, CaseKind.REPAIR)
        ],
        "corrections": [
            {
                "kind": s.get_kind_display(),
                "on": str(s.corrected_on),
                "text": redact(s.description, rules),
            }
            for s in record.self_corrections.all()
        ],
    }


def _public(record: Record) -> dict[str, Any]:
    view = record.publication.view
    return {
        "number": record.number,
        "severity": view["severity_label"],
        "domain": view["domain_label"],
        "source": view["source_type_label"],
        "decision": f"{view['authority_name']}《{view['decision_number']}》{view['decision_date']}",
        "facts": view["facts"],
        "outcome": view["outcome"],
        "reporting_unit": view["reporting_unit"],
        "publication": _publication(record),
        "status_line": record.publication.status_line,
    }


def report_content(subject: Subject, user: User, *, public: bool) -> dict[str, Any]:
    records = _records(subject, user, public=public)
    numbers = [r.number for r in records]
    notices = notices_published().filter(record__number__in=numbers) if numbers else []
    rules = active_rules()
    titles = rule_names(
        (m.rule_code, m.rule_version) for r in records if not public for m in r.measures.all()
    )
    items = [_public(r) if public else _internal(r, rules, titles) for r in records]
    return {
        "public": public,
        "subject": {
            "kind": subject.kind_label,
            "name": subject.name,
            "identifier": subject.identifier,
            "unit": subject.unit,
        },
        "as_of": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        "records": items,
        "notices": [
            {"title": d.title, "number": d.content.get("doc_number", ""), "code": d.code}
            for d in notices
        ],
        "summary": {
            "records": len(items),
            "measures_open": sum(m["open"] for r in items for m in r.get("measures", [])),
            "cases": sum(len(r.get("cases", [])) for r in items),
        },
    }


def report_issue(*, kind: str, pk: int, public: bool, actor: User) -> Document:
    policy.require(actor, "documents.issue")
    subject = subject_get(kind, pk, actor)
    label = "政务信用报告（公开版）" if public else "政务信用报告"
    return document_issue(
        kind=DocumentKind.PUBLIC_REPORT if public else DocumentKind.REPORT,
        title=f"{subject.name}{label}",
        content=report_content(subject, actor, public=public),
        division_code=policy.report_division(actor, subject.division_code, public=public),
        actor=actor,
    )
