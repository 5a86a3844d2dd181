/*
 * glovev.h — C ABI of libglovev: GloVe word embeddings with GloVe-V statistical uncertainty.
 *
 * Conventions (every function):
 *   - returns an int status: GV_OK (0) or a GV_ERR_* code; on error gv_last_error() describes it.
 *   - never lets an error escape as a crash: NULL pointers, freed or forged handles, short buffers, bad sizes and
 *     bad input files all return a status.
 *   - strings are UTF-8, NUL-terminated, owned by the caller (inputs) or copied into caller buffers (outputs).
 *   - output arrays are caller-owned. `cap` is always the capacity of a caller buffer in elements (bytes for char
 *     buffers, including the NUL); the length written or needed comes back through a separate [out] pointer
 *     (`needed`, `count`, `len`). A buffer shorter than needed gives GV_ERR_BUFFER and writes nothing.
 *   - handles (gv_model*, gv_matrix*) are opaque; free each exactly once with its gv_*_free. A freed handle is
 *     detected (GV_ERR_HANDLE), never dereferenced.
 *   - calls with more than a few settings take an options struct: fill it with its gv_*_options_default call, then
 *     change fields. Its `size` field (set by the defaults call) is checked: a struct from another ABI is GV_ERR_ARGUMENT.
 *     Defaults are the core's, the same in the CLI, Python and R.
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
#define GV_ERR_ARGUMENT 1   /* NULL pointer, negative or out-of-range argument, options struct of another size */
#define GV_ERR_INPUT 2      /* bad input data: malformed file, unknown word, size mismatch */
#define GV_ERR_IO 3         /* file or folder missing / unreadable / unwritable */
#define GV_ERR_BUFFER 4     /* caller's buffer too small (the needed size is reported where a size pointer exists); a
                               negative capacity is GV_ERR_ARGUMENT, in every function */
#define GV_ERR_HANDLE 5     /* NULL, freed or wrong-kind handle */
#define GV_ERR_CANCELLED 6  /* cancelled through a flag or callback */
#define GV_ERR_INTERNAL 7   /* a bug: please report with gv_last_error() */

/* Tokenizer flags (gv_vocab_options, gv_cooccur_options). 0 = GloVe C's whitespace tokens. */
#define GV_LOWERCASE 1
#define GV_SPLIT_PUNCTUATION 2
#define GV_REPLACE_INVALID_UTF8 4

/* Interval methods (names, defaults and meanings as in the CLI, Python and R: gv_interval_defaults, gv_method_name).
 * No method is 0: a 0 method field of gv_query_options means the default (GV_METHOD_CALIBRATED), like its other 0
 * fields, so a zeroed struct never selects a method by accident. */
#define GV_METHOD_DELTA 1       /* the paper's first-order delta method at the plug-in vectors (draws nothing: samples and
                                   seed must be 0) */
#define GV_METHOD_SAMPLE 2      /* the paper's method of composition: percentiles of draws w ~ N(w_hat, Sigma), centred on their median */
#define GV_METHOD_CALIBRATED 3  /* the default: noise-debiased estimate (cosines and RND: shifted by the bootstrap's median
                                   error), studentized parametric-bootstrap interval,
                                   GV_STATUS_NOT_IDENTIFIABLE where the data carry no information */
/* Result status (the .status field). */
#define GV_STATUS_OK 0
#define GV_STATUS_NOT_IDENTIFIABLE 1  /* lo/hi are NaN: a debiased squared norm <= 0, or the interval covers most of the range */
/* Why a result is GV_STATUS_NOT_IDENTIFIABLE (gv_interval.reason, gv_difference.reason; names from gv_reason_name). */
#define GV_REASON_NONE 0                        /* the status is GV_STATUS_OK */
#define GV_REASON_DEBIASED_NORM_NOT_POSITIVE 1  /* a debiased squared norm |w|^2 - tr(Sigma) (or squared distance) is <= 0 */
#define GV_REASON_BOOTSTRAP_UNDEFINED 2         /* fewer than half of the calibrated bootstrap replicates are defined */
#define GV_REASON_QUANTILE_INFINITE 3           /* the bootstrap quantile of the studentized error is infinite */
#define GV_REASON_COVERS_RANGE 4                /* the interval, clipped to the statistic's range, covers most of it */
#define GV_REASON_SINGULAR_WITHOUT_RIDGE 5      /* a ridge model's word with singular H_i: no un-shrunk estimate */
/* Per-word reliability flags (the .flags field: OR over the words involved). */
#define GV_FLAG_NO_COVARIANCE 1   /* a word has no covariance (in a query's result: it was held fixed, hold_fixed != 0;
                                     in gv_word_reliability: its noise is unknown) */
#define GV_FLAG_NOISY 2           /* a word's noise ratio tr(Sigma)/|w|^2 >= 1 */
#define GV_FLAG_NOT_CONVERGED 4   /* a word's cos(trained, WLS) < 0.9 */
#define GV_FLAG_APPROXIMATED 8    /* compact covariances were read (approximate != 0, or the variance folder holds no
                                     complete ones) and a word's drops part of the complete one (or the folder does not
                                     record how much) */
#define GV_FLAG_UNCALIBRATED 16   /* the exact-model coverage studies show this method under-covering at these words'
                                     noise ratios (>= 0.5): the 'sample' method for any statistic, 'delta' and 'sample'
                                     for relative norm distance; the CLI and bindings print the measured coverage */
#define GV_FLAG_OMITTED_BOUND 32  /* a neighbour search: the words left out of the draws may take more than the core's
                                     tolerance of top-k places (gv_neighbour_search.omitted_bound) */
#define GV_FLAG_LEFT_OUT_ABOVE 64 /* a neighbour search without hold_fixed: words without a covariance beat this
                                     neighbour by plug-in cosine and were left out (their uncertainty is unknown) */

/* Vector file formats (gv_import_vectors, gv_export_vectors). */
#define GV_FORMAT_WORD2VEC_TEXT 1    /* word2vec / gensim text: a "V D" header line, then "word x1 ... xD" per line */
#define GV_FORMAT_WORD2VEC_BINARY 2  /* word2vec / gensim binary: a "V D\n" header, then "word " and D little-endian
                                        float32 per word (a newline after each vector is accepted on import) */
