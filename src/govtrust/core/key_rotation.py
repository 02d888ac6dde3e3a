"""`govtrust keys rotate exchange`: a new exchange signing key, the old one kept (retired).

Batches already delivered were signed with the old key and keep its key id, so the old key is kept
beside the new one under a dated name (and travels in backups) rather than deleted. The provincial
platform must be given the new public key, which the command prints.

The data key (data_key_rotation.py) and the transparency log's key (ledger/key_chain.py) have
their own rotations; the audit-seal key is not rotated yet.
"""

from __future__ import annotations

import datetime
import os

from django.db import transaction

from govtrust.core import signing
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.rotation_lock import one_rotation_at_a_time

ROTATABLE = ("exchange",)


def signing_key_rotate(*, name: str, actor: str = "cli") -> str:
    """Retire the current key `name`, create a new one, audit it; return the new public PEM."""
    if name not in ROTATABLE:
        raise DomainError(f"暂不支持用此方式轮换：{name}（data、log 密钥各有专门的轮换）")
    with one_rotation_at_a_time(name):  # two runs would rename the same key file
        return _rotate(name, actor)


@transaction.atomic
def _rotate(name: str, actor: str) -> str:
    path = signing._key_path(name)
    old_id = signing.key_id(signing.private_key(name).public_key())  # creates one if missing
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    retired = path.with_name(f"{name}-retired-{stamp}-ed25519.pem")
    if retired.exists():
        raise DomainError("一秒内不能轮换两次，请稍后再试")
    os.replace(path, retired)
    try:
        new_id = signing.key_id(signing.private_key(name).public_key())
        audit_append(
            actor=actor,
            action="key.rotate",
            object_type="signing_key",
            object_id=name,
            before={"key_id": old_id},
            after={"key_id": new_id, "retired_file": retired.name},
        )
    except BaseException:
        # the transaction rolls the audit back; the files must follow, or the platform would sign
        # with a key no audit event announced
        path.unlink(missing_ok=True)
        os.replace(retired, path)
        raise
    return signing.public_key_pem(name)
