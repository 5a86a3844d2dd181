"""The pipeline stages as functions: vocabulary, co-occurrence, training, variances; and the co-occurrence matrix."""
import ctypes
from ctypes import byref, c_double, c_int32, c_int64, c_void_p

import numpy as np

from . import _lib as L
from .model import _flag

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


def _set(o, **fields):
    """Sets the given fields of an options struct: name=(value, check), the value checked by check(value, name); a value
    of None leaves the core's default in place."""
    for name, (value, check) in fields.items():
        if value is not None:
            setattr(o, name, check(value, name))
    return o


def _count(lo, hi):
    return lambda x, name: _int(x, name, lo, hi)


def _flags(lowercase=False, split_punctuation=False, replace_invalid=False):
    # Each True or False ("no" or 2 would otherwise count as True).
    return _flag(lowercase, "lowercase") | 2 * _flag(split_punctuation, "split_punctuation") | 4 * _flag(replace_invalid, "replace_invalid")


def _bool(x, name):
    if not isinstance(x, (bool, np.bool_)) and x not in (0, 1):
        raise TypeError("%s must be True or False, not %r" % (name, x))
    return 1 if x else 0


def vocab_options(min_count=None, max_vocab=None, lowercase=False, split_punctuation=False, replace_invalid=False,
                  threads=None) -> L.VocabOptions:
    """A gv_vocab_options filled with the core's defaults (gv_vocab_options_default), then the given arguments."""
    o = L.VocabOptions()
    L._check(L._lib.gv_vocab_options_default(byref(o)))
    o.flags = _flags(lowercase, split_punctuation, replace_invalid)
    return _set(o, min_count=(min_count, _count(1, (1 << 63) - 1)), max_vocab=(max_vocab, _count(0, _I32)),
                threads=(threads, _count(0, _I32)))


def build_vocab(corpus, out, min_count=None, max_vocab=None, lowercase=False, split_punctuation=False,
                replace_invalid=False, threads=None) -> int:
    """Writes GloVe C's vocab.txt (and vocab.txt.tokenizer, the tokenisation later stages check).

    Parameters
    ----------
    corpus : path
        Plain text or .gz, one document per line.
    out : path
        vocab.txt to write.
    min_count : int, optional
        Words seen fewer times are dropped (None: the core's default, 5).
    max_vocab : int, optional
        Keep at most this many words, most frequent first (None or 0: no limit).
    lowercase, split_punctuation, replace_invalid : bool
        Tokenisation (default: GloVe C's whitespace tokens, as ``glovev vocab``).
    threads : int, optional
        Worker threads (None or 0: all cores).

    Returns
    -------
    int
        The vocabulary size.
    """
    n = c_int64()
    o = vocab_options(min_count, max_vocab, lowercase, split_punctuation, replace_invalid, threads)
    L._check(L._lib.gv_vocab_build(L.path(corpus, "corpus"), L.path(out, "out"), byref(o), byref(n)))
    return n.value


def cooccur_options(window=None, symmetric=None, distance_weighting=None, memory=None, lowercase=False,
                    split_punctuation=False, replace_invalid=False, threads=None) -> L.CooccurOptions:
    """A gv_cooccur_options filled with the core's defaults (gv_cooccur_options_default), then the given arguments."""
    o = L.CooccurOptions()
    L._check(L._lib.gv_cooccur_options_default(byref(o)))
    o.flags = _flags(lowercase, split_punctuation, replace_invalid)
    return _set(o, window=(window, _count(1, _I32)), symmetric=(symmetric, _bool), distance_weighting=(distance_weighting, _bool),
                memory_bytes=(memory, lambda x, _: _size(x)), threads=(threads, _count(0, _I32)))


