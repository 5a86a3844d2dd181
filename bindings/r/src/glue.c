/* .Call glue between R and libglovev. The library is opened at run time (dlopen) from the path R chooses
 * (GLOVEV_LIB, the copy inside the installed package, or the build tree), so one installed package can follow
 * GLOVEV_LIB. Every failed call becomes an R error carrying gv_last_error(). */
#include <dlfcn.h>
#include <langinfo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <R_ext/Riconv.h>
#include "glovev.h"
#include "glovev_testing.h"

#define FN(name) static __typeof__(name)* p_##name = NULL
FN(gv_version); FN(gv_abi_version); FN(gv_last_error); FN(gv_blas_backend); FN(gv_spd_inverse);
FN(gv_vocab_options_default); FN(gv_cooccur_options_default); FN(gv_variance_options_default); FN(gv_query_options_default);
FN(gv_benchmark_options_default); FN(gv_method_name); FN(gv_status_name); FN(gv_reason_name); FN(gv_similarities); FN(gv_model_vectors); FN(gv_model_words); FN(gv_import_vectors); FN(gv_export_vectors);
FN(gv_vocab_build); FN(gv_cooccur); FN(gv_train_options_default); FN(gv_train); FN(gv_variance);
FN(gv_model_open); FN(gv_model_warnings); FN(gv_model_free); FN(gv_model_shape); FN(gv_model_word); FN(gv_model_vector);
FN(gv_model_covariance); FN(gv_model_has_covariance); FN(gv_similarity); FN(gv_compare); FN(gv_neighbours);
FN(gv_evaluate); FN(gv_evaluate_compare); FN(gv_weat); FN(gv_rnd); FN(gv_weat_difference); FN(gv_rnd_difference); FN(gv_method_parse); FN(gv_word_reliability); FN(gv_interval_defaults);
FN(gv_matrix_open); FN(gv_matrix_free); FN(gv_matrix_shape); FN(gv_matrix_row);
FN(gv_train_options_run_default); FN(gv_calibrate_options_default); FN(gv_calibrate); FN(gv_bootstrap_options_default); FN(gv_bootstrap);
FN(gv_compare_uncertainty_options_default); FN(gv_compare_uncertainty); FN(gv_result_warnings); FN(gv_word_warnings); FN(gv_benchmark_words); FN(gv_not_identifiable_warning);

static void* handle = NULL;

#define LOAD(name) do { p_##name = (__typeof__(name)*)dlsym(handle, #name); if (!p_##name) Rf_error("glovev: %s lacks %s", path, #name); } while (0)

SEXP C_load(SEXP spath) {
    const char* path = CHAR(STRING_ELT(spath, 0));
    if (handle) return R_NilValue;
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) Rf_error("glovev: cannot load %s: %s", path, dlerror());
    LOAD(gv_abi_version);
    {
        int32_t abi = -1;
        p_gv_abi_version(NULL, NULL, NULL, &abi);
        if (abi != GV_ABI_MAJOR) {
            dlclose(handle); handle = NULL;
            Rf_error("glovev: %s has ABI %d, this package needs ABI %d; reinstall it against a matching libglovev.so", path, abi, GV_ABI_MAJOR);
        }
    }
    LOAD(gv_version); LOAD(gv_last_error); LOAD(gv_blas_backend);
    /* A test helper (glovev_testing.h), not part of the ABI: optional. */
    p_gv_spd_inverse = (__typeof__(gv_spd_inverse)*)dlsym(handle, "gv_spd_inverse");
    LOAD(gv_vocab_options_default); LOAD(gv_cooccur_options_default); LOAD(gv_variance_options_default); LOAD(gv_query_options_default);
    LOAD(gv_benchmark_options_default); LOAD(gv_method_name); LOAD(gv_status_name); LOAD(gv_reason_name); LOAD(gv_similarities); LOAD(gv_model_vectors); LOAD(gv_model_words); LOAD(gv_import_vectors);
    LOAD(gv_export_vectors);
    LOAD(gv_vocab_build); LOAD(gv_cooccur); LOAD(gv_train_options_default); LOAD(gv_train); LOAD(gv_variance);
    LOAD(gv_model_open); LOAD(gv_model_warnings); LOAD(gv_model_free); LOAD(gv_model_shape); LOAD(gv_model_word); LOAD(gv_model_vector);
    LOAD(gv_model_covariance); LOAD(gv_model_has_covariance); LOAD(gv_similarity); LOAD(gv_compare); LOAD(gv_neighbours);
    LOAD(gv_evaluate); LOAD(gv_evaluate_compare); LOAD(gv_weat); LOAD(gv_rnd); LOAD(gv_weat_difference); LOAD(gv_rnd_difference);
    LOAD(gv_method_parse); LOAD(gv_word_reliability); LOAD(gv_interval_defaults);
    LOAD(gv_matrix_open); LOAD(gv_matrix_free); LOAD(gv_matrix_shape); LOAD(gv_matrix_row);
    LOAD(gv_train_options_run_default); LOAD(gv_calibrate_options_default); LOAD(gv_calibrate); LOAD(gv_bootstrap_options_default);
    LOAD(gv_bootstrap); LOAD(gv_compare_uncertainty_options_default); LOAD(gv_compare_uncertainty); LOAD(gv_result_warnings);
    LOAD(gv_word_warnings); LOAD(gv_benchmark_words); LOAD(gv_not_identifiable_warning);
    return R_NilValue;
}

static void need_lib(void) { if (!handle) Rf_error("glovev: library not loaded"); }

static void check(int status) {
    if (status != GV_OK) Rf_error("%s", p_gv_last_error());
}

/* ---- strings: every character argument reaches the core as UTF-8 through utf8_of, or is refused naming the argument
 * (the ABI's rule: invalid bytes are never replaced, since two byte strings would then name the same word or file) ---- */

/* The byte offset of the first byte that does not start a well-formed UTF-8 character (overlong forms, surrogates and
 * code points above U+10FFFF included), or -1 when all n bytes are UTF-8. */
static long utf8_invalid_at(const unsigned char* s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t len; uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return (long)i;
        if (len > n - i) return (long)i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return (long)i;
        i += len;
    }
    return -1;
}

/* Is the session's native encoding UTF-8 (R sets LC_CTYPE from the environment)? */
static int native_is_utf8(void) {
    const char* cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0 || strcmp(cs, "UTF8") == 0);
}

/* A string of another native encoding (latin1, ...) converted to UTF-8 strictly (iconv without substitution: R's
 * translateCharUTF8 would turn an invalid byte into the text "<e9>"); R_alloc'd. */
