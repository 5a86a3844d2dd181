"""Checks of the intervals on one's own corpus: :func:`calibrate`, :func:`bootstrap` and :func:`compare_uncertainty`.

Each is a thin call into libglovev (``gv_calibrate``, ``gv_bootstrap``, ``gv_compare_uncertainty``); the core owns the
defaults, the checks and the column definitions (see ``glovev.h``). Tables come back as pandas DataFrames, or as numpy
structured arrays when pandas is not installed.
"""
import ctypes
import os
import tempfile
from ctypes import byref, c_int32, c_int64

import numpy as np

from . import _lib as L
from .model import _method
from .pipeline import _flags, _int, _num, _size

_I32 = (1 << 31) - 1


def _table(path):
    """A tab-separated table written by the core: a DataFrame (NA -> NaN), or a numpy structured array without pandas."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a Debian package here
        return np.genfromtxt(path, delimiter="\t", names=True, dtype=None, encoding="utf-8", missing_values="NA",
                             filling_values=np.nan)
    return pd.read_csv(path, sep="\t", na_values=["NA"], keep_default_na=False)


def _edges(bands, name="bands"):
    if bands is None:
        return None, 0
    try:
        values = [_int(b, name, 1, _I32) for b in bands]
    except TypeError:
        raise TypeError("%s must be a sequence of integer ranks" % name) from None
    if not values:
        # The C ABI reads 0 edges as "the defaults": an empty list is not that (R refuses integer(0) too).
        raise L.ArgumentError("%s must hold at least one rank (None: the default bands)" % name, L.ERR_ARGUMENT)
    arr = (c_int64 * len(values))(*values)
    return arr, len(values)


class _Scratch:
    """A temporary folder for the core's table files, removed afterwards."""

    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="glovev-")
        return self._dir.name

    def __exit__(self, *exc):
        self._dir.cleanup()


def calibrate(model_dir, cooccur_dir, bands=None, words_per_band=None, replicates=None, methods=None, samples=None,
              seed=None, level=None, threads=0):
    """Coverage of the interval methods in a simulation from the fitted model (``glovev calibrate``).

    GloVe-V's model is taken as true with the model's fitted parameters: for sampled words of each frequency band,
    fresh log co-occurrences are drawn on the observed contexts with noise variance sigma_i^2 / f_ij, the vectors are
    re-solved by weighted least squares given the context vectors and biases, covariances are recomputed, and every
    method's interval is scored against the fitted truth.

    Parameters
    ----------
    model_dir, cooccur_dir : str or path
        A trained model folder (``params.safetensors``, ``vocab.txt``) and the co-occurrence folder it was trained on.
    bands : sequence of int, optional
        Upper frequency ranks of the bands (default 300, 1000, 3000, 10000; the last band is every rank above).
    words_per_band, replicates, samples : int, optional
        Words per band (default 40), simulated corpora (25), draws of the drawing methods (1000).
    methods : sequence of str, optional
        Any of ``"calibrated"``, ``"delta"``, ``"sample"`` (default all three).
    seed : int, optional
    level : float, optional
        Confidence level (default 0.95).
    threads : int
        Worker threads (0: all cores).

    Returns
    -------
    pandas.DataFrame
        One row per band, statistic (``cosine_neighbour``, ``cosine_random``, ``difference``) and method, with columns
        band, rank_from, rank_to, words, median_noise_ratio, median_dof, statistic, method, intervals, coverage,
        coverage_se (Monte Carlo standard error), median_width, not_identifiable (a not-identifiable answer counts as
        covering).
    """
    o = L.CalibrateOptions()
    L._check(L._lib.gv_calibrate_options_default(byref(o)))
    if words_per_band is not None:
        o.words_per_band = _int(words_per_band, "words_per_band", 0, _I32)
    if replicates is not None:
        o.replicates = _int(replicates, "replicates", 0, _I32)
    if samples is not None:
        o.samples = _int(samples, "samples", 2, _I32)
    if seed is not None:
        o.seed = _int(seed, "seed", 0, (1 << 64) - 1)
    if level is not None:
        o.level = _num(level, "level")
    o.threads = _int(threads, "threads", 0, _I32)
    if methods is not None:
        if isinstance(methods, str):
            methods = [methods]
        mask = 0
        for m in methods:
            if not isinstance(m, str):
                raise L.ArgumentError("methods: each must be a method name, got %r" % (m,))
            # Names, aliases and codes are the core's (gv_method_parse); the mask has bit 1 << GV_METHOD_*.
            try:
                mask |= 1 << _method(m.strip())
            except L.ArgumentError as e:
                raise L.ArgumentError("methods: %s" % e) from None
        if mask == 0:
            raise L.ArgumentError("methods: give at least one interval method")
        o.methods = mask
    edges, n = _edges(bands)
    o.band_edges, o.n_band_edges = (ctypes.cast(edges, ctypes.POINTER(c_int64)) if edges is not None else None), n
    with _Scratch() as tmp:
        path = os.path.join(tmp, "calibration.tsv")
        L._check(L._lib.gv_calibrate(L.path(model_dir, "model_dir"), L.path(cooccur_dir, "cooccur_dir"),
                                     byref(o), L.encode(path, "table_path")))
        return _table(path)


