"""The hash-chained audit log: `audit_append` writes, `audit_verify` checks."""

from govtrust.core.audit.chain import (
    ChainReport,
    audit_append,
    audit_append_many,
    audit_verify,
    canonical,
)

__all__ = ["ChainReport", "audit_append", "audit_append_many", "audit_verify", "canonical"]
