"""glovev.Model: a trained model with GloVe-V covariances, gensim-style."""
import bz2
import codecs
import contextlib
import ctypes
import collections
import collections.abc
import dataclasses
import gzip
import numbers
import os
import reprlib
import tempfile
import warnings
from collections import namedtuple
from ctypes import byref, c_double, c_int32, c_int64, c_void_p
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from . import _lib as L



def _core_name(fn, code):
    """(status, name) of a code from one of the core's name calls (gv_status_name, gv_reason_name)."""
    buf = ctypes.create_string_buffer(64)
    need = c_int64()
    rc = fn(code, buf, len(buf), byref(need))
    return rc, buf.value.decode()


def _status_names():
    """The core's names of the result statuses (gv_status_name), by code."""
    out = {}
    for code in (0, 1):
        rc, out[code] = _core_name(L._lib.gv_status_name, code)
        L._check(rc)
    return out


STATUS = _status_names()


def _reason_names():
    """The core's names of the not-identifiable reasons (gv_reason_name), by code; code 0 (none) maps to None."""
    out = {0: None}
    while True:
        rc, name = _core_name(L._lib.gv_reason_name, len(out))
        if rc != 0:
            return out
        out[len(out)] = name


REASON = _reason_names()


def _warn_not_identifiable(statuses, reasons, what, stacklevel=3):
    """A ReliabilityWarning when results are not identifiable (the CLI says so on stderr, R with warning()): their
    estimate, sd and p-value carry no information and their bounds are NaN; the plug-in value stands. statuses and
    reasons: the results' status and reason names (None where ok)."""
    bad = [i for i, st in enumerate(statuses) if st == "not_identifiable"]
    if not bad:
        return
    # The text is the core's (gv_not_identifiable_warning), as R and the CLI give it.
    arr, n = L.string_array([reasons[i] for i in bad if reasons[i]], "reasons")
    line = L.text(L._lib.gv_not_identifiable_warning, L.encode(what), len(bad), len(statuses), arr, n).decode("utf-8")
    warnings.warn("glovev: " + line, ReliabilityWarning, stacklevel=stacklevel)
FLAG_NO_COVARIANCE, FLAG_NOISY, FLAG_NOT_CONVERGED, FLAG_APPROXIMATED, FLAG_UNCALIBRATED, FLAG_OMITTED_BOUND, FLAG_LEFT_OUT_ABOVE = 1, 2, 4, 8, 16, 32, 64


class ReliabilityWarning(UserWarning):
    """A result rests on a word without a covariance (held fixed), with noise ratio >= 1, or with cos(trained, WLS) < 0.9;
    on compact covariances that drop part of the complete ones (approximate=True); or a neighbour search left out words
    that may take top-k places."""


def _method(method, name="method"):
    """Method name -> the core's code (names and aliases are the core's: gv_method_parse); None -> 0, which the core
    reads as its default method (defined there once, like every other default). A NUL character is refused
    (L.encode): the C string would end there, and "delta\0x" would be read as "delta"."""
    if method is None:
        return 0
    if not isinstance(method, str):
        raise TypeError("%s must be a str, not %s" % (name, type(method).__name__))
    code = c_int32()
    L._check(L._lib.gv_method_parse(L.encode(method, name), byref(code)))
    return code.value


def _method_name(code):
    buf = ctypes.create_string_buffer(32)
    need = c_int64()
    L._check(L._lib.gv_method_name(code, buf, len(buf), byref(need)))
    return buf.value.decode()


def defaults():
    """The core's defaults: {'method', 'samples', 'seed', 'level', 'permutations', 'omitted_tolerance'} (the same in the
    CLI, C and R); None arguments of the query methods stand for these."""
    d = L.Defaults()
    L._check(L._lib.gv_interval_defaults(byref(d)))
    return {"method": _method_name(d.method), "samples": d.samples, "seed": d.seed, "level": d.level,
            "permutations": d.permutations, "omitted_tolerance": d.omitted_tolerance}


def _query(ci, method, samples, seed, hold_fixed, approximate=False):
    """A gv_query_options from Python arguments (None: the core's default), filled by the core's defaults call."""
    o = L.QueryOptions()
    L._check(L._lib.gv_query_options_default(byref(o)))
    o.method, o.level, o.samples, o.seed = _method(method), _opt_level(ci), _opt_samples(samples), _opt_seed(seed)
    o.hold_fixed, o.approximate = _flag(hold_fixed, "hold_fixed"), _flag(approximate, "approximate")
    return o


def _flag(x, name):
    if not isinstance(x, (bool, np.bool_)) and x not in (0, 1):
        raise TypeError("%s must be True or False, not %r" % (name, x))
    return 1 if x else 0


def _benchmark_options(samples, seed, ci, hold_fixed, approximate=False):
    o = L.BenchmarkOptions()
    L._check(L._lib.gv_benchmark_options_default(byref(o)))
    o.samples, o.seed, o.level, o.hold_fixed = _opt_samples(samples), _opt_seed(seed), _opt_level(ci), _flag(hold_fixed, "hold_fixed")
    o.approximate = _flag(approximate, "approximate")
    return o


def _opt_samples(samples):
    """None = not given (0 for the core, which applies its default or rejects it for a method that draws nothing)."""
    return 0 if samples is None else _positive_int(samples, "samples", 2, 10_000_000)


def _opt_seed(seed):
    if seed is None:
        return 0
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 1 <= seed <= 2 ** 64 - 1:
        raise ValueError("seed must be an int from 1 to 2**64 - 1 (or None for the default), got %r" % (seed,))
    return int(seed)


def _opt_level(ci):
    return 0.0 if ci is None else _level(ci)


def _word_list(words, name):
    """A word list as a list (a single string is a TypeError, not a list of its characters; so is an item that is no
    word, such as a row of a 2-D array, which would otherwise fail later as an unhashable key naming nothing)."""
    if isinstance(words, (str, bytes)):
        raise TypeError("%s must be a list of words, not a single string" % name)
    if not hasattr(words, "__iter__"):
        raise TypeError("%s must be a list of words, not %s" % (name, type(words).__name__))
    out = list(words)
    for i, w in enumerate(out):
        if not isinstance(w, (str, bytes)):
            raise TypeError("%s must be a list of words (str), but item %d is %s%s" % (
                name, i, type(w).__name__, " (a 2-D array? give one list of words)" if isinstance(w, np.ndarray) else ""))
    return out


@dataclass(frozen=True)
class WordReliability:
    word: str
    has_covariance: bool
    contexts: int
    dof: int
    noise_ratio: float
    cos_trained_wls: float
    flags: int
    # In a query's result: the word has no covariance and the query held it fixed as if exact (hold_fixed=True; without
    # it such a query raises). Always False from Model.reliability, which answers no query.
    held_fixed: bool = False

    @property
    def flagged(self) -> bool:
        return self.flags != 0


def _no_neighbours(topn):
    """gensim's most_similar: topn 0 asks for no neighbours (and None for every word's cosine)."""
    return isinstance(topn, (int, np.integer)) and not isinstance(topn, bool) and topn == 0


def _reject_interval_options(where, ci=None, method=None, samples=None, seed=None, hold_fixed=False, approximate=False):
    """A path that returns plain values of the trained vectors (gensim's vector arithmetic, restrict_vocab) takes none
    of the interval settings: one that is given is refused rather than ignored."""
    method = method.lower() if isinstance(method, str) else method  # the core reads method names in any case
    given = [name for name, value, default in (("ci", ci, None), ("method", method, None), ("samples", samples, None),
                                               ("seed", seed, None), ("hold_fixed", hold_fixed, False),
                                               ("approximate", approximate, False)) if not (value is default or value == default)]
    if given:
        raise L.ArgumentError("%s returns plain cosines of the trained vectors, without intervals: it takes no %s (they apply to "
                              "one word's neighbours, most_similar(word))" % (where, ", ".join(given)), L.ERR_ARGUMENT)


def _pair(x, name):
    """Two words (a, b) from a 2-sequence, or a TypeError naming the argument."""
    if isinstance(x, (str, bytes)):
        raise TypeError("%s must be a pair of words (a, b), not a single %s" % (name, type(x).__name__))
    try:
        a, b = x
    except (TypeError, ValueError):
        raise TypeError("%s must be a pair of words (a, b), got %r" % (name, x)) from None
    return a, b


