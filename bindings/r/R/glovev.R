# The core's method and status names by code (gv_method_name, gv_status_name), filled in by .onLoad.
.method_names <- character()
.status_names <- character()
.reason_names <- character()

#' The core's interval defaults
#'
#' The core's interval defaults: list(method, samples, seed, level, permutations, omitted_tolerance) (the same in
#' the CLI, C and Python); NULL arguments of the query functions stand for these.
#' @export
glovev_defaults <- function() {
  d <- .Call(C_defaults)
  list(method = .method_names[d[[1]]], samples = d[[2]], seed = d[[3]], level = d[[4]], permutations = d[[5]],
       omitted_tolerance = d[[6]])
}

#' A word's reliability
#'
#' One word's reliability: list(word, has_covariance, contexts, dof, noise_ratio, cos_trained_wls, flags,
#' held_fixed). held_fixed is FALSE here (no query is answered); in a query result's words it is TRUE for a word
#' without a covariance, which the query held fixed as if exact (hold_fixed = TRUE; without it the query fails).
#' @param m A model from glovev_load.
#' @param word A word of the model's vocabulary.
#' @export
glovev_reliability <- function(m, word) {
  r <- .Call(C_reliability, .ptr(m), word)
  list(word = word, has_covariance = r[[1]] != 0, contexts = r[[2]], dof = r[[3]], noise_ratio = r[[4]],
       cos_trained_wls = r[[5]], flags = as.integer(r[[6]]), held_fixed = FALSE)
}

# One interval (C glue's .interval_len doubles from offset + 1: estimate, plugin, mean, sd, lo, hi, p_value, method,
# status, flags, reason).
.interval_len <- 11
.interval <- function(r, offset = 0, ci = NULL) {
  r <- r[offset + seq_len(.interval_len)]
  structure(list(estimate = r[[1]], plugin = r[[2]], sd = r[[4]], ci = c(r[[5]], r[[6]]), method = .method_names[r[[8]]],
                 mean = r[[3]], status = .status_names[r[[9]] + 1], p_value = r[[7]], flags = as.integer(r[[10]]),
                 reason = .reason(r[[11]])), class = "glovev_interval", level = .level(ci))
}

# The confidence level a query ran at (NULL: the core's default).
.level <- function(ci) if (is.null(ci)) glovev_defaults()$level else ci

# The core's name of a not-identifiable reason code; NA where the status is ok (code 0).
.reason <- function(code) ifelse(code == 0, NA_character_, .reason_names[code + 1])

# A benchmark correlation's uncertainty (9 doubles: estimate, sd, lo, hi, sd_pairs, sd_noise, noise_shift, level, replicates).
.correlation <- function(r, offset = 0) {
  r <- r[offset + seq_len(9)]
  list(estimate = r[[1]], sd = r[[2]], ci = c(r[[3]], r[[4]]), sd_pairs = r[[5]], sd_noise = r[[6]], noise_shift = r[[7]],
       level = r[[8]], replicates = r[[9]])
}

# ---- argument checks in R's terms: each error names the argument; nothing is coerced silently (a factor is neither
# read as its labels nor as its codes, NA is never a word, a length-0 vector is never "no words"). Strings come back
# as UTF-8 (C_utf8: latin1-declared ones converted; invalid UTF-8 or "bytes" refused, never replaced), and the C glue
# applies the same check to every string that reaches the core. ----

.what <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return(sprintf("a factor of length %d", length(x)))
  sprintf("%s of length %d", paste(class(x), collapse = "/"), length(x))
}

# A non-empty character vector without NA (words, word lists).
.chr <- function(x, name) {
  if (is.factor(x)) stop(sprintf("%s must be a character vector, not a factor (convert it with as.character())", name), call. = FALSE)
  if (!is.character(x)) stop(sprintf("%s must be a character vector, got %s", name, .what(x)), call. = FALSE)
  if (length(x) == 0) stop(sprintf("%s must hold at least one word, got character(0)", name), call. = FALSE)
  if (anyNA(x)) stop(sprintf("%s contains NA (element %d): NA is not a word", name, which(is.na(x))[[1]]), call. = FALSE)
  .Call(C_utf8, x, name)
}

# One string, not NA (a word, a path, a choice).
.string <- function(x, name) {
  if (is.factor(x)) stop(sprintf("%s must be a single string, not a factor (convert it with as.character())", name), call. = FALSE)
  if (!is.character(x) || length(x) != 1 || is.na(x)) stop(sprintf("%s must be a single string, got %s", name, if (length(x) == 1 && is.atomic(x) && is.na(x)) "NA" else .what(x)), call. = FALSE)
  .Call(C_utf8, x, name)
}

# A path argument (a single string), with ~ expanded.
.path <- function(x, name) path.expand(.string(x, name))

# TRUE or FALSE, nothing else.
.flag <- function(x, name) {
  if (!is.logical(x) || length(x) != 1 || is.na(x)) stop(sprintf("%s must be TRUE or FALSE, got %s", name, if (is.logical(x) && length(x) == 1) "NA" else deparse(x)[[1]]), call. = FALSE)
  x
}

# One of a few names (a vector equal to all the choices, as in a signature's default, means the first).
.choice <- function(x, choices, name) {
  if (identical(x, choices)) return(choices[[1]])
  if (!is.character(x) || length(x) != 1 || is.na(x) || !(x %in% choices))
    stop(sprintf("%s must be one of %s, got %s", name, paste(sprintf("\"%s\"", choices), collapse = ", "), deparse(x)[[1]]), call. = FALSE)
  x
}

.model <- function(m, name = "m") {
  if (!inherits(m, "glovev_model")) stop(sprintf("%s must be a glovev model (use glovev_load), got %s", name, .what(m)), call. = FALSE)
  invisible(m)
}

# Words of bias lists that the model knows (the core skips the others).
.known <- function(m, words) {
  v <- glovev_words(m)
  unique(words[words %in% v])
}

# The words of bias lists the vocabulary lacks are left out by the core, and a repeated word counts once: said, as the
# CLI and Python say it.
.warn_lists <- function(m, lists) {
  vocab <- glovev_words(m)
  for (name in names(lists)) {
    w <- lists[[name]]
    say <- function(what, ws) warning(sprintf("glovev: word list %s: %d word(s) %s: %s%s", name, length(ws), what,
                                              paste(ws[seq_len(min(20L, length(ws)))], collapse = ", "), if (length(ws) > 20) ", ..." else ""), call. = FALSE)
    unknown <- unique(w[!(w %in% vocab)])
    if (length(unknown) > 0) say("not in the vocabulary, left out", unknown)
    repeated <- unique(w[duplicated(w)])
    if (length(repeated) > 0) say("given more than once, counted once", repeated)
  }
}

.words <- function(m, words, flags, approximate = FALSE) {
  # A result exists, so its words without a covariance were held fixed (the core refuses them otherwise).
  rel <- lapply(unique(words), function(w) { r <- glovev_reliability(m, w); r$held_fixed <- !r$has_covariance; r })
  if (flags != 0) {
    # The core's warning lines for this result (gv_result_warnings): every front door says the same.
    lines <- strsplit(.Call(C_result_warnings, .ptr(m), as.character(unique(words)), as.integer(flags), isTRUE(approximate)), "\n", fixed = TRUE)[[1]]
    for (l in lines[nzchar(lines)]) warning("glovev: ", l, call. = FALSE)
  }
  rel
}

