"""The lifecycle of an outbound batch, declared once.

    pending ──deliver──> delivered   the receiver answered 2xx (or 409: it has the batch already),
       │  ^                          or the files are in the exchange folder
       └──┘ retry                    the try failed; the next one is scheduled (back-off)
       └──give_up──> failed          the last try failed; an operator must look, and the
                                     records go out again in a new batch

Only the worker takes these steps: two workers delivering at once change a batch once.
"""

from __future__ import annotations

from django.db import models

from govtrust.core.lifecycle import SYSTEM, Transition, transitions


class BatchStatus(models.TextChoices):
    PENDING = "pending", "待发送"  # built and signed; delivery not yet confirmed
    DELIVERED = "delivered", "已送达"  # the receiver answered 2xx, or the files are in the folder
    FAILED = "failed", "发送失败"  # gave up after the last retry; an operator must look


_PENDING = frozenset({BatchStatus.PENDING})
_WORKER = frozenset({SYSTEM})

TRANSITIONS = transitions(
    Transition("deliver", "送达", _PENDING, BatchStatus.DELIVERED, _WORKER),
    Transition("retry", "稍后重试", _PENDING, BatchStatus.PENDING, _WORKER),
    Transition("give_up", "停止重试", _PENDING, BatchStatus.FAILED, _WORKER),
)
