"""Copies the built libglovev.so (and glovev.h) into the package at install time.

Where from, in order: $GLOVEV_LIB (a path to libglovev.so; the header is looked up in ../include next to it), the
package folder itself, or build/lib and build/include of the source tree."""
import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _locate():
    env = os.environ.get("GLOVEV_LIB")
    candidates = []
    if env:
        lib = Path(env)
        candidates.append((lib, lib.parent.parent / "include" / "glovev.h"))
    candidates.append((HERE / "glovev" / "libglovev.so", HERE / "glovev" / "glovev.h"))
    root = HERE.parent.parent
    candidates.append((root / "build" / "lib" / "libglovev.so", root / "build" / "include" / "glovev.h"))
    for lib, header in candidates:
        if lib.is_file():
            return lib, header if header.is_file() else None
    raise SystemExit("glovev: libglovev.so not found (set GLOVEV_LIB or build the project with cmake first)")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        lib, header = _locate()
        dest = Path(self.build_lib) / "glovev"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lib, dest / "libglovev.so")
        if header:
            shutil.copy2(header, dest / "glovev.h")


setup(cmdclass={"build_py": BuildWithLibrary})
