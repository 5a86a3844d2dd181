"""gensim 4's KeyedVectors verbs on glovev.Model (keys as words or int indices, distances, ranks, normed vectors, mean
vectors, vector arithmetic with vectors and (key, weight) pairs, similar_by_*): each checked against gensim itself on the
same float64 vectors. These are plain trained-vector computations (no intervals); flagged words warn."""
import warnings

import numpy as np
import pytest

import glovev

gensim_models = pytest.importorskip("gensim.models")

# Plain verbs warn about flagged words (most of the fixture's); the warnings have their own test below.
pytestmark = pytest.mark.filterwarnings("ignore::glovev.ReliabilityWarning")

RTOL = 1e-10
WORDS = ["war", "peace", "army", "navy", "treaty", "commerce", "congress", "nation", "people", "government"]


def gensim_kv(model):
    """gensim's KeyedVectors holding the model's own float64 vectors (no float32 rounding on gensim's side)."""
    k = gensim_models.KeyedVectors(model.vector_size, dtype=np.float64)
    k.add_vectors(model.index_to_key, model.vectors)
    assert k.vectors.dtype == np.float64 and np.array_equal(k.vectors, model.vectors)
    return k


@pytest.fixture
def kv(model):
    """A fresh gensim copy per test: gensim 4.2's similarity() (so distance, most_similar_to_given) scales the rows of
    float64 vectors to unit length in place (matutils.unitvec's BLAS scal), which would leak into later comparisons."""
    return gensim_kv(model)


def flagged_and_clean(model):
    """A word with a reliability flag and two without (found, not assumed)."""
    flagged = [w for w in WORDS + ["enemy", "king", "friendship", "harmony"] if model.reliability(w).flags]
    clean = [w for w in WORDS if not model.reliability(w).flags]
    assert flagged and len(clean) >= 2
    return flagged[0], clean[0], clean[1]


# ---------- keys: words and int indices ----------

def test_get_index_and_has_index_for_as_gensim(model, kv):
    V = len(model)
    for key in ["war", "peace", 0, 7, V - 1, np.int64(12), np.int32(3), np.uint16(5)]:
        assert model.get_index(key) == kv.get_index(key)
        assert type(model.get_index(key)) is int
        assert model.has_index_for(key) is True and kv.has_index_for(key)
    for key in ["zz-not-a-word", -1, V, 10 ** 30, 3.5, None]:
        with pytest.raises(KeyError):
            kv.get_index(key)
        with pytest.raises(glovev.UnknownWordError) as e:
            model.get_index(key)
        assert isinstance(e.value, KeyError)
        assert model.get_index(key, default=-7) == kv.get_index(key, default=-7) == -7
        assert model.has_index_for(key) is False and not kv.has_index_for(key)
    with pytest.raises(glovev.UnknownWordError, match="zz-not-a-word"):
        model.get_index("zz-not-a-word")
    with pytest.raises(TypeError):  # unhashable, as in gensim
        model.get_index(["war"])


def test_getitem_takes_int_indices_and_mixed_lists_as_gensim(model, kv):
    i = kv.get_index("war")
    np.testing.assert_array_equal(model[i], kv[i])
    np.testing.assert_array_equal(model[np.int64(i)], kv[np.int64(i)])
    np.testing.assert_array_equal(model[i], model["war"])
    mixed = ["war", 3, np.int64(17), "peace", len(model) - 1]
    np.testing.assert_array_equal(model[mixed], kv[mixed])
    np.testing.assert_array_equal(model[np.array([4, 9, 2])], kv[np.array([4, 9, 2])])
    np.testing.assert_array_equal(model[("war", 0)], kv[("war", 0)])
    for bad in (len(model), -1, ["war", len(model)], ["war", "zz-not-a-word"]):
        with pytest.raises(KeyError):
            kv[bad]
        with pytest.raises(glovev.UnknownWordError):
            model[bad]
    with pytest.raises(TypeError):
        model[3.5]


def test_get_vector_takes_int_keys(model, kv):
    for key in ["war", 5, np.int64(40)]:
        for norm in (False, True):
            np.testing.assert_allclose(model.get_vector(key, norm=norm), kv.get_vector(key, norm=norm), rtol=RTOL)
    got = model.get_vector(5)
    got[0] += 1  # a copy: the model's vectors stay as they were
    assert model.vectors[5, 0] == kv.vectors[5, 0]
    with pytest.raises(glovev.UnknownWordError):
        model.get_vector(len(model))


