"""Public criticism notices (通报批评, plan 三(二)5).

A notice is drafted in the accept transaction for every criticism measure a rule issues. The
credit office previews the draft, may edit its title and its requirements, and publishes it once
the record itself is on the portal: its text is taken from the record's public view (identifiers
masked, personal data redacted), never from the raw record, so a notice discloses nothing the
portal does not. It stays on the portal while the record is published and the measure has not
been lifted.

Numbers (文号) run 1, 2, 3 ... per issuing government and year with no gaps: the number is taken
at publication from the issuer's counter row, locked in the publishing transaction (SELECT ...
FOR UPDATE on PostgreSQL; SQLite serialises writers), and rendered into the PDF inside that
transaction, so a publication that fails or is rolled back gives its number back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.freshness import public_changed
from govtrust.disclosure.selectors import publications_public
from govtrust.documents.models import Document, DocumentKind, DocumentStatus, NoticeCounter
from govtrust.documents.selectors import notices_visible
from govtrust.documents.services.issue import issue_finish, new_code, render
from govtrust.documents.workflow import TRANSITIONS
from govtrust.measures.models import Measure, MeasureKind, MeasureStatus
from govtrust.records.models import Record

# What the notice asks of the unit, unless the credit office words it otherwise in the draft.
DEFAULT_REQUIREMENTS = (
    "请该单位深刻汲取教训，按期书面说明失信原因并完成整改，整改情况报送信用主管部门核验。"
    "各地各部门要引以为戒，切实履行承诺，坚决杜绝类似问题发生。"
)
REQUIREMENTS_MAX = 1000
# 本地政策 (configurable): the prefix of each issuing government's notice numbers, by its
# division code (GOVTRUST_NOTICE_PREFIXES); a government not listed uses its name less
# 人民政府, plus 信通 (兰州市信通〔2026〕1号).
DEFAULT_PREFIXES = {"62": "甘政信通"}
PENDING_NUMBER = "（文号在发布时按序编号）"


def notice_drafts(record: Record, actor: User) -> list[Document]:
    """Drafts for the record's criticism measures that have none yet (called when measures are
    issued; cheap: nothing is rendered until the credit office publishes)."""
    measures = Measure.objects.filter(
        record=record, kind=MeasureKind.CRITICISM, notice__isnull=True
    )
    drafts = [
        Document.objects.create(
            code=new_code(),
            kind=DocumentKind.CRITICISM,
            status=DocumentStatus.DRAFT,
            title=f"关于对{record.subject_name}的通报批评"[:160],
            content={},
            division_code=record.division_code,
            record=record,
            measure=measure,
        )
        for measure in measures
    ]
    if drafts:
        audit_append(
            actor=actor.username,
            action="notice.draft",
            object_type="record",
            object_id=record.number,
            after={"notices": [d.code for d in drafts]},
        )
    return drafts


def notice_prefix(actor: User) -> str:
    prefixes = getattr(settings, "GOVTRUST_NOTICE_PREFIXES", None) or DEFAULT_PREFIXES
    found = prefixes.get(actor.scope_code)
    if found:
        return str(found)
    name = actor.unit.name.removesuffix("人民政府") or actor.unit.name
    return f"{name}信通"


def _draft(code: str, actor: User) -> Document:
    policy.require(actor, "notices.publish")
    document = notices_visible(actor).filter(code=code[:24]).first()
    if document is None or document.record is None or document.measure is None:
        raise NotFound()
    return document


def _publication_view(document: Document) -> dict[str, Any]:
    publication = publications_public().filter(record=document.record).first()
    if publication is None:
        raise DomainError("该记录未在门户公示：通报批评须在记录公示期内发布")
    return dict(publication.view)


def notice_get(*, code: str, actor: User) -> Document:
    """A notice within the credit office's reach, draft or published (for its page)."""
    return _draft(code, actor)


def notice_preview(*, document: Document, actor: User) -> dict[str, Any]:
    """What the notice will say if published now (the number comes at publication): the same
    template the portal and the PDF use. Raises DomainError while the record is not public."""
    if document.status != DocumentStatus.DRAFT:
        return {**document.content, "issued_at": document.issued_at}
    assert document.measure is not None  # noqa: S101 (_draft refuses a notice without one)
    return {
        "view": _publication_view(document),
        "doc_number": PENDING_NUMBER,
        "legal_source": document.measure.legal_source,
        "issuer": actor.unit_label,
        "requirements": document.content.get("requirements") or DEFAULT_REQUIREMENTS,
        "issued_at": timezone.now(),
    }


