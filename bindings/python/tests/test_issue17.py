"""Issue 17: every bad input is a clear error (exit 2 through the CLI, a GloVeVError subclass through Python) that names
the file, record/line or argument; never a .NET stack trace or an 'internal error'."""
import json
import os
import shutil
import struct
import subprocess

import numpy as np
import pytest

import glovev
import safetensors_np as st
from conftest import assert_clean_failure, run_cli as run


def assert_python_error(call, *needles, kind=glovev.GloVeVError):
    with pytest.raises(kind) as e:
        call()
    msg = str(e.value)
    assert "internal error" not in msg, msg
    for n in needles:
        assert str(n) in msg, (n, msg)


@pytest.fixture()
def model_copy(fixture_dir, tmp_path):
    d = tmp_path / "model"
    shutil.copytree(fixture_dir / "model", d)
    return d


def raw_safetensors(path, header_bytes, data=b""):
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        f.write(data)


# ---------- safetensors headers ----------

@pytest.mark.parametrize("case", ["non_utf8", "overflow"])
def test_bad_safetensors_headers(cli, model_copy, case):
    p = model_copy / "params.safetensors"
    if case == "non_utf8":
        raw_safetensors(p, b'{"__metadata__":{"k":"\xff\xfe"},"center_vectors":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}', b"\0" * 4)
        needle = "UTF-8"
    else:
        raw_safetensors(p, b'{"center_vectors":{"dtype":"F64","shape":[4611686018427387904,8],"data_offsets":[0,8]}}', b"\0" * 8)
        needle = "overflows"
    assert_clean_failure(run(cli, "similar", "--model", model_copy, "--word", "war"), p, needle)
    assert_python_error(lambda: glovev.Model.load(model_copy), p, needle, kind=glovev.InputError)


# ---------- arguments ----------

def test_argument_errors_in_plain_words(cli, fixture_dir, tmp_path):
    m = fixture_dir / "model"
    r = run(cli, "similar", "--model", m, "--word", "war", "--top", "-1")
    assert_clean_failure(r, "--top")
    r = run(cli, "train", "--cooccur", fixture_dir / "cooccur", "--vocab", fixture_dir / "vocab.txt", "--out", tmp_path / "m", "--dim", "99999999999")
    assert_clean_failure(r, "--dim", "99999999999", "whole number")
    assert "Usage" not in r.stderr + r.stdout
    r = run(cli, "similar", "--model", m, "--word", "war", "--seed", "-1")
    assert_clean_failure(r, "--seed", "-1")
    with glovev.Model.load(m) as model:
        assert_python_error(lambda: model.most_similar("war", topn=-1), "topn", kind=ValueError)
    assert_python_error(lambda: glovev.train(fixture_dir / "cooccur", fixture_dir / "vocab.txt", tmp_path / "m", dim=99999999999),
                        "dim", kind=glovev.ArgumentError)
    assert_python_error(lambda: glovev.train(fixture_dir / "cooccur", fixture_dir / "vocab.txt", tmp_path / "m", seed=-1),
                        "seed", kind=glovev.ArgumentError)
    # Engine messages through the ABI name the caller's parameter (x_max), not the CLI flag (--x-max).
    assert_python_error(lambda: glovev.train(fixture_dir / "cooccur", fixture_dir / "vocab.txt", tmp_path / "m", x_max=-1.0),
                        "x_max", kind=glovev.ArgumentError)
    # Bare glovev is not an error (issue 18): a short usage, exit 0 (test_pipeline.py).


