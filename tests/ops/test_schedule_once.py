"""Periodic jobs run once per slot however many workers schedule them (core/schedule.py): two
scheduler instances race on the same beats, with claims in the database and in Redis."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import override_settings

from govtrust.core import schedule, scheduler
from govtrust.core.models import ScheduledRun

HOUR = 3600.0
BASE = 1_900_000_000.0  # a fixed wall-clock time, far from the real one's claims
SLOTS = 6  # hourly slots raced over
BEATS = 3  # beats within each slot (a scheduler beats every 10 s)


def _race(schedulers: int = 2, periods: tuple[float, ...] = ()) -> list[tuple[int, int]]:
    """`schedulers` instances, each with its own job list (configured with periods[i], else an
    hour), beat together BEATS times in each of SLOTS hours; returns (scheduler, hour slot) for
    every run of the job."""
    runs: list[tuple[int, int]] = []
    guard = threading.Lock()
    barrier = threading.Barrier(schedulers)
    failures: list[BaseException] = []

    def instance(index: int) -> None:
        def job() -> None:
            with guard:
                runs.append((index, schedule.slot_of(now, HOUR)))

        every = periods[index] if index < len(periods) else HOUR
        jobs = [scheduler.Job("daily", every, job)]
        try:
            for hour in range(SLOTS):
                for beat in range(BEATS):
                    now = BASE + hour * HOUR + beat * 10.0
                    barrier.wait(timeout=30)  # both beat at the same moment
                    scheduler.tick(jobs, now)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=instance, args=(i,)) for i in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return runs


def _once_per_slot(runs: list[tuple[int, int]]) -> None:
    slots = [slot for _, slot in runs]
    expected = [schedule.slot_of(BASE + hour * HOUR, HOUR) for hour in range(SLOTS)]
    assert sorted(slots) == expected, runs  # every slot ran, none twice


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_claiming_in_the_database_run_each_slot_once(
    audit_triggers_dropped_after: None,
) -> None:
    """Given two schedulers with the file cache (no Redis), beating together three times an hour
    for six hours, then the daily job runs six times in all, once per hour, claimed by a row."""
    runs = _race()
    _once_per_slot(runs)
    assert ScheduledRun.objects.filter(job="daily").count() == SLOTS


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_claiming_in_redis_run_each_slot_once(
    redis_url: str, audit_triggers_dropped_after: None
) -> None:
    """Given the same race with Redis as the shared cache, then each hour runs once too, claimed
    in Redis (SET NX with expiry), and no claim row is written to the database."""
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    redis_cache["default"]["LOCATION"] = redis_url
    with override_settings(CACHES=redis_cache):
        runs = _race()
        import redis

        keys = redis.Redis.from_url(redis_url).keys("*govtrust:schedule:daily:*")
    _once_per_slot(runs)
    assert len(keys) == SLOTS
    assert not ScheduledRun.objects.exists()


@pytest.mark.django_db
def test_a_restarted_worker_does_not_run_the_slot_again_and_a_failing_claim_is_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a worker that ran this hour's job and was restarted (new job list), when it beats
    in the same hour, then the job does not run again; and when the claim itself fails (database
    away), the job is looked at again on the next beat instead of being skipped for the hour."""
    ran: list[float] = []
    run: Callable[[], None] = lambda: ran.append(1)  # noqa: E731
    scheduler.tick([scheduler.Job("daily", HOUR, run)], BASE)
    scheduler.tick([scheduler.Job("daily", HOUR, run)], BASE + 60)  # restarted
    assert len(ran) == 1

    jobs = [scheduler.Job("exchange", HOUR, run)]
    real_claim = schedule.claim

    def away(job: str, slot: int, every: float) -> bool:
        raise ConnectionError("database away")

    monkeypatch.setattr(schedule, "claim", away)
    scheduler.tick(jobs, BASE)
    assert len(ran) == 1 and jobs[0].slot is None
    monkeypatch.setattr(schedule, "claim", real_claim)
    scheduler.tick(jobs, BASE + 10)
    assert len(ran) == 2


def _failing_enqueue_is_retried() -> None:
    calls: list[str] = []

    def enqueue() -> None:
        calls.append("try")
        if len(calls) == 1:
            raise ConnectionError("queue away")

    jobs = [scheduler.Job("daily", HOUR, enqueue)]
    scheduler.tick(jobs, BASE)  # claimed, enqueue raises: the claim is given back
    assert calls == ["try"] and jobs[0].slot is None
    scheduler.tick(jobs, BASE + 10)  # the same slot, claimed again and run
    assert calls == ["try", "try"]
    scheduler.tick(jobs, BASE + 20)  # done for this slot
    other = [scheduler.Job("daily", HOUR, enqueue)]  # another host in the same slot
    scheduler.tick(other, BASE + 30)
    assert calls == ["try", "try"]


@pytest.mark.django_db
def test_a_slot_whose_enqueue_fails_is_not_lost_with_database_claims() -> None:
    """Given the daily job claimed for this hour, when its enqueue raises (queue away), then the
    claim is released and the next beat claims and runs it; afterwards neither this host nor
    another runs the hour again."""
    _failing_enqueue_is_retried()
    assert ScheduledRun.objects.filter(job="daily").count() == 1


@pytest.mark.django_db
def test_a_slot_whose_enqueue_fails_is_not_lost_with_redis_claims(redis_url: str) -> None:
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    redis_cache["default"]["LOCATION"] = redis_url
    with override_settings(CACHES=redis_cache):
        _failing_enqueue_is_retried()


@pytest.mark.django_db(transaction=True)
def test_hosts_configured_with_different_intervals_still_run_each_slot_once(
    audit_triggers_dropped_after: None,
) -> None:
    """Given two worker hosts whose GOVTRUST_REMINDER_INTERVAL differ (an hour and a quarter of
    an hour), the hour-configured one started last (its period is the shared schedule), when
    both beat together for six hours, then the job runs once per hour in all: both count slots
    in the stored period, instead of the quarter-hour host claiming slots of its own."""
    from govtrust.core.models import JobSchedule

    schedule.publish({"daily": HOUR / 4})  # the first host started
    schedule.publish({"daily": HOUR})  # the second, started last
    assert JobSchedule.objects.get(job="daily").every == HOUR
    runs = _race(periods=(HOUR, HOUR / 4))
    _once_per_slot(runs)
