"""The bias and benchmark ABI (gv_weat, gv_rnd, gv_weat_difference, gv_rnd_difference, gv_evaluate, gv_evaluate_compare)
and the neighbour search report (gv_neighbour_search), checked against numpy formulas, the core's own identities and
the CLI."""
import math
import warnings

import numpy as np
from scipy import stats
import pytest

import glovev
from conftest import REPO, run_json

X, Y = ["war", "army", "navy"], ["peace", "treaty", "commerce"]
A, B = ["enemy", "force", "defense"], ["friendship", "harmony", "trade"]
G1, G2, N = ["war", "army"], ["peace", "treaty"], ["enemy", "force", "trade"]
# "army" and "enemy" are too noisy for the calibrated method's debiased cosines (not_identifiable); these lists are not.
CG1, CN = ["war", "force"], ["trade", "commerce"]
BENCH = REPO / "tests" / "data" / "ws_tiny.txt"
WEAT_FILES = [REPO / "tests" / "data" / "weat" / f for f in ("x.txt", "y.txt", "a.txt", "b.txt")]
close12 = lambda a, b: abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def quiet(call, *args, **kw):
    """The fixture's words carry reliability flags; the warnings are checked where they matter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", glovev.ReliabilityWarning)
        return call(*args, **kw)


def rnd_numpy(model, g1, g2, neutral):
    unit = lambda w: model.vector(w) / np.linalg.norm(model.vector(w))
    c1 = np.mean([unit(w) for w in g1], axis=0)
    c2 = np.mean([unit(w) for w in g2], axis=0)
    return float(sum(np.linalg.norm(unit(w) - c1) - np.linalg.norm(unit(w) - c2) for w in neutral))


def ranks(x):
    """Average ranks (ties share their mean rank), as Spearman needs."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x))
    r[order] = np.arange(1, len(x) + 1)
    for v in np.unique(x):
        r[x == v] = r[x == v].mean()
    return r


def benchmark_pairs(model):
    pairs = []
    for line in BENCH.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b, s = line.split()
        pairs.append((a, b, float(s)))
    cosv = [float(model.vector(a) @ model.vector(b) / np.linalg.norm(model.vector(a)) / np.linalg.norm(model.vector(b)))
            for a, b, _ in pairs]
    return pairs, np.array(cosv), np.array([s for _, _, s in pairs])


# ---------- WEAT ----------

def test_weat_intervals_centre_on_the_plugin_values_with_delta(model):
    r = quiet(model.weat, X, Y, A, B, method="delta")
    assert isinstance(r.effect_size_interval, glovev.Interval) and isinstance(r.statistic_interval, glovev.Interval)
    for iv, value in ((r.effect_size_interval, r.effect_size), (r.statistic_interval, r.statistic)):
        assert iv.method == "delta" and iv.status == "ok"
        assert close12(iv.plugin, value) and close12(iv.estimate, value)
        assert iv.ci[0] < iv.estimate < iv.ci[1]
        assert iv.ci[1] - iv.estimate == pytest.approx(1.959963984540054 * iv.sd, rel=1e-9)
        assert 0 < iv.p_value <= 1
    assert r.effect_size_sd == r.effect_size_interval.sd and r.effect_size_ci == r.effect_size_interval.ci
    assert [w.word for w in r.words] == X + Y + A + B


def test_weat_matches_the_cli_and_warns_about_flagged_words(model, cli, fixture_dir):
    with pytest.warns(glovev.ReliabilityWarning, match="friendship"):
        r = model.weat(X, Y, A, B, method="delta")
    assert r.effect_size_interval.flags != 0
    js = run_json(cli, "bias", "--model", str(fixture_dir / "model"), "--weat", *map(str, WEAT_FILES), "--method", "delta")
    assert close12(js["statistic"], r.statistic) and close12(js["effect_size"], r.effect_size) and js["permutations"] == r.permutations
    e = js["effect_size_interval"]
    assert close12(e["sd"], r.effect_size_sd) and close12(e["ci"][0], r.effect_size_ci[0]) and close12(e["ci"][1], r.effect_size_ci[1])
    assert close12(js["statistic_interval"]["sd"], r.statistic_interval.sd)
    # Each interval's test of "= 0" (p_value) is in the JSON as in Python and R.
    assert close12(e["p_value"], r.effect_size_interval.p_value) and close12(js["statistic_interval"]["p_value"], r.statistic_interval.p_value)


