"""Outputs never replace inputs, refused runs leave nothing that blocks the corrected rerun, and inputs that cannot
belong together are refused (the CLI, end to end, on a small corpus)."""
import json
import shutil
import subprocess

import pytest

from conftest import REPO, assert_clean_failure, run_cli

CORPUS = REPO / "tests" / "data" / "sotu_small.txt"


@pytest.fixture(scope="module")
def work(cli, tmp_path_factory):
    """A vocabulary, a co-occurrence folder and two small trained models with variances (seeds 1 and 2)."""
    d = tmp_path_factory.mktemp("spare")
    small = d / "small.txt"
    small.write_text("".join(CORPUS.read_text().splitlines(keepends=True)[:30]))
    for args in (["vocab", "--corpus", CORPUS, "--out", d / "vocab.txt"],
                 ["cooccur", "--corpus", CORPUS, "--vocab", d / "vocab.txt", "--out", d / "cooc", "--window", "5"]):
        r = run_cli(cli, *args, "--threads", "1")
        assert r.returncode == 0, r.stderr
    for s in (1, 2):
        for args in (["train", "--cooccur", d / "cooc", "--vocab", d / "vocab.txt", "--out", d / f"m{s}", "--dim", "10",
                      "--epochs", "5", "--als-sweeps", "2", "--seed", str(s)],
                     ["variance", "--model", d / f"m{s}", "--cooccur", d / "cooc"]):
            r = run_cli(cli, *args, "--threads", "1")
            assert r.returncode == 0, r.stderr
    return d


