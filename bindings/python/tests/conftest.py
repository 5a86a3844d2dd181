import os
import shutil
import subprocess
from pathlib import Path

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