def test_weat_defaults_are_the_cores(model):
    r = quiet(model.weat, X, Y, A, B)
    d = glovev.defaults()
    assert r.effect_size_interval.method == d["method"] == "calibrated"
    same = quiet(model.weat, X, Y, A, B, method="calibrated", samples=d["samples"], seed=d["seed"], ci=d["level"])
    assert repr(same.effect_size_interval) == repr(r.effect_size_interval)
    s = quiet(model.weat, X, Y, A, B, method="sample", samples=200, seed=5)
    assert s.effect_size_interval.method == "sample" and close12(s.effect_size_interval.plugin, r.effect_size)
    assert s.effect_size_interval.estimate != s.effect_size_interval.plugin  # the method of composition: the median of draws


def test_weat_approximate_covariances_are_flagged(model):
    exact = quiet(model.weat, X, Y, A, B, method="delta")
    assert not exact.effect_size_interval.flags & 8
    with pytest.warns(glovev.ReliabilityWarning, match="approximate"):
        approx = model.weat(X, Y, A, B, method="delta", approximate=True)
    assert approx.effect_size_interval.flags & 8
    assert close12(approx.effect_size, exact.effect_size) and approx.effect_size_sd != exact.effect_size_sd


def test_weat_arguments(model):
    with pytest.raises(glovev.ArgumentError, match="delta"):
        model.weat(X, Y, A, B, method="delta", samples=100)
    with pytest.raises(glovev.ArgumentError, match="method"):
        model.weat(X, Y, A, B, method="nope")
    with pytest.raises(glovev.InputError):
        model.weat(["war"], Y, A, B)
    with pytest.raises(TypeError, match="single string"):
        model.weat("war", Y, A, B)
    with pytest.raises(ValueError, match="permutations"):
        model.weat(X, Y, A, B, permutations=0)


# ---------- relative norm distance ----------

def test_rnd_value_matches_numpy_and_its_test_comes_from_its_interval(model):
    for method, g1, n in (("delta", G1, N), ("calibrated", CG1, CN), ("sample", G1, N)):
        r = quiet(model.relative_norm_distance, g1, G2, n, method=method, **({} if method == "delta" else {"samples": 300, "seed": 4}))
        assert r.value == pytest.approx(rnd_numpy(model, g1, G2, n), rel=1e-10)
        assert close12(r.interval.plugin, r.value) and r.interval.method == method and r.neutral == len(n)
        assert r.interval.status == "ok"
        # z is the one of the method's test (the method of composition tests its mean of draws, as its p-value does).
        centre = r.interval.mean if method == "sample" else r.interval.estimate
        assert r.z == pytest.approx(centre / r.interval.sd, rel=1e-12)
        if method != "calibrated":  # a normal test: p from z (calibrated takes its p from the studentized bootstrap)
            assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(r.z)), rel=1e-9)
        assert r.p_value == r.interval.p_value and 0 < r.p_value <= 1
        assert r.sd == r.interval.sd and r.ci == r.interval.ci
        assert r.ci[0] <= r.interval.estimate <= r.ci[1]
    # A noisy word (army: its debiased squared norm is <= 0) makes the calibrated RND not identifiable: no numbers
    # that look precise, the plug-in value still reported.
    with pytest.warns(glovev.ReliabilityWarning, match=r"relative norm distance not identifiable \(debiased_norm_not_positive\)"):
        r = model.relative_norm_distance(G1, G2, N, method="calibrated", samples=300, seed=4)
    assert r.interval.status == "not_identifiable" and math.isnan(r.sd) and math.isnan(r.z) and math.isnan(r.ci[0])
    assert r.interval.reason == "debiased_norm_not_positive"
    assert r.value == pytest.approx(rnd_numpy(model, G1, G2, N), rel=1e-10)


