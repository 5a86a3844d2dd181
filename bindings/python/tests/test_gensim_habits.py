"""Issue 18 (part): the verbs glovev.Model shares with gensim's KeyedVectors return what gensim returns, checked
against gensim itself on the same vectors; the uncertainty rides along as attributes."""
import pickle
import traceback
import warnings

import numpy as np
import pytest

import glovev

gensim_models = pytest.importorskip("gensim.models")


@pytest.fixture(scope="module")
def pair(fixture_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = glovev.Model.load(fixture_dir / "model")
    kv = gensim_models.KeyedVectors(m.vector_size)
    kv.add_vectors(m.index_to_key, m.vectors)
    yield m, kv
    m.close()


def quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


def test_vocabulary_and_vectors_as_gensim(pair):
    m, kv = pair
    assert m.key_to_index == kv.key_to_index and m.index_to_key == kv.index_to_key
    assert m.vector_size == kv.vector_size == m.dim
    # gensim keeps float32; ours are the float64 vectors themselves.
    np.testing.assert_allclose(m["war"], kv["war"], rtol=1e-6)
    np.testing.assert_allclose(m[["war", "peace"]], kv[["war", "peace"]], rtol=1e-6)
    np.testing.assert_allclose(m.get_vector("war", norm=True), kv.get_vector("war", norm=True), rtol=1e-6)
    assert m[("war", "peace")].shape == (2, m.dim) and m[np.array(["war"])].shape == (1, m.dim)
    assert m[[]].shape == (0, m.dim)
    assert m.vectors is m.vectors and not m.vectors.flags.writeable  # read once, then kept
    np.testing.assert_allclose(m[3], kv[3], rtol=1e-6)  # gensim: an int key is a row index
    with pytest.raises(TypeError):
        m[3.5]


def test_similarity_is_gensims_float_with_its_interval(pair):
    m, kv = pair
    s = quiet(m.similarity, "war", "peace")
    assert isinstance(s, float) and float(s) == pytest.approx(float(kv.similarity("war", "peace")), rel=1e-6)
    assert (s > -2) and s + 0 == float(s) and np.isclose(np.float64(s), s)
    assert s.plugin == float(s) == s.cosine and s.method == "calibrated" and s.status in ("ok", "not_identifiable")
    assert isinstance(s.interval, glovev.model.Interval) and s.ci == s.interval.ci and s.words[0].word == "war"
    back = pickle.loads(pickle.dumps(s))
    assert float(back) == float(s) and back.interval == s.interval
    with pytest.raises(AttributeError):
        s.no_such_field


def test_most_similar_yields_gensims_pairs(pair):
    m, kv = pair
    ours = quiet(m.most_similar, "war", topn=5, samples=200)
    theirs = kv.most_similar("war", topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    for (w, c), (w2, c2) in zip(ours, theirs):
        assert c == pytest.approx(c2, rel=1e-6)
    first = ours[0]
    assert first == (first.word, first.cosine) and 0 <= first.p_top_k <= 1 and len(first.ci) == 2
    assert pickle.loads(pickle.dumps(first)).p_top_k == first.p_top_k


def test_numpy_scalars_are_accepted_where_python_numbers_are(pair):
    m, _ = pair
    a = quiet(m.similarity, "war", "peace", ci=np.float32(0.9), method="delta")
    b = quiet(m.similarity, "war", "peace", ci=0.9, method="delta")
    assert a.ci == pytest.approx(b.ci, rel=1e-6)
    with pytest.raises(TypeError, match="ci"):
        m.similarity("war", "peace", ci=True)


def test_an_exception_in_a_progress_callback_surfaces_with_its_traceback(fixture_dir, tmp_path):
    def boom(epoch, epochs, cost):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback") as info:
        glovev.train(fixture_dir / "cooccur", fixture_dir / "vocab.txt", tmp_path / "m", dim=4, epochs=3, threads=1, progress=boom)
    assert "boom" in "".join(traceback.format_tb(info.value.__traceback__))
    assert not (tmp_path / "m" / "params.safetensors").exists()  # stopped, nothing published as complete


def test_vector_arithmetic_verbs_match_gensim(pair):
    m, kv = pair
    for pos, neg in ((["war", "peace"], ["army"]), (["congress"], None), (["nation", "people"], [])):
        ours = m.most_similar(positive=pos, negative=neg, topn=5)
        theirs = kv.most_similar(positive=pos, negative=neg, topn=5)
        assert all(type(x) is tuple and isinstance(x[1], float) for x in ours)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        assert [c for _, c in ours] == pytest.approx([c for _, c in theirs], rel=1e-5)
    assert [w for w, _ in m.most_similar(["war", "peace"], topn=3)] == [w for w, _ in kv.most_similar(["war", "peace"], topn=3)]
    assert m.n_similarity(["war", "army"], ["peace", "treaty"]) == pytest.approx(float(kv.n_similarity(["war", "army"], ["peace", "treaty"])), rel=1e-5)
    words = ["war", "army", "navy", "treaty", "commerce"]
    assert m.doesnt_match(words) == kv.doesnt_match(words)
    with pytest.warns(UserWarning, match="ignored"):
        assert m.doesnt_match(words + ["zz-not-a-word"]) == kv.doesnt_match(words)
    with pytest.raises(glovev.InputError, match="zz-not-a-word"):
        m.most_similar(positive=["war", "zz-not-a-word"])
    with pytest.raises(ZeroDivisionError):
        m.n_similarity([], ["war"])
    with pytest.raises(TypeError, match="not both"):
        m.most_similar(["war"], positive=["peace"])


def test_evaluate_word_pairs_is_gensims_tuple(pair, tmp_path):
    from conftest import REPO
    m, kv = pair
    # gensim reads tab-separated pairs; the same pairs for both.
    src = (REPO / "tests" / "data" / "ws_tiny.txt").read_text().splitlines()
    rows = [l.split() for l in src if l and not l.startswith("#")]
    rows.append(["war", "notaword", "5.0"])  # one out-of-vocabulary pair
    bench = tmp_path / "bench.txt"
    bench.write_text("".join("%s\t%s\t%s\n" % tuple(r) for r in rows))
    ours = quiet(m.evaluate_word_pairs, bench, samples=50, hold_fixed=True)
    theirs = quiet(kv.evaluate_word_pairs, str(bench))
    (p, pp), (s, sp), oov = ours
    assert p == pytest.approx(theirs[0][0], abs=1e-6) and pp == pytest.approx(theirs[0][1], rel=1e-5)
    assert s == pytest.approx(theirs[1][0], abs=1e-6) and sp == pytest.approx(theirs[1][1], rel=1e-5)
    assert oov == pytest.approx(theirs[2])
    assert ours.spearman == s and ours.spearman_ci[0] <= ours.spearman_ci[1] and ours.used == len(rows) - 1


def test_uncertainty_tables_are_dataframes_with_the_documented_columns(pair):
    import pandas as pd
    m, _ = pair
    pairs = [("war", "peace"), ("congress", "senate"), ("war", "army")]
    with pytest.warns(glovev.ReliabilityWarning) as rec:
        t = m.similarity_table(pairs, hold_fixed=True)
    assert len([w for w in rec if "unreliable words" in str(w.message)]) <= 1  # one warning for the table, not one per row
    assert isinstance(t, pd.DataFrame)
    assert list(t.columns) == ["a", "b", "estimate", "plugin", "sd", "lower", "upper", "status", "method", "p_value", "flags",
                               "reason"]
    assert list(zip(t.a, t.b)) == pairs
    for (a, b), row in zip(pairs, t.itertuples()):
        s = quiet(m.similarity, a, b, hold_fixed=True)
        same = lambda x, y: x == y or (isinstance(x, float) and np.isnan(x) and np.isnan(y))  # a not-identifiable row: nan
        assert all(same(x, y) for x, y in zip((row.estimate, row.plugin, row.sd, row.status, row.reason),
                                               (s.estimate, s.plugin, s.sd, s.status, s.reason)))
        assert row.plugin == pytest.approx(float(s))
        if row.status == "ok":
            assert row.lower <= row.estimate <= row.upper
    d = quiet(m.similarity_table, pairs, method="delta", hold_fixed=True)
    assert set(d.method) == {"delta"}
    with pytest.raises(TypeError, match="pairs"):
        m.similarity_table(["war"])
    n = quiet(m.neighbour_table, "war", topn=5)
    assert list(n.columns) == ["word", "cosine", "estimate", "sd", "lower", "upper", "mean", "p_top_k", "p_differs_from_next", "status", "flags", "reason"]
    assert len(n) == 5 and list(n.word) == [w for w, _ in quiet(m.most_similar, "war", topn=5)]
    assert n.attrs["search"].searched > 0


def test_unknown_words_are_key_errors_as_in_gensim(pair):
    m, kv = pair
    for call in (lambda: m["zz-not-a-word"], lambda: m.get_vector("zz-not-a-word"), lambda: m.index("zz-not-a-word"),
                 lambda: quiet(m.similarity, "zz-not-a-word", "war"), lambda: quiet(m.most_similar, "zz-not-a-word")):
        with pytest.raises(KeyError, match="zz-not-a-word") as e:
            call()
        assert isinstance(e.value, glovev.UnknownWordError) and isinstance(e.value, glovev.InputError)
    with pytest.raises(KeyError):
        kv["zz-not-a-word"]  # what gensim does
    # A NUL would cut the word short at the C boundary ("war\0junk" read as "war"): never a match.
    assert "war" in m and "war\0junk" not in m and "\ud800" not in m
    with pytest.raises(glovev.ArgumentError, match="NUL"):
        quiet(m.similarity, "war\0junk", "peace")


def test_integer_options_beyond_their_c_types_are_refused_not_wrapped(pair):
    m, _ = pair
    for kw in ({"samples": 2 ** 64 + 500}, {"samples": 2 ** 64}, {"seed": 2 ** 64 + 7}, {"seed": 0}):
        with pytest.raises(ValueError, match="samples|seed"):
            quiet(m.similarity, "war", "peace", method="sample", **kw)
    with pytest.raises(ValueError, match="permutations"):
        quiet(m.weat, ["war", "army"], ["peace", "treaty"], ["men"], ["women"], permutations=2 ** 64 + 5)


def test_a_copy_or_pickle_of_a_model_has_its_own_handle(pair, fixture_dir):
    import copy
    m = quiet(glovev.Model.load, fixture_dir / "model")
    for dup in (quiet(copy.copy, m), quiet(copy.deepcopy, m), quiet(pickle.loads, pickle.dumps(m))):
        assert dup._handle().value != m._handle().value
        dup.close()
        del dup
    assert quiet(m.similarity, "war", "peace").estimate == quiet(pair[0].similarity, "war", "peace").estimate
    m.close()
    with pytest.raises(TypeError, match="path"):
        glovev.Model.load(None)


def test_sample_intervals_contain_their_estimate_at_any_level(pair):
    m, _ = pair
    for level in (0.01, 0.5, 0.95):
        s = quiet(m.similarity, "war", "peace", method="sample", ci=level, samples=200)
        assert s.ci[0] <= s.estimate <= s.ci[1], (level, s)
        for n in quiet(m.most_similar, "war", topn=3, method="sample", ci=level, samples=200):
            assert n.ci[0] <= n.estimate <= n.ci[1], (level, n)


def test_delta_neighbours_draw_exactly_the_samples_asked_for(pair):
    m, _ = pair
    res = quiet(m.most_similar, "war", topn=3, method="delta", samples=300)
    assert res.search.draws == 300


def test_most_similar_without_topn_gives_every_cosine_as_gensim(pair):
    m, kv = pair
    got = m.most_similar("war", topn=None)
    assert isinstance(got, np.ndarray) and got.shape == (m.vocab_size,)
    np.testing.assert_allclose(got, kv.most_similar("war", topn=None), rtol=1e-5, atol=1e-6)
    both = m.most_similar(positive=["war", "army"], negative=["peace"], topn=None)
    np.testing.assert_allclose(both, kv.most_similar(positive=["war", "army"], negative=["peace"], topn=None), rtol=1e-5, atol=1e-6)
    assert m.most_similar("war", topn=0) == [] == kv.most_similar("war", topn=0)
