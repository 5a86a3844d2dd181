"""Five defects of the binding, each found by a tester: a copy of a model loaded by a relative path after a chdir; a NUL
in a method name; gensim's evaluate_word_pairs arguments; 2-D arrays given as word lists; the dtypes of gensim's verbs."""
import copy
import gzip
import os
import pickle
import warnings

import numpy as np
import pytest

import glovev

pytestmark = pytest.mark.filterwarnings("ignore::glovev.ReliabilityWarning")


def quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


# ---------- 1. a model loaded by a relative path opens the same folder again after a chdir ----------

def decoy_model(folder):
    """Another model folder called `model` (three words of dimension 2), through the core's word2vec reader."""
    src = folder / "decoy.txt"
    src.write_text("3 2\nalpha 1 0\nbeta 0 1\ngamma 1 1\n")
    quiet(glovev.Model.load_word2vec_format, src, folder / "model").close()


@pytest.mark.parametrize("decoy", [False, True])
def test_a_copy_of_a_model_loaded_by_a_relative_path_survives_a_chdir(fixture_dir, tmp_path, monkeypatch, decoy):
    monkeypatch.chdir(fixture_dir)
    m = quiet(glovev.Model.load, "model")
    assert os.path.isabs(m.path) and os.path.samefile(m.path, fixture_dir / "model")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if decoy:  # the old copy silently opened this one
        decoy_model(elsewhere)
    monkeypatch.chdir(elsewhere)
    for again in (quiet(copy.copy, m), quiet(copy.deepcopy, m), quiet(pickle.loads, pickle.dumps(m))):
        with again:
            assert again.index_to_key == m.index_to_key and again.path == m.path
            np.testing.assert_array_equal(again.vectors, m.vectors)
    m.save_word2vec_format(elsewhere / "v.txt")  # re-opens the folder by its path too
    assert (elsewhere / "v.txt").read_text().split("\n", 1)[0] == "%d %d" % (len(m), m.dim)
    m.close()


# ---------- 2. a NUL in a method name is refused, not cut at the NUL ----------

def test_a_nul_in_a_method_name_is_refused_naming_the_argument(model):
    for call in (lambda: model.similarity("war", "peace", method="delta\0x"),
                 lambda: model.compare(("war", "peace"), ("war", "army"), method="delta\0"),
                 lambda: model.most_similar("war", topn=3, method="sample\0x"),
                 lambda: model.relative_norm_distance(["war"], ["peace"], ["army", "navy"], method="delta\0x")):
        with pytest.raises(glovev.ArgumentError, match="method contains a NUL"):
            call()
    with pytest.raises(glovev.ArgumentError, match="methods: method contains a NUL"):
        glovev.calibrate(model.path, model.path, methods=["delta\0x"])
    assert quiet(model.similarity, "war", "peace", method="delta").method == "delta"  # the name itself still works


# ---------- 3. evaluate_word_pairs takes gensim's arguments and gives gensim's numbers for them ----------

gensim_models = None


def gensim_kv(m):
    global gensim_models
    gensim_models = pytest.importorskip("gensim.models")
    k = gensim_models.KeyedVectors(m.vector_size, dtype=np.float64)
    k.add_vectors(m.index_to_key, m.vectors)
    return k


WORDS = ["the", "War", "war", "PEACE", "peace", "army", "navy", "#tag", "treaty", "Commerce", "commerce", "nation", "people",
         "king", "queen", "man", "woman", "city", "town", "river", "sea"]


@pytest.fixture(scope="module")
def cased(tmp_path_factory):
    """A model with a mixed-case vocabulary (War before war, PEACE before peace) and a word starting with '#'."""
    gm = pytest.importorskip("gensim.models")
    rng = np.random.default_rng(7)
    src = gm.KeyedVectors(6)
    src.add_vectors(WORDS, rng.normal(size=(len(WORDS), 6)))
    m = quiet(glovev.Model.from_keyed_vectors, src, tmp_path_factory.mktemp("cased") / "model")
    yield m
    m.close()


