"""Vectors in gensim's, word2vec's and GloVe's files both ways through the core's readers and writers; the bulk calls;
the options structs' defaults. Expected values come from gensim reading or writing the same files, or from numpy."""
import json
import os
import struct
import subprocess
import warnings

import numpy as np
import pytest

import glovev
from glovev.model import FLAG_NO_COVARIANCE, ReliabilityWarning


def _kv(words, vectors):
    from gensim.models import KeyedVectors
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors.astype(np.float32))
    return kv


@pytest.fixture
def small_kv():
    rng = np.random.default_rng(3)
    words = ["alpha", "beta", "gamma", "délta", "epsilon"]
    return _kv(words, rng.normal(size=(5, 7)))


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_files_import_to_the_same_vectors(tmp_path, small_kv, binary):
    f = tmp_path / "v.w2v"
    small_kv.save_word2vec_format(str(f), binary=binary)
    with glovev.Model.load_word2vec_format(f, tmp_path / "m", binary=binary) as m:
        assert m.index_to_key == small_kv.index_to_key
        np.testing.assert_array_equal(m.vectors, small_kv.vectors.astype(np.float64))
        assert not m.has_variances


def test_glove_text_without_header_imports(tmp_path):
    f = tmp_path / "glove.txt"
    f.write_text("the 0.5 -1 2\nof 3 4 5e-1\n", encoding="utf-8")
    with glovev.Model.load_word2vec_format(f, tmp_path / "m", no_header=True) as m:
        assert m.index_to_key == ["the", "of"]
        np.testing.assert_array_equal(m["of"], [3, 4, 0.5])
    # gensim reads the same file with no_header=True to the same vectors.
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(f), no_header=True)
    np.testing.assert_array_equal(kv["the"], np.float32([0.5, -1, 2]))


@pytest.mark.parametrize("binary", [False, True])
def test_exported_files_read_back_in_gensim(tmp_path, model, binary):
    f = tmp_path / "out.w2v"
    model.save_word2vec_format(f, binary=binary)
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(f), binary=binary)
    assert kv.index_to_key == model.index_to_key
    # The model stores float32; both formats carry float32 exactly.
    np.testing.assert_array_equal(kv.vectors.astype(np.float64), model.vectors)


def test_keyed_vectors_round_trip_through_files(tmp_path, small_kv):
    m = glovev.Model.from_keyed_vectors(small_kv, tmp_path / "kv")
    back = m.to_keyed_vectors()
    assert back.index_to_key == small_kv.index_to_key
    np.testing.assert_array_equal(back.vectors, small_kv.vectors)
    # No covariance: an error by default, exact and flagged with hold_fixed.
    with pytest.raises(glovev.InputError, match="covariance"):
        m.similarity("alpha", "beta")
    with pytest.warns(ReliabilityWarning):
        s = m.similarity("alpha", "beta", hold_fixed=True, method="delta")
    a, b = small_kv["alpha"].astype(np.float64), small_kv["beta"].astype(np.float64)
    assert abs(float(s) - a @ b / np.linalg.norm(a) / np.linalg.norm(b)) < 1e-12
    assert s.flags & FLAG_NO_COVARIANCE
    m.close()


def _bad(tmp_path, text, binary=False):
    f = tmp_path / ("bad.bin" if binary else "bad.txt")
    if binary:
        f.write_bytes(text)
    else:
        f.write_text(text, encoding="utf-8")
    with pytest.raises(glovev.InputError) as e:
        glovev.import_vectors(f, tmp_path / "out", "word2vec-bin" if binary else "word2vec")
    assert not (tmp_path / "out").exists(), "a refused import leaves no folder behind"
    return str(e.value)


def test_malformed_files_are_refused_with_file_and_line(tmp_path):
    assert ":3:" in _bad(tmp_path, "2 3\na 1 2 3\nb 1 2\n")
    assert ":1:" in _bad(tmp_path, "a 1 2 3\nb 1 2 3\n")
    assert "twice" in _bad(tmp_path, "2 2\na 1 2\na 3 4\n")
    assert "not a finite number" in _bad(tmp_path, "1 2\na 1 nan\n")
    assert "announces 3" in _bad(tmp_path, "3 2\na 1 2\nb 3 4\n")
    short = b"2 3\n" + b"a_long_enough_word " + struct.pack("<3f", 1, 2, 3) + b"\n" + b"b " + struct.pack("<2f", 1, 2)
    assert "cut short" in _bad(tmp_path, short, binary=True)
    with pytest.raises(ValueError, match="format"):
        glovev.import_vectors(tmp_path / "x", tmp_path / "o", "fasttext")
    # A forged header is refused before anything its size is allocated; words a vocab.txt cannot hold are refused.
    assert "do not fit" in _bad(tmp_path, b"2000000000 300\n" + b"a " + struct.pack("<300f", *range(300)), binary=True)
    assert "empty word" in _bad(tmp_path, b"1 2\n" + b"\n " + struct.pack("<2f", 1, 2), binary=True)
    assert "after the 1 vectors" in _bad(tmp_path, b"1 2\na " + struct.pack("<2f", 1, 2) + b"\nzzz", binary=True)
    assert ":2:" in _bad(tmp_path, "2 2\n\na 1 2\n")


