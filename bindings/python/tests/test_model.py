"""Queries on the fixture model, checked against independent numpy formulas and the CLI."""
import math

import numpy as np
import pytest

import glovev
from conftest import debiased_cosine_and_sd, moderation, moderation_factor, run_json
from safetensors_np import load


def cos(x, y):
    return float(x @ y / np.sqrt((x @ x) * (y @ y)))


def cos_grad(x, y):
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    c = cos(x, y)
    return y / (nx * ny) - c * x / nx ** 2, x / (nx * ny) - c * y / ny ** 2


def test_vectors_match_the_file(model, fixture_dir):
    t, meta = load(fixture_dir / "model" / "params.safetensors")
    words = [l.split(" ")[0] for l in (fixture_dir / "model" / "vocab.txt").read_text().splitlines()]
    assert model.index_to_key == words
    np.testing.assert_array_equal(model.vector(words[5]), t["center_vectors"][5].astype(np.float64))
    # `in` is gensim's has_index_for: an int row index in range is in the model, a bool or a float is not.
    assert "war" in model and "zzzz" not in model and 3 in model and len(words) not in model and True not in model and 3.0 not in model


def test_covariances_match_an_independent_numpy_glove_v(model, fixture_dir):
    """Sigma_i = sigma_i^2 (sum_j f_ij c_j c_j^T)^-1 recomputed in numpy for a few hundred words: rel err <= 1e-8."""
    p, meta = load(fixture_dir / "model" / "params.safetensors")
    x, _ = load(fixture_dir / "cooccur" / "cooccurrence.csr.safetensors")
    W = p["center_vectors"].astype(np.float64)
    C = p["context_vectors"].astype(np.float64)
    b = p["center_bias"].astype(np.float64)
    bc = p["context_bias"].astype(np.float64)
    x_max, alpha = float(meta["x_max"]), float(meta["alpha"])
    indptr, indices, data = x["indptr"], x["indices"], x["data"]
    words = model.index_to_key
    D = model.dim
    checked = 0
    worst = 0.0
    for i in range(0, len(words), max(1, len(words) // 300)):
        cols = indices[indptr[i]:indptr[i + 1]]
        vals = data[indptr[i]:indptr[i + 1]]
        if len(cols) <= D:
            assert not model.has_covariance(words[i])
            continue
        f = np.minimum(1.0, (vals / x_max) ** alpha)
        Cj = C[cols]
        H = (Cj * f[:, None]).T @ Cj
        r = np.log(vals) - b[i] - bc[cols] - Cj @ W[i]
        s2 = float(f @ r ** 2) / (len(cols) - D)
        expect = s2 * np.linalg.inv(H)
        got = model.covariance(words[i])
        worst = max(worst, float(np.max(np.abs(got - expect)) / np.max(np.abs(expect))))
        checked += 1
    assert checked >= 150
    assert worst <= 1e-8, worst


def test_similarity_delta_matches_numpy(model):
    a, b = "war", "peace"
    va, vb = model.vector(a), model.vector(b)
    ga, gb = cos_grad(va, vb)
    sd = np.sqrt(ga @ model.covariance(a) @ ga + gb @ model.covariance(b) @ gb)
    r = model.similarity(a, b, ci=0.95, method="delta")
    assert r.cosine == pytest.approx(cos(va, vb), rel=1e-12)
    assert r.sd == pytest.approx(sd, rel=1e-10)
    assert r.ci[0] == pytest.approx(r.cosine - 1.959963984540054 * sd, rel=1e-9)


def test_compare_uses_the_combined_gradient(model):
    a, b, c = "war", "peace", "army"
    va, vb, vc = model.vector(a), model.vector(b), model.vector(c)
    g1a, g1b = cos_grad(va, vb)
    g2a, g2c = cos_grad(va, vc)
    ga = g1a - g2a  # 'war' enters both similarities: one combined gradient
    var = ga @ model.covariance(a) @ ga + g1b @ model.covariance(b) @ g1b + g2c @ model.covariance(c) @ g2c
    d = model.compare((a, b), (a, c), method="delta")
    assert d.diff == pytest.approx(cos(va, vb) - cos(va, vc), rel=1e-12)
    assert d.sd == pytest.approx(np.sqrt(var), rel=1e-10)


def test_sampling_sd_close_to_delta_for_frequent_words(model):
    s = model.similarity("the", "of", method="sample", samples=4000, seed=3)
    d = model.similarity("the", "of", method="delta")
    assert s.sd == pytest.approx(d.sd, rel=0.08)


def test_neighbours_match_numpy_and_cli(model, cli, fixture_dir):
    res = model.most_similar("war", topn=5, samples=300, seed=2)
    va = model.vector("war")
    assert [n.cosine for n in res] == sorted([n.cosine for n in res], reverse=True)
    for n in res:
        assert n.cosine == pytest.approx(cos(va, model.vector(n.word)), rel=1e-12)
        assert 0 <= n.p_top_k <= 1
    js = run_json(cli, "similar", "--model", str(fixture_dir / "model"), "--word", "war", "--top", "5", "--samples", "300", "--seed", "2")
    assert [x["word"] for x in js["neighbours"]] == [n.word for n in res]
    for x, n in zip(js["neighbours"], res):
        assert x["cosine"] == pytest.approx(n.cosine, rel=1e-12, abs=1e-15)
        assert x["sd"] == pytest.approx(n.sd, rel=1e-12, abs=1e-15)
        assert x["p_top_k"] == pytest.approx(n.p_top_k, abs=1e-12)


def test_compare_json_shape_and_parity(model, cli, fixture_dir):
    js = run_json(cli, "compare", "--model", str(fixture_dir / "model"), "--pair", "war,peace", "--pair", "war,army")
    assert set(js) >= {"pairs", "differences"}
    p = js["pairs"][0]
    assert set(p) >= {"a", "b", "cosine", "sd", "ci", "method"}
    s = model.similarity("war", "peace")
    assert p["cosine"] == pytest.approx(s.cosine, rel=1e-12) and p["sd"] == pytest.approx(s.sd, rel=1e-12)
    # The test of "cosine = 0" is in the JSON as in Python and R (p_value), and the difference's test too.
    same = lambda a, b: (b is None and math.isnan(a)) or a == pytest.approx(b, rel=1e-12)
    assert same(s.p_value, p["p_value"])
    d = js["differences"][0]
    assert d["first"] == ["war", "peace"] and d["second"] == ["war", "army"]
    c = model.compare(("war", "peace"), ("war", "army"))
    assert same(c.sd, d["sd"]) and same(c.p_value, d["p_value"])


def test_weat_statistic_matches_numpy(model):
    X, Y, A, B = ["war", "army", "navy"], ["peace", "treaty", "commerce"], ["enemy", "force", "defense"], ["friendship", "harmony", "trade"]
    v = {w: model.vector(w) for w in X + Y + A + B}
    s = {w: np.mean([cos(v[w], v[a]) for a in A]) - np.mean([cos(v[w], v[b]) for b in B]) for w in X + Y}
    stat = sum(s[x] for x in X) - sum(s[y] for y in Y)
    eff = (np.mean([s[x] for x in X]) - np.mean([s[y] for y in Y])) / np.std([s[w] for w in X + Y], ddof=1)
    r = model.weat(X, Y, A, B, method="sample", samples=50)
    assert r.statistic == pytest.approx(stat, rel=1e-12)
    assert r.effect_size == pytest.approx(eff, rel=1e-12)
    # Exact test over the 19 re-partitions of C(6,3) = 20 other than the observed one; p = (g + 1)/(n + 1).
    assert r.exact and r.permutations == 19
    assert 1 / 20 <= r.p_value <= 1 and (r.p_value * 20) == pytest.approx(round(r.p_value * 20), abs=1e-9)


def test_unknown_words_raise_input_error(model):
    with pytest.raises(glovev.InputError, match="qqqq"):
        model.similarity("war", "qqqq")
    with pytest.raises(TypeError):
        model.vector(42)
    with pytest.raises(ValueError):
        model.similarity("war", "peace", ci=1.5)


def test_parity_with_the_cli(model, fixture_dir):
    """The five parity queries give the CLI's numbers (parity.txt, written when the fixture was built)."""
    lines = [l.split() for l in (fixture_dir / "parity.txt").read_text().splitlines()]
    nb = model.most_similar("war", topn=5, samples=300, seed=2)
    close = lambda a, b: abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))
    for l in lines:
        kind, vals = l[0], l[1:]
        if kind == "vector":
            assert all(close(a, float(b)) for a, b in zip(model.vector(vals[0]), vals[1:])) and len(vals) - 1 == model.dim
        elif kind == "covariance":
            assert all(close(a, float(b)) for a, b in zip(model.covariance(vals[0]).ravel(), vals[1:]))
        elif kind == "similarity":
            s = model.similarity(vals[0], vals[1])
            assert all(close(a, float(b)) for a, b in zip([s.estimate, s.plugin, s.sd, s.ci[0], s.ci[1]], vals[2:]))
        elif kind == "neighbour":
            n = nb[int(vals[1]) - 1]
            assert n.word == vals[2]
            assert all(close(a, float(b)) for a, b in zip([n.cosine, n.sd, n.ci[0], n.ci[1], n.p_top_k], vals[3:]))
        elif kind == "weat":
            w = model.weat(["war", "army", "navy"], ["peace", "treaty", "commerce"], ["enemy", "force", "defense"],
                           ["friendship", "harmony", "trade"], permutations=1000, method="sample", samples=50, seed=1)
            assert all(close(a, float(b)) for a, b in zip([w.statistic, w.effect_size, w.p_value, *w.effect_size_ci], vals))
    assert len(lines) == 9


