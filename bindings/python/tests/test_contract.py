"""The one contract: glovev.h (and glovev_testing.h for the test helpers) declares the C ABI; the Python signatures and
structs, the C# exports and struct layouts, and the R glue are checked against it mechanically, type by type, so they
cannot drift. The docs check: every function and every parameter is documented in the header."""
import re

from conftest import REPO

INCLUDE = REPO / "src" / "NativeExports" / "include"
HEADER = INCLUDE / "glovev.h"
TESTING = INCLUDE / "glovev_testing.h"
EXPORTS = REPO / "src" / "NativeExports"


def _strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def _ctype(decl):
    """A C parameter or field type in a normal form: no const/volatile, '*' counted."""
    t = re.sub(r"\b(const|volatile)\b", "", decl)
    stars = t.count("*")
    base = t.replace("*", "").split()
    return base[0] + "*" * stars


def _split_param(p):
    p = p.strip()
    m = re.match(r"(.*?)(\w+)$", p)
    return _ctype(m.group(1)), m.group(2)


def _declarations(path=HEADER):
    """name -> [(type, parameter name)] for every function the header declares."""
    text = _strip_comments(path.read_text())
    text = re.sub(r"typedef [^;]*?\{.*?\}\s*\w+;", "", text, flags=re.S)
    out = {}
    for m in re.finditer(r"\b(?:int|const char\*)\s+(gv_\w+)\s*\((.*?)\)\s*;", text, flags=re.S):
        args = m.group(2).strip()
        out[m.group(1)] = [] if args in ("", "void") else [_split_param(a) for a in args.split(",")]
    return out


def _all_declarations():
    d = _declarations(HEADER)
    d.update(_declarations(TESTING))
    return d


def _structs():
    """typedef name -> [(type, field)] for every struct the header defines."""
    text = _strip_comments(HEADER.read_text())
    out = {}
    for m in re.finditer(r"typedef struct \w*\s*\{(.*?)\}\s*(\w+);", text, flags=re.S):
        fields = []
        for stmt in m.group(1).split(";"):
            stmt = stmt.strip()
            if not stmt:
                continue
            mm = re.match(r"((?:const\s+)?\w+(?:\s*\*+)?(?:\s+const\s*\*+)?)\s*(.*)$", stmt, flags=re.S)
            t = _ctype(mm.group(1))
            for name in mm.group(2).split(","):
                fields.append((t, name.strip()))
        out[m.group(2)] = fields
    return out


# Python ctypes Structure classes and C# structs, by the header struct they mirror.
PY_STRUCTS = {
    "Interval": "gv_interval", "Difference": "gv_difference", "Neighbour": "gv_neighbour", "Reliability": "gv_reliability",
    "Defaults": "gv_defaults", "NeighbourSearch": "gv_neighbour_search", "Correlation": "gv_correlation",
    "Benchmark": "gv_benchmark", "BenchmarkComparison": "gv_benchmark_comparison", "WeatResult": "gv_weat_result",
    "RndResult": "gv_rnd_result", "BiasDifference": "gv_bias_difference", "TrainOptions": "gv_train_options",
    "CalibrateOptions": "gv_calibrate_options", "BootstrapOptions": "gv_bootstrap_options",
    "CompareUncertaintyOptions": "gv_compare_uncertainty_options", "QueryOptions": "gv_query_options",
    "BenchmarkOptions": "gv_benchmark_options", "VocabOptions": "gv_vocab_options", "CooccurOptions": "gv_cooccur_options",
    "VarianceOptions": "gv_variance_options",
}
CS_STRUCTS = {
    "IntervalC": "gv_interval", "DifferenceC": "gv_difference", "NeighbourC": "gv_neighbour", "ReliabilityC": "gv_reliability",
    "DefaultsC": "gv_defaults", "NeighbourSearchC": "gv_neighbour_search", "CorrelationC": "gv_correlation",
    "BenchmarkC": "gv_benchmark", "BenchmarkComparisonC": "gv_benchmark_comparison", "WeatC": "gv_weat_result",
    "RndC": "gv_rnd_result", "BiasDifferenceC": "gv_bias_difference", "TrainOptions": "gv_train_options",
    "CalibrateOptionsC": "gv_calibrate_options", "BootstrapOptionsC": "gv_bootstrap_options",
    "CompareUncertaintyOptionsC": "gv_compare_uncertainty_options", "QueryOptionsC": "gv_query_options",
    "BenchmarkOptionsC": "gv_benchmark_options", "VocabOptionsC": "gv_vocab_options", "CooccurOptionsC": "gv_cooccur_options",
    "VarianceOptionsC": "gv_variance_options",
}


