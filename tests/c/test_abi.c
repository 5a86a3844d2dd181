/* C tests of the libglovev ABI: numerics against closed forms computed here, and error handling. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "glovev.h"
#include "glovev_testing.h"

static int passed = 0, failed = 0;
#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Query options in one line: the defaults with method, level, samples, seed and hold_fixed set (per thread). */
static const gv_query_options* QP(int32_t method, double level, int64_t samples, uint64_t seed, int32_t hold) {
    static _Thread_local gv_query_options o;
    gv_query_options_default(&o);
    o.method = method; o.level = level; o.samples = samples; o.seed = seed; o.hold_fixed = hold;
    return &o;
}

static double rel(double a, double b) { double d = fabs(a - b), s = fmax(fabs(a), fabs(b)); return s > 0 ? d / s : d; }

static void test_version(void) {
    const char* v = gv_version();
    CHECK(v != NULL && strlen(v) > 0, "gv_version is empty");
    int32_t major = -1, minor = -1, patch = -1, abi = -1;
    CHECK(gv_abi_version(&major, &minor, &patch, &abi) == GV_OK && abi == GV_ABI_MAJOR, "ABI major %d, header %d", abi, GV_ABI_MAJOR);
    char triple[64];
    snprintf(triple, sizeof triple, "%d.%d.%d", major, minor, patch);
    CHECK(strcmp(triple, v) == 0, "version triple %s matches gv_version %s", triple, v);
    CHECK(gv_abi_version(NULL, NULL, NULL, NULL) == GV_OK, "gv_abi_version with NULL outputs");
    int64_t need = 0;
    CHECK(gv_blas_backend(NULL, 0, &need) == GV_OK && need > 1, "backend size query");
    char* buf = malloc((size_t)need);
    CHECK(gv_blas_backend(buf, need, &need) == GV_OK, "backend string: %s", gv_last_error());
    CHECK(strstr(buf, "MKL") != NULL || strstr(buf, "OpenBLAS") != NULL, "backend names MKL or OpenBLAS: %s", buf);
    printf("backend: %s\n", buf);
    free(buf);
}

static void test_spd_inverse(void) {
    /* 2x2 closed form: [[a,b],[b,c]]^-1 = [[c,-b],[-b,a]] / (ac - b^2) */
    double a[4] = {4.0, 1.5, 1.5, 3.0}, inv[4];
    CHECK(gv_spd_inverse(a, 2, inv, 4) == GV_OK, "spd inverse 2x2: %s", gv_last_error());
    double det = 4.0 * 3.0 - 1.5 * 1.5;
    CHECK(rel(inv[0], 3.0 / det) < 1e-14 && rel(inv[1], -1.5 / det) < 1e-14 && rel(inv[2], -1.5 / det) < 1e-14 && rel(inv[3], 4.0 / det) < 1e-14,
          "2x2 inverse matches the closed form");
    /* Tridiagonal [2,-1] Laplacian: (A^-1)_ij = min(i,j) (n+1-max(i,j)) / (n+1), 1-based. */
    enum { N = 30 };
    double L[N * N] = {0}, Li[N * N];
    for (int i = 0; i < N; i++) { L[i * N + i] = 2; if (i > 0) L[i * N + i - 1] = L[(i - 1) * N + i] = -1; }
    CHECK(gv_spd_inverse(L, N, Li, N * N) == GV_OK, "laplacian inverse: %s", gv_last_error());
    double worst = 0;
    for (int i = 1; i <= N; i++)
        for (int j = 1; j <= N; j++) {
            double expect = (double)(i < j ? i : j) * (N + 1 - (i > j ? i : j)) / (N + 1);
            worst = fmax(worst, fabs(Li[(i - 1) * N + (j - 1)] - expect));
        }
    CHECK(worst < 1e-11, "laplacian inverse matches the closed form (max err %g)", worst);
    /* Errors: NULL input, short buffer, not positive definite. */
    CHECK(gv_spd_inverse(NULL, 2, inv, 4) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "NULL") != NULL, "NULL input -> argument error, got '%s'", gv_last_error());
    CHECK(gv_spd_inverse(a, 2, inv, 3) == GV_ERR_BUFFER && strlen(gv_last_error()) > 0, "short buffer -> buffer error");
    double bad[4] = {1, 2, 2, 1};
    CHECK(gv_spd_inverse(bad, 2, inv, 4) == GV_ERR_INPUT && strstr(gv_last_error(), "positive definite") != NULL, "indefinite -> '%s'", gv_last_error());
    CHECK(gv_spd_inverse(a, -3, inv, 4) == GV_ERR_ARGUMENT, "negative n -> argument error");
}

static double dot(const double* x, const double* y, int d) { double s = 0; for (int i = 0; i < d; i++) s += x[i] * y[i]; return s; }

static double quad(const double* g, const double* S, int d) {
    double s = 0;
    for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) s += g[i] * S[i * d + j] * g[j];
    return s;
}