static const char* native_to_utf8(const char* s, size_t n, const char* name) {
    void* cd = Riconv_open("UTF-8", "");
    if (cd == (void*)-1) Rf_error("%s: cannot convert from the session's encoding (%s) to UTF-8", name, nl_langinfo(CODESET));
    size_t cap = 4 * n + 4, in_left = n, out_left = cap - 1;
    char* out = R_alloc(cap, 1);
    const char* in = s; char* o = out;
    size_t r = Riconv(cd, &in, &in_left, &o, &out_left);
    if (r != (size_t)-1) r = Riconv(cd, NULL, NULL, &o, &out_left);
    Riconv_close(cd);
    if (r == (size_t)-1)
        Rf_error("%s is not valid text in the session's encoding %s (byte 0x%02x at offset %ld): pass UTF-8 (Encoding(x) <- "
                 "\"UTF-8\") or declare the encoding (Encoding(x) <- \"latin1\"); invalid bytes are refused, not replaced", name,
                 nl_langinfo(CODESET), (unsigned)(unsigned char)*in, (long)(in - s));
    *o = '\0';
    return out;
}

/* One element of a character vector (not NA) as UTF-8: latin1-declared strings are converted; strings marked UTF-8,
 * and native ones in a UTF-8 session, are checked as they are; other native ones are converted strictly; "bytes",
 * invalid UTF-8 and an embedded NUL are refused. */
static const char* utf8_of(SEXP c, const char* name) {
    const char* s = CHAR(c);
    size_t n = (size_t)LENGTH(c);
    if (strlen(s) != n) Rf_error("%s contains a NUL byte", name);
    cetype_t ce = Rf_getCharCE(c);
    if (ce == CE_BYTES)
        Rf_error("%s is marked as \"bytes\": declare its encoding (Encoding(x) <- \"UTF-8\" or \"latin1\") or convert it with iconv()", name);
    if (ce == CE_LATIN1) return Rf_translateCharUTF8(c); /* every latin1 byte is a character */
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++) ascii = (unsigned char)s[i] < 0x80;
    if (ascii) return s;
    if (ce != CE_UTF8 && !native_is_utf8()) s = native_to_utf8(s, n, name);
    long at = utf8_invalid_at((const unsigned char*)s, strlen(s));
    if (at >= 0)
        Rf_error("%s is not valid UTF-8 (byte 0x%02x at offset %ld): pass UTF-8, or declare the encoding "
                 "(Encoding(x) <- \"latin1\"); invalid bytes are refused, not replaced", name, (unsigned)(unsigned char)s[at], at);
    return s;
}

static const char* str1(SEXP s, const char* name) {
    if (!Rf_isString(s) || Rf_length(s) != 1 || STRING_ELT(s, 0) == NA_STRING) Rf_error("%s must be a single string", name);
    return utf8_of(STRING_ELT(s, 0), name);
}

/* Element i (0-based) of a character vector as UTF-8; errors name it "element i+1 of <name>". */
static const char* utf8_elt(SEXP s, R_xlen_t i, const char* name) {
    char what[160];
    snprintf(what, sizeof what, "element %lld of %s", (long long)i + 1, name);
    if (STRING_ELT(s, i) == NA_STRING) Rf_error("%s is NA", what);
    return utf8_of(STRING_ELT(s, i), what);
}

static const char* str_or_null(SEXP s, const char* name) { return Rf_isNull(s) ? NULL : str1(s, name); }

/* A character vector checked and converted to UTF-8 (R's .chr and .string: an error names the argument, and the words
 * R itself matches against the vocabulary are the ones C would pass). */
SEXP C_utf8(SEXP s, SEXP sname) {
    const char* name = CHAR(STRING_ELT(sname, 0));
    if (!Rf_isString(s)) Rf_error("%s must be a character vector", name);
    R_xlen_t n = Rf_xlength(s);
    SEXP out = PROTECT(Rf_allocVector(STRSXP, n));
    for (R_xlen_t i = 0; i < n; i++)
        SET_STRING_ELT(out, i, Rf_mkCharCE(n == 1 ? str1(s, name) : utf8_elt(s, i, name), CE_UTF8));
    UNPROTECT(1);
    return out;
}

SEXP C_version(void) { need_lib(); return Rf_mkString(p_gv_version()); }

SEXP C_backend(void) {
    need_lib();
    char buf[1024]; int64_t need = 0;
    check(p_gv_blas_backend(buf, sizeof buf, &need));
    return Rf_mkString(buf);
}

SEXP C_spd_inverse(SEXP a) {
    need_lib();
    if (!Rf_isReal(a) || !Rf_isMatrix(a)) Rf_error("a must be a numeric matrix");
    if (!p_gv_spd_inverse) Rf_error("glovev: this libglovev.so has no gv_spd_inverse (a test helper)");
    int n = Rf_nrows(a);
    if (Rf_ncols(a) != n) Rf_error("a must be square, got %d x %d", n, Rf_ncols(a));
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, n, n));
    int st = p_gv_spd_inverse(REAL(a), n, REAL(out), (int64_t)n * n);
    UNPROTECT(1);
    check(st);
    return out;
}

/* ---- model handles: external pointers with a finalizer ---- */
static void model_finalizer(SEXP xp) {
    void* h = R_ExternalPtrAddr(xp);
    if (h && p_gv_model_free) p_gv_model_free((gv_model*)h);
    R_ClearExternalPtr(xp);
}

static gv_model* model_of(SEXP xp) {
    need_lib();
    if (TYPEOF(xp) != EXTPTRSXP) Rf_error("not a glovev model");
    gv_model* m = (gv_model*)R_ExternalPtrAddr(xp);
    if (!m) Rf_error("glovev model is closed");
    return m;
}

SEXP C_model_open(SEXP path) {
    need_lib();
    gv_model* m = NULL;
    check(p_gv_model_open(str1(path, "dir"), &m));
    SEXP xp = PROTECT(R_MakeExternalPtr(m, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(xp, model_finalizer, TRUE);
    UNPROTECT(1);
    return xp;
}

SEXP C_model_warnings(SEXP xp) {
    gv_model* m = model_of(xp);
    int64_t need = 0;
    p_gv_model_warnings(m, NULL, 0, &need);
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_model_warnings(m, buf, need > 0 ? need : 1, &need));
    return Rf_mkString(buf);
}

/* A character vector as UTF-8 C strings (R_alloc'd, freed by R at the end of the .Call). */
static const char** utf8_words(SEXP words, int* n) {
    if (!Rf_isString(words)) Rf_error("words must be a character vector");
    *n = Rf_length(words);
    const char** w = (const char**)R_alloc((size_t)(*n > 0 ? *n : 1), sizeof(char*));
    for (int k = 0; k < *n; k++) w[k] = utf8_elt(words, k, "words");
    return w;
}

SEXP C_result_warnings(SEXP xp, SEXP words, SEXP flags, SEXP approx) {
    gv_model* m = model_of(xp);
    int n = 0;
    const char** w = utf8_words(words, &n);
    int64_t need = 0;
    int ap = Rf_asLogical(approx) == TRUE;
    p_gv_result_warnings(m, w, n, Rf_asInteger(flags), ap, NULL, 0, &need);
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_result_warnings(m, w, n, Rf_asInteger(flags), ap, buf, need > 0 ? need : 1, &need));
    return Rf_mkString(buf);
}

