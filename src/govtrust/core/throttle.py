"""Fixed-window counters in the configured cache (file-based by default, Redis when set): the
public forms' rate limits, without third-party services."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from govtrust.core.errors import Throttled


def _key(scope: str, who: str, window: int) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]  # no addresses in cache file names
    return f"throttle:{scope}:{digest}:{int(time.time() // window)}"


def count(scope: str, who: str, window: int) -> int:
    return int(cache.get(_key(scope, who, window), 0))


def hit(scope: str, who: str, window: int) -> int:
    """Count one event; returns the count in the current window."""
    key = _key(scope, who, window)
    if cache.add(key, 1, timeout=window + 5):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        return 1


def limit(scope: str, who: str, *, allowed: int, window: int, message: str) -> None:
    """Count one event and refuse it (429) once the window's allowance is used."""
    if hit(scope, who, window) > allowed:
        raise Throttled(message, retry_after=window)