static void test_model(const char* fixture) {
    char path[4096];
    snprintf(path, sizeof path, "%s/model", fixture);
    gv_model* m = NULL;
    CHECK(gv_model_open(path, &m) == GV_OK && m != NULL, "open fixture model: %s", gv_last_error());
    if (!m) return;
    int64_t V = 0, D = 0; int32_t hv = 0;
    CHECK(gv_model_shape(m, &V, &D, &hv) == GV_OK && V > 100 && D == 10 && hv == 1, "shape V=%lld D=%lld", (long long)V, (long long)D);
    const char *a = "war", *b = "peace";
    double va[64], vb[64], Sa[4096], Sb[4096];
    CHECK(gv_model_vector(m, a, va, D) == GV_OK, "vector: %s", gv_last_error());
    CHECK(gv_model_vector(m, b, vb, D) == GV_OK, "vector: %s", gv_last_error());
    CHECK(gv_model_covariance(m, a, 0, Sa, D * D) == GV_OK, "covariance: %s", gv_last_error());
    CHECK(gv_model_covariance(m, b, 0, Sb, D * D) == GV_OK, "covariance: %s", gv_last_error());
    int sym = 1;
    for (int i = 0; i < D; i++) { if (!(Sa[i * D + i] > 0)) sym = 0; for (int j = 0; j < D; j++) if (Sa[i * D + j] != Sa[j * D + i]) sym = 0; }
    CHECK(sym, "covariance is symmetric with a positive diagonal");

    /* Delta method for cosine, computed here from its closed-form gradient. */
    double na = sqrt(dot(va, va, D)), nb = sqrt(dot(vb, vb, D)), c = dot(va, vb, D) / (na * nb), ga[64], gb[64];
    for (int i = 0; i < D; i++) { ga[i] = vb[i] / (na * nb) - c * va[i] / (na * na); gb[i] = va[i] / (na * nb) - c * vb[i] / (nb * nb); }
    double sd = sqrt(quad(ga, Sa, D) + quad(gb, Sb, D));
    gv_interval iv;
    CHECK(gv_similarity(m, a, b, QP(GV_METHOD_DELTA, 0.95, 0, 0, 0), &iv) == GV_OK, "similarity: %s", gv_last_error());
    CHECK(rel(iv.plugin, c) < 1e-12 && iv.estimate == iv.plugin, "cosine %.17g vs %.17g", iv.plugin, c);
    CHECK(iv.status == GV_STATUS_OK && iv.method == GV_METHOD_DELTA, "delta status and method");
    CHECK(rel(iv.sd, sd) < 1e-10, "delta sd %.17g vs %.17g", iv.sd, sd);
    CHECK(fabs((iv.hi - iv.lo) / 2 - 1.959963984540054 * sd) < 1e-9, "95%% interval half-width = 1.96 sd");

    gv_neighbour nb10[10]; int64_t n = 0;
    CHECK(gv_neighbours(m, a, 10, QP(GV_METHOD_DELTA, 0.95, 200, 3, 1), nb10, 10, &n, NULL) == GV_OK && n == 10, "neighbours: %s", gv_last_error());
    int ordered = 1, match = 1;
    for (int k = 0; k < n; k++) {
        char w[256]; int64_t need;
        gv_model_word(m, nb10[k].index, w, sizeof w, &need);
        double vw[64]; gv_model_vector(m, w, vw, D);
        double cw = dot(va, vw, D) / (na * sqrt(dot(vw, vw, D)));
        if (rel(cw, nb10[k].cosine) > 1e-12) match = 0;
        if (k > 0 && nb10[k].cosine > nb10[k - 1].cosine) ordered = 0;
        if (!(nb10[k].p_top_k >= 0 && nb10[k].p_top_k <= 1)) match = 0;
    }
    CHECK(ordered && match, "neighbours are ordered and their cosines match");

    const char* X[] = {"war", "army", "navy"}; const char* Y[] = {"peace", "treaty", "commerce"};
    const char* A[] = {"enemy", "force", "defense"}; const char* B[] = {"friendship", "harmony", "trade"};
    gv_weat_result wr;
    CHECK(gv_weat(m, X, 3, Y, 3, A, 3, B, 3, 1000, QP(GV_METHOD_SAMPLE, 0.95, 50, 1, 0), &wr) == GV_OK, "weat: %s", gv_last_error());
    CHECK(wr.exact == 1 && wr.permutations == 19 && wr.p_value >= 1.0 / 20 && wr.p_value <= 1, "weat exact permutation test over the 19 other partitions of C(6,3)=20");
    CHECK(wr.effect_size_ci.lo <= wr.effect_size_ci.estimate && wr.effect_size_ci.estimate <= wr.effect_size_ci.hi, "weat interval contains its estimate");
    /* The difference of two WEAT effect sizes sharing words: with identical lists it is exactly 0 with sd 0. */
    const char* const* L1[] = {X, Y, A, B}; const int64_t C1[] = {3, 3, 3, 3};
    gv_bias_difference bd;
    CHECK(gv_weat_difference(m, L1, C1, L1, C1, QP(GV_METHOD_DELTA, 0.95, 0, 0, 0), &bd) == GV_OK, "weat difference: %s", gv_last_error());
    CHECK(bd.first == bd.second && fabs(bd.ci.estimate) < 1e-12 && bd.ci.sd < 1e-12, "identical lists: difference 0 (%g, sd %g)", bd.ci.estimate, bd.ci.sd);
    const char* Y2[] = {"peace", "treaty", "trade"};
    const char* const* L2[] = {X, Y2, A, B};
    CHECK(gv_weat_difference(m, L1, C1, L2, C1, QP(GV_METHOD_CALIBRATED, 0, 0, 0, 0), &bd) == GV_OK, "weat difference: %s", gv_last_error());
    CHECK(bd.ci.status != GV_STATUS_OK || (bd.ci.lo <= bd.ci.estimate && bd.ci.estimate <= bd.ci.hi && bd.ci.p_value > 0 && bd.ci.p_value <= 1), "weat difference interval");
    const char* G1[] = {"war", "army"}; const char* G2[] = {"peace", "treaty"}; const char* N[] = {"enemy", "force", "trade"};
    gv_rnd_result rr;
    CHECK(gv_rnd(m, G1, 2, G2, 2, N, 3, QP(GV_METHOD_DELTA, 0.95, 0, 0, 0), &rr) == GV_OK, "rnd: %s", gv_last_error());
    CHECK(fabs(rr.z - rr.ci.estimate / rr.ci.sd) < 1e-12 && rr.p_value == rr.ci.p_value && rr.neutral == 3, "rnd z and p come from its interval");
    gv_neighbour_search ns;
    CHECK(gv_neighbours(m, a, 5, QP(GV_METHOD_SAMPLE, 0.95, 200, 3, 1), nb10, 10, &n, &ns) == GV_OK, "neighbours: %s", gv_last_error());
    CHECK(ns.searched == V - 1 && ns.candidates >= 5 && ns.candidates <= ns.searched && ns.omitted_bound >= 0 && ns.draws == 200, "neighbour search: %lld of %lld, bound %g",
          (long long)ns.candidates, (long long)ns.searched, ns.omitted_bound);

    /* Bulk calls: many pairs equal one call each (same options, same seed); all vectors equal gv_model_vector's. */
    {
        const char* pa[] = {"war", "war", "peace"}; const char* pb[] = {"peace", "army", "treaty"};
        gv_interval many[3], one;
        CHECK(gv_similarities(m, pa, pb, 3, QP(GV_METHOD_CALIBRATED, 0.9, 200, 7, 0), many, 3) == GV_OK, "similarities: %s", gv_last_error());
        int same = 1;
        for (int k = 0; k < 3; k++) {
            gv_similarity(m, pa[k], pb[k], QP(GV_METHOD_CALIBRATED, 0.9, 200, 7, 0), &one);
            if (memcmp(&one, &many[k], sizeof one) != 0) same = 0;
        }
        CHECK(same, "gv_similarities = gv_similarity per pair");
        CHECK(gv_similarities(m, pa, pb, 3, NULL, many, 2) == GV_ERR_BUFFER, "similarities: short out");
        const char* bad[] = {"war", "zzzz-not-a-word"};
        CHECK(gv_similarities(m, bad, bad, 2, NULL, many, 3) == GV_ERR_INPUT && strstr(gv_last_error(), "pair 1"), "similarities names the pair: %s", gv_last_error());
        CHECK(gv_similarities(m, NULL, NULL, 0, NULL, NULL, 0) == GV_OK, "similarities: no pairs");
        double* all = malloc(sizeof(double) * (size_t)(V * D));
        CHECK(gv_model_vectors(m, all, V * D) == GV_OK, "vectors: %s", gv_last_error());
        CHECK(gv_model_vectors(m, all, V * D - 1) == GV_ERR_BUFFER, "vectors: short buffer");
        int64_t need = 0;
        CHECK(gv_model_words(m, NULL, 0, &need) == GV_OK && need > V, "words size query");
        char* words = malloc((size_t)need);
        CHECK(gv_model_words(m, words, need, &need) == GV_OK, "words: %s", gv_last_error());
        int match_all = 1; const char* w = words;
        for (int64_t i = 0; i < V; i++) {
            double vi[64]; int64_t idx = -1;
            gv_model_index(m, w, &idx);
            gv_model_vector(m, w, vi, D);
            if (idx != i || memcmp(vi, all + i * D, sizeof(double) * (size_t)D) != 0) match_all = 0;
            w += strlen(w) + 1;
        }
        CHECK(match_all, "gv_model_words order and gv_model_vectors rows match gv_model_index / gv_model_vector");
        free(all); free(words);
        /* An options struct not filled by its defaults call is refused. */
        gv_query_options q; memset(&q, 0, sizeof q);
        CHECK(gv_similarity(m, a, b, &q, &iv) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "gv_query_options_default"), "size 0: %s", gv_last_error());
        gv_query_options_default(&q);
        CHECK(q.size == (int32_t)sizeof q && q.method == GV_METHOD_CALIBRATED && q.samples == 0 && q.seed == 0 && q.hold_fixed == 0, "query defaults");
        CHECK(gv_similarity(m, a, b, NULL, &one) == GV_OK && gv_similarity(m, a, b, &q, &iv) == GV_OK && memcmp(&one, &iv, sizeof iv) == 0, "NULL options = defaults");
        /* Every 0 field means the default, the method's too (no method is 0): a struct with only its size set is the
         * calibrated default, not some method picked by its numbering. */
        memset(&q, 0, sizeof q); q.size = (int32_t)sizeof q;
        CHECK(gv_similarity(m, a, b, &q, &iv) == GV_OK && iv.method == GV_METHOD_CALIBRATED && memcmp(&one, &iv, sizeof iv) == 0, "0 fields = defaults: %s", gv_last_error());
        CHECK(GV_METHOD_DELTA != 0 && GV_METHOD_SAMPLE != 0 && GV_METHOD_CALIBRATED != 0, "no method is 0");
    }

    /* Errors. */
    CHECK(gv_model_vector(m, "zzzz-not-a-word", va, D) == GV_ERR_INPUT && strstr(gv_last_error(), "zzzz-not-a-word") != NULL, "unknown word named: '%s'", gv_last_error());
    CHECK(gv_model_vector(m, a, va, D - 1) == GV_ERR_BUFFER, "short vector buffer");
    CHECK(gv_model_covariance(m, NULL, 0, Sa, D * D) == GV_ERR_ARGUMENT, "NULL word");
    CHECK(gv_similarity(m, a, b, QP(9, 0.95, 100, 1, 0), &iv) == GV_ERR_ARGUMENT, "bad method");
    CHECK(gv_similarity(m, a, b, QP(GV_METHOD_SAMPLE, 0.95, 1, 1, 0), &iv) == GV_ERR_ARGUMENT, "K <= 1 samples");
    CHECK(gv_similarity(m, a, b, QP(GV_METHOD_DELTA, 0.95, 100, 0, 0), &iv) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "delta") != NULL, "delta rejects samples: %s", gv_last_error());
    CHECK(gv_similarity(m, a, b, QP(GV_METHOD_DELTA, 0.95, 0, 5, 0), &iv) == GV_ERR_ARGUMENT, "delta rejects a seed");
    /* The calibrated default: its interval contains its estimate; estimate and plug-in are reported apart. */
    gv_defaults dflt;
    CHECK(gv_interval_defaults(&dflt) == GV_OK && dflt.method == GV_METHOD_CALIBRATED && dflt.samples == 1000 && dflt.seed == 1 && dflt.level == 0.95
          && dflt.permutations == 10000 && dflt.omitted_tolerance == 0.01, "defaults");
    CHECK(gv_similarity(m, a, b, QP(GV_METHOD_CALIBRATED, 0, 0, 0, 0), &iv) == GV_OK, "calibrated: %s", gv_last_error());
    CHECK(rel(iv.plugin, c) < 1e-12 && (iv.status == GV_STATUS_NOT_IDENTIFIABLE || (iv.lo <= iv.estimate && iv.estimate <= iv.hi)), "calibrated interval contains its estimate");
    gv_reliability rl;
    CHECK(gv_word_reliability(m, a, &rl) == GV_OK && rl.has_covariance == 1 && rl.dof == rl.contexts - D, "reliability: %s", gv_last_error());
    char nm[32]; int64_t need = 0; int32_t code = -1;
    CHECK(gv_method_name(GV_METHOD_CALIBRATED, nm, sizeof nm, &need) == GV_OK && !strcmp(nm, "calibrated"), "method name");
    CHECK(gv_method_parse("composition", &code) == GV_OK && code == GV_METHOD_SAMPLE, "method parse");
    CHECK(gv_status_name(GV_STATUS_NOT_IDENTIFIABLE, nm, sizeof nm, &need) == GV_OK && !strcmp(nm, "not_identifiable"), "status name");
    CHECK(gv_status_name(7, nm, sizeof nm, &need) == GV_ERR_ARGUMENT, "unknown status");
    CHECK((iv.status == GV_STATUS_OK) == (iv.reason == GV_REASON_NONE), "reason set exactly when not identifiable");
    CHECK(gv_reason_name(GV_REASON_NONE, nm, sizeof nm, &need) == GV_OK && !strcmp(nm, "none"), "reason name none");
    CHECK(gv_reason_name(GV_REASON_DEBIASED_NORM_NOT_POSITIVE, nm, sizeof nm, &need) == GV_OK && !strcmp(nm, "debiased_norm_not_positive"), "reason name");
    CHECK(gv_reason_name(GV_REASON_COVERS_RANGE, nm, sizeof nm, &need) == GV_OK && !strcmp(nm, "covers_range"), "reason name covers_range");
    CHECK(gv_reason_name(GV_REASON_SINGULAR_WITHOUT_RIDGE + 1, nm, sizeof nm, &need) == GV_ERR_ARGUMENT, "unknown reason");
    CHECK(gv_reason_name(-1, nm, sizeof nm, &need) == GV_ERR_ARGUMENT, "negative reason");
    CHECK(gv_model_free(m) == GV_OK, "free");
    CHECK(gv_model_free(m) == GV_ERR_HANDLE, "double free is detected");
    CHECK(gv_model_vector(m, a, va, D) == GV_ERR_HANDLE && strstr(gv_last_error(), "handle") != NULL, "use after free is detected");
    CHECK(gv_model_vector((gv_model*)0x1234, a, va, D) == GV_ERR_HANDLE, "forged handle is detected");
    CHECK(gv_model_open("/nonexistent/model", &m) != GV_OK && strstr(gv_last_error(), "/nonexistent/model") != NULL, "missing folder named");
}