SEXP C_word_warnings(SEXP xp, SEXP words) {
    gv_model* m = model_of(xp);
    int n = 0;
    const char** w = utf8_words(words, &n);
    int64_t need = 0;
    p_gv_word_warnings(m, w, n, NULL, 0, &need);
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_word_warnings(m, w, n, buf, need > 0 ? need : 1, &need));
    return Rf_mkString(buf);
}

static SEXP nul_separated(const char* buf, int64_t need);

SEXP C_benchmark_words(SEXP xp, SEXP path) {
    gv_model* m = model_of(xp);
    const char* p = str1(path, "benchmark");
    int64_t need = 0;
    check(p_gv_benchmark_words(m, p, NULL, 0, &need));
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_benchmark_words(m, p, buf, need > 0 ? need : 1, &need));
    return nul_separated(buf, need);
}

SEXP C_not_identifiable_warning(SEXP what, SEXP bad, SEXP total, SEXP reasons) {
    need_lib();
    int n = 0;
    const char** r = utf8_words(reasons, &n);
    const char* w = str1(what, "what");
    int64_t need = 0;
    check(p_gv_not_identifiable_warning(w, (int64_t)Rf_asReal(bad), (int64_t)Rf_asReal(total), r, n, NULL, 0, &need));
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_not_identifiable_warning(w, (int64_t)Rf_asReal(bad), (int64_t)Rf_asReal(total), r, n, buf, need > 0 ? need : 1, &need));
    return Rf_mkString(buf);
}

SEXP C_ptr_is_null(SEXP xp) {
    return Rf_ScalarLogical(TYPEOF(xp) != EXTPTRSXP || R_ExternalPtrAddr(xp) == NULL);
}

SEXP C_model_close(SEXP xp) {
    if (TYPEOF(xp) == EXTPTRSXP) model_finalizer(xp);
    return R_NilValue;
}

SEXP C_model_shape(SEXP xp) {
    int64_t v, d; int32_t hv;
    check(p_gv_model_shape(model_of(xp), &v, &d, &hv));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 3));
    REAL(out)[0] = (double)v; REAL(out)[1] = (double)d; REAL(out)[2] = hv;
    UNPROTECT(1);
    return out;
}

/* Words written one after another, a NUL after each (gv_model_words, gv_benchmark_words), as a character vector;
 * no word is empty, so an empty string (or the end of the need bytes) ends the list. */
static SEXP nul_separated(const char* buf, int64_t need) {
    R_xlen_t n = 0;
    for (int64_t at = 0; at < need && buf[at]; at += (int64_t)strlen(buf + at) + 1) n++;
    SEXP out = PROTECT(Rf_allocVector(STRSXP, n));
    const char* w = buf;
    for (R_xlen_t i = 0; i < n; i++, w += strlen(w) + 1) SET_STRING_ELT(out, i, Rf_mkCharCE(w, CE_UTF8));
    UNPROTECT(1);
    return out;
}

SEXP C_model_words(SEXP xp) {
    gv_model* m = model_of(xp);
    int64_t need = 0;
    check(p_gv_model_words(m, NULL, 0, &need));
    char* buf = R_alloc((size_t)(need > 0 ? need : 1), 1);
    check(p_gv_model_words(m, buf, need, &need));
    return nul_separated(buf, need);
}

/* All vectors as a V x D matrix (one bulk call; R is column-major, the ABI row-major). */
SEXP C_model_vectors(SEXP xp) {
    gv_model* m = model_of(xp);
    int64_t v, d; int32_t hv;
    check(p_gv_model_shape(m, &v, &d, &hv));
    double* rows = (double*)R_alloc((size_t)(v * d > 0 ? v * d : 1), sizeof(double));
    check(p_gv_model_vectors(m, rows, v * d));
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int)v, (int)d));
    double* o = REAL(out);
    for (int64_t i = 0; i < v; i++) for (int64_t k = 0; k < d; k++) o[i + k * v] = rows[i * d + k];
    UNPROTECT(1);
    return out;
}

SEXP C_model_vector(SEXP xp, SEXP word) {
    gv_model* m = model_of(xp);
    int64_t v, d; int32_t hv;
    check(p_gv_model_shape(m, &v, &d, &hv));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)d));
    int st = p_gv_model_vector(m, str1(word, "word"), REAL(out), d);
    UNPROTECT(1);
    check(st);
    return out;
}

static int flag_named(SEXP s, const char* name);

SEXP C_model_covariance(SEXP xp, SEXP word, SEXP approx) {
    gv_model* m = model_of(xp);
    int ap = flag_named(approx, "approximate");
    int64_t v, d; int32_t hv;
    check(p_gv_model_shape(m, &v, &d, &hv));
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int)d, (int)d));
    int st = p_gv_model_covariance(m, str1(word, "word"), ap, REAL(out), d * d);
    UNPROTECT(1);
    check(st);
    return out; /* symmetric: row- and column-major agree */
}

SEXP C_model_has_covariance(SEXP xp, SEXP word) {
    int32_t has = 0;
    check(p_gv_model_has_covariance(model_of(xp), str1(word, "word"), &has));
    return Rf_ScalarLogical(has != 0);
}

/* The core's names, by code: list(methods (GV_METHOD_* 1..3, element k for code k), statuses (GV_STATUS_* 0..1),
 * reasons (GV_REASON_* from 0, as many as the core names)). */
SEXP C_names(void) {
    need_lib();
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    SEXP m = Rf_allocVector(STRSXP, 3);
    SET_VECTOR_ELT(out, 0, m);
    SEXP st = Rf_allocVector(STRSXP, 2);
    SET_VECTOR_ELT(out, 1, st);
    char buf[64]; int64_t need = 0;
    for (int k = 0; k < 3; k++) { check(p_gv_method_name(k + 1, buf, sizeof buf, &need)); SET_STRING_ELT(m, k, Rf_mkChar(buf)); }
    for (int k = 0; k < 2; k++) { check(p_gv_status_name(k, buf, sizeof buf, &need)); SET_STRING_ELT(st, k, Rf_mkChar(buf)); }
    int nr = 0;
    while (nr < 64 && p_gv_reason_name(nr, buf, sizeof buf, &need) == GV_OK) nr++;
    SEXP rs = Rf_allocVector(STRSXP, nr);
    SET_VECTOR_ELT(out, 2, rs);
    for (int k = 0; k < nr; k++) { check(p_gv_reason_name(k, buf, sizeof buf, &need)); SET_STRING_ELT(rs, k, Rf_mkChar(buf)); }
    UNPROTECT(1);
    return out;
}

/* Method name -> code, by the core (names and aliases defined once there); NULL -> 0, the core's default method. */
static int method_of(SEXP m) {
    int32_t code = 0;
    if (Rf_isNull(m)) return 0;
    check(p_gv_method_parse(str1(m, "method"), &code));
    return code;
}

/* Method name -> GV_METHOD_* code, for R code that needs the code itself (calibrate's method bits). */
SEXP C_method_code(SEXP m) {
    need_lib();
    return Rf_ScalarInteger(method_of(m));
}

/* One number (integer or double, not text, not logical, not a vector of several): R's own coercions would turn
 * "0.9", c(0.9, 0.5) or NA into a value silently. */
