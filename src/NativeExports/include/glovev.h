/*
 * glovev.h — C ABI of libglovev: GloVe word embeddings with GloVe-V statistical uncertainty.
 *
 * Conventions (every function):
 *   - returns an int status: GV_OK (0) or a GV_ERR_* code; on error gv_last_error() describes it.
 *   - never lets an error escape as a crash: NULL pointers, freed or forged handles, short buffers, bad sizes and
 *     bad input files all return a status.
 *   - strings are UTF-8, NUL-terminated, owned by the caller (inputs) or copied into caller buffers (outputs).
 *   - output arrays are caller-owned with an explicit length in elements; a short buffer gives GV_ERR_BUFFER.
 *   - handles (gv_model*, gv_matrix*) are opaque; free each exactly once with its gv_*_free. A freed handle is
 *     detected (GV_ERR_HANDLE), never dereferenced.
 * Thread safety: every function may be called from any thread. Queries on one model handle may run concurrently;
 * freeing a handle must not race with calls that use it. gv_last_error() is per thread.
 */
#ifndef GLOVEV_H
#define GLOVEV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GV_OK 0
#define GV_ERR_ARGUMENT 1   /* NULL pointer, negative or out-of-range argument */
#define GV_ERR_INPUT 2      /* bad input data: malformed file, unknown word, size mismatch */
#define GV_ERR_IO 3         /* file or folder missing / unreadable / unwritable */
#define GV_ERR_BUFFER 4     /* caller's buffer too small (the needed size is reported where a size pointer exists) */
#define GV_ERR_HANDLE 5     /* NULL, freed or wrong-kind handle */
#define GV_ERR_CANCELLED 6  /* cancelled through a flag or callback */
#define GV_ERR_INTERNAL 7   /* a bug: please report with gv_last_error() */

/* Tokenizer flags (gv_vocab_build, gv_cooccur). 0 = GloVe C's whitespace tokens. */
#define GV_LOWERCASE 1
#define GV_SPLIT_PUNCTUATION 2
#define GV_REPLACE_INVALID_UTF8 4

/* Interval methods (names, defaults and meanings as in the CLI, Python and R: gv_interval_defaults, gv_method_name). */
#define GV_METHOD_DELTA 0       /* the paper's first-order delta method at the plug-in vectors (draws nothing: samples and
                                   seed must be 0) */
#define GV_METHOD_SAMPLE 1      /* the paper's method of composition: mean and percentiles of draws w ~ N(w_hat, Sigma) */
#define GV_METHOD_CALIBRATED 2  /* the default: noise-debiased estimate, studentized parametric-bootstrap interval,
                                   GV_STATUS_NOT_IDENTIFIABLE where the data carry no information */
/* Result status (the .status field). */
#define GV_STATUS_OK 0
#define GV_STATUS_NOT_IDENTIFIABLE 1  /* lo/hi are NaN: a debiased squared norm <= 0, or the interval covers most of the range */
/* Per-word reliability flags (the .flags field: OR over the words involved). */
#define GV_FLAG_NO_COVARIANCE 1   /* a word has no covariance and was held fixed (hold_fixed != 0) */
#define GV_FLAG_NOISY 2           /* a word's noise ratio tr(Sigma)/|w|^2 >= 1 */
#define GV_FLAG_NOT_CONVERGED 4   /* a word's cos(trained, WLS) < 0.9 */
#define GV_FLAG_APPROXIMATED 8    /* approximate != 0 and a word's compact covariance drops part of the complete one
                                     (or the variance folder does not record how much) */
#define GV_FLAG_UNCALIBRATED 16   /* the exact-model coverage studies show this method under-covering at these words'
                                     noise ratios (>= 0.5): the 'sample' method for any statistic, every method for
                                     relative norm distance; the CLI and bindings print the measured coverage */

typedef struct gv_model gv_model;
typedef struct gv_matrix gv_matrix;

/* ---- library ---------------------------------------------------------------------------------------------- */

/* The ABI major version this header describes: it changes whenever a signature or struct layout changes
 * incompatibly. A binding compares it with gv_abi_version's *abi_major at load and refuses another one. */