/* Adversarial inputs across the ABI: an options struct of an older, smaller layout ending at an unmapped page (its
 * size must be read alone, never the rest), invalid UTF-8 (never replaced: it would alias other words and paths), a
 * count larger than any array, and gv_last_error after a success. */
static void test_hostile_inputs(const char* fixture) {
    char path[4096];
    snprintf(path, sizeof path, "%s/model", fixture);
    gv_model* m = NULL;
    if (gv_model_open(path, &m) != GV_OK) { CHECK(0, "open: %s", gv_last_error()); return; }
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char* p = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED && mprotect(p + pg, (size_t)pg, PROT_NONE) == 0) {
        int32_t* old = (int32_t*)(p + pg - 8); old[0] = 8; old[1] = 0;
        gv_interval iv;
        CHECK(gv_similarity(m, "war", "peace", (const gv_query_options*)old, &iv) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "size") != NULL,
              "an 8-byte options struct -> argument error, got '%s'", gv_last_error());
        CHECK(gv_variance("/x", "/x", NULL, (const gv_variance_options*)old, NULL) == GV_ERR_ARGUMENT, "8-byte variance options");
        CHECK(gv_train("/x", "/x", "/x", (const gv_train_options*)old, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT, "8-byte train options");
        munmap(p, 2 * (size_t)pg);
    }
    double v[64];
    CHECK(gv_model_vector(m, "\xff", v, 64) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "UTF-8") != NULL, "invalid UTF-8 word -> '%s'", gv_last_error());
    const char* a[] = {"war"}; const char* b[] = {"peace"};
    gv_interval out[1];
    CHECK(gv_similarities(m, a, b, (int64_t)1 << 40, NULL, out, 1) == GV_ERR_ARGUMENT, "2^40 pairs -> argument error, got '%s'", gv_last_error());
    CHECK(gv_model_vector(m, "war", v, 64) == GV_OK && strcmp(gv_last_error(), "") == 0, "last error empty after a success");
    /* A negative capacity is an argument error in every function that takes one, never "buffer too small". */
    char sb[64]; int64_t sneed = 0;
    CHECK(gv_model_word(m, 0, sb, -1, &sneed) == GV_ERR_ARGUMENT, "negative cap, string -> argument error, got '%s'", gv_last_error());
    CHECK(gv_model_words(m, sb, -1, &sneed) == GV_ERR_ARGUMENT, "negative cap, word list -> argument error, got '%s'", gv_last_error());
    CHECK(gv_model_vectors(m, v, -1) == GV_ERR_ARGUMENT, "negative cap, vectors -> argument error, got '%s'", gv_last_error());
    CHECK(gv_model_vector(m, "war", v, -1) == GV_ERR_ARGUMENT, "negative cap, vector -> argument error, got '%s'", gv_last_error());
    CHECK(gv_blas_backend(sb, -5, &sneed) == GV_ERR_ARGUMENT, "negative cap, backend -> argument error, got '%s'", gv_last_error());
    CHECK(gv_model_word(m, 0, sb, 1, &sneed) == GV_ERR_BUFFER, "a cap too small is still a buffer error");
    CHECK(gv_similarities(m, a, b, 0, NULL, out, -1) == GV_ERR_ARGUMENT, "negative cap with no pairs -> argument error");
    /* A benchmark's used words, NUL after each, in order of first use; a pair with an unknown word is left out. */
    char bench[256];
    snprintf(bench, sizeof bench, "/tmp/glovev-abi-bench-%d.txt", (int)getpid());
    FILE* bf = fopen(bench, "w");
    fprintf(bf, "war peace 5\nwar army 7\nzz-not-a-word peace 1\n");
    fclose(bf);
    char bw[64]; int64_t bneed = 0;
    CHECK(gv_benchmark_words(m, bench, NULL, 0, &bneed) == GV_OK && bneed == 15, "benchmark words size query: %lld", (long long)bneed);
    CHECK(gv_benchmark_words(m, bench, bw, sizeof bw, &bneed) == GV_OK && !strcmp(bw, "war") && !strcmp(bw + 4, "peace") && !strcmp(bw + 10, "army"),
          "benchmark words: %s", gv_last_error());
    CHECK(gv_benchmark_words(m, bench, bw, 8, &bneed) == GV_ERR_BUFFER, "benchmark words: small buffer");
    /* gv_benchmark_options.approximate reads the compact covariances (the fixture has both forms); a struct of another
     * layout (ABI 4's 32 bytes) and a reserved field other than 0 are refused. */
    bf = fopen(bench, "w");
    fprintf(bf, "war peace 5\nwar army 7\npeace army 3\nwar navy 6\npeace treaty 8\narmy navy 9\n");
    fclose(bf);
    gv_benchmark_options bo; gv_benchmark r0, r1, rv0;
    gv_benchmark_options_default(&bo);
    bo.samples = 50; bo.hold_fixed = 1;
    CHECK(gv_evaluate(m, bench, &bo, &r0) == GV_OK, "evaluate: %s", gv_last_error());
    bo.approximate = 1;
    CHECK(gv_evaluate(m, bench, &bo, &r1) == GV_OK && r1.spearman == r0.spearman && r1.spearman_ci.sd != r0.spearman_ci.sd,
          "evaluate with compact covariances: %s (sd %g vs %g)", gv_last_error(), r1.spearman_ci.sd, r0.spearman_ci.sd);
    bo.approximate = 0; bo.size = 32;
    CHECK(gv_evaluate(m, bench, &bo, &rv0) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "size"), "evaluate, ABI 4 options: %s", gv_last_error());
    bo.size = (int32_t)sizeof bo; bo.reserved = 7;
    CHECK(gv_evaluate(m, bench, &bo, &rv0) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "reserved"), "evaluate, reserved: %s", gv_last_error());
    bo.reserved = 0;
    CHECK(gv_evaluate(m, bench, &bo, &rv0) == GV_OK && rv0.spearman_ci.sd == r0.spearman_ci.sd, "evaluate again: %s", gv_last_error());
    /* Invalid UTF-8 in a benchmark file is an error naming its line, not a pair silently left out. */
    bf = fopen(bench, "w");
    fprintf(bf, "war peace 5\nwar \xff\xfe 2\n");
    fclose(bf);
    CHECK(gv_benchmark_words(m, bench, bw, sizeof bw, &bneed) == GV_ERR_INPUT && strstr(gv_last_error(), ":2:") && strstr(gv_last_error(), "UTF-8"),
          "invalid UTF-8 named with its line: %s", gv_last_error());
    remove(bench);
    CHECK(gv_benchmark_words(m, "/tmp", bw, sizeof bw, &bneed) == GV_ERR_IO && strstr(gv_last_error(), "folder"), "a folder is named as such: %s", gv_last_error());
    CHECK(gv_benchmark_words(m, bench, bw, sizeof bw, &bneed) == GV_ERR_IO && strstr(gv_last_error(), bench) != NULL, "benchmark words: missing file named: %s", gv_last_error());
    gv_model_free(m);
}