# GV_FLAG_* bits by name (glovev.h; the core names no flags, so these follow the header).
.flag_bits <- c(no_covariance = 1L, noisy = 2L, not_converged = 4L, approximated = 8L, uncalibrated = 16L, omitted_bound = 32L,
                left_out_above = 64L)

# "none", or the flags with their names, e.g. "6 (noisy, not_converged)".
.flag_text <- function(flags) {
  flags <- as.integer(flags)
  if (is.na(flags) || flags == 0L) return("none")
  sprintf("%d (%s)", flags, paste(names(.flag_bits)[bitwAnd(flags, .flag_bits) != 0L], collapse = ", "))
}

# The core's warnings on the words of a plug-in result (no interval, so only the words' own reliability flags; a word
# without a covariance has unknown noise, not held fixed; none in a model without variances: gv_word_warnings): at
# most `cap` flagged words are named, then how many more there are.
.word_warnings <- function(m, words, cap = 10L) {
  words <- unique(words)
  f <- vapply(words, function(w) glovev_reliability(m, w)$flags, 0L, USE.NAMES = FALSE)
  bad <- which(f != 0L)
  if (length(bad) == 0) return(invisible(0L))
  shown <- head(bad, cap)
  lines <- strsplit(.Call(C_word_warnings, .ptr(m), as.character(words[shown])), "\n", fixed = TRUE)[[1]]
  lines <- lines[nzchar(lines)]
  if (length(lines) == 0) return(invisible(0L)) # a model without variances: nothing to say about plain values
  for (l in lines) warning("glovev: ", l, call. = FALSE)
  if (length(bad) > cap)
    warning(sprintf("glovev: %d more of these %d words are unreliable as well (see glovev_reliability)", length(bad) - cap,
                    length(words)), call. = FALSE)
  invisible(length(bad))
}

# A warning when results are not identifiable (the CLI says the same on stderr): their estimate, sd and p-value carry no
# information and their interval is NaN; the plug-in value stands.
.not_identifiable <- function(status, reason = NA_character_, what = "results") {
  bad <- !is.na(status) & status == "not_identifiable"
  if (!any(bad)) return(invisible(FALSE))
  # The text is the core's (gv_not_identifiable_warning), as Python and the CLI give it.
  why <- as.character(reason[bad & !is.na(reason)])
  warning("glovev: ", .Call(C_not_identifiable_warning, what, sum(bad), length(status), why), call. = FALSE)
  invisible(TRUE)
}

#' Version of the engine
#'
#' Version of the engine.
#' @export
glovev_version <- function() .Call(C_version)

#' BLAS backend and SIMD level
#'
#' The BLAS/LAPACK backend (MKL or OpenBLAS), SIMD level and instruction set.
#' @export
glovev_backend <- function() .Call(C_backend)

# Inverse of a symmetric positive definite matrix through the engine's BLAS backend (glovev_testing.h: a check of
# the backend for the test suite, not part of the package's interface).
.spd_inverse <- function(a) {
  a <- as.matrix(a)
  storage.mode(a) <- "double"
  .Call(C_spd_inverse, a)
}

#' Open a model folder
#'
#' Opens a model folder (vocab.txt, params.safetensors or vectors.safetensors, variances/).
#' @param dir A model folder.
#' @export
glovev_load <- function(dir) {
  dir <- .path(dir, "dir")
  xp <- .Call(C_model_open, dir)
  shape <- .Call(C_model_shape, xp)
  # What the variance stage found about GloVe-V's premise (words off their WLS optimum, ...): said once, on opening.
  premise <- strsplit(.Call(C_model_warnings, xp), "\n", fixed = TRUE)[[1]]
  for (w in premise[nzchar(premise)]) warning("glovev: ", w, call. = FALSE)
  env <- new.env()
  env$ptr <- xp
  env$closed <- FALSE
  structure(list(dir = normalizePath(dir), vocab_size = shape[[1]], dim = shape[[2]],
                 has_variances = shape[[3]] == 1, premise_warnings = premise[nzchar(premise)], env = env), class = "glovev_model")
}

# The model's handle. A model restored by readRDS/load (or from another R session) carries no live handle: it is
# re-opened from its folder, once. A model closed with glovev_close stays closed.
.ptr <- function(m) {
  .model(m)
  if (isTRUE(m$env$closed)) stop("glovev model is closed (glovev_close)")
  if (is.null(m$env$ptr) || .Call(C_ptr_is_null, m$env$ptr)) {
    if (!dir.exists(m$dir)) stop(sprintf("glovev model: the restored model's folder %s no longer exists", m$dir))
    m$env$ptr <- .Call(C_model_open, m$dir)
  }
  m$env$ptr
}

#' Free a model now
#'
#' Frees a model now (otherwise the garbage collector does).
#' @param m A model from glovev_load.
#' @export
glovev_close <- function(m) {
  .model(m)
  if (!is.null(m$env$ptr)) .Call(C_model_close, m$env$ptr)
  m$env$closed <- TRUE
  invisible(NULL)
}

#' Print a glovev model
#'
#' Prints the model folder, its size and whether it has variances. Returns x invisibly.
#' @param x A glovev model.
#' @param ... Ignored.
#' @export
print.glovev_model <- function(x, ...) {
  cat(sprintf("<glovev model: %s, %d words x %d dims%s>\n", x$dir, as.integer(x$vocab_size), as.integer(x$dim),
              if (x$has_variances) ", with GloVe-V variances" else ""))
  invisible(x)
}

#' Words in vocabulary order
#'
#' Words in vocabulary order.
#' @param m A model from glovev_load.
#' @export
glovev_words <- function(m) {
  .ptr(m)  # a closed model is an error here too, even with its words cached
  if (is.null(m$env$words)) m$env$words <- .Call(C_model_words, .ptr(m))
  m$env$words
}

#' A word's vector
#'
#' One word's vector.
#' @param m A model from glovev_load.
#' @param word A word of the model's vocabulary.
#' @export
glovev_vector <- function(m, word) .Call(C_model_vector, .ptr(m), word)

#' Word vectors as a matrix
#'
#' Word vectors as a matrix with one row per word (rownames = words), as text2vec returns them (e.g. for
#' \link{sim2}). The vectors themselves carry no warnings: see glovev_reliability, or glovev_sim2 for cosines that warn
#' about unreliable words.
#' @param m A model from glovev_load.
#' @param words Words (a non-empty character vector without NA; default: the whole vocabulary).
#' @export
glovev_vectors <- function(m, words = glovev_words(m)) {
  .ptr(m)
  words <- .chr(words, "words")
  # One bulk call for all vectors, then the rows asked for (an unknown word is an error naming it).
  if (is.null(m$env$vectors)) m$env$vectors <- .Call(C_model_vectors, .ptr(m))
  vocab <- glovev_words(m)
  idx <- match(words, vocab)
  if (anyNA(idx)) stop(sprintf("glovev: word '%s' is not in the vocabulary", words[is.na(idx)][[1]]), call. = FALSE)
  out <- m$env$vectors[idx, , drop = FALSE]
  rownames(out) <- words
  out
}

#' Does a word have a GloVe-V covariance?
#'
#' Does the word have a GloVe-V covariance?
#' @param m A model from glovev_load.
#' @param word A word of the model's vocabulary.
#' @export
glovev_has_covariance <- function(m, word) .Call(C_model_has_covariance, .ptr(m), word)

