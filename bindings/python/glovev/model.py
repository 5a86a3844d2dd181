"""glovev.Model: a trained model with GloVe-V covariances, gensim-style."""
import ctypes
import warnings
from ctypes import byref, c_double, c_int32, c_int64, c_void_p
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from . import _lib as L

STATUS = {0: "ok", 1: "not_identifiable"}
FLAG_NO_COVARIANCE, FLAG_NOISY, FLAG_NOT_CONVERGED = 1, 2, 4


class ReliabilityWarning(UserWarning):
    """A result rests on a word without a covariance (held fixed), with noise ratio >= 1, or with cos(trained, WLS) < 0.9."""


def _method(method):
    """Method name -> the core's code (names and aliases are the core's: gv_method_parse)."""
    if not isinstance(method, str):
        raise TypeError("method must be a str, not %s" % type(method).__name__)
    code = c_int32()
    L._check(L._lib.gv_method_parse(method.encode("utf-8"), byref(code)))
    return code.value


def _method_name(code):
    buf = ctypes.create_string_buffer(32)
    need = c_int64()
    L._check(L._lib.gv_method_name(code, buf, len(buf), byref(need)))
    return buf.value.decode()


def defaults():
    """The core's defaults: {'method', 'samples', 'seed', 'level'} (the same in the CLI, C and R)."""
    d = L.Defaults()
    L._check(L._lib.gv_interval_defaults(byref(d)))
    return {"method": _method_name(d.method), "samples": d.samples, "seed": d.seed, "level": d.level}


def _opt_samples(samples):
    """None = not given (0 for the core, which applies its default or rejects it for a method that draws nothing)."""
    return 0 if samples is None else _positive_int(samples, "samples", 2)


def _opt_seed(seed):
    if seed is None:
        return 0
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 1:
        raise ValueError("seed must be a positive int (or None for the default), got %r" % (seed,))
    return int(seed)


def _opt_level(ci):
    return 0.0 if ci is None else _level(ci)


@dataclass(frozen=True)
class WordReliability:
    word: str
    has_covariance: bool
    contexts: int
    dof: int
    noise_ratio: float
    cos_trained_wls: float
    flags: int

    @property
    def flagged(self) -> bool:
        return self.flags != 0


def _positive_int(x, name, minimum=1):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError("%s must be an int, not %s" % (name, type(x).__name__))
    if x < minimum:
        raise ValueError("%s must be >= %d, got %d" % (name, minimum, x))
    return int(x)


def _level(ci):
    if isinstance(ci, bool) or not isinstance(ci, (int, float)):
        raise TypeError("ci must be a float in (0, 1), not %s" % type(ci).__name__)
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1), got %r" % (ci,))
    return float(ci)


@dataclass(frozen=True)
class Similarity:
    """estimate: the centre of the interval; plugin: cosine at the trained vectors; status 'ok' or 'not_identifiable'
    (then ci is (nan, nan)); words: each word's reliability."""
    estimate: float
    plugin: float
    sd: float
    ci: Tuple[float, float]
    method: str
    mean: float
    status: str
    p_value: float
    flags: int
    words: Tuple[WordReliability, ...]

    @property
    def cosine(self) -> float:
        return self.plugin


@dataclass(frozen=True)
class Difference:
    diff: float
    plugin: float
    sd: float
    ci: Tuple[float, float]
    z: float
    p_value: float
    method: str
    status: str
    flags: int
    words: Tuple[WordReliability, ...]


@dataclass(frozen=True)
class Neighbour:
    word: str
    cosine: float
    estimate: float
    sd: float
    ci: Tuple[float, float]
    mean: float
    p_top_k: float
    p_differs_from_next: float
    status: str
    flags: int


@dataclass(frozen=True)
class BenchmarkResult:
    pairs: int
    used: int
    oov: int
    spearman: float
    pearson: float
    spearman_sd: float
    spearman_ci: Tuple[float, float]


@dataclass(frozen=True)
class WeatResult:
    statistic: float
    effect_size: float
    p_value: float
    effect_size_sd: float
    effect_size_ci: Tuple[float, float]
    permutations: int
    exact: bool


@dataclass(frozen=True)
class RndResult:
    value: float
    sd: float
    ci: Tuple[float, float]
    z: float
    p_value: float