def bootstrap(corpus, out_dir, replicates=None, seed_replicates=None, vocab=None, dim=None, epochs=None, als_sweeps=None,
              ridge=None, min_count=None, window=None, lowercase=True, split_punctuation=True, seed=None, memory=None,
              threads=0, shard=None):
    """Retrains on documents (lines) resampled with replacement, and on new seeds (``glovev bootstrap``).

    The vocabulary is fixed (``vocab``, e.g. a model's ``vocab.txt``, or built from the corpus with ``min_count``); every
    replicate stores its word vectors as ``out_dir/replicates/boot_NNNN.safetensors`` (seed-only: ``seed_NNNN``). A rerun
    with the same settings resumes at the next missing replicate.

    Parameters
    ----------
    corpus : path
        Corpus file (plain text or .gz, one document per line).
    out_dir : path
        Bootstrap folder (bootstrap.json, vocab.txt, replicates/).
    replicates, seed_replicates : int, optional
        Document-bootstrap replicates (default 8) and seed-only replicates (default 0).
    vocab : path, optional
        A vocab.txt to keep fixed (a model's, to compare with it); None: built from the corpus.
    min_count : int, optional
        Vocabulary cut-off when `vocab` is None (default 5).
    window : int, optional
        Context window (default 10).
    memory : int or str, optional
        Co-occurrence budget per replicate: bytes or "512M", "4G" (default 2G).
    threads : int
        Worker threads (0: all cores).
    dim, epochs, als_sweeps, ridge : optional
        The training schedule; default ``glovev run``'s (50, 10, 4, 0.3).
    lowercase, split_punctuation : bool
        Tokenisation, as ``glovev run`` (both on by default).
    shard : (int, int), optional
        ``(k, n)``: only the replicate jobs j (1-based) with j = k mod n, for running shards on several machines.

    Returns
    -------
    int
        How many replicates this call trained (0 when everything was already there).
    """
    b = L.BootstrapOptions()
    L._check(L._lib.gv_bootstrap_options_default(byref(b)))
    t = L.TrainOptions()
    L._check(L._lib.gv_train_options_run_default(byref(t)))
    if replicates is not None:
        b.replicates = _int(replicates, "replicates", 0, _I32)
    if seed_replicates is not None:
        b.seed_replicates = _int(seed_replicates, "seed_replicates", 0, _I32)
    if window is not None:
        b.window = _int(window, "window", 0, _I32)
    if min_count is not None:
        b.min_count = _int(min_count, "min_count", 1, (1 << 63) - 1)
    if memory is not None:
        b.memory_bytes = _size(memory)
    if seed is not None:
        b.seed = t.seed = _int(seed, "seed", 0, (1 << 64) - 1)
    b.flags = _flags(lowercase, split_punctuation)
    if shard is not None:
        try:
            k, n = shard
        except (TypeError, ValueError):
            raise TypeError("shard must be a pair (k, n)") from None
        b.shard, b.shards = _int(k, "shard k", 0, _I32), _int(n, "shard n", 0, _I32)
    keep = L.path(vocab, "vocab") if vocab is not None else None
    b.vocab_path = keep
    if dim is not None:
        t.dim = _int(dim, "dim", 0, _I32)
    if epochs is not None:
        t.epochs = _int(epochs, "epochs", 0, _I32)
    if als_sweeps is not None:
        t.als_sweeps = _int(als_sweeps, "als_sweeps", 0, _I32)
    if ridge is not None:
        t.ridge = _num(ridge, "ridge")
    elif t.als_sweeps == 0:
        t.ridge = 0.0  # run's default ridge belongs to its sweeps: without them there is none (as the CLI's)
    t.threads = _int(threads, "threads", 0, _I32)
    trained = c_int32()
    L._check(L._lib.gv_bootstrap(L.path(corpus, "corpus"), L.path(out_dir, "out_dir"), byref(b), byref(t),
                                 byref(trained)))
    return trained.value