#define GV_ABI_MAJOR 1

/* Version string (static storage; do not free). */
const char* gv_version(void);
/* The library's version triple and ABI major ([out], each may be NULL). */
int gv_abi_version(int32_t* major, int32_t* minor, int32_t* patch, int32_t* abi_major);
/* Message of the last failed call on this thread ("" after a success). Valid until the next call on this thread. */
const char* gv_last_error(void);
/* BLAS/LAPACK backend, SIMD level and instruction set. buf may be NULL with cap 0 to query *needed (bytes incl. NUL). */
int gv_blas_backend(char* buf, int64_t cap, int64_t* needed);
/* Inverse of a symmetric positive definite n x n matrix through the BLAS backend (Cholesky). out holds n*n. */
int gv_spd_inverse(const double* a, int64_t n, double* out, int64_t out_len);

/* ---- pipeline --------------------------------------------------------------------------------------------- */

/* Counts words of a corpus and writes GloVe C's vocab.txt. threads <= 0: all cores. */
int gv_vocab_build(const char* corpus, const char* out_path, int64_t min_count, int64_t max_vocab, int32_t flags,
                   int32_t threads, int64_t* vocab_size);

/* Co-occurrence counts into out_dir (cooccurrence.bin in GloVe C format + cooccurrence.csr.safetensors).
 * memory_bytes <= 0: 4 GiB. flags must match those used for the vocabulary. */
int gv_cooccur(const char* corpus, const char* vocab_path, const char* out_dir, int32_t window, int32_t symmetric,
               int32_t distance_weighting, int64_t memory_bytes, int32_t threads, int32_t flags, int64_t* nonzeros);

typedef struct gv_train_options {
    int32_t dim, epochs, threads, checkpoint_every;
    double eta, x_max, alpha, grad_clip;
    double bias_eta;  /* <= 0: GloVe C's bias update (no learning rate) */
    uint64_t seed;
    int32_t resume;
    int32_t epochs_auto;  /* non-zero: AdaGrad stops once the cost changes by less than auto_tol per epoch and the median
                             cos(trained, WLS) of frequent words reaches auto_cos; epochs is then the maximum */
    int32_t als_sweeps;   /* alternating least-squares sweeps after the epochs (0 = none; epochs may then be 0) */
    int32_t reserved;     /* must be 0 */
    double als_tol;       /* ALS stops once a sweep lowers the objective by less than this fraction */
    double ridge;         /* ridge lambda on the vectors in the ALS solves (>= 0; needs als_sweeps > 0) */
    double auto_tol, auto_cos;  /* the epochs_auto rule */
    const char* init_from;      /* NULL, or with epochs = 0: a model folder whose parameters start the ALS sweeps */
} gv_train_options;

/* Fills the defaults (dim 100, 25 epochs, eta 0.05, x_max 100, alpha 0.75, clip 100, seed 1, no ALS, als_tol 1e-4,
 * ridge 0, auto_tol 0.002, auto_cos 0.99, init_from NULL). */
int gv_train_options_default(gv_train_options* options);

/* Fills the schedule of `glovev run` and `glovev bootstrap` (dim 50, 10 AdaGrad epochs, 4 ALS sweeps, ridge 0.3; the
 * rest as gv_train_options_default). */
int gv_train_options_run_default(gv_train_options* options);

/* Called after every AdaGrad epoch (epoch = 1..epochs) and after every ALS sweep (epoch = -k, epochs = -N for sweep
 * k of N); return non-zero to cancel. */
typedef int (*gv_progress_fn)(int32_t epoch, int32_t epochs, double cost, void* user);

/* Trains a model into out_dir (params.safetensors, vectors.safetensors, vocab.txt). progress and cancel_flag may be
 * NULL; setting *cancel_flag to non-zero from any thread stops training with GV_ERR_CANCELLED. */
int gv_train(const char* cooccur_dir, const char* vocab_path, const char* out_dir, const gv_train_options* options,
             gv_progress_fn progress, void* user, const volatile int32_t* cancel_flag, double* final_cost);