def test_calibrated_default_reports_estimate_plugin_and_status(model, fixture_dir):
    d = glovev.defaults()
    assert d == {"method": "calibrated", "samples": 1000, "seed": 1, "level": 0.95, "permutations": 10000, "omitted_tolerance": 0.01}
    s = model.similarity("war", "peace")
    va, vb = model.vector("war"), model.vector("peace")
    assert s.method == "calibrated" and s.status in ("ok", "not_identifiable")
    assert s.plugin == pytest.approx(cos(va, vb), rel=1e-12)
    # The covariances as the calibrated method uses them: sigma^2 moderated by the model's prior (replicated in scipy).
    vdir = fixture_dir / "model" / "variances"
    ca = model.covariance("war") * moderation_factor(vdir, "war", model.dim)
    cb = model.covariance("peace") * moderation_factor(vdir, "peace", model.dim)
    debiased, sd = debiased_cosine_and_sd(va, vb, ca, cb)
    # sd: the delta method of the noise-debiased cosine; the estimate: that cosine centred by the bootstrap's median
    # error (a second-order shift, checked exactly against a replica of the bootstrap in the xunit suite).
    assert s.sd == pytest.approx(sd, rel=1e-9)
    assert 1e-8 * abs(debiased) < abs(s.estimate - debiased) < 0.5 * s.sd
    if s.status == "ok":
        assert s.ci[0] <= s.estimate <= s.ci[1]
        assert s.estimate - s.ci[0] == pytest.approx(s.ci[1] - s.estimate, rel=1e-9)
    assert [w.word for w in s.words] == ["war", "peace"] and all(w.has_covariance and not w.held_fixed for w in s.words)
    assert s.words[0].dof == s.words[0].contexts - model.dim


