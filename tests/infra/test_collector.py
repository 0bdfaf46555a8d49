"""laurel/collector.py: within few_collections() the objects alive on entry are frozen and
young collections are rarer; the collector still collects, and everything is put back on
exit, however the block ends and however blocks nest across threads."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from laurel.collector import YOUNG_THRESHOLD, few_collections


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture(autouse=True)
def collector_as_configured():
    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    yield
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_inside_the_objects_alive_are_frozen_and_young_collections_are_rarer():
    thresholds = gc.get_threshold()
    with few_collections():
        assert gc.get_freeze_count() > 1000  # at least the test run's own modules
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *thresholds[1:])
        assert gc.isenabled()
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0


def test_a_cycle_made_inside_is_still_collected_inside():
    with few_collections():
        dead = weakref.ref(Node())
        assert dead() is not None
        gc.collect()
        assert dead() is None


def test_a_cycle_frozen_on_entry_is_collected_after_the_block():
    node = Node()
    gone = weakref.ref(node)
    with few_collections():
        del node
        gc.collect()
        assert gone() is not None  # frozen: no collection walks it inside
    gc.collect()
    assert gone() is None


def test_what_the_process_froze_before_stays_frozen():
    # Counts of frozen objects move by themselves (a frozen object freed by reference
    # counting leaves the count), so this follows one frozen cycle instead.
    node = Node()
    gone = weakref.ref(node)
    gc.freeze()  # as laurel/wsgi.py does once a web process is loaded
    try:
        del node
        with few_collections():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        gc.collect()
        assert gone() is not None  # still frozen: the block gave back nothing
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    gc.collect()
    assert gone() is None


def test_the_collector_still_runs_by_itself_inside():
    with few_collections():
        dead = weakref.ref(Node())
        alive = [[] for _ in range(3 * YOUNG_THRESHOLD)]  # new objects, kept: collections
        assert dead() is None
        del alive


def test_an_exception_inside_puts_everything_back():
    thresholds = gc.get_threshold()
    with pytest.raises(ZeroDivisionError), few_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0


def test_nested_blocks_put_things_back_when_the_last_one_ends():
    thresholds = gc.get_threshold()
    with few_collections():
        with few_collections():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the outer block is still on
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == thresholds


def test_threads_overlapping_share_one_setup():
    thresholds = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()
    seen = []

    def other() -> None:
        with few_collections():
            inside.set()
            leave.wait(10)
            seen.append(gc.get_threshold()[0])

    thread = threading.Thread(target=other)
    with few_collections():
        thread.start()
        assert inside.wait(10)
    # This thread's block ended first: the other one's is still on.
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    leave.set()
    thread.join(10)
    assert seen == [YOUNG_THRESHOLD]
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0