/* GloVe-V covariances of a model into out_dir (NULL: model_dir/variances). approx: reconstruction target of the
 * compact form (0 = none); complete: also write full D x D chunks; refine: residuals at the WLS solution. */
int gv_variance(const char* model_dir, const char* cooccur_dir, const char* out_dir, int32_t threads, double approx,
                int32_t complete, int32_t refine, int64_t* words_done);

/* ---- distributed stages: shards k = 1..N and their merges (each output folder appears complete or not at all) ---- */

/* Counts shard k of n (a contiguous range of lines) into part_dir as a sorted partial. */
int gv_cooccur_shard(const char* corpus, const char* vocab_path, const char* part_dir, int32_t window, int32_t symmetric,
                     int32_t distance_weighting, int64_t memory_bytes, int32_t threads, int32_t flags, int32_t shard,
                     int32_t shards, int64_t* pairs);
/* Merges all shards 1..n into out_dir: the same (byte-identical) matrix a single gv_cooccur produces. */
int gv_merge_cooccur(const char* out_dir, const char* vocab_path, const char* const* parts, int64_t n, int64_t* nonzeros);
/* Variances of shard k of n: a slice of the words balanced by cost (|K_i| D^2 + D^3). */
int gv_variance_shard(const char* model_dir, const char* cooccur_dir, const char* out_dir, int32_t threads, double approx,
                      int32_t complete, int32_t refine, int32_t shard, int32_t shards, int64_t* words_done);
/* Joins variance shards into one variance folder. */
int gv_merge_variances(const char* out_dir, const char* const* parts, int64_t n, int64_t* words);

/* ---- checks of one's own corpus: calibrate, document bootstrap, compare-uncertainty (README, "How far to trust
 * the intervals") ---------------------------------------------------------------------------------------------- */

/* Options of gv_calibrate. Fill with gv_calibrate_options_default, then change fields.
 *   size            [in] sizeof(gv_calibrate_options), set by the defaults call (a mismatch is GV_ERR_ARGUMENT)
 *   words_per_band  words sampled per frequency band (>= 2; default 40)
 *   replicates      simulated corpora (>= 1; default 25)
 *   samples         draws of the drawing methods (>= 2; default 1000)
 *   threads         worker threads (<= 0: all cores)
 *   methods         bit mask of 1 << GV_METHOD_* to score (0: all three)
 *   seed, level     random seed; confidence level in (0, 1) (default 0.95)
 *   band_edges      upper frequency ranks (1-based, increasing) of the bands, n_band_edges of them; NULL/0: 300, 1000,
 *                   3000, 10000 (the last band is every rank above the last edge). Not owned by the library. */
typedef struct gv_calibrate_options {
    int32_t size, words_per_band, replicates, samples, threads, methods;
    uint64_t seed;
    double level;
    const int64_t* band_edges;
    int64_t n_band_edges;
} gv_calibrate_options;

/* Fills *options with the core's defaults. */
int gv_calibrate_options_default(gv_calibrate_options* options);

/* Coverage of the interval methods when GloVe-V's model holds with the fitted parameters of model_dir (params.safetensors,
 * vocab.txt) and its co-occurrence folder cooccur_dir: per band, statistic (cosine_neighbour, cosine_random, difference)
 * and method, the coverage of the fitted truth, its Monte Carlo standard error, the median width and the share of
 * not-identifiable answers, written as tab-separated values with a header to table_path (atomically; columns: band,
 * rank_from, rank_to, words, median_noise_ratio, median_dof, statistic, method, intervals, coverage, coverage_se,
 * median_width, not_identifiable; NA where undefined). */
int gv_calibrate(const char* model_dir, const char* cooccur_dir, const gv_calibrate_options* options, const char* table_path);

