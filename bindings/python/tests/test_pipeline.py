"""The pipeline through the Python binding, and gensim interop."""
import numpy as np
import pytest

import glovev


def test_pipeline_end_to_end(tmp_path):
    corpus = tmp_path / "c.txt"
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]
    rng = np.random.default_rng(0)
    corpus.write_text("\n".join(" ".join(rng.choice(words, 30)) for _ in range(400)) + "\n")
    n = glovev.build_vocab(corpus, tmp_path / "vocab.txt", min_count=1, threads=1)
    assert n == 8
    nnz = glovev.cooccur(corpus, tmp_path / "vocab.txt", tmp_path / "cooc", window=3, memory="64M", threads=2)
    assert nnz == 64
    with glovev.CooccurrenceMatrix(tmp_path / "cooc", tmp_path / "vocab.txt") as x:
        cols, vals = x.row(0)
        assert x.shape == (8, 8) and list(cols) == list(range(8)) and (vals > 0).all()
        assert np.array_equal(x.row(np.int64(0))[1], vals)
        # A row index is an int in range: ctypes would wrap 2**64 to row 0, and int() would take 1.7, "3" or True.
        for bad in (2 ** 64, -2 ** 64, 8, -1):
            with pytest.raises(glovev.ArgumentError, match="out of range"):
                x.row(bad)
        for bad in (1.7, "3", True, None):
            with pytest.raises(TypeError, match="^i must be an int"):
                x.row(bad)
    seen = []
    cost = glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "model", dim=4, epochs=5, threads=1,
                        progress=lambda e, n, c: seen.append((e, c)) and False)
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5] and cost == pytest.approx(seen[-1][1])
    with pytest.raises(glovev.CancelledError):
        glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "model2", dim=4, epochs=5, progress=lambda e, n, c: e >= 2)
    done = glovev.variance(tmp_path / "model", tmp_path / "cooc", threads=1)
    assert done == 8
    with glovev.Model.load(tmp_path / "model") as m:
        assert m.has_variances and m.covariance("alpha").shape == (4, 4)


def test_bad_corpora_raise(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("")
    with pytest.raises(glovev.InputError, match="empty"):
        glovev.build_vocab(empty, tmp_path / "v.txt")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"ok words\n\xff\xfe\n")
    with pytest.raises(glovev.InputError, match="invalid UTF-8 at byte offset 9"):
        glovev.build_vocab(bad, tmp_path / "v.txt", min_count=1)
    assert not (tmp_path / "v.txt").exists()


def test_gensim_keyed_vectors_round_trip(model, tmp_path):
    gensim = pytest.importorskip("gensim")
    kv = model.to_keyed_vectors()
    assert isinstance(kv, gensim.models.KeyedVectors)
    np.testing.assert_allclose(kv["war"], model.vector("war"), rtol=1e-6)
    assert kv.index_to_key == model.index_to_key
    back = glovev.Model.from_keyed_vectors(kv, tmp_path / "from-kv")
    np.testing.assert_allclose(back.vector("peace"), kv["peace"], rtol=1e-7)
    assert not back.has_variances
    assert back.similarity("war", "peace", method="delta", hold_fixed=True).sd == 0.0


@pytest.mark.parametrize("budget_mib,one_line", [(64, False), (128, False), (64, True)])
def test_cooccur_peak_rss_stays_within_the_memory_budget(cli, tmp_path, budget_mib, one_line):
    import gzip
    import subprocess
    from conftest import REPO
    kjv = REPO / "tests" / "data" / "kjv.txt.gz"
    if one_line:  # the pathological case: the whole corpus is one document, cut between blocks
        text = gzip.decompress(kjv.read_bytes()).replace(b"\n", b" ")
        kjv = tmp_path / "one-line.txt"
        kjv.write_bytes(text)
    glovev.build_vocab(kjv, tmp_path / "vocab.txt", min_count=5, threads=1)
    # GNU time measures the engine alone (wait4 from this process would count the forked Python before exec).
    r = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", cli, "cooccur", "--corpus", str(kjv), "--vocab", str(tmp_path / "vocab.txt"),
                        "--out", str(tmp_path / "c"), "--memory", "%dM" % budget_mib, "--threads", "2", "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    kib = int([l for l in r.stderr.splitlines() if l.startswith("MAXRSS")][-1].split()[1])
    assert kib < budget_mib * 1024, "peak RSS %d KiB over a %d MiB budget" % (kib, budget_mib)


