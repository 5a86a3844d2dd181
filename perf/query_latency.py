"""Query latency through the Python binding (ctypes): one similarity CI, and top-10 neighbours with CIs over the
whole vocabulary. Usage: query_latency.py MODEL_DIR WORD OTHER. Prints JSON with median milliseconds."""
import json
import sys

import glovev
from timing import median_ms  # perf/timing.py (the script's folder is on sys.path)

m = glovev.Model.load(sys.argv[1])
a, b = sys.argv[2], sys.argv[3]


print(json.dumps({
    "similarity_delta_ms": median_ms(lambda: m.similarity(a, b, method="delta"), 200),
    "similarity_sample1000_ms": median_ms(lambda: m.similarity(a, b, method="sample", samples=1000), 20),
    "top10_delta_ms": median_ms(lambda: m.most_similar(a, topn=10, method="delta", samples=200), 20),
    "vocab_size": m.vocab_size,
}))