static double one_number(SEXP s, const char* name) {
    if ((TYPEOF(s) != REALSXP && (TYPEOF(s) != INTSXP || Rf_isFactor(s))) || Rf_length(s) != 1)
        Rf_error("%s must be a single number", name);
    double v = Rf_asReal(s);
    if (!R_FINITE(v)) Rf_error("%s must be a finite number, got %g", name, v);
    return v;
}

/* NULL = not given (0: the core's default, or rejected by a method that draws nothing). */
static int64_t opt_samples(SEXP s) {
    if (Rf_isNull(s)) return 0;
    double v = one_number(s, "samples");
    if (v < 2 || v > 10000000 || v != (double)(int64_t)v) Rf_error("samples must be a whole number from 2 to 10000000 (or NULL), got %g", v);
    return (int64_t)v;
}
/* A seed: NULL (dflt: the core's default), a whole number from 1 to 2^53 - 1, or a string of decimal digits from "1" to
 * "18446744073709551615" (2^64 - 1), parsed exactly. R's numbers are doubles: from 2^53 on they cannot hold every whole
 * number (9007199254740993 reads as 9007199254740992), so such a seed is refused as a number and taken as a string. */
static uint64_t seed_of(SEXP s, uint64_t dflt) {
    if (Rf_isNull(s)) return dflt;
    if (TYPEOF(s) != STRSXP && TYPEOF(s) != REALSXP && (TYPEOF(s) != INTSXP || Rf_isFactor(s)))
        Rf_error("seed must be a whole number or a string of decimal digits (or NULL)");
    if (TYPEOF(s) == STRSXP) {
        if (Rf_length(s) != 1 || STRING_ELT(s, 0) == NA_STRING) Rf_error("seed must be a single number or string of decimal digits (or NULL)");
        const char* t = str1(s, "seed");
        uint64_t v = 0;
        int ok = *t != '\0';
        for (const char* p = t; ok && *p; p++) {
            if (*p < '0' || *p > '9') ok = 0;
            else if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) ok = 0;
            else v = v * 10 + (uint64_t)(*p - '0');
        }
        if (!ok || v == 0)
            Rf_error("seed must be a whole number from 1 to 18446744073709551615 (2^64 - 1) written in decimal digits, got \"%.40s%s\"",
                     t, strlen(t) > 40 ? "..." : "");
        return v;
    }
    double v = one_number(s, "seed");
    if (v < 1 || v != floor(v)) Rf_error("seed must be a whole number >= 1 (or NULL), got %g", v);
    if (v >= 9007199254740992.0)
        Rf_error("seed %.0f is 2^53 or more, where R's numbers cannot hold every whole number exactly (9007199254740993 reads "
                 "as 9007199254740992): pass it as a string of digits, e.g. seed = \"9007199254740993\"", v);
    return (uint64_t)v;
}
static double opt_level(SEXP s) {
    if (Rf_isNull(s)) return 0.0;
    double v = one_number(s, "ci");
    if (!(v > 0 && v < 1)) Rf_error("ci must be in (0, 1) (or NULL for the default), got %g", v);
    return v;
}
/* TRUE or FALSE, nothing else (NA, "yes", 2 or c(TRUE, FALSE) are errors, not silent choices). */
static int flag_named(SEXP s, const char* name) {
    if (TYPEOF(s) != LGLSXP || Rf_length(s) != 1 || LOGICAL(s)[0] == NA_LOGICAL) Rf_error("%s must be TRUE or FALSE", name);
    return LOGICAL(s)[0] == TRUE;
}

/* A gv_query_options: the core's defaults, then the R arguments (NULL = not given). */
static const gv_query_options* query(gv_query_options* o, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    check(p_gv_query_options_default(o));
    o->method = method_of(method); o->level = opt_level(level); o->samples = opt_samples(samples); o->seed = seed_of(seed, 0);
    o->hold_fixed = flag_named(hold, "hold_fixed"); o->approximate = flag_named(approx, "approximate");
    return o;
}

/* A gv_interval as 11 doubles: estimate, plugin, mean, sd, lo, hi, p_value, method, status, flags, reason (R: .interval). */
#define INTERVAL_LEN 11
static void put_interval(double* o, const gv_interval* iv) {
    o[0] = iv->estimate; o[1] = iv->plugin; o[2] = iv->mean; o[3] = iv->sd; o[4] = iv->lo; o[5] = iv->hi; o[6] = iv->p_value;
    o[7] = iv->method; o[8] = iv->status; o[9] = iv->flags; o[10] = iv->reason;
}

SEXP C_similarity(SEXP xp, SEXP a, SEXP b, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_interval iv; gv_query_options q;
    check(p_gv_similarity(model_of(xp), str1(a, "a"), str1(b, "b"), query(&q, method, level, samples, seed, hold, approx), &iv));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, INTERVAL_LEN));
    put_interval(REAL(out), &iv);
    UNPROTECT(1);
    return out;
}

SEXP C_compare(SEXP xp, SEXP a, SEXP b, SEXP c, SEXP d, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_difference r; gv_query_options q;
    check(p_gv_compare(model_of(xp), str1(a, "a"), str1(b, "b"), str1(c, "c"), str1(d, "d"), query(&q, method, level, samples, seed, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 11));
    double* o = REAL(out);
    o[0] = r.diff; o[1] = r.plugin; o[2] = r.sd; o[3] = r.lo; o[4] = r.hi; o[5] = r.z; o[6] = r.p_value;
    o[7] = r.method; o[8] = r.status; o[9] = r.flags; o[10] = r.reason;
    UNPROTECT(1);
    return out;
}

/* list(matrix of the neighbours, c(candidates, searched, draws, omitted_bound)). */
SEXP C_neighbours(SEXP xp, SEXP word, SEXP k, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_model* m = model_of(xp);
    int kk = Rf_asInteger(k);
    if (kk == NA_INTEGER || kk < 1) Rf_error("n must be a positive integer");
    gv_neighbour* buf = (gv_neighbour*)R_alloc((size_t)kk, sizeof(gv_neighbour));
    int64_t n = 0;
    gv_neighbour_search search; gv_query_options q;
    check(p_gv_neighbours(m, str1(word, "word"), kk, query(&q, method, level, samples, seed, hold, approx), buf, kk, &n, &search));
    SEXP res = PROTECT(Rf_allocVector(VECSXP, 2));
    SEXP out = Rf_allocMatrix(REALSXP, (int)n, 12);
    SET_VECTOR_ELT(res, 0, out);
    double* o = REAL(out);
    for (int64_t i = 0; i < n; i++) {
        o[i] = (double)buf[i].index; o[i + n] = buf[i].cosine; o[i + 2 * n] = buf[i].mean; o[i + 3 * n] = buf[i].sd;
        o[i + 4 * n] = buf[i].lo; o[i + 5 * n] = buf[i].hi; o[i + 6 * n] = buf[i].p_top_k; o[i + 7 * n] = buf[i].p_differs_from_next;
        o[i + 8 * n] = buf[i].estimate; o[i + 9 * n] = buf[i].status; o[i + 10 * n] = buf[i].flags; o[i + 11 * n] = buf[i].reason;
    }
    SEXP se = Rf_allocVector(REALSXP, 4);
    SET_VECTOR_ELT(res, 1, se);
    REAL(se)[0] = (double)search.candidates; REAL(se)[1] = (double)search.searched; REAL(se)[2] = (double)search.draws;
    REAL(se)[3] = search.omitted_bound;
    UNPROTECT(1);
    return res;
}

SEXP C_reliability(SEXP xp, SEXP word) {
    gv_reliability r;
    check(p_gv_word_reliability(model_of(xp), str1(word, "word"), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 6));
    double* o = REAL(out);
    o[0] = r.has_covariance; o[1] = (double)r.contexts; o[2] = (double)r.dof; o[3] = r.noise_ratio; o[4] = r.cos_trained_wls; o[5] = r.flags;
    UNPROTECT(1);
    return out;
}

SEXP C_defaults(void) {
    gv_defaults d;
    check(p_gv_interval_defaults(&d));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 6));
    REAL(out)[0] = d.method; REAL(out)[1] = (double)d.samples; REAL(out)[2] = (double)d.seed; REAL(out)[3] = d.level;
    REAL(out)[4] = (double)d.permutations; REAL(out)[5] = d.omitted_tolerance;
    UNPROTECT(1);
    return out;
}