/* Options of gv_bootstrap. Fill with gv_bootstrap_options_default, then change fields.
 *   size             [in] sizeof(gv_bootstrap_options), set by the defaults call
 *   replicates       document-bootstrap replicates (lines resampled with replacement; default 8)
 *   seed_replicates  seed-only replicates on the original corpus (default 0)
 *   window           context window (default 10)
 *   flags            GV_LOWERCASE | GV_SPLIT_PUNCTUATION | GV_REPLACE_INVALID_UTF8 (default: the first two, as glovev run)
 *   shard, shards    do only the replicate jobs j (1-based, bootstrap then seed-only) with j = shard mod shards; 0/0: all
 *   reserved         must be 0
 *   min_count        vocabulary cut-off when vocab_path is NULL (default 5)
 *   memory_bytes     co-occurrence budget (<= 0: 2 GiB)
 *   seed             seeds the resampling; replicate r trains with train->seed + r (seed-only: + 1000 + r)
 *   vocab_path       NULL, or a vocab.txt to keep fixed (a model's, to compare with it). Not owned by the library. */
typedef struct gv_bootstrap_options {
    int32_t size, replicates, seed_replicates, window, flags, shard, shards, reserved;
    int64_t min_count, memory_bytes;
    uint64_t seed;
    const char* vocab_path;
} gv_bootstrap_options;

/* Fills *options with the core's defaults. */
int gv_bootstrap_options_default(gv_bootstrap_options* options);

/* Trains the replicates into out_dir (bootstrap.json, vocab.txt, replicates/boot_NNNN.safetensors and seed_NNNN...,
 * each written atomically) with the training settings *train (gv_train_options_default, then the run's settings).
 * A rerun with the same settings resumes at the next missing replicate; other settings are GV_ERR_ARGUMENT.
 * *trained (may be NULL) receives how many replicates this call trained. */
int gv_bootstrap(const char* corpus, const char* out_dir, const gv_bootstrap_options* options, const gv_train_options* train,
                 int32_t* trained);

/* Options of gv_compare_uncertainty: size (set by the defaults call), pairs_per_band (>= 2; default 80), seed of the
 * word sample, band_edges / n_band_edges as in gv_calibrate_options. */
typedef struct gv_compare_uncertainty_options {
    int32_t size, pairs_per_band;
    uint64_t seed;
    const int64_t* band_edges;
    int64_t n_band_edges;
} gv_compare_uncertainty_options;

/* Fills *options with the core's defaults. */
int gv_compare_uncertainty_options_default(gv_compare_uncertainty_options* options);

/* GloVe-V's SD of cos(word, nearest neighbour) (delta method) against its SD over the bootstrap folder's replicates
 * (trained with the model's vocabulary) and over its seed-only replicates, by frequency band. Writes the band table to
 * bands_path (columns: band, rank_from, rank_to, pairs, dropped, median_glovev_sd, median_bootstrap_sd, median_seed_sd,
 * median_ratio_glovev_bootstrap, median_ratio_glovev_seed, median_ratio_seed_bootstrap, pearson_glovev_bootstrap,
 * spearman_glovev_bootstrap; a last row "all") and, when pairs_path is not NULL, one row per pair (band, a, b, rank_a,
 * cosine, glovev_sd, bootstrap_sd, seed_sd, bootstrap_replicates, seed_replicates); tab-separated with a header, NA where
 * undefined. */
int gv_compare_uncertainty(const char* model_dir, const char* bootstrap_dir, const gv_compare_uncertainty_options* options,
                           const char* bands_path, const char* pairs_path);

/* ---- co-occurrence matrix (memory-mapped) ----------------------------------------------------------------- */

/* Opens cooccur_dir's CSR (memory-mapped, read-only) and checks it against vocab_path (same size and vocabulary hash).
 * *out [out] receives the handle; free it with gv_matrix_free. */
int gv_matrix_open(const char* cooccur_dir, const char* vocab_path, gv_matrix** out);
/* Frees a matrix handle (unmaps the file). A freed or NULL handle is GV_ERR_HANDLE. */
int gv_matrix_free(gv_matrix* m);
/* [out] rows (= vocabulary size) and stored non-zeros; either pointer may be NULL. */
int gv_matrix_shape(gv_matrix* m, int64_t* rows, int64_t* nonzeros);
/* Row i: 0-based column ids and values. *len gets the row length; cols = vals = NULL with cap 0 is a size query. */
int gv_matrix_row(gv_matrix* m, int64_t i, int32_t* cols, double* vals, int64_t cap, int64_t* len);