def cooccur(corpus, vocab, out_dir, window=None, symmetric=None, distance_weighting=None, memory=None,
            lowercase=False, split_punctuation=False, replace_invalid=False, threads=None) -> int:
    """Counts co-occurrences into out_dir (cooccurrence.bin in GloVe C's format and a memory-mapped CSR).

    Parameters
    ----------
    corpus : path
        Plain text or .gz, one document per line.
    vocab : path
        The vocab.txt to count with (its tokenisation record is checked).
    out_dir : path
        Output folder (written atomically).
    window : int, optional
        Context words on each side, 1..20 (None: the core's default, 10).
    symmetric, distance_weighting : bool, optional
        Left and right contexts; weight 1/distance as GloVe C (None: the core's defaults, both True).
    memory : int or str, optional
        Budget of the whole counting process: bytes, or "512M", "4G" (None: 4G). A budget below the minimum for the
        vocabulary raises ArgumentError naming it.
    lowercase, split_punctuation, replace_invalid : bool
        Tokenisation; it must match the vocabulary's (vocab.txt.tokenizer), else ArgumentError.
    threads : int, optional
        Worker threads (None or 0: all cores).

    Returns
    -------
    int
        Stored non-zeros.
    """
    n = c_int64()
    o = cooccur_options(window, symmetric, distance_weighting, memory, lowercase, split_punctuation, replace_invalid, threads)
    L._check(L._lib.gv_cooccur(L.path(corpus, "corpus"), L.path(vocab, "vocab"), L.path(out_dir, "out_dir"),
                               byref(o), byref(n)))
    return n.value


def _size(memory):
    """Bytes from an int or a size string ("512M", "4G", "64K", "1000")."""
    if isinstance(memory, bool):
        raise TypeError("memory must be bytes (int) or a size such as '512M', not bool")
    if isinstance(memory, (int, np.integer)):
        b = int(memory)
    elif not isinstance(memory, str):
        raise TypeError("memory must be bytes (int) or a size such as '512M', not %s" % type(memory).__name__)
    else:
        s = memory.strip().upper().rstrip("B")
        mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
        try:
            x = float(s[:-1] if s[-1:] in "KMG" else s) * mult
        except ValueError:
            raise L.ArgumentError("memory must be bytes or a size such as '512M' or '4G', got %r" % (memory,), L.ERR_ARGUMENT) from None
        if not np.isfinite(x):
            raise L.ArgumentError("memory must be a finite size, got %r" % (memory,), L.ERR_ARGUMENT)
        b = int(x)
    # int64 in the C struct: ctypes would wrap a larger value (2**64 + 5 to 5, 2**63 to a negative one).
    if not 1 <= b <= (1 << 63) - 1:
        raise L.ArgumentError("memory must be from 1 byte to 2^63 - 1 bytes, got %r" % (memory,), L.ERR_ARGUMENT)
    return b


def train(cooccur_dir, vocab, out_dir, dim=None, epochs=None, threads=None, eta=None, x_max=None, alpha=None,
          grad_clip=None, seed=None, bias_eta=None, checkpoint_every=None, resume=False, progress=None, cancel=None,
          als_sweeps=None, ridge=None, als_tol=None, init_from=None, max_epochs=100, epochs_tol=None, epochs_cos=None) -> float:
    """Trains a model into out_dir and returns the final cost.

    Every setting left as None takes the core's default (gv_train_options_default: dim 100, 25 epochs, eta 0.05,
    x_max 100, alpha 0.75, grad_clip 100, seed 1, no ALS, ridge 0), the same as ``glovev train``.

    Parameters
    ----------
    cooccur_dir : path
        Co-occurrence folder (:func:`cooccur`).
    vocab : path
        The vocab.txt the counts were made with (checked by its hash).
    out_dir : path
        Model folder to write (params.safetensors, vectors.safetensors, vocab.txt).
    dim : int, optional
        Vector dimension D (default 100).
    threads : int, optional
        Worker threads (None or 0: all cores).
    eta, x_max, alpha, grad_clip : float, optional
        AdaGrad learning rate (0.05), weighting cut-off (100) and exponent (0.75) of f(x) = min(1, (x/x_max)^alpha),
        gradient clip (100).
    seed : int, optional
        Seed of the initial vectors and shuffles (default 1).
    bias_eta : float, optional
        A learning rate for the biases (None: GloVe C's bias update without one).
    checkpoint_every : int, optional
        Write a resumable checkpoint every this many epochs (default 0: never).
    resume : bool
        Continue from out_dir's checkpoint (refused when the settings differ).
    als_tol : float, optional
        ALS stops once a sweep lowers the objective by less than this fraction (default 1e-4).
    init_from : path, optional
        With epochs=0: a model folder whose parameters start the ALS sweeps.
    max_epochs, epochs_tol, epochs_cos : optional
        The ``epochs="auto"`` rule: at most max_epochs (100); tolerance (0.002) and cosine (0.99).
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
    else:
        # The rule's settings do nothing without it: refused, not ignored (as the CLI refuses --epochs-tol).
        unused = [n for n, v in (("epochs_tol", epochs_tol), ("epochs_cos", epochs_cos)) if v is not None]
        if max_epochs != 100:
            unused.append("max_epochs")
        if unused:
            raise L.ArgumentError("%s only applies with epochs='auto'" % ", ".join(unused))
    keep = L.path(init_from, "init_from") if init_from is not None else None
    o.init_from = keep
    _set(o, als_sweeps=(als_sweeps, _count(0, _I32)), ridge=(ridge, _num), als_tol=(als_tol, _num), dim=(dim, _count(1, _I32)),
         epochs=(epochs, _count(0, _I32)), threads=(threads, _count(0, _I32)), checkpoint_every=(checkpoint_every, _count(0, _I32)),
         eta=(eta, _num), x_max=(x_max, _num), alpha=(alpha, _num), grad_clip=(grad_clip, _num),
         bias_eta=(bias_eta or None, _num), seed=(seed, _count(0, (1 << 64) - 1)))
    o.resume = _bool(resume, "resume")

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
    status = L._lib.gv_train(L.path(cooccur_dir, "cooccur_dir"), L.path(vocab, "vocab"),
                             L.path(out_dir, "out_dir"), byref(o), cb, None, flag, byref(cost))
    if raised:
        raise raised[0]
    L._check(status)
    return cost.value


def variance_options(threads=None, approx=None, complete=None, refine=None) -> L.VarianceOptions:
    """A gv_variance_options filled with the core's defaults (gv_variance_options_default), then the given arguments."""
    o = L.VarianceOptions()
    L._check(L._lib.gv_variance_options_default(byref(o)))
    return _set(o, threads=(threads, _count(0, _I32)), approx=(approx, _num), complete=(complete, _bool), refine=(refine, _bool))


