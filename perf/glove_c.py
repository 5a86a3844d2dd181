"""Side by side with Stanford GloVe C in the same run: co-occurrence counting and training on the same tokens.

Builds GloVe C from ../shared/baselines/glove-c (when present; otherwise prints that it skipped and exits 0) into a
scratch folder in two variants a user would pick: the Makefile's (-O3) and -Ofast (the Makefile's commented-out
option). Tokenises the corpus once (lowercase, the regex [a-z0-9]+(?:'[a-z]+)?, one document per line) so both tools
count the same whitespace tokens with the same vocab.txt (GloVe C's vocab_count, min-count 5), then times, as medians
of REPS rounds that run glovev and GloVe C in turn (each whole command under /usr/bin/time, after an untimed sync):

  cooccur   window 10, symmetric, distance-weighted: glovev at 1 and 2 threads vs GloVe C's single-threaded cooccur
  train     D = DIM, EPOCHS AdaGrad epochs, x_max 100: glovev vs GloVe C -Ofast (and -O3 once) at 1 and 2 threads;
            GloVe C trains on the shuffled file its `shuffle` writes (timed apart, not counted)

and prints one table with the ratios (GloVe C's time / glovev's). Usage:
  python3 perf/glove_c.py [--corpus F] [--out DIR] [--reps 3] [--dim 100] [--epochs 3] [--o3]
"""
import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO.parent / "shared" / "baselines" / "glove-c"
CLI = Path(os.environ.get("GLOVEV_BIN", REPO / "build" / "bin" / "glovev"))


def timed(cmd, stdin=None, stdout=None):
    """(seconds, peak RSS MiB) of one command under /usr/bin/time."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "GLOVEV_MAXRSS %M", *map(str, cmd)], stdin=stdin, stdout=stdout or subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    sec = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(map(str, cmd)), p.stderr.decode()[-2000:]))
    rss = [l for l in p.stderr.decode().splitlines() if l.startswith("GLOVEV_MAXRSS")]
    return sec, int(rss[-1].split()[1]) / 1024.0 if rss else float("nan")


def run_once(make):
    """(seconds, peak RSS MiB) of one run; make() returns (cmd, stdin path or None, stdout path or None). The previous
    runs' output is flushed to disk first, untimed (os.sync), so no run pays for the writeback of another's."""
    cmd, inp, out = make()
    os.sync()
    fin = open(inp, "rb") if inp else None
    fout = open(out, "wb") if out else None
    try:
        return timed(cmd, fin, fout)
    finally:
        for f in (fin, fout):
            if f:
                f.close()


def alternating(reps, *makes):
    """(median seconds, largest peak RSS) of each command over reps rounds that run the commands in turn: the VM's speed
    drifts within minutes, and alternating puts each round's commands in the same stretch of it."""
    runs = [[] for _ in makes]
    for _ in range(reps):
        for k, make in enumerate(makes):
            runs[k].append(run_once(make))
    return [(statistics.median(s for s, _ in r), max(m for _, m in r)) for r in runs]


def median_run(reps, make):
    """Median seconds and the largest peak RSS over reps runs of one command."""
    return alternating(reps, make)[0]


def build(scratch):
    src = scratch / "glove-c"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(BASELINE, src)
    subprocess.run(["make", "-C", str(src)], check=True, capture_output=True)
    ofast = src / "build" / "glove-ofast"
    subprocess.run(["gcc", "-pthread", "-Ofast", "-march=native", "-funroll-loops", "-o", str(ofast), str(src / "src" / "glove.c"),
                    str(src / "src" / "common.c"), "-lm"], check=True, capture_output=True)
    return src / "build"


