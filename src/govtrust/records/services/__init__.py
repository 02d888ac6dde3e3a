"""Every write to records goes through these services (the form, the API and the importer)."""

from govtrust.records.services.intake import record_create, record_update
from govtrust.records.services.review import (
    record_accept,
    record_return,
    record_submit,
    records_review_bulk,
)

__all__ = [
    "record_accept",
    "record_create",
    "record_return",
    "record_submit",
    "record_update",
    "records_review_bulk",
]