class Model:
    """A GloVe model with GloVe-V covariances (memory-mapped). Use as a context manager or call close()."""

    def __init__(self, handle):
        self._h = c_void_p(handle)
        v, d, hv = c_int64(), c_int64(), c_int32()
        L._check(L._lib.gv_model_shape(self._h, byref(v), byref(d), byref(hv)))
        self.vocab_size, self.dim, self.has_variances = v.value, d.value, bool(hv.value)
        self._words = None

    @classmethod
    def load(cls, path) -> "Model":
        h = c_void_p()
        L._check(L._lib.gv_model_open(L.encode(str(path), "path"), byref(h)))
        return cls(h.value)

    def close(self):
        if self._h is not None and self._h.value:
            L._check(L._lib.gv_model_free(self._h))
        self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _handle(self):
        if self._h is None:
            raise L.HandleError("model is closed")
        return self._h

    # --- vocabulary -------------------------------------------------------------------------------------------
    @property
    def index_to_key(self) -> List[str]:
        """Words in vocabulary order (gensim's name)."""
        if self._words is None:
            words = []
            buf = ctypes.create_string_buffer(1024)
            need = c_int64()
            for i in range(self.vocab_size):
                st = L._lib.gv_model_word(self._handle(), i, buf, len(buf), byref(need))
                if st == L.ERR_BUFFER:
                    buf = ctypes.create_string_buffer(need.value)
                    st = L._lib.gv_model_word(self._handle(), i, buf, len(buf), byref(need))
                L._check(st)
                words.append(buf.value.decode("utf-8"))
            self._words = words
        return self._words

    def __len__(self):
        return self.vocab_size

    def __contains__(self, word):
        if not isinstance(word, str):
            return False
        i = c_int64()
        return L._lib.gv_model_index(self._handle(), word.encode("utf-8"), byref(i)) == L.OK

    def index(self, word: str) -> int:
        i = c_int64()
        L._check(L._lib.gv_model_index(self._handle(), L.encode(word), byref(i)))
        return i.value

    # --- vectors and covariances -----------------------------------------------------------------------------
    def vector(self, word: str) -> np.ndarray:
        out = np.empty(self.dim, dtype=np.float64)
        L._check(L._lib.gv_model_vector(self._handle(), L.encode(word), out.ctypes.data_as(L._DP), out.size))
        return out

    def __getitem__(self, word):
        return self.vector(word)

    @property
    def vectors(self) -> np.ndarray:
        """All centre vectors, V x D (like KeyedVectors.vectors)."""
        return np.stack([self.vector(w) for w in self.index_to_key])

    def has_covariance(self, word: str) -> bool:
        has = c_int32()
        L._check(L._lib.gv_model_has_covariance(self._handle(), L.encode(word), byref(has)))
        return bool(has.value)

    def covariance(self, word: str, approximate: bool = False) -> np.ndarray:
        out = np.empty((self.dim, self.dim), dtype=np.float64)
        L._check(L._lib.gv_model_covariance(self._handle(), L.encode(word), 1 if approximate else 0,
                                            out.ctypes.data_as(L._DP), out.size))
        return out

    # --- questions ---------------------------------------------------------------------------------------------
    def reliability(self, word: str) -> WordReliability:
        """One word's reliability: covariance or not, |K|, dof |K| - D, noise ratio, cos(trained, WLS), flags."""
        r = L.Reliability()
        L._check(L._lib.gv_word_reliability(self._handle(), L.encode(word), byref(r)))
        return WordReliability(word, bool(r.has_covariance), r.contexts, r.dof, r.noise_ratio, r.cos_trained_wls, r.flags)

    def _reliabilities(self, words, flags):
        rel = tuple(self.reliability(w) for w in dict.fromkeys(words))
        if flags:
            msgs = []
            for r in rel:
                if r.flags & FLAG_NO_COVARIANCE:
                    msgs.append("'%s': no covariance (%d contexts), held fixed as if exact" % (r.word, r.contexts))
                if r.flags & FLAG_NOISY:
                    msgs.append("'%s': noise ratio tr(Sigma)/|w|^2 = %.3g >= 1" % (r.word, r.noise_ratio))
                if r.flags & FLAG_NOT_CONVERGED:
                    msgs.append("'%s': cos(trained, WLS) = %.3g < 0.9" % (r.word, r.cos_trained_wls))
            warnings.warn("glovev: unreliable words: " + "; ".join(msgs), ReliabilityWarning, stacklevel=3)
        return rel

    def similarity(self, a: str, b: str, ci: Optional[float] = None, method: str = "calibrated", samples: Optional[int] = None,
                   seed: Optional[int] = None, hold_fixed: bool = False) -> Similarity:
        """Cosine of a and b with an interval. samples/seed: None = the core's defaults; the delta method takes neither.
        A word without a covariance raises InputError unless hold_fixed=True (then it is exact, and a warning says so)."""
        iv = L.Interval()
        L._check(L._lib.gv_similarity(self._handle(), L.encode(a), L.encode(b), _method(method), _opt_level(ci),
                                      _opt_samples(samples), _opt_seed(seed), 1 if hold_fixed else 0, byref(iv)))
        return Similarity(iv.estimate, iv.plugin, iv.sd, (iv.lo, iv.hi), _method_name(iv.method), iv.mean,
                          STATUS[iv.status], iv.p_value, iv.flags, self._reliabilities([a, b], iv.flags))

    def compare(self, first: Sequence[str], second: Sequence[str], method: str = "calibrated", samples: Optional[int] = None,
                seed: Optional[int] = None, ci: Optional[float] = None, hold_fixed: bool = False) -> Difference:
        (a, b), (c, d) = first, second
        r = L.Difference()
        L._check(L._lib.gv_compare(self._handle(), L.encode(a), L.encode(b), L.encode(c), L.encode(d), _method(method),
                                   _opt_level(ci), _opt_samples(samples), _opt_seed(seed), 1 if hold_fixed else 0, byref(r)))
        return Difference(r.diff, r.plugin, r.sd, (r.lo, r.hi), r.z, r.p_value, _method_name(r.method), STATUS[r.status],
                          r.flags, self._reliabilities([a, b, c, d], r.flags))

    def most_similar(self, word: str, topn: int = 10, ci: Optional[float] = None, method: str = "calibrated",
                     samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False) -> List[Neighbour]:
        topn = _positive_int(topn, "topn")
        if topn >= self.vocab_size:
            raise L.ArgumentError("topn must be below the vocabulary size %d, got %d" % (self.vocab_size, topn))
        out = (L.Neighbour * topn)()
        n = c_int64()
        L._check(L._lib.gv_neighbours(self._handle(), L.encode(word), topn, _method(method), _opt_level(ci),
                                      _opt_samples(samples), _opt_seed(seed), 1 if hold_fixed else 0, out, topn, byref(n)))
        words = self.index_to_key
        res = [Neighbour(words[r.index], r.cosine, r.estimate, r.sd, (r.lo, r.hi), r.mean, r.p_top_k, r.p_differs_from_next,
                         STATUS[r.status], r.flags) for r in out[: n.value]]
        flags = 0
        for r in res:
            flags |= r.flags
        self._reliabilities([word] + [r.word for r in res], flags)
        return res

    def evaluate_word_pairs(self, path, samples: int = 200, seed: int = 1, ci: float = 0.95) -> BenchmarkResult:
        r = L.Benchmark()
        L._check(L._lib.gv_evaluate(self._handle(), L.encode(str(path), "path"), _positive_int(samples, "samples", 2),
                                    int(seed), _level(ci), byref(r)))
        return BenchmarkResult(r.pairs, r.used, r.oov, r.spearman, r.pearson, r.spearman_sd, (r.spearman_lo, r.spearman_hi))

    def weat(self, x, y, a, b, permutations: int = 10000, samples: int = 500, seed: int = 1, ci: float = 0.95) -> WeatResult:
        ax, nx = L.string_array(x, "x")
        ay, ny = L.string_array(y, "y")
        aa, na = L.string_array(a, "a")
        ab, nb = L.string_array(b, "b")
        r = L.WeatResult()
        L._check(L._lib.gv_weat(self._handle(), ax, nx, ay, ny, aa, na, ab, nb, _positive_int(permutations, "permutations"),
                                _positive_int(samples, "samples", 2), int(seed), _level(ci), byref(r)))
        return WeatResult(r.statistic, r.effect_size, r.p_value, r.effect_size_sd, (r.effect_size_lo, r.effect_size_hi),
                          r.permutations, bool(r.exact))

    def relative_norm_distance(self, group1, group2, neutral, samples: int = 500, seed: int = 1, ci: float = 0.95) -> RndResult:
        a1, n1 = L.string_array(group1, "group1")
        a2, n2 = L.string_array(group2, "group2")
        an, nn = L.string_array(neutral, "neutral")
        r = L.RndResult()
        L._check(L._lib.gv_rnd(self._handle(), a1, n1, a2, n2, an, nn, _positive_int(samples, "samples", 2), int(seed),
                               _level(ci), byref(r)))
        return RndResult(r.value, r.sd, (r.lo, r.hi), r.z, r.p_value)

    # --- gensim interop ---------------------------------------------------------------------------------------
    @classmethod
    def from_keyed_vectors(cls, kv, path) -> "Model":
        """Writes a gensim KeyedVectors' words and vectors as a model folder (vocab.txt, vectors.safetensors) and opens
        it. Such a model has no GloVe-V variances: every word is held fixed until variances are computed."""
        import json
        import struct
        from pathlib import Path
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        words = list(kv.index_to_key)
        counts = [int(kv.get_vecattr(w, "count")) if "count" in getattr(kv, "expandos", {}) else 1 for w in words]
        (out / "vocab.txt").write_text("".join("%s %d\n" % (w, c) for w, c in zip(words, counts)), encoding="utf-8")
        vecs = np.ascontiguousarray(kv.vectors, dtype=np.float32)
        header = json.dumps({"center_vectors": {"dtype": "F32", "shape": list(vecs.shape), "data_offsets": [0, vecs.nbytes]}}).encode()
        header += b" " * ((8 - len(header) % 8) % 8)
        with open(out / "vectors.safetensors", "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header)
            f.write(vecs.tobytes())
        return cls.load(out)

    def to_keyed_vectors(self):
        """The centre vectors as gensim.models.KeyedVectors (needs gensim)."""
        from gensim.models import KeyedVectors
        kv = KeyedVectors(self.dim)
        kv.add_vectors(self.index_to_key, self.vectors.astype(np.float32))
        return kv