/* ---- model -------------------------------------------------------------------------------------------------- */

/* Opens a model folder: vocab.txt, params.safetensors or vectors.safetensors, and variances/ when present. */
int gv_model_open(const char* dir, gv_model** out);
/* Frees a model handle (closes its files). A freed or NULL handle is GV_ERR_HANDLE. */
int gv_model_free(gv_model* m);
/* [out] vocabulary size, dimension D, and whether covariances were found (1) or not (0); each may be NULL. */
int gv_model_shape(gv_model* m, int64_t* vocab_size, int64_t* dim, int32_t* has_variances);
/* What the variance stage found about GloVe-V's premise for this model (words off their WLS optimum, an unconverged
 * model, pseudo-inverses): newline-separated sentences, "" when none or without variances. Bindings show them as
 * warnings when a model is opened. buf may be NULL with cap 0 to query *needed (bytes incl. NUL). */
int gv_model_warnings(gv_model* m, char* buf, int64_t cap, int64_t* needed);

/* Word at a 0-based index; buf may be NULL with cap 0 to query *needed (bytes incl. NUL). */
int gv_model_word(gv_model* m, int64_t index, char* buf, int64_t cap, int64_t* needed);
/* The core's warning lines for a result with these flags (GV_FLAG_*, e.g. a gv_interval's) over these words: "unreliable
 * words: 'w': ...; ..." and, with GV_FLAG_UNCALIBRATED, the caveat; "\n"-separated, "" when flags is 0. Words the model
 * lacks are skipped. approximate: as the query was run. buf may be NULL with cap 0 to query *needed (bytes incl. NUL).
 * Bindings print these lines instead of composing their own, so every front door says the same. */
int gv_result_warnings(gv_model* m, const char* const* words, int64_t n, int32_t flags, int32_t approximate, char* buf,
                       int64_t cap, int64_t* needed);
/* [out] *index: the word's 0-based index; a word the model lacks is GV_ERR_INPUT. */
int gv_model_index(gv_model* m, const char* word, int64_t* index);
/* Centre vector of a word: out holds dim doubles. */
int gv_model_vector(gv_model* m, const char* word, double* out, int64_t len);
/* [out] *has: 1 when the word has a GloVe-V covariance (|K| > D and computed), else 0. */
int gv_model_has_covariance(gv_model* m, const char* word, int32_t* has);
/* GloVe-V covariance (row-major dim x dim); approximate != 0 reads the compact form. */
int gv_model_covariance(gv_model* m, const char* word, int32_t approximate, double* out, int64_t len);

/* ---- uncertainty-aware queries ---------------------------------------------------------------------------- */

/* estimate: the centre the interval is built around (plug-in for delta, mean of draws for sample, debiased value for
 * calibrated); plugin: the statistic at the trained vectors; mean: mean of draws (else the estimate); p_value: test of
 * statistic = 0; status: GV_STATUS_*; flags: GV_FLAG_* over the words involved. */
typedef struct gv_interval { double estimate, plugin, mean, sd, lo, hi, p_value; int32_t method, status, flags, reserved; } gv_interval;
typedef struct gv_difference { double diff, plugin, sd, lo, hi, z, p_value; int32_t method, status, flags, reserved; } gv_difference;
typedef struct gv_neighbour { int64_t index; double cosine, estimate, mean, sd, lo, hi, p_top_k, p_differs_from_next; int32_t status, flags; } gv_neighbour;
/* One word's reliability (variance_info.tsv): contexts |K| (-1 unknown), dof |K| - D, noise ratio, cos(trained, WLS). */
typedef struct gv_reliability { int64_t contexts, dof; double noise_ratio, cos_trained_wls; int32_t has_covariance, flags; } gv_reliability;
typedef struct gv_defaults { int32_t method, reserved; int64_t samples; uint64_t seed; double level; } gv_defaults;

