"""What the publications vouch for in the transparency log, for `govtrust verify --deep`.

A publication's latest log event committed to its public view with its salt, so the leaf can be
rebuilt from the stored view. While the record is on the portal, its view must also be what the
record renders to now (every change to a published record goes through a logged correction), so
a record edited in the database shows too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.redaction import CompiledRule
from govtrust.disclosure.services import active_rules, public_view
from govtrust.ledger.deep import Expected
from govtrust.ledger.models import EventKind
from govtrust.ledger.services import commitment

ON_PORTAL = frozenset({EventKind.PUBLISH.value, EventKind.CORRECT.value})
TAKEN_DOWN = frozenset({EventKind.WITHDRAW.value})


def _rendered(publication: Publication, rules: list[CompiledRule]) -> Expected | None:
    """The leaf as the record renders it now, the way a correction re-renders it."""
    try:
        start = datetime.date.fromisoformat(publication.view["publication_start"])
    except (KeyError, TypeError, ValueError):
        return None  # the stored view is damaged: its own check reports it
    view = public_view(
        publication.record,
        rules,
        start=start,
        minimum_end=publication.minimum_end,
        maximum_end=publication.maximum_end,
        rule_source=publication.rule_source,
    )
    return Expected(
        -1 if publication.leaf_index is None else publication.leaf_index,
        f"记录 {publication.number}（按库中的记录重新生成的公示内容）",
        ON_PORTAL,
        {"record": publication.number, "commitment": commitment(view, bytes(publication.salt))},
    )


def publication_leaves() -> Iterator[Expected]:
    """Each publication's latest event as its stored view and salt rebuild it, in log order."""
    publications = Publication.objects.select_related("record").order_by("leaf_index", "pk")
    rules = active_rules()
    for publication in publications.iterator(chunk_size=1000):
        on_portal = publication.status == PublicationStatus.PUBLISHED
        salt = bytes(publication.salt)
        yield Expected(
            -1 if publication.leaf_index is None else publication.leaf_index,
            f"记录 {publication.number} 的公示内容",
            ON_PORTAL if on_portal else TAKEN_DOWN,
            {"record": publication.number, "commitment": commitment(publication.view, salt)},
        )
        rendered = _rendered(publication, rules) if on_portal else None
        if rendered is not None:
            yield rendered
