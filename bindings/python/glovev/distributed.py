"""Sharded co-occurrence, variance and bootstrap stages on Dask.

Each shard is one task that calls the C ABI inside the worker process and writes its own folder atomically (a retried
shard replaces, never mixes with, an earlier attempt); a final task merges the shards. Run on whatever
``dask.distributed.Client`` you pass: a LocalCluster, dask-jobqueue on Slurm, Kubernetes. Output folders must be on
storage every worker can see. Progress shows in Dask's dashboard, or pass ``progress=True`` for its progress bar.
"""
import uuid
from ctypes import byref, c_int64
from pathlib import Path

from . import _lib as L
from .pipeline import _I32, _int, cooccur_options, variance_options


def _shard(shard, shards):
    """Shard k of N as checked ints (int() would truncate 1.9 to 1, and ctypes would wrap 2**32 + 1 to 1)."""
    shards = _int(shards, "shards", 1, _I32)
    return _int(shard, "shard", 1, shards), shards


def cooccur_shard(corpus, vocab, part_dir, shard, shards, window=None, symmetric=None, distance_weighting=None,
                  memory="1G", lowercase=False, split_punctuation=False, replace_invalid=False, threads=1):
    """Counts shard ``shard`` of ``shards`` (1-based, a range of lines) into ``part_dir``; settings as
    :func:`glovev.cooccur` (None: the core's defaults; memory defaults to 1G per worker here). Returns the number of pairs."""
    n = c_int64()
    o = cooccur_options(window, symmetric, distance_weighting, memory, lowercase, split_punctuation, replace_invalid, threads)
    L._check(L._lib.gv_cooccur_shard(L.path(corpus, "corpus"), L.path(vocab, "vocab"), L.path(part_dir, "part_dir"),
                                     byref(o), *_shard(shard, shards), byref(n)))
    return n.value


def merge_cooccur(out_dir, vocab, parts):
    arr, n = L.string_array([str(p) for p in parts], "parts")
    nnz = c_int64()
    L._check(L._lib.gv_merge_cooccur(L.path(out_dir, "out_dir"), L.path(vocab, "vocab"), arr, n, byref(nnz)))
    return nnz.value


def variance_shard(model_dir, cooccur_dir, part_dir, shard, shards, approx=None, complete=None, refine=None, threads=1):
    """Computes the variances of shard ``shard`` of ``shards`` (words balanced by cost) into ``part_dir``; settings as
    :func:`glovev.variance` (None: the core's defaults)."""
    n = c_int64()
    o = variance_options(threads, approx, complete, refine)
    L._check(L._lib.gv_variance_shard(L.path(model_dir, "model_dir"), L.path(cooccur_dir, "cooccur_dir"),
                                      L.path(part_dir, "part_dir"), byref(o), *_shard(shard, shards), byref(n)))
    return n.value


def merge_variances(out_dir, parts):
    arr, n = L.string_array([str(p) for p in parts], "parts")
    words = c_int64()
    L._check(L._lib.gv_merge_variances(L.path(out_dir, "out_dir"), arr, n, byref(words)))
    return words.value


def _run(client, tasks, merge, progress, retries):
    # Keys unique to this call: Dask hands back the result of an earlier task with the same key instead of running it
    # (a second cooccur into another folder, or with other settings, returned the first one's count and wrote nothing).
    call = uuid.uuid4().hex[:12]
    futures = [client.submit(fn, *args, key="%s-%s-%d-of-%d" % (name, call, k, len(tasks)), retries=retries, pure=False, **kw)
               for k, (name, fn, args, kw) in enumerate(tasks, 1)]
    final = client.submit(merge[0], *merge[1], futures, key="%s-%s-merge" % (tasks[0][0], call), retries=retries, pure=False)
    if progress:
        from distributed import progress as dask_progress
        dask_progress(futures + [final])
    return final.result()


def _merge_after_cooccur(out_dir, vocab, parts, _done):
    return merge_cooccur(out_dir, vocab, parts)


def _merge_after_variance(out_dir, parts, _done):
    return merge_variances(out_dir, parts)


def cooccur(client, corpus, vocab, out_dir, shards, work_dir=None, progress=False, retries=3, **options):
    """Counts a corpus in ``shards`` Dask tasks and merges them into ``out_dir`` (the same matrix a single run makes).
    ``work_dir`` holds the shard folders (default: ``out_dir``.shards). Returns the number of non-zeros."""
    shards = _int(shards, "shards", 1, _I32)
    work = Path(work_dir) if work_dir else Path(str(out_dir) + ".shards")
    parts = [work / ("cooccur-%d-of-%d" % (k, shards)) for k in range(1, shards + 1)]
    tasks = [("glovev-cooccur", cooccur_shard, (str(corpus), str(vocab), str(parts[k - 1]), k, shards), options)
             for k in range(1, shards + 1)]
    return _run(client, tasks, (_merge_after_cooccur, (str(out_dir), str(vocab), [str(p) for p in parts])), progress, retries)


def variance(client, model_dir, cooccur_dir, out_dir, shards, work_dir=None, progress=False, retries=3, **options):
    """Computes GloVe-V variances in ``shards`` Dask tasks (balanced by cost) and joins them into ``out_dir``.
    Returns the number of words with a covariance."""
    shards = _int(shards, "shards", 1, _I32)
    work = Path(work_dir) if work_dir else Path(str(out_dir) + ".shards")
    parts = [work / ("variance-%d-of-%d" % (k, shards)) for k in range(1, shards + 1)]
    tasks = [("glovev-variance", variance_shard, (str(model_dir), str(cooccur_dir), str(parts[k - 1]), k, shards), options)
             for k in range(1, shards + 1)]
    return _run(client, tasks, (_merge_after_variance, (str(out_dir), [str(p) for p in parts])), progress, retries)


def _bootstrap_shard(corpus, out_dir, shard, shards, options):
    from .studies import bootstrap as one
    return one(corpus, out_dir, shard=(shard, shards), **options)


def _sum_trained(_out_dir, done):
    return sum(done)


def bootstrap(client, corpus, out_dir, shards, progress=False, retries=3, **options):
    """Trains the replicates of :func:`glovev.bootstrap` in ``shards`` Dask tasks (task k does every ``shards``-th
    replicate job, k-th first) into one shared ``out_dir``. Every replicate file is written atomically and a retried task
    resumes at its next missing replicate. ``options`` are those of :func:`glovev.bootstrap` (``replicates``,
    ``seed_replicates``, ``vocab``, ``dim``, ...; give ``threads`` to size each task). Returns how many replicates
    were trained."""
    shards = _int(shards, "shards", 1, _I32)
    tasks = [("glovev-bootstrap", _bootstrap_shard, (str(corpus), str(out_dir), k, shards, options), {})
             for k in range(1, shards + 1)]
    return _run(client, tasks, (_sum_trained, (str(out_dir),)), progress, retries)
