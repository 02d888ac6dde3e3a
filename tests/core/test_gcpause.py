"""Pausing the cyclic collector around batch work: back on afterwards, cycles freed."""

from __future__ import annotations

import gc
import weakref

from govtrust.core.gcpause import gc_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_the_collector_is_off_inside_and_on_after_with_the_cycles_freed() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        node = _Node()
        ref = weakref.ref(node)
        del node
        with gc_paused():  # nested: still off after the inner one ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    assert ref() is None


def test_a_collector_turned_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
