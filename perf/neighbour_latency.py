#!/usr/bin/env python3
"""Latency of top-10 neighbours with P(top k) over the whole vocabulary (issue "Intervals you can trust", item 4).

Builds a model of at least --min-vocab words (default 40,000) with GloVe-V variances from a corpus, then times, through
the Python binding on the threads it is given (run it under `taskset -c 0,1` for the 2-thread figure),
`Model.most_similar(word, topn=10, samples=1000)` for query words across the frequency range, and prints per word the
median milliseconds, how many candidates were drawn, and the bound on what the words left out can take. Baseline in the
same process: gensim's `KeyedVectors.most_similar` (plug-in cosines only) on the same vectors; the ratio is the price
of the uncertainty.

  taskset -c 0,1 /usr/bin/python3 perf/neighbour_latency.py [--corpus F] [--model DIR] [--reps 5]

--corpus defaults to ../shared/data/corpora/gutenberg_10M (min-count 4 gives 42k words); --model reuses a folder.
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bindings" / "python"))
# numpy's BLAS threads spin after each call and would compete with the engine's for the same cores.
for _v in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
os.environ.setdefault("GLOVEV_LIB", str(REPO / "build" / "lib" / "libglovev.so"))
import numpy as np  # noqa: E402
import glovev  # noqa: E402
from timing import median_ms  # noqa: E402  (perf/timing.py: the script's folder is on sys.path)

ap = argparse.ArgumentParser()
ap.add_argument("--corpus", default=str(REPO.parent / "shared/data/corpora/gutenberg_10M/gutenberg_10M.txt.gz"))
ap.add_argument("--out", default="/tmp/glovev-neighbour-perf")
ap.add_argument("--model", help="an existing model folder with variances (skips the build)")
ap.add_argument("--min-count", type=int, default=4)
ap.add_argument("--min-vocab", type=int, default=40000)
ap.add_argument("--dim", type=int, default=100)
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--samples", type=int, default=1000)
args = ap.parse_args()

cli = str(REPO / "build" / "bin" / "glovev")
if args.model:
    model_dir = Path(args.model)
else:
    model_dir = Path(args.out) / "model"
    if not (model_dir / "variances").exists():
        t = time.perf_counter()
        p = subprocess.run([cli, "run", "--corpus", args.corpus, "--out", args.out, "--dim", str(args.dim), "--min-count",
                            str(args.min_count), "--epochs", "5", "--als-sweeps", "2", "--threads", "2", "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("glovev run failed (%d):\n%s" % (p.returncode, p.stderr[-2000:]))
        print("built %s in %.0f s" % (model_dir, time.perf_counter() - t), file=sys.stderr)

m = glovev.Model.load(str(model_dir))
if m.vocab_size < args.min_vocab:
    sys.exit("the model has %d words, fewer than --min-vocab %d" % (m.vocab_size, args.min_vocab))
words = m.index_to_key
with_cov = [i for i in range(m.vocab_size) if m.has_covariance(words[i])]
# Queries across the frequency range among words with a covariance: most frequent to rarest.
picks = [with_cov[int(q * (len(with_cov) - 1))] for q in (0.01, 0.3, 0.9)]

from gensim.models import KeyedVectors  # noqa: E402
kv = KeyedVectors(m.dim)
kv.add_vectors(list(words), np.asarray(m.vectors, dtype=np.float32))


rows = []
import warnings  # noqa: E402
for i in picks:
    w = words[i]
    base = median_ms(lambda: kv.most_similar(w, topn=10), max(args.reps, 20))
    for method in ("sample", "calibrated"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = lambda: m.most_similar(w, topn=10, method=method, samples=args.samples, seed=1, hold_fixed=True)  # noqa: E731
            res = q()
            ours = median_ms(q, args.reps)
        s = res.search
        rows.append({"word": w, "rank": i, "method": method, "ms": round(ours, 1), "gensim_ms": round(base, 2),
                     "ratio": round(ours / base, 1), "candidates": s.candidates, "searched": s.searched,
                     "omitted_bound": s.omitted_bound})

print("vocabulary %d, dim %d, %d draws, %d threads (os.sched_getaffinity)" % (m.vocab_size, m.dim, args.samples,
                                                                           len(os.sched_getaffinity(0))))
print("%-14s %7s %-11s %10s %10s %8s %10s %12s" % ("word", "rank", "method", "median ms", "gensim ms", "ratio", "candidates", "omitted <="))
for r in rows:
    print("%-14s %7d %-11s %10.1f %10.2f %8.1f %10d %12.4g" % (r["word"], r["rank"], r["method"], r["ms"], r["gensim_ms"], r["ratio"],
                                                             r["candidates"], r["omitted_bound"]))
for method in ("sample", "calibrated"):
    print("median over queries, %s: %.1f ms" % (method, statistics.median(r["ms"] for r in rows if r["method"] == method)))
print(json.dumps(rows))
