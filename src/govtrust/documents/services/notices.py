"""Public criticism notices (通报批评, plan 三(二)5).

A notice is drafted in the accept transaction for every criticism measure a rule issues, and
published by the credit office once the record itself is on the portal: its text is taken from
the record's public view (identifiers masked, personal data redacted), never from the raw
record, so a notice discloses nothing the portal does not. It stays on the portal while the
record is published and the measure has not been lifted.
"""

from __future__ import annotations

from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.freshness import public_changed
from govtrust.disclosure.selectors import publications_public
from govtrust.documents.models import Document, DocumentKind, DocumentStatus
from govtrust.documents.selectors import notices_visible
from govtrust.documents.services.issue import document_publish, new_code
from govtrust.measures.models import Measure, MeasureKind, MeasureStatus
from govtrust.records.models import Record


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


def notice_publish(*, code: str, actor: User) -> Document:
    policy.require(actor, "notices.publish")
    document = notices_visible(actor).filter(code=code[:24]).first()
    if document is None or document.record is None or document.measure is None:
        raise NotFound()
    if document.status != DocumentStatus.DRAFT:
        raise DomainError("该通报已发布")
    publication = publications_public().filter(record=document.record).first()
    if publication is None:
        raise DomainError("该记录未在门户公示：通报批评须在记录公示期内发布")
    if document.measure.status == MeasureStatus.LIFTED:
        raise DomainError("该措施已因主动纠错免除，不再发布通报")
    view = publication.view
    year = timezone.localdate().year
    document.title = f"关于对{view['subject_name']}的通报批评"[:160]
    document.content = {
        "view": view,
        # Unique without a counter to contend for: the document's own row number.
        "doc_number": f"甘政信通〔{year}〕{document.pk}号",
        "legal_source": document.measure.legal_source,
        "issuer": actor.unit_label,
    }
    published = document_publish(document=document, actor=actor)
    public_changed()  # the portal home lists the latest notices (a cached public page)
    return published