#' A word's GloVe-V covariance
#'
#' A word's GloVe-V covariance matrix (dim x dim); approximate = TRUE reads the compact form.
#' @param m A model from glovev_load.
#' @param word A word of the model's vocabulary.
#' @param approximate Use the compact (approximated) covariances (TRUE or FALSE).
#' @export
glovev_covariance <- function(m, word, approximate = FALSE) .Call(C_model_covariance, .ptr(m), word, .flag(approximate, "approximate"))

#' Cosine similarity with an interval
#'
#' Cosine similarity with an interval: list(estimate, plugin, sd, ci, method, mean, status, p_value, flags,
#' reason, words); estimate is the centre of ci (calibrated: the noise-debiased cosine shifted by the median error of its
#' parametric bootstrap; delta: the plug-in; sample: the median of the draws), plugin the cosine of the trained vectors; reason is the core's name of why the status is "not_identifiable" (e.g.
#' "debiased_norm_not_positive", "bootstrap_undefined", "covers_range"), NA when it is "ok". samples/seed/ci NULL = the core's defaults (the delta method takes neither samples nor seed). A word
#' without a covariance is an error unless hold_fixed = TRUE (then it is exact, and a warning says so). The list has
#' class "glovev_similarity" (see \link{glovev_print}); unreliable words and a not identifiable result are warnings.
#' @param m A model from glovev_load.
#' @param a A word.
#' @param b Another word.
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_similarity <- function(m, a, b, ci = NULL, method = NULL, samples = NULL, seed = NULL, hold_fixed = FALSE,
                              approximate = FALSE) {
  r <- .Call(C_similarity, .ptr(m), a, b, method, ci, samples, seed, hold_fixed, approximate)
  iv <- .interval(r)
  out <- c(unclass(iv)[1:2], list(cosine = iv$plugin), unclass(iv)[-(1:2)], list(words = .words(m, c(a, b), r[[10]], approximate)))
  .not_identifiable(iv$status, iv$reason, sprintf("cos(%s, %s)", a, b))
  structure(out, class = "glovev_similarity", level = .level(ci), pair = c(a, b))
}

#' Vectorised cosine similarities with intervals
#'
#' Vectorised cosine similarities with intervals: a and b are recycled to a common length (as R's arithmetic
#' does) and the result is a data.frame with one row per pair: a, b, estimate, plugin, sd, lower, upper, status,
#' method, p_value, flags, reason (class "glovev_similarities" over "data.frame": it prints with notes on the rows
#' that are not identifiable or flagged, see \link{glovev_print_table}). One warning names every flagged word of the
#' table, another says how many rows are not identifiable. Arguments as glovev_similarity.
#' @param m A model from glovev_load.
#' @param a Words (recycled against b).
#' @param b Words (recycled against a).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_similarities <- function(m, a, b, ci = NULL, method = NULL, samples = NULL, seed = NULL, hold_fixed = FALSE,
                                approximate = FALSE) {
  .ptr(m)
  a <- .chr(a, "a"); b <- .chr(b, "b")
  n <- max(length(a), length(b))
  if (n %% length(a) != 0 || n %% length(b) != 0) stop(sprintf("lengths of a (%d) and b (%d) are not multiples of each other", length(a), length(b)))
  a <- rep_len(a, n); b <- rep_len(b, n)
  # One bulk call (gv_similarities): every pair exactly as glovev_similarity computes it.
  r <- .Call(C_similarities, .ptr(m), a, b, method, ci, samples, seed, hold_fixed, approximate)
  df <- data.frame(a = a, b = b, estimate = r[, 1], plugin = r[, 2], sd = r[, 4], lower = r[, 5], upper = r[, 6],
                   status = .status_names[r[, 9] + 1], method = .method_names[r[, 8]], p_value = r[, 7],
                   flags = as.integer(r[, 10]), reason = .reason(r[, 11]), stringsAsFactors = FALSE)
  .words(m, c(a, b), Reduce(bitwOr, df$flags, 0L), approximate)
  .not_identifiable(df$status, df$reason, "similarities")
  structure(df, class = c("glovev_similarities", "data.frame"), level = .level(ci))
}

#' Cosine similarities between the rows of two matrices (text2vec's sim2)
#'
#' text2vec's \code{sim2(x, y = NULL, method = "cosine", norm = "l2")} for dense or Matrix word-vector matrices, so
#' code written for text2vec runs on \code{glovev_vectors(m)}: the rows of x and of y are scaled to unit length
#' (norm = "l2"; a row of zeros stays zero, so its similarities are 0, as in text2vec) and the result is
#' \code{tcrossprod(x, y)}, an nrow(x) x nrow(y) matrix whose dimnames are the rownames of x and y (y = NULL: x with
#' itself). norm = "none" takes the rows as they are (already unit length). Only method = "cosine": for Jaccard
#' similarities of sparse document-term matrices use text2vec::sim2. Plug-in values without uncertainty; see
#' glovev_sim2 for the same from a model, with the warnings on unreliable words.
#' @param x A numeric matrix (or a Matrix), one row per word, e.g. glovev_vectors(m).
#' @param y A numeric matrix with as many columns as x, or NULL (x with itself).
#' @param method "cosine" (text2vec's "jaccard" is not offered).
#' @param norm "l2" (default: scale the rows to unit length) or "none" (the rows are unit length already).
#' @return The matrix of cosine similarities, rows of x by rows of y.
#' @examples
#' x <- rbind(a = c(1, 0), b = c(1, 1))
#' sim2(x, rbind(c = c(0, 2)))
#' @export
sim2 <- function(x, y = NULL, method = c("cosine", "jaccard"), norm = c("l2", "none")) {
  method <- .choice(method, c("cosine", "jaccard"), "method")
  if (method == "jaccard")
    stop("method = \"jaccard\" is not offered here (it is for sparse binary document-term matrices): use text2vec::sim2", call. = FALSE)
  norm <- .choice(norm, c("l2", "none"), "norm")
  x <- .vector_matrix(x, "x")
  if (!is.null(y)) {
    y <- .vector_matrix(y, "y")
    if (ncol(x) != ncol(y)) stop(sprintf("x and y must have the same number of columns, got %d and %d", ncol(x), ncol(y)), call. = FALSE)
    if (!is.null(colnames(x)) && !is.null(colnames(y)) && !identical(colnames(x), colnames(y)))
      stop("x and y must have the same colnames (or none)", call. = FALSE)
  }
  if (norm == "l2") {
    x <- .l2_rows(x)
    if (!is.null(y)) y <- .l2_rows(y)
  }
  # Matrix's methods for Matrix objects (base's tcrossprod does not dispatch on them).
  tcp <- if (inherits(x, "Matrix") || inherits(y, "Matrix")) Matrix::tcrossprod else tcrossprod
  if (is.null(y)) tcp(x) else tcp(x, y)
}

.vector_matrix <- function(x, name) {
  sparse <- inherits(x, "Matrix")
  if (!sparse && !(is.matrix(x) && is.numeric(x)))
    stop(sprintf("%s must be a numeric matrix with one row per word (e.g. glovev_vectors(m); one vector v: matrix(v, nrow = 1)), got %s",
                 name, .what(x)), call. = FALSE)
  if (nrow(x) == 0 || ncol(x) == 0) stop(sprintf("%s must have at least one row and one column, got %d x %d", name, nrow(x), ncol(x)), call. = FALSE)
  finite <- if (sparse) all(is.finite(Matrix::rowSums(x))) else all(is.finite(x))
  if (!finite) stop(sprintf("%s contains NA, NaN or infinite values", name), call. = FALSE)
  x
}