#define GV_FORMAT_GLOVE_TEXT 3       /* GloVe's vectors.txt layout (e.g. glove.6B.100d.txt): "word x1 ... xD" per line, no
                                        header. On export: the centre vectors the queries use (the CLI's `export --format
                                        glove-txt` writes GloVe C's W + C from params.safetensors by default instead) */

typedef struct gv_model gv_model;
typedef struct gv_matrix gv_matrix;

/* ---- library ---------------------------------------------------------------------------------------------- */

/* The ABI major version this header describes: it changes whenever a signature or struct layout changes
 * incompatibly, or a constant's meaning does (4: GV_METHOD_* renumbered so that no method is 0; 5: gv_benchmark_options
 * gained approximate and reserved, 40 bytes). A binding compares it with gv_abi_version's *abi_major at load and refuses
 * another one. */
#define GV_ABI_MAJOR 5

/* Version string of the library, e.g. "0.9.0".
 * \return a NUL-terminated string in static storage (do not free); never NULL. */
const char* gv_version(void);

/* The library's version triple and ABI major.
 * \param[out] major      major version (may be NULL)
 * \param[out] minor      minor version (may be NULL)
 * \param[out] patch      patch version (may be NULL)
 * \param[out] abi_major  the ABI major the library implements; compare it with GV_ABI_MAJOR (may be NULL)
 * \return GV_OK. */
int gv_abi_version(int32_t* major, int32_t* minor, int32_t* patch, int32_t* abi_major);

/* Message of the last failed call on this thread ("" after a success).
 * \return a NUL-terminated string owned by the library, valid until the next call on this thread; never NULL. */
const char* gv_last_error(void);

/* BLAS/LAPACK backend, SIMD level and instruction set the library runs with (as `glovev --version` prints).
 * \param[out] buf     buffer for the NUL-terminated text; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes the text needs including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_BUFFER when cap is too small. */
int gv_blas_backend(char* buf, int64_t cap, int64_t* needed);

/* ---- pipeline --------------------------------------------------------------------------------------------- */

/* Options of gv_vocab_build (fill with gv_vocab_options_default).
 *   size       sizeof(gv_vocab_options), set by the defaults call
 *   flags      GV_LOWERCASE | GV_SPLIT_PUNCTUATION | GV_REPLACE_INVALID_UTF8 (default 0: GloVe C's whitespace tokens)
 *   threads    worker threads (<= 0: all cores; default 0)
 *   min_count  words seen fewer times are dropped (>= 1; default 5)
 *   reserved   must be 0
 *   max_vocab  keep at most this many words, most frequent first (0: no limit; default 0) */
typedef struct gv_vocab_options {
    int32_t size, flags, threads, reserved;
    int64_t min_count, max_vocab;
} gv_vocab_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_vocab_options_default(gv_vocab_options* options);

/* Counts the words of a corpus and writes GloVe C's vocab.txt ("word count" per line, most frequent first) and its
 * companion vocab.txt.tokenizer (the tokenisation, which gv_cooccur then checks).
 * \param[in]  corpus      corpus file (plain text or .gz; one document per line)
 * \param[in]  out_path    vocab.txt to write (atomically)
 * \param[in]  options     settings (gv_vocab_options_default); NULL: the defaults
 * \param[out] vocab_size  number of words written (may be NULL)
 * \return GV_OK; GV_ERR_IO for an unreadable corpus or unwritable out_path; GV_ERR_ARGUMENT for bad options. */
int gv_vocab_build(const char* corpus, const char* out_path, const gv_vocab_options* options, int64_t* vocab_size);

/* Options of gv_cooccur and gv_cooccur_shard (fill with gv_cooccur_options_default).
 *   size                sizeof(gv_cooccur_options), set by the defaults call
 *   window              context window in words on each side (1..20; default 10)
 *   symmetric           count left and right contexts (1, default) or left only (0)
 *   distance_weighting  weight a pair by 1/distance as GloVe C does (1, default) or count 1 (0)
 *   flags               tokenisation; it must match the vocabulary's vocab.txt.tokenizer record when there is one
 *                       (a mismatch is GV_ERR_ARGUMENT); default 0
 *   threads             worker threads (<= 0: all cores; default 0)
 *   memory_bytes        budget of the whole counting process in bytes (<= 0: 4 GiB; default 4 GiB); a budget below the
 *                       minimum for this vocabulary is GV_ERR_ARGUMENT with the minimum in the message */
typedef struct gv_cooccur_options {
    int32_t size, window, symmetric, distance_weighting, flags, threads;
    int64_t memory_bytes;
} gv_cooccur_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_cooccur_options_default(gv_cooccur_options* options);

/* Co-occurrence counts into out_dir: cooccurrence.bin (GloVe C's format) and cooccurrence.csr.safetensors.
 * The folder appears complete or not at all.
 * \param[in]  corpus      corpus file (plain text or .gz)
 * \param[in]  vocab_path  vocab.txt (gv_vocab_build, or GloVe C's vocab_count)
 * \param[in]  out_dir     output folder (created; replaced atomically)
 * \param[in]  options     settings (gv_cooccur_options_default); NULL: the defaults
 * \param[out] nonzeros    stored non-zeros (may be NULL)
 * \return GV_OK; GV_ERR_IO, GV_ERR_INPUT (malformed vocabulary), GV_ERR_ARGUMENT (bad options or budget). */
int gv_cooccur(const char* corpus, const char* vocab_path, const char* out_dir, const gv_cooccur_options* options,
               int64_t* nonzeros);

/* Options of gv_train (fill with gv_train_options_default or gv_train_options_run_default).
 *   size              sizeof(gv_train_options), set by the defaults calls
 *   dim               vector dimension D (default 100)
 *   epochs            AdaGrad passes over the non-zeros (default 25; with epochs_auto: the maximum; 0 with ALS sweeps)
 *   threads           worker threads (<= 0: all cores)
 *   checkpoint_every  write a resumable checkpoint every this many epochs (0: never)
 *   resume            non-zero: continue from out_dir's checkpoint
 *   eta, x_max, alpha AdaGrad learning rate (0.05), weighting cut-off x_max (100) and exponent alpha (0.75)
 *   grad_clip         gradient components are clipped at +-grad_clip (100, as GloVe C)
 *   bias_eta          <= 0: GloVe C's bias update (no learning rate); > 0: a learning rate for the biases
 *   seed              random seed of the initial vectors and the shuffles (default 1; >= 1, 0 is refused: unlike the
 *                     query options, 0 does not stand for the default here)
 *   epochs_auto       non-zero: AdaGrad stops once the cost changes by less than auto_tol per epoch and the median
 *                     cos(trained, WLS) of frequent words reaches auto_cos
 *   als_sweeps        alternating least-squares sweeps after the epochs (0 = none)
 *   als_tol           ALS stops once a sweep lowers the objective by less than this fraction (1e-4)
 *   ridge             ridge lambda on the vectors in the ALS solves (>= 0; needs als_sweeps > 0)
 *   auto_tol, auto_cos the epochs_auto rule (0.002, 0.99)
 *   init_from         NULL, or with epochs = 0: a model folder whose parameters start the ALS sweeps (not owned) */
typedef struct gv_train_options {
    int32_t size, dim, epochs, threads, checkpoint_every, resume;
    double eta, x_max, alpha, grad_clip;
    double bias_eta;
    uint64_t seed;
    int32_t epochs_auto, als_sweeps;
    double als_tol, ridge;
    double auto_tol, auto_cos;
    const char* init_from;
} gv_train_options;

/* Fills *options with the core's training defaults (dim 100, 25 epochs, eta 0.05, x_max 100, alpha 0.75, clip 100,
 * seed 1, no ALS, als_tol 1e-4, ridge 0, auto_tol 0.002, auto_cos 0.99, init_from NULL).
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_train_options_default(gv_train_options* options);

/* Fills *options with the schedule of `glovev run` and `glovev bootstrap` (dim 50, 10 AdaGrad epochs, 4 ALS sweeps,
 * ridge 0.3; the rest as gv_train_options_default).
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_train_options_run_default(gv_train_options* options);

/* Progress callback of gv_train: called after every AdaGrad epoch (epoch = 1..epochs) and after every ALS sweep
 * (epoch = -k, epochs = -N for sweep k of N) with the cost; user is gv_train's user pointer. Return non-zero to
 * cancel (gv_train then returns GV_ERR_CANCELLED). It must not call gv_train itself. */
typedef int (*gv_progress_fn)(int32_t epoch, int32_t epochs, double cost, void* user);

/* Trains a model into out_dir (params.safetensors, vectors.safetensors, vocab.txt; replaced atomically).
 * \param[in]  cooccur_dir  co-occurrence folder (gv_cooccur)
 * \param[in]  vocab_path   the vocab.txt the counts were made with (checked by its hash)
 * \param[in]  out_dir      model folder to write
 * \param[in]  options      settings (gv_train_options_default); not NULL
 * \param[in]  progress     callback after every epoch and sweep (may be NULL)
 * \param[in]  user         passed to progress unchanged (may be NULL)
 * \param[in]  cancel_flag  setting *cancel_flag to non-zero from any thread stops training (may be NULL)
 * \param[out] final_cost   the last epoch's or sweep's cost (may be NULL)
 * \return GV_OK; GV_ERR_CANCELLED; GV_ERR_ARGUMENT (bad options); GV_ERR_IO; GV_ERR_INPUT (inputs that do not match). */
int gv_train(const char* cooccur_dir, const char* vocab_path, const char* out_dir, const gv_train_options* options,
             gv_progress_fn progress, void* user, const volatile int32_t* cancel_flag, double* final_cost);

/* Options of gv_variance and gv_variance_shard (fill with gv_variance_options_default).
 *   size      sizeof(gv_variance_options), set by the defaults call
 *   threads   worker threads (<= 0: all cores)
 *   complete  also write the complete D x D covariances (1, default)
 *   refine    compute residuals at each word's WLS solution instead of the trained vector (0, default)
 *   approx    reconstruction target of the compact (eigen-truncated) form in (0, 1]; 0 = no compact form (0.90) */
typedef struct gv_variance_options {
    int32_t size, threads, complete, refine;
    double approx;
} gv_variance_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_variance_options_default(gv_variance_options* options);

/* GloVe-V covariances of a model: per word with |K_i| > D, Sigma_i = sigma_i^2 (sum_j f(X_ij) c_j c_j^T)^-1
 * (with the model's ridge: + lambda I), written as chunks with variance_info.tsv and variance_summary.json.
 * \param[in]  model_dir    model folder (gv_train)
 * \param[in]  cooccur_dir  its co-occurrence folder
 * \param[in]  out_dir      output folder; NULL: model_dir/variances
 * \param[in]  options      settings (gv_variance_options_default); NULL: the defaults
 * \param[out] words_done   words that got a covariance (may be NULL)
 * \return GV_OK; GV_ERR_IO; GV_ERR_INPUT (model and counts that do not match); GV_ERR_ARGUMENT. */
int gv_variance(const char* model_dir, const char* cooccur_dir, const char* out_dir, const gv_variance_options* options,
                int64_t* words_done);

/* ---- distributed stages: shards k = 1..N and their merges (each output folder appears complete or not at all) ---- */

/* Counts shard k of n (a contiguous range of lines) into part_dir as a sorted partial.
 * \param[in]  corpus      corpus file
 * \param[in]  vocab_path  vocab.txt
 * \param[in]  part_dir    partial's folder to write
 * \param[in]  options     settings as gv_cooccur (NULL: the defaults)
 * \param[in]  shard       this shard, 1..shards
 * \param[in]  shards      number of shards (>= 1)
 * \param[out] pairs       pairs in this partial (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (shard out of range, bad options); GV_ERR_IO. */
int gv_cooccur_shard(const char* corpus, const char* vocab_path, const char* part_dir, const gv_cooccur_options* options,
                     int32_t shard, int32_t shards, int64_t* pairs);

/* Merges shards 1..n into out_dir: the same (byte-identical) matrix a single gv_cooccur produces.
 * \param[in]  out_dir     co-occurrence folder to write
 * \param[in]  vocab_path  the vocab.txt the shards were counted with
 * \param[in]  parts       n partial folders (gv_cooccur_shard), all shards of one count
 * \param[in]  n           number of parts
 * \param[out] nonzeros    stored non-zeros (may be NULL)
 * \return GV_OK; GV_ERR_INPUT (missing, repeated or foreign shards); GV_ERR_IO. */
int gv_merge_cooccur(const char* out_dir, const char* vocab_path, const char* const* parts, int64_t n, int64_t* nonzeros);

/* Variances of shard k of n: a slice of the words balanced by cost (|K_i| D^2 + D^3).
 * \param[in]  model_dir    model folder
 * \param[in]  cooccur_dir  its co-occurrence folder
 * \param[in]  out_dir      the shard's variance folder to write
 * \param[in]  options      settings as gv_variance (NULL: the defaults)
 * \param[in]  shard        this shard, 1..shards
 * \param[in]  shards       number of shards (>= 1)
 * \param[out] words_done   words of this shard that got a covariance (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT; GV_ERR_IO; GV_ERR_INPUT. */
int gv_variance_shard(const char* model_dir, const char* cooccur_dir, const char* out_dir, const gv_variance_options* options,
                      int32_t shard, int32_t shards, int64_t* words_done);

/* Joins variance shards into one variance folder.
 * \param[in]  out_dir  variance folder to write
 * \param[in]  parts    n shard folders (gv_variance_shard) of one model
 * \param[in]  n        number of parts
 * \param[out] words    words with a covariance in the merged folder (may be NULL)
 * \return GV_OK; GV_ERR_INPUT (missing or mismatched shards); GV_ERR_IO. */
int gv_merge_variances(const char* out_dir, const char* const* parts, int64_t n, int64_t* words);

/* ---- vectors in other tools' formats (gensim, word2vec, GloVe) ------------------------------------------------ */

/* Reads a vector file and writes it as a model folder (vocab.txt, vectors.safetensors with the file's float32
 * values) that gv_model_open opens. Such a model has no context vectors, biases or covariances: its queries need
 * hold_fixed until variances exist. vocab.txt keeps the file's word order; its counts are not in these formats, so
 * every count is written as 1 and the folder's vectors.safetensors records "counts: unknown".
 * \param[in]  path     vector file (GV_FORMAT_*)
 * \param[in]  format   GV_FORMAT_WORD2VEC_TEXT, GV_FORMAT_WORD2VEC_BINARY or GV_FORMAT_GLOVE_TEXT
 * \param[in]  out_dir  model folder to write (replaced atomically)
 * \param[out] words    words read (may be NULL)
 * \return GV_OK; GV_ERR_INPUT with the file and line for malformed files (a ragged row, a repeated word, a short
 *         binary record, non-finite values); GV_ERR_IO; GV_ERR_ARGUMENT for an unknown format. */
int gv_import_vectors(const char* path, int32_t format, const char* out_dir, int64_t* words);

/* Writes a model's centre vectors (the ones its queries use) to a vector file, atomically.
 * \param[in]  model_dir  model folder
 * \param[in]  format     GV_FORMAT_WORD2VEC_TEXT, GV_FORMAT_WORD2VEC_BINARY or GV_FORMAT_GLOVE_TEXT
 * \param[in]  path       file to write
 * \param[out] words      words written (may be NULL)
 * \return GV_OK; GV_ERR_IO; GV_ERR_ARGUMENT for an unknown format. */
int gv_export_vectors(const char* model_dir, int32_t format, const char* path, int64_t* words);

/* ---- checks of one's own corpus: calibrate, document bootstrap, compare-uncertainty (README, "How far to trust
 * the intervals") ---------------------------------------------------------------------------------------------- */

/* Options of gv_calibrate. Fill with gv_calibrate_options_default, then change fields.
 *   size            sizeof(gv_calibrate_options), set by the defaults call
 *   words_per_band  words sampled per frequency band (>= 2; default 40)
 *   replicates      simulated corpora (>= 1; default 25)
 *   samples         draws of the drawing methods (>= 2); 0 = the default (1000); refused with GV_METHOD_DELTA alone
 *   threads         worker threads (<= 0: all cores)
 *   methods         bit mask of 1 << GV_METHOD_* to score (0: all three)
 *   seed, level     random seed (it picks the words and simulated data too; >= 1, 0 is refused); confidence level in
 *                   (0, 1) (default 0.95)
 *   band_edges      upper frequency ranks (1-based, increasing) of the bands, n_band_edges of them; NULL/0: 300, 1000,
 *                   3000, 10000 (the last band is every rank above the last edge). Not owned by the library. */
typedef struct gv_calibrate_options {
    int32_t size, words_per_band, replicates, samples, threads, methods;
    uint64_t seed;
    double level;
    const int64_t* band_edges;
    int64_t n_band_edges;
} gv_calibrate_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_calibrate_options_default(gv_calibrate_options* options);

/* Coverage of the interval methods when GloVe-V's model holds with the fitted parameters of a model: per band,
 * statistic (cosine_neighbour, cosine_random, difference) and method, the coverage of the fitted truth, its Monte
 * Carlo standard error, the median width and the share of not-identifiable answers.
 * \param[in] model_dir    model folder (params.safetensors, vocab.txt)
 * \param[in] cooccur_dir  its co-occurrence folder
 * \param[in] options      settings (gv_calibrate_options_default); NULL: the defaults
 * \param[in] table_path   tab-separated table to write atomically, with a header (columns: band, rank_from, rank_to,
 *                         words, median_noise_ratio, median_dof, statistic, method, intervals, coverage, coverage_se,
 *                         median_width, not_identifiable; NA where undefined)
 * \return GV_OK; GV_ERR_ARGUMENT; GV_ERR_IO; GV_ERR_INPUT. */
int gv_calibrate(const char* model_dir, const char* cooccur_dir, const gv_calibrate_options* options, const char* table_path);

/* Options of gv_bootstrap. Fill with gv_bootstrap_options_default, then change fields.
 *   size             sizeof(gv_bootstrap_options), set by the defaults call
 *   replicates       document-bootstrap replicates (lines resampled with replacement; default 8)
 *   seed_replicates  seed-only replicates on the original corpus (default 0)
 *   window           context window (default 10)
 *   flags            GV_LOWERCASE | GV_SPLIT_PUNCTUATION | GV_REPLACE_INVALID_UTF8 (default: the first two, as glovev run)
 *   shard, shards    do only the replicate jobs j (1-based, bootstrap then seed-only) with j = shard mod shards; 0/0: all
 *   reserved         must be 0
 *   min_count        vocabulary cut-off when vocab_path is NULL; 0 = the default (5); refused with vocab_path
 *   memory_bytes     co-occurrence budget (<= 0: 2 GiB)
 *   seed             seeds the resampling (>= 1); replicate r trains with train->seed + r (seed-only: + 1000 + r)
 *   vocab_path       NULL, or a vocab.txt to keep fixed (a model's, to compare with it). Not owned by the library. */
typedef struct gv_bootstrap_options {
    int32_t size, replicates, seed_replicates, window, flags, shard, shards, reserved;
    int64_t min_count, memory_bytes;
    uint64_t seed;
    const char* vocab_path;
} gv_bootstrap_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_bootstrap_options_default(gv_bootstrap_options* options);

/* Trains document-bootstrap and seed-only replicates into out_dir (bootstrap.json, vocab.txt,
 * replicates/boot_NNNN.safetensors and seed_NNNN..., each written atomically). A rerun with the same settings
 * resumes at the next missing replicate; other settings are GV_ERR_ARGUMENT.
 * \param[in]  corpus   corpus file
 * \param[in]  out_dir  bootstrap folder
 * \param[in]  options  settings (gv_bootstrap_options_default); NULL: the defaults
 * \param[in]  train    training settings of every replicate (gv_train_options_run_default, then the run's settings);
 *                      not NULL
 * \param[out] trained  replicates this call trained (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT; GV_ERR_IO; GV_ERR_INPUT. */
int gv_bootstrap(const char* corpus, const char* out_dir, const gv_bootstrap_options* options, const gv_train_options* train,
                 int32_t* trained);

/* Options of gv_compare_uncertainty.
 *   size            sizeof(gv_compare_uncertainty_options), set by the defaults call
 *   pairs_per_band  pairs sampled per band (>= 2; default 80)
 *   seed            seed of the word sample (>= 1)
 *   band_edges, n_band_edges  as in gv_calibrate_options */
typedef struct gv_compare_uncertainty_options {
    int32_t size, pairs_per_band;
    uint64_t seed;
    const int64_t* band_edges;
    int64_t n_band_edges;
} gv_compare_uncertainty_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_compare_uncertainty_options_default(gv_compare_uncertainty_options* options);

/* GloVe-V's SD of cos(word, nearest neighbour) (delta method) against its SD over a bootstrap folder's replicates
 * (trained with the model's vocabulary) and over its seed-only replicates, by frequency band.
 * \param[in] model_dir      model folder with variances
 * \param[in] bootstrap_dir  bootstrap folder (gv_bootstrap) trained with the model's vocabulary
 * \param[in] options        settings (gv_compare_uncertainty_options_default); NULL: the defaults
 * \param[in] bands_path     band table to write (columns: band, rank_from, rank_to, pairs, dropped, median_glovev_sd,
 *                           median_bootstrap_sd, median_seed_sd, median_ratio_glovev_bootstrap, median_ratio_glovev_seed,
 *                           median_ratio_seed_bootstrap, pearson_glovev_bootstrap, spearman_glovev_bootstrap; a last
 *                           row "all"); tab-separated with a header, NA where undefined
 * \param[in] pairs_path     NULL, or a file for one row per pair (band, a, b, rank_a, cosine, glovev_sd, bootstrap_sd,
 *                           seed_sd, bootstrap_replicates, seed_replicates)
 * \return GV_OK; GV_ERR_ARGUMENT; GV_ERR_IO; GV_ERR_INPUT (a bootstrap of another vocabulary). */
int gv_compare_uncertainty(const char* model_dir, const char* bootstrap_dir, const gv_compare_uncertainty_options* options,
                           const char* bands_path, const char* pairs_path);

/* ---- co-occurrence matrix (memory-mapped) ----------------------------------------------------------------- */

/* Opens a co-occurrence folder's CSR (memory-mapped, read-only) and checks it against a vocabulary.
 * \param[in]  cooccur_dir  co-occurrence folder
 * \param[in]  vocab_path   its vocab.txt (same size and vocabulary hash)
 * \param[out] out          the handle; free it with gv_matrix_free
 * \return GV_OK; GV_ERR_IO; GV_ERR_INPUT (another vocabulary). */
int gv_matrix_open(const char* cooccur_dir, const char* vocab_path, gv_matrix** out);

/* Frees a matrix handle (unmaps the file).
 * \param[in] m  the handle
 * \return GV_OK; GV_ERR_HANDLE for a freed or NULL handle. */
int gv_matrix_free(gv_matrix* m);

/* The matrix's shape.
 * \param[in]  m         the handle
 * \param[out] rows      rows (= vocabulary size; may be NULL)
 * \param[out] nonzeros  stored non-zeros (may be NULL)
 * \return GV_OK; GV_ERR_HANDLE. */
int gv_matrix_shape(gv_matrix* m, int64_t* rows, int64_t* nonzeros);

/* Row i: 0-based column ids (increasing) and values X_ij.
 * \param[in]  m     the handle
 * \param[in]  i     0-based row
 * \param[out] cols  column ids; cols = vals = NULL with cap 0 is a size query
 * \param[out] vals  values
 * \param[in]  cap   capacity of cols and of vals in elements
 * \param[out] len   the row's length (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (row out of range); GV_ERR_BUFFER (cap < *len). */
int gv_matrix_row(gv_matrix* m, int64_t i, int32_t* cols, double* vals, int64_t cap, int64_t* len);

/* ---- model -------------------------------------------------------------------------------------------------- */

/* Opens a model folder: vocab.txt, params.safetensors or vectors.safetensors, and variances/ when present.
 * \param[in]  dir  model folder
 * \param[out] out  the handle; free it with gv_model_free
 * \return GV_OK; GV_ERR_IO; GV_ERR_INPUT (files that do not match). */
int gv_model_open(const char* dir, gv_model** out);

/* Frees a model handle (closes its files).
 * \param[in] m  the handle
 * \return GV_OK; GV_ERR_HANDLE for a freed or NULL handle. */
int gv_model_free(gv_model* m);

/* The model's shape.
 * \param[in]  m              the handle
 * \param[out] vocab_size     vocabulary size V (may be NULL)
 * \param[out] dim            dimension D (may be NULL)
 * \param[out] has_variances  1 when covariances were found, else 0 (may be NULL)
 * \return GV_OK; GV_ERR_HANDLE. */
int gv_model_shape(gv_model* m, int64_t* vocab_size, int64_t* dim, int32_t* has_variances);

/* What the variance stage found about GloVe-V's premise for this model (words off their WLS optimum, an unconverged
 * model, pseudo-inverses): newline-separated sentences, "" when none or without variances. Bindings show them as
 * warnings when a model is opened.
 * \param[in]  m       the handle
 * \param[out] buf     buffer for the text; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE. */
int gv_model_warnings(gv_model* m, char* buf, int64_t cap, int64_t* needed);

/* The word at a 0-based index.
 * \param[in]  m       the handle
 * \param[in]  index   0-based index, 0..V-1
 * \param[out] buf     buffer for the word; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (index out of range); GV_ERR_BUFFER. */
int gv_model_word(gv_model* m, int64_t index, char* buf, int64_t cap, int64_t* needed);

/* All words in index order, NUL-separated: word 0, NUL, word 1, NUL, ... (one call instead of V gv_model_word calls).
 * \param[in]  m       the handle
 * \param[out] buf     buffer; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed (the sum of the words' UTF-8 lengths + V; may be NULL)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE. */
int gv_model_words(gv_model* m, char* buf, int64_t cap, int64_t* needed);

/* The core's warning lines for a result with these flags over these words: "unreliable words: 'w': ...; ..." and,
 * with GV_FLAG_UNCALIBRATED or GV_FLAG_OMITTED_BOUND, the caveat; "\n"-separated, "" when flags is 0. Bindings print
 * these lines instead of composing their own, so every front door says the same.
 * \param[in]  m            the handle
 * \param[in]  words        the result's words (words the model lacks are skipped)
 * \param[in]  n            number of words
 * \param[in]  flags        the result's GV_FLAG_* flags (e.g. a gv_interval's .flags)
 * \param[in]  approximate  as the query was run (gv_query_options.approximate)
 * \param[out] buf          buffer for the text; may be NULL with cap 0 (size query)
 * \param[in]  cap          capacity of buf in bytes
 * \param[out] needed       bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE. */
int gv_result_warnings(gv_model* m, const char* const* words, int64_t n, int32_t flags, int32_t approximate, char* buf,
                       int64_t cap, int64_t* needed);

/* The core's warning lines for a plain value at these words (a cosine, distance or neighbour list of the trained
 * vectors, without an interval): "unreliable words: 'w': ..." naming each word's own flags (no covariance: its noise
 * is unknown; noise ratio >= 1; cos(trained, WLS) < 0.9; a compact covariance that drops part of the complete one, where
 * the variance folder holds only compact ones), "\n"-separated, "" when no word is flagged or the model has
 * no variances (imported vectors: no word has a covariance, which says nothing about a plain value). Unlike
 * gv_result_warnings, no word is described as held fixed: a plain value uses no covariance.
 * \param[in]  m       the handle
 * \param[in]  words   the words (words the model lacks are skipped)
 * \param[in]  n       number of words
 * \param[out] buf     buffer for the text; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE; GV_ERR_ARGUMENT (words or a words[i] NULL, n < 0, buf NULL with cap > 0). */
int gv_word_warnings(gv_model* m, const char* const* words, int64_t n, char* buf, int64_t cap, int64_t* needed);

/* The core's warning for results that are not identifiable (GV_STATUS_NOT_IDENTIFIABLE): "cos(a, b) not identifiable
 * (covers_range): the data carry no information ..." for one result, "3 of 10 neighbours not identifiable (...): ..."
 * for several; "" when bad is 0. Bindings warn with this text instead of composing their own.
 * \param[in]  what     what the results are, e.g. "cos(war, peace)" or "neighbours" (UTF-8, not NULL)
 * \param[in]  bad      how many of them are not identifiable (0..total)
 * \param[in]  total    how many results there are
 * \param[in]  reasons  the reason names of those results (gv_reason_name); repeats are named once; may be NULL with n 0
 * \param[in]  n        number of reasons
 * \param[out] buf      buffer for the text; may be NULL with cap 0 (size query)
 * \param[in]  cap      capacity of buf in bytes
 * \param[out] needed   bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_ARGUMENT (what NULL, bad outside 0..total, reasons NULL with n > 0, n < 0). */
int gv_not_identifiable_warning(const char* what, int64_t bad, int64_t total, const char* const* reasons, int64_t n,
                                char* buf, int64_t cap, int64_t* needed);

/* A word's index.
 * \param[in]  m      the handle
 * \param[in]  word   the word
 * \param[out] index  its 0-based index (not NULL)
 * \return GV_OK; GV_ERR_INPUT when the model lacks the word. */
int gv_model_index(gv_model* m, const char* word, int64_t* index);

/* A word's centre vector.
 * \param[in]  m     the handle
 * \param[in]  word  the word
 * \param[out] out   D doubles
 * \param[in]  cap   capacity of out in elements (>= D)
 * \return GV_OK; GV_ERR_INPUT (unknown word); GV_ERR_BUFFER. */
int gv_model_vector(gv_model* m, const char* word, double* out, int64_t cap);

/* All centre vectors, row-major V x D (row i is word i), in one call.
 * \param[in]  m    the handle
 * \param[out] out  V * D doubles
 * \param[in]  cap  capacity of out in elements (>= V * D)
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE. */
int gv_model_vectors(gv_model* m, double* out, int64_t cap);

/* Whether a word has a GloVe-V covariance.
 * \param[in]  m     the handle
 * \param[in]  word  the word
 * \param[out] has   1 when it has one (|K| > D and computed), else 0 (not NULL)
 * \return GV_OK; GV_ERR_INPUT (unknown word). */
int gv_model_has_covariance(gv_model* m, const char* word, int32_t* has);

/* A word's GloVe-V covariance, row-major D x D.
 * \param[in]  m            the handle
 * \param[in]  word         the word
 * \param[in]  approximate  non-zero: the compact form (the complete one otherwise)
 * \param[out] out          D * D doubles
 * \param[in]  cap          capacity of out in elements (>= D * D)
 * \return GV_OK; GV_ERR_INPUT (unknown word, or no covariance); GV_ERR_BUFFER. */
int gv_model_covariance(gv_model* m, const char* word, int32_t approximate, double* out, int64_t cap);

/* ---- uncertainty-aware queries ---------------------------------------------------------------------------- */

/* estimate: the centre the interval is built around (plug-in for delta, median of draws for sample, debiased value for
 * calibrated, which for a cosine, a sum or difference of cosines and a relative norm distance is also centred by the
 * median error of its bootstrap); plugin: the statistic at the trained vectors; mean: mean of draws (else the estimate); sd; [lo, hi];
 * p_value: test of statistic = 0; method: GV_METHOD_*; status: GV_STATUS_*; flags: GV_FLAG_* over the words involved;
 * reason: GV_REASON_* (why the status is not GV_STATUS_OK; GV_REASON_NONE when it is). */
typedef struct gv_interval { double estimate, plugin, mean, sd, lo, hi, p_value; int32_t method, status, flags, reason; } gv_interval;
/* A difference of two statistics: diff (the centre), plugin, sd, [lo, hi], z = diff / sd, p_value of "equal";
 * method, status, flags, reason as gv_interval. */
typedef struct gv_difference { double diff, plugin, sd, lo, hi, z, p_value; int32_t method, status, flags, reason; } gv_difference;
/* A neighbour: its index, plug-in cosine, interval of the cosine (estimate, mean, sd, lo, hi), P(truly in the top k),
 * P(its cosine differs from the next one's); status, flags, reason as gv_interval. */
typedef struct gv_neighbour { int64_t index; double cosine, estimate, mean, sd, lo, hi, p_top_k, p_differs_from_next; int32_t status, flags, reason; } gv_neighbour;
/* One word's reliability (variance_info.tsv): contexts |K| (-1 unknown), dof |K| - D, noise ratio tr(Sigma)/|w|^2,
 * cos(trained, WLS), has_covariance (0/1), flags (GV_FLAG_*). */
typedef struct gv_reliability { int64_t contexts, dof; double noise_ratio, cos_trained_wls; int32_t has_covariance, flags; } gv_reliability;
/* The core's defaults: method, samples, seed, level; permutations of WEAT; omitted_tolerance: the largest
 * gv_neighbour_search.omitted_bound accepted without GV_FLAG_OMITTED_BOUND. */
typedef struct gv_defaults { int32_t method, reserved; int64_t samples; uint64_t seed; double level; int64_t permutations; double omitted_tolerance; } gv_defaults;

/* Settings of every uncertainty-aware query (fill with gv_query_options_default).
 *   size         sizeof(gv_query_options), set by the defaults call
 *   method       GV_METHOD_*; 0 = the default (GV_METHOD_CALIBRATED)
 *   level        confidence level in (0, 1); 0 = the default (0.95)
 *   samples      draws of the drawing methods; 0 = the default (1000). GV_METHOD_DELTA draws nothing: it must be 0
 *   seed         random seed of the draws; 0 = the default (1). GV_METHOD_DELTA: must be 0
 *   hold_fixed   0 (default): a word without a covariance is an error (GV_ERR_INPUT); non-zero: it is treated as exact
 *                and the result carries GV_FLAG_NO_COVARIANCE
 *   approximate  non-zero: use the compact covariances (the result carries GV_FLAG_APPROXIMATED where one drops part of
 *                its covariance); default 0 */
typedef struct gv_query_options {
    int32_t size, method;
    double level;
    int64_t samples;
    uint64_t seed;
    int32_t hold_fixed, approximate;
} gv_query_options;

/* Fills *options with the core's defaults (method calibrated, level 0.95; samples, seed, hold_fixed and approximate
 * 0: samples and seed then take the defaults of gv_interval_defaults).
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_query_options_default(gv_query_options* options);

/* The core's defaults: what the 0 fields of gv_query_options stand for.
 * \param[out] out  the defaults (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when out is NULL. */
int gv_interval_defaults(gv_defaults* out);

/* Name of a method ("delta", "sample", "calibrated").
 * \param[in]  method  GV_METHOD_*
 * \param[out] buf     buffer for the name; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (unknown method); GV_ERR_BUFFER. */
int gv_method_name(int32_t method, char* buf, int64_t cap, int64_t* needed);

/* Name of a result status ("ok", "not_identifiable"), as the CLI's JSON and the bindings print it.
 * \param[in]  status  GV_STATUS_*
 * \param[out] buf     buffer for the name; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (unknown status); GV_ERR_BUFFER. */
int gv_status_name(int32_t status, char* buf, int64_t cap, int64_t* needed);

/* Name of a not-identifiable reason ("none", "debiased_norm_not_positive", "bootstrap_undefined",
 * "quantile_infinite", "covers_range", "singular_without_ridge"), as the CLI's JSON and the bindings print it.
 * \param[in]  reason  GV_REASON_*
 * \param[out] buf     buffer for the name; may be NULL with cap 0 (size query)
 * \param[in]  cap     capacity of buf in bytes
 * \param[out] needed  bytes needed including the NUL (may be NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (unknown reason); GV_ERR_BUFFER. */
int gv_reason_name(int32_t reason, char* buf, int64_t cap, int64_t* needed);

/* Method of a name ("delta", "sample" or "composition", "calibrated").
 * \param[in]  name    the name
 * \param[out] method  GV_METHOD_* (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT (unknown name, listing the known ones). */
int gv_method_parse(const char* name, int32_t* method);

/* A word's reliability.
 * \param[in]  m     the handle
 * \param[in]  word  the word
 * \param[out] out   contexts, dof, noise ratio, cos(trained, WLS), has_covariance, GV_FLAG_* flags (not NULL)
 * \return GV_OK; GV_ERR_INPUT (unknown word). */
int gv_word_reliability(gv_model* m, const char* word, gv_reliability* out);

/* The words whose reliability a benchmark's result rests on: the distinct words of the pairs in benchmark_path that
 * the model covers, in order of first use (gv_benchmark.words of them), each followed by a NUL, as gv_model_words.
 * Pass each to gv_word_reliability for its status.
 * \param[in]  m               the handle
 * \param[in]  benchmark_path  the benchmark file, as given to gv_evaluate
 * \param[out] buf             buffer; may be NULL with cap 0 (size query)
 * \param[in]  cap             capacity of buf in bytes
 * \param[out] needed          bytes needed (may be NULL); 1 when no pair is covered
 * \return GV_OK; GV_ERR_BUFFER; GV_ERR_HANDLE; GV_ERR_ARGUMENT; GV_ERR_IO (file missing); GV_ERR_INPUT (malformed line). */
int gv_benchmark_words(gv_model* m, const char* benchmark_path, char* buf, int64_t cap, int64_t* needed);

/* A benchmark correlation's uncertainty: each of `replicates` replicates resamples the pairs (bootstrap) and draws the
 * vectors w ~ N(w_hat, Sigma); sd is the sd of those joint replicates and [lo, hi] = estimate -+ z sd (it contains the
 * estimate). sd_pairs: pairs resampled at the trained vectors; sd_noise: vector draws on all pairs; noise_shift: mean
 * over those draws minus the estimate (embedding noise attenuates a correlation). */
typedef struct gv_correlation { double estimate, sd, lo, hi, sd_pairs, sd_noise, noise_shift, level; int64_t replicates; } gv_correlation;
/* pairs in the file, used (both words known), oov; words: distinct words in the used pairs; flagged_words: of those,
 * how many carry a GV_FLAG_* warning. spearman_p, pearson_p: two-sided p-values of "no correlation" at the trained
 * vectors (t with used - 2 degrees of freedom, as scipy and gensim compute them; NaN below 3 pairs); they ignore the
 * embedding noise the intervals carry. */
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
/* RND: value (plug-in), z = ci.estimate / ci.sd and p_value = ci.p_value (test of RND = 0), both from ci; neutral:
 * neutral words used. */
typedef struct gv_rnd_result { double value, z, p_value; int64_t neutral; gv_interval ci; } gv_rnd_result;
/* Difference of two bias scores on one model (first lists minus second): first and second are the plug-in scores;
 * ci.estimate is the difference's centre, ci.p_value the test of equal scores; words the lists share enter once. */
typedef struct gv_bias_difference { double first, second; gv_interval ci; } gv_bias_difference;
/* What a neighbour search drew: candidates of searched words (the words with a covariance less the query; the whole
 * vocabulary less the query with hold_fixed) were drawn jointly with the query in each of `draws` draws;
 * omitted_bound bounds the expected number of top-k places the words left out take,
 * so each true p_top_k lies in [p_top_k - omitted_bound, p_top_k]. */
typedef struct gv_neighbour_search { int64_t candidates, searched, draws; double omitted_bound; } gv_neighbour_search;

/* Cosine similarity of a and b with an interval.
 * \param[in]  m        the handle
 * \param[in]  a        first word
 * \param[in]  b        second word
 * \param[in]  options  method, level, samples, seed, hold_fixed, approximate (gv_query_options_default); NULL: defaults
 * \param[out] out      the interval (not NULL)
 * \return GV_OK; GV_ERR_INPUT (unknown word; a word without a covariance unless hold_fixed); GV_ERR_ARGUMENT (e.g.
 *         samples or seed with GV_METHOD_DELTA). */
int gv_similarity(gv_model* m, const char* a, const char* b, const gv_query_options* options, gv_interval* out);

/* Many cosine similarities in one call (computed in parallel): out[k] is exactly what gv_similarity(m, a[k], b[k],
 * options) returns, with the same seed for every pair.
 * \param[in]  m        the handle
 * \param[in]  a        n first words
 * \param[in]  b        n second words
 * \param[in]  n        number of pairs (>= 0)
 * \param[in]  options  as gv_similarity (NULL: defaults)
 * \param[out] out      n intervals
 * \param[in]  cap      capacity of out in elements (>= n)
 * \return GV_OK; as gv_similarity for the first failing pair (its index is in the message); GV_ERR_BUFFER. */
int gv_similarities(gv_model* m, const char* const* a, const char* const* b, int64_t n, const gv_query_options* options,
                    gv_interval* out, int64_t cap);

/* Test of cos(a,b) - cos(c,d) = 0; shared words enter once (combined gradient / joint draws).
 * \param[in]  m        the handle
 * \param[in]  a        first pair's first word
 * \param[in]  b        first pair's second word
 * \param[in]  c        second pair's first word
 * \param[in]  d        second pair's second word
 * \param[in]  options  as gv_similarity (NULL: defaults)
 * \param[out] out      the difference (not NULL)
 * \return GV_OK; as gv_similarity. */
int gv_compare(gv_model* m, const char* a, const char* b, const char* c, const char* d, const gv_query_options* options,
               gv_difference* out);

/* Top-k neighbours with intervals and P(truly in the top k) over the whole vocabulary. The search always draws, so
 * samples and seed are used with every method (GV_METHOD_DELTA included). Without hold_fixed, words without a
 * covariance are not candidates (their uncertainty is unknown): a neighbour beaten by such words on plug-in cosine
 * carries GV_FLAG_LEFT_OUT_ABOVE; with hold_fixed they are searched as exact (GV_FLAG_NO_COVARIANCE).
 * \param[in]  m        the handle
 * \param[in]  word     the query word
 * \param[in]  k        neighbours wanted, 1..V-1 (without hold_fixed, at most the words with a covariance less one)
 * \param[in]  options  as gv_similarity (NULL: defaults)
 * \param[out] out      k neighbours, nearest first
 * \param[in]  cap      capacity of out in elements (>= k)
 * \param[out] count    neighbours written (not NULL)
 * \param[out] search   what was drawn and the bound on the words left out (may be NULL); when the bound exceeds
 *                      gv_defaults.omitted_tolerance, every neighbour's flags carry GV_FLAG_OMITTED_BOUND
 * \return GV_OK; as gv_similarity; GV_ERR_BUFFER. */
int gv_neighbours(gv_model* m, const char* word, int64_t k, const gv_query_options* options, gv_neighbour* out, int64_t cap,
                  int64_t* count, gv_neighbour_search* search);

/* Settings of the benchmark calls (fill with gv_benchmark_options_default). Benchmarks have one interval method:
 * each replicate resamples the pairs and draws every vector (gv_correlation).
 *   size        sizeof(gv_benchmark_options), set by the defaults call
 *   hold_fixed  as gv_query_options
 *   samples     replicates; 0 = the default (1000)
 *   seed        0 = the default (1)
 *   level       0 = the default (0.95)
 *   approximate non-zero: use the compact covariances (as gv_query_options; GV_ERR_INPUT where the folder has none);
 *               0 (default): the complete ones
 *   reserved    must be 0 */
typedef struct gv_benchmark_options {
    int32_t size, hold_fixed;
    int64_t samples;
    uint64_t seed;
    double level;
    int32_t approximate, reserved;
} gv_benchmark_options;

/* Fills *options with the core's defaults.
 * \param[out] options  the struct to fill (not NULL)
 * \return GV_OK; GV_ERR_ARGUMENT when options is NULL. */
int gv_benchmark_options_default(gv_benchmark_options* options);

/* Word-similarity benchmark: Spearman/Pearson with intervals that combine a bootstrap over the pairs with the
 * embedding noise, and gensim's p-values.
 * \param[in]  m               the handle
 * \param[in]  benchmark_path  tab- or space-separated "word1 word2 score" lines ('#' comments and a header allowed)
 * \param[in]  options         samples, seed, level, hold_fixed, approximate (gv_benchmark_options_default); NULL: defaults
 * \param[out] out             the scores (not NULL)
 * \return GV_OK; GV_ERR_IO; GV_ERR_INPUT (malformed file with its line; a word without a covariance unless
 *         hold_fixed). */
int gv_evaluate(gv_model* m, const char* benchmark_path, const gv_benchmark_options* options, gv_benchmark* out);

/* Paired comparison of models a and b on one benchmark.
 * \param[in]  a               first model
 * \param[in]  b               second model
 * \param[in]  benchmark_path  as gv_evaluate
 * \param[in]  options         as gv_evaluate (NULL: defaults)
 * \param[out] out             the comparison (not NULL)
 * \return GV_OK; as gv_evaluate. */
int gv_evaluate_compare(gv_model* a, gv_model* b, const char* benchmark_path, const gv_benchmark_options* options,
                        gv_benchmark_comparison* out);

/* WEAT (Caliskan et al. 2017) with a permutation test and intervals. Unknown words are skipped; a list left with
 * fewer than 2 words is GV_ERR_INPUT.
 * \param[in]  m             the handle
 * \param[in]  x             target list X (nx words)
 * \param[in]  nx            its length
 * \param[in]  y             target list Y
 * \param[in]  ny            its length
 * \param[in]  a             attribute list A
 * \param[in]  na            its length
 * \param[in]  b             attribute list B
 * \param[in]  nb            its length
 * \param[in]  permutations  re-partitions of the permutation test (>= 1; 0 = the default, 10000); an exact test when
 *                           there are fewer partitions
 * \param[in]  options       as gv_similarity (NULL: defaults)
 * \param[out] out           the result (not NULL)
 * \return GV_OK; GV_ERR_INPUT; GV_ERR_ARGUMENT. */
int gv_weat(gv_model* m, const char* const* x, int64_t nx, const char* const* y, int64_t ny, const char* const* a, int64_t na,
            const char* const* b, int64_t nb, int64_t permutations, const gv_query_options* options, gv_weat_result* out);

/* Relative norm distance (Garg et al. 2018) with an interval and a test of RND = 0.
 * \param[in]  m        the handle
 * \param[in]  group1   first group's words
 * \param[in]  n1       its length
 * \param[in]  group2   second group's words
 * \param[in]  n2       its length
 * \param[in]  neutral  neutral words (e.g. occupations)
 * \param[in]  nn       its length
 * \param[in]  options  as gv_similarity (NULL: defaults)
 * \param[out] out      the result (not NULL)
 * \return GV_OK; GV_ERR_INPUT; GV_ERR_ARGUMENT. */
int gv_rnd(gv_model* m, const char* const* group1, int64_t n1, const char* const* group2, int64_t n2,
           const char* const* neutral, int64_t nn, const gv_query_options* options, gv_rnd_result* out);

/* WEAT effect size with the first lists minus that with the second (the paper's third experiment).
 * \param[in]  m              the handle
 * \param[in]  first          4 word arrays (X, Y, A, B)
 * \param[in]  first_counts   their 4 lengths
 * \param[in]  second         4 word arrays (X, Y, A, B)
 * \param[in]  second_counts  their 4 lengths
 * \param[in]  options        as gv_similarity (NULL: defaults)
 * \param[out] out            the difference (not NULL)
 * \return GV_OK; GV_ERR_INPUT; GV_ERR_ARGUMENT. */
int gv_weat_difference(gv_model* m, const char* const* const* first, const int64_t* first_counts,
                       const char* const* const* second, const int64_t* second_counts, const gv_query_options* options,
                       gv_bias_difference* out);

/* RND with the first lists minus RND with the second.
 * \param[in]  m              the handle
 * \param[in]  first          3 word arrays (GROUP1, GROUP2, NEUTRAL)
 * \param[in]  first_counts   their 3 lengths
 * \param[in]  second         3 word arrays (GROUP1, GROUP2, NEUTRAL)
 * \param[in]  second_counts  their 3 lengths
 * \param[in]  options        as gv_similarity (NULL: defaults)
 * \param[out] out            the difference (not NULL)
 * \return GV_OK; GV_ERR_INPUT; GV_ERR_ARGUMENT. */
int gv_rnd_difference(gv_model* m, const char* const* const* first, const int64_t* first_counts,
                      const char* const* const* second, const int64_t* second_counts, const gv_query_options* options,
                      gv_bias_difference* out);

#ifdef __cplusplus
}
#endif
#endif /* GLOVEV_H */
