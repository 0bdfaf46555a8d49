"""Python's cyclic garbage collector, kept out of the way of work on thousands of rows.

Most of what a bulk batch makes is freed by reference counting the moment it is done
with; the cyclic collector still walks it. With the interpreter's thresholds (a
collection every 700 new container objects, a full one every hundred), a bulk worker
on SQLite spent 0.53 s of a 10,000-row job collecting (measured with `gc.callbacks`),
most of it walking the ~185,000 objects that Django, the apps and their caches left
from start-up, again and again, and the batch's live rows on each young collection.

Within `few_collections()`:
- the objects alive on entry are frozen (`gc.freeze`): no collection walks them, and
  they are given back to the oldest generation on exit (`gc.unfreeze`), so garbage
  among them is collected later as always, never kept for good;
- the youngest generation is collected after YOUNG_THRESHOLD new objects, not 700.
The same job then spent 0.05 s collecting. The collector stays on: garbage with cycles
is still collected during the work, and memory stays bounded (the bulk worker's peak
went from 160 to 170 MB).

A process that froze its objects already keeps them frozen: the web processes freeze
theirs for good once loaded (laurel/wsgi.py), and so do bulk jobs run in them (`laurel
run`'s in-process worker). There the block only makes young collections rarer, and
unfreezes nothing on exit (gc.unfreeze would give back everything, the process's too).

Process-wide, as the collector is: when threads nest these blocks, the first one in
sets things up and the last one out puts them back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000

_lock = threading.Lock()
_depth = 0
_thresholds: tuple[int, ...] = ()
_froze = False  # whether the outermost block froze (nothing was frozen before it)


@contextmanager
def few_collections() -> Iterator[None]:
    """Run the block with the objects alive now frozen and fewer young collections."""
    global _depth, _thresholds, _froze
    with _lock:
        if _depth == 0:
            _thresholds = gc.get_threshold()
            _froze = gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
            gc.set_threshold(YOUNG_THRESHOLD, *_thresholds[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_thresholds)
                if _froze:
                    gc.unfreeze()