def test_each_words_moderated_sigma2_matches_scipy(cli, fixture_dir):
    """`show`'s calibrated sigma^2 and degrees of freedom for words across the vocabulary, against the prior replicated
    in scipy (conftest.moderation): the whole prior weight, none (the lowest 0.5% of F(d, d0)) or, in the upper 20% from
    1.5 times the prior's centre, the weight at which the word's s^2 sits exactly at that quantile. The words include
    some of each kind the model has."""
    import csv
    vdir = fixture_dir / "model" / "variances"
    rows = [r for r in csv.DictReader(open(vdir / "variance_info.tsv", encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["status"] == "ok" and int(r["contexts"]) > 10]
    kinds = {"whole": 0, "tail": 0, "none": 0}
    for r in rows[::len(rows) // 60]:
        s = run_json(cli, "show", "--model", str(fixture_dir / "model"), "--word", r["word"])
        factor, weight, d0 = moderation(vdir, r["word"], len(s["vector"]))
        assert s["variance_prior"]["used"] and s["variance_prior"]["prior_dof"] == pytest.approx(d0, rel=1e-6)
        assert s["calibrated_sigma2"] == pytest.approx(s["sigma2"] * factor, rel=1e-7), r["word"]
        assert s["calibrated_dof"] == pytest.approx(s["dof"] + weight, rel=1e-7, abs=1e-9), r["word"]
        assert s["word_prior_dof"] == pytest.approx(weight, rel=1e-6, abs=1e-9), r["word"]
        kinds["whole" if weight == d0 else "none" if weight == 0 else "tail"] += 1
    assert kinds["whole"] > 0 and kinds["tail"] > 0, kinds


def test_delta_rejects_options_it_does_not_use(model):
    with pytest.raises(glovev.ArgumentError, match="delta"):
        model.similarity("war", "peace", method="delta", samples=100)
    with pytest.raises(glovev.ArgumentError, match="seed"):
        model.similarity("war", "peace", method="delta", seed=3)
    assert model.similarity("war", "peace", method="composition").method == "sample"
    with pytest.raises(glovev.ArgumentError, match="method"):
        model.similarity("war", "peace", method="corrected")


def test_words_without_covariance_fail_unless_held_fixed_and_noisy_words_warn(model):
    words = model.index_to_key
    fixed = next((w for w in reversed(words) if not model.has_covariance(w)), None)
    if fixed is not None:
        with pytest.raises(glovev.InputError, match="hold"):
            model.similarity("war", fixed)
        with pytest.warns(glovev.ReliabilityWarning, match="no covariance"):
            r = model.similarity("war", fixed, method="delta", hold_fixed=True)
        assert r.flags & 1
        assert [w.held_fixed for w in r.words] == [False, True]
        assert not model.reliability(fixed).held_fixed and not model.reliability(fixed).has_covariance
    noisy = next((w for w in words if model.has_covariance(w) and model.reliability(w).noise_ratio >= 1), None)
    if noisy is not None:
        with pytest.warns(glovev.ReliabilityWarning, match="noise ratio"):
            model.similarity("war", noisy, method="delta")


def test_every_interval_states_its_level(model):
    d = glovev.defaults()
    s = model.similarity("war", "peace")
    assert s.level == d["level"] == s.interval.level
    s90 = model.similarity("war", "peace", ci=0.9)
    assert s90.level == 0.9
    # The narrower level gives the narrower interval around the same centre (calibrated: T +- q sd).
    assert s90.ci[1] - s90.ci[0] < s.ci[1] - s.ci[0] and s90.estimate == s.estimate
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = model.relative_norm_distance(["man", "he", "his"], ["she", "her", "women"], ["war", "peace", "people", "nation"], ci=0.8)
    assert r.interval.level == 0.8


def test_neighbours_carry_the_reason_of_a_not_identifiable_interval(model):
    import warnings
    # Every neighbour's reason agrees with its status, and with the similarity query of the same pair.
    seen = 0
    for w in model.index_to_key[200:260]:
        if not model.has_covariance(w):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.most_similar(w, topn=5, samples=200)
        for n in res:
            assert (n.reason is None) == (n.status == "ok")
            if n.reason is not None:
                seen += 1
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    s = model.similarity(w, n.word, samples=200)
                assert s.status == n.status and s.reason == n.reason
        if seen >= 3:
            break
    assert seen > 0, "no not-identifiable neighbour in the sample: the check checked nothing"
