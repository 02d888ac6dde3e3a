"""The worker's scheduler thread: heartbeat, periodic jobs, stale imports, scheduled backups.

It only queues work (the task worker in the main thread runs it) or does quick checks itself, so
it keeps beating while a long job runs. Every job is guarded: one failing job is logged and the
others still run. Several workers (hosts) may run this thread: each job runs once per period in
all of them together, where its slot is claimed first (core/schedule.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from govtrust.core import heartbeat, schedule

log = logging.getLogger("govtrust.worker")


@dataclass
class Job:
    name: str
    every: float  # seconds
    run: Callable[[], object]
    # The last slot (wall-clock time // every) this scheduler looked at; None: look now. A job
    # runs where its slot is claimed first (core/schedule.py), so once across all worker hosts.
    slot: int | None = None


def _enqueue_exchange() -> None:
    from govtrust.exchange.tasks import exchange_run

    exchange_run.enqueue()


def _enqueue_daily() -> None:
    from govtrust.core.audit.tasks import audit_seal_scheduled
    from govtrust.disclosure.tasks import disclosure_daily
    from govtrust.measures.tasks import rectifications_escalate_daily
    from govtrust.records.tasks import send_reminders
    from govtrust.remedies.tasks import case_reminders
    from govtrust.supervision.tasks import inspection_reminders_daily, plan_tasks_escalate_daily

    send_reminders.enqueue()
    case_reminders.enqueue()
    rectifications_escalate_daily.enqueue()
    plan_tasks_escalate_daily.enqueue()
    inspection_reminders_daily.enqueue()
    audit_seal_scheduled.enqueue()  # before the checkpoint that anchors it
    disclosure_daily.enqueue()


def _recover_imports() -> None:
    from govtrust.records.services.bulk import imports_recover_stale, imports_requeue_lost

    for batch in imports_recover_stale():
        log.warning("import %s was stale and is marked failed: %s", batch.pk, batch.message)
    for batch in imports_requeue_lost():
        log.warning("import %s was still pending and is queued again", batch.pk)


def _backup_if_due() -> None:
    """Queue a backup when the newest archive in the folder is older than the interval, so a
    restarted worker neither skips nor repeats one."""
    from govtrust.core.backup_files import last_backup
    from govtrust.core.backup_lock import backup_running
    from govtrust.core.tasks import backup_scheduled

    if backup_running():
        log.info("backup not queued: a backup of this installation is still running")
        return
    last = last_backup()
    interval = int(settings.GOVTRUST_BACKUP_INTERVAL)
    if last is None or (timezone.now() - last.taken_at).total_seconds() >= interval:
        backup_scheduled.enqueue()


def default_jobs() -> list[Job]:
    jobs = [
        Job("exchange", settings.GOVTRUST_EXCHANGE_INTERVAL, _enqueue_exchange),
        Job("daily", settings.GOVTRUST_REMINDER_INTERVAL, _enqueue_daily),
        Job("imports", 60, _recover_imports),
    ]
    if settings.GOVTRUST_BACKUP_DIR:
        # Looked at every ten minutes, queued once the newest archive is an interval old.
        jobs.append(Job("backup", 600, _backup_if_due))
    return jobs


def tick(jobs: list[Job], now: float) -> None:
    """One beat at wall-clock time `now` (seconds since the epoch)."""
    heartbeat.beat()
    # The periods every host shares (core/schedule.py), not this host's own settings.
    every = schedule.periods({job.name: job.every for job in jobs})
    for job in jobs:
        slot = schedule.slot_of(now, every[job.name])
        if job.slot == slot:
            continue
        try:
            claimed = schedule.claim(job.name, slot, every[job.name])
            job.slot = slot  # looked at: claimed here, or run by another host
            log.debug("job %s slot %s %s", job.name, slot, "claimed" if claimed else "taken")
            if claimed:
                _run_claimed(job, slot)
        except Exception:  # one failing job must not stop the heartbeat or the others
            log.exception("scheduled job %s failed", job.name)


def _run_claimed(job: Job, slot: int) -> None:
    """Run a job whose slot this host claimed; if it fails (the queue refused an enqueue), give
    the claim back and look again next beat, so the slot is not lost to a claim that did nothing."""
    try:
        job.run()
    except Exception:
        job.slot = None
        try:
            schedule.release(job.name, slot)
        except Exception:  # the database away too: the claim stays, said in the log
            log.exception("claim of job %s slot %s could not be released", job.name, slot)
        raise


def run(stop: threading.Event, jobs: list[Job] | None = None) -> None:
    jobs = default_jobs() if jobs is None else jobs
    published = False
    while not stop.is_set():
        try:
            if not published:  # this worker's periods become everyone's (core/schedule.py)
                schedule.publish({job.name: job.every for job in jobs})
                published = True
            tick(jobs, time.time())
        except Exception:  # the cache or database away for a moment: try again next beat
            log.exception("scheduler tick failed")
        finally:
            connection.close()
        stop.wait(heartbeat.INTERVAL)


def start() -> threading.Event:
    """Start the scheduler thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(stop,), name="govtrust-scheduler", daemon=True).start()
    return stop
