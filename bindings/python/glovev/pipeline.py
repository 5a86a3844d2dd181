"""The pipeline stages as functions: vocabulary, co-occurrence, training, variances; and the co-occurrence matrix."""
import ctypes
from ctypes import byref, c_double, c_int32, c_int64, c_void_p

import numpy as np

from . import _lib as L

_FLAGS = {"lowercase": 1, "split_punctuation": 2, "replace_invalid": 4}


def _int(x, name, lo, hi):
    """An integer argument within [lo, hi] (ctypes would silently wrap one outside its C type)."""
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError("%s must be an integer, not %s" % (name, type(x).__name__))
    if not lo <= int(x) <= hi:
        raise L.ArgumentError("%s must be an integer from %d to %d, got %d" % (name, lo, hi, int(x)))
    return int(x)


def _num(x, name):
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError("%s must be a number, not %s" % (name, type(x).__name__))
    return float(x)


_I32 = (1 << 31) - 1


def _flags(lowercase=False, split_punctuation=False, replace_invalid=False):
    return (1 if lowercase else 0) | (2 if split_punctuation else 0) | (4 if replace_invalid else 0)


def build_vocab(corpus, out, min_count=5, max_vocab=0, lowercase=False, split_punctuation=False,
                replace_invalid=False, threads=0) -> int:
    """Writes GloVe C's vocab.txt; returns the vocabulary size."""
    n = c_int64()
    L._check(L._lib.gv_vocab_build(L.encode(str(corpus), "corpus"), L.encode(str(out), "out"), int(min_count),
                                   int(max_vocab), _flags(lowercase, split_punctuation, replace_invalid), int(threads), byref(n)))
    return n.value


def cooccur(corpus, vocab, out_dir, window=10, symmetric=True, distance_weighting=True, memory="4G",
            lowercase=False, split_punctuation=False, replace_invalid=False, threads=0) -> int:
    """Counts co-occurrences into out_dir; returns the number of non-zeros."""
    n = c_int64()
    window = _int(window, "window", 1, _I32)
    threads = _int(threads, "threads", 0, _I32)
    L._check(L._lib.gv_cooccur(L.encode(str(corpus), "corpus"), L.encode(str(vocab), "vocab"), L.encode(str(out_dir), "out_dir"),
                               int(window), 1 if symmetric else 0, 1 if distance_weighting else 0, _size(memory), int(threads),
                               _flags(lowercase, split_punctuation, replace_invalid), byref(n)))
    return n.value