# Rows scaled to unit L2 length; a zero row stays zero (text2vec's normalize: 1 / 0 becomes 0).
.l2_rows <- function(x) {
  s <- if (inherits(x, "Matrix")) Matrix::rowSums(x^2) else rowSums(x^2)
  k <- 1 / sqrt(s)
  k[is.infinite(k)] <- 0
  if (!inherits(x, "Matrix")) return(x * k)
  out <- Matrix::Diagonal(x = k) %*% x
  dimnames(out) <- dimnames(x)
  out
}

#' Cosine similarity matrix of a model's words
#'
#' Cosine similarities of the trained vectors between every word of x and every word of y (y = NULL: x with
#' itself), as text2vec's sim2 returns them: \code{sim2(glovev_vectors(m, x), glovev_vectors(m, y))}, a length(x) x
#' length(y) matrix with the words as dimnames. Plug-in values, no intervals (see glovev_similarities for those); a
#' warning names the unreliable words among x and y (glovev_reliability's flags: no covariance, so unknown noise;
#' noise ratio >= 1; training not converged), at most ten of them, then how many more there are. A model without
#' variances (imported vectors) gives no such warning: no word has a covariance there.
#' @param m A model from glovev_load.
#' @param x Words of the rows (a character vector).
#' @param y Words of the columns (NULL: x).
#' @export
glovev_sim2 <- function(m, x, y = NULL) {
  .ptr(m)
  x <- .chr(x, "x")
  if (!is.null(y)) y <- .chr(y, "y")
  s <- if (is.null(y)) sim2(glovev_vectors(m, x)) else sim2(glovev_vectors(m, x), glovev_vectors(m, y))
  .word_warnings(m, c(x, y))
  s
}

#' Test of two cosine similarities
#'
#' Tests cos(a,b) = cos(c,d): list(diff, plugin, sd, ci, z, p_value, method, status, flags, reason, words), of class
#' "glovev_difference" (see \link{glovev_print}); unreliable words and a not identifiable result are warnings.
#' @param m A model from glovev_load.
#' @param first The first word pair, c(a, b).
#' @param second The second word pair (or a list of word lists for the bias differences).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_compare <- function(m, first, second, method = NULL, samples = NULL, seed = NULL, ci = NULL, hold_fixed = FALSE,
                           approximate = FALSE) {
  .ptr(m)
  for (nm in c("first", "second")) {
    p <- .chr(get(nm), nm)
    if (length(p) != 2) stop(sprintf("%s must be a pair of two words, e.g. c(\"king\", \"queen\"), got %d", nm, length(p)), call. = FALSE)
  }
  r <- .Call(C_compare, .ptr(m), first[[1]], first[[2]], second[[1]], second[[2]], method, ci, samples, seed, hold_fixed, approximate)
  out <- list(diff = r[[1]], plugin = r[[2]], sd = r[[3]], ci = c(r[[4]], r[[5]]), z = r[[6]], p_value = r[[7]],
              method = .method_names[r[[8]]], status = .status_names[r[[9]] + 1], flags = as.integer(r[[10]]),
              reason = .reason(r[[11]]), words = .words(m, c(first[[1]], first[[2]], second[[1]], second[[2]]), r[[10]], approximate))
  .not_identifiable(out$status, out$reason, sprintf("cos(%s, %s) - cos(%s, %s)", first[[1]], first[[2]], second[[1]], second[[2]]))
  structure(out, class = "glovev_difference", level = .level(ci), pairs = list(first, second))
}

#' Nearest neighbours with intervals
#'
#' Top-n neighbours over the whole vocabulary with intervals and P(truly in the top n), as a data.frame. Its
#' attribute "search" is list(candidates, searched, draws, omitted_bound): candidates of the searched words (the
#' vocabulary less the query) were drawn jointly with the query; omitted_bound bounds the top-n places the others
#' may take, so each true p_top_k lies in [p_top_k - omitted_bound, p_top_k] (the core's warning says when it
#' exceeds glovev_defaults()$omitted_tolerance). Rows are ordered by the plug-in cosine, highest first; the data
#' frame has class "glovev_neighbours" (it prints with notes on rows that are not identifiable or flagged and on the
#' search, see \link{glovev_print_table}). Unreliable words and not identifiable rows are warnings. Columns: word,
#' cosine (plug-in), estimate, mean, sd, lower, upper, p_top_k, p_differs_from_next, status, flags and reason (why a
#' row is not identifiable; NA when it is). Words without a GloVe-V covariance are not candidates unless hold_fixed
#' is TRUE (their uncertainty is unknown): a row that such words beat by plug-in cosine carries the flag
#' left_out_above (64), and a warning says so.
#' @param m A model from glovev_load.
#' @param word A word of the model's vocabulary.
#' @param n Number of neighbours (1 to vocabulary size - 1).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_most_similar <- function(m, word, n = 10, ci = NULL, method = NULL, samples = NULL, seed = NULL, hold_fixed = FALSE,
                                approximate = FALSE) {
  .ptr(m)
  n <- .count(n, "n", 1, m$vocab_size - 1)
  res <- .Call(C_neighbours, .ptr(m), word, n, method, ci, samples, seed, hold_fixed, approximate)
  r <- res[[1]]; s <- res[[2]]
  words <- glovev_words(m)
  df <- data.frame(word = words[r[, 1] + 1], cosine = r[, 2], estimate = r[, 9], mean = r[, 3], sd = r[, 4], lower = r[, 5], upper = r[, 6],
             p_top_k = r[, 7], p_differs_from_next = r[, 8], status = .status_names[r[, 10] + 1], flags = as.integer(r[, 11]),
             reason = .reason(r[, 12]), stringsAsFactors = FALSE)
  # With GV_FLAG_OMITTED_BOUND the core's lines include the caveat on what the words left out may take.
  .words(m, c(word, df$word), Reduce(bitwOr, df$flags, 0L), approximate)
  .not_identifiable(df$status, df$reason, "neighbours")
  search <- list(candidates = s[[1]], searched = s[[2]], draws = s[[3]], omitted_bound = s[[4]])
  structure(df, class = c("glovev_neighbours", "data.frame"), search = search, query = word, level = .level(ci))
}