static void test_matrix(const char* fixture) {
    char dir[4096], vocab[4096];
    snprintf(dir, sizeof dir, "%s/cooccur", fixture);
    snprintf(vocab, sizeof vocab, "%s/vocab.txt", fixture);
    gv_matrix* x = NULL;
    CHECK(gv_matrix_open(dir, vocab, &x) == GV_OK, "matrix open: %s", gv_last_error());
    if (!x) return;
    int64_t rows, nnz, len;
    gv_matrix_shape(x, &rows, &nnz);
    CHECK(gv_matrix_row(x, 0, NULL, NULL, 0, &len) == GV_OK && len > 0, "row size query");
    int32_t* cols = malloc(sizeof(int32_t) * (size_t)len); double* vals = malloc(sizeof(double) * (size_t)len);
    CHECK(gv_matrix_row(x, 0, cols, vals, len, &len) == GV_OK, "row 0");
    int ok = 1;
    for (int64_t k = 0; k < len; k++) if (!(vals[k] > 0) || cols[k] < 0 || cols[k] >= rows || (k > 0 && cols[k] <= cols[k - 1])) ok = 0;
    CHECK(ok, "row 0 sorted, in range, positive");
    CHECK(gv_matrix_row(x, rows, cols, vals, len, &len) == GV_ERR_ARGUMENT, "row out of range");
    /* An error call writes nothing: cols stays as it was when vals is NULL. */
    for (int64_t k = 0; k < len; k++) cols[k] = -7;
    CHECK(gv_matrix_row(x, 0, cols, NULL, len, &len) == GV_ERR_ARGUMENT && cols[0] == -7, "row with NULL vals leaves cols alone");
    free(cols); free(vals);
    CHECK(gv_matrix_free(x) == GV_OK, "matrix free");
}

