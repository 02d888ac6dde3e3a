"""Template tags for pages that depend on the background worker."""

from __future__ import annotations

from django import template

from govtrust.core.heartbeat import silent_after
from govtrust.core.heartbeat import worker_silent as _worker_silent

register = template.Library()


@register.simple_tag
def worker_silent() -> bool:
    """`{% worker_silent as silent %}`: no worker has reported within the last minute."""
    return _worker_silent()


@register.inclusion_tag("_worker_notice.html")
def worker_notice(waits: str) -> dict[str, object]:
    """`{% worker_notice "到期和逾期提醒" %}` on a page whose work the worker does: when no
    worker has reported within the configured time, says that this work is not being done and
    whom to ask; otherwise nothing."""
    return {"silent": _worker_silent(), "waits": waits, "minutes": max(1, silent_after() // 60)}