#' Word-similarity benchmark with uncertainty
#'
#' Word-similarity benchmark (word1 word2 score per line): Spearman and Pearson correlations with intervals that
#' combine a bootstrap over the pairs with the embedding noise. samples (replicates), seed, ci: NULL = the core's
#' defaults. A word without a covariance is an error unless hold_fixed = TRUE. Returns list(pairs, used, oov,
#' oov_ratio (percent of the file's pairs, as gensim), words, flagged_words, spearman, pearson, spearman_sd, spearman_ci, pearson_sd, pearson_ci, spearman_interval,
#' pearson_interval, word_reliability), the intervals as list(estimate, sd, ci, sd_pairs, sd_noise, noise_shift, level,
#' replicates), word_reliability each used word's glovev_reliability (held_fixed TRUE for a word without a covariance
#' that hold_fixed held fixed), of class "glovev_benchmark" (see \link{glovev_print}); a warning says when words are flagged.
#' @param m A model from glovev_load.
#' @param benchmark Path of a word-similarity benchmark file (word1 word2 score per line).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances (TRUE or FALSE); a warning says how much of each they drop.
#' @export
glovev_evaluate <- function(m, benchmark, samples = NULL, seed = NULL, ci = NULL, hold_fixed = FALSE, approximate = FALSE) {
  r <- .Call(C_evaluate, .ptr(m), .path(benchmark, "benchmark"), samples, seed, ci, hold_fixed, approximate)
  sp <- .correlation(r, 7); pe <- .correlation(r, 16)
  if (r[[5]] > 0)
    warning(sprintf("glovev: benchmark %s: %d of %d words flagged (no covariance and held fixed, noise ratio >= 1, cos(trained, WLS) < 0.9, or a compact covariance that drops part of the complete one; see glovev_reliability)",
                    benchmark, as.integer(r[[5]]), as.integer(r[[4]])), call. = FALSE)
  used_words <- .Call(C_benchmark_words, .ptr(m), .path(benchmark, "benchmark"))
  if (length(used_words) != r[[4]]) # the file is read twice (gv_evaluate, gv_benchmark_words)
    stop(sprintf("%s: the benchmark file changed while it was read (%d words, then %d)", benchmark, as.integer(r[[4]]), length(used_words)), call. = FALSE)
  # oov_ratio: left-out pairs in percent of the file's pairs, as gensim, the CLI and Python report it.
  structure(list(pairs = r[[1]], used = r[[2]], oov = r[[3]], oov_ratio = if (r[[1]] > 0) 100 * r[[3]] / r[[1]] else NaN,
                 words = r[[4]], flagged_words = r[[5]], spearman = r[[6]], pearson = r[[7]],
                 spearman_p = r[[26]], pearson_p = r[[27]],
                 spearman_sd = sp$sd, spearman_ci = sp$ci, pearson_sd = pe$sd, pearson_ci = pe$ci, spearman_interval = sp, pearson_interval = pe,
                 word_reliability = .words(m, used_words, if (isTRUE(approximate)) .flag_bits[["approximated"]] else 0L, approximate)),
            class = "glovev_benchmark", benchmark = benchmark)
}

#' Paired comparison of two models on a benchmark
#'
#' Paired comparison of models a and b on one benchmark: Spearman a - b on the pairs both cover, with an interval
#' and a p-value (the same pair resamples for both, vector draws independent per model). Arguments as
#' glovev_evaluate. Returns list(pairs, replicates, spearman_a, spearman_b, diff, sd, ci, p_value, sd_pairs,
#' sd_noise, level, flags_a, flags_b), of class "glovev_benchmark_comparison" (see \link{glovev_print}).
#' @param a The first model (glovev_load).
#' @param b The second model (glovev_load).
#' @param benchmark Path of a word-similarity benchmark file (word1 word2 score per line).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances of both models (TRUE or FALSE).
#' @export
glovev_evaluate_compare <- function(a, b, benchmark, samples = NULL, seed = NULL, ci = NULL, hold_fixed = FALSE, approximate = FALSE) {
  if (!inherits(a, "glovev_model") || !inherits(b, "glovev_model"))
    stop(sprintf("a and b must be glovev models (glovev_load), got %s and %s", .what(a), .what(b)), call. = FALSE)
  r <- .Call(C_evaluate_compare, .ptr(a), .ptr(b), .path(benchmark, "benchmark"), samples, seed, ci, hold_fixed, approximate)
  if (r[[13]] != 0 || r[[14]] != 0)
    warning(sprintf("glovev: benchmark %s: flagged words (flags: model a %s, model b %s; see glovev_reliability)",
                    benchmark, .flag_text(r[[13]]), .flag_text(r[[14]])), call. = FALSE)
  structure(list(pairs = r[[1]], replicates = r[[2]], spearman_a = r[[3]], spearman_b = r[[4]], diff = r[[5]], sd = r[[6]], ci = c(r[[7]], r[[8]]),
                 p_value = r[[9]], sd_pairs = r[[10]], sd_noise = r[[11]], level = r[[12]], flags_a = as.integer(r[[13]]), flags_b = as.integer(r[[14]])),
            class = "glovev_benchmark_comparison", benchmark = benchmark)
}

#' WEAT effect size with intervals
#'
#' WEAT (Caliskan et al. 2017): x, y target words, a, b attribute words (unknown words are skipped; a list left
#' with fewer than 2 words is an error). Intervals of the effect size and of the statistic by `method` (as
#' glovev_similarity); approximate = TRUE uses the compact covariances. Returns list(statistic, effect_size,
#' p_value, permutations, exact, effect_size_interval, statistic_interval, effect_size_sd, effect_size_ci,
#' words), of class "glovev_weat" (see \link{glovev_print}). The word lists must be character vectors (a factor is
#' an error, not read as its labels). Unreliable words and not identifiable intervals are warnings.
#' @param m A model from glovev_load.
#' @param x The first target word list.
#' @param y The second target word list.
#' @param a The first attribute word list.
#' @param b The second attribute word list.
#' @param permutations Random re-partitions for the permutation p-value (all of them when fewer exist; NULL: the
#'   core's default, glovev_defaults()$permutations).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_weat <- function(m, x, y, a, b, permutations = NULL, ci = NULL, method = NULL, samples = NULL, seed = NULL,
                        hold_fixed = FALSE, approximate = FALSE) {
  .ptr(m)
  x <- .chr(x, "x"); y <- .chr(y, "y"); a <- .chr(a, "a"); b <- .chr(b, "b")
  .warn_lists(m, list(X = x, Y = y, A = a, B = b))
  r <- .Call(C_weat, .ptr(m), x, y, a, b, permutations, method, ci, samples, seed, hold_fixed, approximate)
  e <- .interval(r, 5, ci); s <- .interval(r, 5 + .interval_len, ci)
  out <- list(statistic = r[[1]], effect_size = r[[2]], p_value = r[[3]], permutations = r[[4]], exact = r[[5]] == 1,
              effect_size_interval = e, statistic_interval = s, effect_size_sd = e$sd, effect_size_ci = e$ci,
              words = .words(m, .known(m, c(x, y, a, b)), bitwOr(e$flags, s$flags), approximate))
  .not_identifiable(c(e$status, s$status), c(e$reason, s$reason), "WEAT intervals (effect size, statistic)")
  structure(out, class = "glovev_weat", level = .level(ci))
}

#' Relative norm distance with an interval
#'
#' Relative norm distance (Garg et al. 2018) with an interval and the test of RND = 0 (z = interval estimate /
#' sd, p_value from the interval); arguments as glovev_weat. Returns list(value, z, p_value, neutral, interval,
#' sd, ci, words), of class "glovev_rnd" (see \link{glovev_print}).
#' @param m A model from glovev_load.
#' @param group1 The first group's word list.
#' @param group2 The second group's word list.
#' @param neutral The neutral word list.
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_rnd <- function(m, group1, group2, neutral, ci = NULL, method = NULL, samples = NULL, seed = NULL,
                       hold_fixed = FALSE, approximate = FALSE) {
  .ptr(m)
  group1 <- .chr(group1, "group1"); group2 <- .chr(group2, "group2"); neutral <- .chr(neutral, "neutral")
  .warn_lists(m, list(GROUP1 = group1, GROUP2 = group2, NEUTRAL = neutral))
  r <- .Call(C_rnd, .ptr(m), group1, group2, neutral, method, ci, samples, seed, hold_fixed, approximate)
  iv <- .interval(r, 4, ci)
  out <- list(value = r[[1]], z = r[[2]], p_value = r[[3]], neutral = r[[4]], interval = iv, sd = iv$sd, ci = iv$ci,
              words = .words(m, .known(m, c(group1, group2, neutral)), iv$flags, approximate))
  .not_identifiable(iv$status, iv$reason, "relative norm distance")
  structure(out, class = "glovev_rnd", level = .level(ci))
}