def _py_type(t):
    """A ctypes type in the header's normal form."""
    import ctypes
    import glovev._lib as L
    simple = {ctypes.c_int32: "int32_t", ctypes.c_int64: "int64_t", ctypes.c_uint64: "uint64_t", ctypes.c_double: "double",
              ctypes.c_char_p: "char*", ctypes.c_void_p: "handle"}
    if t in simple:
        return simple[t]
    if t is L.PROGRESS_FN:
        return "gv_progress_fn"
    if isinstance(t, type) and issubclass(t, ctypes.Structure):
        return PY_STRUCTS[t.__name__]
    if hasattr(t, "_type_"):
        return _py_type(t._type_) + "*"
    raise AssertionError("unmapped ctypes type %r" % (t,))


def _header_for_binding(t):
    """Opaque handles and void* travel as c_void_p / nint."""
    if t in ("gv_model*", "gv_matrix*", "void*"):
        return "handle"
    if t in ("gv_model**", "gv_matrix**"):
        return "handle*"
    return t


def test_every_declared_function_is_exported_and_bound_with_its_types():
    import glovev._lib as L
    decl = _all_declarations()
    assert len(decl) > 50
    cs = _cs_exports()
    assert set(decl) == set(cs), ("declared, not exported", set(decl) - set(cs), "exported, not declared", set(cs) - set(decl))
    assert set(decl) == set(L._SIGNATURES), ("declared, not bound", set(decl) - set(L._SIGNATURES),
                                            "bound, not declared", set(L._SIGNATURES) - set(decl))
    for name, (_, args) in L._SIGNATURES.items():
        want = [_header_for_binding(t) for t, _ in decl[name]]
        got = [_py_type(a) for a in args]
        assert got == want, (name, got, want)


def _cs_type(t):
    t = t.strip()
    if t.startswith("delegate*"):
        return "gv_progress_fn"
    stars = t.count("*")
    base = t.replace("*", "").strip()
    simple = {"int": "int32_t", "long": "int64_t", "ulong": "uint64_t", "double": "double", "byte": "char", "nint": "handle",
              "void": "void"}
    if base in simple:
        b = simple[base]
    else:
        b = CS_STRUCTS[base]
    if b == "void" and stars == 1:
        return "handle"
    return b + "*" * stars


def _cs_exports():
    """EntryPoint -> C# parameter types in the header's normal form."""
    out = {}
    for f in EXPORTS.glob("*.cs"):
        text = f.read_text()
        for m in re.finditer(r'EntryPoint = "(gv_\w+)"\)\]\s*public static [\w*]+ \w+\((.*?)\)\s*(?:=>|\{)', text, flags=re.S):
            params = m.group(2).strip()
            types = []
            depth, cur = 0, ""
            for ch in params:
                depth += ch == "<"
                depth -= ch == ">"
                if ch == "," and depth == 0:
                    types.append(cur)
                    cur = ""
                else:
                    cur += ch
            if cur.strip():
                types.append(cur)
            out[m.group(1)] = [_cs_type(re.sub(r"\s+\w+$", "", p.strip())) for p in types]
    return out


def test_csharp_exports_have_the_header_types():
    decl = _all_declarations()
    for name, types in _cs_exports().items():
        want = [_header_for_binding(t) for t, _ in decl[name]]
        assert types == want, (name, types, want)


def test_structs_have_the_same_layout_in_the_header_python_and_csharp():
    import ctypes
    import glovev._lib as L
    structs = _structs()
    py = {c.__name__: c for c in vars(L).values() if isinstance(c, type) and issubclass(c, ctypes.Structure) and c is not ctypes.Structure}
    assert set(PY_STRUCTS) == set(py), set(py) ^ set(PY_STRUCTS)
    assert set(PY_STRUCTS.values()) == set(structs), set(structs) ^ set(PY_STRUCTS.values())
    for cls_name, c_name in PY_STRUCTS.items():
        got = [(_py_type(t), n) for n, t in py[cls_name]._fields_]
        want = [(("handle" if t == "void*" else t), n) for t, n in structs[c_name]]
        assert got == want, (cls_name, got, want)
    cs_text = "\n".join(f.read_text() for f in EXPORTS.glob("*.cs"))
    seen = set()
    for m in re.finditer(r"struct (\w+)\s*\{(.*?)\}", cs_text, flags=re.S):
        if m.group(1) not in CS_STRUCTS:
            continue
        seen.add(m.group(1))
        types = []
        for decl in re.findall(r"public ([\w*]+) ([\w, ]+);", m.group(2)):
            types += [_cs_type(decl[0])] * len(decl[1].split(","))
        want = [t for t, _ in structs[CS_STRUCTS[m.group(1)]]]
        assert types == want, (m.group(1), types, want)
    assert seen == set(CS_STRUCTS), set(CS_STRUCTS) - seen