def compare_uncertainty(model_dir, bootstrap_dir, bands=None, pairs_per_band=None, seed=None):
    """GloVe-V's SD of cosines against the document-bootstrap and seed-only SDs (``glovev compare-uncertainty``).

    For sampled words of each frequency band, paired with their nearest neighbour, the SD of the cosine by GloVe-V (the
    paper's delta method at the plug-in vectors) is set beside its SD over the bootstrap folder's replicates (trained with
    ``vocab=<model>/vocab.txt``) and over its seed-only replicates. No alignment is applied: cosines do not change under
    rotation.

    Parameters
    ----------
    model_dir : path
        Model folder with variances.
    bootstrap_dir : path
        Folder written by :func:`bootstrap` with ``vocab=<model>/vocab.txt``.
    bands : list of int, optional
        Upper frequency ranks of the bands (None: the core's 300, 1000, 3000, 10000).
    pairs_per_band : int, optional
        Pairs sampled per band (None: the core's default, 80).
    seed : int, optional
        Seed of the word sample (None: the core's default).

    Returns
    -------
    (bands, pairs) : (pandas.DataFrame, pandas.DataFrame)
        ``bands``: band, rank_from, rank_to, pairs, dropped, median_glovev_sd, median_bootstrap_sd, median_seed_sd,
        median_ratio_glovev_bootstrap, median_ratio_glovev_seed, median_ratio_seed_bootstrap, pearson_glovev_bootstrap,
        spearman_glovev_bootstrap (a last row ``all``); ``pairs``: band, a, b, rank_a, cosine, glovev_sd, bootstrap_sd,
        seed_sd, bootstrap_replicates, seed_replicates.
    """
    o = L.CompareUncertaintyOptions()
    L._check(L._lib.gv_compare_uncertainty_options_default(byref(o)))
    if pairs_per_band is not None:
        o.pairs_per_band = _int(pairs_per_band, "pairs_per_band", 0, _I32)
    if seed is not None:
        o.seed = _int(seed, "seed", 0, (1 << 64) - 1)
    edges, n = _edges(bands)
    o.band_edges, o.n_band_edges = (ctypes.cast(edges, ctypes.POINTER(c_int64)) if edges is not None else None), n
    with _Scratch() as tmp:
        bp, pp = os.path.join(tmp, "bands.tsv"), os.path.join(tmp, "pairs.tsv")
        L._check(L._lib.gv_compare_uncertainty(L.path(model_dir, "model_dir"), L.path(bootstrap_dir, "bootstrap_dir"),
                                               byref(o), L.encode(bp, "bands_path"), L.encode(pp, "pairs_path")))
        return _table(bp), _table(pp)