# ---------- distances and ranks ----------

def test_distance_and_distances_as_gensim(model, kv):
    for a, b in [("war", "peace"), ("army", "navy"), ("war", "war"), (3, "treaty"), (np.int64(8), 100)]:
        assert model.distance(a, b) == pytest.approx(float(gensim_kv(model).distance(a, b)), rel=RTOL, abs=1e-14)
        assert isinstance(model.distance(a, b), float)
    np.testing.assert_allclose(model.distances("war", WORDS), kv.distances("war", WORDS), rtol=RTOL)
    np.testing.assert_allclose(model.distances(12, [3, "peace", np.int64(7)]), kv.distances(12, [3, "peace", np.int64(7)]),
                               rtol=RTOL)
    # Empty other_words: every word of the vocabulary, the query included.
    everything = model.distances("war")
    assert everything.shape == (len(model),)
    np.testing.assert_allclose(everything, kv.distances("war"), rtol=RTOL, atol=1e-14)
    assert everything[kv.get_index("war")] == pytest.approx(0, abs=1e-12)
    vec = model.vectors[20] * 3.0 + model.vectors[30]
    np.testing.assert_allclose(model.distances(vec), kv.distances(vec), rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(model.distances(vec, ["war", 4]), kv.distances(vec, ["war", 4]), rtol=RTOL)
    for bad in (lambda k: k.distance("war", "zz-not-a-word"), lambda k: k.distances("zz-not-a-word"),
                lambda k: k.distances("war", ["peace", "zz-not-a-word"]), lambda k: k.distance("war", len(model))):
        with pytest.raises(KeyError):
            bad(kv)
        with pytest.raises(glovev.UnknownWordError):
            bad(model)
    with pytest.raises(ValueError, match="length"):
        model.distances(np.ones(model.dim + 1))


def test_closer_than_and_rank_as_gensim(model, kv):
    for a, b in [("war", "peace"), ("war", "army"), ("treaty", "commerce"), ("congress", "nation"), (5, "war"), ("war", 2000)]:
        assert model.closer_than(a, b) == kv.closer_than(a, b)
        assert model.rank(a, b) == kv.rank(a, b)
    # An item and itself: nothing is closer.
    assert model.closer_than("war", "war") == kv.closer_than("war", "war") == []
    assert model.rank("war", "war") == kv.rank("war", "war") == 1
    with pytest.warns(DeprecationWarning):
        assert model.words_closer_than("war", "peace") == kv.closer_than("war", "peace")
    for bad in (lambda k: k.closer_than("zz-not-a-word", "war"), lambda k: k.rank("war", "zz-not-a-word")):
        with pytest.raises(KeyError):
            bad(kv)
        with pytest.raises(glovev.UnknownWordError):
            bad(model)


def test_most_similar_to_given_as_gensim(model, kv):
    for key, cands in [("war", ["peace", "army", "treaty", "commerce"]), ("navy", ("army", "congress", "people")),
                       ("treaty", ["war", 7, np.int64(300)]), (9, ["war", "peace"]), ("war", ["war", "army"])]:
        assert model.most_similar_to_given(key, cands) == gensim_kv(model).most_similar_to_given(key, cands)
    with pytest.raises(KeyError):
        kv.most_similar_to_given("war", ["peace", "zz-not-a-word"])
    with pytest.raises(glovev.UnknownWordError):
        model.most_similar_to_given("war", ["peace", "zz-not-a-word"])
    with pytest.raises(ValueError):
        model.most_similar_to_given("war", [])


# ---------- norms, normed vectors, cosines, means ----------

def test_norms_normed_vectors_and_cosine_similarities_as_gensim(model, kv):
    kv.fill_norms()
    np.testing.assert_allclose(model.norms, kv.norms, rtol=RTOL)
    assert model.norms.dtype == np.float64 and model.norms.shape == (len(model),)
    model.fill_norms(force=True)
    np.testing.assert_allclose(model.norms, kv.norms, rtol=RTOL)
    normed = model.get_normed_vectors()
    np.testing.assert_allclose(normed, kv.get_normed_vectors(), rtol=RTOL)
    normed[0] = 0  # a new array each time
    assert np.linalg.norm(model.get_normed_vectors()[0]) == pytest.approx(1)
    rng = np.random.default_rng(3)
    v, rows = rng.normal(size=model.dim), rng.normal(size=(7, model.dim))
    np.testing.assert_allclose(glovev.Model.cosine_similarities(v, rows), gensim_models.KeyedVectors.cosine_similarities(v, rows),
                               rtol=RTOL)
    np.testing.assert_allclose(model.cosine_similarities(model["war"], model.vectors),
                               kv.cosine_similarities(kv["war"], kv.vectors), rtol=RTOL)


@pytest.mark.parametrize("pre", [True, False])
def test_get_mean_vector_as_gensim(model, kv, pre):
    vec = model.vectors[11] * 2.5
    cases = [
        (["war", "peace"], None),
        (["war", 3, np.int64(50)], [1.0, -0.5, 2.0]),
        (["war", vec, "army"], np.array([0.3, 1.0, -2.0])),
        (["war", "zz-not-a-word", "army"], [1.0, 5.0, 1.0]),  # the missing key is skipped, its weight too
    ]
    for keys, weights in cases:
        ours = model.get_mean_vector(keys, weights, pre_normalize=pre)
        theirs = kv.get_mean_vector(keys, weights, pre_normalize=pre)
        np.testing.assert_allclose(ours, theirs, rtol=RTOL)
        # post_normalize: gensim rounds the unit mean to float32 (REAL); ours stays float64, so check it both against
        # gensim's float64 mean scaled here and against gensim's float32 result at float32 precision.
        unit = model.get_mean_vector(keys, weights, pre_normalize=pre, post_normalize=True)
        assert unit.dtype == np.float64
        np.testing.assert_allclose(unit, theirs / np.linalg.norm(theirs), rtol=RTOL)
        np.testing.assert_allclose(unit, kv.get_mean_vector(keys, weights, pre_normalize=pre, post_normalize=True),
                                   rtol=1e-6, atol=1e-7)
    # Nothing found: the zero vector, as gensim.
    np.testing.assert_array_equal(model.get_mean_vector(["zz-not-a-word"]), kv.get_mean_vector(["zz-not-a-word"]))
    with pytest.raises(KeyError):
        kv.get_mean_vector(["war", "zz-not-a-word"], ignore_missing=False)
    with pytest.raises(glovev.UnknownWordError):
        model.get_mean_vector(["war", "zz-not-a-word"], ignore_missing=False)
    for bad in (lambda k: k.get_mean_vector([]), lambda k: k.get_mean_vector(["war", "peace"], [1.0])):
        with pytest.raises(ValueError):
            bad(kv)
        with pytest.raises(ValueError):
            bad(model)


# ---------- vector arithmetic: vectors, (key, weight) pairs, int keys ----------

def gensim_float64(kv, positive, negative, topn):
    """gensim's own ranking with each cosine recomputed by gensim at float64 (its most_similar rounds the mean to float32)."""
    pos = [p if not isinstance(p, np.ndarray) or p.ndim == 1 else p for p in positive]
    theirs = kv.most_similar(positive=pos, negative=negative, topn=topn)
    keys, weights = [], []
    for sign, items in ((1.0, positive), (-1.0, negative)):
        for item in items:
            if isinstance(item, tuple):
                keys.append(item[0])
                weights.append(item[1])
            else:
                keys.append(item)
                weights.append(sign)
    mean = kv.get_mean_vector(keys, weights, pre_normalize=True, post_normalize=False, ignore_missing=False)
    cos = kv.cosine_similarities(mean, kv.vectors)
    return theirs, [(w, cos[kv.get_index(w)]) for w, _ in theirs]


ARITHMETIC = [
    ([("war", 2.0), "army"], [("peace", -0.5)]),
    (["war", 7, np.int64(120)], ["peace"]),
    (["war", ("navy", 0.25)], [("treaty", 1.0)]),  # a pair in negative gives its own weight, sign included (gensim)
    (["war"], ["army", 33]),
    ([("congress", 1.5), (12, -1.0)], []),
]


@pytest.mark.parametrize("positive,negative", ARITHMETIC)
def test_most_similar_with_pairs_and_int_keys_as_gensim(model, kv, positive, negative):
    ours = model.most_similar(positive=positive, negative=negative, topn=8)
    theirs, exact = gensim_float64(kv, positive, negative, 8)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert all(type(x) is tuple and type(x[1]) is float for x in ours)
    np.testing.assert_allclose([c for _, c in ours], [c for _, c in exact], rtol=RTOL)
    np.testing.assert_allclose([c for _, c in ours], [c for _, c in theirs], rtol=1e-6)  # gensim's float32 mean
    # The keys given never come back.
    given = {kv.index_to_key[kv.get_index(x[0] if isinstance(x, tuple) else x)] for x in positive + negative}
    assert not given & {w for w, _ in ours}


def test_most_similar_with_raw_vectors_as_gensim(model, kv):
    vec = model.vectors[kv.get_index("war")] * 4.0  # not normalised before averaging
    for positive, negative in [([vec], []), ([vec, "peace"], []), (["army", (vec, 0.5)], ["navy"]), ([vec], [model.vectors[9]])]:
        ours = model.most_similar(positive=positive, negative=negative, topn=6)
        theirs, exact = gensim_float64(kv, positive, negative, 6)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([c for _, c in ours], [c for _, c in exact], rtol=RTOL)
    # A vector is not a key: the word it equals stays in the results, as in gensim.
    first = model.most_similar(positive=[vec], topn=1)[0]
    assert first[0] == "war" == kv.most_similar(positive=[vec], topn=1)[0][0]
    # A single vector (or an int) as the first argument, as gensim's _ensure_list; topn=None: every cosine.
    assert [w for w, _ in model.most_similar(vec, topn=4)] == [w for w, _ in kv.most_similar(vec, topn=4)]
    assert [w for w, _ in model.most_similar(58, topn=4)] == [w for w, _ in kv.most_similar(58, topn=4)]
    np.testing.assert_allclose(model.most_similar(positive=[vec, ("peace", 2.0)], topn=None),
                               kv.cosine_similarities(kv.get_mean_vector([vec, "peace"], [1.0, 2.0]), kv.vectors), rtol=RTOL)
    # A 2-D array: its rows.
    rows = model.vectors[[3, 40]]
    assert [w for w, _ in model.most_similar(positive=rows, topn=5)] == [w for w, _ in kv.most_similar(positive=rows, topn=5)]


def test_most_similar_arithmetic_errors(model, kv):
    with pytest.raises(KeyError):
        kv.most_similar(positive=[("war", 1.0), "zz-not-a-word"])
    with pytest.raises(glovev.UnknownWordError, match="zz-not-a-word"):
        model.most_similar(positive=[("war", 1.0), "zz-not-a-word"])
    with pytest.raises(KeyError):
        kv.most_similar(positive=["war", len(model)])
    with pytest.raises(glovev.UnknownWordError):
        model.most_similar(positive=["war", len(model)])
    with pytest.raises(ValueError, match="length"):
        model.most_similar(positive=[np.ones(model.dim + 2)])
    with pytest.raises(TypeError, match="pair"):
        model.most_similar(positive=[("war", "peace")])
    with pytest.raises(TypeError, match="pair"):
        model.most_similar(positive=[object()])


def test_the_single_word_path_keeps_its_intervals(model, kv):
    res = model.most_similar("war", topn=4, samples=200)
    assert isinstance(res, glovev.NeighbourList) and isinstance(res[0], glovev.Neighbour) and res.search is not None
    assert [w for w, _ in res] == [w for w, _ in kv.most_similar("war", topn=4)]


# ---------- similar_by_* ----------

def test_similar_by_word_key_and_vector_as_gensim(model, kv):
    cos = kv.cosine_similarities(kv["war"], kv.vectors)
    for f in (model.similar_by_word, model.similar_by_key):
        ours = f("war", topn=5)
        assert isinstance(ours, glovev.NeighbourList)  # most_similar(word): with intervals
        theirs = kv.similar_by_word("war", topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([c for _, c in ours], [cos[kv.get_index(w)] for w, _ in theirs], rtol=RTOL)
        # An int key, topn=None, restrict_vocab: gensim's plain search.
        assert [w for w, _ in f(58, topn=5)] == [w for w, _ in kv.similar_by_key(58, topn=5)]
        np.testing.assert_allclose(f("war", topn=None), cos, rtol=RTOL)
        for limit in (50, 300):
            ours = f("war", topn=6, restrict_vocab=limit)
            theirs = kv.similar_by_key("war", topn=6, restrict_vocab=limit)
            assert [w for w, _ in ours] == [w for w, _ in theirs] and all(kv.get_index(w) < limit for w, _ in ours)
            np.testing.assert_allclose(f("war", topn=None, restrict_vocab=limit), cos[:limit], rtol=RTOL)
    vec = model.vectors[kv.get_index("peace")] - 0.5 * model.vectors[kv.get_index("war")]
    vcos = kv.cosine_similarities(vec, kv.vectors)
    for limit in (None, 0, 200, 10 ** 9):
        ours = model.similar_by_vector(vec, topn=7, restrict_vocab=limit)
        theirs = kv.similar_by_vector(vec, topn=7, restrict_vocab=limit)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([c for _, c in ours], [vcos[kv.get_index(w)] for w, _ in theirs], rtol=RTOL)
    exact = model.similar_by_vector(model["war"], topn=1)
    assert exact[0][0] == "war" and exact[0][1] == pytest.approx(1.0, rel=RTOL)  # nothing left out
    with pytest.raises(TypeError, match="restrict_vocab"):
        model.similar_by_word("war", restrict_vocab="10")
    with pytest.raises(ValueError, match="restrict_vocab"):
        model.similar_by_vector(vec, restrict_vocab=-3)
    with pytest.raises(glovev.UnknownWordError):
        model.similar_by_word("zz-not-a-word", restrict_vocab=100)


# ---------- reliability warnings and documentation ----------

def test_plain_verbs_warn_for_flagged_words(model):
    bad, ok1, ok2 = flagged_and_clean(model)
    calls = {
        "distance": lambda a, b: model.distance(a, b),
        "distances": lambda a, b: model.distances(a, [b]),
        "rank": lambda a, b: model.rank(a, b),
        "closer_than": lambda a, b: model.closer_than(a, b),
        "most_similar_to_given": lambda a, b: model.most_similar_to_given(a, [b]),
    }
    for name, call in calls.items():
        with pytest.warns(glovev.ReliabilityWarning, match=bad):
            call(ok1, bad)
        with pytest.warns(glovev.ReliabilityWarning, match=bad):
            call(model.get_index(bad), ok1)  # an int key names its word
        with warnings.catch_warnings():
            warnings.simplefilter("error", glovev.ReliabilityWarning)
            call(ok1, ok2)
    # The list verbs warn for a flagged word among the keys named, as the pair verbs do.
    lists = {
        "n_similarity": lambda words: model.n_similarity(words[:1], words[1:]),
        "doesnt_match": lambda words: model.doesnt_match(words),
        "most_similar(positive=)": lambda words: model.most_similar(positive=words[:2], negative=words[2:], topn=3),
        "most_similar(index)": lambda words: model.most_similar(model.get_index(words[0]), topn=3),
        "similar_by_word(restrict_vocab=)": lambda words: model.similar_by_word(words[0], topn=3, restrict_vocab=50),
    }
    for name, call in lists.items():
        with pytest.warns(glovev.ReliabilityWarning, match=bad):
            call([bad, ok1, ok2])
        with warnings.catch_warnings():
            warnings.simplefilter("error", glovev.ReliabilityWarning)
            call([ok1, ok2, ok1] if name == "most_similar(positive=)" else [ok1, ok2])
    with warnings.catch_warnings():  # whole-vocabulary lists do not warn about every word
        warnings.simplefilter("error", glovev.ReliabilityWarning)
        model.distances(model[ok1])
        model.get_normed_vectors()


def test_similar_by_word_takes_hold_fixed_as_its_error_says(cli, fixture_dir, tmp_path):
    """A word without a covariance: the error names hold_fixed, and similar_by_word / similar_by_key accept it."""
    # The fixture's model with covariances for a handful of words only: every other word has none.
    m = _with_covariances_for(cli, fixture_dir, tmp_path, ["war", "peace", "army"])
    try:
        assert m.has_covariance("war") and not m.has_covariance("navy")
        with pytest.raises(glovev.InputError, match="hold_fixed"):
            m.similar_by_word("navy", topn=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", glovev.ReliabilityWarning)
            got = m.similar_by_word("navy", topn=3, hold_fixed=True)
            same = m.similar_by_key(m.get_index("navy"), topn=3, hold_fixed=True)
        assert [w for w, _ in got] == [w for w, _ in same] and len(got) == 3
        # Each word of a result says whether the query held it fixed; reliability() answers no query.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", glovev.ReliabilityWarning)
            s = m.similarity("war", "navy", method="delta", hold_fixed=True)
        assert [(w.word, w.has_covariance, w.held_fixed) for w in s.words] == [("war", True, False), ("navy", False, True)]
        assert not m.reliability("navy").held_fixed
        # A plain value uses no covariance: its warning says the word's noise is unknown, not that it was held fixed.
        with pytest.warns(glovev.ReliabilityWarning) as got_warnings:
            m.distance("war", "navy")
        text = " ".join(str(w.message) for w in got_warnings)
        assert "'navy': no covariance" in text and "noise is unknown" in text and "held fixed" not in text, text
    finally:
        m.close()


def test_new_verbs_document_their_parameters(model):
    for name in ["get_index", "has_index_for", "distance", "distances", "closer_than", "words_closer_than", "rank",
                 "most_similar_to_given", "fill_norms", "cosine_similarities", "get_mean_vector", "similar_by_word",
                 "similar_by_key", "similar_by_vector"]:
        doc = getattr(glovev.Model, name).__doc__
        assert "Parameters\n----------" in doc, name
        assert "interval" in doc or name in ("get_index", "has_index_for", "cosine_similarities", "fill_norms",
                                             "words_closer_than"), name


# ---------- gensim's keys and restrict_vocab on the remaining verbs; plain forms refuse interval settings ----------

def test_similarity_contains_and_most_similar_restrict_vocab_as_gensim(model, kv):
    # similarity takes keys (a word or a row index), as gensim's.
    assert float(model.similarity(3, 5, hold_fixed=True)) == pytest.approx(kv.similarity(3, 5), rel=RTOL)
    assert float(model.similarity("war", kv.get_index("peace"))) == pytest.approx(kv.similarity("war", "peace"), rel=RTOL)
    # `in` is gensim's has_index_for: an int index in range is in the model.
    for key in (0, 3, model.vocab_size - 1, model.vocab_size, -1, np.int64(7), "war", "zz-not-a-word"):
        assert (key in model) == (key in kv) == model.has_index_for(key)
    assert True not in model  # a bool is not an index
    cos = kv.cosine_similarities(kv["war"], kv.vectors)  # (gensim's most_similar rounds its norms to float32)
    for limit in (40, 400):
        ours = model.most_similar("war", topn=5, restrict_vocab=limit)
        theirs = kv.most_similar("war", topn=5, restrict_vocab=limit)
        assert [w for w, _ in ours] == [w for w, _ in theirs] and all(kv.get_index(w) < limit for w, _ in ours)
        np.testing.assert_allclose([c for _, c in ours], [cos[kv.get_index(w)] for w, _ in ours], rtol=RTOL)
    # doesnt_match takes int keys too, and returns the key it was given (gensim's).
    keys = [kv.get_index(w) for w in ("war", "army", "navy", "commerce")]
    assert model.doesnt_match(keys) == kv.doesnt_match(keys)
    # similar_by_* with topn=None: gensim's plain cosines, which take no hold_fixed.
    with pytest.raises(glovev.ArgumentError, match="similar_by_word with topn=None"):
        model.similar_by_word("war", topn=None, hold_fixed=True)
    # Any method given to the plain path is refused, the default's name too: it draws nothing and has no interval.
    with pytest.raises(glovev.ArgumentError, match="it takes no method"):
        model.most_similar(positive=["war"], topn=3, method="Calibrated")
    with pytest.raises(TypeError, match="^a must be"):
        model.similarity(None, "war")
    with pytest.raises(TypeError, match="^b must be"):
        model.similarity("war", 1.5)


@pytest.mark.parametrize("call", [
    lambda m: m.most_similar(positive=["war"], topn=2, method="bogus"),
    lambda m: m.most_similar(positive=["war"], topn=2, ci=0.5),
    lambda m: m.most_similar(5, topn=2, samples=7),
    lambda m: m.most_similar("war", topn=None, seed=3),
    lambda m: m.most_similar("war", topn=3, restrict_vocab=100, hold_fixed=True),
    lambda m: m.most_similar(m["war"], topn=3, approximate=True),
    lambda m: m.similar_by_word("war", topn=2, restrict_vocab=100, hold_fixed=True),
])
def test_plain_most_similar_refuses_interval_settings(model, call):
    # gensim's arithmetic, topn=None and restrict_vocab return plain cosines: an interval setting is refused, not ignored.
    with pytest.raises(glovev.ArgumentError, match="without intervals: it takes no"):
        call(model)


def test_table_and_pair_arguments_are_named(model):
    with pytest.raises(TypeError, match="^word must be str"):
        model.neighbour_table(5, topn=2)
    with pytest.raises(TypeError, match="^topn must be an int"):
        model.neighbour_table("war", topn=None)
    with pytest.raises(ValueError, match="^topn must be"):
        model.neighbour_table("war", topn=0)
    with pytest.raises(TypeError, match="^second must be a pair"):
        model.compare(("war", "peace"), ("war",))
    with pytest.raises(TypeError, match="^first must be a pair"):
        model.compare(None, ("war", "peace"))
    with pytest.raises(TypeError, match="^pairs must be an iterable"):
        model.similarity_table(None)
    with pytest.raises(TypeError, match="^kv must be a gensim KeyedVectors"):
        glovev.Model.from_keyed_vectors(None, "/nonexistent")
    with pytest.raises(glovev.ArgumentError, match="^word is not valid Unicode"):
        model.vector("\udc80")


def test_neighbours_leave_out_words_without_a_covariance_and_flag_them(cli, fixture_dir, tmp_path):
    """most_similar without hold_fixed searches only the words with a covariance: the neighbours that words without one
    beat by plug-in cosine carry FLAG_LEFT_OUT_ABOVE and the warning names the rule; with hold_fixed, gensim's ranking."""
    from glovev.model import FLAG_LEFT_OUT_ABOVE, FLAG_NO_COVARIANCE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", glovev.ReliabilityWarning)
        full = glovev.Model.load(fixture_dir / "model")
    try:
        plain = [w for w, _ in full.most_similar(positive=["war"], topn=40)]  # plug-in ranking, no intervals
    finally:
        full.close()
    # Covariances for "war" and every other word of its plug-in top 40 only: the first, third, ... are left out.
    keep = ["war"] + plain[1::2]
    m = _with_covariances_for(cli, fixture_dir, tmp_path, keep)
    try:
        with pytest.warns(glovev.ReliabilityWarning, match="left out of the search"):
            res = m.most_similar("war", topn=5, samples=200)
        assert [n.word for n in res] == plain[1::2][:5]
        assert res.search.searched == len(keep) - 1
        for k, n in enumerate(res):
            # plain[2k + 1] is this neighbour; the k + 1 words before it without a covariance beat it.
            assert n.flags & FLAG_LEFT_OUT_ABOVE, (k, n.word)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", glovev.ReliabilityWarning)
            held = m.most_similar("war", topn=5, samples=200, hold_fixed=True)
        assert [n.word for n in held] == plain[:5]
        assert not any(n.flags & FLAG_LEFT_OUT_ABOVE for n in held)
        assert any(n.flags & FLAG_NO_COVARIANCE for n in held)
    finally:
        m.close()


def _with_covariances_for(cli, fixture_dir, tmp_path, words):
    """A copy of the fixture's model whose variance folder holds covariances for `words` only (opened, its premise
    warnings silenced)."""
    import shutil
    import subprocess
    shutil.copytree(fixture_dir / "model", tmp_path / "model", ignore=shutil.ignore_patterns("variances"))
    (tmp_path / "words.txt").write_text("\n".join(words) + "\n")
    subprocess.run([cli, "variance", "--model", str(tmp_path / "model"), "--cooccur", str(fixture_dir / "cooccur"),
                    "--words", str(tmp_path / "words.txt"), "--threads", "1"], check=True, capture_output=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", glovev.ReliabilityWarning)
        return glovev.Model.load(tmp_path / "model")