/* The core's defaults (method, samples, seed, level): the ones 0 arguments stand for. */
int gv_interval_defaults(gv_defaults* out);
/* Name of a method ("delta", "sample", "calibrated"); buf may be NULL with cap 0 to query *needed. */
int gv_method_name(int32_t method, char* buf, int64_t cap, int64_t* needed);
/* Method of a name (also "composition"). */
int gv_method_parse(const char* name, int32_t* method);
/* [out] *out: the word's reliability (contexts, dof, noise ratio, cos(trained, WLS), has_covariance, GV_FLAG_* flags). */
int gv_word_reliability(gv_model* m, const char* word, gv_reliability* out);
/* A benchmark correlation's uncertainty: each of `replicates` replicates resamples the pairs (bootstrap) and draws the
 * vectors w ~ N(w_hat, Sigma); sd is the sd of those joint replicates and [lo, hi] = estimate -+ z sd (it contains the
 * estimate). sd_pairs: pairs resampled at the trained vectors; sd_noise: vector draws on all pairs; noise_shift: mean
 * over those draws minus the estimate (embedding noise attenuates a correlation). */
typedef struct gv_correlation { double estimate, sd, lo, hi, sd_pairs, sd_noise, noise_shift, level; int64_t replicates; } gv_correlation;
/* words: distinct words in the used pairs; flagged_words: of those, how many carry a GV_FLAG_* warning.
 * spearman_p, pearson_p: two-sided p-values of "no correlation" at the trained vectors (t with used - 2 degrees of
 * freedom, as scipy and gensim compute them; NaN below 3 pairs); they ignore the embedding noise the intervals carry. */
typedef struct gv_benchmark {
    int64_t pairs, used, oov, words, flagged_words;
    double spearman, pearson;
    gv_correlation spearman_ci, pearson_ci;
    double spearman_p, pearson_p;
} gv_benchmark;
/* Paired comparison A - B on the pairs both models cover: the same pair resamples for both models, vector draws
 * independent per model; p_value = 2 Phi(-|diff| / sd). */
typedef struct gv_benchmark_comparison {
    int64_t pairs, replicates;
    double spearman_a, spearman_b, diff, sd, lo, hi, p_value, sd_pairs, sd_noise, level;
    int32_t flags_a, flags_b;
} gv_benchmark_comparison;
/* WEAT: statistic S, effect size, one-sided permutation p = (g + 1)/(n + 1) over `permutations` re-partitions (all of
 * them when exact != 0); intervals of the effect size and of S by the chosen method. */
typedef struct gv_weat_result {
    double statistic, effect_size, p_value;
    int64_t permutations; int32_t exact, reserved;
    gv_interval effect_size_ci, statistic_ci;
} gv_weat_result;
/* RND: value (plug-in), z = ci.estimate / ci.sd and p_value = ci.p_value (test of RND = 0), both from ci. */
typedef struct gv_rnd_result { double value, z, p_value; int64_t neutral; gv_interval ci; } gv_rnd_result;
/* Difference of two bias scores on one model (first lists minus second): ci.estimate is the difference's centre,
 * ci.p_value the test of equal scores; words the lists share enter once. */
typedef struct gv_bias_difference { double first, second; gv_interval ci; } gv_bias_difference;
/* What a neighbour search drew: candidates of searched words (the vocabulary less the query) were drawn jointly with
 * the query in each of `draws` draws; omitted_bound bounds the expected number of top-k places the words left out take,
 * so each true p_top_k lies in [p_top_k - omitted_bound, p_top_k]. */
typedef struct gv_neighbour_search { int64_t candidates, searched, draws; double omitted_bound; } gv_neighbour_search;

/* Cosine similarity of a and b with an interval. level 0, samples 0, seed 0: the defaults; GV_METHOD_DELTA takes
 * neither samples nor seed (GV_ERR_ARGUMENT otherwise). A word without a covariance is an error (GV_ERR_INPUT) unless
 * hold_fixed != 0, which treats it as exact and sets GV_FLAG_NO_COVARIANCE. */
