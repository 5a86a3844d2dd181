"""Query latency through the Python binding (ctypes): one similarity CI, and top-10 neighbours with CIs over the
whole vocabulary. Usage: query_latency.py MODEL_DIR WORD OTHER. Prints JSON with median milliseconds."""
import json
import statistics
import sys
import time

import glovev

m = glovev.Model.load(sys.argv[1])
a, b = sys.argv[2], sys.argv[3]


def median_ms(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)


print(json.dumps({
    "similarity_delta_ms": median_ms(lambda: m.similarity(a, b, method="delta"), 200),
    "similarity_sample1000_ms": median_ms(lambda: m.similarity(a, b, method="sample", samples=1000), 20),
    "top10_delta_ms": median_ms(lambda: m.most_similar(a, topn=10, method="delta", samples=200), 20),
    "vocab_size": m.vocab_size,
}))
