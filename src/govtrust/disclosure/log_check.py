"""What the publications vouch for in the transparency log, for `govtrust verify --deep`.

A publication's latest log event committed to its public view with its salt, so the leaf can be
rebuilt from the stored view. While the record is on the portal, its view must also be what the
record renders to now (every change to a published record goes through a logged correction), so
a record edited in the database shows too. The search columns the portal searches are derived
from the stored view as well; blanked or altered, they would hide a published record from search.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.redaction import CompiledRule
from govtrust.disclosure.services import active_rules, public_view, search_fields
from govtrust.ledger.deep import DeepReport, Expected
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


def search_columns_check(report: DeepReport) -> None:
    """Each published record's search columns are what its stored view gives (a check for
    `verify_deep`); the first that differs is named."""
    published = Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk")
    rows = published.values_list("number", "view", "search_text", "bigrams")
    for number, view, text, pairs in rows.iterator(chunk_size=1000):
        try:
            expected = search_fields(view)
        except (KeyError, TypeError):
            expected = None  # the stored view is damaged: its own check reports it
        if expected is not None and expected != (text, pairs):
            label = f"记录 {number} 的检索字段"
            report.first_record = report.first_record or label
            report.problem(f"{label}与公示内容不一致（门户检索会漏掉或错列该记录）")