/* A gv_correlation as 9 doubles: estimate, sd, lo, hi, sd_pairs, sd_noise, noise_shift, level, replicates (R: .correlation). */
static void put_correlation(double* o, const gv_correlation* c) {
    o[0] = c->estimate; o[1] = c->sd; o[2] = c->lo; o[3] = c->hi; o[4] = c->sd_pairs; o[5] = c->sd_noise; o[6] = c->noise_shift;
    o[7] = c->level; o[8] = (double)c->replicates;
}

/* pairs, used, oov, words, flagged_words, spearman, pearson, then the spearman and pearson gv_correlation (9 each). */
static const gv_benchmark_options* benchmark_options(gv_benchmark_options* o, SEXP samples, SEXP seed, SEXP level, SEXP hold, SEXP approx) {
    check(p_gv_benchmark_options_default(o));
    o->samples = opt_samples(samples); o->seed = seed_of(seed, 0); o->level = opt_level(level); o->hold_fixed = flag_named(hold, "hold_fixed");
    o->approximate = flag_named(approx, "approximate");
    return o;
}

SEXP C_evaluate(SEXP xp, SEXP path, SEXP samples, SEXP seed, SEXP level, SEXP hold, SEXP approx) {
    gv_benchmark r; gv_benchmark_options bo;
    check(p_gv_evaluate(model_of(xp), str1(path, "benchmark"), benchmark_options(&bo, samples, seed, level, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 7 + 2 * 9 + 2));
    double* o = REAL(out);
    o[0] = (double)r.pairs; o[1] = (double)r.used; o[2] = (double)r.oov; o[3] = (double)r.words; o[4] = (double)r.flagged_words;
    o[5] = r.spearman; o[6] = r.pearson;
    put_correlation(o + 7, &r.spearman_ci); put_correlation(o + 16, &r.pearson_ci);
    o[25] = r.spearman_p; o[26] = r.pearson_p;
    UNPROTECT(1);
    return out;
}

/* pairs, replicates, spearman_a, spearman_b, diff, sd, lo, hi, p_value, sd_pairs, sd_noise, level, flags_a, flags_b. */
SEXP C_evaluate_compare(SEXP xa, SEXP xb, SEXP path, SEXP samples, SEXP seed, SEXP level, SEXP hold, SEXP approx) {
    gv_model* a = model_of(xa);
    gv_model* b = model_of(xb);
    gv_benchmark_comparison r; gv_benchmark_options bo;
    check(p_gv_evaluate_compare(a, b, str1(path, "benchmark"), benchmark_options(&bo, samples, seed, level, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 14));
    double* o = REAL(out);
    o[0] = (double)r.pairs; o[1] = (double)r.replicates; o[2] = r.spearman_a; o[3] = r.spearman_b; o[4] = r.diff; o[5] = r.sd;
    o[6] = r.lo; o[7] = r.hi; o[8] = r.p_value; o[9] = r.sd_pairs; o[10] = r.sd_noise; o[11] = r.level; o[12] = r.flags_a; o[13] = r.flags_b;
    UNPROTECT(1);
    return out;
}

static const char** strings(SEXP s, const char* name, int64_t* n) {
    if (!Rf_isString(s)) Rf_error("%s must be a character vector", name);
    *n = Rf_xlength(s);
    const char** arr = (const char**)R_alloc((size_t)(*n > 0 ? *n : 1), sizeof(char*));
    for (int64_t i = 0; i < *n; i++) {
        if (STRING_ELT(s, i) == NA_STRING) Rf_error("%s contains NA", name);
        arr[i] = utf8_elt(s, i, name);
    }
    return arr;
}

static int64_t permutations_of(SEXP s) {
    if (Rf_isNull(s)) return 0; /* the core's default */
    double v = one_number(s, "permutations");
    if (v < 1 || v > 2147483647.0 || v != (double)(int64_t)v) Rf_error("permutations must be a whole number from 1 to 2147483647 (or NULL), got %g", v);
    return (int64_t)v;
}

/* statistic, effect_size, p_value, permutations, exact, then the effect-size and statistic gv_interval (10 each). */
SEXP C_weat(SEXP xp, SEXP x, SEXP y, SEXP a, SEXP b, SEXP perms, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold,
            SEXP approx) {
    gv_model* m = model_of(xp);
    int64_t nx, ny, na, nb;
    const char **px = strings(x, "x", &nx), **py = strings(y, "y", &ny), **pa = strings(a, "a", &na), **pb = strings(b, "b", &nb);
    gv_weat_result r; gv_query_options q;
    check(p_gv_weat(m, px, nx, py, ny, pa, na, pb, nb, permutations_of(perms), query(&q, method, level, samples, seed, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 5 + 2 * INTERVAL_LEN));
    double* o = REAL(out);
    o[0] = r.statistic; o[1] = r.effect_size; o[2] = r.p_value; o[3] = (double)r.permutations; o[4] = r.exact;
    put_interval(o + 5, &r.effect_size_ci); put_interval(o + 5 + INTERVAL_LEN, &r.statistic_ci);
    UNPROTECT(1);
    return out;
}

/* value, z, p_value, neutral, then the gv_interval (INTERVAL_LEN). */
SEXP C_rnd(SEXP xp, SEXP g1, SEXP g2, SEXP neutral, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_model* m = model_of(xp);
    int64_t n1, n2, nn;
    const char **p1 = strings(g1, "group1", &n1), **p2 = strings(g2, "group2", &n2), **pn = strings(neutral, "neutral", &nn);
    gv_rnd_result r; gv_query_options q;
    check(p_gv_rnd(m, p1, n1, p2, n2, pn, nn, query(&q, method, level, samples, seed, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 4 + INTERVAL_LEN));
    double* o = REAL(out);
    o[0] = r.value; o[1] = r.z; o[2] = r.p_value; o[3] = (double)r.neutral;
    put_interval(o + 4, &r.ci);
    UNPROTECT(1);
    return out;
}

/* A list of n character vectors as the ABI's (const char* const* lists, const int64_t* counts). */
static void string_lists(SEXP l, int n, const char* name, const char* const* labels, const char* const** lists, int64_t* counts) {
    if (TYPEOF(l) != VECSXP) Rf_error("%s must be a list of %d character vectors", name, n);
    if (Rf_xlength(l) != n) Rf_error("%s must hold %d word lists, got %d", name, n, (int)Rf_xlength(l));
    for (int i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s[[%d]] (%s)", name, i + 1, labels[i]);
        lists[i] = strings(VECTOR_ELT(l, i), what, &counts[i]);
    }
}

typedef int (*bias_difference_fn)(gv_model*, const char* const* const*, const int64_t*, const char* const* const*, const int64_t*,
                                  const gv_query_options*, gv_bias_difference*);

/* first, second, then the difference's gv_interval (INTERVAL_LEN). */
static SEXP bias_difference(bias_difference_fn fn, int n, const char* const* labels, SEXP xp, SEXP first, SEXP second, SEXP method,
                            SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_model* m = model_of(xp);
    const char* const* l1[4]; const char* const* l2[4]; int64_t c1[4], c2[4];
    string_lists(first, n, "first", labels, l1, c1);
    string_lists(second, n, "second", labels, l2, c2);
    gv_bias_difference r; gv_query_options q;
    check(fn(m, l1, c1, l2, c2, query(&q, method, level, samples, seed, hold, approx), &r));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 2 + INTERVAL_LEN));
    double* o = REAL(out);
    o[0] = r.first; o[1] = r.second;
    put_interval(o + 2, &r.ci);
    UNPROTECT(1);
    return out;
}

SEXP C_weat_difference(SEXP xp, SEXP first, SEXP second, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    static const char* const labels[] = {"X", "Y", "A", "B"};
    return bias_difference(p_gv_weat_difference, 4, labels, xp, first, second, method, level, samples, seed, hold, approx);
}

SEXP C_rnd_difference(SEXP xp, SEXP first, SEXP second, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    static const char* const labels[] = {"GROUP1", "GROUP2", "NEUTRAL"};
    return bias_difference(p_gv_rnd_difference, 3, labels, xp, first, second, method, level, samples, seed, hold, approx);
}

/* ---- co-occurrence matrix ---- */
static void matrix_finalizer(SEXP xp) {
    void* h = R_ExternalPtrAddr(xp);
    if (h && p_gv_matrix_free) p_gv_matrix_free((gv_matrix*)h);
    R_ClearExternalPtr(xp);
}

SEXP C_matrix_open(SEXP dir, SEXP vocab) {
    need_lib();
    gv_matrix* m = NULL;
    check(p_gv_matrix_open(str1(dir, "cooccur_dir"), str1(vocab, "vocab"), &m));
    SEXP xp = PROTECT(R_MakeExternalPtr(m, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(xp, matrix_finalizer, TRUE);
    UNPROTECT(1);
    return xp;
}

SEXP C_matrix_shape(SEXP xp) {
    need_lib();
    gv_matrix* m = TYPEOF(xp) == EXTPTRSXP ? (gv_matrix*)R_ExternalPtrAddr(xp) : NULL;
    if (!m) Rf_error("glovev matrix is closed");
    int64_t rows, nnz;
    check(p_gv_matrix_shape(m, &rows, &nnz));
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
    REAL(out)[0] = (double)rows; REAL(out)[1] = (double)nnz;
    UNPROTECT(1);
    return out;
}

/* Row i (0-based) as list(cols = 0-based integer ids, values). */
SEXP C_matrix_row(SEXP xp, SEXP row) {
    need_lib();
    gv_matrix* m = TYPEOF(xp) == EXTPTRSXP ? (gv_matrix*)R_ExternalPtrAddr(xp) : NULL;
    if (!m) Rf_error("glovev matrix is closed");
    int64_t i = (int64_t)Rf_asReal(row), len = 0;
    check(p_gv_matrix_row(m, i, NULL, NULL, 0, &len));
    SEXP cols = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)len));
    SEXP vals = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)len));
    int st = p_gv_matrix_row(m, i, INTEGER(cols), REAL(vals), len, &len);
    if (st != GV_OK) { UNPROTECT(2); check(st); }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, cols); SET_VECTOR_ELT(out, 1, vals);
    UNPROTECT(3);
    return out;
}

