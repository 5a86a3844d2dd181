"""Scaling note for the distributed variance stage: wall time with 1 and 2 Dask workers (one engine thread each) on a
model, the per-shard overhead, and a projection for a large corpus from the measured cost model.

Usage: scaling.py MODEL_DIR COOC_DIR [SHARDS]   (run with the built package on PYTHONPATH and GLOVEV_LIB set)"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

import glovev
import glovev.distributed as gd

def main():
    # Dask starts its worker processes by spawning: everything runs under the __main__ guard.
    model, cooc = Path(sys.argv[1]), Path(sys.argv[2])
    shards = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    work = Path(tempfile.mkdtemp(prefix="glovev-scaling-"))
    opts = dict(approx=0.0, complete=False, threads=1)

    t0 = time.perf_counter()
    glovev.variance(model, cooc, work / "single", threads=1, approx=0.0, complete=False)
    single = time.perf_counter() - t0
    summary = json.loads((work / "single" / "variance_summary.json").read_text())
    flops = summary["gflops"] * summary["seconds"] * 1e9

    rows = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, Client(cl) as c:
            for n in (1, shards):
                out = work / ("w%d-s%d" % (workers, n))
                t0 = time.perf_counter()
                gd.variance(c, model, cooc, out, shards=n, **opts)
                rows[(workers, n)] = time.perf_counter() - t0
                shutil.rmtree(str(out) + ".shards", ignore_errors=True)

    overhead = (rows[(1, shards)] - single) / shards
    rate = flops / single / 1e9
    print("single process, 1 thread: %.1f s (%.1f GFLOP/s, %.0f GFLOP)" % (single, rate, flops / 1e9))
    for (w, n), t in sorted(rows.items()):
        print("dask %d worker(s), %d shard(s): %.1f s" % (w, n, t))
    print("speed-up 1 -> 2 workers (%d shards): %.2fx" % (shards, rows[(1, shards)] / rows[(2, shards)]))
    print("per-shard overhead (1 worker, %d shards vs single process): %.2f s" % (shards, overhead))
    # Projection: a 1B-token corpus at D = 300, V = 400k words with variances and nnz = 1.7 per token (gutenberg_10M's
    # ratio, a lower bound for larger corpora), 32 nodes; node rate = the measured per-thread rate x cores per node.
    D, V, nnz, nodes, cores = 300, 400_000, 1.7e9, 32, int(os.environ.get("CORES_PER_NODE", "32"))
    pflops = nnz * D * D + V * D ** 3
    node_rate = rate * 1e9 * cores * float(os.environ.get("D300_SPEEDUP", "1.6"))
    shard_count = nodes * 4
    wall = pflops / (node_rate * nodes) + shard_count * overhead / nodes
    print("projection 1B tokens, D=300: %.3g GFLOP; %d nodes x %d cores at %.1f GFLOP/s/core -> %.0f s (%.1f min) wall, %d shards"
          % (pflops / 1e9, nodes, cores, node_rate / cores / 1e9, wall, wall / 60, shard_count))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
