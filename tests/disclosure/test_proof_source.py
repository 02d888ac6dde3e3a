"""The proof endpoint reads its publication with the selector's statement compiled once: it
finds exactly what `publication_public_get` finds, and refuses what it refuses."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.errors import NotFound
from govtrust.disclosure import selectors
from govtrust.disclosure.models import Publication, PublicationStatus
from tests.remedies.conftest import office, published

__all__ = ["office", "published"]
pytestmark = pytest.mark.django_db


def _same_answer(number: str) -> bool | None:
    """True/False: both found it (and agree on what), None: both refused it."""
    try:
        orm = selectors.publication_public_get(number)
    except NotFound:
        with pytest.raises(NotFound):
            selectors.publication_proof_source(number)
        return None
    source = selectors.publication_proof_source(number)
    return (source.leaf_index, source.salt, source.view) == (
        orm.leaf_index,
        bytes(orm.salt),
        orm.view,
    )


def test_the_compiled_statement_answers_as_the_selector(
    published: Callable[..., Publication], client: Client
) -> None:
    """Given records on the portal, one withdrawn, one past its period (the daily job not yet
    run) and one whose period ends today, then the proof's read finds the same publications
    as the selector, with the same leaf, salt and view, and the endpoint answers 404 for the
    others."""
    on, withdrawn, expired, last_day = (published() for _ in range(4))
    today = timezone.localdate()
    Publication.objects.filter(pk=withdrawn.pk).update(status=PublicationStatus.WITHDRAWN)
    Publication.objects.filter(pk=expired.pk).update(maximum_end=today - datetime.timedelta(days=1))
    Publication.objects.filter(pk=last_day.pk).update(maximum_end=today)
    assert _same_answer(on.number) is True
    assert _same_answer(last_day.number) is True
    assert _same_answer(withdrawn.number) is None
    assert _same_answer(expired.number) is None
    assert _same_answer("620102-2026-99999") is None
    assert _same_answer(on.number + "x" * 40) is None  # cut to the column's 24 characters
    assert client.get(f"/api/v1/public/records/{on.number}/proof").status_code == 200
    for gone in (withdrawn, expired):
        assert client.get(f"/api/v1/public/records/{gone.number}/proof").status_code == 404