.bias_difference <- function(m, call, first, second, n, parts, ci, method, samples, seed, hold_fixed, approximate) {
  for (nm in c("first", "second")) {
    l <- get(nm)
    if (!is.list(l)) stop(sprintf("%s must be a list of %d character vectors (%s)", nm, n, parts), call. = FALSE)
    if (length(l) != n) stop(sprintf("%s must hold %d word lists (%s), got %d", nm, n, parts, length(l)), call. = FALSE)
  }
  .ptr(m)
  labels <- strsplit(parts, ", ", fixed = TRUE)[[1]]
  for (nm in c("first", "second")) {
    l <- get(nm)
    for (i in seq_len(n)) .chr(l[[i]], sprintf("%s[[%d]] (%s)", nm, i, labels[[i]]))
  }
  r <- .Call(call, .ptr(m), first, second, method, ci, samples, seed, hold_fixed, approximate)
  iv <- .interval(r, 2, ci)
  out <- list(first = r[[1]], second = r[[2]], difference = iv, estimate = iv$estimate, sd = iv$sd, ci = iv$ci, p_value = iv$p_value,
              words = .words(m, .known(m, unlist(c(first, second))), iv$flags, approximate))
  statistic <- if (n == 4) "WEAT effect size" else "relative norm distance"
  .not_identifiable(iv$status, iv$reason, sprintf("difference of two %ss", statistic))
  structure(out, class = "glovev_bias_difference", level = .level(ci), statistic = statistic)
}

#' Difference of two WEAT effect sizes
#'
#' WEAT effect size with the `first` lists minus that with the `second` (each list(x, y, a, b) of character
#' vectors), on one model, with an interval and the test of equal effect sizes (words the lists share enter
#' once). Other arguments as glovev_weat. Returns list(first, second, difference (the interval), estimate, sd,
#' ci, p_value, words), of class "glovev_bias_difference" (see \link{glovev_print}).
#' @param m A model from glovev_load.
#' @param first The first setting: list(X, Y, A, B) of word lists.
#' @param second The second setting: list(X, Y, A, B).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_weat_difference <- function(m, first, second, ci = NULL, method = NULL, samples = NULL, seed = NULL,
                                   hold_fixed = FALSE, approximate = FALSE)
  .bias_difference(m, C_weat_difference, first, second, 4, "X, Y, A, B", ci, method, samples, seed, hold_fixed, approximate)

#' Difference of two relative norm distances
#'
#' RND with the `first` lists minus RND with the `second` (each list(group1, group2, neutral)); as
#' glovev_weat_difference.
#' @param m A model from glovev_load.
#' @param first The first setting: list(group1, group2, neutral) of word lists.
#' @param second The second setting: list(group1, group2, neutral).
#' @param ci Confidence level of the interval (NULL: the core's default, 0.95).
#' @param method Interval method: "calibrated", "delta" (the paper's delta method) or "sample" (method of composition);
#'   NULL: the core's default ("calibrated", see glovev_defaults()).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param hold_fixed Treat words without a GloVe-V covariance as exact (flagged) instead of failing.
#' @param approximate Use the compact (approximated) covariances.
#' @export
glovev_rnd_difference <- function(m, first, second, ci = NULL, method = NULL, samples = NULL, seed = NULL,
                                  hold_fixed = FALSE, approximate = FALSE)
  .bias_difference(m, C_rnd_difference, first, second, 3, "GROUP1, GROUP2, NEUTRAL", ci, method, samples, seed, hold_fixed, approximate)

.flags <- function(lowercase, split_punctuation)
  as.integer(.flag(lowercase, "lowercase")) + 2L * as.integer(.flag(split_punctuation, "split_punctuation"))

# A byte count from a number or a string with a K/M/G suffix ("512M", "4G"), as Python's memory= takes it.
.bytes <- function(x, name = "memory") {
  if (is.numeric(x) && length(x) == 1 && is.finite(x) && x > 0 && x == round(x)) return(as.numeric(x))
  if (is.character(x) && length(x) == 1) {
    m <- regmatches(x, regexec("^\\s*([0-9]+(\\.[0-9]+)?)\\s*([KkMmGg]?)[Bb]?\\s*$", x))[[1]]
    if (length(m) == 4) return(round(as.numeric(m[2]) * c(1, 2^10, 2^20, 2^30)[match(toupper(m[4]), c("", "K", "M", "G"))]))
  }
  stop(sprintf("%s must be a number of bytes or a size such as \"512M\" or \"4G\", got %s", name, deparse(x)), call. = FALSE)
}

# A whole number in [lo, hi], checked before it reaches C (as.integer would wrap or give NA silently).
.count <- function(x, name, lo, hi) {
  if (!(is.numeric(x) && length(x) == 1 && is.finite(x) && x == round(x) && x >= lo && x <= hi))
    stop(sprintf("%s must be a whole number from %s to %s, got %s", name, format(lo), format(hi), deparse(x)), call. = FALSE)
  as.integer(x)
}

#' Build a vocabulary
#'
#' Writes GloVe C's vocab.txt; returns the vocabulary size.
#' @param corpus Path of a corpus file (UTF-8 text, one document per line; .gz accepted).
#' @param out Output file path.
#' @param min_count Vocabulary cut-off (NULL: the core's default, 5).
#' @param max_vocab Keep at most this many words (NULL or 0: no limit).
#' @param lowercase Lowercase tokens (must match how the vocabulary was counted).
#' @param split_punctuation Split punctuation off as tokens (must match how the vocabulary was counted).
#' @param threads Worker threads (NULL or 0: all cores).
#' @export
glovev_build_vocab <- function(corpus, out, min_count = NULL, max_vocab = NULL, lowercase = FALSE, split_punctuation = FALSE, threads = NULL) {
  .Call(C_vocab_build, .path(corpus, "corpus"), .path(out, "out"), min_count, max_vocab, .flags(lowercase, split_punctuation), threads)
}

#' Count co-occurrences
#'
#' Counts co-occurrences into out_dir; returns the number of non-zeros.
#' @param corpus Path of a corpus file (UTF-8 text, one document per line; .gz accepted).
#' @param vocab Path of a vocab.txt (for the bootstrap: the vocabulary to keep fixed, e.g. a model's).
#' @param out_dir Output folder (written atomically).
#' @param window Context window size (NULL: the core's default, 10).
#' @param symmetric Count left and right contexts (NULL: the core's default, TRUE).
#' @param distance_weighting Add 1/distance per pair (GloVe C's default) instead of 1 (NULL: TRUE).
#' @param memory Memory budget: bytes, or a size such as "512M" or "4G" (NULL: the core's default, 4G).
#' @param lowercase Lowercase tokens (must match how the vocabulary was counted).
#' @param split_punctuation Split punctuation off as tokens (must match how the vocabulary was counted).
#' @param threads Worker threads (NULL or 0: all cores).
#' @export
glovev_cooccur <- function(corpus, vocab, out_dir, window = NULL, symmetric = NULL, distance_weighting = NULL, memory = NULL,
                           lowercase = FALSE, split_punctuation = FALSE, threads = NULL) {
  .Call(C_cooccur, .path(corpus, "corpus"), .path(vocab, "vocab"), .path(out_dir, "out_dir"), window, symmetric, distance_weighting,
        if (is.null(memory)) NULL else .bytes(memory), threads, .flags(lowercase, split_punctuation))
}

