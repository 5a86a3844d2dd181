"""Loads libglovev.so and declares its C signatures. One loader, one error check."""
import ctypes
import os
from ctypes import POINTER, c_char_p, c_double, c_int32, c_int64, c_uint64, c_void_p
from pathlib import Path


class GloVeVError(Exception):
    """An error reported by libglovev (the message is gv_last_error())."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class ArgumentError(GloVeVError, ValueError):
    """A bad argument: NULL, negative size, out of range, buffer too small."""


class FileError(GloVeVError, OSError):
    """A file or folder is missing, unreadable or unwritable."""


class InputError(GloVeVError, ValueError):
    """Bad input data, e.g. an unknown word or a malformed file."""


class UnknownWordError(InputError, KeyError):
    """A word that is not in the model's vocabulary: a KeyError too, as gensim's KeyedVectors raise."""


class HandleError(GloVeVError, ValueError):
    """A closed (freed) model or matrix was used."""


class CancelledError(GloVeVError):
    """An operation was cancelled."""


OK, ERR_ARGUMENT, ERR_INPUT, ERR_IO, ERR_BUFFER, ERR_HANDLE, ERR_CANCELLED, ERR_INTERNAL = range(8)


def _candidates():
    env = os.environ.get("GLOVEV_LIB")
    if env:
        yield Path(env)
    here = Path(__file__).resolve().parent
    yield here / "libglovev.so"
    yield here.parent.parent.parent / "build" / "lib" / "libglovev.so"


def _load():
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file():
            return ctypes.CDLL(str(path)), str(path)
    raise ImportError("glovev: cannot find libglovev.so (tried: %s); set GLOVEV_LIB" % ", ".join(tried))


_lib, LIBRARY_PATH = _load()


class Interval(ctypes.Structure):
    _fields_ = [("estimate", c_double), ("plugin", c_double), ("mean", c_double), ("sd", c_double), ("lo", c_double),
                ("hi", c_double), ("p_value", c_double), ("method", c_int32), ("status", c_int32), ("flags", c_int32),
                ("reason", c_int32)]


class Difference(ctypes.Structure):
    _fields_ = [("diff", c_double), ("plugin", c_double), ("sd", c_double), ("lo", c_double), ("hi", c_double),
                ("z", c_double), ("p_value", c_double), ("method", c_int32), ("status", c_int32), ("flags", c_int32),
                ("reason", c_int32)]


class Neighbour(ctypes.Structure):
    _fields_ = [("index", c_int64), ("cosine", c_double), ("estimate", c_double), ("mean", c_double), ("sd", c_double),
                ("lo", c_double), ("hi", c_double), ("p_top_k", c_double), ("p_differs_from_next", c_double),
                ("status", c_int32), ("flags", c_int32), ("reason", c_int32)]


class Reliability(ctypes.Structure):
    _fields_ = [("contexts", c_int64), ("dof", c_int64), ("noise_ratio", c_double), ("cos_trained_wls", c_double),
                ("has_covariance", c_int32), ("flags", c_int32)]


class Defaults(ctypes.Structure):
    _fields_ = [("method", c_int32), ("reserved", c_int32), ("samples", c_int64), ("seed", c_uint64), ("level", c_double),
                ("permutations", c_int64), ("omitted_tolerance", c_double)]


class QueryOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("method", c_int32), ("level", c_double), ("samples", c_int64), ("seed", c_uint64),
                ("hold_fixed", c_int32), ("approximate", c_int32)]


class BenchmarkOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("hold_fixed", c_int32), ("samples", c_int64), ("seed", c_uint64), ("level", c_double),
                ("approximate", c_int32), ("reserved", c_int32)]


class VocabOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("flags", c_int32), ("threads", c_int32), ("reserved", c_int32), ("min_count", c_int64),
                ("max_vocab", c_int64)]


class CooccurOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("window", c_int32), ("symmetric", c_int32), ("distance_weighting", c_int32),
                ("flags", c_int32), ("threads", c_int32), ("memory_bytes", c_int64)]


class VarianceOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("threads", c_int32), ("complete", c_int32), ("refine", c_int32), ("approx", c_double)]


class NeighbourSearch(ctypes.Structure):
    _fields_ = [("candidates", c_int64), ("searched", c_int64), ("draws", c_int64), ("omitted_bound", c_double)]


class Correlation(ctypes.Structure):
    _fields_ = [("estimate", c_double), ("sd", c_double), ("lo", c_double), ("hi", c_double), ("sd_pairs", c_double),
                ("sd_noise", c_double), ("noise_shift", c_double), ("level", c_double), ("replicates", c_int64)]


class Benchmark(ctypes.Structure):
    _fields_ = [("pairs", c_int64), ("used", c_int64), ("oov", c_int64), ("words", c_int64), ("flagged_words", c_int64),
                ("spearman", c_double), ("pearson", c_double), ("spearman_ci", Correlation), ("pearson_ci", Correlation),
                ("spearman_p", c_double), ("pearson_p", c_double)]


class BenchmarkComparison(ctypes.Structure):
    _fields_ = [("pairs", c_int64), ("replicates", c_int64), ("spearman_a", c_double), ("spearman_b", c_double),
                ("diff", c_double), ("sd", c_double), ("lo", c_double), ("hi", c_double), ("p_value", c_double),
                ("sd_pairs", c_double), ("sd_noise", c_double), ("level", c_double), ("flags_a", c_int32),
                ("flags_b", c_int32)]


class WeatResult(ctypes.Structure):
    _fields_ = [("statistic", c_double), ("effect_size", c_double), ("p_value", c_double), ("permutations", c_int64),
                ("exact", c_int32), ("reserved", c_int32), ("effect_size_ci", Interval), ("statistic_ci", Interval)]


class RndResult(ctypes.Structure):
    _fields_ = [("value", c_double), ("z", c_double), ("p_value", c_double), ("neutral", c_int64), ("ci", Interval)]


class BiasDifference(ctypes.Structure):
    _fields_ = [("first", c_double), ("second", c_double), ("ci", Interval)]


class TrainOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("dim", c_int32), ("epochs", c_int32), ("threads", c_int32), ("checkpoint_every", c_int32),
                ("resume", c_int32), ("eta", c_double), ("x_max", c_double), ("alpha", c_double), ("grad_clip", c_double),
                ("bias_eta", c_double), ("seed", c_uint64), ("epochs_auto", c_int32), ("als_sweeps", c_int32),
                ("als_tol", c_double), ("ridge", c_double), ("auto_tol", c_double), ("auto_cos", c_double),
                ("init_from", c_char_p)]


class CalibrateOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("words_per_band", c_int32), ("replicates", c_int32), ("samples", c_int32),
                ("threads", c_int32), ("methods", c_int32), ("seed", c_uint64), ("level", c_double),
                ("band_edges", POINTER(c_int64)), ("n_band_edges", c_int64)]


class BootstrapOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("replicates", c_int32), ("seed_replicates", c_int32), ("window", c_int32),
                ("flags", c_int32), ("shard", c_int32), ("shards", c_int32), ("reserved", c_int32),
                ("min_count", c_int64), ("memory_bytes", c_int64), ("seed", c_uint64), ("vocab_path", c_char_p)]


class CompareUncertaintyOptions(ctypes.Structure):
    _fields_ = [("size", c_int32), ("pairs_per_band", c_int32), ("seed", c_uint64),
                ("band_edges", POINTER(c_int64)), ("n_band_edges", c_int64)]


PROGRESS_FN = ctypes.CFUNCTYPE(c_int32, c_int32, c_int32, c_double, c_void_p)
_P = POINTER
_DP = POINTER(c_double)
_STRS = POINTER(c_char_p)

_Q = _P(QueryOptions)

_SIGNATURES = {
    "gv_version": (c_char_p, []),
    "gv_abi_version": (c_int32, [_P(c_int32), _P(c_int32), _P(c_int32), _P(c_int32)]),
    "gv_last_error": (c_char_p, []),
    "gv_blas_backend": (c_int32, [c_char_p, c_int64, _P(c_int64)]),
    "gv_spd_inverse": (c_int32, [_DP, c_int64, _DP, c_int64]),
    "gv_vocab_options_default": (c_int32, [_P(VocabOptions)]),
    "gv_vocab_build": (c_int32, [c_char_p, c_char_p, _P(VocabOptions), _P(c_int64)]),
    "gv_cooccur_options_default": (c_int32, [_P(CooccurOptions)]),
    "gv_cooccur": (c_int32, [c_char_p, c_char_p, c_char_p, _P(CooccurOptions), _P(c_int64)]),
    "gv_train_options_default": (c_int32, [_P(TrainOptions)]),
    "gv_train_options_run_default": (c_int32, [_P(TrainOptions)]),
    "gv_calibrate_options_default": (c_int32, [_P(CalibrateOptions)]),
    "gv_calibrate": (c_int32, [c_char_p, c_char_p, _P(CalibrateOptions), c_char_p]),
    "gv_bootstrap_options_default": (c_int32, [_P(BootstrapOptions)]),
    "gv_bootstrap": (c_int32, [c_char_p, c_char_p, _P(BootstrapOptions), _P(TrainOptions), _P(c_int32)]),
    "gv_compare_uncertainty_options_default": (c_int32, [_P(CompareUncertaintyOptions)]),
    "gv_compare_uncertainty": (c_int32, [c_char_p, c_char_p, _P(CompareUncertaintyOptions), c_char_p, c_char_p]),
    "gv_cooccur_shard": (c_int32, [c_char_p, c_char_p, c_char_p, _P(CooccurOptions), c_int32, c_int32, _P(c_int64)]),
    "gv_merge_cooccur": (c_int32, [c_char_p, c_char_p, _STRS, c_int64, _P(c_int64)]),
    "gv_variance_options_default": (c_int32, [_P(VarianceOptions)]),
    "gv_variance_shard": (c_int32, [c_char_p, c_char_p, c_char_p, _P(VarianceOptions), c_int32, c_int32, _P(c_int64)]),
    "gv_merge_variances": (c_int32, [c_char_p, _STRS, c_int64, _P(c_int64)]),
    "gv_train": (c_int32, [c_char_p, c_char_p, c_char_p, _P(TrainOptions), PROGRESS_FN, c_void_p, _P(c_int32), _DP]),
    "gv_variance": (c_int32, [c_char_p, c_char_p, c_char_p, _P(VarianceOptions), _P(c_int64)]),
    "gv_import_vectors": (c_int32, [c_char_p, c_int32, c_char_p, _P(c_int64)]),
    "gv_export_vectors": (c_int32, [c_char_p, c_int32, c_char_p, _P(c_int64)]),
    "gv_matrix_open": (c_int32, [c_char_p, c_char_p, _P(c_void_p)]),
    "gv_matrix_free": (c_int32, [c_void_p]),
    "gv_matrix_shape": (c_int32, [c_void_p, _P(c_int64), _P(c_int64)]),
    "gv_matrix_row": (c_int32, [c_void_p, c_int64, _P(c_int32), _DP, c_int64, _P(c_int64)]),
    "gv_model_open": (c_int32, [c_char_p, _P(c_void_p)]),
    "gv_model_free": (c_int32, [c_void_p]),
    "gv_model_shape": (c_int32, [c_void_p, _P(c_int64), _P(c_int64), _P(c_int32)]),
    "gv_model_word": (c_int32, [c_void_p, c_int64, c_char_p, c_int64, _P(c_int64)]),
    "gv_model_words": (c_int32, [c_void_p, c_char_p, c_int64, _P(c_int64)]),
    "gv_model_warnings": (c_int32, [c_void_p, c_char_p, c_int64, _P(c_int64)]),
    "gv_model_index": (c_int32, [c_void_p, c_char_p, _P(c_int64)]),
    "gv_result_warnings": (c_int32, [c_void_p, _STRS, c_int64, c_int32, c_int32, c_char_p, c_int64, _P(c_int64)]),
    "gv_word_warnings": (c_int32, [c_void_p, _STRS, c_int64, c_char_p, c_int64, _P(c_int64)]),
    "gv_benchmark_words": (c_int32, [c_void_p, c_char_p, c_char_p, c_int64, _P(c_int64)]),
    "gv_not_identifiable_warning": (c_int32, [c_char_p, c_int64, c_int64, _STRS, c_int64, c_char_p, c_int64, _P(c_int64)]),
    "gv_model_vector": (c_int32, [c_void_p, c_char_p, _DP, c_int64]),
    "gv_model_vectors": (c_int32, [c_void_p, _DP, c_int64]),
    "gv_model_has_covariance": (c_int32, [c_void_p, c_char_p, _P(c_int32)]),
    "gv_model_covariance": (c_int32, [c_void_p, c_char_p, c_int32, _DP, c_int64]),
    "gv_query_options_default": (c_int32, [_Q]),
    "gv_similarity": (c_int32, [c_void_p, c_char_p, c_char_p, _Q, _P(Interval)]),
    "gv_similarities": (c_int32, [c_void_p, _STRS, _STRS, c_int64, _Q, _P(Interval), c_int64]),
    "gv_compare": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _Q, _P(Difference)]),
    "gv_neighbours": (c_int32, [c_void_p, c_char_p, c_int64, _Q, _P(Neighbour), c_int64, _P(c_int64), _P(NeighbourSearch)]),
    "gv_interval_defaults": (c_int32, [_P(Defaults)]),
    "gv_method_name": (c_int32, [c_int32, c_char_p, c_int64, _P(c_int64)]),
    "gv_method_parse": (c_int32, [c_char_p, _P(c_int32)]),
    "gv_status_name": (c_int32, [c_int32, c_char_p, c_int64, _P(c_int64)]),
    "gv_reason_name": (c_int32, [c_int32, c_char_p, c_int64, _P(c_int64)]),
    "gv_word_reliability": (c_int32, [c_void_p, c_char_p, _P(Reliability)]),
    "gv_benchmark_options_default": (c_int32, [_P(BenchmarkOptions)]),
    "gv_evaluate": (c_int32, [c_void_p, c_char_p, _P(BenchmarkOptions), _P(Benchmark)]),
    "gv_evaluate_compare": (c_int32, [c_void_p, c_void_p, c_char_p, _P(BenchmarkOptions), _P(BenchmarkComparison)]),
    "gv_weat": (c_int32, [c_void_p, _STRS, c_int64, _STRS, c_int64, _STRS, c_int64, _STRS, c_int64, c_int64, _Q, _P(WeatResult)]),
    "gv_rnd": (c_int32, [c_void_p, _STRS, c_int64, _STRS, c_int64, _STRS, c_int64, _Q, _P(RndResult)]),
    "gv_weat_difference": (c_int32, [c_void_p, _P(_STRS), _P(c_int64), _P(_STRS), _P(c_int64), _Q, _P(BiasDifference)]),
    "gv_rnd_difference": (c_int32, [c_void_p, _P(_STRS), _P(c_int64), _P(_STRS), _P(c_int64), _Q, _P(BiasDifference)]),
}

# The ABI major this binding is written against (GV_ABI_MAJOR in glovev.h). Checked before any signature is bound:
# a library of another major would be called with the wrong layouts.
ABI_MAJOR = 5


def _check_abi():
    fn = getattr(_lib, "gv_abi_version", None)
    if fn is None:
        raise ImportError("glovev: %s predates gv_abi_version (this binding needs ABI %d); rebuild or point GLOVEV_LIB at a "
                          "matching libglovev.so" % (LIBRARY_PATH, ABI_MAJOR))
    fn.restype, fn.argtypes = c_int32, [POINTER(c_int32)] * 4
    got = c_int32()
    fn(None, None, None, ctypes.byref(got))
    if got.value != ABI_MAJOR:
        raise ImportError("glovev: %s has ABI %d, this binding needs ABI %d; rebuild or point GLOVEV_LIB at a matching "
                          "libglovev.so" % (LIBRARY_PATH, got.value, ABI_MAJOR))


_check_abi()

for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(_lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


def _check(status):
    """Raises the matching GloVeVError subclass for a non-zero status, with gv_last_error() as the message."""
    if status == OK:
        return
    msg = _lib.gv_last_error().decode("utf-8", "replace")
    if status == ERR_ARGUMENT or status == ERR_BUFFER:
        raise ArgumentError(msg, status)
    if status == ERR_INPUT:
        # The core's words for an unknown word (Vocabulary.IdOf / IdsOf).
        raise (UnknownWordError if "not in vocabulary" in msg else InputError)(msg, status)
    if status == ERR_IO:
        raise FileError(msg, status)
    if status == ERR_HANDLE:
        raise HandleError(msg, status)
    if status == ERR_CANCELLED:
        raise CancelledError(msg, status)
    raise GloVeVError(msg, status)


def text(fn, *args):
    """What a call of the ABI's size-query convention, fn(*args, buf, cap, needed), writes: a first call with no buffer
    asks for the size, the second fills one; the bytes without the final NUL."""
    need = c_int64()
    _check(fn(*args, None, 0, ctypes.byref(need)))
    buf = ctypes.create_string_buffer(max(1, need.value))
    _check(fn(*args, buf, len(buf), ctypes.byref(need)))
    return buf.raw[:max(0, need.value - 1)]


def encode(s, name="word"):
    """UTF-8 bytes of a str argument; anything else is a TypeError."""
    if isinstance(s, bytes):
        if b"\0" in s:
            raise ArgumentError("%s contains a NUL byte, which cannot be passed to libglovev: %r" % (name, s))
        return s
    if not isinstance(s, str):
        raise TypeError("%s must be str, not %s" % (name, type(s).__name__))
    if "\0" in s:
        # C strings end at the first NUL: the library would see only the part before it.
        raise ArgumentError("%s contains a NUL character, which cannot be passed to libglovev: %r" % (name, s))
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (e.g. from os.fsdecode of undecodable bytes) has no UTF-8 form.
        raise ArgumentError("%s is not valid Unicode text (it holds a lone surrogate), so it has no UTF-8 form: %r" % (name, s), ERR_ARGUMENT) from None


def path(p, name="path"):
    """UTF-8 bytes of a path argument (str or os.PathLike); anything else, None included, is a TypeError."""
    if isinstance(p, bool) or not isinstance(p, (str, os.PathLike)):
        raise TypeError("%s must be a path (str or os.PathLike), not %s" % (name, type(p).__name__))
    return encode(os.fsdecode(p), name)


def string_array(words, name):
    if isinstance(words, (str, bytes)):
        raise TypeError("%s must be a list of words, not a single string" % name)
    items = [encode(w, name) for w in words]
    arr = (c_char_p * max(1, len(items)))(*items)
    return arr, len(items)


class StringArrays:
    """n word lists as the C ABI's (const char* const* lists, const int64_t* counts); keeps every buffer alive."""

    def __init__(self, lists, n, name, parts):
        if isinstance(lists, (str, bytes)) or not hasattr(lists, "__len__") or not hasattr(lists, "__iter__"):
            raise TypeError("%s must be a sequence of %d word lists (%s), not %s" % (name, n, parts, type(lists).__name__))
        if len(lists) != n:
            raise ArgumentError("%s must hold %d word lists (%s), got %d" % (name, n, parts, len(lists)), ERR_ARGUMENT)
        labels = parts.split(", ")
        self.words = []
        self.named = {}  # "X (first)" -> its words: the lists as the core names them
        arrays = []
        for i, words in enumerate(lists):
            what = "%s[%d] (%s)" % (name, i, labels[i])
            if not isinstance(words, (str, bytes)) and hasattr(words, "__iter__"):
                words = list(words)
                self.words.extend(words)
                self.named["%s (%s)" % (labels[i], name)] = words
            elif not isinstance(words, (str, bytes)):
                raise TypeError("%s must be a list of words, not %s" % (what, type(words).__name__))
            arrays.append(string_array(words, what))
        self._arrays = arrays
        self.lists = (_STRS * n)(*[ctypes.cast(a, _STRS) for a, _ in arrays])
        self.counts = (c_int64 * n)(*[k for _, k in arrays])
