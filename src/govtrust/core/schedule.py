"""Claims that make a periodic job run once per time slot, however many worker hosts schedule it.

Every worker's scheduler looks at every job at the start of each slot (wall-clock time divided
by the job's period). The period is the one stored in the database (JobSchedule), not each host's
own setting: a worker writes its configured periods there when it starts, and every scheduler
reads them at each beat, so hosts configured with different intervals (GOVTRUST_REMINDER_INTERVAL,
GOVTRUST_EXCHANGE_INTERVAL) still count the same slots and cannot both run one; a host whose
setting differs from the stored period logs a warning. The last worker started sets the period.
Before running the job a scheduler claims (job, slot); only the first claim succeeds:
- with Redis as the cache (REDIS_URL), SET NX with an expiry of two periods (the cache's `add`);
- otherwise a row with a unique (job, slot) key in the database, which every host shares;
  a concurrent second INSERT waits for the first and then fails on the key.
A worker restarted within a slot therefore does not run that slot's jobs again either.
A claim whose job then fails (the queue refused the enqueue) is released, so the slot is not lost:
the next beat, on this host or another, claims it again.
"""

from __future__ import annotations

import logging
import os
import socket

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction

from govtrust.core.models import JobSchedule, ScheduledRun

log = logging.getLogger("govtrust.worker")
_warned: set[tuple[str, float, float]] = set()

KEY = "govtrust:schedule:{job}:{slot}"
KEEP_SLOTS = 48  # database claims kept per job (older ones are deleted by the next claim)


def publish(configured: dict[str, float]) -> None:
    """At worker start: this host's configured periods become the shared schedule."""
    for job, every in configured.items():
        JobSchedule.objects.update_or_create(
            job=job, defaults={"every": float(every), "host": _holder()}
        )


def periods(configured: dict[str, float]) -> dict[str, float]:
    """The shared period of each job (a job not stored yet is stored with this host's)."""
    stored = dict(JobSchedule.objects.filter(job__in=list(configured)).values_list("job", "every"))
    for job, every in configured.items():
        if job not in stored:
            row, _ = JobSchedule.objects.get_or_create(
                job=job, defaults={"every": float(every), "host": _holder()}
            )
            stored[job] = row.every
        if stored[job] != every and (job, stored[job], every) not in _warned:
            _warned.add((job, stored[job], every))
            log.warning(
                "job %s: this host is configured for every %ss, the shared schedule says %ss "
                "(set by the last worker started); using %ss",
                job,
                every,
                stored[job],
                stored[job],
            )
    return stored


def slot_of(now: float, every: float) -> int:
    return int(now // every)


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim(job: str, slot: int, every: float) -> bool:
    """True for exactly one caller per (job, slot) across all processes and hosts."""
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        ttl = max(int(every * 2), 60)
        return bool(shared.add(KEY.format(job=job, slot=slot), _holder(), ttl))
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=slot, host=_holder())
    except IntegrityError:
        return False
    ScheduledRun.objects.filter(job=job, slot__lt=slot - KEEP_SLOTS).delete()
    return True


def release(job: str, slot: int) -> None:
    """Give back this process's claim of (job, slot) after the job failed to start."""
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        key = KEY.format(job=job, slot=slot)
        if shared.get(key) == _holder():
            shared.delete(key)
        return
    ScheduledRun.objects.filter(job=job, slot=slot, host=_holder()).delete()
