"""Published records and a credit office (shared with the remedies tests)."""

from tests.remedies.conftest import office, published

__all__ = ["office", "published"]