@pytest.mark.parametrize("threads", [1, 2])
def test_cooccur_with_a_large_vocabulary_stays_within_its_minimum_budget(cli, tmp_path, threads):
    # 300,000 words: loading the vocabulary, each worker's row tables and the merge's per-word arrays are most of the
    # memory; counted short, they had put such a count well over the minimum budget the tool itself names.
    import random
    import re
    import subprocess
    rng = random.Random(5)
    tokens = ["w%d" % i for i in range(300_000) for _ in range(5)]
    rng.shuffle(tokens)
    corpus = tmp_path / "big-vocab.txt"
    corpus.write_text("\n".join(" ".join(tokens[k:k + 30]) for k in range(0, len(tokens), 30)) + "\n")
    glovev.build_vocab(corpus, tmp_path / "vocab.txt", min_count=5, threads=1)
    args = [cli, "cooccur", "--corpus", str(corpus), "--vocab", str(tmp_path / "vocab.txt"), "--out", str(tmp_path / "c"),
            "--window", "5", "--threads", str(threads)]
    r = subprocess.run(args + ["--memory", "8M"], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    need = int(re.search(r"needs at least (\d+)M", r.stderr).group(1))
    r = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M"] + args + ["--memory", "%dM" % need], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    kib = int([l for l in r.stderr.splitlines() if l.startswith("MAXRSS")][-1].split()[1])
    assert kib < need * 1024, "peak RSS %d KiB over the %d MiB minimum budget" % (kib, need)


def test_cooccur_refuses_a_budget_below_its_minimum(cli, tmp_path):
    import subprocess
    from conftest import REPO
    kjv = REPO / "tests" / "data" / "kjv.txt.gz"
    glovev.build_vocab(kjv, tmp_path / "vocab.txt", min_count=5, threads=1)
    r = subprocess.run([cli, "cooccur", "--corpus", str(kjv), "--vocab", str(tmp_path / "vocab.txt"), "--out", str(tmp_path / "c"),
                        "--memory", "8M", "--threads", "2"], capture_output=True, text=True)
    assert r.returncode == 2 and "memory 8M is too small" in r.stderr and "or more" in r.stderr, r.stderr
    assert not (tmp_path / "c").exists()
    with pytest.raises(glovev.ArgumentError, match="memory 8M is too small"):
        glovev.cooccur(kjv, tmp_path / "vocab.txt", tmp_path / "c", memory="8M", threads=2)


def test_als_sweeps_and_ridge_through_python(tmp_path):
    corpus = tmp_path / "c.txt"
    words = ["w%d" % k for k in range(30)]
    rng = np.random.default_rng(3)
    corpus.write_text("\n".join(" ".join(rng.choice(words, 40, p=np.arange(30, 0, -1) / 465)) for _ in range(600)) + "\n")
    glovev.build_vocab(corpus, tmp_path / "vocab.txt", min_count=1, threads=1)
    glovev.cooccur(corpus, tmp_path / "vocab.txt", tmp_path / "cooc", window=4, threads=1)
    seen = []
    cost = glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "m", dim=4, epochs=3, threads=2,
                        als_sweeps=3, ridge=0.2, als_tol=0.0, progress=lambda e, n, c: seen.append((e, n, c)) and False)
    assert [(e, n) for e, n, _ in seen] == [(1, 3), (2, 3), (3, 3), (-1, -3), (-2, -3), (-3, -3)]
    sweeps = [c for e, _, c in seen if e < 0]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(sweeps, sweeps[1:])) and cost == pytest.approx(sweeps[-1])
    assert cost < seen[2][2]
    from safetensors_np import load
    _, meta = load(tmp_path / "m" / "params.safetensors")
    assert meta["ridge"] == "0.2" and meta["als_sweeps"] == "3"
    # At the WLS optimum the variance stage finds nothing to say; a 1-epoch model is flagged when opened.
    import warnings as _w
    glovev.variance(tmp_path / "m", tmp_path / "cooc", threads=1)
    with _w.catch_warnings():
        _w.simplefilter("error", glovev.ReliabilityWarning)
        with glovev.Model.load(tmp_path / "m") as m:
            assert not any("least-squares" in w for w in m.premise_warnings)
    glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "raw", dim=4, epochs=1, threads=1)
    glovev.variance(tmp_path / "raw", tmp_path / "cooc", threads=1)
    with pytest.warns(glovev.ReliabilityWarning, match="weighted least-squares"):
        glovev.Model.load(tmp_path / "raw").close()
    glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "m2", dim=4, epochs="auto", max_epochs=40, threads=1)
    _, meta2 = load(tmp_path / "m2" / "params.safetensors")
    assert meta2["epochs_rule"].startswith("auto") and 1 <= int(meta2["epochs"]) <= 40
    with pytest.raises(ValueError, match="auto"):
        glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "m3", dim=4, epochs="often")
    with pytest.raises(glovev.GloVeVError, match="ridge"):
        glovev.train(tmp_path / "cooc", tmp_path / "vocab.txt", tmp_path / "m3", dim=4, epochs=1, ridge=0.5)


