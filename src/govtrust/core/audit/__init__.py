"""The hash-chained audit log: `audit_append` writes, `audit_seal` signs its head,
`audit_verify` checks it."""

from govtrust.core.audit.chain import (
    ChainReport,
    audit_append,
    audit_append_many,
    canonical,
)
from govtrust.core.audit.seal import audit_seal, audit_verify

__all__ = [
    "ChainReport",
    "audit_append",
    "audit_append_many",
    "audit_seal",
    "audit_verify",
    "canonical",
]
