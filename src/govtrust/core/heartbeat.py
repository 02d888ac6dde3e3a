"""The worker's sign of life, kept where every process can read it (the shared cache).

The worker writes it from its scheduler thread, which keeps beating while a long import runs in
the main thread, so a busy worker is not mistaken for a missing one. Pages that wait on the
worker and /healthz read it.
"""

from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

KEY = "govtrust:worker:heartbeat"
# Seconds between beats; a worker is "silent" after GOVTRUST_WORKER_SILENT_AFTER (default 60).
INTERVAL = 10.0


def beat() -> None:
    """Record that a worker on this host is alive now (kept a day, for /healthz to report)."""
    cache.set(
        KEY,
        {"at": timezone.now().isoformat(), "host": socket.gethostname(), "pid": os.getpid()},
        86400,
    )


def last_beat() -> datetime.datetime | None:
    value = cache.get(KEY)
    if not value:
        return None
    return datetime.datetime.fromisoformat(value["at"])


def silent_after() -> int:
    return int(getattr(settings, "GOVTRUST_WORKER_SILENT_AFTER", 60))


def worker_silent() -> bool:
    """True when no worker has reported within the configured time (default one minute)."""
    last = last_beat()
    return last is None or (timezone.now() - last).total_seconds() > silent_after()
