"""README's offline install on Debian's python3 works as written: a venv that sees the system packages, pip without
build isolation or an index; the installed package finds its own libglovev.so."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_readme_install_in_a_venv(tmp_path):
    lib = Path(os.environ.get("GLOVEV_LIB", REPO / "build" / "lib" / "libglovev.so"))
    src = tmp_path / "src"
    shutil.copytree(REPO / "bindings" / "python", src, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    env = dict(os.environ, GLOVEV_LIB=str(lib))
    venv = tmp_path / "env"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], check=True)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-build-isolation", "--no-index", str(src)],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    clean = {k: v for k, v in os.environ.items() if k not in ("GLOVEV_LIB", "PYTHONPATH")}
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import glovev; print(glovev.LIBRARY_PATH); print(glovev.__version__)"],
                         env=clean, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert out[0].startswith(str(venv)) and out[0].endswith("libglovev.so")
    assert out[1]