def _size(memory):
    if isinstance(memory, int):
        return memory
    s = str(memory).strip().upper().rstrip("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "KMG" else s) * mult)


def train(cooccur_dir, vocab, out_dir, dim=100, epochs=25, threads=0, eta=0.05, x_max=100.0, alpha=0.75,
          grad_clip=100.0, seed=1, bias_eta=None, checkpoint_every=0, resume=False, progress=None, cancel=None,
          als_sweeps=0, ridge=0.0, als_tol=None, init_from=None, max_epochs=100, epochs_tol=None, epochs_cos=None) -> float:
    """Trains a model into out_dir and returns the final cost.

    Parameters
    ----------
    epochs : int or "auto"
        AdaGrad passes over the non-zeros (0: start the ALS sweeps from GloVe C's initial vectors, or from
        ``init_from``). ``"auto"`` runs at most ``max_epochs`` and stops once the cost changes by less than
        ``epochs_tol`` per epoch and the median cos(trained, WLS) of frequent words reaches ``epochs_cos``.
    als_sweeps : int
        Alternating least-squares sweeps after the epochs: each solves every context row, then every word row,
        exactly, so every word vector ends at the weighted-least-squares optimum GloVe-V assumes.
    ridge : float
        Ridge lambda on the vectors in the ALS solves (a Gaussian prior); recorded in the model and used by
        :func:`variance`, which then gives sigma^2 (H + lambda I)^-1.
    progress : callable, optional
        ``progress(epoch, epochs, cost)`` after every epoch, and ``progress(-k, -n, cost)`` after ALS sweep k of n;
        return True to cancel. ``cancel`` may be a ctypes.c_int32 set to 1 from another thread.
    """
    o = L.TrainOptions()
    L._check(L._lib.gv_train_options_default(byref(o)))
    if isinstance(epochs, str):
        if epochs.strip().lower() != "auto":
            raise ValueError("epochs must be a whole number >= 0 or 'auto', got %r" % (epochs,))
        o.epochs_auto, epochs = 1, max_epochs
        if epochs_tol is not None:
            o.auto_tol = _num(epochs_tol, "epochs_tol")
        if epochs_cos is not None:
            o.auto_cos = _num(epochs_cos, "epochs_cos")
    o.als_sweeps, o.ridge = _int(als_sweeps, "als_sweeps", 0, _I32), _num(ridge, "ridge")
    if als_tol is not None:
        o.als_tol = _num(als_tol, "als_tol")
    keep = L.encode(str(init_from), "init_from") if init_from is not None else None
    o.init_from = keep
    o.dim, o.epochs = _int(dim, "dim", 1, _I32), _int(epochs, "epochs", 0, _I32)
    o.threads, o.checkpoint_every = _int(threads, "threads", 0, _I32), _int(checkpoint_every, "checkpoint_every", 0, _I32)
    o.eta, o.x_max, o.alpha, o.grad_clip = _num(eta, "eta"), _num(x_max, "x_max"), _num(alpha, "alpha"), _num(grad_clip, "grad_clip")
    o.bias_eta = _num(bias_eta, "bias_eta") if bias_eta else 0.0
    o.seed, o.resume = _int(seed, "seed", 0, (1 << 64) - 1), 1 if resume else 0

    raised = []

    def _cb(epoch, epochs_, cost, _user):
        # An exception cannot cross the C ABI: stop the run, and raise it here once the core has returned.
        try:
            return 1 if progress(epoch, epochs_, cost) else 0
        except BaseException as e:  # noqa: B902 (KeyboardInterrupt too: it must stop training, not vanish)
            raised.append(e)
            return 1

    cb = L.PROGRESS_FN(_cb) if progress else ctypes.cast(None, L.PROGRESS_FN)
    flag = byref(cancel) if cancel is not None else None
    cost = c_double()
    status = L._lib.gv_train(L.encode(str(cooccur_dir), "cooccur_dir"), L.encode(str(vocab), "vocab"),
                             L.encode(str(out_dir), "out_dir"), byref(o), cb, None, flag, byref(cost))
    if raised:
        raise raised[0]
    L._check(status)
    return cost.value


def variance(model_dir, cooccur_dir, out_dir=None, threads=0, approx=0.90, complete=True, refine=False) -> int:
    """Computes GloVe-V covariances; returns the number of words that got one."""
    n = c_int64()
    L._check(L._lib.gv_variance(L.encode(str(model_dir), "model_dir"), L.encode(str(cooccur_dir), "cooccur_dir"),
                                None if out_dir is None else L.encode(str(out_dir), "out_dir"), int(threads), float(approx),
                                1 if complete else 0, 1 if refine else 0, byref(n)))
    return n.value


def spd_inverse(a) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix through the engine's BLAS backend (MKL or OpenBLAS)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("expected a square matrix, got shape %s" % (a.shape,))
    out = np.empty_like(a)
    L._check(L._lib.gv_spd_inverse(a.ctypes.data_as(L._DP), a.shape[0], out.ctypes.data_as(L._DP), out.size))
    return out


def blas_backend() -> str:
    """The BLAS/LAPACK backend, SIMD level and instruction set libglovev runs with (``glovev --version``)."""
    need = c_int64()
    L._check(L._lib.gv_blas_backend(None, 0, byref(need)))
    buf = ctypes.create_string_buffer(need.value)
    L._check(L._lib.gv_blas_backend(buf, need.value, byref(need)))
    return buf.value.decode("utf-8")


class CooccurrenceMatrix:
    """The co-occurrence matrix (memory-mapped CSR). row(i) gives (column ids, values)."""

    def __init__(self, cooccur_dir, vocab):
        h = c_void_p()
        L._check(L._lib.gv_matrix_open(L.encode(str(cooccur_dir), "cooccur_dir"), L.encode(str(vocab), "vocab"), byref(h)))
        self._h = h
        r, n = c_int64(), c_int64()
        L._check(L._lib.gv_matrix_shape(self._h, byref(r), byref(n)))
        self.shape = (r.value, r.value)
        self.nnz = n.value

    def row(self, i):
        """Row i (0-based) as (column ids int32, values float64) numpy arrays."""
        if self._h is None:
            raise L.HandleError("matrix is closed")
        n = c_int64()
        L._check(L._lib.gv_matrix_row(self._h, int(i), None, None, 0, byref(n)))
        cols = np.empty(n.value, dtype=np.int32)
        vals = np.empty(n.value, dtype=np.float64)
        L._check(L._lib.gv_matrix_row(self._h, int(i), cols.ctypes.data_as(ctypes.POINTER(c_int32)),
                                      vals.ctypes.data_as(L._DP), n.value, byref(n)))
        return cols, vals

    def close(self):
        """Frees the matrix handle (unmaps the file)."""
        if self._h is not None:
            L._check(L._lib.gv_matrix_free(self._h))
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