def notice_preview_pdf(*, code: str, actor: User) -> bytes:
    """The draft rendered as a sample PDF (marked 样稿, no verification code); nothing stored."""
    document = _draft(code, actor)
    if document.status != DocumentStatus.DRAFT:
        raise DomainError("该通报已发布，请下载正式文件")
    context = notice_preview(document=document, actor=actor)
    sample = Document(
        code="样稿", kind=DocumentKind.CRITICISM, title=document.title, content=context
    )
    return render(sample, issued_at=context["issued_at"], issuer=actor.unit_label, sample=True)


def notice_edit(*, code: str, title: str, requirements: str, version: int, actor: User) -> Document:
    """Change a draft's title and requirements; refused once published or if changed since."""
    document = _draft(code, actor)
    title = " ".join(plain(title).split())
    requirements = plain(requirements).strip()
    errors = []
    if not title:
        errors.append(("title", "请填写标题"))
    elif len(title) > 160:
        errors.append(("title", "标题不超过160字"))
    if len(requirements) > REQUIREMENTS_MAX:
        errors.append(("requirements", f"处理要求不超过{REQUIREMENTS_MAX}字"))
    if errors:
        raise DomainError("；".join(message for _field, message in errors), errors=errors)
    content = {**document.content, "requirements": requirements}
    with transaction.atomic():
        transition_apply(
            Document,
            pk=document.pk,
            transition=TRANSITIONS["edit"],
            state=document.status,
            version=version,
            conflict="该通报已发布或已被他人修改，请刷新后再改",
            title=title,
            content=content,
        )
        audit_append(
            actor=actor.username,
            action="notice.edit",
            object_type="document",
            object_id=document.code,
            before={"title": document.title},
            after={"title": title, "requirements": requirements},
        )
    document.refresh_from_db()
    return document


def notice_number_take(issuer: str, year: int) -> int:
    """The issuer's next number for the year, from its counter row locked until the caller's
    transaction ends (so a rollback gives the number back, and no two take the same one)."""
    NoticeCounter.objects.bulk_create(
        [NoticeCounter(issuer=issuer, year=year)], ignore_conflicts=True
    )
    counter = NoticeCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last += 1
    NoticeCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return counter.last


def notice_publish(*, code: str, actor: User, version: int | None = None) -> Document:
    """Publish a draft: its number taken from the issuer's counter, the PDF rendered and stored,
    all in one transaction. `version` (from the preview page) refuses a draft edited since."""
    document = _draft(code, actor)
    if document.status != DocumentStatus.DRAFT:
        raise DomainError("该通报已发布")
    assert document.measure is not None  # noqa: S101 (_draft refuses a notice without one)
    view = _publication_view(document)
    if document.measure.status == MeasureStatus.LIFTED:
        raise DomainError("该措施已因主动纠错免除，不再发布通报")
    if version is not None and version != document.version:
        raise DomainError("该通报草稿已被修改，请查看最新内容后再发布")
    requirements = document.content.get("requirements") or DEFAULT_REQUIREMENTS
    with transaction.atomic():
        transition_apply(
            Document,
            pk=document.pk,
            transition=TRANSITIONS["publish"],
            state=document.status,
            version=document.version,
            conflict="该通报已发布或已被他人修改",
        )
        document.version += 1  # the row is this request's now; the rest is saved with it
        document.issued_at = timezone.now()
        year = timezone.localtime(document.issued_at).year
        number = notice_number_take(actor.scope_code, year)
        document.content = {
            "view": view,
            "doc_number": f"{notice_prefix(actor)}〔{year}〕{number}号",
            "legal_source": document.measure.legal_source,
            "issuer": actor.unit_label,
            "requirements": requirements,
        }
        pdf = render(document, issued_at=document.issued_at, issuer=actor.unit_label)
        issue_finish(document, pdf, actor)
        public_changed()  # the portal home lists the latest notices (a cached public page)
    return document