int gv_similarity(gv_model* m, const char* a, const char* b, int32_t method, double level, int64_t samples, uint64_t seed,
                  int32_t hold_fixed, gv_interval* out);
/* Test of cos(a,b) - cos(c,d) = 0; shared words enter once (combined gradient / joint draws). */
int gv_compare(gv_model* m, const char* a, const char* b, const char* c, const char* d, int32_t method, double level,
               int64_t samples, uint64_t seed, int32_t hold_fixed, gv_difference* out);
/* Top-k neighbours with intervals and P(truly in the top k) over the whole vocabulary (which always draws:
 * samples/seed are used with every method). out holds cap >= k entries; *count gets the number written; search (may be
 * NULL) gets what was drawn and the bound on the words left out (gv_neighbour_search). */
int gv_neighbours(gv_model* m, const char* word, int64_t k, int32_t method, double level, int64_t samples, uint64_t seed,
                  int32_t hold_fixed, gv_neighbour* out, int64_t cap, int64_t* count, gv_neighbour_search* search);
/* Word-similarity benchmark file (word1 word2 score): Spearman/Pearson with intervals that combine a bootstrap over the
 * pairs with the embedding noise (gv_correlation). samples (replicates), seed, level: 0 = the defaults. A word without a
 * covariance is an error unless hold_fixed != 0. */
int gv_evaluate(gv_model* m, const char* benchmark_path, int64_t samples, uint64_t seed, double level, int32_t hold_fixed,
                gv_benchmark* out);
/* Paired comparison of models a and b on one benchmark (gv_benchmark_comparison). */
int gv_evaluate_compare(gv_model* a, gv_model* b, const char* benchmark_path, int64_t samples, uint64_t seed, double level,
                        int32_t hold_fixed, gv_benchmark_comparison* out);
/* WEAT (Caliskan et al. 2017). x, y: target lists; a, b: attribute lists (unknown words are skipped; a list left with
 * fewer than 2 words is GV_ERR_INPUT). permutations >= 1. method, level, samples, seed, hold_fixed: as gv_similarity;
 * approximate != 0 uses the compact covariances (GV_FLAG_APPROXIMATED says one drops part of its covariance). */
int gv_weat(gv_model* m, const char* const* x, int64_t nx, const char* const* y, int64_t ny, const char* const* a, int64_t na,
            const char* const* b, int64_t nb, int64_t permutations, int32_t method, double level, int64_t samples,
            uint64_t seed, int32_t hold_fixed, int32_t approximate, gv_weat_result* out);
/* Relative norm distance (Garg et al. 2018) with an interval and a test of RND = 0; arguments as gv_weat. */
int gv_rnd(gv_model* m, const char* const* group1, int64_t n1, const char* const* group2, int64_t n2,
           const char* const* neutral, int64_t nn, int32_t method, double level, int64_t samples, uint64_t seed,
           int32_t hold_fixed, int32_t approximate, gv_rnd_result* out);
/* WEAT effect size with the first lists minus that with the second (the paper's third experiment). first, second: 4
 * word arrays each (X, Y, A, B); first_counts, second_counts: their 4 lengths. Other arguments as gv_weat. */
int gv_weat_difference(gv_model* m, const char* const* const* first, const int64_t* first_counts,
                       const char* const* const* second, const int64_t* second_counts, int32_t method, double level,
                       int64_t samples, uint64_t seed, int32_t hold_fixed, int32_t approximate, gv_bias_difference* out);
/* RND with the first lists minus RND with the second: 3 word arrays each (GROUP1, GROUP2, NEUTRAL). */
int gv_rnd_difference(gv_model* m, const char* const* const* first, const int64_t* first_counts,
                      const char* const* const* second, const int64_t* second_counts, int32_t method, double level,
                      int64_t samples, uint64_t seed, int32_t hold_fixed, int32_t approximate, gv_bias_difference* out);

#ifdef __cplusplus
}
#endif
#endif /* GLOVEV_H */
