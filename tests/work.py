"""Work counted, not timed: a bound that holds on a busy machine as on an idle one.

`calls()` counts every function call (Python and built-in) made while its block runs,
with the standard library's C profiler. A renderer or parser whose work grows with the
square of its input, or that backtracks, makes that many more calls: a test bounds the
count by a constant times the input's size, so a regression to the slow behaviour fails
the bound as surely as it would have failed a stopwatch, and a slow machine does not.
The figures in seconds live in the benchmark scripts (scripts/pathological_bench.py,
scripts/import_timing.py).
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Count:
    calls: int = 0


@contextmanager
def calls() -> Iterator[Count]:
    """`with calls() as count: …` then `count.calls`, even if the block raised."""
    count = Count()
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield count
    finally:
        profile.disable()
        count.calls = pstats.Stats(profile).total_calls