def test_intervals_the_studies_show_under_covering_warn(model, cli, fixture_dir, tmp_path):
    import subprocess
    import warnings
    from glovev.model import FLAG_UNCALIBRATED
    # Noise ratios in the fixture: army 0.87 (estimated true ratio 0.87 / 0.13 = 6.7), enemy 0.70; war, government,
    # peace, treaty, force, trade, congress < 0.25 (estimated < 0.33, below the studies' 0.5).
    calm = (["war", "government"], ["peace", "treaty"], ["force", "trade", "congress"])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        r = model.relative_norm_distance(*calm, method="delta")
    assert not r.interval.flags & FLAG_UNCALIBRATED and not any("not calibrated" in str(w.message) for w in seen)
    with pytest.warns(glovev.ReliabilityWarning, match=r"interval not calibrated: at noise ratios >= 0.5 \(estimated here up to 6\.\d+\)"):
        r = model.relative_norm_distance(G1, G2, N, method="delta")
    assert r.interval.flags & FLAG_UNCALIBRATED
    # The calibrated RND (centred by its bootstrap) covered 0.94-1.00 in the study: no caveat.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        r = model.relative_norm_distance(G1, G2, N, method="calibrated", samples=200)
    assert not r.interval.flags & FLAG_UNCALIBRATED and not any("not calibrated" in str(w.message) for w in seen)
    with pytest.warns(glovev.ReliabilityWarning, match="interval not calibrated"):
        d = model.rnd_difference((G1, G2, N), calm, method="delta")
    assert d.difference.flags & FLAG_UNCALIBRATED
    # The method of composition: flagged on a noisy cosine, not on a calm one; delta and calibrated are not.
    with pytest.warns(glovev.ReliabilityWarning, match="interval not calibrated"):
        assert model.similarity("war", "army", method="sample", samples=200).flags & FLAG_UNCALIBRATED
    assert not model.similarity("war", "peace", method="sample", samples=200).flags & FLAG_UNCALIBRATED
    assert not model.similarity("war", "army", method="delta").flags & FLAG_UNCALIBRATED
    # The CLI says the same, with the measured coverage, in its JSON and on stderr.
    files = []
    for k, words in enumerate((G1, G2, N)):
        f = tmp_path / ("list%d.txt" % k)
        f.write_text("\n".join(words) + "\n")
        files.append(str(f))
    p = subprocess.run([cli, "bias", "--model", str(fixture_dir / "model"), "--rnd", *files, "--method", "delta", "--json"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "68-84%" in p.stderr and "68-84%" in p.stdout


def test_rnd_skips_unknown_neutral_words_and_matches_the_cli(model, cli, fixture_dir):
    r = quiet(model.relative_norm_distance, G1, G2, N + ["zz-not-a-word"], method="delta")
    assert r.neutral == 3 and [w.word for w in r.words] == G1 + G2 + N
    lists = [str(p) for p in WEAT_FILES[:3]]
    js = run_json(cli, "bias", "--model", str(fixture_dir / "model"), "--rnd", *lists)
    words = [p.read_text().split() for p in WEAT_FILES[:3]]
    c = quiet(model.relative_norm_distance, *words)
    assert c.interval.method == js["method"] == "calibrated"
    assert close12(c.value, js["value"]) and c.interval.status == js["status"]
    assert c.interval.reason == js.get("reason_code")  # the core's reason name, absent from JSON when ok
    # JSON writes a number that is not there (not_identifiable) as null.
    same = lambda a, b: (b is None and math.isnan(a)) or close12(a, b)
    assert same(c.sd, js["sd"]) and same(c.z, js["z"]) and same(c.p_value, js["p_value"])
    assert c.neutral == js["neutral_words"]


# ---------- differences of bias scores ----------

def test_weat_difference_of_identical_lists_is_zero(model):
    w = quiet(model.weat, X, Y, A, B, method="delta")
    d = quiet(model.weat_difference, (X, Y, A, B), (X, Y, A, B), method="delta")
    assert isinstance(d, glovev.BiasDifference) and d.difference.method == "delta" and d.difference.status == "ok"
    assert d.first == d.second and close12(d.first, w.effect_size)
    assert abs(d.estimate) < 1e-12 and abs(d.difference.estimate) < 1e-12 and d.sd < 1e-12
    # Calibrated: the plug-in difference is exactly 0; this small fixture's effect size is not identifiable by the
    # calibrated method (as for weat() itself), so the interval may be NaN with that status.
    c = quiet(model.weat_difference, (X, Y, A, B), (X, Y, A, B))
    wc = quiet(model.weat, X, Y, A, B)
    assert c.difference.method == "calibrated" and c.difference.plugin == 0 and c.first == c.second
    if c.difference.status == "ok":
        assert abs(c.estimate) < 1e-12 and c.sd < 1e-12
    else:
        assert c.difference.status == wc.effect_size_interval.status == "not_identifiable" and np.isnan(c.ci[0])


def test_weat_difference_with_swapped_attributes_is_twice_the_effect(model, cli, fixture_dir):
    d = quiet(model.weat_difference, (X, Y, A, B), [X, Y, B, A], method="delta")
    w = quiet(model.weat, X, Y, A, B, method="delta")
    assert close12(d.first, w.effect_size) and close12(d.second, -w.effect_size)
    assert d.difference.plugin == pytest.approx(d.first - d.second, rel=1e-12)
    assert d.sd == pytest.approx(2 * w.effect_size_sd, rel=1e-9)  # the same words, the gradient doubled
    assert d.ci[0] < d.estimate < d.ci[1] and 0 < d.p_value <= 1
    files = list(map(str, WEAT_FILES))
    js = run_json(cli, "bias", "--model", str(fixture_dir / "model"), "--weat", *files, "--vs-weat", files[0], files[1], files[3], files[2],
                  "--method", "delta")["difference"]
    assert close12(js["first"], d.first) and close12(js["second"], d.second) and close12(js["sd"], d.sd)
    assert close12(js["p_value"], d.p_value) and close12(js["ci"][0], d.ci[0])


def test_rnd_difference_matches_the_two_rnds(model):
    second = (G1, ["peace", "commerce"], N)
    d = quiet(model.rnd_difference, (G1, G2, N), second, method="delta")
    assert d.first == pytest.approx(rnd_numpy(model, G1, G2, N), rel=1e-10)
    assert d.second == pytest.approx(quiet(model.relative_norm_distance, *second, method="delta").value, rel=1e-12)
    assert d.difference.plugin == pytest.approx(d.first - d.second, rel=1e-9, abs=1e-15)
    assert d.difference.status == "ok" and d.ci[0] <= d.estimate <= d.ci[1]
    same = quiet(model.rnd_difference, (CG1, G2, CN), (CG1, G2, CN), method="calibrated", samples=200, seed=2)
    assert abs(same.estimate) < 1e-12 and same.first == same.second
    # Words: each known word once, first lists' order then the second's new ones.
    assert [w.word for w in d.words] == G1 + G2 + N + ["commerce"]


def test_difference_argument_errors_are_clear(model):
    with pytest.raises(glovev.ArgumentError, match=r"first must hold 4 word lists \(X, Y, A, B\), got 3"):
        model.weat_difference((X, Y, A), (X, Y, A, B))
    with pytest.raises(glovev.ArgumentError, match=r"second must hold 3 word lists \(GROUP1, GROUP2, NEUTRAL\), got 4"):
        model.rnd_difference((G1, G2, N), (G1, G2, N, N))
    with pytest.raises(TypeError, match=r"first\[1\] \(Y\) must be str, not int"):
        model.weat_difference((X, ["peace", 3], A, B), (X, Y, A, B))
    with pytest.raises(TypeError, match=r"second\[2\] \(NEUTRAL\) must be a list of words, not a single string"):
        model.rnd_difference((G1, G2, N), (G1, G2, "enemy"))
    with pytest.raises(TypeError, match="sequence of 4 word lists"):
        model.weat_difference("war", (X, Y, A, B))
    with pytest.raises(glovev.InputError, match="first"):
        model.weat_difference((["war", "zz-unknown"], Y, A, B), (X, Y, A, B))
    with pytest.raises(glovev.ArgumentError, match="method"):
        model.rnd_difference((G1, G2, N), (G1, G2, N), method="nope")
    with pytest.raises(glovev.ArgumentError, match="delta"):
        model.rnd_difference((G1, G2, N), (G1, G2, N), method="delta", seed=3)
    with pytest.raises(ValueError, match="ci"):
        model.weat_difference((X, Y, A, B), (X, Y, A, B), ci=1.5)


# ---------- neighbour search ----------

def test_most_similar_reports_its_search(model):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.most_similar("war", topn=5, samples=300, seed=2)
    assert isinstance(res, list) and isinstance(res, glovev.NeighbourList) and len(res) == 5
    s = res.search
    assert isinstance(s, glovev.NeighbourSearch)
    assert s.searched == model.vocab_size - 1 and 5 <= s.candidates <= s.searched and s.draws == 300
    assert 0 <= s.omitted_bound
    overstated = [w for w in caught if "overstated" in str(w.message)]
    assert len(overstated) == (1 if s.omitted_bound > glovev.defaults()["omitted_tolerance"] else 0)
    # Still a list as gensim's: slicing, equality, unpacking.
    first, *rest = res
    assert first == res[0] and res[:2] == [res[0], res[1]]


def test_neighbour_search_matches_the_cli(model, cli, fixture_dir):
    res = quiet(model.most_similar, "war", topn=5, samples=300, seed=2)
    js = run_json(cli, "similar", "--model", str(fixture_dir / "model"), "--word", "war", "--top", "5", "--samples", "300", "--seed", "2")
    assert (res.search.candidates, res.search.searched, res.search.draws) == (js["candidates"], js["searched"], js["draws"])
    assert close12(res.search.omitted_bound, js["omitted_bound"])


# ---------- word-similarity benchmarks ----------

def test_evaluate_matches_numpy_and_its_intervals_contain_the_estimates(model):
    pairs, cosv, gold = benchmark_pairs(model)
    with pytest.warns(glovev.ReliabilityWarning, match="words flagged"):
        r = model.evaluate_word_pairs(BENCH, samples=100, seed=3)
    assert (r.pairs, r.used, r.oov) == (len(pairs), len(pairs), 0)
    assert r.words == len({w for a, b, _ in pairs for w in (a, b)})
    flagged = sum(model.reliability(w).flagged for w in {w for a, b, _ in pairs for w in (a, b)})
    assert r.flagged_words == flagged > 0
    assert r.pearson == pytest.approx(np.corrcoef(cosv, gold)[0, 1], rel=1e-10)
    assert r.spearman == pytest.approx(np.corrcoef(ranks(cosv), ranks(gold))[0, 1], rel=1e-10)
    for est, iv in ((r.spearman, r.spearman_interval), (r.pearson, r.pearson_interval)):
        assert isinstance(iv, glovev.CorrelationInterval)
        assert iv.estimate == est and iv.replicates == 100 and iv.level == 0.95
        assert iv.ci[0] <= iv.estimate <= iv.ci[1]
        assert iv.ci[1] - iv.estimate == pytest.approx(1.959963984540054 * iv.sd, rel=1e-9)
        assert iv.sd > 0 and iv.sd_pairs > 0 and iv.sd_noise > 0 and np.isfinite(iv.noise_shift)
    assert r.spearman_sd == r.spearman_interval.sd and r.pearson_ci == r.pearson_interval.ci


def test_evaluate_defaults_seed_and_cli_parity(model, cli, fixture_dir):
    d = glovev.defaults()
    r = quiet(model.evaluate_word_pairs, BENCH)
    assert r.spearman_interval.replicates == d["samples"] and r.spearman_interval.level == d["level"]
    again = quiet(model.evaluate_word_pairs, str(BENCH), samples=d["samples"], seed=d["seed"], ci=d["level"])
    assert again == r
    other = quiet(model.evaluate_word_pairs, BENCH, seed=9)
    assert other.spearman == r.spearman and other.spearman_sd != r.spearman_sd
    narrow = quiet(model.evaluate_word_pairs, BENCH, ci=0.5)
    assert narrow.spearman_interval.level == 0.5 and narrow.spearman_ci[1] - narrow.spearman_ci[0] < r.spearman_ci[1] - r.spearman_ci[0]
    js = run_json(cli, "evaluate", "--model", str(fixture_dir / "model"), "--benchmark", str(BENCH), "--samples", "50", "--seed", "3")
    b = js["benchmarks"][0]
    e = quiet(model.evaluate_word_pairs, BENCH, samples=50, seed=3)
    for key, iv in (("spearman_interval", e.spearman_interval), ("pearson_interval", e.pearson_interval)):
        for f in ("estimate", "sd", "sd_pairs", "sd_noise", "noise_shift"):
            assert close12(b[key][f], getattr(iv, f)), (key, f)
        assert b[key]["replicates"] == iv.replicates
    assert (b["words"], b["flagged_words"], b["used"]) == (e.words, e.flagged_words, e.used)
    # Each word of the pairs used carries its reliability, as a similarity's words do.
    per_word = b["word_reliability"]
    assert len(per_word) == b["words"] and sum(x["flagged"] for x in per_word) == b["flagged_words"]
    for x in per_word[:25]:
        r = model.reliability(x["word"])
        assert (x["has_covariance"], x["contexts"], x["dof"]) == (r.has_covariance, r.contexts, r.dof)
        assert x["noise_ratio"] == pytest.approx(r.noise_ratio, rel=1e-12) and not x["held_fixed"]
    # Python's result carries the same words' reliabilities, in the same order.
    assert [w.word for w in e.word_reliability] == [x["word"] for x in per_word]
    assert sum(w.flagged for w in e.word_reliability) == e.flagged_words
    # oov and oov_ratio mean the same in every front door: pairs left out, and those in percent (gensim's oov_ratio).
    assert (b["oov"], b["oov_ratio"]) == (e.oov, e.oov_ratio) and e.oov_ratio == pytest.approx(100.0 * e.oov / e.pairs)


def test_evaluate_with_compact_covariances_matches_the_cli_in_one_session(model, cli, fixture_dir):
    # approximate=True reads the compact covariances, as the CLI's --approximate; a session that asks for both forms gets
    # each (the sampling factors are cached per form), whichever it asks for first.
    js = {flag: run_json(cli, "evaluate", "--model", str(fixture_dir / "model"), "--benchmark", str(BENCH), "--samples", "50",
                         *(["--approximate"] if flag else []))["benchmarks"][0]["spearman_interval"] for flag in (False, True)}
    assert js[False]["sd"] != js[True]["sd"]
    with glovev.Model.load(fixture_dir / "model") as fresh:
        for order in ((True, False), (False, True)):
            for flag in order:
                with warnings.catch_warnings(record=True) as seen:
                    warnings.simplefilter("always")
                    e = fresh.evaluate_word_pairs(BENCH, samples=50, approximate=flag)
                assert close12(e.spearman_interval.sd, js[flag]["sd"]), (order, flag)
                # The compact forms' warning says how much of each covariance they drop.
                assert any("compact (approximate) covariance drops" in str(w.message) for w in seen) == flag
    with pytest.raises(TypeError, match="approximate"):
        model.evaluate_word_pairs(BENCH, approximate="yes")


def test_bias_lists_say_which_words_they_leave_out(model):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model.weat(X + ["zz-not-a-word"], Y, A, B, method="delta")
        model.relative_norm_distance(G1, G2, N + ["zz-nope"], method="delta")
        once = model.weat(X + ["war"], Y, A, B, method="delta")
    text = [str(w.message) for w in seen]
    assert "glovev: word list X: 1 word(s) not in the vocabulary, left out: zz-not-a-word" in text
    assert "glovev: word list NEUTRAL: 1 word(s) not in the vocabulary, left out: zz-nope" in text
    # A repeated word counts once (as the CLI's), and is said.
    assert "glovev: word list X: 1 word(s) given more than once, counted once: war" in text
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model.weat_difference((X, Y, A, B), (X, Y + ["zz-second"], A, B), method="delta")
    assert "glovev: word list Y (second): 1 word(s) not in the vocabulary, left out: zz-second" in [str(w.message) for w in seen]
    assert once.effect_size == quiet(model.weat, X, Y, A, B, method="delta").effect_size


def test_evaluate_notices_a_benchmark_file_that_changed_between_its_two_reads(model, monkeypatch):
    # gv_evaluate and gv_benchmark_words each read the file: a different word list means it changed in between.
    monkeypatch.setattr(glovev.Model, "_benchmark_words", lambda self, path: ["war"])
    with pytest.raises(glovev.InputError, match="changed while it was read"):
        quiet(model.evaluate_word_pairs, BENCH, samples=20)


def test_evaluate_arguments(model):
    with pytest.raises(glovev.FileError):
        model.evaluate_word_pairs("/nonexistent/bench.txt")
    with pytest.raises(ValueError, match="samples"):
        model.evaluate_word_pairs(BENCH, samples=1)
    with pytest.raises(ValueError, match="seed"):
        model.evaluate_word_pairs(BENCH, seed=0)
    with pytest.raises(ValueError, match="ci"):
        model.evaluate_word_pairs(BENCH, ci=1.0)


def test_compare_word_pairs_of_a_model_with_itself(model, fixture_dir, cli):
    r = quiet(model.evaluate_word_pairs, BENCH, samples=50, seed=3)
    with glovev.Model.load(fixture_dir / "model") as same:
        c = quiet(model.compare_word_pairs, same, BENCH, samples=50, seed=3)
    assert isinstance(c, glovev.BenchmarkComparison)
    assert c.pairs == r.used and c.replicates == 50 and c.level == 0.95
    assert c.spearman_a == c.spearman_b == r.spearman and c.diff == 0
    assert c.sd_pairs == 0 and c.sd > 0 and c.sd_noise > 0  # the same pair resamples; independent vector draws
    assert c.ci[0] <= 0 <= c.ci[1] and c.ci[1] == pytest.approx(1.959963984540054 * c.sd, rel=1e-9)
    assert c.p_value == pytest.approx(1.0)
    js = run_json(cli, "evaluate", "--model", str(fixture_dir / "model"), "--benchmark", str(BENCH), "--vs", str(fixture_dir / "model"),
                  "--samples", "50", "--seed", "3")["comparisons"][0]
    assert close12(js["sd"], c.sd) and close12(js["sd_noise"], c.sd_noise) and js["pairs"] == c.pairs
    with pytest.raises(TypeError, match="glovev.Model"):
        model.compare_word_pairs(str(fixture_dir / "model"), BENCH)
    closed = glovev.Model.load(fixture_dir / "model")
    closed.close()
    with pytest.raises(glovev.HandleError):
        model.compare_word_pairs(closed, BENCH)
