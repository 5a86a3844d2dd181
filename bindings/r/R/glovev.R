.method_names <- c("delta", "sample", "calibrated")  # codes 0, 1, 2 (the core parses names: C_* calls)
.status_names <- c("ok", "not_identifiable")

#' The core's interval defaults: list(method, samples, seed, level) (the same in the CLI, C and Python).
glovev_defaults <- function() {
  d <- .Call(C_defaults)
  list(method = .method_names[d[[1]] + 1], samples = d[[2]], seed = d[[3]], level = d[[4]])
}

#' One word's reliability: list(word, has_covariance, contexts, dof, noise_ratio, cos_trained_wls, flags).
glovev_reliability <- function(m, word) {
  r <- .Call(C_reliability, m$ptr, word)
  list(word = word, has_covariance = r[[1]] != 0, contexts = r[[2]], dof = r[[3]], noise_ratio = r[[4]],
       cos_trained_wls = r[[5]], flags = as.integer(r[[6]]))
}

.words <- function(m, words, flags) {
  rel <- lapply(unique(words), function(w) glovev_reliability(m, w))
  if (flags != 0) {
    msg <- character(0)
    for (r in rel) {
      if (bitwAnd(r$flags, 1L)) msg <- c(msg, sprintf("'%s': no covariance (%d contexts), held fixed as if exact", r$word, as.integer(r$contexts)))
      if (bitwAnd(r$flags, 2L)) msg <- c(msg, sprintf("'%s': noise ratio tr(Sigma)/|w|^2 = %.3g >= 1", r$word, r$noise_ratio))
      if (bitwAnd(r$flags, 4L)) msg <- c(msg, sprintf("'%s': cos(trained, WLS) = %.3g < 0.9", r$word, r$cos_trained_wls))
    }
    warning("glovev: unreliable words: ", paste(msg, collapse = "; "), call. = FALSE)
  }
  rel
}

#' Version of the engine.
glovev_version <- function() .Call(C_version)

#' The BLAS/LAPACK backend (MKL or OpenBLAS), SIMD level and instruction set.
glovev_backend <- function() .Call(C_backend)

#' Inverse of a symmetric positive definite matrix through the engine's BLAS backend.
glovev_spd_inverse <- function(a) {
  a <- as.matrix(a)
  storage.mode(a) <- "double"
  .Call(C_spd_inverse, a)
}

#' Opens a model folder (vocab.txt, params.safetensors or vectors.safetensors, variances/).
glovev_load <- function(dir) {
  xp <- .Call(C_model_open, path.expand(as.character(dir)))
  shape <- .Call(C_model_shape, xp)
  structure(list(ptr = xp, dir = dir, vocab_size = shape[[1]], dim = shape[[2]], has_variances = shape[[3]] == 1,
                 env = new.env()), class = "glovev_model")
}

#' Frees a model now (otherwise the garbage collector does).
glovev_close <- function(m) invisible(.Call(C_model_close, m$ptr))

print.glovev_model <- function(x, ...) {
  cat(sprintf("<glovev model: %s, %d words x %d dims%s>\n", x$dir, as.integer(x$vocab_size), as.integer(x$dim),
              if (x$has_variances) ", with GloVe-V variances" else ""))
  invisible(x)
}

#' Words in vocabulary order.
glovev_words <- function(m) {
  if (is.null(m$env$words)) m$env$words <- .Call(C_model_words, m$ptr)
  m$env$words
}

#' One word's vector.
glovev_vector <- function(m, word) .Call(C_model_vector, m$ptr, word)

#' Word vectors as a matrix with one row per word (rownames = words), as text2vec returns them.
glovev_vectors <- function(m, words = glovev_words(m)) {
  out <- t(vapply(words, function(w) glovev_vector(m, w), numeric(m$dim)))
  rownames(out) <- words
  out
}

#' Does the word have a GloVe-V covariance?
glovev_has_covariance <- function(m, word) .Call(C_model_has_covariance, m$ptr, word)

