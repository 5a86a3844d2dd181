"""The CLI refuses incomplete or mixed shard sets, outputs that would take an input's place, bad plot paths, damaged
gzip corpora and vocabulary paths that would clobber a tokenizer record: exit status 2, a message naming the culprit,
and nothing written (or left as it was)."""
import gzip
import shutil
import subprocess

import pytest

from conftest import REPO

CORPUS = REPO / "tests" / "data" / "sotu_small.txt"


def _run(cli, *args):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True)


def _ok(cli, *args):
    r = _run(cli, *args)
    assert r.returncode == 0, r.stderr
    return r


def _refused(cli, *args, says):
    r = _run(cli, *args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    for s in [says] if isinstance(says, str) else says:
        assert s in r.stderr, r.stderr
    return r.stderr


@pytest.fixture(scope="module")
def small(tmp_path_factory, cli):
    """A small corpus, its vocabulary, co-occurrence folder and model, and the three variance shards of the model."""
    d = tmp_path_factory.mktemp("small")
    lines = CORPUS.read_text().splitlines()[:1500]
    (d / "k.txt").write_text("\n".join(lines) + "\n")
    _ok(cli, "vocab", "--corpus", d / "k.txt", "--out", d / "kv.txt", "--min-count", 3)
    _ok(cli, "cooccur", "--corpus", d / "k.txt", "--vocab", d / "kv.txt", "--out", d / "co")
    _ok(cli, "train", "--cooccur", d / "co", "--vocab", d / "kv.txt", "--out", d / "m", "--dim", 10, "--epochs", 3)
    for k in (1, 2, 3):
        _ok(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", d / ("p%d" % k), "--shard", "%d/3" % k)
    return d


def test_merge_variances_needs_every_shard_once(cli, small):
    d = small
    out = d / "vm"
    _refused(cli, "merge-variances", "--out", out, d / "p1", d / "p3", says=["missing shard 2 of 3", "exactly once"])
    _refused(cli, "merge-variances", "--out", out, d / "p1", d / "p2", d / "p3", d / "p2", says="two folders are shard 2/3")
    _ok(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", d / "lone", "--shard", "1/5000")
    _refused(cli, "merge-variances", "--out", out, d / "lone", says="missing shards 2-5000 of 5000")
    assert not out.exists()
    r = _ok(cli, "merge-variances", "--out", out, d / "p1", d / "p2", d / "p3")
    assert "from 3 shards" in r.stdout


def test_merge_variances_refuses_mixed_settings(cli, small):
    d = small
    out = d / "vmix"
    _ok(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", d / "nc2", "--shard", "2/3", "--no-complete")
    _refused(cli, "merge-variances", "--out", out, d / "p1", d / "nc2", d / "p3", says=["nc2", "complete = false", "same settings"])
    _ok(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", d / "ap2", "--shard", "2/3", "--approx", "0.5")
    _refused(cli, "merge-variances", "--out", out, d / "p1", d / "ap2", d / "p3", says=["ap2", "approx = 0.5"])
    assert not out.exists()


def test_variance_out_never_an_input_folder(cli, small, tmp_path):
    d = small
    co = tmp_path / "co"
    shutil.copytree(d / "co", co)
    manifest = (co / ".glovev-manifest").read_bytes()
    _refused(cli, "variance", "--model", d / "m", "--cooccur", co, "--out", co, says=[str(co), "is the co-occurrence folder"])
    _refused(cli, "variance", "--model", d / "m", "--cooccur", co, "--out", co / "v", says="is inside the co-occurrence folder")
    _refused(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", co, says="holds co-occurrence files")
    assert (co / ".glovev-manifest").read_bytes() == manifest and not (co / "variance_info.tsv").exists()
    # The manifest still guards the co-occurrence files: a truncated cooccurrence.bin is refused by training.
    with open(co / "cooccurrence.bin", "r+b") as f:
        f.truncate(1000)
    _refused(cli, "train", "--cooccur", co, "--vocab", d / "kv.txt", "--out", tmp_path / "m2", "--dim", 10, "--epochs", 1,
             says="cooccurrence.bin")
    m = tmp_path / "m"
    shutil.copytree(d / "m", m)
    _refused(cli, "variance", "--model", m, "--cooccur", d / "co", "--out", m, says="is the model folder")
    assert not (m / "variance_info.tsv").exists()


def test_variance_plot_checked_before_computing(cli, small, tmp_path):
    d = small
    out = tmp_path / "v"
    _refused(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", out, "--plot", tmp_path / "x.jpg",
             says="--plot must end in .png or .svg")
    assert not out.exists()
    err = _refused(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", out, "--plot", "/nonexistent/dir/x.png",
                   says="--plot /nonexistent/dir/x.png: the folder /nonexistent/dir does not exist")
    assert ".tmp" not in err and not out.exists()
    _ok(cli, "variance", "--model", d / "m", "--cooccur", d / "co", "--out", out, "--plot", tmp_path / "v.svg")
    assert (tmp_path / "v.svg").stat().st_size > 0 and (out / "variance_info.tsv").is_file()


def test_damaged_gzip_corpus_is_an_error(cli, small, tmp_path):
    d = small
    data = gzip.compress((d / "k.txt").read_bytes())
    cut = tmp_path / "t.gz"
    cut.write_bytes(data[:len(data) // 2])
    _refused(cli, "vocab", "--corpus", cut, "--out", tmp_path / "tv.txt", "--min-count", 3, says=[str(cut), "truncated gzip stream"])
    assert not (tmp_path / "tv.txt").exists()
    _refused(cli, "cooccur", "--corpus", cut, "--vocab", d / "kv.txt", "--out", tmp_path / "tco", says="truncated gzip stream")
    _refused(cli, "cooccur", "--corpus", cut, "--vocab", d / "kv.txt", "--out", tmp_path / "ts", "--shard", "1/2", says="truncated gzip stream")
    bad = bytearray(data)
    bad[-6] ^= 0x10
    crc = tmp_path / "crc.gz"
    crc.write_bytes(bytes(bad))
    _refused(cli, "vocab", "--corpus", crc, "--out", tmp_path / "tv.txt", "--min-count", 3, says=[str(crc), "gzip CRC mismatch"])
    # Concatenated members are one corpus, twice the text.
    two = tmp_path / "two.gz"
    two.write_bytes(data + data)
    import json
    one = json.loads(_ok(cli, "vocab", "--corpus", d / "k.txt", "--out", tmp_path / "v1.txt", "--min-count", 3, "--json").stdout)
    both = json.loads(_ok(cli, "vocab", "--corpus", two, "--out", tmp_path / "v2.txt", "--min-count", 3, "--json").stdout)
    assert both["tokens"] == 2 * one["tokens"]


def test_byte_order_mark_is_not_part_of_the_first_word(cli, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("hello world\nhello there\n")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    _ok(cli, "vocab", "--corpus", plain, "--out", tmp_path / "a.txt", "--min-count", 1)
    _ok(cli, "vocab", "--corpus", bom, "--out", tmp_path / "b.txt", "--min-count", 1)
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()
    _ok(cli, "cooccur", "--corpus", bom, "--vocab", tmp_path / "b.txt", "--out", tmp_path / "co")


def test_merge_cooccur_refuses_shards_of_different_corpora(cli, small, tmp_path):
    d = small
    lines = (d / "k.txt").read_text().split("\n")
    a, b = list(lines), list(lines)

    def reverse_a_line(text, start):  # the words of one line reversed: same lines, same bytes, other text
        i = next(i for i in range(start, len(text)) if len(set(text[i].split(" "))) > 1)
        text[i] = " ".join(reversed(text[i].split(" ")))

    reverse_a_line(a, 10)               # in shard 1's lines
    reverse_a_line(b, len(lines) // 2)  # in shard 2's lines
    (tmp_path / "kA.txt").write_text("\n".join(a))
    (tmp_path / "kB.txt").write_text("\n".join(b))
    assert (tmp_path / "kA.txt").stat().st_size == (tmp_path / "kB.txt").stat().st_size
    for k, src in ((1, "kA.txt"), (2, "kB.txt"), (3, "kA.txt")):
        _ok(cli, "cooccur", "--corpus", tmp_path / src, "--vocab", d / "kv.txt", "--out", tmp_path / ("s%d" % k), "--shard", "%d/3" % k)
    _refused(cli, "merge-cooccur", "--vocab", d / "kv.txt", "--out", tmp_path / "cm", tmp_path / "s1", tmp_path / "s2", tmp_path / "s3",
             says=["s2", "s1", "different corpora"])
    assert not (tmp_path / "cm").exists()


def test_vocab_out_never_clobbers_a_tokenizer_record(cli, small, tmp_path):
    d = small
    shutil.copy(d / "kv.txt", tmp_path / "kv.txt")
    shutil.copy(d / "kv.txt.tokenizer", tmp_path / "kv.txt.tokenizer")
    record = (tmp_path / "kv.txt.tokenizer").read_bytes()
    _refused(cli, "vocab", "--corpus", d / "k.txt", "--out", tmp_path / "kv.txt.tokenizer", "--min-count", 3, says="names a tokenizer record")
    assert (tmp_path / "kv.txt.tokenizer").read_bytes() == record
    (tmp_path / "vd.txt.tokenizer").mkdir()
    _refused(cli, "vocab", "--corpus", d / "k.txt", "--out", tmp_path / "vd.txt", "--min-count", 3, says=["vd.txt.tokenizer", "is a folder"])
    assert not (tmp_path / "vd.txt").exists()


def test_gzip_with_empty_members_reads_as_its_text(cli, small, tmp_path):
    # Empty members are valid gzip (bgzip ends every file with one; `cat a.gz empty.gz`): first, middle and last.
    text = (small / "k.txt").read_bytes()
    half = len(text) // 2
    cut = text.index(b"\n", half) + 1
    z = tmp_path / "e.txt.gz"
    z.write_bytes(gzip.compress(b"") + gzip.compress(text[:cut]) + gzip.compress(b"") + gzip.compress(text[cut:]) + gzip.compress(b""))
    _ok(cli, "vocab", "--corpus", z, "--out", tmp_path / "vz.txt", "--min-count", 3)
    _ok(cli, "vocab", "--corpus", small / "k.txt", "--out", tmp_path / "vp.txt", "--min-count", 3)
    assert (tmp_path / "vz.txt").read_bytes() == (tmp_path / "vp.txt").read_bytes()


def test_variance_out_inside_cooccur_refused_when_cooccur_names_a_file(cli, small, tmp_path):
    co = tmp_path / "co"
    shutil.copytree(small / "co", co)
    for name in ("cooccurrence.csr.safetensors", "cooccurrence.bin"):
        _refused(cli, "variance", "--model", small / "m", "--cooccur", co / name, "--out", co / "var", says="inside the co-occurrence folder")
        assert not (co / "var").exists()
