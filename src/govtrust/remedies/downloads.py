"""Serving an evidence file, for the API and the back-office pages alike (both check scope
before calling): always as an attachment, under its cleaned label, with the type it was
judged to be."""

from __future__ import annotations

from django.http import FileResponse

from govtrust.core.errors import NotFound
from govtrust.remedies.services.evidence import CONTENT_TYPES, Stored, evidence_path


def evidence_response(evidence: Stored | None) -> FileResponse:
    """Any stored attachment (case evidence, a plan task report's files), found in scope."""
    if evidence is None or not evidence_path(evidence).is_file():
        raise NotFound()
    return FileResponse(
        evidence_path(evidence).open("rb"),
        as_attachment=True,
        filename=evidence.label,
        content_type=CONTENT_TYPES[evidence.kind],
    )