/* NULL keeps the core's default; otherwise one finite whole number in range. */
static int opt_int(SEXP s, const char* name, int dflt, int lo) {
    if (Rf_isNull(s)) return dflt;
    double v = one_number(s, name);
    if (v != (double)(int64_t)v || v < lo || v > 2147483647.0) Rf_error("%s must be a whole number >= %d, got %g", name, lo, v);
    return (int)v;
}

static double opt_real(SEXP s, const char* name, double dflt) { return Rf_isNull(s) ? dflt : one_number(s, name); }

/* NULL keeps the default; otherwise one finite whole number >= lo (64-bit). */
static int64_t opt_int64(SEXP s, const char* name, int64_t dflt, int64_t lo) {
    if (Rf_isNull(s)) return dflt;
    double v = opt_real(s, name, 0);
    if (v < (double)lo || v != (double)(int64_t)v) Rf_error("%s must be a whole number >= %lld, got %g", name, (long long)lo, v);
    return (int64_t)v;
}

/* Band edges from a numeric vector (NULL: the defaults); the buffer holds at most 64. */
static int64_t band_edges(SEXP s, int64_t* buf) {
    if (Rf_isNull(s)) return 0;
    if (!Rf_isNumeric(s) || Rf_length(s) < 1 || Rf_length(s) > 64) Rf_error("bands must be 1 to 64 ranks");
    for (int k = 0; k < Rf_length(s); k++) {
        double v = Rf_isReal(s) ? REAL(s)[k] : (double)INTEGER(s)[k];
        if (!R_FINITE(v) || v < 1 || v != (double)(int64_t)v) Rf_error("bands[%d] must be a whole rank >= 1", k + 1);
        buf[k] = (int64_t)v;
    }
    return Rf_length(s);
}

/* ---- pipeline: options structs from the core's defaults calls; NULL arguments keep those defaults ---- */
SEXP C_vocab_build(SEXP corpus, SEXP out, SEXP min_count, SEXP max_vocab, SEXP flags, SEXP threads) {
    need_lib();
    gv_vocab_options o;
    check(p_gv_vocab_options_default(&o));
    o.min_count = opt_int64(min_count, "min_count", o.min_count, 1);
    o.max_vocab = opt_int(max_vocab, "max_vocab", (int)o.max_vocab, 0);
    o.flags = Rf_asInteger(flags);
    o.threads = opt_int(threads, "threads", o.threads, 0);
    int64_t n = 0;
    check(p_gv_vocab_build(str1(corpus, "corpus"), str1(out, "out"), &o, &n));
    return Rf_ScalarReal((double)n);
}

