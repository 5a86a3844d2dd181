"""train --resume refuses a checkpoint of other inputs or settings (AdaGrad and ALS checkpoints alike) and keeps the
cost history whole; --cooccur takes GloVe C's .bin file; options a run does not use are refused; messages name the
flags. Exit status 2 and one 'glovev: error:' line for every refusal."""
import json
import os
import shutil
import struct
import subprocess

import pytest

import glovev
from conftest import REPO, assert_clean_failure, run_cli as run

CORPUS = REPO / "tests" / "data" / "sotu_small.txt"


def metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))["__metadata__"]


@pytest.fixture(scope="module")
def small(cli, tmp_path_factory):
    """A corpus, its vocabulary and two co-occurrence folders of the same shape (with and without distance weighting)."""
    d = tmp_path_factory.mktemp("small")
    corpus = d / "corpus.txt"
    with open(CORPUS, encoding="utf-8") as f:
        corpus.write_text("".join(f.readlines()[:3000]), encoding="utf-8")
    v = d / "vocab.txt"
    assert run(cli, "vocab", "--corpus", corpus, "--out", v, "--min-count", "5").returncode == 0
    for name, extra in (("co", ()), ("co_ndw", ("--no-distance-weighting",))):
        r = run(cli, "cooccur", "--corpus", corpus, "--vocab", v, "--out", d / name, *extra)
        assert r.returncode == 0, r.stderr
    assert os.path.getsize(d / "co" / "cooccurrence.bin") == os.path.getsize(d / "co_ndw" / "cooccurrence.bin")
    return d


TRAIN = ("--dim", "8", "--threads", "1", "--checkpoint-every", "1")


def adagrad_checkpoint(small, out):
    """A checkpoint as a killed run leaves it: cancelled through Python during epoch 3 of 6, after the checkpoint
    of epoch 2."""
    with pytest.raises(glovev.CancelledError):
        glovev.train(small / "co", small / "vocab.txt", out, dim=8, epochs=6, threads=1, checkpoint_every=1,
                     progress=lambda e, n, cost: e >= 3)
    assert metadata(out / "checkpoint.safetensors")["epochs_done"] == "2"


def als_checkpoint(small, out):
    """The same in the ALS phase: 2 epochs, then stopped after ALS sweep 2 of 4."""
    with pytest.raises(glovev.CancelledError):
        glovev.train(small / "co", small / "vocab.txt", out, dim=8, epochs=2, threads=1, checkpoint_every=1,
                     als_sweeps=4, ridge=0.1, als_tol=0, progress=lambda e, n, cost: e == -2)
    assert metadata(out / "checkpoint.safetensors")["als_sweeps_done"] == "2"


# ---------- what a resumed run must share with the checkpoint, and what it keeps