#' Train GloVe
#'
#' Trains GloVe into out_dir; returns the final cost. epochs: AdaGrad epochs, or "auto" (at most max_epochs;
#' stops once the cost flattens and frequent words sit near their WLS optimum). als_sweeps: alternating
#' least-squares sweeps afterwards (every word vector ends at its exact WLS optimum, GloVe-V's premise); ridge:
#' lambda on the vectors in those sweeps (used by glovev_variance).
#' @param cooccur_dir A co-occurrence folder (cooccurrence.bin, cooccurrence.csr.safetensors).
#' @param vocab Path of a vocab.txt (for the bootstrap: the vocabulary to keep fixed, e.g. a model's).
#' @param out_dir Output folder (written atomically).
#' @param dim Vector size D (NULL: the core's default, 100 for glovev_train).
#' @param epochs AdaGrad epochs (a whole number, or "auto" for glovev_train; NULL: the core's default, 25).
#' @param threads Worker threads (NULL or 0: all cores).
#' @param eta AdaGrad learning rate (NULL: 0.05).
#' @param x_max Weighting cut-off x_max of f(x) = min(1, (x / x_max)^alpha) (NULL: 100).
#' @param alpha Weighting exponent alpha (NULL: 0.75).
#' @param seed Random seed (NULL: the core's default, 1): a whole number from 1 to 2^53 - 1, or a string of decimal
#'   digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every whole number from 2^53
#'   on, so a larger numeric seed is an error).
#' @param als_sweeps Alternating least-squares sweeps after the epochs (every word vector ends at its WLS optimum; NULL: 0).
#' @param ridge Ridge lambda on the vectors in the ALS sweeps (used by the variance stage; NULL: 0).
#' @param max_epochs With epochs = "auto": the most AdaGrad epochs.
#' @export
glovev_train <- function(cooccur_dir, vocab, out_dir, dim = NULL, epochs = NULL, threads = NULL, eta = NULL, x_max = NULL, alpha = NULL,
                         seed = NULL, als_sweeps = NULL, ridge = NULL, max_epochs = 100) {
  auto <- identical(epochs, "auto")
  if (!auto && !is.null(epochs) && !(is.numeric(epochs) && length(epochs) == 1 && epochs >= 0 && epochs == round(epochs)))
    stop(sprintf("epochs must be a whole number >= 0 or \"auto\", got %s", deparse(epochs)[[1]]), call. = FALSE)
  if (auto) max_epochs <- .count(max_epochs, "max_epochs", 1, .Machine$integer.max)
  else if (!missing(max_epochs)) stop("max_epochs only applies with epochs = \"auto\"", call. = FALSE)
  .Call(C_train, .path(cooccur_dir, "cooccur_dir"), .path(vocab, "vocab"), .path(out_dir, "out_dir"), dim,
        if (auto) max_epochs else epochs, threads, eta, x_max, alpha, seed, als_sweeps, ridge, auto)
}

#' Compute GloVe-V covariances
#'
#' Computes GloVe-V covariances; returns the number of words that got one.
#' @param model_dir A model folder (vocab.txt, params.safetensors, variances/).
#' @param cooccur_dir A co-occurrence folder (cooccurrence.bin, cooccurrence.csr.safetensors).
#' @param out_dir Output folder (written atomically).
#' @param threads Worker threads (NULL or 0: all cores).
#' @param approx Reconstruction target of the compact covariance form (0: none; NULL: the core's default, 0.9).
#' @param complete Also write the complete D x D covariances (NULL: TRUE).
#' @param refine Replace each trained vector by its WLS solution before the residuals (NULL: FALSE).
#' @export
glovev_variance <- function(model_dir, cooccur_dir, out_dir = NULL, threads = NULL, approx = NULL, complete = NULL, refine = NULL) {
  .Call(C_variance, .path(model_dir, "model_dir"), .path(cooccur_dir, "cooccur_dir"), if (is.null(out_dir)) NULL else .path(out_dir, "out_dir"),
        threads, approx, complete, refine)
}

#' Open a co-occurrence matrix
#'
#' Opens a co-occurrence folder (memory-mapped CSR) with its vocabulary.
#' @param cooccur_dir A co-occurrence folder (cooccurrence.bin, cooccurrence.csr.safetensors).
#' @param vocab Path of a vocab.txt (for the bootstrap: the vocabulary to keep fixed, e.g. a model's).
#' @export
glovev_cooccurrence <- function(cooccur_dir, vocab) {
  xp <- .Call(C_matrix_open, .path(cooccur_dir, "cooccur_dir"), .path(vocab, "vocab"))
  shape <- .Call(C_matrix_shape, xp)
  structure(list(ptr = xp, rows = shape[[1]], nonzeros = shape[[2]]), class = "glovev_cooccurrence")
}

#' One row of a co-occurrence matrix
#'
#' Row i (1-based, as R counts) of the co-occurrence matrix: a data.frame of context ids (1-based) and weights.
#' @param x A co-occurrence matrix from glovev_cooccurrence.
#' @param i A 1-based row number.
#' @export
glovev_cooccurrence_row <- function(x, i) {
  .cooccurrence(x)
  i <- .count(i, "i (1-based row)", 1, x$rows)
  r <- .Call(C_matrix_row, x$ptr, as.numeric(i) - 1)
  data.frame(context = r[[1]] + 1L, x = r[[2]])
}

#' The whole co-occurrence matrix as a sparse matrix
#'
#' The co-occurrence counts X as a Matrix::dgCMatrix (V x V) with the words as dimnames, in the shape a feature
#' co-occurrence matrix has in quanteda and conText (for conText::compute_transform, convert it with
#' quanteda::as.fcm). Needs the Matrix package.
#' @param x A co-occurrence matrix from glovev_cooccurrence.
#' @param vocab Path of its vocab.txt (the dimnames).
#' @export
glovev_cooccurrence_matrix <- function(x, vocab) {
  if (!requireNamespace("Matrix", quietly = TRUE)) stop("glovev_cooccurrence_matrix needs the Matrix package (Debian: r-cran-matrix)", call. = FALSE)
  .cooccurrence(x)
  words <- .vocab_words(.path(vocab, "vocab"))
  if (length(words) != x$rows) stop(sprintf("%s lists %d words but the matrix has %d rows", vocab, length(words), as.integer(x$rows)), call. = FALSE)
  csr <- .Call(C_matrix_csr, x$ptr)
  # Row pointers with 0-based columns: a row-compressed matrix, then the column-compressed form most packages take.
  m <- Matrix::sparseMatrix(j = csr[[2]], p = csr[[1]], x = csr[[3]], dims = c(x$rows, x$rows), dimnames = list(words, words), index1 = FALSE)
  methods::as(m, "CsparseMatrix")
}

.cooccurrence <- function(x) {
  if (!inherits(x, "glovev_cooccurrence")) stop(sprintf("x must be a co-occurrence matrix from glovev_cooccurrence, got %s", .what(x)), call. = FALSE)
  invisible(x)
}

.vocab_words <- function(vocab) {
  lines <- readLines(path.expand(vocab), encoding = "UTF-8", warn = FALSE)
  sub(" [^ ]*$", "", lines[nzchar(lines)])
}

#' Read vectors from word2vec, gensim or GloVe files
#'
#' Writes a vector file as a model folder (vocab.txt with counts 1, vectors.safetensors) and opens it. The
#' formats carry no counts, context vectors or covariances: queries need hold_fixed = TRUE. Malformed files are
#' an error naming the file and line.
#' @param path The vector file.
#' @param out_dir The model folder to write.
#' @param format "word2vec" (text with a "V D" header, as gensim's save_word2vec_format), "word2vec-bin" (binary)
#'   or "glove-txt" (GloVe's header-less vectors.txt, e.g. glove.6B.100d.txt).
#' @export
glovev_import_vectors <- function(path, out_dir, format = "word2vec") {
  code <- match(.choice(format, .vector_formats, "format"), .vector_formats)
  .Call(C_import_vectors, .path(path, "path"), code, .path(out_dir, "out_dir"))
  glovev_load(out_dir)
}

