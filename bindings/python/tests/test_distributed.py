"""Sharded stages on a Dask LocalCluster of two worker processes give the single-process result; a worker killed
mid-shard is retried and the result is still identical."""
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster

import glovev
import glovev.distributed as gd
from conftest import REPO

KJV = REPO / "tests" / "data" / "kjv.txt.gz"


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    d = tmp_path_factory.mktemp("single")
    glovev.build_vocab(KJV, d / "vocab.txt", min_count=5, threads=1)
    glovev.cooccur(KJV, d / "vocab.txt", d / "cooc", window=10, threads=2)
    glovev.train(d / "cooc", d / "vocab.txt", d / "model", dim=20, epochs=3, threads=2, seed=3)
    glovev.variance(d / "model", d / "cooc", d / "model" / "variances", threads=2, approx=0.9)
    return d


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def model_with(single, variances, dest):
    dest.mkdir()
    for f in ("vocab.txt", "params.safetensors", "vectors.safetensors"):
        shutil.copy(single / "model" / f, dest / f)
    shutil.copytree(variances, dest / "variances")
    return glovev.Model.load(dest)


def assert_close_matrix(got, expect):
    """Equal to 1e-12 relative to the matrix's scale (BLAS kernels may round the last bit differently by alignment)."""
    assert np.max(np.abs(got - expect)) <= 1e-12 * np.max(np.abs(expect))


def assert_same_variances(single, other_dir, tmp_path):
    a = glovev.Model.load(single / "model")
    b = model_with(single, other_dir, tmp_path / ("m-" + other_dir.name))
    checked = 0
    for w in a.index_to_key:
        assert a.has_covariance(w) == b.has_covariance(w), w
        if a.has_covariance(w):
            assert_close_matrix(b.covariance(w), a.covariance(w))
            assert_close_matrix(b.covariance(w, approximate=True), a.covariance(w, approximate=True))
            checked += 1
    assert checked > 1000
    rows_a = (single / "model" / "variances" / "variance_info.tsv").read_text().splitlines()
    rows_b = (other_dir / "variance_info.tsv").read_text().splitlines()
    assert len(rows_a) == len(rows_b)
    for ra, rb in zip(rows_a[1:], rows_b[1:]):
        fa, fb = ra.split("\t"), rb.split("\t")
        assert fa[:3] == fb[:3] and fa[4] == fb[4]
        for x, y in zip(fa[3:], fb[3:]):
            if x not in ("NA", "ok", "too_few_contexts", "pseudo_inverse"):
                assert abs(float(x) - float(y)) <= 1e-12 * max(1.0, abs(float(x))), (fa[0], x, y)


def test_sharded_cooccurrence_is_byte_identical(single, client, tmp_path):
    nnz = gd.cooccur(client, KJV, single / "vocab.txt", tmp_path / "cooc", shards=3, window=10)
    assert nnz > 1_000_000
    for f in ("cooccurrence.bin", "cooccurrence.csr.safetensors"):
        assert (tmp_path / "cooc" / f).read_bytes() == (single / "cooc" / f).read_bytes(), f


def test_sharded_variances_equal_the_single_run(single, client, tmp_path):
    words = gd.variance(client, single / "model", single / "cooc", tmp_path / "var", shards=2, approx=0.9)
    assert words > 1000
    assert_same_variances(single, tmp_path / "var", tmp_path)


def test_a_worker_killed_mid_shard_is_retried(single, client, tmp_path):
    pids = client.run(os.getpid)
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("words", gd.variance(client, single / "model", single / "cooc", tmp_path / "var", shards=2, approx=0.9)))
    t.start()
    killed = None
    deadline = time.time() + 60
    while killed is None and time.time() < deadline:
        for addr, keys in client.processing().items():
            if any("glovev-variance" in str(k) and "merge" not in str(k) for k in keys) and addr in pids:
                os.kill(pids[addr], signal.SIGKILL)
                killed = addr
                break
        time.sleep(0.005)
    t.join(timeout=300)
    assert killed is not None, "no shard was caught running"
    assert result.get("words", 0) > 1000
    assert_same_variances(single, tmp_path / "var", tmp_path)


def test_sharded_bootstrap_equals_the_single_run(client, tmp_path):
    common = dict(replicates=3, seed_replicates=1, dim=8, epochs=2, als_sweeps=1, min_count=20, threads=1)
    assert glovev.bootstrap(KJV, tmp_path / "one", **common) == 4
    assert gd.bootstrap(client, KJV, tmp_path / "sharded", 2, **common) == 4
    one = sorted(p.name for p in (tmp_path / "one" / "replicates").iterdir())
    assert one == sorted(p.name for p in (tmp_path / "sharded" / "replicates").iterdir())
    for name in one:  # the same replicate (same resample, same seed) whichever task trained it
        assert (tmp_path / "one" / "replicates" / name).read_bytes() == (tmp_path / "sharded" / "replicates" / name).read_bytes()
    assert not (tmp_path / "sharded" / ".work").exists()


def test_shards_of_different_corpora_do_not_merge(single, tmp_path):
    import gzip
    lines = gzip.open(KJV, "rt", encoding="utf-8").read().splitlines(keepends=True)
    other = tmp_path / "other.txt"
    other.write_text("".join(lines[: len(lines) // 3]), encoding="utf-8")
    vocab = single / "vocab.txt"
    gd.cooccur_shard(KJV, vocab, tmp_path / "a1", 1, 2, window=10)
    gd.cooccur_shard(other, vocab, tmp_path / "b2", 2, 2, window=10)
    with pytest.raises(glovev.InputError, match="corpus_lines"):
        gd.merge_cooccur(tmp_path / "m", vocab, [tmp_path / "a1", tmp_path / "b2"])
    assert not (tmp_path / "m").exists()


def test_each_call_runs_its_own_tasks_and_shard_numbers_are_checked(client, tmp_path):
    # Dask returns an earlier task's result for a key it has seen: every call's tasks are its own.
    small = REPO / "tests" / "data" / "sotu_small.txt"
    glovev.build_vocab(small, tmp_path / "vocab.txt", min_count=2, threads=1)
    wide = gd.cooccur(client, small, tmp_path / "vocab.txt", tmp_path / "A", shards=2, window=10)
    narrow = gd.cooccur(client, small, tmp_path / "vocab.txt", tmp_path / "B", shards=2, window=2)
    assert narrow == glovev.cooccur(small, tmp_path / "vocab.txt", tmp_path / "C", window=2, threads=1) < wide
    assert (tmp_path / "B" / "cooccurrence.bin").read_bytes() == (tmp_path / "C" / "cooccurrence.bin").read_bytes()
    for bad in (0, -1):
        with pytest.raises(glovev.ArgumentError, match="shards"):
            gd.cooccur(client, small, tmp_path / "vocab.txt", tmp_path / "D", shards=bad)
    with pytest.raises(TypeError, match="shards"):
        gd.variance(client, tmp_path, tmp_path / "A", tmp_path / "E", shards=2.0)
    with pytest.raises(glovev.ArgumentError, match="shards? must be"):
        gd.cooccur_shard(small, tmp_path / "vocab.txt", tmp_path / "F", 2 ** 32 + 1, 2 ** 32 + 2)
    with pytest.raises(TypeError, match="shard must be an int"):
        gd.cooccur_shard(small, tmp_path / "vocab.txt", tmp_path / "F", 1.9, 2)