def test_run_validates_before_any_stage(cli, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b c a b\n" * 50)
    out = tmp_path / "out"
    out.mkdir()
    (out / "vocab.txt").write_text("keep 1\n")
    r = run(cli, "run", "--corpus", corpus, "--out", out, "--dim", "0", "--min-count", "1")
    assert_clean_failure(r, "--dim")
    r = run(cli, "run", "--corpus", corpus, "--out", out, "--report-word", "xyzzyq", "--min-count", "1", "--epochs", "1")
    assert_clean_failure(r, "--report-word", "xyzzyq")
    assert (out / "vocab.txt").read_text() == "keep 1\n"
    assert sorted(os.listdir(out)) == ["vocab.txt"]


# ---------- co-occurrence files ----------

def write_bin(path, records):
    with open(path, "wb") as f:
        for i, j, x in records:
            f.write(struct.pack("<iid", i, j, x))


@pytest.mark.parametrize("value", [float("nan"), -1.0, 0.0, float("inf")])
def test_bad_cooccurrence_values(cli, tmp_path, value):
    (tmp_path / "vocab.txt").write_text("a 3\nb 2\n")
    c = tmp_path / "c"
    c.mkdir()
    write_bin(c / "cooccurrence.bin", [(1, 1, 2.0), (1, 2, value), (2, 1, 1.0)])
    r = run(cli, "train", "--cooccur", c, "--vocab", tmp_path / "vocab.txt", "--out", tmp_path / "m", "--dim", "2", "--epochs", "1")
    assert_clean_failure(r, c / "cooccurrence.bin", "record 1")
    assert_python_error(lambda: glovev.CooccurrenceMatrix(c, tmp_path / "vocab.txt"), "record 1", kind=glovev.InputError)


def test_duplicate_and_truncated_binaries(cli, fixture_dir, tmp_path):
    (tmp_path / "vocab.txt").write_text("a 3\nb 2\n")
    c = tmp_path / "dup"
    c.mkdir()
    write_bin(c / "cooccurrence.bin", [(1, 1, 2.0), (1, 2, 1.0), (1, 2, 1.0)])
    r = run(cli, "train", "--cooccur", c, "--vocab", tmp_path / "vocab.txt", "--out", tmp_path / "m", "--dim", "2", "--epochs", "1")
    assert_clean_failure(r, c / "cooccurrence.bin", "repeats the pair (1, 2)")
    # Ours, truncated on a record boundary: the folder's manifest records the size.
    t = tmp_path / "trunc"
    shutil.copytree(fixture_dir / "cooccur", t)
    b = (t / "cooccurrence.bin").read_bytes()
    (t / "cooccurrence.bin").write_bytes(b[:-16 * 10])
    r = run(cli, "train", "--cooccur", t, "--vocab", fixture_dir / "vocab.txt", "--out", tmp_path / "m2", "--dim", "2", "--epochs", "1")
    assert_clean_failure(r, "cooccurrence.bin")
    assert_python_error(lambda: glovev.CooccurrenceMatrix(t, fixture_dir / "vocab.txt"), "cooccurrence.bin", kind=glovev.InputError)


def test_csr_is_not_read_after_its_bin_was_replaced(cli, fixture_dir, tmp_path):
    t = tmp_path / "c"
    shutil.copytree(fixture_dir / "cooccur", t)
    size = (t / "cooccurrence.bin").stat().st_size
    (t / "cooccurrence.bin").write_bytes(np.random.default_rng(1).integers(0, 256, size, dtype=np.uint8).tobytes())
    os.utime(t / "cooccurrence.bin", None)
    r = run(cli, "train", "--cooccur", t, "--vocab", fixture_dir / "vocab.txt", "--out", tmp_path / "m", "--dim", "2", "--epochs", "1")
    assert_clean_failure(r, "cooccurrence.bin")


# ---------- vocabularies ----------

@pytest.mark.parametrize("case,needle", [("bom", "byte-order mark"), ("utf16", "UTF-16"), ("invalid", "invalid UTF-8"), ("shuffled", "different vocabulary")])
def test_bad_vocabularies(cli, fixture_dir, tmp_path, case, needle):
    lines = (fixture_dir / "vocab.txt").read_bytes().split(b"\n")
    if case == "bom":
        data = b"\xef\xbb\xbf" + b"\n".join(lines)
    elif case == "utf16":
        data = b"\n".join(lines).decode("utf-8").encode("utf-16")
    elif case == "invalid":
        lines[3] = b"\xffbad 3"
        data = b"\n".join(lines)
    else:
        lines[0], lines[1] = lines[1], lines[0]
        data = b"\n".join(lines)
    v = tmp_path / "vocab.txt"
    v.write_bytes(data)
    r = run(cli, "train", "--cooccur", fixture_dir / "cooccur", "--vocab", v, "--out", tmp_path / "m", "--dim", "2", "--epochs", "1")
    assert_clean_failure(r, v, needle)
    assert_python_error(lambda: glovev.train(fixture_dir / "cooccur", v, tmp_path / "m", dim=2, epochs=1), str(v), needle, kind=glovev.InputError)
    assert not (tmp_path / "m" / "params.safetensors").exists()
    # The same vocabulary dropped into a model folder: the model refuses to load with it.
    m = tmp_path / "model"
    shutil.copytree(fixture_dir / "model", m)
    shutil.copy(v, m / "vocab.txt")
    assert_clean_failure(run(cli, "similar", "--model", m, "--word", "war"), m / "vocab.txt")
    assert_python_error(lambda: glovev.Model.load(m), str(m / "vocab.txt"), kind=glovev.InputError)


# ---------- model and variance folders ----------

def test_missing_center_vectors(cli, model_copy):
    os.remove(model_copy / "params.safetensors")
    t, meta = st.load(model_copy / "vectors.safetensors")
    st.save(model_copy / "vectors.safetensors", {"context_vectors": t["center_vectors"]}, meta)
    assert_clean_failure(run(cli, "similar", "--model", model_copy, "--word", "war"), "center_vectors")
    assert_python_error(lambda: glovev.Model.load(model_copy), "center_vectors", kind=glovev.InputError)


@pytest.mark.parametrize("case", ["chunk_map_missing", "chunk_map_empty", "complete_chunk_missing", "negative_definite", "asymmetric"])
def test_damaged_variance_folders(cli, model_copy, case):
    v = model_copy / "variances"
    os.remove(v / ".glovev-manifest")  # as if made elsewhere: the store's own checks must catch it
    word = "war"
    if case == "chunk_map_missing":
        os.remove(v / "chunk_map.txt")
        needle = "chunk_map.txt"
    elif case == "chunk_map_empty":
        (v / "chunk_map.txt").write_text("")
        needle = "chunk_map.txt"
    elif case == "complete_chunk_missing":
        chunk = [l.split("\t") for l in (v / "chunk_map.txt").read_text().splitlines() if l.split("\t")[0] == word][0][2]
        os.remove(v / ("completechunk_%s.safetensors" % chunk))
        needle = "completechunk_%s" % chunk
    else:
        chunk, local = [l.split("\t")[2:4] for l in (v / "chunk_map.txt").read_text().splitlines() if l.split("\t")[0] == word][0]
        p = v / ("completechunk_%s.safetensors" % chunk)
        t, meta = st.load(p)
        a = t["variances"].copy()
        if case == "negative_definite":
            a[int(local)] = -a[int(local)]
        else:
            a[int(local)][0, 1] += 10 * abs(a[int(local)]).max()
        st.save(p, {"variances": a}, meta)
        needle = "not a covariance"
    r = run(cli, "similar", "--model", model_copy, "--word", word, "--method", "delta")
    assert_clean_failure(r, needle)

    def query():
        with glovev.Model.load(model_copy) as m:
            m.similarity(word, "peace", method="delta")
    assert_python_error(query, needle, kind=glovev.InputError)


def test_retraining_removes_old_variances(cli, fixture_dir, tmp_path):
    m = tmp_path / "model"
    shutil.copytree(fixture_dir / "model", m)
    r = run(cli, "train", "--cooccur", fixture_dir / "cooccur", "--vocab", fixture_dir / "vocab.txt", "--out", m, "--dim", "10",
            "--epochs", "2", "--threads", "1", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert not (m / "variances").exists()
    shutil.copytree(fixture_dir / "model" / "variances", m / "variances")
    assert_clean_failure(run(cli, "similar", "--model", m, "--word", "war"), "another training run", m / "params.safetensors")


# ---------- numerical guards ----------

def test_divergence_and_resume_guards(cli, fixture_dir, tmp_path):
    c, v = fixture_dir / "cooccur", fixture_dir / "vocab.txt"
    r = run(cli, "train", "--cooccur", c, "--vocab", v, "--out", tmp_path / "d", "--dim", "4", "--epochs", "5", "--eta", "1e6", "--threads", "1")
    assert_clean_failure(r, "diverged")
    out = tmp_path / "m"
    r = run(cli, "train", "--cooccur", c, "--vocab", v, "--out", out, "--dim", "4", "--epochs", "4", "--threads", "1", "--checkpoint-every", "1")
    assert r.returncode == 0, r.stderr
    # A checkpoint as a killed run leaves it: write one by stopping after two epochs through Python's cancel.
    epochs = []

    def stop(e, n, cost):
        epochs.append(e)
        return e >= 2
    with pytest.raises(glovev.CancelledError):
        glovev.train(c, v, out, dim=4, epochs=4, threads=1, checkpoint_every=1, progress=stop)
    assert (out / "checkpoint.safetensors").exists()
    r = run(cli, "train", "--cooccur", c, "--vocab", v, "--out", out, "--dim", "4", "--epochs", "4", "--threads", "1", "--resume", "--eta", "0.2")
    assert_clean_failure(r, "--eta 0.2", "checkpoint")
    assert_python_error(lambda: glovev.train(c, v, out, dim=4, epochs=4, threads=1, resume=True, seed=9), "seed", kind=glovev.InputError)
    r = run(cli, "train", "--cooccur", c, "--vocab", v, "--out", out, "--dim", "4", "--epochs", "4", "--threads", "1", "--resume")
    assert r.returncode == 0, r.stderr