def test_text_files_split_on_spaces_only_and_accept_crlf(tmp_path):
    # gensim splits on ' ': a no-break space belongs to the word; Windows line ends are fine.
    f = tmp_path / "v.txt"
    f.write_bytes("2 2\r\nnew\u00a0york 1 2\r\nb 3 4\r\n\r\n".encode("utf-8"))
    with glovev.Model.load_word2vec_format(f, tmp_path / "m") as m:
        assert m.index_to_key == ["new\u00a0york", "b"]
        np.testing.assert_array_equal(m["b"], [3, 4])
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(f))
    assert kv.index_to_key == ["new\u00a0york", "b"]


def test_cli_import_and_export(tmp_path, cli, small_kv):
    f = tmp_path / "in.bin"
    small_kv.save_word2vec_format(str(f), binary=True)
    subprocess.run([cli, "import", "--input", str(f), "--format", "word2vec-bin", "--out", str(tmp_path / "m")], check=True,
                   capture_output=True)
    out = tmp_path / "out.txt"
    subprocess.run([cli, "export", "--model", str(tmp_path / "m"), "--format", "word2vec", "--out", str(out)], check=True,
                   capture_output=True)
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(str(out))
    np.testing.assert_array_equal(kv.vectors, small_kv.vectors)
    bad = subprocess.run([cli, "import", "--input", str(f), "--format", "xml", "--out", str(tmp_path / "n")], capture_output=True, text=True)
    assert bad.returncode == 2 and "word2vec" in bad.stderr
    # GloVe C's formats need the parameters an imported model lacks: a clear refusal, not a partial file.
    r = subprocess.run([cli, "export", "--model", str(tmp_path / "m"), "--format", "glove-bin", "--out", str(tmp_path / "g.bin")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "params.safetensors" in r.stderr and not (tmp_path / "g.bin").exists()


def test_bulk_calls_equal_one_call_each(model):
    pairs = [("war", "peace"), ("war", "army"), ("peace", "treaty")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        t = model.similarity_table(pairs, samples=200, seed=5)
        for k, (a, b) in enumerate(pairs):
            s = model.similarity(a, b, samples=200, seed=5)
            row = t.iloc[k]
            assert (row["a"], row["b"]) == (a, b)
            assert row["plugin"] == s.plugin
            for key, want in (("estimate", s.estimate), ("sd", s.sd)):  # nan for a not-identifiable answer
                assert row[key] == want or (np.isnan(row[key]) and np.isnan(want))
            assert (row["lower"], row["upper"]) == s.ci or (np.isnan(row["lower"]) and np.isnan(s.ci[0]))
    v = model.vectors
    assert v.shape == (model.vocab_size, model.dim)
    for w in ("war", model.index_to_key[-1]):
        np.testing.assert_array_equal(v[model.index(w)], model.vector(w))
    assert [model.index(w) for w in model.index_to_key[:50]] == list(range(50))


def test_the_first_call_in_a_process_gives_the_same_bits(model, fixture_dir):
    # A fresh process makes the library's first BLAS calls there; the answer must not depend on that (nor on where the
    # buffers lie): the same seed gives the same bits, alone or in a bulk call.
    import sys
    code = ("import glovev, json, warnings; warnings.simplefilter('ignore'); m = glovev.Model.load(%r); "
            "s = m.similarity('peace', 'treaty', samples=200, seed=3); print(json.dumps([s.ci[0].hex(), s.ci[1].hex(), s.p_value.hex()]))")
    import json
    first = json.loads(subprocess.run([sys.executable, "-c", code % str(fixture_dir / "model")], check=True, capture_output=True,
                                      text=True).stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        later = model.similarity("peace", "treaty", samples=200, seed=3)
        row = model.similarity_table([("war", "peace"), ("peace", "treaty")], samples=200, seed=3).iloc[1]
    assert first == [later.ci[0].hex(), later.ci[1].hex(), later.p_value.hex()]
    assert [float(row["lower"]).hex(), float(row["upper"]).hex()] == first[:2]


def test_repeated_calls_in_one_process_give_the_same_bits(fixture_dir, cli, tmp_path):
    # MKL picks among kernels at run time: without its reproducibility mode (the core sets MKL_CBWR AUTO unless the user
    # set MKL_CBWR) the second and third calls of one query on a ridge model (the calibrated method un-shrinks its
    # vectors) differed from the first by a few ulp in 14 of 20 pairs, and a bulk call with compact covariances from
    # the single call by up to 1e-8.
    import sys
    model = tmp_path / "ridge"
    for args in (["train", "--cooccur", fixture_dir / "cooccur", "--vocab", fixture_dir / "vocab.txt", "--out", model, "--dim", "10",
                  "--epochs", "5", "--als-sweeps", "2", "--ridge", "0.3", "--threads", "1"],
                 ["variance", "--model", model, "--cooccur", fixture_dir / "cooccur", "--threads", "1"]):
        subprocess.run([cli, *map(str, args)], check=True, capture_output=True)
    code = ("import glovev, json, warnings; warnings.simplefilter('ignore'); m = glovev.Model.load(%r); out = []\n"
            "ws = [w for w in m.index_to_key[:80] if m.has_covariance(w)][:40]\n"
            "pairs = list(zip(ws[0::2], ws[1::2]))\n"
            "for k in range(3):\n"
            "    out.append([[s.estimate.hex(), s.ci[0].hex(), s.ci[1].hex()] for s in (m.similarity(a, b) for a, b in pairs)])\n"
            "t = m.similarity_table(pairs, approximate=True)\n"
            "out.append([float(x).hex() for x in t['estimate']]); out.append([m.similarity(a, b, approximate=True).estimate.hex() for a, b in pairs])\n"
            "print(json.dumps(out))")
    env = {k: v for k, v in os.environ.items() if k != "MKL_CBWR"}
    out = json.loads(subprocess.run([sys.executable, "-c", code % str(model)], check=True, capture_output=True, text=True, env=env).stdout)
    assert out[0] == out[1] == out[2]
    assert out[3] == out[4]  # a bulk call is the single call, compact covariances too


def test_pipeline_defaults_are_the_cores(tmp_path, cli, fixture_dir):
    # None arguments take the core's defaults: the same vocabulary as `glovev vocab` with no flags.
    from conftest import REPO
    glovev_corpus = REPO / "tests" / "data" / "sotu_small.txt"
    n = glovev.build_vocab(glovev_corpus, tmp_path / "py.txt")
    subprocess.run([cli, "vocab", "--corpus", str(glovev_corpus), "--out", str(tmp_path / "cli.txt")], check=True, capture_output=True)
    assert (tmp_path / "py.txt").read_bytes() == (tmp_path / "cli.txt").read_bytes() and n > 0
    o = glovev.pipeline.cooccur_options()
    assert (o.window, o.symmetric, o.distance_weighting, o.memory_bytes) == (10, 1, 1, 4 << 30)
    v = glovev.pipeline.variance_options()
    assert (v.complete, v.refine, v.approx) == (1, 0, 0.9)
    with pytest.raises(TypeError):
        glovev.pipeline.cooccur_options(memory=[1])
    with pytest.raises(glovev.ArgumentError, match="memory"):
        glovev.pipeline.cooccur_options(memory="lots")


def test_bias_tables_carry_the_results_fields(model):
    X, Y = ["war", "army", "navy"], ["peace", "treaty", "commerce"]
    A, B = ["enemy", "force", "defense"], ["friendship", "harmony", "trade"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReliabilityWarning)
        r = model.weat(X, Y, A, B, method="delta")
        t = model.weat_table(X, Y, A, B, method="delta")
        assert list(t["quantity"]) == ["effect_size", "statistic"]
        assert t["plugin"][0] == r.effect_size and t["estimate"][0] == r.effect_size_interval.estimate
        assert (t["lower"][1], t["upper"][1]) == r.statistic_interval.ci and t["permutation_p"][0] == r.p_value
        g = model.relative_norm_distance(["war", "army"], ["peace", "treaty"], ["enemy", "force", "trade"], method="delta")
        t = model.rnd_table(["war", "army"], ["peace", "treaty"], ["enemy", "force", "trade"], method="delta")
        assert len(t) == 1 and t["plugin"][0] == g.value and t["sd"][0] == g.interval.sd and np.isnan(t["permutation_p"][0])
        d = model.weat_difference((X, Y, A, B), (X, ["peace", "treaty", "trade"], A, B), method="delta")
        t = model.bias_difference_table("weat", (X, Y, A, B), (X, ["peace", "treaty", "trade"], A, B), method="delta")
        assert list(t["quantity"]) == ["first", "second", "difference"]
        assert t["plugin"][0] == d.first and t["plugin"][1] == d.second and t["estimate"][2] == d.estimate
        assert np.isnan(t["sd"][0]) and t["sd"][2] == d.sd
    with pytest.raises(ValueError, match="kind"):
        model.bias_difference_table("cosine", (X, Y, A, B), (X, Y, A, B))
