"""The records and offices of the measures tests."""

from tests.measures.conftest import accept, fresh_counters, objection, office, published

__all__ = ["accept", "fresh_counters", "objection", "office", "published"]