#' A word's GloVe-V covariance matrix (dim x dim); approximate = TRUE reads the compact form.
glovev_covariance <- function(m, word, approximate = FALSE) .Call(C_model_covariance, m$ptr, word, approximate)

#' Cosine similarity with an interval: list(estimate, plugin, sd, ci, method, mean, status, p_value, flags, words).
#' samples/seed/ci NULL = the core's defaults (the delta method takes neither samples nor seed). A word without a
#' covariance is an error unless hold_fixed = TRUE (then it is exact, and a warning says so).
glovev_similarity <- function(m, a, b, ci = NULL, method = "calibrated", samples = NULL, seed = NULL, hold_fixed = FALSE) {
  r <- .Call(C_similarity, m$ptr, a, b, method, ci, samples, seed, hold_fixed)
  list(estimate = r[[1]], plugin = r[[2]], cosine = r[[2]], sd = r[[4]], ci = c(r[[5]], r[[6]]),
       method = .method_names[r[[8]] + 1], mean = r[[3]], status = .status_names[r[[9]] + 1], p_value = r[[7]],
       flags = as.integer(r[[10]]), words = .words(m, c(a, b), r[[10]]))
}

#' Tests cos(a,b) = cos(c,d): list(diff, plugin, sd, ci, z, p_value, method, status, flags, words).
glovev_compare <- function(m, first, second, method = "calibrated", samples = NULL, seed = NULL, ci = NULL, hold_fixed = FALSE) {
  r <- .Call(C_compare, m$ptr, first[[1]], first[[2]], second[[1]], second[[2]], method, ci, samples, seed, hold_fixed)
  list(diff = r[[1]], plugin = r[[2]], sd = r[[3]], ci = c(r[[4]], r[[5]]), z = r[[6]], p_value = r[[7]],
       method = .method_names[r[[8]] + 1], status = .status_names[r[[9]] + 1], flags = as.integer(r[[10]]),
       words = .words(m, c(first[[1]], first[[2]], second[[1]], second[[2]]), r[[10]]))
}

#' Top-n neighbours with intervals and P(truly in the top n), as a data.frame.
glovev_most_similar <- function(m, word, n = 10, ci = NULL, method = "calibrated", samples = NULL, seed = NULL, hold_fixed = FALSE) {
  r <- .Call(C_neighbours, m$ptr, word, as.integer(n), method, ci, samples, seed, hold_fixed)
  words <- glovev_words(m)
  df <- data.frame(word = words[r[, 1] + 1], cosine = r[, 2], estimate = r[, 9], mean = r[, 3], sd = r[, 4], lo = r[, 5], hi = r[, 6],
             p_top_k = r[, 7], p_differs_from_next = r[, 8], status = .status_names[r[, 10] + 1], flags = as.integer(r[, 11]),
             stringsAsFactors = FALSE)
  .words(m, c(word, df$word), Reduce(bitwOr, df$flags, 0L))
  df
}

#' Word-similarity benchmark (word1 word2 score per line): correlations with a sampling interval.
glovev_evaluate <- function(m, benchmark, samples = 200, seed = 1, ci = 0.95) {
  r <- .Call(C_evaluate, m$ptr, path.expand(benchmark), samples, seed, ci)
  list(pairs = r[[1]], used = r[[2]], oov = r[[3]], spearman = r[[4]], pearson = r[[5]], spearman_sd = r[[6]],
       spearman_ci = c(r[[7]], r[[8]]))
}

#' WEAT (Caliskan et al. 2017) with a GloVe-V interval for the effect size.
glovev_weat <- function(m, x, y, a, b, permutations = 10000, samples = 500, seed = 1, ci = 0.95) {
  r <- .Call(C_weat, m$ptr, as.character(x), as.character(y), as.character(a), as.character(b), permutations, samples, seed, ci)
  list(statistic = r[[1]], effect_size = r[[2]], p_value = r[[3]], effect_size_sd = r[[4]], effect_size_ci = c(r[[5]], r[[6]]),
       permutations = r[[7]], exact = r[[8]] == 1)
}