def test_r_glue_loads_only_declared_functions_and_the_abi_majors_agree():
    import glovev._lib as L
    decl = _all_declarations()
    glue = (REPO / "bindings" / "r" / "src" / "glue.c").read_text()
    for name in re.findall(r"LOAD\((gv_\w+)\)", glue):
        assert name in decl, name
    header_major = int(re.search(r"#define GV_ABI_MAJOR (\d+)", HEADER.read_text()).group(1))
    core_major = int(re.search(r"AbiMajor = (\d+);", (REPO / "src" / "Managed" / "GloVeV" / "VersionInfo.cs").read_text()).group(1))
    assert L.ABI_MAJOR == header_major == core_major


def _doc_blocks(path):
    """name -> the comment block right above each declaration ('' when there is none)."""
    lines = path.read_text().split("\n")
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:int|const char\*)\s+(gv_\w+)\s*\(", line)
        if not m:
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if not lines[j].strip().endswith("*/"):
            out[m.group(1)] = ""
            continue
        k = j
        while k >= 0 and "/*" not in lines[k]:
            k -= 1
        out[m.group(1)] = "\n".join(lines[k:j + 1])
    return out


def _doc_problems(path):
    # LightGBM's c_api.h style: a comment block right above each declaration with a \param[in]/[out] line for every
    # parameter, none for a parameter that does not exist, and a \return line.
    problems = []
    decl = _declarations(path)
    docs = _doc_blocks(path)
    for name, params in decl.items():
        doc = docs.get(name, "")
        if not doc:
            problems.append("%s: no comment block" % name)
            continue
        documented = re.findall(r"\\param\[(in|out|in,out)\]\s+(\w+)", doc)
        names = [p for _, p in params]
        if [n for _, n in documented] != names:
            problems.append("%s: \\param lines %s, parameters %s" % (name, [n for _, n in documented], names))
        if "\\return" not in doc:
            problems.append("%s: no \\return" % name)
        types = dict((n, t) for t, n in params)
        for direction, p in documented:
            if direction == "out" and not types.get(p, "").endswith("*"):
                problems.append("%s: %s is [out] but not a pointer" % (name, p))
    return problems


def test_every_header_function_and_parameter_is_documented():
    decl = _declarations(HEADER)
    assert len(decl) > 50
    problems = _doc_problems(HEADER) + _doc_problems(TESTING)
    assert not problems, "\n".join(problems)


def test_the_docs_check_fails_on_an_undocumented_parameter(tmp_path):
    # The check must be able to fail: drop gv_model_vectors' \param line for cap and it names that function.
    text = HEADER.read_text()
    broken, n = re.subn(r"( \* \\param\[out\] out  V \* D doubles\n) \* \\param\[in\]\s+cap[^\n]*\n", r"\1", text)
    assert n == 1
    p = tmp_path / "glovev.h"
    p.write_text(broken)
    problems = _doc_problems(p)
    assert len(problems) == 1 and problems[0].startswith("gv_model_vectors:"), problems


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
                fn = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                if not attr.startswith("_") and inspect.isfunction(fn) and not (fn.__doc__ or "").strip():
                    missing.append("%s.%s" % (name, attr))
    assert not missing, missing


def test_every_public_python_function_with_arguments_has_a_numpy_style_parameters_section():
    import inspect
    import glovev
    missing = []
    for name in glovev.__all__:
        obj = getattr(glovev, name)
        items = [(name, obj)]
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                fn = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                if not attr.startswith("_"):
                    items.append(("%s.%s" % (name, attr), fn))
        for label, fn in items:
            if not inspect.isfunction(fn):
                continue
            args = [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]
            doc = fn.__doc__ or ""
            if args and "Parameters\n" not in doc:
                missing.append(label)
            # Every argument is named in that section.
            elif args:
                section = doc.split("Parameters\n", 1)[1]
                for a in args:
                    if not any(line.strip().startswith(a) for line in section.split("\n")) and a not in section:
                        missing.append("%s(%s)" % (label, a))
    assert not missing, missing
