"""Serving an evidence file, for the API and the back-office pages alike (both check scope
before calling): always as an attachment, under its cleaned label, with the type it was
judged to be."""

from __future__ import annotations

from django.http import FileResponse

from govtrust.core.errors import NotFound
from govtrust.remedies.models import Evidence
from govtrust.remedies.services.evidence import CONTENT_TYPES, evidence_path


def evidence_response(evidence: Evidence | None) -> FileResponse:
    if evidence is None or not evidence_path(evidence).is_file():
        raise NotFound()
    return FileResponse(
        evidence_path(evidence).open("rb"),
        as_attachment=True,
        filename=evidence.label,
        content_type=CONTENT_TYPES[evidence.kind],
    )
