"""glovev calibrate, glovev bootstrap and glovev compare-uncertainty: the CLI and the Python binding (issue 16)."""
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, debiased_cosine_and_sd, moderation_factor, run_json

KJV = REPO / "tests" / "data" / "kjv.txt.gz"
# A small, fast schedule: the checks are about the machinery, the README numbers come from perf/uncertainty.sh.
SMALL = ["--dim", "10", "--epochs", "2", "--als-sweeps", "2", "--min-count", "20", "--threads", "2"]
# The same for a bootstrap with the model's vocabulary (a cut-off there would be ignored, so it is refused).
BOOT = [a for i, a in enumerate(SMALL) if a != "--min-count" and SMALL[i - 1] != "--min-count"]


def _fail(cli, *args):
    r = subprocess.run([cli, *args], capture_output=True, text=True)
    return r.returncode, r.stderr


@pytest.fixture(scope="module")
def kjv_model(tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("kjv")
    subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *SMALL, "--json"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def kjv_boot(tmp_path_factory, cli, kjv_model):
    out = tmp_path_factory.mktemp("kjv-boot")
    res = run_json(cli, "bootstrap", "--corpus", str(KJV), "--out", str(out), "--vocab", str(kjv_model / "vocab.txt"),
                   "--replicates", "3", "--seed-replicates", "2", *BOOT)
    assert res["trained"] == 5 and res["already_done"] == 0
    return out


def test_calibrate_covers_where_the_model_is_informative(cli, fixture_dir):
    res = run_json(cli, "calibrate", "--model", str(fixture_dir / "model"), "--cooccur", str(fixture_dir / "cooccur"),
                   "--replicates", "8", "--words-per-band", "20", "--bands", "300,1000")
    rows = res["rows"]
    bands = sorted({r["band"] for r in rows})
    assert len(rows) == len(bands) * 3 * 3  # bands x statistics x methods
    for r in rows:
        assert r["intervals"] == r["words"] * 8
        assert 0 <= r["coverage"] <= 1 and 0 <= r["not_identifiable"] <= 1
        se = np.sqrt(r["coverage"] * (1 - r["coverage"]) / r["intervals"])
        assert r["coverage_se"] == pytest.approx(se)
    top = {(r["statistic"], r["method"]): r for r in rows if r["band"] == "1-300"}
    # The frequent band of the fixture has noise ratios ~0.2 and |K| - D ~ 300: the calibrated method must cover there
    # (the exact-model table says 93-97%), while not being degenerate (mostly identifiable, finite widths).
    for stat in ("cosine_neighbour", "cosine_random"):
        cal = top[(stat, "calibrated")]
        assert cal["coverage"] >= 0.85, cal
        assert cal["not_identifiable"] < 0.5, cal
        assert 0 < cal["median_width"] < 2
    # The method of composition is centred on a noisy estimate: at a word and its nearest neighbour it must under-cover
    # as the exact-model table says; if it did not, the simulation would not be simulating noise.
    assert top[("cosine_neighbour", "sample")]["coverage"] < top[("cosine_neighbour", "calibrated")]["coverage"]


def test_calibrate_is_seeded_and_checks_its_arguments(cli, fixture_dir, tmp_path):
    base = ["calibrate", "--model", str(fixture_dir / "model"), "--cooccur", str(fixture_dir / "cooccur"), "--samples", "200"]
    args = base + ["--replicates", "3", "--words-per-band", "5", "--methods", "delta,calibrated"]
    a, b = run_json(cli, *args, "--threads", "2"), run_json(cli, *args, "--threads", "1")
    assert a == b
    assert {r["method"] for r in a["rows"]} == {"delta", "calibrated"}
    c = run_json(cli, *args, "--seed", "7")
    assert c != a
    tsv = tmp_path / "cal.tsv"
    png = tmp_path / "cal.png"
    subprocess.run([cli, *args, "--tsv", str(tsv), "--plot", str(png)], check=True, capture_output=True)
    assert tsv.read_text().splitlines()[0].split("\t")[:3] == ["band", "rank_from", "rank_to"]
    assert png.stat().st_size > 1000
    for bad, needle in [(["--bands", "300,200"], "--bands"), (["--bands", "x"], "--bands"), (["--methods", "bayes"], "method"),
                        (["--words-per-band", "1"], "--words-per-band"), (["--replicates", "0"], "--replicates"),
                        (["--plot", str(tmp_path / "p.jpg")], "--plot"), (["--level", "1.5"], "--level")]:
        rc, err = _fail(cli, *base, *bad)
        assert rc == 2 and needle in err, (bad, err)
    rc, err = _fail(cli, "calibrate", "--model", str(tmp_path / "nope"), "--cooccur", str(fixture_dir / "cooccur"))
    assert rc == 2 and "nope" in err


def test_bootstrap_resumes_and_refuses_other_settings(cli, kjv_model, kjv_boot, tmp_path):
    reps = sorted(p.name for p in (kjv_boot / "replicates").iterdir())
    assert reps == ["boot_0001.safetensors", "boot_0002.safetensors", "boot_0003.safetensors", "seed_0001.safetensors", "seed_0002.safetensors"]
    assert not (kjv_boot / ".work").exists()
    assert (kjv_boot / "vocab.txt").read_text() == (kjv_model / "vocab.txt").read_text()
    again = run_json(cli, "bootstrap", "--corpus", str(KJV), "--out", str(kjv_boot), "--vocab", str(kjv_model / "vocab.txt"),
                     "--replicates", "3", "--seed-replicates", "2", *BOOT)
    assert again["trained"] == 0 and again["already_done"] == 5
    rc, err = _fail(cli, "bootstrap", "--corpus", str(KJV), "--out", str(kjv_boot), "--vocab", str(kjv_model / "vocab.txt"),
                    "--replicates", "3", "--dim", "12", "--epochs", "2", "--als-sweeps", "2")
    assert rc == 2 and "other settings" in err
    rc, err = _fail(cli, "bootstrap", "--corpus", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "b"))
    assert rc == 2 and "missing.txt" in err
    rc, err = _fail(cli, "bootstrap", "--corpus", str(KJV), "--out", str(tmp_path / "b"), "--replicates", "0")
    assert rc == 2 and "nothing to do" in err


