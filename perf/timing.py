"""Shared timing helper of the perf/ scripts."""
import statistics
import time


def median_ms(fn, reps):
    """Median wall milliseconds of `reps` calls of fn, after one warm-up call."""
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)
