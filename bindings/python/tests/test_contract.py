"""The one contract: glovev.h declares the C ABI; the Python signatures, the R glue and the C# exports are checked
against it mechanically, so they cannot drift (names, argument counts, the ABI major)."""
import re
from pathlib import Path

from conftest import REPO

HEADER = REPO / "src" / "NativeExports" / "include" / "glovev.h"


def _declarations():
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    text = re.sub(r"typedef struct \w*\s*\{.*?\}\s*\w+;", "", text, flags=re.S)
    out = {}
    for m in re.finditer(r"\b(?:int|const char\*)\s+(gv_\w+)\s*\((.*?)\)\s*;", text, flags=re.S):
        args = m.group(2).strip()
        out[m.group(1)] = 0 if args in ("", "void") else len(args.split(","))
    return out


def test_every_declared_function_is_exported_and_bound_with_its_arity():
    import glovev._lib as L
    decl = _declarations()
    assert len(decl) > 40
    exports = set()
    for cs in (REPO / "src" / "NativeExports").glob("*.cs"):
        exports |= set(re.findall(r'EntryPoint = "(gv_\w+)"', cs.read_text()))
    assert set(decl) == exports, ("declared, not exported", set(decl) - exports, "exported, not declared", exports - set(decl))
    # The one header function Python does not bind is a test helper of the C suite.
    assert set(decl) - set(L._SIGNATURES) <= {"gv_spd_inverse"} or "gv_spd_inverse" in L._SIGNATURES
    for name, (_, args) in L._SIGNATURES.items():
        assert name in decl, name
        assert len(args) == decl[name], (name, len(args), decl[name])


def test_r_glue_loads_only_declared_functions_and_the_abi_majors_agree():
    import glovev._lib as L
    decl = _declarations()
    glue = (REPO / "bindings" / "r" / "src" / "glue.c").read_text()
    for name in re.findall(r"LOAD\((gv_\w+)\)", glue):
        assert name in decl, name
    header_major = int(re.search(r"#define GV_ABI_MAJOR (\d+)", HEADER.read_text()).group(1))
    core_major = int(re.search(r"AbiMajor = (\d+);", (REPO / "src" / "Managed" / "GloVeV" / "VersionInfo.cs").read_text()).group(1))
    assert L.ABI_MAJOR == header_major == core_major


def test_every_header_function_is_documented():
    # A comment block must end right above each declaration (LightGBM's c_api.h style): the docs check.
    lines = HEADER.read_text().split("\n")
    undocumented = []
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:int|const char\*)\s+(gv_\w+)\s*\(", line)
        if m:
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if not lines[j].strip().endswith("*/"):
                undocumented.append(m.group(1))
    assert not undocumented, undocumented


def test_every_public_python_name_has_a_docstring():
    import inspect
    import glovev
    missing = []
    for name in glovev.__all__:
        obj = getattr(glovev, name)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and not (obj.__doc__ or "").strip():
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and inspect.isfunction(member) and not (member.__doc__ or "").strip():
                    missing.append("%s.%s" % (name, attr))
    assert not missing, missing