def files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_tables_and_plots_never_overwrite_a_file_the_command_reads(cli, work, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(work / "m1", model)
    before = files(model)
    for target in (model / "params.safetensors", model / "variances" / "chunk_map.txt", work / "cooc" / "cooccurrence.bin"):
        r = run_cli(cli, "calibrate", "--model", model, "--cooccur", work / "cooc", "--replicates", "2", "--words-per-band", "2",
                    "--bands", "100", "--threads", "1", "--tsv", target)
        assert_clean_failure(r, "--tsv", "a file of the folder")
    r = run_cli(cli, "similar", "--model", model, "--word", "war", "--plot", model / "vocab.txt")
    assert_clean_failure(r, "--plot")
    # --cooccur naming the .bin itself: its folder is what is read.
    r = run_cli(cli, "calibrate", "--model", model, "--cooccur", work / "cooc" / "cooccurrence.bin", "--replicates", "2",
                "--words-per-band", "2", "--bands", "100", "--threads", "1", "--tsv", work / "cooc" / "cooccurrence.bin")
    assert_clean_failure(r, "--tsv")
    assert files(model) == before
    # The command's own earlier plot beside the model is not an input: a rerun may replace it.
    for _ in range(2):
        r = run_cli(cli, "similar", "--model", model, "--word", "war", "--top", "3", "--samples", "100", "--plot", model / "n.svg")
        assert r.returncode == 0, r.stderr


def test_calibrate_refuses_draws_with_delta_alone_in_every_door(cli, work):
    import glovev
    r = run_cli(cli, "calibrate", "--model", work / "m1", "--cooccur", work / "cooc", "--methods", "delta", "--samples", "10")
    assert_clean_failure(r, "--samples", "delta")
    with pytest.raises(glovev.ArgumentError, match="samples.*delta"):
        glovev.calibrate(work / "m1", work / "cooc", methods=["delta"], samples=50)
    # The seed also picks the words and the simulated data: it is used with delta too.
    r = run_cli(cli, "calibrate", "--model", work / "m1", "--cooccur", work / "cooc", "--methods", "delta", "--seed", "3",
                "--replicates", "2", "--words-per-band", "2", "--bands", "100", "--threads", "1")
    assert r.returncode == 0, r.stderr


def test_merges_refuse_an_output_that_is_or_holds_a_shard(cli, work, tmp_path):
    for k in (1, 2):
        r = run_cli(cli, "variance", "--model", work / "m1", "--cooccur", work / "cooc", "--threads", "1", "--shard", f"{k}/2",
                    "--out", tmp_path / "sh" / f"v{k}")
        assert r.returncode == 0, r.stderr
        r = run_cli(cli, "cooccur", "--corpus", CORPUS, "--vocab", work / "vocab.txt", "--window", "5", "--threads", "1",
                    "--shard", f"{k}/2", "--out", tmp_path / "csh" / f"c{k}")
        assert r.returncode == 0, r.stderr
    before = files(tmp_path)
    for out in (tmp_path / "sh" / "v1", tmp_path / "sh", tmp_path / "sh" / "v2" / "inner"):
        assert_clean_failure(run_cli(cli, "merge-variances", tmp_path / "sh" / "v1", tmp_path / "sh" / "v2", "--out", out), "shard")
    assert_clean_failure(run_cli(cli, "merge-cooccur", tmp_path / "csh" / "c1", tmp_path / "csh" / "c2", "--vocab", work / "vocab.txt",
                                 "--out", tmp_path / "csh" / "c2"), "shard")
    assert files(tmp_path) == before
    assert run_cli(cli, "merge-variances", tmp_path / "sh" / "v1", tmp_path / "sh" / "v2", "--out", tmp_path / "merged").returncode == 0


def test_bootstrap_keeps_out_of_other_folders_and_a_refused_run_leaves_nothing(cli, work, tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("".join(CORPUS.read_text().splitlines(keepends=True)[:30]))
    common = ["--corpus", small, "--vocab", work / "vocab.txt", "--replicates", "2", "--dim", "5", "--epochs", "2", "--threads", "1"]
    model = tmp_path / "m"
    shutil.copytree(work / "m1", model)
    before = files(model)
    assert_clean_failure(run_cli(cli, "bootstrap", "--out", model, "--keep-case", "--keep-punctuation", *common), "params.safetensors")
    assert files(model) == before
    # Refused by the tokenisation check: nothing recorded, so the corrected run is not refused as "other settings".
    out = tmp_path / "boot"
    assert_clean_failure(run_cli(cli, "bootstrap", "--out", out, "--keep-case", *common), "tokenis")
    assert not out.exists()
    r = run_cli(cli, "bootstrap", "--out", out, "--keep-case", "--keep-punctuation", *common)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (out / "replicates").iterdir()) == ["boot_0001.safetensors", "boot_0002.safetensors"]
    # --min-count means nothing with a given vocabulary.
    assert_clean_failure(run_cli(cli, "bootstrap", "--out", tmp_path / "b2", "--min-count", "3", "--keep-case", "--keep-punctuation", *common),
                         "--min-count")
    # The record damaged: a clear error, never an internal one.
    record = out / "bootstrap.json"
    good = record.read_text()
    for bad in (good[:-10], "[]", json.dumps({"format": 3})):
        record.write_text(bad)
        assert_clean_failure(run_cli(cli, "compare-uncertainty", "--model", work / "m1", "--bootstrap", out), "bootstrap.json")
        assert_clean_failure(run_cli(cli, "bootstrap", "--out", out, "--keep-case", "--keep-punctuation", *common), "bootstrap.json")
    record.write_text(good)
    assert_clean_failure(run_cli(cli, "compare-uncertainty", "--model", work / "m1", "--bootstrap", out, "--pairs-tsv", record), "--pairs-tsv")
    assert record.read_text() == good
    # A bootstrap folder resumes whatever else the user keeps in it.
    (out / "notes.tsv").write_text("x\n")
    r = run_cli(cli, "bootstrap", "--out", out, "--keep-case", "--keep-punctuation", *common)
    assert r.returncode == 0, r.stderr
    # A first run that fails removes only what it created: a --vocab kept inside --out stays.
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(work / "vocab.txt", own / "vocab.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"war peace \xff\n")
    r = run_cli(cli, "bootstrap", "--corpus", bad, "--out", own, "--vocab", own / "vocab.txt", "--replicates", "1", "--dim", "5",
                "--epochs", "2", "--keep-case", "--keep-punctuation", "--threads", "1")
    assert r.returncode == 2
    assert (own / "vocab.txt").read_bytes() == (work / "vocab.txt").read_bytes() and not (own / "bootstrap.json").exists()


def test_weat_refuses_lists_that_share_words(cli, work, tmp_path):
    for name, words in (("x", "war army"), ("y", "people nation"), ("a", "good great"), ("b", "strong great")):
        (tmp_path / f"{name}.txt").write_text(words.replace(" ", "\n") + "\n")
    lists = [tmp_path / f"{n}.txt" for n in "xyab"]
    assert_clean_failure(run_cli(cli, "bias", "--model", work / "m1", "--weat", *lists, "--method", "delta"), "A and B share 'great'")
    assert_clean_failure(run_cli(cli, "bias", "--model", work / "m1", "--weat", lists[0], lists[0], lists[2], lists[3], "--method", "delta"),
                         "X and Y share")


@pytest.mark.parametrize("setting", [["--eta", "1e39"], ["--eta", "1e-300"], ["--grad-clip", "1e-300"], ["--x-max", "1e39"],
                                     ["--bias-eta", "1e39"]])
def test_training_refuses_settings_single_precision_cannot_hold(cli, work, tmp_path, setting):
    r = run_cli(cli, "train", "--cooccur", work / "cooc", "--vocab", work / "vocab.txt", "--out", tmp_path / "m", "--dim", "5",
                "--epochs", "1", "--threads", "1", *setting)
    assert_clean_failure(r, setting[0], "single precision")
    assert not (tmp_path / "m" / "params.safetensors").exists()


def test_imported_vectors_refuse_another_runs_variances(cli, work, tmp_path):
    assert run_cli(cli, "export", "--model", work / "m2", "--format", "word2vec", "--out", tmp_path / "v.txt").returncode == 0
    assert run_cli(cli, "import", "--input", tmp_path / "v.txt", "--format", "word2vec", "--out", tmp_path / "imp").returncode == 0
    shutil.copytree(work / "m1" / "variances", tmp_path / "imp" / "variances")
    assert_clean_failure(run_cli(cli, "compare", "--model", tmp_path / "imp", "--pair", "war,peace"), "params_id", "imported")


def test_params_and_vectors_of_two_runs_are_refused(cli, work, tmp_path):
    """What a training killed between its renames would leave: every reader refuses it."""
    model = tmp_path / "m"
    shutil.copytree(work / "m1", model, ignore=shutil.ignore_patterns("variances"))
    shutil.copy(work / "m2" / "vectors.safetensors", model / "vectors.safetensors")
    assert_clean_failure(run_cli(cli, "compare", "--model", model, "--pair", "war,peace", "--hold-fixed"), "different training runs")
    assert_clean_failure(run_cli(cli, "variance", "--model", model, "--cooccur", work / "cooc"), "different training runs")


def test_retraining_killed_while_writing_keeps_the_old_model_and_its_variances(cli, work, tmp_path):
    """The new files are written under temporary names and renamed at the end: a kill before that leaves the old set."""
    model = tmp_path / "m"
    shutil.copytree(work / "m1", model)
    before = files(model)
    p = subprocess.Popen([cli, "train", "--cooccur", str(work / "cooc"), "--vocab", str(work / "vocab.txt"), "--out", str(model),
                          "--dim", "3000", "--epochs", "1", "--threads", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import time
    deadline = time.time() + 60
    # Killed once the new parameters are being written (a temporary beside the old file), before they replace it.
    while time.time() < deadline and p.poll() is None and not any(f.name.endswith(".tmp") for f in model.iterdir()):
        time.sleep(0.005)
    p.kill()
    p.wait()
    if p.returncode == 0:
        pytest.skip("the training ended before it could be killed while writing")
    assert {k: v for k, v in files(model).items() if not k.name.endswith(".tmp")} == before
    assert run_cli(cli, "compare", "--model", model, "--pair", "war,peace", "--method", "delta").returncode == 0


def test_compact_forms_used_are_flagged_whoever_asked(cli, work, tmp_path):
    def first_pair(model, *extra):
        r = run_cli(cli, "compare", "--model", model, "--pair", "war,peace", "--json", *extra)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)["pairs"][0]
    compact = tmp_path / "compact"
    shutil.copytree(work / "m1", compact, ignore=shutil.ignore_patterns("variances"))
    assert run_cli(cli, "variance", "--model", compact, "--cooccur", work / "cooc", "--no-complete", "--threads", "1").returncode == 0
    p = first_pair(compact)  # not asked for, but the only forms there: flagged as approximate
    assert p["flagged"] and any("compact (approximate) covariance" in w for w in p["warnings"])
    complete = tmp_path / "complete"
    shutil.copytree(work / "m1", complete, ignore=shutil.ignore_patterns("variances"))
    assert run_cli(cli, "variance", "--model", complete, "--cooccur", work / "cooc", "--approx", "0", "--threads", "1").returncode == 0
    # Asked for, but only complete forms there: refused (it would be answered from the complete ones without a word).
    assert_clean_failure(run_cli(cli, "compare", "--model", complete, "--pair", "war,peace", "--json", "--approximate"),
                         "holds no compact covariances")
    p = first_pair(complete)
    assert not any("compact" in w or "approximate" in w for w in p["warnings"])


def test_run_without_sweeps_needs_no_ridge_and_a_malformed_first_score_is_an_error(cli, work, tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("".join(CORPUS.read_text().splitlines(keepends=True)[:200]))
    r = run_cli(cli, "run", "--corpus", small, "--out", tmp_path / "run", "--als-sweeps", "0", "--epochs", "2", "--dim", "5", "--threads", "1")
    assert r.returncode == 0, r.stderr
    assert_clean_failure(run_cli(cli, "run", "--corpus", small, "--out", tmp_path / "run2", "--als-sweeps", "0", "--ridge", "0.3",
                                 "--epochs", "2", "--dim", "5", "--threads", "1"), "--ridge")
    for first in ("war peace 3,5", "war peace inf"):
        bench = tmp_path / "bench.txt"
        bench.write_text(first + "\narmy navy 7\nwar army 5\n")
        assert_clean_failure(run_cli(cli, "evaluate", "--model", work / "m1", "--benchmark", bench), "bench.txt:1")
    bench.write_text("word1 word2 score\nwar peace 3\narmy navy 7\nwar army 5\n")  # a header is still skipped
    assert run_cli(cli, "evaluate", "--model", work / "m1", "--benchmark", bench, "--hold-fixed").returncode == 0


def test_an_empty_path_is_an_error_naming_its_option(cli, work, tmp_path):
    assert_clean_failure(run_cli(cli, "vocab", "--corpus", CORPUS, "--out", ""), "--out", absent=["Parameter"])
    assert_clean_failure(run_cli(cli, "similar", "--model", work / "m1", "--word", "war", "--plot", " "), "--plot", absent=["Parameter"])


def test_cli_arguments_that_are_not_utf8_are_refused_by_their_option(cli, fixture_dir, tmp_path):
    """.NET reads the command line as UTF-8 with U+FFFD for bad bytes: `vocab --out v\\xe9.txt` wrote `v\\ufffd.txt`, a
    file the user did not name. Refused, naming the option, and nothing written."""
    import os
    corpus = tmp_path / "c.txt"
    corpus.write_text("war peace war army peace war\n" * 20)
    out = os.fsencode(str(tmp_path)) + b"/v\xe9.txt"
    r = subprocess.run([os.fsencode(cli), b"vocab", b"--corpus", os.fsencode(str(corpus)), b"--out", out, b"--min-count", b"1"],
                       capture_output=True)
    assert r.returncode == 2, r.stderr
    assert b"--out" in r.stderr and b"not valid UTF-8" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]
    # A word given on the command line too.
    r = subprocess.run([os.fsencode(cli), b"compare", b"--model", os.fsencode(str(fixture_dir / "model")), b"--pair", b"the,w\xff"],
                       capture_output=True)
    assert r.returncode == 2 and b"--pair" in r.stderr and b"not valid UTF-8" in r.stderr, r.stderr


def test_a_write_that_fails_midway_leaves_no_temporary(cli, fixture_dir, tmp_path):
    """A single-file output whose write fails (here a file-size limit, as a full disk would: EFBIG instead of ENOSPC)
    exits 2 and removes its hidden temporary; closing it used to flush, fail again and skip the removal, so a full disk
    kept a partial .NAME.PID.GUID.tmp."""
    import os
    import resource
    import signal

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG rather than killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    out = tmp_path / "vectors.txt"
    r = subprocess.run([cli, "export", "--model", str(fixture_dir / "model"), "--format", "glove-txt", "--out", str(out)],
                       capture_output=True, text=True, preexec_fn=limit)
    assert r.returncode == 2, r.stderr
    assert os.listdir(tmp_path) == [], os.listdir(tmp_path)
