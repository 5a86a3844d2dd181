"""glovev: GloVe word embeddings with GloVe-V statistical uncertainty (thin ctypes binding of libglovev)."""
from ._lib import (LIBRARY_PATH, ArgumentError, CancelledError, FileError, GloVeVError, HandleError, InputError,
                   UnknownWordError)
from ._lib import _lib as _clib
from .model import (BenchmarkComparison, BenchmarkResult, BiasDifference, CorrelationInterval, Difference, Interval, Model,
                    Neighbour, NeighbourList, NeighbourSearch, ReliabilityWarning, RndResult, Similarity, WeatResult,
                    WordReliability, defaults, import_vectors)
from .pipeline import (CooccurrenceMatrix, blas_backend, build_vocab, cooccur, train, variance)
from .studies import bootstrap, calibrate, compare_uncertainty

__version__ = _clib.gv_version().decode()

__all__ = ["Model", "Interval", "Similarity", "Difference", "Neighbour", "NeighbourList", "NeighbourSearch", "BenchmarkResult",
           "CorrelationInterval", "BenchmarkComparison", "WeatResult", "RndResult", "BiasDifference", "WordReliability",
           "ReliabilityWarning", "defaults",
           "CooccurrenceMatrix", "build_vocab", "cooccur", "train", "variance", "blas_backend", "import_vectors",
           "calibrate", "bootstrap", "compare_uncertainty",
           "GloVeVError", "ArgumentError", "InputError", "UnknownWordError", "FileError", "HandleError", "CancelledError", "LIBRARY_PATH"]
