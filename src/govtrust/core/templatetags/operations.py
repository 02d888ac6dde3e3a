"""Template tags for pages that depend on the background worker."""

from __future__ import annotations

from django import template

from govtrust.core.heartbeat import worker_silent as _worker_silent

register = template.Library()


@register.simple_tag
def worker_silent() -> bool:
    """`{% worker_silent as silent %}`: no worker has reported within the last minute."""
    return _worker_silent()
