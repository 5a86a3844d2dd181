"""glovev run as one output: the built-in corpus, a run published whole (a failed or killed run leaves the previous
one as it was), a corpus too small for --dim refused before training, and the report's reliability flags."""
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import REPO

KJV = REPO / "tests" / "data" / "kjv.txt.gz"
FAST = ["--dim", "10", "--epochs", "2", "--als-sweeps", "1", "--min-count", "20", "--threads", "2"]


def _digest(folder):
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_the_built_in_corpus_runs_from_any_folder(cli, tmp_path):
    # No data/ folder here: the State of the Union corpus comes from inside the binary.
    r = subprocess.run([cli, "run", "--out", "R", *FAST, "--json"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert "State of the Union" in res["corpus"] and res["tokens"] > 1_000_000
    assert (tmp_path / "R" / "model" / "variances" / "chunk_map.txt").is_file()
    # The extracted copy is not left behind, in the output or beside it.
    assert not any("embedded" in p.name for p in tmp_path.rglob("*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R"]


def test_a_killed_run_leaves_the_previous_run_whole(cli, tmp_path):
    out = tmp_path / "R"
    subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], check=True, capture_output=True)
    before = _digest(out)
    # A second run on another corpus, killed while it trains: nothing of it may reach R.
    other = tmp_path / "other.txt"
    other.write_text("".join("the lord spake unto moses saying %d\n" % (i % 97) for i in range(20000)))
    err = tmp_path / "err.txt"
    with open(err, "w") as e:
        p = subprocess.Popen([cli, "run", "--corpus", str(other), "--out", str(out), "--dim", "10", "--epochs", "100000",
                              "--min-count", "1", "--threads", "1"], stdout=subprocess.DEVNULL, stderr=e)
        deadline = time.time() + 60
        while "train" not in err.read_text() and time.time() < deadline and p.poll() is None:
            time.sleep(0.05)
        assert p.poll() is None, err.read_text()
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert _digest(out) == before
    # The next run on the folder clears what the killed one left beside it.
    subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R", "err.txt", "other.txt"]


def test_a_corpus_too_small_for_dim_is_refused_before_training(cli, tmp_path):
    corpus = tmp_path / "small.txt"
    words = ["w%d" % i for i in range(30)]
    corpus.write_text("\n".join(" ".join(words[(7 * i + j) % 30] for j in range(12)) for i in range(60)) + "\n")
    r = subprocess.run([cli, "run", "--corpus", str(corpus), "--out", str(tmp_path / "S")], capture_output=True, text=True)
    assert r.returncode == 2
    import re
    most = re.search(r"the most any word has is (\d+)\)", r.stderr)
    assert "--dim 50" in r.stderr and most and int(most.group(1)) <= 29 and "train ..." not in r.stderr
    assert not (tmp_path / "S").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.txt"]


def test_a_folder_holding_other_folders_is_refused_before_computing(cli, tmp_path):
    out = tmp_path / "F"
    (out / "mine").mkdir(parents=True)
    (out / "notes.txt").write_text("keep")
    r = subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], capture_output=True, text=True)
    assert r.returncode == 2 and "'mine'" in r.stderr and "vocab ..." not in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["mine", "notes.txt"]


def test_the_report_flags_words_held_fixed(cli, tmp_path):
    # 'duke' is in the vocabulary at min-count 20 but has fewer contexts than needed at --dim 100: held fixed, flagged.
    args = [cli, "run", "--corpus", str(KJV), "--out", str(tmp_path / "R"), "--dim", "100", "--epochs", "2", "--als-sweeps", "1",
            "--min-count", "20", "--threads", "2", "--report-word", "duke"]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    table = r.stdout[r.stdout.index("'duke'"):]
    rows = [l for l in table.splitlines()[3:] if l.strip() and not l.startswith("plot:") and "──" not in l][:5]
    assert len(rows) == 5 and all(l.rstrip().endswith("!") for l in rows), table
    assert "'duke': no covariance" in r.stderr
    res = json.loads(subprocess.run(args + ["--json"], capture_output=True, text=True, check=True).stdout)
    assert all(n["flagged"] for n in res["report"][0]["neighbours"])


def test_a_run_keeps_or_refuses_what_the_user_put_in_its_folder(cli, tmp_path):
    out = tmp_path / "P"
    subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], check=True, capture_output=True)
    # Hidden files of the user's are carried into the new run's folder like any other file of theirs.
    (out / ".env").write_text("s")
    (out / "notes.md").write_text("n")
    subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], check=True, capture_output=True)
    assert (out / ".env").read_text() == "s" and (out / "notes.md").read_text() == "n"
    # A hidden folder of the user's (a repository) is refused, not deleted with the old folder.
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref")
    r = subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], capture_output=True, text=True)
    assert r.returncode == 2 and "'.git'" in r.stderr
    assert (out / ".git" / "HEAD").read_text() == "ref"
    (out / ".git" / "HEAD").unlink()
    (out / ".git").rmdir()
    # Something of the user's inside the run's model/ or cooccur/ would go with them: refused before any work.
    (out / "model" / "my.txt").write_text("mine")
    r = subprocess.run([cli, "run", "--corpus", str(KJV), "--out", str(out), *FAST], capture_output=True, text=True)
    assert r.returncode == 2 and "model/my.txt" in r.stderr and "vocab ..." not in r.stderr
    # So is a corpus inside --out, which the run would delete.
    r = subprocess.run([cli, "run", "--corpus", str(out / "model" / "my.txt"), "--out", str(out), *FAST], capture_output=True, text=True)
    assert r.returncode == 2 and "inside --out" in r.stderr
    assert (out / "model" / "my.txt").read_text() == "mine"
    # At the top of --out a corpus is the user's file like any other: used, and kept.
    (out / "model" / "my.txt").unlink()
    import shutil
    shutil.copy(KJV, out / "corpus.txt.gz")
    r = subprocess.run([cli, "run", "--corpus", str(out / "corpus.txt.gz"), "--out", str(out), *FAST], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (out / "corpus.txt.gz").read_bytes() == KJV.read_bytes()
