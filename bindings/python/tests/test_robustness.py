"""10,000 randomised calls with bad arguments: the interpreter survives and every error has the right type."""
import ctypes
import random

import numpy as np
import pytest

import glovev
from glovev import _lib as L

EXPECTED = (TypeError, ValueError, glovev.GloVeVError)


def _opts(rng):
    """A gv_query_options with random, mostly bad, fields: a wrong size, unknown methods, negative samples, bad levels."""
    o = L.QueryOptions()
    L._lib.gv_query_options_default(ctypes.byref(o))
    o.size = rng.choice([o.size, o.size, 0, 8, -1])
    o.method = rng.choice([0, 1, 2, 7, -3])
    o.level = rng.choice([0.0, 0.95, -1.0, 1.0, float("nan")])
    o.samples = rng.choice([0, 1, 200, -5, 10 ** 12])
    o.seed = rng.choice([0, 1, 2 ** 64 - 1])
    return ctypes.byref(o)


def test_ten_thousand_bad_calls_never_crash(fixture_dir):
    rng = random.Random(1234)
    m = glovev.Model.load(fixture_dir / "model")
    closed = glovev.Model.load(fixture_dir / "model")
    closed.close()
    raw = L._lib
    junk = [None, 42, 3.5, b"\xff\xfe", "", "zz-unknown", "war", ["war"], object(), -1, 10 ** 30, np.float64("nan")]
    dbl = (ctypes.c_double * 4)()
    calls = [
        lambda: m.vector(rng.choice(junk)),
        lambda: m.covariance(rng.choice(junk), approximate=rng.choice([True, False])),
        lambda: m.similarity(rng.choice(junk), rng.choice(junk), ci=rng.choice([0.95, -1, 2, "x"])),
        lambda: m.similarity("war", "peace", method=rng.choice(["delta", "nope", 3]), samples=rng.choice([0, 1, -5, 100, "a"])),
        lambda: m.most_similar(rng.choice(junk), topn=rng.choice([0, -3, 5, 10 ** 9, 2.5])),
        lambda: m.compare((rng.choice(junk), "war"), ("peace", rng.choice(junk))),
        lambda: m.weat(rng.choice([[], ["war"], "war", [1, 2]]), ["peace", "army"], ["a"], ["b", 3]),
        lambda: m.relative_norm_distance(rng.choice([[], "x", [None]]), ["war", "peace"], ["army"]),
        lambda: m.evaluate_word_pairs(rng.choice(["/nonexistent", "", 7])),
        lambda: closed.vector("war"),
        lambda: closed.most_similar("war"),
        lambda: glovev.pipeline._spd_inverse(rng.choice([np.zeros((2, 2)), -np.eye(3), np.ones((2, 3)), "x", np.full((2, 2), np.nan)])),
        lambda: glovev.Model.load(rng.choice(["/nonexistent", "", 5])),
        lambda: glovev.build_vocab(rng.choice(["/nonexistent", ""]), "/tmp/x-vocab.txt", min_count=rng.choice([0, -1, 5])),
        lambda: glovev.train("/nonexistent", "/nonexistent", "/tmp/x", dim=rng.choice([0, -1, 5]), epochs=rng.choice([0, 1])),
        # Straight into the C ABI: NULL pointers, negative sizes, forged and freed handles.
        lambda: L._check(raw.gv_model_vector(ctypes.c_void_p(rng.randrange(1, 1 << 40)), b"war", dbl, 4)),
        lambda: L._check(raw.gv_model_vector(m._handle(), None, dbl, rng.choice([-1, 0, 4]))),
        lambda: L._check(raw.gv_model_vector(m._handle(), b"war", None, 4)),
        lambda: L._check(raw.gv_spd_inverse(None, rng.choice([-5, 0, 2]), dbl, 4)),
        lambda: L._check(raw.gv_spd_inverse(dbl, 2, dbl, rng.choice([-1, 0, 3]))),
        lambda: L._check(raw.gv_model_word(m._handle(), rng.choice([-1, 10 ** 12]), None, 0, None)),
        lambda: L._check(raw.gv_model_free(ctypes.c_void_p(rng.randrange(1, 1 << 40)))),
        lambda: L._check(raw.gv_neighbours(m._handle(), b"war", rng.choice([-1, 0, 5]), rng.choice([None, _opts(rng)]), None, 5, None, None)),
        lambda: L._check(raw.gv_similarity(m._handle(), b"war", b"peace", _opts(rng), rng.choice([None, ctypes.byref(L.Interval())]))),
        lambda: L._check(raw.gv_similarities(m._handle(), None, None, rng.choice([-1, 0, 3]), None, None, rng.choice([-1, 0, 3]))),
        lambda: L._check(raw.gv_model_vectors(m._handle(), rng.choice([None, dbl]), rng.choice([-1, 0, 4]))),
        lambda: L._check(raw.gv_import_vectors(rng.choice([None, b"/nonexistent"]), rng.choice([-1, 0, 1, 2, 3, 99]), b"/tmp/x-import", None)),
        lambda: m.weat_difference(rng.choice([(["war", "army"],) * 3, "war", None, [["war", "army"], ["peace", 3], ["a", "b"], ["c", "d"]]]),
                                  (["war", "army"], ["peace", "treaty"], ["enemy", "force"], ["trade", "harmony"])),
        lambda: m.rnd_difference((["war"], ["peace"], rng.choice([[], ["zz-unknown"], [None]])), (["war"], ["peace"], ["army"]),
                                 method=rng.choice(["delta", "nope"])),
        lambda: L._check(raw.gv_weat_difference(m._handle(), None, None, None, None, None, None)),
        lambda: L._check(raw.gv_evaluate_compare(m._handle(), ctypes.c_void_p(rng.randrange(1, 1 << 40)), b"/nonexistent", None, None)),
    ]
    counts = {}
    for _ in range(10_000):
        call = rng.choice(calls)
        try:
            call()
        except EXPECTED as e:
            counts[type(e).__name__] = counts.get(type(e).__name__, 0) + 1
        else:
            counts["ok"] = counts.get("ok", 0) + 1
    m.close()
    assert counts.get("HandleError", 0) > 100
    assert counts.get("InputError", 0) > 100
    assert counts.get("ArgumentError", 0) > 100
    assert counts.get("TypeError", 0) > 100
    assert counts.get("FileError", 0) > 10
    # The library still answers correctly afterwards.
    with glovev.Model.load(fixture_dir / "model") as again:
        assert again.vector("war").shape == (again.dim,)