def test_resume_refuses_another_cooccurrence_matrix_and_another_vocabulary(cli, small, tmp_path):
    out = tmp_path / "r"
    adagrad_checkpoint(small, out)
    r = run(cli, "train", "--cooccur", small / "co_ndw", "--vocab", small / "vocab.txt", "--out", out, "--epochs", "6", *TRAIN, "--resume")
    assert_clean_failure(r, "another co-occurrence matrix", small / "co_ndw", small / "co")
    assert not (out / "params.safetensors").exists()
    # Two words swapped in the vocabulary (and counted again with it): another vocabulary.
    lines = (small / "vocab.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10], lines[11] = lines[11], lines[10]
    sw = tmp_path / "swapped"
    sw.mkdir()
    (sw / "vocab.txt").write_text("".join(lines), encoding="utf-8")
    shutil.copy(small / "vocab.txt.tokenizer", sw / "vocab.txt.tokenizer")
    assert run(cli, "cooccur", "--corpus", small / "corpus.txt", "--vocab", sw / "vocab.txt", "--out", sw / "co").returncode == 0
    r = run(cli, "train", "--cooccur", sw / "co", "--vocab", sw / "vocab.txt", "--out", out, "--epochs", "6", *TRAIN, "--resume")
    assert_clean_failure(r, "another vocabulary")
    # The right inputs resume, and the model's cost history covers all 6 epochs.
    r = run(cli, "train", "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", out, "--epochs", "6", *TRAIN, "--resume")
    assert r.returncode == 0, r.stderr
    costs = metadata(out / "params.safetensors")["cost_history"].split(",")
    assert len(costs) == 6 and all(c not in ("", "NaN") for c in costs)


@pytest.mark.parametrize("changed, flag", [
    (("--x-max", "50"), "--x-max 50"), (("--alpha", "0.5"), "--alpha 0.5"), (("--ridge", "0.2"), "--ridge 0.2"),
    (("--ridge", "auto"), "--ridge auto"), (("--tol", "0.001"), "--tol 0.001"), (("--eta", "0.1"), "--eta 0.1"),
    (("--epochs", "3"), "--epochs 3"),
])
def test_an_als_checkpoint_refuses_every_other_setting_by_its_flag(cli, small, tmp_path, changed, flag):
    out = tmp_path / "r"
    als_checkpoint(small, out)
    base = {"--epochs": "2", "--als-sweeps": "4", "--ridge": "0.1", "--tol": "0"}
    base[changed[0]] = changed[1]
    args = [a for kv in base.items() for a in kv]
    r = run(cli, "train", "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", out, *TRAIN, *args, "--resume")
    assert_clean_failure(r, flag, "checkpoint")
    assert not (out / "params.safetensors").exists()


def test_an_als_resume_keeps_the_whole_cost_history(cli, small, tmp_path):
    args = ("--epochs", "2", "--als-sweeps", "4", "--ridge", "0.1", "--tol", "0")
    full = tmp_path / "full"
    r = run(cli, "train", "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", full, *TRAIN, *args)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "r"
    als_checkpoint(small, out)
    r = run(cli, "train", "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", out, *TRAIN, *args, "--resume", "--json")
    assert r.returncode == 0, r.stderr
    assert [s["sweep"] for s in json.loads(r.stdout)["als_sweeps"]] == [3, 4]
    want, got = metadata(full / "params.safetensors"), metadata(out / "params.safetensors")
    assert len(want["cost_history"].split(",")) == 2 and len(want["als_cost_history"].split(",")) == 4
    for key in ("cost_history", "als_cost_history", "final_cost", "backend", "ridge", "als_sweeps", "epochs"):
        assert got[key] == want[key], key


def test_a_checkpoint_with_more_epochs_than_asked_for_names_the_flag(cli, small, tmp_path):
    out = tmp_path / "r"
    adagrad_checkpoint(small, out)
    r = run(cli, "train", "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", out, "--epochs", "1", *TRAIN, "--resume")
    assert_clean_failure(r, "more than --epochs 1", absent=("more than epochs",))


# ---------- the co-occurrence input

def test_cooccur_takes_glove_cs_bin_file_as_the_help_says(cli, small, tmp_path):
    assert "GloVe C .bin file" in run(cli, "train", "--help").stdout
    r = run(cli, "train", "--cooccur", small / "co" / "cooccurrence.bin", "--vocab", small / "vocab.txt", "--out", tmp_path / "a",
            "--dim", "4", "--epochs", "1", "--threads", "1", "--json")
    assert r.returncode == 0, r.stderr
    # GloVe C's shuffled file under its own name: converted once beside it.
    gc = tmp_path / "gc"
    gc.mkdir()
    shutil.copy(small / "co" / "cooccurrence.bin", gc / "cooccurrence.shuf.bin")
    r2 = run(cli, "train", "--cooccur", gc / "cooccurrence.shuf.bin", "--vocab", small / "vocab.txt", "--out", tmp_path / "b",
             "--dim", "4", "--epochs", "1", "--threads", "1", "--json")
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["nonzeros"] == json.loads(r.stdout)["nonzeros"]
    assert (gc / "cooccurrence.shuf.csr.safetensors").exists()
    # Another file says what is accepted.
    r = run(cli, "train", "--cooccur", small / "vocab.txt", "--vocab", small / "vocab.txt", "--out", tmp_path / "c", "--dim", "4", "--epochs", "1")
    assert_clean_failure(r, "is a file", ".bin")


def test_a_replaced_bin_gets_advice_that_works(cli, small, tmp_path):
    ours = tmp_path / "ours"
    shutil.copytree(small / "co", ours)
    shutil.copy(small / "co_ndw" / "cooccurrence.bin", ours / "cooccurrence.bin")  # same size, other values
    t = os.path.getmtime(ours / "cooccurrence.csr.safetensors") + 60
    os.utime(ours / "cooccurrence.bin", (t, t))
    train = ("--vocab", small / "vocab.txt", "--dim", "4", "--epochs", "1", "--threads", "1")
    r = run(cli, "train", "--cooccur", ours, "--out", tmp_path / "m", *train)
    assert_clean_failure(r, "folder of its own", absent=("delete",))
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(ours / "cooccurrence.bin", own / "cooccurrence.bin")
    r = run(cli, "train", "--cooccur", own, "--out", tmp_path / "m", *train)
    assert r.returncode == 0, r.stderr


# ---------- settings a run does not use, and messages that name the flags

@pytest.mark.parametrize("args, needles", [
    (("train", "--device", "cuda"), ("--device", "--backend torch")),
    (("train", "--batch-size", "5"), ("--batch-size", "--backend torch")),
    (("train", "--tol", "5"), ("--tol", "--als-sweeps")),
    (("train", "--epochs-tol", "0.1"), ("--epochs-tol", "--epochs auto")),
    (("train", "--max-epochs", "3"), ("--max-epochs", "--epochs auto")),
])
def test_train_options_a_run_does_not_use_are_refused(cli, small, tmp_path, args, needles):
    r = run(cli, *args, "--cooccur", small / "co", "--vocab", small / "vocab.txt", "--out", tmp_path / "m", "--dim", "4", "--epochs", "1", "--threads", "1")
    assert_clean_failure(r, *needles)
    assert not (tmp_path / "m").exists()


def test_other_commands_refuse_options_they_do_not_use(cli, small, fixture_dir, tmp_path):
    for t in ("0", "-5"):
        assert_clean_failure(run(cli, "vocab", "--corpus", small / "corpus.txt", "--out", tmp_path / "v.txt", "--threads", t), "--threads")
    assert not (tmp_path / "v.txt").exists()
    for fmt in ("word2vec", "word2vec-bin", "glove-bin"):
        r = run(cli, "export", "--model", fixture_dir / "model", "--format", fmt, "--model-type", "0", "--out", tmp_path / "e.txt")
        assert_clean_failure(r, "--model-type", "glove-txt")
    assert not (tmp_path / "e.txt").exists()
    r = run(cli, "run", "--corpus", small / "corpus.txt", "--out", tmp_path / "run", "--epochs-tol", "-1")
    assert_clean_failure(r, "--epochs-tol", "--epochs auto")
    assert not (tmp_path / "run").exists()


def test_messages_name_the_flags(cli, small, fixture_dir, tmp_path):
    co, v = small / "co", small / "vocab.txt"
    base = ("--cooccur", co, "--vocab", v, "--out", tmp_path / "m", "--dim", "4", "--threads", "1")
    assert_clean_failure(run(cli, "train", *base, "--epochs", "0"), "(or 0 with --als-sweeps N)", absent=("als_sweeps",))
    assert_clean_failure(run(cli, "train", *base, "--epochs", "1", "--ridge", "0.3"), "give --als-sweeps N too", absent=("als_sweeps",))
    assert_clean_failure(run(cli, "train", *base, "--epochs", "1", "--init", fixture_dir / "model"),
                         "--init", "--epochs 0 and --als-sweeps N", absent=("als_sweeps", "epochs 0 and als"))
    # A model of another vocabulary says so (not 'dim').
    assert_clean_failure(run(cli, "train", *base, "--epochs", "0", "--als-sweeps", "1", "--init", fixture_dir / "model"),
                         "--init", "vocabulary of 2792 words", absent=("(dim)",))
    cooc = ("cooccur", "--corpus", small / "corpus.txt", "--vocab", v, "--out", tmp_path / "c")
    assert_clean_failure(run(cli, *cooc, "--memory", "12X"), "--memory", "'12X'")
    assert_clean_failure(run(cli, *cooc, "--memory", "2M", "--threads", "1"), "--memory 2M is too small", absent=("fewer threads",))
    assert_clean_failure(run(cli, *cooc, "--memory", "2M", "--threads", "2"), "or fewer threads")
