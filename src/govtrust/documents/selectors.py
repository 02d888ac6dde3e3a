"""Reads of issued documents: the staff's, through the access policy, and the portal's notices."""

from __future__ import annotations

from django.db.models import QuerySet

from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.selectors import publications_public
from govtrust.documents.models import Document, DocumentKind, DocumentStatus
from govtrust.measures.models import MeasureStatus


def documents_visible(user: User) -> QuerySet[Document]:
    return policy.within(Document.objects.all(), user)


def notices_visible(user: User) -> QuerySet[Document]:
    return (
        documents_visible(user)
        .filter(kind=DocumentKind.CRITICISM)
        .select_related("record__publication", "measure")
    )


def notices_published() -> QuerySet[Document]:
    """What the portal lists: issued notices whose record the portal shows today (published and
    within its period, even before the daily job runs) and whose measure has not been lifted."""
    return (
        Document.objects.filter(
            kind=DocumentKind.CRITICISM,
            status=DocumentStatus.ISSUED,
            record__publication__in=publications_public(),
        )
        .exclude(measure__status=MeasureStatus.LIFTED)
        .order_by("-issued_at")
    )
