"""Pausing Python's cyclic garbage collector around allocation-heavy batch work.

Bulk intake and screening allocate hundreds of thousands of short-lived containers (row dicts,
lists, result objects). Each 700 allocations start a young collection and every tenth of those
an older one, which walks every object alive in the process; measured, that was a quarter of
an import's CPU time (0.8 of 3.0 s for 10,000 rows) and a third of screening's. Reference
counting frees nearly all of it anyway; the collector is only needed for cycles, so it is
paused for a bounded stretch of work and a young collection runs after it (`collect()` between
chunks), which frees whatever cycles that stretch made.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic cyclic collection inside; a young collection on the way out. Nests, and
    leaves the collector off if someone else had turned it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            collect()


def collect() -> None:
    """Free the cycles made since the last collection (generations 0 and 1 only: the objects
    alive before the batch started are not walked again)."""
    gc.collect(1)
