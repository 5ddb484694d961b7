"""Building large results: millions of small objects at once."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


def collector_paused(build: Callable[..., _T], *args: Any) -> _T:
    """``build(*args)`` with Python's cyclic garbage collector paused (and resumed after).

    For code that builds a large result of acyclic objects (rows, dicts, tuples): reference
    counting frees all of them, but the cyclic collector, triggered by the allocations, would
    rescan the growing result over and over — measured at a third of the time of a
    100,000-row batch, and four times the building of its rows. Only for builders that create
    no reference cycles. A plain call rather than a generator context manager, which measured
    slower here.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build(*args)
    finally:
        if collecting:
            gc.enable()