#' Relative norm distance (Garg et al. 2018) with a GloVe-V interval and a test of RND = 0.
glovev_rnd <- function(m, group1, group2, neutral, samples = 500, seed = 1, ci = 0.95) {
  r <- .Call(C_rnd, m$ptr, as.character(group1), as.character(group2), as.character(neutral), samples, seed, ci)
  list(value = r[[1]], sd = r[[2]], ci = c(r[[3]], r[[4]]), z = r[[5]], p_value = r[[6]])
}

.flags <- function(lowercase, split_punctuation) as.integer(lowercase) + 2L * as.integer(split_punctuation)

#' Writes GloVe C's vocab.txt; returns the vocabulary size.
glovev_build_vocab <- function(corpus, out, min_count = 5, max_vocab = 0, lowercase = FALSE, split_punctuation = FALSE, threads = 0) {
  .Call(C_vocab_build, path.expand(corpus), path.expand(out), min_count, max_vocab, .flags(lowercase, split_punctuation), as.integer(threads))
}

#' Counts co-occurrences into out_dir; returns the number of non-zeros.
glovev_cooccur <- function(corpus, vocab, out_dir, window = 10, symmetric = TRUE, distance_weighting = TRUE, memory = 4 * 2^30,
                           lowercase = FALSE, split_punctuation = FALSE, threads = 0) {
  .Call(C_cooccur, path.expand(corpus), path.expand(vocab), path.expand(out_dir), as.integer(window), symmetric, distance_weighting,
        memory, as.integer(threads), .flags(lowercase, split_punctuation))
}

#' Trains GloVe into out_dir; returns the final cost.
#' epochs: AdaGrad epochs, or "auto" (at most max_epochs; stops once the cost flattens and frequent words sit near
#' their WLS optimum). als_sweeps: alternating least-squares sweeps afterwards (every word vector ends at its exact WLS
#' optimum, GloVe-V's premise); ridge: lambda on the vectors in those sweeps (used by glovev_variance).
glovev_train <- function(cooccur_dir, vocab, out_dir, dim = 100, epochs = 25, threads = 0, eta = 0.05, x_max = 100, alpha = 0.75, seed = 1,
                         als_sweeps = 0, ridge = 0, max_epochs = 100) {
  auto <- identical(epochs, "auto")
  if (!auto && !(is.numeric(epochs) && length(epochs) == 1 && epochs >= 0 && epochs == round(epochs)))
    stop("epochs must be a whole number >= 0 or \"auto\"")
  .Call(C_train, path.expand(cooccur_dir), path.expand(vocab), path.expand(out_dir), as.integer(dim),
        as.integer(if (auto) max_epochs else epochs), as.integer(threads), eta, x_max, alpha, seed,
        as.integer(als_sweeps), as.numeric(ridge), auto)
}

#' Computes GloVe-V covariances; returns the number of words that got one.
glovev_variance <- function(model_dir, cooccur_dir, out_dir = NULL, threads = 0, approx = 0.9, complete = TRUE, refine = FALSE) {
  .Call(C_variance, path.expand(model_dir), path.expand(cooccur_dir), if (is.null(out_dir)) NULL else path.expand(out_dir),
        as.integer(threads), approx, complete, refine)
}

#' Opens a co-occurrence folder (memory-mapped CSR) with its vocabulary.
glovev_cooccurrence <- function(cooccur_dir, vocab) {
  xp <- .Call(C_matrix_open, path.expand(cooccur_dir), path.expand(vocab))
  shape <- .Call(C_matrix_shape, xp)
  structure(list(ptr = xp, rows = shape[[1]], nonzeros = shape[[2]]), class = "glovev_cooccurrence")
}

#' Row i (1-based, as R counts) of the co-occurrence matrix: a data.frame of context ids (1-based) and weights.
glovev_cooccurrence_row <- function(x, i) {
  r <- .Call(C_matrix_row, x$ptr, as.numeric(i) - 1)
  data.frame(context = r[[1]] + 1L, x = r[[2]])
}