def test_replicates_record_what_they_are(cli, tmp_path):
    # Two-word lines (the resampling itself is checked against the multinomial in the xunit suite).
    n = 400
    corpus = tmp_path / "lines.txt"
    corpus.write_text("".join("w%d common\n" % (i % 40) for i in range(n)))
    out = tmp_path / "boot"
    run_json(cli, "bootstrap", "--corpus", str(corpus), "--out", str(out), "--replicates", "1", "--seed-replicates", "1",
             "--min-count", "1", "--dim", "4", "--epochs", "1", "--als-sweeps", "0", "--ridge", "0", "--window", "1")
    from safetensors_np import load
    t, meta = load(out / "replicates" / "boot_0001.safetensors")
    assert meta["bootstrap_lines"] == str(n) and meta["bootstrap_kind"] == "documents"
    assert t["center_vectors"].shape == (41, 4)
    _, meta = load(out / "replicates" / "seed_0001.safetensors")
    assert meta["bootstrap_kind"] == "seed" and meta["bootstrap_lines"] == "0"
    manifest = json.loads((out / "bootstrap.json").read_text())
    assert manifest["format"] == "glovev-bootstrap-1" and manifest["vocab_size"] == 41


def test_compare_uncertainty_reports_bands_and_pairs(cli, kjv_model, kjv_boot, tmp_path):
    res = run_json(cli, "compare-uncertainty", "--model", str(kjv_model / "model"), "--bootstrap", str(kjv_boot),
                   "--pairs-per-band", "20", "--bands", "300,1000")
    assert res["bootstrap_replicates"] == 3 and res["seed_replicates"] == 2
    bands = {b["band"]: b for b in res["bands"]}
    assert set(bands) >= {"1-300", "301-1000", "all"}
    assert bands["all"]["pairs"] == sum(b["pairs"] for k, b in bands.items() if k != "all")
    pairs = res["pairs"]
    # Recompute the band medians independently from the per-pair rows.
    for name, b in bands.items():
        ps = [p for p in pairs if name == "all" or p["band"] == name]
        assert b["median_bootstrap_sd"] == pytest.approx(np.median([p["bootstrap_sd"] for p in ps]))
        assert b["median_ratio_glovev_bootstrap"] == pytest.approx(np.median([p["glovev_sd"] / p["bootstrap_sd"] for p in ps]))
    # The bootstrap SD of a pair, recomputed from the replicate files.
    from safetensors_np import load
    vocab = [l.split(" ")[0] for l in (kjv_model / "vocab.txt").read_text().splitlines()]
    idx = {w: i for i, w in enumerate(vocab)}
    p = pairs[0]
    cos = []
    for k in (1, 2, 3):
        w = load(kjv_boot / "replicates" / ("boot_%04d.safetensors" % k))[0]["center_vectors"].astype(np.float64)
        a, b = w[idx[p["a"]]], w[idx[p["b"]]]
        cos.append(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert p["bootstrap_sd"] == pytest.approx(np.std(cos, ddof=1), rel=1e-5)
    rc, err = _fail(cli, "compare-uncertainty", "--model", str(kjv_model / "model"), "--bootstrap", str(tmp_path))
    assert rc == 2 and "bootstrap.json" in err


def test_compare_uncertainty_refuses_another_vocabulary(cli, fixture_dir, kjv_boot):
    rc, err = _fail(cli, "compare-uncertainty", "--model", str(fixture_dir / "model"), "--bootstrap", str(kjv_boot))
    assert rc == 2 and "another vocabulary" in err


def test_python_front_door(fixture_dir, kjv_model, kjv_boot, tmp_path):
    import pandas as pd
    import glovev
    cal = glovev.calibrate(fixture_dir / "model", fixture_dir / "cooccur", bands=[300], words_per_band=5, replicates=2,
                           methods=["delta"], threads=1)
    assert isinstance(cal, pd.DataFrame)
    assert list(cal.columns) == ["band", "rank_from", "rank_to", "words", "median_noise_ratio", "median_dof", "statistic", "method",
                                 "intervals", "coverage", "coverage_se", "median_width", "not_identifiable"]
    assert set(cal["method"]) == {"delta"} and len(cal) == 2 * 3
    bands, pairs = glovev.compare_uncertainty(kjv_model / "model", kjv_boot, bands=[300], pairs_per_band=10)
    assert bands["band"].tolist()[-1] == "all" and len(pairs) == bands["pairs"].iloc[-1]
    assert {"glovev_sd", "bootstrap_sd", "seed_sd"} <= set(pairs.columns)
    assert glovev.bootstrap(KJV, kjv_boot, replicates=3, seed_replicates=2, vocab=kjv_model / "vocab.txt", dim=10, epochs=2,
                            als_sweeps=2, threads=2) == 0  # all there already: resumes, trains nothing
    with pytest.raises(glovev.ArgumentError, match="min_count"):  # a cut-off with a given vocabulary would be ignored
        glovev.bootstrap(KJV, tmp_path / "b", replicates=1, vocab=kjv_model / "vocab.txt", dim=10, epochs=2, min_count=20, threads=2)
    with pytest.raises(glovev.ArgumentError, match="methods"):
        glovev.calibrate(fixture_dir / "model", fixture_dir / "cooccur", methods=["bayes"])
    with pytest.raises(glovev.ArgumentError, match="words-per-band|words_per_band"):
        glovev.calibrate(fixture_dir / "model", fixture_dir / "cooccur", words_per_band=1)
    with pytest.raises(glovev.ArgumentError, match="bands must hold at least one rank"):  # not the defaults in disguise
        glovev.calibrate(fixture_dir / "model", fixture_dir / "cooccur", bands=[])
    with pytest.raises(glovev.ArgumentError, match="seed"):  # replicate seeds would pass 2^64 - 1
        glovev.bootstrap(KJV, tmp_path / "b", replicates=2, vocab=kjv_model / "vocab.txt", dim=10, epochs=2, seed=2 ** 64 - 2, threads=2)
    with pytest.raises(TypeError):
        glovev.calibrate(fixture_dir / "model", fixture_dir / "cooccur", replicates="3")
    with pytest.raises(glovev.ArgumentError, match="other settings"):
        glovev.bootstrap(KJV, kjv_boot, replicates=3, vocab=kjv_model / "vocab.txt", dim=11)
    with pytest.raises(glovev.FileError):
        glovev.compare_uncertainty(kjv_model / "model", tmp_path)


def test_a_killed_bootstrap_resumes_at_the_next_missing_replicate(cli, kjv_model, tmp_path):
    import os
    import signal
    import time
    out = tmp_path / "boot"
    args = [cli, "bootstrap", "--corpus", str(KJV), "--out", str(out), "--vocab", str(kjv_model / "vocab.txt"),
            "--replicates", "4", *BOOT[:-2], "--threads", "1", "--json"]  # one thread: training is deterministic
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = out / "replicates" / "boot_0001.safetensors"
    deadline = time.time() + 120
    while not first.exists() and time.time() < deadline and p.poll() is None:
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    done = sorted(x.name for x in (out / "replicates").iterdir() if x.name.endswith(".safetensors"))
    assert 1 <= len(done) < 4, done
    res = run_json(cli, *args[1:-1])
    assert res["already_done"] == len(done) and res["trained"] == 4 - len(done)
    assert sorted(x.name for x in (out / "replicates").iterdir()) == ["boot_%04d.safetensors" % k for k in (1, 2, 3, 4)]
    assert not (out / ".work").exists()
    # The resumed replicates equal those of an uninterrupted run.
    clean = tmp_path / "clean"
    run_json(cli, "bootstrap", "--corpus", str(KJV), "--out", str(clean), "--vocab", str(kjv_model / "vocab.txt"), "--replicates", "4",
             *BOOT[:-2], "--threads", "1")
    for k in (1, 2, 3, 4):
        name = "boot_%04d.safetensors" % k
        assert (out / "replicates" / name).read_bytes() == (clean / "replicates" / name).read_bytes()


def test_calibrated_interval_of_a_ridge_model_is_built_on_the_unshrunk_estimates(kjv_model):
    """Independently in numpy: with ridge lambda, S = I - (lambda / sigma^2) Sigma, the un-shrunk vector S^-1 w and its
    covariance Sigma S^-1; the calibrated interval of a cosine is built on the noise-debiased cosine of those (its sd is
    that cosine's delta-method sd; its estimate that cosine shifted by the bootstrap's median error)."""
    import csv
    import warnings
    import glovev
    info = {r["word"]: r for r in csv.DictReader(open(kjv_model / "model" / "variances" / "variance_info.tsv"), delimiter="\t")}
    summary = json.loads((kjv_model / "model" / "variances" / "variance_summary.json").read_text())
    lam = summary["ridge"]
    assert lam > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = glovev.Model.load(kjv_model / "model")
        a, b = "god", "lord"
        un = {}
        for w in (a, b):
            sigma = m.covariance(w)
            s2 = float(info[w]["sigma2"])
            S = np.eye(len(sigma)) - lam / s2 * sigma
            Si = np.linalg.inv(S)
            # sigma^2 moderated by the model's prior, as the calibrated method does (replicated in scipy).
            g = moderation_factor(kjv_model / "model" / "variances", w, len(sigma))
            un[w] = (Si @ m.get_vector(w).astype(np.float64), sigma @ Si * g)
        (va, ca), (vb, cb) = un[a], un[b]
        expect, expect_sd = debiased_cosine_and_sd(va, vb, ca, cb)
        cal = m.similarity(a, b)
        delta = m.similarity(a, b, method="delta")
        m.close()
    assert cal.sd == pytest.approx(expect_sd, rel=1e-6)
    assert abs(cal.estimate - expect) < 0.5 * cal.sd
    assert cal.plugin == pytest.approx(delta.estimate, rel=1e-12)  # the plug-in stays the trained vectors' cosine
    assert cal.ci[0] <= cal.estimate <= cal.ci[1]