#' Write vectors as word2vec, gensim or GloVe files
#'
#' Writes a model's word vectors (the ones its queries use) to a file gensim's load_word2vec_format, word2vec or
#' GloVe's tools read; returns the number of words.
#' @param m A model from glovev_load.
#' @param path The file to write.
#' @param format "word2vec" (text), "word2vec-bin" (float32 binary) or "glove-txt" (no header).
#' @export
glovev_export_vectors <- function(m, path, format = "word2vec") {
  code <- match(.choice(format, .vector_formats, "format"), .vector_formats)
  .ptr(m)
  .Call(C_export_vectors, m$dir, code, .path(path, "path"))
}

.vector_formats <- c("word2vec", "word2vec-bin", "glove-txt")  # GV_FORMAT_* codes 1, 2, 3

# ---- checks of one's own corpus (README, "How far to trust the intervals") ----

.read_table <- function(path) utils::read.delim(path, na.strings = "NA", stringsAsFactors = FALSE, quote = "")

#' Coverage of the interval methods on one's own model
#'
#' Coverage of the interval methods in a simulation from the fitted model (glovev calibrate). Returns a data
#' frame with one row per band, statistic (cosine_neighbour, cosine_random, difference) and method: band,
#' rank_from, rank_to, words, median_noise_ratio, median_dof, statistic, method, intervals, coverage,
#' coverage_se, median_width, not_identifiable. NULL arguments take the core's defaults (bands 300, 1000, 3000,
#' 10000; 40 words per band; 25 replicates; all methods).
#' @param model_dir A model folder (vocab.txt, params.safetensors, variances/).
#' @param cooccur_dir A co-occurrence folder (cooccurrence.bin, cooccurrence.csr.safetensors).
#' @param bands Upper frequency ranks of the bands (NULL: 300, 1000, 3000, 10000; the last band is every rank above).
#' @param words_per_band Words sampled per band (NULL: the core's default, 40).
#' @param replicates Number of replicates (NULL: the core's default).
#' @param methods Interval methods to score: any of "calibrated", "delta", "sample" (NULL: all).
#' @param samples Draws of the drawing methods (NULL: the core's default).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param level Confidence level (NULL: 0.95).
#' @param threads Worker threads (0: all cores).
#' @export
glovev_calibrate <- function(model_dir, cooccur_dir, bands = NULL, words_per_band = NULL, replicates = NULL, methods = NULL,
                             samples = NULL, seed = NULL, level = NULL, threads = 0) {
  mask <- NULL
  if (!is.null(methods)) {
    if (!is.character(methods) || length(methods) == 0 || anyNA(methods))
      stop("methods must be a character vector of method names")
    # Names, aliases and codes are the core's (gv_method_parse); the mask has bit 1 << GV_METHOD_*.
    code <- function(m) tryCatch(.Call(C_method_code, m), error = function(e) stop("methods: ", conditionMessage(e), call. = FALSE))
    mask <- Reduce(bitwOr, vapply(methods, function(m) bitwShiftL(1L, code(m)), integer(1)))
  }
  table <- tempfile(fileext = ".tsv")
  on.exit(unlink(table))
  .Call(C_calibrate, .path(model_dir, "model_dir"), .path(cooccur_dir, "cooccur_dir"), table, bands, words_per_band, replicates, mask,
        samples, seed, level, threads)
  .read_table(table)
}

#' Document bootstrap and seed-only replicates
#'
#' Retrains on documents (lines) resampled with replacement, and on new seeds (glovev bootstrap), with a fixed
#' vocabulary (vocab: e.g. a model's vocab.txt). Replicates land in out_dir/replicates; a rerun resumes. Returns
#' how many this call trained. NULL arguments take glovev run's settings (dim 50, 10 epochs, 4 ALS sweeps, ridge
#' 0.3, window 10).
#' @param corpus Path of a corpus file (UTF-8 text, one document per line; .gz accepted).
#' @param out_dir Output folder (written atomically).
#' @param replicates Number of replicates (NULL: the core's default).
#' @param seed_replicates Seed-only replicates on the original corpus (NULL: the core's default, 0).
#' @param vocab Path of a vocab.txt (for the bootstrap: the vocabulary to keep fixed, e.g. a model's).
#' @param dim Vector size D.
#' @param epochs AdaGrad epochs (a whole number, or "auto" for glovev_train).
#' @param als_sweeps Alternating least-squares sweeps after the epochs (every word vector ends at its WLS optimum).
#' @param ridge Ridge lambda on the vectors in the ALS sweeps (used by the variance stage).
#' @param min_count Vocabulary cut-off.
#' @param window Context window size.
#' @param lowercase Lowercase tokens (must match how the vocabulary was counted).
#' @param split_punctuation Split punctuation off as tokens (must match how the vocabulary was counted).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @param threads Worker threads (0: all cores).
#' @export
glovev_bootstrap <- function(corpus, out_dir, replicates = NULL, seed_replicates = NULL, vocab = NULL, dim = NULL, epochs = NULL,
                             als_sweeps = NULL, ridge = NULL, min_count = NULL, window = NULL, lowercase = TRUE,
                             split_punctuation = TRUE, seed = NULL, threads = 0) {
  .Call(C_bootstrap, .path(corpus, "corpus"), .path(out_dir, "out_dir"), replicates, seed_replicates,
        if (is.null(vocab)) NULL else .path(vocab, "vocab"), dim, epochs, als_sweeps, ridge, min_count, window,
        .flags(lowercase, split_punctuation), seed, threads)
}

#' GloVe-V's uncertainty against the bootstrap's
#'
#' GloVe-V's SD of cos(word, nearest neighbour) (delta method) against the document-bootstrap and seed-only SDs,
#' by frequency band (glovev compare-uncertainty). Returns list(bands = data frame, pairs = data frame); see
#' glovev.h for the columns.
#' @param model_dir A model folder (vocab.txt, params.safetensors, variances/).
#' @param bootstrap_dir A folder written by glovev_bootstrap with the model's vocabulary.
#' @param bands Upper frequency ranks of the bands (NULL: 300, 1000, 3000, 10000; the last band is every rank above).
#' @param pairs_per_band Words sampled per band, each paired with its nearest neighbour (NULL: 80).
#' @param seed Random seed (NULL: the core's default; the delta method takes none): a whole number from 1 to 2^53 - 1,
#'   or a string of decimal digits up to "18446744073709551615" (2^64 - 1) for any seed (R's numbers cannot hold every
#'   whole number from 2^53 on, so a larger numeric seed is an error).
#' @export
glovev_compare_uncertainty <- function(model_dir, bootstrap_dir, bands = NULL, pairs_per_band = NULL, seed = NULL) {
  bp <- tempfile(fileext = ".tsv"); pp <- tempfile(fileext = ".tsv")
  on.exit(unlink(c(bp, pp)))
  .Call(C_compare_uncertainty, .path(model_dir, "model_dir"), .path(bootstrap_dir, "bootstrap_dir"), bp, pp, bands, pairs_per_band, seed)
  list(bands = .read_table(bp), pairs = .read_table(pp))
}