SEXP C_cooccur(SEXP corpus, SEXP vocab, SEXP out, SEXP window, SEXP symmetric, SEXP dist, SEXP memory, SEXP threads, SEXP flags) {
    need_lib();
    gv_cooccur_options o;
    check(p_gv_cooccur_options_default(&o));
    o.window = opt_int(window, "window", o.window, 1);
    if (!Rf_isNull(symmetric)) o.symmetric = flag_named(symmetric, "symmetric");
    if (!Rf_isNull(dist)) o.distance_weighting = flag_named(dist, "distance_weighting");
    o.memory_bytes = opt_int64(memory, "memory", o.memory_bytes, 1);
    o.threads = opt_int(threads, "threads", o.threads, 0);
    o.flags = Rf_asInteger(flags);
    int64_t n = 0;
    check(p_gv_cooccur(str1(corpus, "corpus"), str1(vocab, "vocab"), str1(out, "out_dir"), &o, &n));
    return Rf_ScalarReal((double)n);
}

SEXP C_train(SEXP cooc, SEXP vocab, SEXP out, SEXP dim, SEXP epochs, SEXP threads, SEXP eta, SEXP xmax, SEXP alpha, SEXP seed,
             SEXP als_sweeps, SEXP ridge, SEXP auto_epochs) {
    need_lib();
    gv_train_options o;
    check(p_gv_train_options_default(&o));
    o.dim = opt_int(dim, "dim", o.dim, 1); o.epochs = opt_int(epochs, "epochs", o.epochs, 0); o.threads = opt_int(threads, "threads", o.threads, 0);
    o.eta = opt_real(eta, "eta", o.eta); o.x_max = opt_real(xmax, "x_max", o.x_max); o.alpha = opt_real(alpha, "alpha", o.alpha);
    o.seed = seed_of(seed, o.seed);
    o.als_sweeps = opt_int(als_sweeps, "als_sweeps", o.als_sweeps, 0); o.ridge = opt_real(ridge, "ridge", o.ridge);
    o.epochs_auto = Rf_asLogical(auto_epochs) == TRUE;
    double cost = 0;
    check(p_gv_train(str1(cooc, "cooccur_dir"), str1(vocab, "vocab"), str1(out, "out_dir"), &o, NULL, NULL, NULL, &cost));
    return Rf_ScalarReal(cost);
}

SEXP C_variance(SEXP model, SEXP cooc, SEXP out, SEXP threads, SEXP approx, SEXP complete, SEXP refine) {
    need_lib();
    gv_variance_options o;
    check(p_gv_variance_options_default(&o));
    o.threads = opt_int(threads, "threads", o.threads, 0);
    o.approx = opt_real(approx, "approx", o.approx);
    if (!Rf_isNull(complete)) o.complete = flag_named(complete, "complete");
    if (!Rf_isNull(refine)) o.refine = flag_named(refine, "refine");
    int64_t n = 0;
    check(p_gv_variance(str1(model, "model_dir"), str1(cooc, "cooccur_dir"), str_or_null(out, "out_dir"), &o, &n));
    return Rf_ScalarReal((double)n);
}

/* Many pairs in one call: an n x 10 matrix of intervals (the .interval layout), one row per pair. */
SEXP C_similarities(SEXP xp, SEXP a, SEXP b, SEXP method, SEXP level, SEXP samples, SEXP seed, SEXP hold, SEXP approx) {
    gv_model* m = model_of(xp);
    int64_t na, nb;
    const char **pa = strings(a, "a", &na), **pb = strings(b, "b", &nb);
    if (na != nb) Rf_error("a and b must have the same length, got %d and %d", (int)na, (int)nb);
    gv_interval* iv = (gv_interval*)R_alloc((size_t)(na > 0 ? na : 1), sizeof(gv_interval));
    gv_query_options q;
    check(p_gv_similarities(m, pa, pb, na, query(&q, method, level, samples, seed, hold, approx), iv, na));
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int)na, INTERVAL_LEN));
    double* o = REAL(out);
    double row[INTERVAL_LEN];
    for (int64_t i = 0; i < na; i++) {
        put_interval(row, &iv[i]);
        for (int k = 0; k < INTERVAL_LEN; k++) o[i + k * na] = row[k];
    }
    UNPROTECT(1);
    return out;
}

/* ---- vector files (GV_FORMAT_*) ---- */
SEXP C_import_vectors(SEXP path, SEXP format, SEXP out) {
    need_lib();
    int64_t n = 0;
    check(p_gv_import_vectors(str1(path, "path"), Rf_asInteger(format), str1(out, "out_dir"), &n));
    return Rf_ScalarReal((double)n);
}

SEXP C_export_vectors(SEXP model, SEXP format, SEXP path) {
    need_lib();
    int64_t n = 0;
    check(p_gv_export_vectors(str1(model, "model_dir"), Rf_asInteger(format), str1(path, "path"), &n));
    return Rf_ScalarReal((double)n);
}

/* The whole matrix as CSR: list(p = row pointers (rows + 1), j = 0-based columns, x = values), for Matrix::sparseMatrix. */
SEXP C_matrix_csr(SEXP xp) {
    need_lib();
    gv_matrix* m = TYPEOF(xp) == EXTPTRSXP ? (gv_matrix*)R_ExternalPtrAddr(xp) : NULL;
    if (!m) Rf_error("glovev matrix is closed");
    int64_t rows = 0, nnz = 0;
    check(p_gv_matrix_shape(m, &rows, &nnz));
    if (nnz > 2147483647LL) Rf_error("the matrix has %lld non-zeros, more than an R vector of integers can index", (long long)nnz);
    SEXP p = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)rows + 1));
    SEXP j = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)nnz));
    SEXP x = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nnz));
    int64_t at = 0;
    INTEGER(p)[0] = 0;
    for (int64_t i = 0; i < rows; i++) {
        int64_t len = 0;
        check(p_gv_matrix_row(m, i, NULL, NULL, 0, &len));
        if (at + len > nnz) { UNPROTECT(3); Rf_error("row %lld overruns the stored non-zeros", (long long)i); }
        int st = p_gv_matrix_row(m, i, INTEGER(j) + at, REAL(x) + at, len, &len);
        if (st != GV_OK) { UNPROTECT(3); check(st); }
        at += len;
        INTEGER(p)[i + 1] = (int)at;
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    SET_VECTOR_ELT(out, 0, p); SET_VECTOR_ELT(out, 1, j); SET_VECTOR_ELT(out, 2, x);
    UNPROTECT(4);
    return out;
}

