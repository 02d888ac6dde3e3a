"""Reads of kept screenings, always through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from govtrust.core.errors import NotFound
from govtrust.core.templatetags.beijing import beijing_text
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.ledger.models import Checkpoint
from govtrust.screening.engine import VERDICTS
from govtrust.screening.models import Screening


def checkpoint_label(checkpoint: Checkpoint | Screening | None) -> str:
    """A checkpoint (or the one a screening stored) as the Excel and the pages name it."""
    if isinstance(checkpoint, Screening):
        if checkpoint.checkpoint_size is None or checkpoint.checkpoint_signed_at is None:
            return "尚无检查点"
        size, root, signed = (
            checkpoint.checkpoint_size,
            checkpoint.checkpoint_root,
            checkpoint.checkpoint_signed_at,
        )
    elif checkpoint is None:
        return "尚无检查点"
    else:
        size, root, signed = checkpoint.size, checkpoint.root, checkpoint.signed_at
    return f"{size} 条事件，根哈希 {root[:16]}…，签名于 {beijing_text(signed)}"


def counts(screening: Screening) -> dict[str, int]:
    found = dict.fromkeys(VERDICTS, 0)
    for result in screening.results:
        found[result["verdict"]] += 1
    return found


def screenings_visible(user: User) -> QuerySet[Screening]:
    policy.require(user, "screening.run")
    return policy.within(Screening.objects.all(), user)


def screening_get(number: str, user: User) -> Screening:
    found = screenings_visible(user).filter(number=number[:24]).first()
    if found is None:
        raise NotFound()
    return found


def pending(screening: Screening) -> int:
    return sum(m["needs_review"] for r in screening.results for m in r["matches"])