/* Parity: the fixture's parity.txt holds the CLI's answers to five queries; the ABI must give the same numbers. */
static int close12(double a, double b) { return fabs(a - b) <= 1e-12 * fmax(1.0, fmax(fabs(a), fabs(b))); }

static void test_parity(const char* fixture) {
    char path[4096], line[1 << 16];
    snprintf(path, sizeof path, "%s/parity.txt", fixture);
    FILE* f = fopen(path, "r");
    CHECK(f != NULL, "parity.txt missing in %s", fixture);
    if (!f) return;
    snprintf(path, sizeof path, "%s/model", fixture);
    gv_model* m = NULL;
    gv_model_open(path, &m);
    int64_t V, D; int32_t hv;
    gv_model_shape(m, &V, &D, &hv);
    double buf[4096];
    gv_neighbour nb[5]; int64_t nn = 0;
    CHECK(gv_neighbours(m, "war", 5, QP(GV_METHOD_CALIBRATED, 0.95, 300, 2, 0), nb, 5, &nn, NULL) == GV_OK, "neighbours: %s", gv_last_error());
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        char* save = NULL;
        char* kind = strtok_r(line, " \n", &save);
        if (!kind) continue;
        lines++;
        if (!strcmp(kind, "vector") || !strcmp(kind, "covariance")) {
            char* word = strtok_r(NULL, " \n", &save);
            int is_cov = !strcmp(kind, "covariance");
            int st = is_cov ? gv_model_covariance(m, word, 0, buf, D * D) : gv_model_vector(m, word, buf, D);
            int ok = st == GV_OK, n = 0;
            for (char* t; (t = strtok_r(NULL, " \n", &save)); n++) ok &= close12(buf[n], strtod(t, NULL));
            CHECK(ok && n == (is_cov ? D * D : D), "parity %s %s", kind, word);
        } else if (!strcmp(kind, "similarity")) {
            char* a = strtok_r(NULL, " \n", &save); char* b = strtok_r(NULL, " \n", &save);
            gv_interval iv;
            gv_similarity(m, a, b, QP(GV_METHOD_CALIBRATED, 0, 0, 0, 0), &iv);
            double e[5]; for (int k = 0; k < 5; k++) e[k] = strtod(strtok_r(NULL, " \n", &save), NULL);
            CHECK(close12(iv.estimate, e[0]) && close12(iv.plugin, e[1]) && close12(iv.sd, e[2]) && close12(iv.lo, e[3]) && close12(iv.hi, e[4]), "parity similarity");
        } else if (!strcmp(kind, "neighbour")) {
            strtok_r(NULL, " \n", &save);
            int rank = atoi(strtok_r(NULL, " \n", &save));
            char* word = strtok_r(NULL, " \n", &save);
            double e[5]; for (int k = 0; k < 5; k++) e[k] = strtod(strtok_r(NULL, " \n", &save), NULL);
            char got[256]; int64_t need;
            gv_model_word(m, nb[rank - 1].index, got, sizeof got, &need);
            const gv_neighbour* g = &nb[rank - 1];
            CHECK(!strcmp(got, word) && close12(g->cosine, e[0]) && close12(g->sd, e[1]) && close12(g->lo, e[2]) && close12(g->hi, e[3]) && close12(g->p_top_k, e[4]),
                  "parity neighbour %d (%s vs %s)", rank, got, word);
        } else if (!strcmp(kind, "weat")) {
            const char* X[] = {"war", "army", "navy"}; const char* Y[] = {"peace", "treaty", "commerce"};
            const char* A[] = {"enemy", "force", "defense"}; const char* B[] = {"friendship", "harmony", "trade"};
            gv_weat_result w;
            gv_weat(m, X, 3, Y, 3, A, 3, B, 3, 1000, QP(GV_METHOD_SAMPLE, 0.95, 50, 1, 0), &w);
            double e[5]; for (int k = 0; k < 5; k++) e[k] = strtod(strtok_r(NULL, " \n", &save), NULL);
            CHECK(close12(w.statistic, e[0]) && close12(w.effect_size, e[1]) && close12(w.p_value, e[2]) && close12(w.effect_size_ci.lo, e[3]) && close12(w.effect_size_ci.hi, e[4]), "parity weat");
        }
    }
    CHECK(lines == 9, "parity.txt has %d lines, expected 9", lines);
    fclose(f);
    gv_model_free(m);
}