SEXP C_calibrate(SEXP model, SEXP cooc, SEXP table, SEXP bands, SEXP words, SEXP reps, SEXP methods, SEXP samples, SEXP seed, SEXP level, SEXP threads) {
    need_lib();
    gv_calibrate_options o;
    int64_t edges[64];
    check(p_gv_calibrate_options_default(&o));
    o.words_per_band = opt_int(words, "words_per_band", o.words_per_band, 0);
    o.replicates = opt_int(reps, "replicates", o.replicates, 0);
    o.samples = opt_int(samples, "samples", o.samples, 2);
    o.methods = opt_int(methods, "methods", 0, 0);
    o.threads = opt_int(threads, "threads", 0, 0);
    o.seed = seed_of(seed, o.seed);
    o.level = opt_real(level, "level", o.level);
    o.n_band_edges = band_edges(bands, edges);
    o.band_edges = o.n_band_edges ? edges : NULL;
    check(p_gv_calibrate(str1(model, "model_dir"), str1(cooc, "cooccur_dir"), &o, str1(table, "table_path")));
    return R_NilValue;
}

SEXP C_bootstrap(SEXP corpus, SEXP out, SEXP reps, SEXP seed_reps, SEXP vocab, SEXP dim, SEXP epochs, SEXP als, SEXP ridge,
                 SEXP min_count, SEXP window, SEXP flags, SEXP seed, SEXP threads) {
    need_lib();
    gv_bootstrap_options b;
    gv_train_options t;
    check(p_gv_bootstrap_options_default(&b));
    check(p_gv_train_options_run_default(&t));
    b.replicates = opt_int(reps, "replicates", b.replicates, 0);
    b.seed_replicates = opt_int(seed_reps, "seed_replicates", b.seed_replicates, 0);
    b.window = opt_int(window, "window", b.window, 0);
    b.min_count = opt_int(min_count, "min_count", (int)b.min_count, 1);
    b.flags = Rf_asInteger(flags);
    b.seed = t.seed = seed_of(seed, b.seed);
    b.vocab_path = str_or_null(vocab, "vocab");
    t.dim = opt_int(dim, "dim", t.dim, 0);
    t.epochs = opt_int(epochs, "epochs", t.epochs, 0);
    t.als_sweeps = opt_int(als, "als_sweeps", t.als_sweeps, 0);
    /* run's default ridge belongs to its sweeps: without them there is none (as the CLI's and Python's). */
    t.ridge = opt_real(ridge, "ridge", t.als_sweeps == 0 ? 0.0 : t.ridge);
    t.threads = opt_int(threads, "threads", 0, 0);
    int32_t trained = 0;
    check(p_gv_bootstrap(str1(corpus, "corpus"), str1(out, "out_dir"), &b, &t, &trained));
    return Rf_ScalarInteger(trained);
}

SEXP C_compare_uncertainty(SEXP model, SEXP boot, SEXP bands_path, SEXP pairs_path, SEXP bands, SEXP pairs, SEXP seed) {
    need_lib();
    gv_compare_uncertainty_options o;
    int64_t edges[64];
    check(p_gv_compare_uncertainty_options_default(&o));
    o.pairs_per_band = opt_int(pairs, "pairs_per_band", o.pairs_per_band, 0);
    o.seed = seed_of(seed, o.seed);
    o.n_band_edges = band_edges(bands, edges);
    o.band_edges = o.n_band_edges ? edges : NULL;
    check(p_gv_compare_uncertainty(str1(model, "model_dir"), str1(boot, "bootstrap_dir"), &o, str1(bands_path, "bands_path"),
                                   str1(pairs_path, "pairs_path")));
    return R_NilValue;
}

static const R_CallMethodDef calls[] = {
    {"C_load", (DL_FUNC)&C_load, 1}, {"C_version", (DL_FUNC)&C_version, 0}, {"C_backend", (DL_FUNC)&C_backend, 0},
    {"C_spd_inverse", (DL_FUNC)&C_spd_inverse, 1}, {"C_model_open", (DL_FUNC)&C_model_open, 1}, {"C_model_warnings", (DL_FUNC)&C_model_warnings, 1},
    {"C_model_close", (DL_FUNC)&C_model_close, 1}, {"C_model_shape", (DL_FUNC)&C_model_shape, 1},
    {"C_model_words", (DL_FUNC)&C_model_words, 1}, {"C_model_vector", (DL_FUNC)&C_model_vector, 2},
    {"C_model_covariance", (DL_FUNC)&C_model_covariance, 3}, {"C_model_has_covariance", (DL_FUNC)&C_model_has_covariance, 2},
    {"C_similarity", (DL_FUNC)&C_similarity, 9}, {"C_compare", (DL_FUNC)&C_compare, 11}, {"C_neighbours", (DL_FUNC)&C_neighbours, 9},
    {"C_similarities", (DL_FUNC)&C_similarities, 9}, {"C_model_vectors", (DL_FUNC)&C_model_vectors, 1},
    {"C_import_vectors", (DL_FUNC)&C_import_vectors, 3}, {"C_export_vectors", (DL_FUNC)&C_export_vectors, 3},
    {"C_matrix_csr", (DL_FUNC)&C_matrix_csr, 1}, {"C_names", (DL_FUNC)&C_names, 0}, {"C_method_code", (DL_FUNC)&C_method_code, 1},
    {"C_reliability", (DL_FUNC)&C_reliability, 2}, {"C_defaults", (DL_FUNC)&C_defaults, 0},
    {"C_evaluate", (DL_FUNC)&C_evaluate, 7}, {"C_evaluate_compare", (DL_FUNC)&C_evaluate_compare, 8},
    {"C_weat", (DL_FUNC)&C_weat, 12}, {"C_rnd", (DL_FUNC)&C_rnd, 10},
    {"C_weat_difference", (DL_FUNC)&C_weat_difference, 9}, {"C_rnd_difference", (DL_FUNC)&C_rnd_difference, 9},
    {"C_vocab_build", (DL_FUNC)&C_vocab_build, 6}, {"C_cooccur", (DL_FUNC)&C_cooccur, 9}, {"C_train", (DL_FUNC)&C_train, 13},
    {"C_variance", (DL_FUNC)&C_variance, 7}, {"C_matrix_open", (DL_FUNC)&C_matrix_open, 2},
    {"C_matrix_shape", (DL_FUNC)&C_matrix_shape, 1}, {"C_matrix_row", (DL_FUNC)&C_matrix_row, 2},
    {"C_calibrate", (DL_FUNC)&C_calibrate, 11}, {"C_bootstrap", (DL_FUNC)&C_bootstrap, 14},
    {"C_compare_uncertainty", (DL_FUNC)&C_compare_uncertainty, 7}, {"C_ptr_is_null", (DL_FUNC)&C_ptr_is_null, 1},
    {"C_result_warnings", (DL_FUNC)&C_result_warnings, 4}, {"C_word_warnings", (DL_FUNC)&C_word_warnings, 2},
    {"C_benchmark_words", (DL_FUNC)&C_benchmark_words, 2}, {"C_utf8", (DL_FUNC)&C_utf8, 2}, {"C_not_identifiable_warning", (DL_FUNC)&C_not_identifiable_warning, 4},
    {NULL, NULL, 0}};

void R_init_glovev(DllInfo* dll) {
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
}