BENCH = [
    "# a comment line",
    "word1\tword2\tscore",        # a header: gensim skips it (the score is no number)
    "war\tpeace\t3.0",
    "WAR\tArmy\t7.5",             # case: found only case-insensitively (then as War, the first spelling)
    "War\tnavy\t2.5",
    "army\tnavy\t8.0",
    "treaty\tpeace\t7.0",
    "commerce\tnation\t5.5",
    "COMMERCE\tpeople\t4.0",
    "king\tqueen\t8.5",
    "man\twoman\t8.3",
    "city\ttown\t9.0",
    "river\tsea\t7.1",
    "sea\tpeace\t1.5",
    "people\t#tag\t2.0",          # a word starting with '#', second
    "war\tnotaword\t5.0",         # out of the vocabulary
    "a line without tabs 1.0",    # skipped by gensim
    "too\tmany\tfields\t1.0",     # skipped by gensim
    "the\tsea\t1.0",
]


def write(path, lines, encoding="utf-8"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def pair_with_gensim(m):
    """The model and a fresh gensim KeyedVectors of its float64 vectors (gensim 4.2's similarity scales float64 rows to
    unit length in place, so a shared one would drift by rounding). The benchmark repeats no pair: gensim's in-place
    scaling can split two equal cosines by rounding, where scipy then ranks what the core ties."""
    return m, gensim_kv(m)


def assert_as_gensim(ours, theirs):
    (p, pp), (s, sp), oov = ours
    assert p == pytest.approx(theirs[0][0], abs=1e-9) and pp == pytest.approx(theirs[0][1], rel=1e-6, abs=1e-12)
    assert s == pytest.approx(theirs[1][0], abs=1e-9) and sp == pytest.approx(theirs[1][1], rel=1e-6, abs=1e-12)
    assert oov == pytest.approx(theirs[2], rel=1e-12)


@pytest.mark.parametrize("kw", [
    dict(delimiter="\t"),
    dict(case_insensitive=True),
    dict(case_insensitive=False),
    dict(restrict_vocab=12),
    dict(restrict_vocab=12, case_insensitive=False),
    dict(restrict_vocab=None),
    dict(encoding="utf8", dummy4unknown=False),
])
def test_evaluate_word_pairs_takes_gensims_arguments(cased, tmp_path, kw):
    m, kv = pair_with_gensim(cased)
    bench = write(tmp_path / "bench.tsv", BENCH)
    ours = m.evaluate_word_pairs(bench, samples=20, hold_fixed=True, **kw)
    theirs = kv.evaluate_word_pairs(str(bench), **kw)
    assert_as_gensim(ours, theirs)
    assert ours.pairs == ours.used + ours.oov and ours.spearman_ci[0] <= ours.spearman <= ours.spearman_ci[1]


def test_evaluate_word_pairs_in_gensims_order_and_forms(cased, tmp_path):
    m, kv = pair_with_gensim(cased)
    bench = write(tmp_path / "bench.tsv", BENCH)
    # Positionally, in gensim's order: pairs, delimiter, encoding, restrict_vocab, case_insensitive, dummy4unknown.
    assert_as_gensim(m.evaluate_word_pairs(bench, "\t", "utf8", 300000, False, False, samples=20, hold_fixed=True),
                     kv.evaluate_word_pairs(str(bench), "\t", "utf8", 300000, False, False))
    assert_as_gensim(m.evaluate_word_pairs(pairs=bench, case_insensitive=False, samples=20, hold_fixed=True),
                     kv.evaluate_word_pairs(pairs=str(bench), case_insensitive=False))
    # Another delimiter; None splits at white space (str.split), where a line may start with a space and a word with '#'.
    spaced = write(tmp_path / "spaced.txt", [l.replace("\t", ";") for l in BENCH])
    assert_as_gensim(m.evaluate_word_pairs(spaced, ";", samples=20, hold_fixed=True), kv.evaluate_word_pairs(str(spaced), ";"))
    ws = write(tmp_path / "ws.txt", [l.replace("\t", "  ") for l in BENCH] + [" #tag army 3.0"])
    assert_as_gensim(m.evaluate_word_pairs(ws, None, samples=20, hold_fixed=True), kv.evaluate_word_pairs(str(ws), None))
    # Another encoding, and a compressed file (gensim's smart_open decompresses .gz).
    latin = write(tmp_path / "latin.tsv", BENCH + ["caf\u00e9\tking\t2.0"], encoding="latin-1")
    assert_as_gensim(m.evaluate_word_pairs(latin, encoding="latin-1", samples=20, hold_fixed=True),
                     kv.evaluate_word_pairs(str(latin), encoding="latin-1"))
    packed = tmp_path / "bench.tsv.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as f:
        f.write("\n".join(BENCH) + "\n")
    assert_as_gensim(m.evaluate_word_pairs(packed, case_insensitive=False, samples=20, hold_fixed=True),
                     kv.evaluate_word_pairs(str(packed), case_insensitive=False))


def test_evaluate_word_pairs_refuses_what_it_cannot_honour(cased, tmp_path):
    m, kv = pair_with_gensim(cased)
    bench = write(tmp_path / "bench.tsv", BENCH)
    kv.evaluate_word_pairs(str(bench), dummy4unknown=True)  # gensim scores the unknown pairs 0 ...
    with pytest.raises(glovev.ArgumentError, match="dummy4unknown"):  # ... which the intervals cannot carry
        m.evaluate_word_pairs(bench, dummy4unknown=True, hold_fixed=True)
    with pytest.raises(TypeError, match="delimiter"):
        m.evaluate_word_pairs(bench, 100)  # samples is keyword-only now: the second argument is gensim's delimiter
    with pytest.raises(glovev.ArgumentError, match="encoding"):
        m.evaluate_word_pairs(bench, encoding="no-such-codec")
    with pytest.raises(ValueError, match="restrict_vocab"):
        m.evaluate_word_pairs(bench, restrict_vocab=-1)
    with pytest.raises(ValueError, match="No valid similarity judgements"):
        kv.evaluate_word_pairs(str(bench), restrict_vocab=1)
    with pytest.raises(glovev.InputError, match="No valid similarity judgements"):
        m.evaluate_word_pairs(bench, restrict_vocab=1, hold_fixed=True)
    with pytest.raises(glovev.InputError, match="not a finite number"):
        m.evaluate_word_pairs(write(tmp_path / "nan.tsv", BENCH + ["army\tsea\tnan"]), "\t", hold_fixed=True)
    with pytest.raises(glovev.FileError, match="not found"):
        m.evaluate_word_pairs(tmp_path / "missing.tsv", "\t")
    with pytest.raises(TypeError, match="once"):
        m.evaluate_word_pairs(bench, path=bench)


def test_evaluate_word_pairs_without_gensims_arguments_reads_as_the_core(model, tmp_path):
    from conftest import REPO
    spaced = REPO / "tests" / "data" / "ws_tiny.txt"  # space-separated: the core's reading, the CLI's and R's
    a = quiet(model.evaluate_word_pairs, spaced, samples=30, seed=2)
    b = quiet(model.evaluate_word_pairs, path=spaced, samples=30, seed=2)  # the argument's former name
    assert tuple(a) == tuple(b) and a.used == a.pairs > 0 and a.spearman_ci == b.spearman_ci
    # gensim's reading of the same pairs, tab-separated, gives the same numbers (the same words found).
    tabbed = write(tmp_path / "tabbed.tsv", [l.replace(" ", "\t") for l in spaced.read_text().splitlines()])
    c = quiet(model.evaluate_word_pairs, tabbed, "\t", samples=30, seed=2)
    flat = lambda r: [r[0][0], r[0][1], r[1][0], r[1][1], r[2]]
    assert flat(c) == pytest.approx(flat(a), rel=1e-12) and c.spearman_ci == pytest.approx(a.spearman_ci, rel=1e-12)


# ---------- 4. a 2-D array given as a word list names the argument ----------

def test_a_2d_array_as_a_word_list_names_the_argument(model):
    grid = np.array([["war", "army"], ["peace", "treaty"]])
    words = ["war", "army", "navy"]
    cases = [
        ("group1", lambda: model.relative_norm_distance(grid, words, words, hold_fixed=True)),
        ("neutral", lambda: model.rnd_table(words, words, grid, hold_fixed=True)),
        ("x", lambda: model.weat(grid, words, words, words, hold_fixed=True)),
        ("b", lambda: model.weat_table(words, words, words, grid, hold_fixed=True)),
        ("first", lambda: model.weat_difference((grid, words, words, words), (words,) * 4, hold_fixed=True)),
        ("pairs", lambda: model.similarity_table(np.array([grid, grid]), hold_fixed=True)),
        ("ws1", lambda: model.n_similarity(grid, words)),
        ("words", lambda: model.doesnt_match(grid)),
        ("keys_list", lambda: model.most_similar_to_given("war", grid)),
        ("other_words", lambda: model.distances("war", grid)),
        ("key", lambda: model[grid]),
    ]
    for name, call in cases:
        with pytest.raises(TypeError, match=name) as e:
            call()
        assert "unhashable" not in str(e.value), (name, e.value)
    # A 1-D array of words is a list of words.
    r = quiet(model.relative_norm_distance, np.array(["war", "army"]), np.array(["peace", "treaty"]), ["navy", "commerce"],
              method="delta", hold_fixed=True)
    assert np.isfinite(r.value)


# ---------- 5. gensim's verbs return the dtype gensim returns on the same (float64) vectors ----------

def test_gensim_verbs_return_gensims_dtype_on_the_same_vectors(model):
    kv = gensim_kv(model)
    v32 = model["war"].astype(np.float32)
    verbs = {
        "distances": lambda o: o.distances("war"),
        "distances of keys": lambda o: o.distances("war", ["peace", "army"]),
        "distances of a vector": lambda o: o.distances(v32),
        "get_mean_vector": lambda o: o.get_mean_vector(["war", "peace"]),
        "cosine_similarities": lambda o: o.cosine_similarities(o["war"], o.vectors),
        "cosine_similarities float32": lambda o: o.cosine_similarities(v32, o.vectors[:5].astype(np.float32)),
        "get_normed_vectors": lambda o: o.get_normed_vectors(),
        "norms": lambda o: (o.fill_norms(), o.norms)[1],
        "most_similar(topn=None)": lambda o: o.most_similar("war", topn=None),
    }
    assert model.vectors.dtype == kv.vectors.dtype == np.float64
    for name, verb in verbs.items():
        assert quiet(verb, model).dtype == quiet(verb, kv).dtype, name
    # The one documented difference: gensim rounds get_mean_vector(post_normalize=True) to float32, even of float64
    # vectors; the binding keeps float64 (README, get_mean_vector's post_normalize).
    assert model.get_mean_vector(["war"], post_normalize=True).dtype == np.float64
    assert kv.get_mean_vector(["war"], post_normalize=True).dtype == np.float32


def test_model_of_a_path_says_to_load_it(fixture_dir):
    # gensim's habit (KeyedVectors(...) vs KeyedVectors.load(path)): Model(path) is a clear TypeError naming Model.load,
    # not ctypes' "cannot be converted to pointer".
    for bad in (str(fixture_dir / "model"), fixture_dir / "model", b"model", 1.5, None):
        with pytest.raises(TypeError, match=r"Model\.load"):
            glovev.Model(bad)
