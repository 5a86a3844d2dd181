#!/usr/bin/env python3
"""ALS acceptance and ridge frontier (issue "Models at GloVe-V's fixed point").

Prepares gutenberg_10M as the issue measured it (lowercased, tokens [a-z0-9]+(?:'[a-z]+)?, min-count 5, window 10),
trains the 25-epoch AdaGrad baseline, then warm-up AdaGrad + ALS sweeps for each ridge lambda, and prints, in one run:
wall seconds (ratio to the baseline), final cost, word similarity (WS-353, SimLex-999, MEN; centre vectors and W + C),
median cos(trained, WLS) over words with a covariance, and the share of words at noise ratio > 1.

  /usr/bin/python3 perf/als_frontier.py [--corpus F] [--out DIR] [--dim 100] [--warmup 10] [--sweeps 4] [--ridges 0,0.01,0.1]
Small check on KJV:  /usr/bin/python3 perf/als_frontier.py --corpus tests/data/kjv.txt.gz --dim 50 --baseline-epochs 15 --warmup 5
"""
import argparse, csv, gzip, json, os, re, struct, subprocess, sys, time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def load_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    dt = {"F32": np.float32, "F64": np.float64}
    out = {}
    for name, e in header.items():
        if name != "__metadata__":
            a, b = e["data_offsets"]
            out[name] = np.frombuffer(data[a:b], dtype=dt[e["dtype"]]).reshape(e["shape"])
    return out, header.get("__metadata__", {})


def run(glovev, args):
    t = time.perf_counter()
    p = subprocess.run([glovev] + args + ["--json"], capture_output=True, text=True)
    sec = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"glovev {' '.join(args)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return json.loads(p.stdout), sec


def benchmarks():
    found = {}
    for name, rel in [("WS-353", "word_similarity/wordsim353/EN-WS-353-ALL.txt"), ("SimLex", "word_similarity/simlex999/EN-SIMLEX-999.txt"),
                      ("MEN", "word_similarity/men/EN-MEN-TR-3k.txt")]:
        p = SHARED / rel
        if p.exists():
            found[name] = [(a.lower(), b.lower(), float(s)) for a, b, s in (l.split() for l in p.read_text().splitlines() if l.strip())]
    return found


def similarity(vectors, index, pairs):
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-30)
    got = [(float(v[index[a]] @ v[index[b]]), s) for a, b, s in pairs if a in index and b in index]
    return spearmanr([g for g, _ in got], [s for _, s in got]).correlation if len(got) > 2 else float("nan")


def describe(model, cooc, glovev, threads, bench):
    t, _ = load_safetensors(model / "params.safetensors")
    words = [l.split(" ")[0] for l in (model / "vocab.txt").read_text(encoding="utf-8").splitlines()]
    index = {w: i for i, w in enumerate(words)}
    w, c = t["center_vectors"].astype(np.float64), t["context_vectors"].astype(np.float64)
    row = {}
    for name, pairs in bench.items():
        row[name] = similarity(w, index, pairs)
        row[name + " W+C"] = similarity(w + c, index, pairs)
    # Diagnostics only (no covariances), beside the model's own variances folder.
    run(glovev, ["variance", "--model", str(model), "--cooccur", str(cooc), "--threads", str(threads), "--approx", "0", "--no-complete",
                 "--out", str(model / "diagnostics")])
    info = [r for r in csv.DictReader(open(model / "diagnostics" / "variance_info.tsv", encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE) if r["status"] in ("ok", "pseudo_inverse")]
    cos = np.array([float(r["cos_wls"]) for r in info]); nr = np.array([float(r["noise_ratio"]) for r in info])
    row["median cos(trained,WLS)"] = float(np.median(cos)); row["p5 cos"] = float(np.percentile(cos, 5))
    row["share NR>1"] = float(np.mean(nr > 1)); row["words"] = len(info)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(SHARED / "corpora" / "gutenberg_10M" / "gutenberg_10M.txt.gz"))
    ap.add_argument("--out", default=str(REPO / "perf" / "results" / "als"))
    ap.add_argument("--glovev", default=os.environ.get("GLOVEV", str(REPO / "build" / "bin" / "glovev")))
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--baseline-epochs", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--sweeps", type=int, default=4)
    ap.add_argument("--ridges", default="0,0.01,0.03,0.1,0.3")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if not Path(a.corpus).exists():
        sys.exit(f"corpus not found: {a.corpus} (pass --corpus)")
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    g = a.glovev
    corpus = out / "corpus.txt"
    if not corpus.exists():
        op = gzip.open if a.corpus.endswith(".gz") else open
        with op(a.corpus, "rt", encoding="utf-8", errors="replace") as f, open(corpus, "w", encoding="utf-8") as o:
            for line in f:
                toks = TOKEN.findall(line.lower())
                if toks:
                    o.write(" ".join(toks) + "\n")
    vocab, cooc = out / "vocab.txt", out / "cooc"
    if not (cooc / "cooccurrence.csr.safetensors").exists():
        run(g, ["vocab", "--corpus", str(corpus), "--out", str(vocab), "--min-count", "5"])
        run(g, ["cooccur", "--corpus", str(corpus), "--vocab", str(vocab), "--out", str(cooc), "--window", "10", "--threads", str(a.threads)])
    bench = benchmarks()
    common = ["--cooccur", str(cooc), "--vocab", str(vocab), "--dim", str(a.dim), "--threads", str(a.threads)]
    rows = []
    base, base_sec = run(g, ["train", *common, "--out", str(out / "adagrad"), "--epochs", str(a.baseline_epochs)])
    r = describe(out / "adagrad", cooc, g, a.threads, bench)
    r.update(schedule=f"AdaGrad {a.baseline_epochs} epochs", seconds=base_sec, cost=base["final_cost"]); rows.append(r)
    for lam in [float(x) for x in a.ridges.split(",")]:
        name = out / f"als_ridge_{lam:g}"
        res, sec = run(g, ["train", *common, "--out", str(name), "--epochs", str(a.warmup), "--als-sweeps", str(a.sweeps), "--ridge", str(lam)])
        r = describe(name, cooc, g, a.threads, bench)
        r.update(schedule=f"AdaGrad {a.warmup} + ALS {len(res['als_sweeps'])} (lambda {lam:g})", seconds=sec, cost=res["final_cost"]); rows.append(r)
    cols = ["schedule", "seconds", "cost", "median cos(trained,WLS)", "p5 cos", "share NR>1"] + [k for k in rows[0] if k.startswith(tuple(bench))]
    print(f"corpus: {a.corpus}  D={a.dim}  threads={a.threads}  words with a covariance: {rows[0]['words']}")
    print("| " + " | ".join(cols) + " | time ratio |")
    print("|" + "---|" * (len(cols) + 1))
    for r in rows:
        cells = [r["schedule"], f"{r['seconds']:.1f}", f"{r['cost']:.5f}", f"{r['median cos(trained,WLS)']:.4f}", f"{r['p5 cos']:.4f}", f"{r['share NR>1']:.3f}"]
        cells += [f"{r[k]:.3f}" for k in cols[6:]]
        print("| " + " | ".join(cells) + f" | {r['seconds'] / base_sec:.2f} |")
    (out / "frontier.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