/* The own-corpus checks: options structs with a size field and defaults, a small calibrate run whose table the ABI
 * writes, and clear statuses for bad options and folders. */
static void test_studies(const char* fixture) {
    char model[4096], cooc[4096], table[4096];
    snprintf(model, sizeof model, "%s/model", fixture);
    snprintf(cooc, sizeof cooc, "%s/cooccur", fixture);
    snprintf(table, sizeof table, "/tmp/glovev-abi-calibrate-%d.tsv", (int)getpid());
    gv_calibrate_options o;
    CHECK(gv_calibrate_options_default(&o) == GV_OK && o.size == (int32_t)sizeof o && o.replicates > 0 && o.level == 0.95,
          "calibrate defaults");
    int64_t edges[1] = {300};
    CHECK(o.samples == 0, "calibrate defaults: samples 0 (the default)");
    o.words_per_band = 4; o.replicates = 2; o.samples = 50; o.threads = 1;
    o.methods = 1 << GV_METHOD_DELTA; o.band_edges = edges; o.n_band_edges = 1;
    /* Draws with the delta method alone would be ignored: refused. */
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "samples"), "calibrate: samples with delta alone: %s", gv_last_error());
    o.samples = 0;
    /* A table over a file the study reads is refused before any work (the model stays readable). */
    char params[4096];
    snprintf(params, sizeof params, "%s/params.safetensors", model);
    CHECK(gv_calibrate(model, cooc, &o, params) == GV_ERR_INPUT && strstr(gv_last_error(), "params.safetensors"), "calibrate over its input: %s", gv_last_error());
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_OK, "calibrate: %s", gv_last_error());
    FILE* f = fopen(table, "r");
    int lines = 0; char line[4096];
    while (f && fgets(line, sizeof line, f)) lines++;
    if (f) fclose(f);
    remove(table);
    CHECK(lines == 1 + 2 * 3, "calibrate table: header + 2 bands x 3 statistics, got %d lines", lines);
    o.size = 8;
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "size"), "calibrate: wrong size");
    gv_calibrate_options_default(&o);
    o.methods = 64;
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_ERR_ARGUMENT, "calibrate: unknown method bit");
    gv_calibrate_options_default(&o);
    o.words_per_band = 1;
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_ERR_ARGUMENT, "calibrate: words_per_band 1");
    gv_calibrate_options_default(&o);
    o.threads = 100000;
    CHECK(gv_calibrate(model, cooc, &o, table) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "threads"), "calibrate: 100000 threads: %s", gv_last_error());
    CHECK(gv_bootstrap(model, "/tmp", NULL, NULL, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "train"), "bootstrap: NULL training settings: %s", gv_last_error());
    gv_bootstrap_options b; gv_train_options t;
    CHECK(gv_bootstrap_options_default(&b) == GV_OK && b.size == (int32_t)sizeof b && b.replicates > 0, "bootstrap defaults");
    CHECK(gv_train_options_run_default(&t) == GV_OK && t.dim == 50 && t.als_sweeps == 4, "run schedule defaults");
    b.replicates = 0; b.seed_replicates = 0;
    CHECK(gv_bootstrap(model, "/tmp", &b, &t, NULL) == GV_ERR_ARGUMENT, "bootstrap: nothing to do");
    gv_compare_uncertainty_options c;
    CHECK(gv_compare_uncertainty_options_default(&c) == GV_OK && c.size == (int32_t)sizeof c, "compare defaults");
    CHECK(gv_compare_uncertainty(model, fixture, &c, table, NULL) == GV_ERR_IO, "compare: not a bootstrap folder: %s", gv_last_error());
}