def test_cooccur_single_huge_line_stays_within_the_memory_budget(cli, tmp_path):
    """Issue 17: a corpus that is one 60 MB line is cut between blocks (each piece replays its window context): its
    peak RSS stays near that of the same text in ordinary lines (it used to hold the whole line, several times)."""
    import random
    import subprocess
    rng = random.Random(3)
    words = ["w%d" % i for i in range(2000)]
    one, multi = tmp_path / "one-line.txt", tmp_path / "lines.txt"
    with open(one, "w") as f, open(multi, "w") as g:
        for _ in range(60):
            chunk = [rng.choice(words) for _ in range(200_000)]
            f.write(" ".join(chunk) + " ")
            g.write("\n".join(" ".join(chunk[k:k + 1000]) for k in range(0, len(chunk), 1000)) + "\n")
        f.write("\n")
    (tmp_path / "vocab.txt").write_text("".join("%s 1\n" % w for w in words[:1500]))

    def peak(corpus, out):
        r = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", cli, "cooccur", "--corpus", str(corpus), "--vocab", str(tmp_path / "vocab.txt"),
                            "--out", str(tmp_path / out), "--memory", "64M", "--threads", "2", "--window", "5"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return int([l for l in r.stderr.splitlines() if l.startswith("MAXRSS")][-1].split()[1])
    single, lines = peak(one, "c1"), peak(multi, "c2")
    assert single < 1.5 * lines + 16 * 1024, "single line peak RSS %d KiB, same text in lines %d KiB" % (single, lines)


def test_bare_glovev_prints_a_short_usage_and_exits_0(cli):
    import subprocess
    r = subprocess.run([cli], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: glovev <command>") and "calibrate" in r.stdout and "bootstrap" in r.stdout
    assert len(r.stdout.splitlines()) <= 4  # short: not the whole help


def test_vocabulary_records_its_tokenisation_and_later_stages_keep_to_it(cli, tmp_path):
    import subprocess
    import glovev
    corpus = tmp_path / "c.txt"
    corpus.write_text("The Cat sat. The dog ran!\nthe cat ran, the Dog sat.\n")
    vocab = tmp_path / "vocab.txt"
    glovev.build_vocab(corpus, vocab, min_count=1, lowercase=True, split_punctuation=True, threads=1)
    assert (tmp_path / "vocab.txt.tokenizer").read_text() == "lowercase true\nsplit_punctuation true\n"
    # Python passes its flags explicitly: a different tokenisation is refused, not silently lossy.
    with pytest.raises(glovev.ArgumentError, match="counted with lowercasing and punctuation split off"):
        glovev.cooccur(corpus, vocab, tmp_path / "c1", threads=1)
    assert glovev.cooccur(corpus, vocab, tmp_path / "c2", lowercase=True, split_punctuation=True, threads=1) > 0
    # The CLI without flags takes the recorded ones; with contradicting flags it refuses (exit 2).
    r = subprocess.run([cli, "cooccur", "--corpus", str(corpus), "--vocab", str(vocab), "--out", str(tmp_path / "c3"), "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "c3" / "cooccurrence.bin").read_bytes() == (tmp_path / "c2" / "cooccurrence.bin").read_bytes()
    r = subprocess.run([cli, "cooccur", "--corpus", str(corpus), "--vocab", str(vocab), "--out", str(tmp_path / "c4"), "--lowercase"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "punctuation kept" in r.stderr and not (tmp_path / "c4").exists()
    # A vocabulary without the record (GloVe C's) is not checked.
    (tmp_path / "vocab.txt.tokenizer").unlink()
    assert glovev.cooccur(corpus, vocab, tmp_path / "c5", threads=1) > 0


def test_train_refuses_the_auto_rule_settings_without_auto(fixture_dir, tmp_path):
    import glovev
    for kw in ({"epochs_tol": 0.01}, {"epochs_cos": 0.9}, {"max_epochs": 7}):
        with pytest.raises(glovev.ArgumentError, match=list(kw)[0]):
            glovev.train(fixture_dir / "cooccur", fixture_dir / "vocab.txt", tmp_path / "m", dim=5, epochs=1, **kw)
        assert not (tmp_path / "m").exists()
