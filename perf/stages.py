"""Runs each pipeline stage on a corpus and prints one table: stage, work size, median seconds (>= 3 runs),
throughput, peak RSS, and a ratio against a baseline run in the same invocation.

Usage: stages.py [--quick] [--corpus FILE] [--out DIR]
  --quick: kjv (tests/data/kjv.txt.gz), D = 50 only.   default: gutenberg_10M from ../shared, D = 50/100/300.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "build" / "bin" / "glovev"
BENCH = REPO / "perf" / "GloVeV.Bench" / "bin" / "Release" / "net10.0" / "GloVeV.Bench.dll"
PY = "/usr/bin/python3"


def run(cmd, env=None):
    """Runs a command; returns (stdout, seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run([str(c) for c in cmd], capture_output=True, env=env)
    sec = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(map(str, cmd)), p.stderr.decode()[-2000:]))
    return p.stdout.decode(), sec


def rss_run(cmd, env=None):
    """Runs under /usr/bin/time: (stdout, seconds, peak RSS in MiB of exactly that process)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "GLOVEV_MAXRSS %M", *map(str, cmd)], capture_output=True, env=env)
    sec = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(map(str, cmd)), p.stderr.decode()[-2000:]))
    rss = [l for l in p.stderr.decode().splitlines() if l.startswith("GLOVEV_MAXRSS")]
    return p.stdout.decode(), sec, int(rss[-1].split()[1]) / 1024.0 if rss else float("nan")


def js(out):
    return json.loads(out[out.index("{"):])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--corpus")
    ap.add_argument("--out", default=str(REPO / "perf" / "results"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--resume", action="store_true", help="keep the rows of an earlier run (rows.json) and run only what is missing")
    a = ap.parse_args()
    quick = a.quick
    corpus = Path(a.corpus) if a.corpus else (REPO / "tests" / "data" / "kjv.txt.gz" if quick else
                                               REPO.parent / "shared" / "data" / "corpora" / "gutenberg_10M" / "gutenberg_10M.txt.gz")
    if not corpus.is_file():
        sys.exit("corpus not found: %s (pass --corpus)" % corpus)
    train_dims = [50] if quick else [50, 100, 300]
    var_dims = [50] if quick else [100, 300]
    out = Path(a.out) / ("quick" if quick else "full")
    out.mkdir(parents=True, exist_ok=True)
    reps = a.reps
    tok = ["--lowercase", "--split-punctuation"]
    rows = []
    cache = out / "rows.json"
    if a.resume and cache.is_file():
        rows = [tuple(r) for r in json.loads(cache.read_text())]

    def done(prefix):
        return any(r[0].startswith(prefix) for r in rows)

    def row(stage, size, secs, thr, rss, base, ratio):
        rows.append((stage, size, "%.2f" % secs, thr, "%.0f MiB" % rss, base, ratio))
        cache.write_text(json.dumps(rows))
        print("  %-28s %s" % (stage, rows[-1][2:]), file=sys.stderr, flush=True)

    vocab = out / "vocab.txt"
    if not (a.resume and vocab.is_file()):
        run([CLI, "vocab", "--corpus", corpus, "--out", vocab, "--min-count", "5", *tok, "--json"])

    # Co-occurrence: engine with 1 and 2 threads vs a single-threaded dictionary counter.
    if not done("cooccur"):
        cooccur_rows(corpus, vocab, out, tok, reps, row)
    # Training: entries/s per epoch vs the scalar double-precision port of GloVe C's loop (same thread count: 1).
    for d in train_dims:
        if not done("train D=%d " % d):
            train_rows(d, vocab, out, reps, row)
    variance_rows(var_dims, vocab, out, reps, row, done)
    query_rows(var_dims, vocab, out, rows, done)
    write_table(corpus, out, rows)


def cooccur_rows(corpus, vocab, out, tok, reps, row):
    base_out, _ = run(["dotnet", BENCH, "baseline-cooccur", corpus, vocab, "10", "1", "1"])
    base = js(base_out)
    base_rate = base["tokens"] / base["seconds"]
    for threads in (1, 2):
        res = [rss_run([CLI, "cooccur", "--corpus", corpus, "--vocab", vocab, "--out", out / "cooc", "--window", "10",
                        "--threads", str(threads), *tok, "--json"]) for _ in range(reps)]
        secs = statistics.median(js(r[0])["seconds"] for r in res)
        tokens = js(res[0][0])["tokens"]
        nnz = js(res[0][0])["nonzeros"]
        row("cooccur (%d thr)" % threads, "%.1fM tok, %.1fM nnz" % (tokens / 1e6, nnz / 1e6), secs, "%.2fM tok/s" % (tokens / secs / 1e6),
            max(r[2] for r in res), "dict counter 1 thr %.2fM tok/s" % (base_rate / 1e6), "%.1fx" % (tokens / secs / base_rate))


def train_rows(d, vocab, out, reps, row):
    bl = js(run(["dotnet", BENCH, "baseline-train", out / "cooc", vocab, str(d), "1"])[0])["entries_per_second"]
    for threads in (1, 2):
        rates, rss, nnz = [], 0.0, 0
        for _ in range(reps):
            o, _, r = rss_run([CLI, "train", "--cooccur", out / "cooc", "--vocab", vocab, "--out", out / ("m%d" % d),
                               "--dim", str(d), "--epochs", "2", "--threads", str(threads), "--json"])
            j = js(o)
            rates += [e["entries_per_second"] for e in j["epochs"]]
            rss, nnz = max(rss, r), j["nonzeros"]
        rate = statistics.median(rates)
        row("train D=%d (%d thr)" % (d, threads), "%.1fM nnz/epoch" % (nnz / 1e6), nnz / rate, "%.2fM entries/s/thr" % (rate / threads / 1e6),
            rss, "scalar GloVe C port %.2fM/s" % (bl / 1e6), "%.1fx per thread" % (rate / threads / bl))


def variance_rows(var_dims, vocab, out, reps, row, done):
    # Variance: effective GFLOP/s vs the backend's own DGEMM (2 concurrent single-threaded calls) and vs numpy.
    if all(done("variance D=%d " % d) for d in var_dims):
        return
    dgemm = js(run(["dotnet", BENCH, "dgemm", "1500", "2"])[0])["gflops"]
    dgemm1 = js(run(["dotnet", BENCH, "dgemm", "1500", "1"])[0])["gflops"]
    dgemm_ob = js(run(["dotnet", BENCH, "dgemm", "1500", "2"], dict(os.environ, GLOVEV_BLAS="openblas"))[0])["gflops"]
    for d in var_dims:
        if done("variance D=%d " % d):
            continue
        model = out / ("m%d" % d)
        if not (model / "params.safetensors").is_file():
            run([CLI, "train", "--cooccur", out / "cooc", "--vocab", vocab, "--out", model, "--dim", str(d), "--epochs", "1", "--json"])
        res = [rss_run([CLI, "variance", "--model", model, "--cooccur", out / "cooc", "--threads", "2", "--approx", "0", "--no-complete",
                       "--out", out / ("v%d-compute" % d), "--json"]) for _ in range(reps)]
        js0 = [js(r[0]) for r in res]
        secs = statistics.median(j["seconds"] for j in js0)
        gf = statistics.median(j["gflops"] for j in js0)
        one = js(rss_run([CLI, "variance", "--model", model, "--cooccur", out / "cooc", "--threads", "1", "--approx", "0", "--no-complete",
                           "--out", out / ("v%d-compute" % d), "--json"])[0])
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", OMP_NUM_THREADS="1")
        npj = js(run([PY, REPO / "perf" / "numpy_variance.py", model, out / "cooc", "2" if d <= 100 else "10"], env)[0])
        row("variance D=%d (2 thr)" % d, "%d words" % js0[0]["words_done"], secs, "%.1f GFLOP/s" % gf, max(r[2] for r in res),
            "DGEMM x2 %.1f GF/s" % dgemm, "%.2f of DGEMM" % (gf / dgemm))
        row("variance D=%d (1 thr)" % d, "%d words" % one["words_done"], one["seconds"], "%.1f GFLOP/s" % one["gflops"], float("nan"),
            "numpy 1 thr %.1f GF/s on %d words (DGEMM x1 %.1f)" % (npj["gflops"], npj["words"], dgemm1), "%.1fx numpy" % (one["gflops"] / npj["gflops"]))
        if d <= 100:
            # The stage as a user runs it (complete + compact forms, written to disk) against the compute alone, both
            # as wall time of the whole command in this run (at D = 300 the complete form alone is ~10 GB: skipped).
            alone = statistics.median(r[1] for r in res)
            full = [rss_run([CLI, "variance", "--model", model, "--cooccur", out / "cooc", "--threads", "2", "--out", out / ("v%d-default" % d), "--json"])
                    for _ in range(reps)]
            secs_full = statistics.median(r[1] for r in full)
            row("variance D=%d default (2 thr)" % d, "%d words" % js0[0]["words_done"], secs_full, "complete + compact",
                max(r[2] for r in full), "compute only %.2f s (wall)" % alone, "%.2fx compute only" % (secs_full / alone))
            shutil.rmtree(out / ("v%d-default" % d), ignore_errors=True)
        # The same stage on the OpenBLAS backend (faster than MKL 2020's generic path on AMD CPUs).
        ob = dict(os.environ, GLOVEV_BLAS="openblas")
        res = [rss_run([CLI, "variance", "--model", model, "--cooccur", out / "cooc", "--threads", "2", "--approx", "0", "--no-complete",
                       "--out", out / ("v%d-compute" % d), "--json"], ob) for _ in range(reps)]
        gfo = statistics.median(js(r[0])["gflops"] for r in res)
        row("variance D=%d (2 thr, OpenBLAS)" % d, "%d words" % js(res[0][0])["words_done"], statistics.median(js(r[0])["seconds"] for r in res),
            "%.1f GFLOP/s" % gfo, max(r[2] for r in res), "OpenBLAS DGEMM x2 %.1f GF/s" % dgemm_ob, "%.2f of DGEMM" % (gfo / dgemm_ob))


def query_rows(var_dims, vocab, out, rows, done):
    # Queries from Python through ctypes, on the smallest trained model with complete covariances.
    if done("query"):
        return
    qmodel = out / "m50"
    if not (qmodel / "params.safetensors").is_file():
        run([CLI, "train", "--cooccur", out / "cooc", "--vocab", vocab, "--out", qmodel, "--dim", "50", "--epochs", "1", "--json"])
    run([CLI, "variance", "--model", qmodel, "--cooccur", out / "cooc", "--approx", "0", "--json"])
    env = dict(os.environ, PYTHONPATH=str(REPO / "bindings" / "python"), GLOVEV_LIB=str(REPO / "build" / "lib" / "libglovev.so"))
    words = [l.split(" ")[0] for l in vocab.read_text().splitlines()[100:102]]
    q = js(run([PY, REPO / "perf" / "query_latency.py", qmodel, *words], env)[0])
    rows.append(("query: similarity CI (delta)", "1 pair", "%.3f ms" % q["similarity_delta_ms"], "", "", "", ""))
    rows.append(("query: similarity CI (1000 draws)", "1 pair", "%.3f ms" % q["similarity_sample1000_ms"], "", "", "", ""))
    rows.append(("query: top-10 neighbours + CIs", "V=%d, D=50" % q["vocab_size"], "%.3f ms" % q["top10_delta_ms"], "", "", "", ""))
    (out / "rows.json").write_text(json.dumps(rows))


def write_table(corpus, out, rows):

    backend = subprocess.run([str(CLI), "--version"], capture_output=True, text=True).stdout.strip().replace("\n", "; ")
    header = ("stage", "work", "seconds (median)", "throughput", "peak RSS", "baseline (same run)", "ratio")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["corpus: %s" % corpus.name, "machine: %s, %d cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(), cpu_model()),
             "engine: %s" % backend, ""]
    for r in [header] + rows:
        lines.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
        if r is header:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    text = "\n".join(lines)
    (out / "table.md").write_text(text + "\n")
    print(text)


def cpu_model():
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