def _positive_int(x, name, minimum=1, maximum=2 ** 31 - 1):
    """An int in [minimum, maximum] (ctypes would silently wrap one beyond its C type)."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError("%s must be an int, not %s" % (name, type(x).__name__))
    if not minimum <= x <= maximum:
        raise ValueError("%s must be an int from %d to %d, got %d" % (name, minimum, maximum, x))
    return int(x)


def _level(ci):
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real):
        raise TypeError("ci must be a float in (0, 1), not %s" % type(ci).__name__)
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1), got %r" % (ci,))
    return float(ci)


def _unit(v):
    """v scaled to unit length; a zero vector stays zero (gensim's unit_vec)."""
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


@dataclass(frozen=True)
class Interval:
    """One statistic with its interval (the core's gv_interval): estimate: the centre of the interval (plug-in for delta,
    median of draws for sample, debiased value for calibrated, for cosines, their sums and differences and a relative norm distance also
    centred by the median error of its bootstrap);
    plugin: the statistic at the trained vectors; status 'ok'
    or 'not_identifiable' (then ci is (nan, nan)); reason: why it is not identifiable (the core's name, e.g.
    'debiased_norm_not_positive', 'bootstrap_undefined', 'covers_range'; None when ok); p_value: the test of
    statistic = 0; flags: GV_FLAG_* over the words; level: the interval's coverage level (the query's ci, or the core's default)."""
    estimate: float
    plugin: float
    sd: float
    ci: Tuple[float, float]
    method: str
    mean: float
    status: str
    p_value: float
    flags: int
    reason: Optional[str] = None
    level: float = float("nan")

    @property
    def lower(self) -> float:
        """The interval's lower bound, ci[0] (nan when not identifiable)."""
        return self.ci[0]

    @property
    def upper(self) -> float:
        """The interval's upper bound, ci[1] (nan when not identifiable)."""
        return self.ci[1]

    @property
    def reason_code(self) -> Optional[str]:
        """The core's name of why the interval is not identifiable (the same as reason; None when ok), as the CLI's
        JSON names it."""
        return self.reason


_FORMATS = {"word2vec": 1, "word2vec-bin": 2, "glove-txt": 3}


def import_vectors(path, out_dir, format: str = "word2vec") -> int:
    """Writes a vector file as a model folder `out_dir` (vocab.txt with counts 1, vectors.safetensors) through the core's
    reader, which names the file and line of a malformed row; returns the number of words.

    Parameters
    ----------
    path : path
        The vector file.
    out_dir : path
        The model folder to write (replaced as a whole).
    format : {'word2vec', 'word2vec-bin', 'glove-txt'}
        gensim / word2vec text (a "V D" header line), gensim / word2vec float32 binary, or GloVe's header-less text.
    """
    if format not in _FORMATS:
        raise ValueError("format must be one of %s, got %r" % (", ".join(sorted(_FORMATS)), format))
    n = c_int64()
    L._check(L._lib.gv_import_vectors(L.path(path, "path"), _FORMATS[format], L.path(out_dir, "out_dir"), byref(n)))
    return n.value

# numpy-style "Parameters" sections, each argument described once here; @_params adds the section for a function's
# arguments (and fails at import when one has no description, so a new argument cannot go undocumented).
_PARAMS = {
    "path": "str or path-like\n    A model folder (load), a file to read or write, or a benchmark file (word1 word2 score per line).",
    "word": "str\n    A word of the vocabulary (an unknown word raises InputError).",
    "key": "str or int\n    A word of the vocabulary, or its 0-based index (gensim's keys).",
    "norm": "bool\n    Scale the vector to unit length.",
    "ws1": "list of str\n    The first word list.",
    "ws2": "list of str\n    The second word list.",
    "words": "list of str\n    Words to compare.",
    "approximate": "bool\n    Use the compact covariances (each word's share dropped is flagged and warned).",
    "first": "sequence\n    compare: the first word pair (a, b); bias differences: the first setting's word lists.",
    "second": "sequence\n    compare: the second word pair (c, d); bias differences: the second setting's word lists.",
    "method": "{'calibrated', 'delta', 'sample'}, optional\n    Interval method; None: the core's default ('calibrated'; names and meanings as in :meth:`similarity`).",
    "samples": "int, optional\n    Draws or replicates; None: the core's default (1000). The delta method takes none.",
    "seed": "int, optional\n    Seed of the draws; None: the core's default (1). The delta method takes none.",
    "ci": "float, optional\n    Confidence level in (0, 1); None: the core's default (0.95).",
    "hold_fixed": "bool\n    Treat words without a covariance as exact (flagged and warned) instead of raising InputError.",
    "topn": "int\n    Number of neighbours, 1 to the vocabulary size - 1.",
    "positive": "list of (str, int, numpy vector or (key, weight) pair), optional\n    gensim's arithmetic: keys added "
                "(weight 1 unless a pair gives it; plain cosines, no intervals).",
    "negative": "list of (str, int, numpy vector or (key, weight) pair), optional\n    gensim's arithmetic: keys subtracted "
                "(weight -1 unless a pair gives it, which then replaces the -1, as in gensim).",
    "other": "Model\n    The second model (B) of the paired comparison.",
    "x": "list of str\n    WEAT target list X (unknown words are skipped; fewer than 2 left is an InputError).",
    "y": "list of str\n    WEAT target list Y.",
    "a": "list of str\n    WEAT attribute list A.",
    "b": "list of str\n    WEAT attribute list B.",
    "permutations": "int, optional\n    Re-partitions of WEAT's permutation test; None: the core's default (10000); exact when fewer exist.",
    "group1": "list of str\n    RND: the first group's words.",
    "group2": "list of str\n    RND: the second group's words.",
    "neutral": "list of str\n    RND: the neutral words (e.g. occupations).",
    "kind": "{'weat', 'rnd'}\n    Which bias score the difference is of.",
    "out_dir": "str or path-like\n    The model folder to write (replaced as a whole).",
    "binary": "bool\n    word2vec's float32 binary format instead of text.",
    "no_header": "bool\n    GloVe's header-less text (e.g. glove.6B.100d.txt) instead of word2vec text.",
    "write_header": "bool\n    False: GloVe's header-less text.",
    "kv": "gensim.models.KeyedVectors\n    The vectors to bring in.",
    # gensim's KeyedVectors verbs on the trained vectors (no intervals)
    "default": "int, optional\n    Returned for a key that is not in the vocabulary (None: raise UnknownWordError).",
    "w1": "str or int\n    The first key.",
    "w2": "str or int\n    The second key.",
    "key1": "str or int\n    The key the distances are measured from.",
    "key2": "str or int\n    The key whose distance from `key1` is the threshold.",
    "word1": "str or int\n    As `key1` of :meth:`closer_than`.",
    "word2": "str or int\n    As `key2` of :meth:`closer_than`.",
    "keys_list": "list of (str or int)\n    The candidate keys.",
    "word_or_vector": "str, int or numpy.ndarray\n    A key, or a vector of length D.",
    "other_words": "iterable of (str or int), optional\n    The keys to measure; empty: every word of the vocabulary, "
                   "the query included.",
    "force": "bool\n    Recompute the norms even when they are already known.",
    "vector_1": "numpy.ndarray\n    One vector, shape (D,).",
    "vectors_all": "numpy.ndarray\n    Vectors, shape (N, D).",
    "keys": "list of (str, int or numpy.ndarray)\n    Keys, or vectors of length D (taken as given, never normalised).",
    "weights": "list of float or numpy.ndarray, optional\n    One weight per key (None: all 1).",
    "pre_normalize": "bool\n    Scale each key's vector to unit length before averaging (vectors given as arrays are not).",
    "post_normalize": "bool\n    Scale the mean to unit length (float64 here; gensim rounds it to float32).",
    "ignore_missing": "bool\n    Skip keys not in the vocabulary (False: raise UnknownWordError).",
    "restrict_vocab": "int, optional\n    Search only the first `restrict_vocab` words in vocabulary order (None or 0: all).",
    "vector": "numpy.ndarray\n    A vector of length D.",
}


def _params(returns=None, **own):
    """Decorator: appends a numpy-style Parameters (and Returns) section to the docstring from _PARAMS (or `own`)."""
    import inspect as _inspect

    def wrap(f):
        names = [n for n in _inspect.signature(f).parameters if n not in ("self", "cls")]
        lines = ["", "Parameters", "----------"] if names else []
        for n in names:
            text = own.get(n, _PARAMS.get(n))
            if text is None:
                raise AssertionError("glovev: %s: argument %r has no description" % (f.__qualname__, n))
            head, _, body = text.partition("\n")
            lines.append("%s : %s" % (n, head))
            lines += ["    " + l.strip() for l in body.split("\n") if l.strip()]
        if returns:
            head, _, body = returns.partition("\n")
            lines += ["", "Returns", "-------", head] + ["    " + l.strip() for l in body.split("\n") if l.strip()]
        f.__doc__ = _inspect.cleandoc(f.__doc__ or "") + "\n" + "\n".join(lines) + "\n"
        return f
    return wrap


def _frame(columns, rows):
    """A pandas DataFrame of rows (tuples in column order), or a numpy structured array when pandas is absent."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a Debian package here
        kinds = []
        for k, c in enumerate(columns):
            vals = [r[k] for r in rows]
            kinds.append((c, "U64" if any(isinstance(v, str) or v is None for v in vals) else ("i8" if all(isinstance(v, int) for v in vals) else "f8")))
        return np.array(rows, dtype=kinds)
    return pd.DataFrame.from_records(rows, columns=columns)


def _interval(iv, ci=None) -> dict:
    """The fields of an :class:`Interval` from a gv_interval; level: the query's `ci`, or the core's default."""
    return dict(estimate=iv.estimate, plugin=iv.plugin, sd=iv.sd, ci=(iv.lo, iv.hi), method=_method_name(iv.method),
                mean=iv.mean, status=STATUS[iv.status], p_value=iv.p_value, flags=iv.flags, reason=REASON[iv.reason],
                level=_level(ci) if ci is not None else defaults()["level"])


class Similarity(float):
    """What :meth:`Model.similarity` returns: a float, the plug-in cosine (the number gensim's ``similarity`` returns,
    so ``float(s)``, ``s > 0.5`` and numpy work as there), that also carries its interval: every field of
    :class:`Interval` as an attribute (``estimate``, ``plugin``, ``sd``, ``ci``, ``method``, ``mean``, ``status``,
    ``p_value``, ``flags``, ``reason``), the interval itself as ``interval``, and ``words``: each word's reliability."""

    def __new__(cls, interval: Interval, words: Tuple[WordReliability, ...]):
        obj = super().__new__(cls, interval.plugin)
        obj.interval = interval
        obj.words = words
        return obj

    def __getattr__(self, name):
        # Only reached for names not found normally: the interval's fields.
        if name in Interval.__dataclass_fields__:
            return getattr(self.__dict__["interval"], name)
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    @property
    def cosine(self) -> float:
        return float(self)

    def __repr__(self):
        iv = self.interval
        return "Similarity(%r, estimate=%r, sd=%r, ci=%r, method=%r, status=%r)" % (float(self), iv.estimate, iv.sd, iv.ci,
                                                                                  iv.method, iv.status)

    def __reduce__(self):
        return (Similarity, (self.interval, self.words))


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
    reason: Optional[str] = None


class Neighbour(tuple):
    """One neighbour: the pair ``(word, cosine)`` gensim's ``most_similar`` yields (so ``for w, s in ...`` works),
    carrying its uncertainty as attributes: ``word``, ``cosine`` (plug-in), ``estimate``, ``sd``, ``ci``, ``mean``,
    ``p_top_k`` (P(truly in the top k)), ``p_differs_from_next`` (the test against the next neighbour), ``status``,
    ``flags``, ``reason`` (why the interval is not identifiable, as :class:`Interval`; None when ok)."""
    FIELDS = ("word", "cosine", "estimate", "sd", "ci", "mean", "p_top_k", "p_differs_from_next", "status", "flags", "reason")

    def __new__(cls, word, cosine, estimate, sd, ci, mean, p_top_k, p_differs_from_next, status, flags, reason=None):
        obj = super().__new__(cls, (word, cosine))
        obj.__dict__.update(word=word, cosine=cosine, estimate=estimate, sd=sd, ci=ci, mean=mean, p_top_k=p_top_k,
                            p_differs_from_next=p_differs_from_next, status=status, flags=flags, reason=reason)
        return obj

    def __repr__(self):
        return "Neighbour(%s)" % ", ".join("%s=%r" % (f, self.__dict__[f]) for f in self.FIELDS)

    def __reduce__(self):
        return (Neighbour, tuple(self.__dict__[f] for f in self.FIELDS))


NeighbourSearch = namedtuple("NeighbourSearch", ["candidates", "searched", "draws", "omitted_bound"])
NeighbourSearch.__doc__ = """What a neighbour search drew (gv_neighbour_search): `candidates` of the `searched` words (the
vocabulary less the query) were drawn jointly with the query in each of `draws` draws; `omitted_bound` bounds the
expected number of top-k places the words left out take, so each true p_top_k lies in [p_top_k - omitted_bound, p_top_k]."""


class NeighbourList(list):
    """The list of :class:`Neighbour` that :meth:`Model.most_similar` returns (a plain list, as gensim's), with the
    search that produced it as ``.search`` (a :class:`NeighbourSearch`)."""

    def __init__(self, items=(), search=None):
        super().__init__(items)
        self.search = search


@dataclass(frozen=True)
class CorrelationInterval:
    """A benchmark correlation's uncertainty (gv_correlation): each of `replicates` replicates resamples the pairs and
    draws the vectors; sd is the sd of those joint replicates and ci = estimate -+ z sd. sd_pairs: pairs resampled at
    the trained vectors; sd_noise: vector draws on all pairs; noise_shift: mean over those draws minus the estimate."""
    estimate: float
    sd: float
    ci: Tuple[float, float]
    sd_pairs: float
    sd_noise: float
    noise_shift: float
    level: float
    replicates: int


def _correlation(c) -> CorrelationInterval:
    return CorrelationInterval(c.estimate, c.sd, (c.lo, c.hi), c.sd_pairs, c.sd_noise, c.noise_shift, c.level, c.replicates)


class _NotGiven:
    """A gensim argument of :meth:`Model.evaluate_word_pairs` left out (with all of them left out, the core reads the
    file itself)."""

    def __repr__(self):
        return "<not given>"


_NOT_GIVEN = _NotGiven()

# gensim 4's KeyedVectors.evaluate_word_pairs defaults: they stand for the arguments left out once one of them is given.
_GENSIM_PAIRS = {"delimiter": "\t", "encoding": "utf8", "restrict_vocab": 300000, "case_insensitive": True,
                 "dummy4unknown": False}


def _write_pairs(out, found, source):
    """The pairs gensim's reading found, as a file for the core's benchmark reader (tab-separated word, word, score;
    the score's repr reads back exactly). That reader splits at tabs and spaces and takes a line starting with '#' for a
    comment: a word it would read otherwise is refused, and a pair whose first word starts with '#' is written the
    other way round (a cosine is symmetric)."""
    def misread(w):
        return not w or any(c in w for c in "\t \r\n") or w != w.strip()
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for a, b, score, line in found:
            bad = [w for w in (a, b) if misread(w)]
            if bad:
                raise L.ArgumentError("%s:%d: the vocabulary word %r holds white space, which the core's benchmark reader "
                                      "splits at" % (source, line, bad[0]), L.ERR_ARGUMENT)
            if a.startswith("#"):
                a, b = b, a
            if a.startswith("#"):
                raise L.ArgumentError("%s:%d: both words (%r, %r) start with '#', which the core's benchmark reader takes "
                                      "for a comment" % (source, line, b, a), L.ERR_ARGUMENT)
            f.write("%s\t%s\t%r\n" % (a, b, score))


CorrelationTest = namedtuple("CorrelationTest", ["statistic", "pvalue"])
CorrelationTest.__doc__ = ("A correlation and its two-sided p-value of 'no correlation' (t with n - 2 degrees of freedom), "
                           "unpackable like scipy's pearsonr/spearmanr results.")


class BenchmarkResult(tuple):
    """A word-similarity benchmark, shaped as gensim's ``evaluate_word_pairs`` result: the tuple
    ``((pearson, pvalue), (spearman, pvalue), oov_ratio)`` (``oov_ratio`` in percent of the file's pairs), so
    ``pearson, spearman, oov = model.evaluate_word_pairs(path)`` works as in gensim. The p-values are those of the
    correlations at the trained vectors and ignore the embedding noise; the intervals below carry it.

    Attributes
    ----------
    pairs, used, oov : int
        Pairs in the file, pairs with both words known, pairs skipped.
    words, flagged_words : int
        Distinct words in the used pairs; of those, how many carry a reliability flag.
    word_reliability : tuple of WordReliability
        Each of those words' reliability, in order of first use (held_fixed where hold_fixed=True held one fixed).
    spearman, pearson : float
        The correlations.
    spearman_interval, pearson_interval : CorrelationInterval
        Their uncertainty: a bootstrap over the pairs combined with the embedding noise (``spearman_sd``,
        ``spearman_ci``, ``pearson_sd``, ``pearson_ci`` for short).
    spearman_p, pearson_p : float
        The p-values in the tuple.
    """

    def __new__(cls, pairs, used, oov, words, flagged_words, spearman, pearson, spearman_interval, pearson_interval,
                spearman_p=float("nan"), pearson_p=float("nan"), word_reliability=()):
        oov_ratio = 100.0 * oov / pairs if pairs else float("nan")
        self = super().__new__(cls, (CorrelationTest(pearson, pearson_p), CorrelationTest(spearman, spearman_p), oov_ratio))
        self.pairs, self.used, self.oov, self.words, self.flagged_words = pairs, used, oov, words, flagged_words
        self.spearman, self.pearson = spearman, pearson
        self.spearman_interval, self.pearson_interval = spearman_interval, pearson_interval
        self.spearman_p, self.pearson_p = spearman_p, pearson_p
        self.word_reliability = tuple(word_reliability)
        return self

    def __repr__(self):
        return ("BenchmarkResult(pearson=%.4f (p=%.3g), spearman=%.4f (p=%.3g) %s, oov_ratio=%.2f%%, used=%d of %d pairs)"
                % (self.pearson, self.pearson_p, self.spearman, self.spearman_p, self.spearman_ci, self[2], self.used, self.pairs))

    @property
    def oov_ratio(self) -> float:
        return self[2]

    @property
    def spearman_sd(self) -> float:
        return self.spearman_interval.sd

    @property
    def spearman_ci(self) -> Tuple[float, float]:
        return self.spearman_interval.ci

    @property
    def pearson_sd(self) -> float:
        return self.pearson_interval.sd

    @property
    def pearson_ci(self) -> Tuple[float, float]:
        return self.pearson_interval.ci


@dataclass(frozen=True)
class BenchmarkComparison:
    """Paired comparison of two models' Spearman correlations (A - B) on the pairs both cover (gv_benchmark_comparison):
    the same pair resamples for both models, vector draws independent per model; p_value = 2 Phi(-|diff| / sd);
    flags_a, flags_b: GV_FLAG_* over each model's words."""
    pairs: int
    replicates: int
    spearman_a: float
    spearman_b: float
    diff: float
    sd: float
    ci: Tuple[float, float]
    p_value: float
    sd_pairs: float
    sd_noise: float
    level: float
    flags_a: int
    flags_b: int


@dataclass(frozen=True)
class WeatResult:
    """WEAT: statistic S, effect size, one-sided permutation p = (g + 1)/(n + 1) over `permutations` re-partitions (all
    of them when exact); the intervals of the effect size and of S by the chosen method; words: the known words'
    reliability."""
    statistic: float
    effect_size: float
    p_value: float
    permutations: int
    exact: bool
    effect_size_interval: Interval
    statistic_interval: Interval
    words: Tuple[WordReliability, ...]

    @property
    def effect_size_sd(self) -> float:
        return self.effect_size_interval.sd

    @property
    def effect_size_ci(self) -> Tuple[float, float]:
        return self.effect_size_interval.ci


@dataclass(frozen=True)
class RndResult:
    """Relative norm distance: value (plug-in), its interval, z = interval.estimate / interval.sd and p_value =
    interval.p_value (the test of RND = 0); neutral: the neutral words used."""
    value: float
    z: float
    p_value: float
    neutral: int
    interval: Interval
    words: Tuple[WordReliability, ...]

    @property
    def sd(self) -> float:
        return self.interval.sd

    @property
    def ci(self) -> Tuple[float, float]:
        return self.interval.ci


@dataclass(frozen=True)
class BiasDifference:
    """The difference of two bias scores on one model, the first lists' minus the second's (gv_bias_difference): first
    and second are the two scores; difference is the interval of the difference (difference.estimate its centre,
    difference.p_value the test of equal scores). Words the lists share enter once."""
    first: float
    second: float
    difference: Interval
    words: Tuple[WordReliability, ...]

    @property
    def estimate(self) -> float:
        return self.difference.estimate

    @property
    def sd(self) -> float:
        return self.difference.sd

    @property
    def ci(self) -> Tuple[float, float]:
        return self.difference.ci

    @property
    def p_value(self) -> float:
        return self.difference.p_value


class Model:
    """A GloVe model with GloVe-V covariances (memory-mapped). Use as a context manager or call close()."""

    def __init__(self, handle):
        # Model(path), as gensim users might write it, is Model.load(path): a handle is an int from the core.
        if isinstance(handle, (str, bytes, os.PathLike)):
            raise TypeError("Model() takes a handle from the core; open a model folder with glovev.Model.load(%r)" % (handle,))
        if not isinstance(handle, int) or isinstance(handle, bool):
            raise TypeError("Model() takes a handle (int) from the core, not %s; open a model folder with glovev.Model.load(path)"
                            % type(handle).__name__)
        self._h = c_void_p(handle)
        v, d, hv = c_int64(), c_int64(), c_int32()
        L._check(L._lib.gv_model_shape(self._h, byref(v), byref(d), byref(hv)))
        self.vocab_size, self.dim, self.has_variances = v.value, d.value, bool(hv.value)
        self._words = None
        self.path = None

    @classmethod
    @_params("Model")
    def load(cls, path) -> "Model":
        """Opens a model folder (vocab.txt, params.safetensors or vectors.safetensors, variances/ when present); the
        variance stage's findings about GloVe-V's premise are shown as ReliabilityWarnings."""
        h = c_void_p()
        L._check(L._lib.gv_model_open(L.path(path, "path"), byref(h)))
        m = cls(h.value)
        # The folder itself, not the name as given: a relative path would resolve against whatever the working
        # directory is when a copy or an unpickled model opens it again (another folder, or none).
        m.path = os.path.realpath(os.fsdecode(path))
        for w in m.premise_warnings:
            warnings.warn("glovev: " + w, ReliabilityWarning, stacklevel=2)
        return m

    @property
    def premise_warnings(self):
        """What the variance stage found about GloVe-V's premise (words off their WLS optimum, an unconverged model,
        pseudo-inverses), as a list of sentences; shown as a ReliabilityWarning by :meth:`load`."""
        text = L.text(L._lib.gv_model_warnings, self._handle()).decode("utf-8")
        return [l for l in text.split("\n") if l]

    def close(self):
        """Frees the model's handle now (a closed model raises HandleError); ``with Model.load(...) as m:`` does it."""
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

    def __reduce__(self):
        # copy.copy, copy.deepcopy and pickle open the folder again: a copy sharing the handle would free it for both.
        if self.path is None:
            raise TypeError("this Model was not opened from a folder, so it cannot be copied or pickled")
        return (Model.load, (self.path,))

    # --- vocabulary -------------------------------------------------------------------------------------------
    @property
    def index_to_key(self) -> List[str]:
        """Words in vocabulary order (gensim's name)."""
        if self._words is None:
            # One bulk call (gv_model_words: NUL-separated words in index order).
            need = c_int64()
            L._check(L._lib.gv_model_words(self._handle(), None, 0, byref(need)))
            buf = ctypes.create_string_buffer(max(1, need.value))
            L._check(L._lib.gv_model_words(self._handle(), buf, need.value, byref(need)))
            words = buf.raw[: need.value].decode("utf-8").split("\0")[:-1] if need.value else []
            if len(words) != self.vocab_size:
                raise L.GloVeVError("gv_model_words returned %d words for a vocabulary of %d" % (len(words), self.vocab_size))
            self._words = words
        return self._words

    def __len__(self):
        return self.vocab_size

    def __contains__(self, word):
        # gensim's KeyedVectors.__contains__ is has_index_for: an int index in range is "in" the model too.
        if self._is_key(word) and not isinstance(word, str):
            return 0 <= int(word) < self.vocab_size
        if not isinstance(word, str) or "\0" in word:
            return False
        try:
            raw = word.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate is no word of any vocabulary
            return False
        i = c_int64()
        return L._lib.gv_model_index(self._handle(), raw, byref(i)) == L.OK

    @_params("int")
    def index(self, word: str) -> int:
        """The word's 0-based index (gensim's ``key_to_index[word]``); an unknown word raises UnknownWordError (a KeyError
        and an InputError)."""
        i = c_int64()
        L._check(L._lib.gv_model_index(self._handle(), L.encode(word), byref(i)))
        return i.value

    # --- vectors and covariances -----------------------------------------------------------------------------
    @property
    def key_to_index(self) -> dict:
        """Word -> row index (gensim's name)."""
        if getattr(self, "_key_to_index", None) is None:
            self._key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        return self._key_to_index

    @property
    def vector_size(self) -> int:
        """Dimensionality D (gensim's name; also ``dim``)."""
        return self.dim

    @_params("numpy.ndarray\n    float64, length D.")
    def vector(self, word: str) -> np.ndarray:
        """The trained centre vector of `word` (float64, length D)."""
        out = np.empty(self.dim, dtype=np.float64)
        L._check(L._lib.gv_model_vector(self._handle(), L.encode(word), out.ctypes.data_as(L._DP), out.size))
        return out

    # --- gensim's keys: a word, or its 0-based row index -----------------------------------------------------
    @staticmethod
    def _is_key(x) -> bool:
        """A gensim key: a word (str) or a row index (int or numpy integer; a bool is neither)."""
        return isinstance(x, (str, int, np.integer)) and not isinstance(x, (bool, np.bool_))

    def _index_of(self, key, name="key") -> int:
        """The row of a gensim key (a word, or an int in [0, V), returned as is). Anything else not in the vocabulary
        raises UnknownWordError (a KeyError, as gensim's get_index); an unhashable key (a list, an array) raises
        TypeError, as there, naming the argument `name` it came in."""
        if not isinstance(key, collections.abc.Hashable):
            raise TypeError("%s: a key must be a word (str) or an int index, not %s%s" % (
                name, type(key).__name__, " (a 2-D array? give one list of keys)" if isinstance(key, np.ndarray) else ""))
        if isinstance(key, (bool, np.bool_)):
            raise L.UnknownWordError("key not present: %r (a bool is not a row index)" % (key,), L.ERR_INPUT)
        if isinstance(key, (int, np.integer)):
            if 0 <= key < self.vocab_size:
                return int(key)
            raise L.UnknownWordError("index %d not present: the vocabulary has %d words (indices 0 to %d)"
                                     % (key, self.vocab_size, self.vocab_size - 1), L.ERR_INPUT)
        i = self.key_to_index.get(key)
        if i is None:
            if isinstance(key, str):
                raise L.UnknownWordError("word not in vocabulary: %r" % (key,), L.ERR_INPUT)
            raise L.UnknownWordError("key not present: %s (keys are words or int indices)" % reprlib.repr(key), L.ERR_INPUT)
        return i

    def _as_vector(self, x, name) -> np.ndarray:
        """A numeric, finite vector of length D as float64."""
        a = np.asarray(x)
        if a.dtype.kind not in "iuf":
            raise TypeError("%s must be a numeric vector, not an array of %s" % (name, a.dtype))
        if a.shape != (self.dim,):
            raise ValueError("%s must be a vector of length %d, got shape %s" % (name, self.dim, a.shape))
        a = a.astype(np.float64)
        if not np.isfinite(a).all():
            raise ValueError("%s must be finite" % name)
        return a

    @_params("int")
    def get_index(self, key, default=None) -> int:
        """gensim's ``get_index``: the row of `key` in :attr:`vectors` (an int in range is returned as is). A key not in
        the vocabulary returns `default` when it is not None, else raises UnknownWordError (a KeyError)."""
        try:
            return self._index_of(key)
        except L.UnknownWordError:
            if default is not None:
                return default
            raise

    @_params("bool")
    def has_index_for(self, key) -> bool:
        """gensim's ``has_index_for``: whether `key` (a word, or an int index in range) has a row in :attr:`vectors`."""
        return self.get_index(key, -1) >= 0

    @_params("numpy.ndarray")
    def get_vector(self, key, norm: bool = False) -> np.ndarray:
        """gensim's ``get_vector``: the trained vector of `key` (a word or an int index; a new float64 array), scaled to
        unit length when `norm` (a zero vector stays zero). An unknown key raises UnknownWordError (a KeyError)."""
        v = self.vector(key) if isinstance(key, str) else self.vectors[self._index_of(key)].copy()
        return _unit(v) if norm else v

    def __getitem__(self, key):
        """``m["word"]`` or ``m[3]`` -> vector; ``m[["a", 3]]`` (any sequence of words and int indices) -> 2-D array, one
        row per key, as gensim. An unknown word or an index out of range raises UnknownWordError (a KeyError)."""
        if isinstance(key, (str, int, np.integer)):
            return self.get_vector(key)
        if isinstance(key, (bytes, bytearray)) or not hasattr(key, "__iter__"):
            raise TypeError("key must be a word (str), an index (int) or a sequence of them, not %s" % type(key).__name__)
        keys = list(key)
        return self.vectors[[self._index_of(k, "key") for k in keys]] if keys else np.empty((0, self.dim))

    @property
    def vectors(self) -> np.ndarray:
        """All centre vectors, V x D (like KeyedVectors.vectors); read once, then kept (read-only)."""
        if getattr(self, "_vectors", None) is None:
            out = np.empty((self.vocab_size, self.dim), dtype=np.float64)
            L._check(L._lib.gv_model_vectors(self._handle(), out.ctypes.data_as(L._DP), out.size))
            out.flags.writeable = False
            self._vectors = out
        return self._vectors

    def _unit_vectors(self) -> np.ndarray:
        if getattr(self, "_units", None) is None:
            v = self.vectors
            n = np.linalg.norm(v, axis=1, keepdims=True)
            u = np.divide(v, n, out=np.zeros_like(v), where=n > 0)
            u.flags.writeable = False
            self._units = u
        return self._units

    @staticmethod
    def _arithmetic_items(x, name):
        """gensim's rule for positive= / negative=: a single key or 1-D numeric vector is a list of one, a 2-D array a
        list of its rows, a list or tuple its items."""
        if x is None:
            return []
        if Model._is_key(x):
            return [x]
        if isinstance(x, np.ndarray):
            if x.ndim == 1 and x.dtype.kind in "iuf":
                return [x]
            if x.ndim in (1, 2):
                return list(x)
        elif isinstance(x, (list, tuple)):
            return list(x)
        raise TypeError("%s must be a key (str or int), a numpy vector, or a list of keys, vectors and (key, weight) pairs, "
                        "not %s" % (name, type(x).__name__))

    def _weighted(self, item, weight, name):
        """(key or vector, weight) of one item of positive= / negative=: a key or a numpy vector takes `weight` (+1 or
        -1); a (key, weight) pair its own weight, which replaces the sign (as gensim: ('w', 0.5) in negative adds)."""
        if isinstance(item, np.ndarray):
            return self._as_vector(item, "a vector in %s" % name), weight
        if self._is_key(item):
            return item, weight
        if isinstance(item, (tuple, list)) and len(item) == 2:
            key, w = item
            if ((self._is_key(key) or isinstance(key, np.ndarray)) and isinstance(w, numbers.Real)
                    and not isinstance(w, (bool, np.bool_))):
                if not np.isfinite(w):
                    raise ValueError("%s: the weight of %s must be finite, got %r" % (name, reprlib.repr(key), w))
                return (self._as_vector(key, "a vector in %s" % name) if isinstance(key, np.ndarray) else key), float(w)
        raise TypeError("%s: each item must be a word, an int index, a numpy vector or a (key, weight) pair, not %s"
                        % (name, reprlib.repr(item)))

    def _most_similar_combination(self, word, positive, negative, topn, restrict=None, stacklevel=5):
        """gensim's most_similar arithmetic on the trained vectors: the unit-length weighted mean of get_mean_vector
        (pre- and post-normalised, missing keys an error), ranked by cosine over the first `restrict` words (None: all),
        the keys given (not the vectors) left out."""
        if word is not None and positive is not None:
            raise TypeError("give the words either as the first argument or as positive=, not both")
        items = [self._weighted(x, 1.0, "positive") for x in self._arithmetic_items(word if positive is None else positive, "positive")]
        items += [self._weighted(x, -1.0, "negative") for x in self._arithmetic_items(negative, "negative")]
        if not items:
            raise ValueError("most_similar needs at least one positive or negative word")
        everything = topn is None
        if _no_neighbours(topn):
            return []
        if not everything:
            topn = _positive_int(topn, "topn")
        keys = [k for k, _ in items]
        mean = self.get_mean_vector(keys, [w for _, w in items], pre_normalize=True, post_normalize=True, ignore_missing=False)
        self._warn_unreliable([k for k in keys if not isinstance(k, np.ndarray)], stacklevel=stacklevel)
        if np.linalg.norm(mean) == 0:
            raise ValueError("the weighted mean of the words is the zero vector")
        n = self.vocab_size if restrict is None else restrict
        sims = self._unit_vectors()[:n] @ mean
        if everything:  # gensim: topn None gives every (searched) word's cosine, input words included
            return sims
        given = sorted(i for i in {self._index_of(k) for k in keys if not isinstance(k, np.ndarray)} if i < n)
        sims[given] = -np.inf
        best = np.argsort(-sims, kind="stable")[: min(topn, n - len(given))]
        words = self.index_to_key
        return [(words[i], float(sims[i])) for i in best]

    @_params("float")
    def n_similarity(self, ws1, ws2) -> float:
        """gensim's ``n_similarity``: the cosine between the means of two word lists' vectors (trained vectors, no
        interval). Unknown words raise InputError (gensim skips them silently)."""
        if not len(ws1) or not len(ws2):
            raise ZeroDivisionError("At least one of the passed list is empty.")
        m1 = self.vectors[[self._index_of(k, "ws1") for k in ws1]].mean(axis=0)
        m2 = self.vectors[[self._index_of(k, "ws2") for k in ws2]].mean(axis=0)
        self._warn_unreliable(list(ws1) + list(ws2))
        return float(np.dot(m1 / np.linalg.norm(m1), m2 / np.linalg.norm(m2)))

    @_params("str")
    def doesnt_match(self, words) -> str:
        """gensim's ``doesnt_match``: the word whose unit vector is least similar to the normalised mean of all the
        words' unit vectors (trained vectors, no interval). Unknown words are skipped with a warning, as gensim does."""
        # Keys as gensim's: words or int row indices (has_index_for); the key itself is returned. An unhashable item
        # raises TypeError, as gensim's has_index_for does (not "ignored", which would end in an empty list).
        for w in words:
            if not isinstance(w, collections.abc.Hashable):
                self._index_of(w, "words")
        used = [w for w in words if w in self]
        if len(used) != len(words):
            warnings.warn("glovev: words not in the vocabulary, ignored: %s" % sorted({repr(w) for w in words if w not in self}), stacklevel=2)
        if not used:
            raise ValueError("cannot select a word from an empty list")
        units = self._unit_vectors()[[self._index_of(w) for w in used]]
        self._warn_unreliable(used)
        mean = units.mean(axis=0)
        mean = mean / np.linalg.norm(mean)
        return sorted(zip(units @ mean, used), reverse=True)[-1][1]

    # --- gensim's KeyedVectors verbs: plain computations on the trained vectors (no intervals) -------------------
    def _warn_unreliable(self, keys, stacklevel=4):
        """The ReliabilityWarning of a plain verb: the core's warning lines for the keys' own flags (gv_word_warnings:
        noise ratio >= 1, cos(trained, WLS) < 0.9, no covariance — its noise unknown, not held fixed, since a plain value
        uses none). A model without variances (imported vectors) gives none: no word has a covariance there, which
        says nothing about a plain cosine."""
        words = list(dict.fromkeys(self.index_to_key[self._index_of(k)] for k in keys))
        if not words:
            return
        arr, n = L.string_array(words, "words")
        for line in L.text(L._lib.gv_word_warnings, self._handle(), arr, n).decode("utf-8").split("\n"):
            if line:
                # One frame fewer than _reliabilities' count: that warns from one call deeper.
                warnings.warn("glovev: " + line, ReliabilityWarning, stacklevel=stacklevel - 1)

    @_params("float")
    def distance(self, w1, w2) -> float:
        """gensim's ``distance``: 1 - the cosine of two keys' trained vectors, without an interval (:meth:`similarity`
        gives the cosine with its interval). Unknown keys raise UnknownWordError (a KeyError); flagged words warn."""
        u = self._unit_vectors()
        d = 1.0 - float(u[self._index_of(w1)] @ u[self._index_of(w2)])
        self._warn_unreliable([w1, w2])
        return d

    @_params("numpy.ndarray\n    float64: 1 - cosine to each key of `other_words` (or to every word, in vocabulary order).")
    def distances(self, word_or_vector, other_words=()) -> np.ndarray:
        """gensim's ``distances``: 1 - the cosine of `word_or_vector` (a key's trained vector, or a given vector) with each
        key of `other_words`, or with every word of the vocabulary (the query included) when `other_words` is empty;
        trained vectors, no intervals (see :meth:`similarity`). Flagged words among the keys named warn."""
        if self._is_key(word_or_vector):
            v, named = self.vectors[self._index_of(word_or_vector, "word_or_vector")], [word_or_vector]
        else:
            v, named = self._as_vector(word_or_vector, "word_or_vector"), []
        if other_words is None:
            other_words = ()
        if isinstance(other_words, (str, bytes)) or not hasattr(other_words, "__iter__"):
            raise TypeError("other_words must be a list of keys, not %s" % type(other_words).__name__)
        other = list(other_words)
        rows = self.vectors[[self._index_of(k, "other_words") for k in other]] if other else self.vectors
        out = 1 - self.cosine_similarities(v, rows)
        if named or other:
            self._warn_unreliable(named + other)
        return out

    def _closer_than(self, key1, key2):
        i1, i2 = self._index_of(key1, "key1"), self._index_of(key2, "key2")
        d = 1 - self.cosine_similarities(self.vectors[i1], self.vectors)
        words = self.index_to_key
        return [words[i] for i in np.flatnonzero(d < d[i2]) if i != i1]

    @_params("list of str")
    def closer_than(self, key1, key2) -> List[str]:
        """gensim's ``closer_than``: the words (vocabulary order, `key1` left out) whose cosine distance to `key1` is
        below that of `key2`, on the trained vectors without intervals (see :meth:`most_similar` for neighbours with
        intervals). Flagged words warn."""
        out = self._closer_than(key1, key2)
        self._warn_unreliable([key1, key2])
        return out

    @_params("list of str")
    def words_closer_than(self, word1, word2) -> List[str]:
        """gensim's deprecated alias of :meth:`closer_than` (a DeprecationWarning says so, as gensim's)."""
        warnings.warn("Call to deprecated `words_closer_than` (Use closer_than instead).", DeprecationWarning, stacklevel=2)
        out = self._closer_than(word1, word2)
        self._warn_unreliable([word1, word2])
        return out

    @_params("int")
    def rank(self, key1, key2) -> int:
        """gensim's ``rank``: 1 + the number of words closer to `key1` than `key2` is (:meth:`closer_than`; trained
        vectors, no intervals: :meth:`most_similar` gives P(truly in the top n)). Flagged words warn."""
        out = len(self._closer_than(key1, key2)) + 1
        self._warn_unreliable([key1, key2])
        return out

    @_params("str or int\n    The item of `keys_list` (as given) most similar to `key1`; the first on a tie.")
    def most_similar_to_given(self, key1, keys_list):
        """gensim's ``most_similar_to_given``: the key of `keys_list` whose trained vector has the largest cosine with
        `key1`'s, without intervals (:meth:`similarity` gives each cosine's interval). Flagged words warn."""
        if isinstance(keys_list, (str, bytes)) or not hasattr(keys_list, "__iter__"):
            raise TypeError("keys_list must be a list of keys, not %s" % type(keys_list).__name__)
        keys = list(keys_list)
        if not keys:
            raise ValueError("keys_list is empty")
        u = self._unit_vectors()
        sims = u[[self._index_of(k, "keys_list") for k in keys]] @ u[self._index_of(key1, "key1")]
        best = keys[int(np.argmax(sims))]
        self._warn_unreliable([key1] + keys)
        return best

    @_params("numpy.ndarray\n    V x D float64, a new array.")
    def get_normed_vectors(self) -> np.ndarray:
        """gensim's ``get_normed_vectors``: every trained vector scaled to unit length (a zero vector stays zero, where
        gensim divides by zero)."""
        return self._unit_vectors().copy()

    @_params()
    def fill_norms(self, force: bool = False) -> None:
        """gensim's ``fill_norms``: computes :attr:`norms` unless they are known (`force`: again; the trained vectors
        never change, so the result is the same)."""
        if _flag(force, "force") or getattr(self, "_norms", None) is None:
            n = np.linalg.norm(self.vectors, axis=1)
            n.flags.writeable = False
            self._norms = n

    @property
    def norms(self) -> np.ndarray:
        """Each trained vector's Euclidean length, V float64 (gensim's ``norms``; computed on first use, read-only)."""
        self.fill_norms()
        return self._norms

    @staticmethod
    @_params("numpy.ndarray\n    Shape (N,): the cosine of `vector_1` with each row (NaN where a norm is 0, as gensim).")
    def cosine_similarities(vector_1, vectors_all) -> np.ndarray:
        """gensim's ``cosine_similarities``: the cosine between one vector and each row of a matrix (plain arithmetic on
        the vectors given; no intervals)."""
        v, rows = np.asarray(vector_1), np.asarray(vectors_all)
        return np.dot(rows, v) / (np.linalg.norm(v) * np.linalg.norm(rows, axis=1))

    @_params("numpy.ndarray\n    float64, length D.")
    def get_mean_vector(self, keys, weights=None, pre_normalize: bool = True, post_normalize: bool = False,
                        ignore_missing: bool = True) -> np.ndarray:
        """gensim's ``get_mean_vector``: sum_i w_i x_i / sum_i |w_i| over the keys found, x_i a key's trained vector (unit
        length when `pre_normalize`) or a vector given as a numpy array (taken as given). Missing keys are skipped when
        `ignore_missing` (no key found: the zero vector, as gensim), else raise UnknownWordError. No intervals."""
        if isinstance(keys, (str, bytes)) or not hasattr(keys, "__iter__"):
            raise TypeError("keys must be a list of keys or vectors, not %s" % type(keys).__name__)
        keys = list(keys)
        if not keys:
            raise ValueError("cannot compute a mean of no keys")
        w = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or w.shape[0] != len(keys):
            raise ValueError("keys and weights must have the same number of elements (%d keys, weights of shape %s)"
                             % (len(keys), w.shape))
        pre, post, skip = _flag(pre_normalize, "pre_normalize"), _flag(post_normalize, "post_normalize"), _flag(ignore_missing, "ignore_missing")
        rows = self._unit_vectors() if pre else self.vectors
        mean, total = np.zeros(self.dim), 0.0
        for key, wk in zip(keys, w):
            if isinstance(key, np.ndarray):
                x = self._as_vector(key, "a vector in keys")
            else:
                try:
                    x = rows[self._index_of(key)]
                except L.UnknownWordError:
                    if skip:
                        continue
                    raise
            mean += wk * x
            total += abs(wk)
        if total > 0:
            mean = mean / total
        return _unit(mean) if post else mean

    def _word_of(self, key, name):
        """The word of a gensim key (a word, or an int row index in range); anything else is a TypeError naming the
        argument."""
        if isinstance(key, str):
            return key
        if not self._is_key(key):
            raise TypeError("%s must be a word (str) or a row index (int), not %s" % (name, type(key).__name__))
        return self.index_to_key[self._index_of(key)]

    def _restrict(self, restrict_vocab):
        """gensim's restrict_vocab: None or 0 searches every word; n searches the first n (at most V)."""
        if restrict_vocab is None or (isinstance(restrict_vocab, (int, np.integer)) and not isinstance(restrict_vocab, bool)
                                      and restrict_vocab == 0):
            return None
        return min(_positive_int(restrict_vocab, "restrict_vocab", 1, 2 ** 63 - 1), self.vocab_size)

    @_params("NeighbourList, list of (str, float) or numpy.ndarray", word=_PARAMS["key"],
             topn="int or None\n    Number of neighbours (None: every word's cosine, as gensim).")
    def similar_by_word(self, word, topn=10, restrict_vocab=None, *, hold_fixed: bool = False):
        """gensim's ``similar_by_word``: ``most_similar(word, topn=topn, hold_fixed=hold_fixed)`` (for a word, the
        neighbours carry their intervals). With `restrict_vocab`, gensim's plain search of the first words instead:
        (word, cosine) pairs of the trained vectors, without intervals."""
        return self._similar_by(word, "word", topn, restrict_vocab, hold_fixed)

    @_params("NeighbourList, list of (str, float) or numpy.ndarray",
             topn="int or None\n    Number of neighbours (None: every word's cosine, as gensim).")
    def similar_by_key(self, key, topn=10, restrict_vocab=None, *, hold_fixed: bool = False):
        """gensim's ``similar_by_key``, as :meth:`similar_by_word`: ``most_similar(key, topn=topn, hold_fixed=hold_fixed)``
        (for a word, with intervals); with `restrict_vocab`, plain (word, cosine) pairs of the trained vectors without
        intervals."""
        return self._similar_by(key, "key", topn, restrict_vocab, hold_fixed)

    def _similar_by(self, key, name, topn, restrict_vocab, hold_fixed):
        if not self._is_key(key):
            raise TypeError("%s must be a key (str or int), not %s" % (name, type(key).__name__))
        limit = self._restrict(restrict_vocab)
        if limit is None and topn is not None:
            # A row index stands for its word: the neighbours carry their intervals, as for the word itself.
            return self.most_similar(self._word_of(key, name), topn=topn, hold_fixed=hold_fixed)
        _reject_interval_options("similar_by_%s with %s" % (name, "restrict_vocab" if limit is not None else "topn=None"), hold_fixed=hold_fixed)
        return self._most_similar_combination(None, [key], None, topn, limit, stacklevel=6)

    @_params("list of (str, float) or numpy.ndarray",
             topn="int or None\n    Number of neighbours (None: every word's cosine, as gensim).")
    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """gensim's ``similar_by_vector``: the words whose trained vectors have the largest cosine with `vector`, as plain
        (word, cosine) pairs (no word left out, no intervals; :meth:`most_similar` of a word gives them)."""
        v = self._as_vector(vector, "vector")
        return self._most_similar_combination(None, [v], None, topn, self._restrict(restrict_vocab), stacklevel=5)

    @_params("bool")
    def has_covariance(self, word: str) -> bool:
        """Whether the word has a GloVe-V covariance (more contexts than dimensions, and computed)."""
        has = c_int32()
        L._check(L._lib.gv_model_has_covariance(self._handle(), L.encode(word), byref(has)))
        return bool(has.value)

    @_params("numpy.ndarray\n    D x D float64.")
    def covariance(self, word: str, approximate: bool = False) -> np.ndarray:
        """The word's GloVe-V covariance Sigma_i (dim x dim float64); approximate=True reads the compact form."""
        out = np.empty((self.dim, self.dim), dtype=np.float64)
        L._check(L._lib.gv_model_covariance(self._handle(), L.encode(word), 1 if approximate else 0,
                                            out.ctypes.data_as(L._DP), out.size))
        return out

    # --- questions ---------------------------------------------------------------------------------------------
    @_params("WordReliability")
    def reliability(self, word: str) -> WordReliability:
        """One word's reliability: covariance or not, |K|, dof |K| - D, noise ratio, cos(trained, WLS), flags."""
        r = L.Reliability()
        L._check(L._lib.gv_word_reliability(self._handle(), L.encode(word), byref(r)))
        return WordReliability(word, bool(r.has_covariance), r.contexts, r.dof, r.noise_ratio, r.cos_trained_wls, r.flags)

    def _reliabilities(self, words, flags, known_only=False, approximate=False, stacklevel=3):
        """Each distinct word's reliability; when flags != 0, the core's warning lines for the result
        (gv_result_warnings) as ReliabilityWarnings. known_only: leave out words the model lacks (bias lists skip
        unknown words). stacklevel: the warnings' (3: the caller of the method that calls this)."""
        if known_only:
            words = [w for w in words if w in self]
        distinct = list(dict.fromkeys(words))
        # A result exists, so its words without a covariance were held fixed (the core refuses them otherwise).
        rel = tuple(dataclasses.replace(r, held_fixed=not r.has_covariance) for r in map(self.reliability, distinct))
        if flags:
            arr, n = L.string_array(distinct, "words")
            text = L.text(L._lib.gv_result_warnings, self._handle(), arr, n, int(flags), 1 if approximate else 0)
            for line in text.decode("utf-8").split("\n"):
                if line:
                    warnings.warn("glovev: " + line, ReliabilityWarning, stacklevel=stacklevel)
        return rel

    def similarity(self, a: str, b: str, ci: Optional[float] = None, method: Optional[str] = None, samples: Optional[int] = None,
                   seed: Optional[int] = None, hold_fixed: bool = False, approximate: bool = False) -> Similarity:
        """Cosine of a and b with an interval.

        Parameters
        ----------
        a, b : str
        ci : float, optional
            Confidence level in (0, 1); None: the core's default (0.95).
        method : {'calibrated', 'delta', 'sample'}
            'calibrated' (default): noise-debiased estimate (cosines and RND: shifted by the bootstrap's median error),
            studentized parametric-bootstrap interval,
            'not_identifiable' where the data carry no information; 'delta': the paper's delta method at the plug-in
            vectors; 'sample' (alias 'composition'): the paper's percentiles of draws (centred on their median; the mean beside it).
        samples, seed : int, optional
            Draws and their seed; None: the core's defaults. The delta method takes neither.
        hold_fixed : bool
            A word without a covariance raises InputError unless True (then it is exact, and a warning says so).
        approximate : bool
            Use the compact covariances.

        Returns
        -------
        Similarity
            ``float(s)`` is the plug-in cosine (as gensim's similarity); ``s.estimate``, ``s.ci``, ``s.sd``,
            ``s.status``, ``s.words`` carry the uncertainty.
        """
        # gensim's similarity takes keys: a word or a 0-based row index.
        a, b = self._word_of(a, "a"), self._word_of(b, "b")
        iv = L.Interval()
        L._check(L._lib.gv_similarity(self._handle(), L.encode(a, "a"), L.encode(b, "b"),
                                      byref(_query(ci, method, samples, seed, hold_fixed, approximate)), byref(iv)))
        res = Similarity(Interval(**_interval(iv, ci)), self._reliabilities([a, b], iv.flags, approximate=approximate))
        _warn_not_identifiable([STATUS[iv.status]], [REASON[iv.reason]], "cos(%s, %s)" % (a, b))
        return res

    @_params("Difference")
    def compare(self, first: Sequence[str], second: Sequence[str], method: Optional[str] = None, samples: Optional[int] = None,
                seed: Optional[int] = None, ci: Optional[float] = None, hold_fixed: bool = False,
                approximate: bool = False) -> Difference:
        """Tests cos(first) = cos(second) for two word pairs sharing words or not: the difference with its interval,
        z and p-value (a Difference). Arguments as :meth:`similarity`."""
        (a, b), (c, d) = _pair(first, "first"), _pair(second, "second")
        r = L.Difference()
        L._check(L._lib.gv_compare(self._handle(), L.encode(a), L.encode(b), L.encode(c), L.encode(d),
                                   byref(_query(ci, method, samples, seed, hold_fixed, approximate)), byref(r)))
        res = Difference(r.diff, r.plugin, r.sd, (r.lo, r.hi), r.z, r.p_value, _method_name(r.method), STATUS[r.status],
                         r.flags, self._reliabilities([a, b, c, d], r.flags, approximate=approximate), REASON[r.reason])
        _warn_not_identifiable([STATUS[r.status]], [REASON[r.reason]], "cos(%s, %s) - cos(%s, %s)" % (a, b, c, d))
        return res

    def similarity_table(self, pairs, ci: Optional[float] = None, method: Optional[str] = None, samples: Optional[int] = None,
                         seed: Optional[int] = None, hold_fixed: bool = False, approximate: bool = False):
        """Cosines of many word pairs with their intervals, one row per pair.

        Parameters
        ----------
        pairs : iterable of (str, str)
        ci, method, samples, seed, hold_fixed, approximate
            As :meth:`similarity` (None: the core's defaults).

        Returns
        -------
        pandas.DataFrame (a numpy structured array without pandas)
            Columns: a, b, estimate (the interval's centre), plugin (cosine of the trained vectors), sd, lower, upper,
            status ('ok' or 'not_identifiable'; then lower/upper are NaN), method, p_value (statistic = 0), flags
            (GV_FLAG_* over the pair's words), reason (why not identifiable; None when ok). One ReliabilityWarning names every flagged word of the table.
        """
        firsts, seconds = [], []
        if isinstance(pairs, (str, bytes)) or not isinstance(pairs, collections.abc.Iterable):
            raise TypeError("pairs must be an iterable of (word, word) pairs, not %s" % type(pairs).__name__)
        for pair in pairs:
            try:
                a, b = pair
            except (TypeError, ValueError):
                raise TypeError("pairs must hold (word, word) pairs, got %r" % (pair,)) from None
            if not isinstance(a, (str, bytes)) or not isinstance(b, (str, bytes)):
                raise TypeError("pairs must hold (word, word) pairs of str, got (%s, %s)" % (type(a).__name__, type(b).__name__))
            firsts.append(a)
            seconds.append(b)
        fa, n = L.string_array(firsts, "a")
        fb, _ = L.string_array(seconds, "b")
        out = (L.Interval * max(1, n))()
        # One bulk call: every pair exactly as similarity() computes it.
        L._check(L._lib.gv_similarities(self._handle(), fa, fb, n, byref(_query(ci, method, samples, seed, hold_fixed, approximate)),
                                        out, n))
        rows, flags = [], 0
        for a, b, iv in zip(firsts, seconds, out[:n]):
            d = _interval(iv)
            rows.append((a, b, d["estimate"], d["plugin"], d["sd"], d["ci"][0], d["ci"][1], d["status"], d["method"], d["p_value"], d["flags"],
                         d["reason"]))
            flags |= iv.flags
        self._reliabilities(firsts + seconds, flags, approximate=approximate)
        _warn_not_identifiable([r[7] for r in rows], [r[11] for r in rows], "similarities")
        return _frame(["a", "b", "estimate", "plugin", "sd", "lower", "upper", "status", "method", "p_value", "flags", "reason"], rows)

    @_params()
    def neighbour_table(self, word: str, topn: int = 10, ci: Optional[float] = None, method: Optional[str] = None,
                        samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
                        approximate: bool = False):
        """:meth:`most_similar` as a table, one row per neighbour.

        Returns
        -------
        pandas.DataFrame (a numpy structured array without pandas)
            Columns: word, cosine (trained vectors), estimate, sd, lower, upper, mean, p_top_k, p_differs_from_next,
            status, flags, reason. With pandas, ``attrs["search"]`` is the NeighbourSearch (candidates drawn jointly, the bound on
            what the others may take).
        """
        # A table of one word's neighbours with intervals: gensim's other forms of most_similar return plain pairs.
        if not isinstance(word, str):
            raise TypeError("word must be str, not %s" % type(word).__name__)
        topn = _positive_int(topn, "topn")
        res = self.most_similar(word, topn=topn, ci=ci, method=method, samples=samples, seed=seed, hold_fixed=hold_fixed,
                                approximate=approximate)
        rows = [(r.word, r.cosine, r.estimate, r.sd, r.ci[0], r.ci[1], r.mean, r.p_top_k, r.p_differs_from_next, r.status, r.flags,
                 r.reason) for r in res]
        t = _frame(["word", "cosine", "estimate", "sd", "lower", "upper", "mean", "p_top_k", "p_differs_from_next", "status", "flags",
                    "reason"], rows)
        if hasattr(t, "attrs"):
            t.attrs["search"] = res.search
        return t

    @_params("NeighbourList or list of (str, float)")
    def most_similar(self, word=None, topn: int = 10, ci: Optional[float] = None, method: Optional[str] = None,
                     samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False, *,
                     positive=None, negative=None, approximate: bool = False, restrict_vocab=None):
        """Top-n neighbours of one word over the whole vocabulary with intervals and P(truly in the top n): a list of
        Neighbour, each the pair (word, cosine) as gensim's, whose ``.search`` (NeighbourSearch) says how many words
        were drawn jointly with the query and bounds the top-n places the others may take; a ReliabilityWarning says
        when that bound exceeds the core's tolerance (``defaults()["omitted_tolerance"]``; each P(top n) may then be
        overstated by up to it). Words without a GloVe-V covariance are not candidates unless ``hold_fixed=True`` (then
        they are ranked as exact): their uncertainty is unknown. A neighbour that such words beat by plug-in cosine
        carries FLAG_LEFT_OUT_ABOVE, and a ReliabilityWarning says so.

        With ``positive``/``negative`` lists (or a list, an int index or a numpy vector as `word`), gensim 4's vector
        arithmetic instead, on the trained vectors without intervals: items are words, int indices, numpy vectors of
        length D or (key, weight) pairs; the weighted mean of :meth:`get_mean_vector` (keys' vectors at unit length,
        vectors as given, weights +1 for positive and -1 for negative unless a pair gives its own, divided by the sum of
        the |weights|), scaled to unit length, ranked by cosine with the keys given (not the vectors) left out; plain
        (word, cosine) pairs, as gensim returns them. ``topn=None`` returns, as gensim does, the array of every word's
        cosine (input words included), and ``topn=0`` an empty list. ``restrict_vocab=n`` (gensim's) searches the first n
        words only, also as plain pairs. These plain forms take none of the interval settings (ci, method, samples,
        seed, hold_fixed, approximate): one given is refused (ArgumentError), not ignored."""
        limit = self._restrict(restrict_vocab)
        plain = positive is not None or negative is not None or not isinstance(word, str) or topn is None or limit is not None
        if plain:
            _reject_interval_options("most_similar with %s" % (
                "restrict_vocab" if limit is not None else "topn=None" if topn is None and isinstance(word, str)
                and positive is None and negative is None else "positive/negative, an index or a vector"),
                ci, method, samples, seed, hold_fixed, approximate)
        if _no_neighbours(topn):
            return []  # gensim: topn 0 asks for none
        if plain:
            return self._most_similar_combination(word, positive, negative, topn, limit)
        topn = _positive_int(topn, "topn")
        if topn >= self.vocab_size:
            raise L.ArgumentError("topn must be below the vocabulary size %d, got %d" % (self.vocab_size, topn))
        out = (L.Neighbour * topn)()
        n = c_int64()
        se = L.NeighbourSearch()
        L._check(L._lib.gv_neighbours(self._handle(), L.encode(word), topn, byref(_query(ci, method, samples, seed, hold_fixed, approximate)),
                                      out, topn, byref(n), byref(se)))
        words = self.index_to_key
        search = NeighbourSearch(se.candidates, se.searched, se.draws, se.omitted_bound)
        res = NeighbourList([Neighbour(words[r.index], r.cosine, r.estimate, r.sd, (r.lo, r.hi), r.mean, r.p_top_k,
                                       r.p_differs_from_next, STATUS[r.status], r.flags, REASON[r.reason]) for r in out[: n.value]], search)
        flags = 0
        for r in res:
            flags |= r.flags
        # With GV_FLAG_OMITTED_BOUND the core's lines include the caveat on what the words left out may take.
        self._reliabilities([word] + [r.word for r in res], flags, approximate=approximate)
        _warn_not_identifiable([r.status for r in res], [r.reason for r in res], "neighbours")
        return res

    @_params("BenchmarkResult",
             pairs="str or path-like\n    The benchmark file (gensim's name for it; or give it as `path`).",
             delimiter="str or None, optional\n    gensim's: the field separator (gensim's default '\\t' once any of its "
                       "arguments is given; None: runs of whitespace, as str.split).",
             encoding="str, optional\n    gensim's: the file's text encoding (default 'utf8'; .gz and .bz2 files "
                      "are decompressed, as gensim's smart_open does).",
             restrict_vocab="int or None, optional\n    gensim's: only the first `restrict_vocab` words of the "
                            "vocabulary count as known (default 300000; None: all).",
             case_insensitive="bool, optional\n    gensim's: upper-case the file's words and the vocabulary's, each "
                              "word standing for the first vocabulary word it matches (default True).",
             dummy4unknown="bool, optional\n    gensim's: False (its default) leaves out pairs with an unknown word; True "
                           "(a model cosine of 0 for them) is refused: the intervals cannot carry pairs without words.",
             path="str or path-like, optional\n    The benchmark file, as `pairs` (the name this method had before).")
    def evaluate_word_pairs(self, pairs=None, delimiter=_NOT_GIVEN, encoding=_NOT_GIVEN, restrict_vocab=_NOT_GIVEN,
                            case_insensitive=_NOT_GIVEN, dummy4unknown=_NOT_GIVEN, *, samples: Optional[int] = None,
                            seed: Optional[int] = None, ci: Optional[float] = None, hold_fixed: bool = False,
                            approximate: bool = False, path=None) -> BenchmarkResult:
        """A word-similarity benchmark file (word1 word2 score per line): Spearman and Pearson correlations with intervals
        that combine a bootstrap over the pairs with the embedding noise. samples (replicates), seed, ci: None = the
        core's defaults. A word without a covariance raises InputError unless hold_fixed=True. A ReliabilityWarning says
        when some of the benchmark's words are flagged; approximate=True uses the compact covariances (and says how much
        of each they drop). Returns a BenchmarkResult: gensim's tuple
        ((pearson, p), (spearman, p), oov_ratio) with the intervals as attributes.

        The arguments after `pairs` are gensim's ``KeyedVectors.evaluate_word_pairs(pairs, delimiter, encoding,
        restrict_vocab, case_insensitive, dummy4unknown)``. With none of them given, the core reads the file as the CLI
        and R do (tab- or space-separated, '#' comments and a header line allowed, a malformed line an error, a word
        looked up as written, then in lower case). With any of them given, the file is read as gensim reads it, gensim's
        defaults standing for the others: lines starting with '#' and lines that do not split at `delimiter` into
        exactly two words and a number are skipped, words are matched as gensim matches them (`case_insensitive`,
        `restrict_vocab`), and the pairs found go to the core as those vocabulary words, so the correlations, p-values
        and oov_ratio are gensim's on the same vectors. ``dummy4unknown=True`` is refused (ArgumentError), as is a
        found pair whose score is not finite (InputError; gensim would return NaN correlations)."""
        if (pairs is None) == (path is None):
            raise TypeError("evaluate_word_pairs takes the benchmark file once: as pairs (gensim's name) or as path"
                            if pairs is not None else "evaluate_word_pairs needs the benchmark file (pairs)")
        path = pairs if path is None else path
        name = "pairs" if pairs is not None else "path"
        given = {k: v for k, v in (("delimiter", delimiter), ("encoding", encoding), ("restrict_vocab", restrict_vocab),
                                   ("case_insensitive", case_insensitive), ("dummy4unknown", dummy4unknown)) if v is not _NOT_GIVEN}
        options = _benchmark_options(samples, seed, ci, hold_fixed, approximate)
        with contextlib.ExitStack() as stack:
            bench, counts = path, None
            if given:
                g = {**_GENSIM_PAIRS, **given}
                if _flag(g["dummy4unknown"], "dummy4unknown"):
                    raise L.ArgumentError("dummy4unknown=True is not supported: gensim scores a pair with an unknown word "
                                          "as cosine 0, and such a pair has no words whose noise the intervals could carry "
                                          "(dummy4unknown=False, gensim's default, leaves those pairs out)", L.ERR_ARGUMENT)
                found, counts = self._gensim_pairs(path, name, g["delimiter"], g["encoding"], g["restrict_vocab"],
                                                   g["case_insensitive"])
                tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="glovev-pairs-"))
                # Named as the file given (less .gz or .bz2), which the core's messages name.
                base, ext = os.path.splitext(os.path.basename(os.fsdecode(path)))
                bench = os.path.join(tmp, (base if ext in (".gz", ".bz2") else base + ext) or "pairs.txt")
                _write_pairs(bench, found, path)
            r = L.Benchmark()
            L._check(L._lib.gv_evaluate(self._handle(), L.path(bench, name), byref(options), byref(r)))
            if r.flagged_words > 0:
                warnings.warn("glovev: benchmark %s: %d of %d words flagged (no covariance and held fixed, noise ratio >= 1, "
                              "cos(trained, WLS) < 0.9, or a compact covariance that drops part of the complete one; see Model.reliability)"
                              % (path, r.flagged_words, r.words),
                              ReliabilityWarning, stacklevel=2)
            used_words = self._benchmark_words(bench)
        if len(used_words) != r.words:  # the file was read twice (gv_evaluate, gv_benchmark_words)
            raise L.InputError("%s: the benchmark file changed while it was read (%d words, then %d)" % (path, r.words, len(used_words)))
        # gensim's reading: the core saw only the pairs found; the file's valid lines and those left out are counted here.
        n_pairs, oov = (r.pairs, r.oov) if counts is None else counts
        return BenchmarkResult(n_pairs, r.used, oov, r.words, r.flagged_words, r.spearman, r.pearson,
                               _correlation(r.spearman_ci), _correlation(r.pearson_ci), r.spearman_p, r.pearson_p,
                               self._reliabilities(used_words, FLAG_APPROXIMATED if approximate else 0, approximate=approximate))

    def _gensim_pairs(self, path, name, delimiter, encoding, restrict_vocab, case_insensitive):
        """gensim's reading of a pairs file (KeyedVectors.evaluate_word_pairs, gensim 4): lines starting with '#'
        skipped; each other line split at `delimiter` (None: whitespace, as str.split), upper-cased first when
        case_insensitive, and skipped unless it gives exactly a, b and a float score; a word is known when it is (or,
        case_insensitive, upper-cases to) one of the first `restrict_vocab` vocabulary words (None: all), and stands for
        the first such word. Returns ([(word_a, word_b, score, line)], (valid lines, lines with an unknown word)), the
        words as the vocabulary spells them."""
        if delimiter is not None and not isinstance(delimiter, str):
            raise TypeError("delimiter must be a str or None, not %s" % type(delimiter).__name__)
        if delimiter is not None and (delimiter == "" or "\0" in delimiter):
            raise L.ArgumentError("delimiter must be a non-empty str without NUL characters, got %r" % (delimiter,), L.ERR_ARGUMENT)
        if not isinstance(encoding, str):
            raise TypeError("encoding must be a str, not %s" % type(encoding).__name__)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise L.ArgumentError("encoding: unknown text encoding %r" % (encoding,), L.ERR_ARGUMENT) from None
        if restrict_vocab is not None:
            restrict_vocab = _positive_int(restrict_vocab, "restrict_vocab", 0, 2 ** 63 - 1)
        upper = _flag(case_insensitive, "case_insensitive")
        known = {}
        for w in self.index_to_key[:restrict_vocab]:
            known.setdefault(w.upper() if upper else w, w)  # the first vocabulary word of each (upper-cased) spelling
        file = os.fsdecode(path)
        L.path(path, name)  # a path without NUL characters, or the binding's TypeError / ArgumentError naming it
        opener = {".gz": gzip.open, ".bz2": bz2.open}.get(os.path.splitext(file)[1], open)
        found, valid, oov = [], 0, 0
        try:
            with opener(file, "rt", encoding=encoding) as f:
                for line_no, line in enumerate(f, 1):
                    if not line or line.startswith("#"):
                        continue
                    fields = line.split(delimiter)
                    if upper:
                        fields = [x.upper() for x in fields]
                    if len(fields) != 3:
                        continue
                    try:
                        score = float(fields[2])
                    except ValueError:
                        continue
                    valid += 1
                    a, b = known.get(fields[0]), known.get(fields[1])
                    if a is None or b is None:
                        oov += 1
                        continue
                    if not np.isfinite(score):
                        raise L.InputError("%s:%d: the score %r is not a finite number" % (file, line_no, fields[2].strip()), L.ERR_INPUT)
                    found.append((a, b, score, line_no))
        except FileNotFoundError:
            raise L.FileError("%s: benchmark file not found" % file, L.ERR_IO) from None
        except IsADirectoryError:
            raise L.FileError("%s: is a folder, not a benchmark file" % file, L.ERR_IO) from None
        except (UnicodeDecodeError, EOFError, gzip.BadGzipFile, OSError) as e:
            if isinstance(e, UnicodeDecodeError):
                raise L.InputError("%s: not %s text (encoding): %s" % (file, encoding, e), L.ERR_INPUT) from None
            raise L.FileError("%s: cannot read the benchmark file: %s" % (file, e), L.ERR_IO) from None
        if not found:
            # gensim's ValueError (InputError is one).
            raise L.InputError("No valid similarity judgements found in %s: either invalid format or all are "
                               "out-of-vocabulary (%d valid lines, %d with an unknown word)" % (file, valid, oov), L.ERR_INPUT)
        return found, (valid, oov)

    def _benchmark_words(self, path):
        """The distinct words of a benchmark's pairs that the model covers (gv_benchmark_words), in order of first use."""
        text = L.text(L._lib.gv_benchmark_words, self._handle(), L.path(path, "path")).decode("utf-8")
        return text.split("\0") if text else []

    @_params("BenchmarkComparison")
    def compare_word_pairs(self, other: "Model", path, samples: Optional[int] = None, seed: Optional[int] = None,
                           ci: Optional[float] = None, hold_fixed: bool = False, approximate: bool = False) -> BenchmarkComparison:
        """Paired comparison of this model (A) with `other` (B) on one benchmark file: Spearman A - B on the pairs both
        cover, with an interval and p-value (the same pair resamples for both, vector draws independent per model).
        Arguments as :meth:`evaluate_word_pairs`; a ReliabilityWarning says when either model's words are flagged."""
        if not isinstance(other, Model):
            raise TypeError("other must be a glovev.Model, not %s" % type(other).__name__)
        r = L.BenchmarkComparison()
        L._check(L._lib.gv_evaluate_compare(self._handle(), other._handle(), L.path(path, "path"),
                                            byref(_benchmark_options(samples, seed, ci, hold_fixed, approximate)), byref(r)))
        if r.flags_a or r.flags_b:
            warnings.warn("glovev: benchmark %s: flagged words (flags: model A 0x%x, model B 0x%x; see Model.reliability)"
                          % (path, r.flags_a, r.flags_b), ReliabilityWarning, stacklevel=2)
        return BenchmarkComparison(r.pairs, r.replicates, r.spearman_a, r.spearman_b, r.diff, r.sd, (r.lo, r.hi), r.p_value,
                                   r.sd_pairs, r.sd_noise, r.level, r.flags_a, r.flags_b)

    @_params("WeatResult")
    def weat(self, x, y, a, b, permutations: Optional[int] = None, ci: Optional[float] = None, method: Optional[str] = None,
             samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
             approximate: bool = False) -> WeatResult:
        """WEAT (Caliskan et al. 2017): x, y target lists, a, b attribute lists (unknown words are skipped; a list left
        with fewer than 2 words is an InputError). Intervals of the effect size and of S by `method` (as
        :meth:`similarity`); permutations: re-partitions of the permutation test (None: the core's default, 10000; an
        exact test when there are fewer); approximate=True uses the compact covariances."""
        x, y, a, b = _word_list(x, "x"), _word_list(y, "y"), _word_list(a, "a"), _word_list(b, "b")
        self._warn_skipped({"X": x, "Y": y, "A": a, "B": b})
        ax, nx = L.string_array(x, "x")
        ay, ny = L.string_array(y, "y")
        aa, na = L.string_array(a, "a")
        ab, nb = L.string_array(b, "b")
        r = L.WeatResult()
        perms = 0 if permutations is None else _positive_int(permutations, "permutations")
        L._check(L._lib.gv_weat(self._handle(), ax, nx, ay, ny, aa, na, ab, nb, perms,
                                byref(_query(ci, method, samples, seed, hold_fixed, approximate)), byref(r)))
        flags = r.effect_size_ci.flags | r.statistic_ci.flags
        res = WeatResult(r.statistic, r.effect_size, r.p_value, r.permutations, bool(r.exact),
                         Interval(**_interval(r.effect_size_ci, ci)), Interval(**_interval(r.statistic_ci, ci)),
                         self._reliabilities(x + y + a + b, flags, known_only=True, approximate=approximate))
        _warn_not_identifiable([STATUS[r.effect_size_ci.status], STATUS[r.statistic_ci.status]],
                               [REASON[r.effect_size_ci.reason], REASON[r.statistic_ci.reason]], "WEAT intervals (effect size, statistic)")
        return res

    @_params("RndResult")
    def relative_norm_distance(self, group1, group2, neutral, ci: Optional[float] = None, method: Optional[str] = None,
                               samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
                               approximate: bool = False) -> RndResult:
        """Relative norm distance (Garg et al. 2018) with an interval and the test of RND = 0; arguments as :meth:`weat`."""
        group1, group2, neutral = _word_list(group1, "group1"), _word_list(group2, "group2"), _word_list(neutral, "neutral")
        self._warn_skipped({"GROUP1": group1, "GROUP2": group2, "NEUTRAL": neutral})
        a1, n1 = L.string_array(group1, "group1")
        a2, n2 = L.string_array(group2, "group2")
        an, nn = L.string_array(neutral, "neutral")
        r = L.RndResult()
        L._check(L._lib.gv_rnd(self._handle(), a1, n1, a2, n2, an, nn, byref(_query(ci, method, samples, seed, hold_fixed, approximate)),
                               byref(r)))
        res = RndResult(r.value, r.z, r.p_value, r.neutral, Interval(**_interval(r.ci, ci)),
                        self._reliabilities(group1 + group2 + neutral, r.ci.flags, known_only=True, approximate=approximate))
        _warn_not_identifiable([STATUS[r.ci.status]], [REASON[r.ci.reason]], "relative norm distance")
        return res

    def _warn_skipped(self, lists):
        """The words of bias lists the vocabulary lacks are left out by the core, and a repeated word counts once: said,
        as the CLI says it."""
        def said(name, what, ws):
            warnings.warn("glovev: word list %s: %d word(s) %s: %s%s" % (name, len(ws), what, ", ".join(ws[:20]), ", ..." if len(ws) > 20 else ""),
                          ReliabilityWarning, stacklevel=4)
        for name, words in lists.items():
            unknown = [w for w in dict.fromkeys(words) if isinstance(w, str) and w not in self]
            if unknown:
                said(name, "not in the vocabulary, left out", unknown)
            counts = collections.Counter(words)
            repeated = [w for w in dict.fromkeys(words) if counts[w] > 1]
            if repeated:
                said(name, "given more than once, counted once", repeated)

    _BIAS_COLUMNS = ["quantity", "plugin", "estimate", "sd", "lower", "upper", "status", "method", "p_value", "permutation_p", "flags"]

    @staticmethod
    def _bias_row(quantity, plugin, iv, permutation_p=float("nan")):
        return (quantity, plugin, iv.estimate, iv.sd, iv.ci[0], iv.ci[1], iv.status, iv.method, iv.p_value, permutation_p, iv.flags)

    @_params()
    def weat_table(self, x, y, a, b, permutations: Optional[int] = None, ci: Optional[float] = None, method: Optional[str] = None,
                   samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False, approximate: bool = False):
        """:meth:`weat` as a table: one row for the effect size, one for the statistic S.

        Returns
        -------
        pandas.DataFrame (a numpy structured array without pandas)
            Columns: quantity ('effect_size' or 'statistic'), plugin (at the trained vectors), estimate (the interval's
            centre), sd, lower, upper, status ('ok' or 'not_identifiable'), method, p_value (the interval's test of 0),
            permutation_p (WEAT's one-sided permutation p = (g + 1)/(n + 1), on both rows), flags (GV_FLAG_* over the
            lists' words). Flagged words warn as in :meth:`weat`.
        """
        r = self.weat(x, y, a, b, permutations=permutations, ci=ci, method=method, samples=samples, seed=seed,
                      hold_fixed=hold_fixed, approximate=approximate)
        return _frame(self._BIAS_COLUMNS, [self._bias_row("effect_size", r.effect_size, r.effect_size_interval, r.p_value),
                                           self._bias_row("statistic", r.statistic, r.statistic_interval, r.p_value)])

    @_params()
    def rnd_table(self, group1, group2, neutral, ci: Optional[float] = None, method: Optional[str] = None,
                  samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False, approximate: bool = False):
        """:meth:`relative_norm_distance` as a one-row table with the columns of :meth:`weat_table` (quantity 'rnd';
        permutation_p is NaN)."""
        r = self.relative_norm_distance(group1, group2, neutral, ci=ci, method=method, samples=samples, seed=seed,
                                        hold_fixed=hold_fixed, approximate=approximate)
        return _frame(self._BIAS_COLUMNS, [self._bias_row("rnd", r.value, r.interval)])

    @_params()
    def bias_difference_table(self, kind: str, first, second, ci: Optional[float] = None, method: Optional[str] = None,
                              samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
                              approximate: bool = False):
        """:meth:`weat_difference` (kind 'weat') or :meth:`rnd_difference` (kind 'rnd') as a table with the columns of
        :meth:`weat_table`: rows 'first' and 'second' (plug-in scores, no interval: NaN) and 'difference' (first minus
        second, with its interval and the test of equal scores)."""
        if kind not in ("weat", "rnd"):
            raise ValueError("kind must be 'weat' or 'rnd', got %r" % (kind,))
        fn = self.weat_difference if kind == "weat" else self.rnd_difference
        d = fn(first, second, ci=ci, method=method, samples=samples, seed=seed, hold_fixed=hold_fixed, approximate=approximate)
        nan = float("nan")
        plain = lambda q, v: (q, v, nan, nan, nan, nan, "ok", d.difference.method, nan, nan, 0)
        return _frame(self._BIAS_COLUMNS, [plain("first", d.first), plain("second", d.second),
                                           self._bias_row("difference", d.difference.plugin, d.difference)])

    def _bias_difference(self, fn, first, second, n, parts, ci, method, samples, seed, hold_fixed, approximate):
        f = L.StringArrays(first, n, "first", parts)
        s = L.StringArrays(second, n, "second", parts)
        self._warn_skipped({**f.named, **s.named})
        r = L.BiasDifference()
        L._check(fn(self._handle(), f.lists, f.counts, s.lists, s.counts, byref(_query(ci, method, samples, seed, hold_fixed, approximate)),
                    byref(r)))
        return r, f.words + s.words

    @_params("BiasDifference")
    def weat_difference(self, first, second, ci: Optional[float] = None, method: Optional[str] = None,
                        samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
                        approximate: bool = False) -> BiasDifference:
        """WEAT effect size with the `first` lists minus that with the `second` (each a sequence (X, Y, A, B) of 4 word
        lists), on this model, with an interval and the test of equal effect sizes; words the lists share enter once.
        Other arguments as :meth:`weat`."""
        r, words = self._bias_difference(L._lib.gv_weat_difference, first, second, 4, "X, Y, A, B", ci, method, samples,
                                         seed, hold_fixed, approximate)
        res = BiasDifference(r.first, r.second, Interval(**_interval(r.ci, ci)), self._reliabilities(words, r.ci.flags, known_only=True, approximate=approximate))
        _warn_not_identifiable([STATUS[r.ci.status]], [REASON[r.ci.reason]], "difference of two WEAT effect sizes")
        return res

    @_params("BiasDifference")
    def rnd_difference(self, first, second, ci: Optional[float] = None, method: Optional[str] = None,
                       samples: Optional[int] = None, seed: Optional[int] = None, hold_fixed: bool = False,
                       approximate: bool = False) -> BiasDifference:
        """RND with the `first` lists minus RND with the `second` (each a sequence (GROUP1, GROUP2, NEUTRAL) of 3 word
        lists), with an interval and the test of equal values; other arguments as :meth:`weat`."""
        r, words = self._bias_difference(L._lib.gv_rnd_difference, first, second, 3, "GROUP1, GROUP2, NEUTRAL", ci, method,
                                         samples, seed, hold_fixed, approximate)
        res = BiasDifference(r.first, r.second, Interval(**_interval(r.ci, ci)), self._reliabilities(words, r.ci.flags, known_only=True, approximate=approximate))
        _warn_not_identifiable([STATUS[r.ci.status]], [REASON[r.ci.reason]], "difference of two RNDs")
        return res

    # --- gensim / word2vec / GloVe files (through the core's readers and writers) -------------------------------
    @classmethod
    @_params("Model")
    def load_word2vec_format(cls, path, out_dir, binary: bool = False, no_header: bool = False) -> "Model":
        """Reads a word2vec / gensim vector file (or, with ``no_header=True``, GloVe's vectors.txt such as
        glove.6B.100d.txt), writes it as a model folder `out_dir` (vocab.txt, vectors.safetensors) and opens it, as
        gensim's ``KeyedVectors.load_word2vec_format(path, binary=, no_header=)`` reads the same file. The formats carry
        no counts, context vectors or covariances: queries need ``hold_fixed=True`` until :func:`glovev.variance` has
        run on a model trained with them."""
        import_vectors(path, out_dir, "word2vec-bin" if binary else ("glove-txt" if no_header else "word2vec"))
        return cls.load(out_dir)

    @_params()
    def save_word2vec_format(self, path, binary: bool = False, write_header: bool = True) -> None:
        """Writes the centre vectors (the ones the queries use) as gensim's ``KeyedVectors.save_word2vec_format`` does:
        text, or float32 binary with ``binary=True``; ``write_header=False`` writes GloVe's header-less text."""
        if binary and not write_header:
            raise ValueError("binary word2vec files always have a header")
        fmt = _FORMATS["word2vec-bin" if binary else ("word2vec" if write_header else "glove-txt")]
        n = c_int64()
        if self.path is None:
            raise L.ArgumentError("this model was not opened from a folder")
        L._check(L._lib.gv_export_vectors(L.encode(self.path, "model"), fmt, L.path(path, "path"), byref(n)))

    @classmethod
    @_params("Model", path="str or path-like\n    The model folder to write.")
    def from_keyed_vectors(cls, kv, path) -> "Model":
        """A gensim KeyedVectors as a model folder `path`, opened: gensim writes the vectors with its own
        ``save_word2vec_format`` (float32 binary) and the core reads them. Such a model has no GloVe-V covariances:
        queries need ``hold_fixed=True``."""
        import tempfile
        if not callable(getattr(kv, "save_word2vec_format", None)):
            raise TypeError("kv must be a gensim KeyedVectors (with save_word2vec_format), not %s" % type(kv).__name__)
        with tempfile.TemporaryDirectory() as tmp:
            f = "%s/vectors.bin" % tmp
            kv.save_word2vec_format(f, binary=True)
            return cls.load_word2vec_format(f, path, binary=True)

    def to_keyed_vectors(self):
        """The centre vectors as gensim.models.KeyedVectors: the core writes them as a word2vec binary file and gensim's
        own ``load_word2vec_format`` reads it (needs gensim)."""
        import tempfile
        from gensim.models import KeyedVectors
        with tempfile.TemporaryDirectory() as tmp:
            f = "%s/vectors.bin" % tmp
            self.save_word2vec_format(f, binary=True)
            return KeyedVectors.load_word2vec_format(f, binary=True)