def variance(model_dir, cooccur_dir, out_dir=None, threads=None, approx=None, complete=None, refine=None) -> int:
    """Computes GloVe-V covariances Sigma_i = sigma_i^2 (sum_j f(X_ij) c_j c_j^T)^-1 for every word with |K_i| > D.

    Parameters
    ----------
    model_dir : path
        Model folder (:func:`train`).
    cooccur_dir : path
        Its co-occurrence folder.
    out_dir : path, optional
        None: model_dir/variances.
    threads : int, optional
        None or 0: all cores.
    approx : float, optional
        Reconstruction target of the compact form in [0, 1]; 0: none (None: the core's default, 0.90).
    complete, refine : bool, optional
        Write the complete D x D covariances (default True); residuals at each word's WLS solution (default False).

    Returns
    -------
    int
        Words that got a covariance.
    """
    n = c_int64()
    o = variance_options(threads, approx, complete, refine)
    L._check(L._lib.gv_variance(L.path(model_dir, "model_dir"), L.path(cooccur_dir, "cooccur_dir"),
                                None if out_dir is None else L.path(out_dir, "out_dir"), byref(o), byref(n)))
    return n.value


def _spd_inverse(a) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix through the engine's BLAS backend (glovev_testing.h: for the
    test suite, not part of the API)."""
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
        L._check(L._lib.gv_matrix_open(L.path(cooccur_dir, "cooccur_dir"), L.path(vocab, "vocab"), byref(h)))
        self._h = h
        r, n = c_int64(), c_int64()
        L._check(L._lib.gv_matrix_shape(self._h, byref(r), byref(n)))
        self.shape = (r.value, r.value)
        self.nnz = n.value

    def row(self, i):
        """Row i of the co-occurrence matrix.

        Parameters
        ----------
        i : int
            0-based row (word index).

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Column ids (int32, increasing) and values X_ij (float64).
        """
        if self._h is None:
            raise L.HandleError("matrix is closed")
        # int(i) would take 1.7, "3" or True, and ctypes would wrap 2**64 + 5 to row 5.
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise TypeError("i must be an int row index, not %s" % type(i).__name__)
        if not 0 <= i < self.shape[0]:
            raise L.ArgumentError("row %d out of range 0..%d" % (i, self.shape[0] - 1), L.ERR_ARGUMENT)
        i = int(i)
        n = c_int64()
        L._check(L._lib.gv_matrix_row(self._h, i, None, None, 0, byref(n)))
        cols = np.empty(n.value, dtype=np.int32)
        vals = np.empty(n.value, dtype=np.float64)
        L._check(L._lib.gv_matrix_row(self._h, i, cols.ctypes.data_as(ctypes.POINTER(c_int32)),
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