def tokenise(corpus, out):
    token = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
    opener = gzip.open if str(corpus).endswith(".gz") else open
    n = 0
    with opener(corpus, "rt", encoding="utf-8", errors="replace") as f, open(out, "w", encoding="utf-8") as g:
        for line in f:
            toks = token.findall(line.lower())
            n += len(toks)
            g.write(" ".join(toks) + "\n")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "data" / "corpora" / "gutenberg_10M" / "gutenberg_10M.txt.gz"))
    ap.add_argument("--out", default=str(REPO / "perf" / "out" / "glove-c"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--o3", action="store_true", help="also time the Makefile's -O3 build of glove (slow: ~1 min per epoch)")
    a = ap.parse_args()
    if not (BASELINE / "src" / "glove.c").is_file():
        print("perf/glove_c.py: %s not found: GloVe C comparison skipped" % BASELINE)
        return 0
    if not Path(a.corpus).is_file():
        print("perf/glove_c.py: corpus %s not found: GloVe C comparison skipped" % a.corpus)
        return 0
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    a.corpus = str(Path(a.corpus).resolve())
    # GloVe C's cooccur and shuffle write their temporary files into the working folder.
    os.chdir(out)
    bins = build(out)
    corpus = out / "corpus.txt"
    tokens = tokenise(a.corpus, corpus)
    vocab = out / "vocab.txt"
    with open(corpus, "rb") as fin, open(vocab, "wb") as fout:
        subprocess.run([str(bins / "vocab_count"), "-min-count", "5", "-verbose", "0"], stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, check=True)
    words = sum(1 for _ in open(vocab, encoding="utf-8"))
    rows = []

    def row(stage, ours, base, name):
        rows.append((stage, "%.2f" % ours[0], "%.0f MiB" % ours[1], "%s %.2f s, %.0f MiB" % (name, base[0], base[1]), "%.2fx" % (base[0] / ours[0])))
        print("  %-24s %s" % (stage, rows[-1][1:]), file=sys.stderr, flush=True)

    # Co-occurrence: the same vocab.txt (GloVe C's; it has no tokenisation record, so glovev does not check one).
    cooc_c = out / "cooccurrence.bin"

    def fresh_cooc():
        # Each tool starts without its previous output, untimed: GloVe C's file is truncated when it is opened for the
        # run, before the clock starts; glovev would otherwise delete its previous folder (655 MB here) in the timed run.
        shutil.rmtree(out / "cooc", ignore_errors=True)
        return out / "cooc"

    def ours_cooc(t):
        return lambda: ([CLI, "cooccur", "--corpus", corpus, "--vocab", vocab, "--out", fresh_cooc(), "--window", "10",
                         "--threads", str(t), "--memory", "4G"], None, None)

    base, ours1, ours2 = alternating(a.reps, lambda: ([bins / "cooccur", "-verbose", "0", "-symmetric", "1", "-window-size", "10", "-vocab-file", vocab,
                                                       "-memory", "4.0", "-distance-weighting", "1"], corpus, cooc_c), ours_cooc(1), ours_cooc(2))
    row("cooccur (1 thr)", ours1, base, "GloVe C cooccur (1 thr)")
    row("cooccur (2 thr)", ours2, base, "GloVe C cooccur (1 thr)")
    # Same counts: glovev writes GloVe C's cooccurrence.bin too; sizes must agree (records of 16 bytes).
    same = (out / "cooc" / "cooccurrence.bin").stat().st_size == cooc_c.stat().st_size

    shuf = out / "cooccurrence.shuf.bin"
    t0 = time.perf_counter()
    with open(cooc_c, "rb") as fin, open(shuf, "wb") as fout:
        subprocess.run([str(bins / "shuffle"), "-verbose", "0", "-memory", "4.0"], stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, check=True)
    shuffle_s = time.perf_counter() - t0

    def fresh_model():
        # As fresh_cooc: glovev would otherwise replace its previous model folder in the timed run.
        shutil.rmtree(out / "model", ignore_errors=True)
        return out / "model"

    def glove(binary, t):
        return ([bins / binary, "-input-file", shuf, "-vocab-file", vocab, "-save-file", out / "vectors", "-verbose", "0",
                 "-vector-size", str(a.dim), "-iter", str(a.epochs), "-threads", str(t), "-x-max", "100", "-save-gradsq", "0"], None, None)

    for t in (1, 2):
        ours, base = alternating(a.reps, lambda: ([CLI, "train", "--cooccur", out / "cooc", "--vocab", vocab, "--out", fresh_model(), "--dim", str(a.dim),
                                                   "--epochs", str(a.epochs), "--threads", str(t)], None, None), lambda: glove("glove-ofast", t))
        row("train D=%d (%d thr)" % (a.dim, t), ours, base, "GloVe C -Ofast")
        if a.o3 and t == 1:
            row("train D=%d (%d thr)" % (a.dim, t), ours, median_run(1, lambda: glove("glove", t)), "GloVe C -O3 (1 run)")

    print("corpus: %s -> %d tokens, V = %d (min-count 5), window 10; D = %d, %d epochs; medians of %d; GloVe C shuffle %.1f s (not counted)"
          % (a.corpus, tokens, words, a.dim, a.epochs, a.reps, shuffle_s))
    print("same cooccurrence.bin size as GloVe C's: %s" % ("yes" if same else "NO"))
    print("| stage | glovev seconds (median) | glovev peak RSS | GloVe C (same run) | GloVe C / glovev |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
