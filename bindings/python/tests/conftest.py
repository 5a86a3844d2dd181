import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(os.environ.get("GLOVEV_SOURCE", Path(__file__).resolve().parents[3]))


def _find(env, default):
    p = os.environ.get(env)
    return Path(p) if p else default


@pytest.fixture(scope="session")
def fixture_dir():
    d = _find("GLOVEV_FIXTURE", REPO / "build" / "fixture")
    assert (d / "model" / "variances" / "chunk_map.txt").is_file(), "fixture model missing: build with cmake first"
    return d


@pytest.fixture(scope="session")
def cli():
    p = _find("GLOVEV_CLI", REPO / "build" / "bin" / "glovev")
    assert p.is_file(), "glovev CLI missing: build with cmake first"
    return str(p)


@pytest.fixture(scope="session")
def model(fixture_dir):
    import glovev
    with glovev.Model.load(fixture_dir / "model") as m:
        yield m


def run_json(cli, *args):
    import json
    out = subprocess.run([cli, *args, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_cli(cli, *args, timeout=300):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def assert_clean_failure(r, *needles, absent=()):
    """Exit 2, one 'glovev: error:' message naming each needle (and none of `absent`), no stack trace, no .NET type names."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    err = r.stderr
    assert "glovev: error:" in err, err
    assert "   at " not in err and "Exception" not in err and "System." not in err, err
    for n in needles:
        assert str(n) in err, (n, err)
    for n in absent:
        assert str(n) not in err, (n, err)


def debiased_cosine_and_sd(va, vb, ca, cb):
    """The noise-debiased cosine a.b / sqrt((|a|^2 - tr Ca)(|b|^2 - tr Cb)) and its delta-method sd (traces held fixed)."""
    pa, pb = va @ va - np.trace(ca), vb @ vb - np.trace(cb)
    f = va @ vb / np.sqrt(pa * pb)
    ga, gb = vb / np.sqrt(pa * pb) - f * va / pa, va / np.sqrt(pa * pb) - f * vb / pb
    return f, float(np.sqrt(ga @ ca @ ga + gb @ cb @ gb))