/* Pipeline options: the defaults calls give the core's defaults; a struct of another size is refused. Vector files:
 * a word2vec text file written here imports to a model whose vectors are the file's, and exports back (text and binary). */
static void test_pipeline_options_and_vector_files(void) {
    gv_vocab_options vo; gv_cooccur_options co; gv_variance_options va; gv_train_options to; gv_benchmark_options bo;
    CHECK(gv_vocab_options_default(&vo) == GV_OK && vo.size == (int32_t)sizeof vo && vo.min_count == 5 && vo.max_vocab == 0 && vo.flags == 0, "vocab defaults");
    CHECK(gv_cooccur_options_default(&co) == GV_OK && co.size == (int32_t)sizeof co && co.window == 10 && co.symmetric == 1 && co.distance_weighting == 1
          && co.memory_bytes == (int64_t)4 << 30, "cooccur defaults");
    CHECK(gv_variance_options_default(&va) == GV_OK && va.size == (int32_t)sizeof va && va.complete == 1 && va.refine == 0 && va.approx == 0.90, "variance defaults");
    CHECK(gv_train_options_default(&to) == GV_OK && to.size == (int32_t)sizeof to && to.dim == 100 && to.epochs == 25, "train defaults");
    CHECK(gv_benchmark_options_default(&bo) == GV_OK && bo.size == (int32_t)sizeof bo && bo.samples == 0 && bo.level == 0.95, "benchmark defaults");
    vo.size = 4;
    CHECK(gv_vocab_build("/nonexistent", "/tmp/x", &vo, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "gv_vocab_options"), "vocab options size: %s", gv_last_error());
    co.window = 0;
    CHECK(gv_cooccur("/nonexistent", "/nonexistent", "/tmp/x", &co, NULL) == GV_ERR_ARGUMENT, "cooccur window 0: %s", gv_last_error());
    /* Fields documented as 1 or 0 refuse other values; thread counts far beyond any machine are refused, not tried. */
    gv_cooccur_options_default(&co); co.symmetric = 2;
    CHECK(gv_cooccur("/nonexistent", "/nonexistent", "/tmp/x", &co, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "symmetric"), "cooccur symmetric 2: %s", gv_last_error());
    gv_cooccur_options_default(&co); co.threads = 100000;
    CHECK(gv_cooccur("/nonexistent", "/nonexistent", "/tmp/x", &co, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "threads"), "cooccur 100000 threads: %s", gv_last_error());
    va.complete = 5;
    CHECK(gv_variance("/nonexistent", "/nonexistent", "/tmp/x", &va, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "complete"), "variance complete 5: %s", gv_last_error());
    gv_variance_options_default(&va);
    vo.size = (int32_t)sizeof vo; vo.threads = 100000;
    CHECK(gv_vocab_build("/nonexistent", "/tmp/x", &vo, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "threads"), "vocab 100000 threads: %s", gv_last_error());
    gv_vocab_options_default(&vo);
    to.bias_eta = NAN;
    CHECK(gv_train("/x", "/x", "/x", &to, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "bias_eta"), "train bias_eta NaN: %s", gv_last_error());
    gv_train_options_default(&to);
    to.auto_tol = 0.5; /* the epochs_auto rule's setting without the rule would be ignored */
    CHECK(gv_train("/x", "/x", "/x", &to, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "auto_tol"), "train auto_tol without epochs_auto: %s", gv_last_error());
    gv_train_options_default(&to);
    CHECK(gv_train("", "/x", "/x", &to, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "cooccur_dir is an empty string"), "train empty path: %s", gv_last_error());
    to.seed = 0;
    CHECK(gv_train("/x", "/x", "/x", &to, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "seed"), "train seed 0: %s", gv_last_error());
    gv_train_options_default(&to);
    to.size = 0;
    CHECK(gv_train("/x", "/x", "/x", &to, NULL, NULL, NULL, NULL) == GV_ERR_ARGUMENT, "train options size 0");

    char txt[256], dir[256], back[256], bin[256];
    int pid = (int)getpid();
    snprintf(txt, sizeof txt, "/tmp/glovev-abi-%d.w2v.txt", pid); snprintf(dir, sizeof dir, "/tmp/glovev-abi-%d-model", pid);
    snprintf(back, sizeof back, "/tmp/glovev-abi-%d.back.txt", pid); snprintf(bin, sizeof bin, "/tmp/glovev-abi-%d.bin", pid);
    FILE* f = fopen(txt, "w");
    fprintf(f, "3 2\nalpha 0.5 -1.25\nbeta 3 4\ngamma 1e-3 0.1\n");
    fclose(f);
    int64_t n = 0;
    CHECK(gv_import_vectors(txt, GV_FORMAT_WORD2VEC_TEXT, dir, &n) == GV_OK && n == 3, "import: %s", gv_last_error());
    gv_model* m = NULL;
    CHECK(gv_model_open(dir, &m) == GV_OK, "open imported: %s", gv_last_error());
    double v[2];
    CHECK(m && gv_model_vector(m, "beta", v, 2) == GV_OK && v[0] == 3 && v[1] == 4, "imported vector");
    CHECK(m && gv_model_vector(m, "alpha", v, 2) == GV_OK && v[0] == 0.5 && v[1] == -1.25, "imported vector");
    gv_interval iv;
    CHECK(m && gv_similarity(m, "alpha", "beta", NULL, &iv) == GV_ERR_INPUT, "no covariance: an error by default");
    CHECK(m && gv_similarity(m, "alpha", "beta", QP(GV_METHOD_DELTA, 0, 0, 0, 1), &iv) == GV_OK && (iv.flags & GV_FLAG_NO_COVARIANCE)
          && fabs(iv.plugin - (0.5 * 3 - 1.25 * 4) / (sqrt(0.5 * 0.5 + 1.25 * 1.25) * 5)) < 1e-7, "held fixed: plug-in cosine, flagged");
    /* The core's not-identifiable warning: one text for every front door. */
    {
        const char* why[] = {"covers_range", "covers_range", "debiased_norm_not_positive"};
        char nb[512]; int64_t nneed = 0;
        CHECK(gv_not_identifiable_warning("neighbours", 3, 10, why, 3, nb, sizeof nb, &nneed) == GV_OK
              && !strncmp(nb, "3 of 10 neighbours not identifiable (covers_range, debiased_norm_not_positive): the data carry no information", 100)
              && nneed == (int64_t)strlen(nb) + 1, "not-identifiable warning, several: '%s'", nb);
        CHECK(gv_not_identifiable_warning("cos(a, b)", 1, 1, why, 1, nb, sizeof nb, NULL) == GV_OK
              && !strncmp(nb, "cos(a, b) not identifiable (covers_range): ", 43), "not-identifiable warning, one: '%s'", nb);
        CHECK(gv_not_identifiable_warning("x", 0, 4, NULL, 0, nb, sizeof nb, &nneed) == GV_OK && nb[0] == 0 && nneed == 1, "none: empty");
        CHECK(gv_not_identifiable_warning("x", 5, 4, NULL, 0, nb, sizeof nb, NULL) == GV_ERR_ARGUMENT, "bad > total");
        CHECK(gv_not_identifiable_warning(NULL, 1, 1, NULL, 0, nb, sizeof nb, NULL) == GV_ERR_ARGUMENT, "what NULL");
        CHECK(gv_not_identifiable_warning("x", 1, 1, NULL, 2, nb, sizeof nb, NULL) == GV_ERR_ARGUMENT, "reasons NULL with n > 0");
        const char* odd[] = {"not_a_reason"};
        CHECK(gv_not_identifiable_warning("x", 1, 1, odd, 1, nb, sizeof nb, NULL) == GV_ERR_ARGUMENT && strstr(gv_last_error(), "not_a_reason"),
              "an unknown reason name is refused: %s", gv_last_error());
    }
    /* Plain values: a model without variances has nothing to say about its words (every word lacks a covariance). */
    {
        const char* ws[] = {"alpha", "beta"};
        char wb[256]; int64_t wneed = -1;
        CHECK(m && gv_word_warnings(m, ws, 2, NULL, 0, &wneed) == GV_OK && wneed == 1, "plain warnings of an imported model: none (%lld bytes)", (long long)wneed);
        CHECK(m && gv_word_warnings(m, ws, 2, wb, sizeof wb, NULL) == GV_OK && wb[0] == 0, "plain warnings: empty string");
        CHECK(m && gv_word_warnings(m, NULL, 1, wb, sizeof wb, NULL) == GV_ERR_ARGUMENT, "plain warnings: NULL words");
        CHECK(m && gv_word_warnings(m, ws, -1, wb, sizeof wb, NULL) == GV_ERR_ARGUMENT, "plain warnings: negative count");
        CHECK(gv_word_warnings((gv_model*)0x1234, ws, 2, wb, sizeof wb, NULL) == GV_ERR_HANDLE, "plain warnings: forged handle");
    }
    if (m) gv_model_free(m);
    CHECK(gv_export_vectors(dir, GV_FORMAT_WORD2VEC_BINARY, bin, &n) == GV_OK && n == 3, "export binary: %s", gv_last_error());
    char dir2[300]; snprintf(dir2, sizeof dir2, "%s2", dir);
    CHECK(gv_import_vectors(bin, GV_FORMAT_WORD2VEC_BINARY, dir2, &n) == GV_OK && n == 3, "re-import binary: %s", gv_last_error());
    CHECK(gv_export_vectors(dir2, GV_FORMAT_GLOVE_TEXT, back, &n) == GV_OK, "export glove text: %s", gv_last_error());
    f = fopen(back, "r"); char line[256] = {0};
    if (f) { if (!fgets(line, sizeof line, f)) line[0] = 0; fclose(f); }
    CHECK(!strcmp(line, "alpha 0.5 -1.25\n"), "glove text round trip: '%s'", line);
    f = fopen(txt, "w"); fprintf(f, "2 2\nalpha 0.5 -1.25\nbeta 3\n"); fclose(f);
    CHECK(gv_import_vectors(txt, GV_FORMAT_WORD2VEC_TEXT, dir, NULL) == GV_ERR_INPUT && strstr(gv_last_error(), ":3:"), "ragged row named with its line: %s", gv_last_error());
    CHECK(gv_import_vectors(txt, 9, dir, NULL) == GV_ERR_ARGUMENT, "unknown format");
    char cmd[1024]; snprintf(cmd, sizeof cmd, "rm -rf %s %s %s %s %s", txt, dir, dir2, back, bin);
    if (system(cmd) != 0) printf("cleanup failed\n");
}

int main(int argc, char** argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]); return 2; }
    test_version();
    test_pipeline_options_and_vector_files();
    test_spd_inverse();
    test_model(argv[1]);
    test_matrix(argv[1]);
    test_hostile_inputs(argv[1]);
    test_parity(argv[1]);
    test_studies(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
