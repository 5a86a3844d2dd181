# What an R user with text2vec / conText habits expects: text2vec's sim2, warnings on unreliable or not identifiable
# results, arguments checked in R's terms, and prints that never pass a not-identifiable number off as an answer.
fixture <- Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture"))
open_model <- function() suppressWarnings(glovev_load(file.path(fixture, "model")))

# Cosine similarities by their definition, one pair at a time (independent of sim2's matrix algebra).
cosines <- function(x, y) {
  out <- matrix(NA_real_, nrow(x), nrow(y), dimnames = list(rownames(x), rownames(y)))
  for (i in seq_len(nrow(x))) for (j in seq_len(nrow(y))) {
    a <- x[i, ]; b <- y[j, ]
    out[i, j] <- sum(a * b) / sqrt(sum(a * a) * sum(b * b))
  }
  out
}

# Every warning of expr, muffled.
warnings_of <- function(expr) {
  w <- character()
  value <- withCallingHandlers(expr, warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
  list(value = value, warnings = w)
}

test_that("sim2 has text2vec's signature and semantics", {
  expect_equal(names(formals(sim2)), c("x", "y", "method", "norm"))
  set.seed(4)
  x <- matrix(rnorm(12), 4, dimnames = list(c("a", "b", "c", "d"), NULL))
  y <- matrix(rnorm(6), 2, dimnames = list(c("u", "v"), NULL))
  s <- sim2(x, y, method = "cosine", norm = "l2")
  expect_true(is.matrix(s))
  expect_equal(dimnames(s), list(rownames(x), rownames(y)))
  expect_equal(s, cosines(x, y), tolerance = 1e-14)
  expect_equal(sim2(x, y), s)
  sx <- sim2(x)
  expect_equal(sx, cosines(x, x), tolerance = 1e-14)
  expect_equal(unname(diag(sx)), rep(1, 4), tolerance = 1e-14)
  # norm = "none": the rows are taken as they are (text2vec: tcrossprod of the unnormalised rows).
  expect_equal(sim2(x, y, norm = "none"), x %*% t(y), tolerance = 1e-14)
  # A row of zeros: text2vec's normalize turns 1 / 0 into 0, so its similarities are 0, not NaN.
  z <- rbind(x, zero = 0)
  sz <- sim2(z, y)
  expect_equal(unname(sz["zero", ]), c(0, 0))
  expect_equal(sz[1:4, ], s, tolerance = 1e-14)
  # A Matrix (sparse or dense) gives the same numbers.
  expect_equal(as.matrix(sim2(Matrix::Matrix(x, sparse = TRUE), Matrix::Matrix(y))), s, tolerance = 1e-14)
  # Unnamed rows give an unnamed matrix, as tcrossprod does.
  expect_null(dimnames(sim2(unname(x), unname(y))))
})

test_that("sim2 rejects what text2vec would not compute, naming the argument", {
  x <- matrix(1:6 + 0, 2)
  expect_error(sim2(as.data.frame(x)), "x must be a numeric matrix")
  expect_error(sim2(c(1, 2, 3)), "x must be a numeric matrix")
  expect_error(sim2(x, matrix(1, 2, 2)), "same number of columns, got 3 and 2")
  expect_error(sim2(rbind(x, c(1, NA, 2))), "x contains NA")
  expect_error(sim2(x, matrix(c(1, NaN, 1), 1)), "y contains NA")
  expect_error(sim2(matrix(character(), 0, 2)), "x must be a numeric matrix")
  expect_error(sim2(x, method = "jaccard"), "text2vec::sim2")
  expect_error(sim2(x, norm = "l1"), "norm must be one of")
  expect_error(sim2(x, method = NA), "method must be one of")
  expect_error(sim2(matrix(0, 0, 3)), "at least one row")
})

test_that("glovev_sim2 is sim2 of the model's vectors, with warnings naming the unreliable words", {
  m <- open_model()
  on.exit(glovev_close(m))
  words <- c("war", "peace", "army")
  v <- glovev_vectors(m, words)
  expect_equal(rownames(v), words)
  expect_identical(unname(v["army", ]), glovev_vector(m, "army"))
  s <- glovev_sim2(m, words, c("navy", "treaty"))
  expect_equal(s, cosines(v, glovev_vectors(m, c("navy", "treaty"))), tolerance = 1e-12)
  # Words with no reliability flag: no warning. A flagged word (enemy: training not converged): the core's warning.
  expect_equal(vapply(words, function(w) glovev_reliability(m, w)$flags, 0L, USE.NAMES = FALSE), c(0L, 0L, 0L))
  expect_no_warning(glovev_sim2(m, words))
  expect_warning(glovev_sim2(m, "war", "enemy"), "'enemy': cos\\(trained, WLS\\)")
  # Many flagged words: ten are named, then how many more (counted here from glovev_reliability).
  many <- glovev_words(m)[1:300]
  flagged <- sum(vapply(many, function(w) glovev_reliability(m, w)$flags != 0L, TRUE))
  expect_true(flagged > 10)
  r <- warnings_of(glovev_sim2(m, many))
  expect_equal(dim(r$value), c(300L, 300L))
  expect_true(any(grepl(sprintf("glovev: %d more of these 300 words are unreliable", flagged - 10), r$warnings, fixed = TRUE)))
  expect_error(glovev_sim2(m, c("war", NA)), "x contains NA")
  expect_error(glovev_sim2(m, factor("war")), "x must be a character vector, not a factor")
  expect_error(glovev_sim2("not a model", "war"), "m must be a glovev model")
})

test_that("a zero vector has cosine 0 in glovev_sim2, as in the core's plug-in and in text2vec", {
  dir <- tempfile("glovev-zero")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  f <- file.path(dir, "in.txt")
  writeLines(c("3 2", "alpha 0.5 -1.25", "beta 3 4", "gamma 0 0"), f)
  m <- glovev_import_vectors(f, file.path(dir, "m"))
  s <- suppressWarnings(glovev_sim2(m, c("alpha", "beta", "gamma")))
  expect_false(anyNA(s))
  expect_equal(unname(s["gamma", ]), c(0, 0, 0))
  expect_equal(s["alpha", "beta"], (0.5 * 3 - 1.25 * 4) / (sqrt(0.5^2 + 1.25^2) * 5), tolerance = 1e-7)
  core <- suppressWarnings(glovev_similarity(m, "alpha", "gamma", method = "delta", hold_fixed = TRUE))
  expect_equal(s["alpha", "gamma"], core$plugin)
  # Imported vectors have no variances, so no word has a covariance: that says nothing about a plug-in value, and
  # the core (gv_word_warnings) gives no warning for it, as in Python.
  expect_silent(glovev_sim2(m, "alpha", "beta"))
  glovev_close(m)
})

test_that("neighbours come as a data frame ordered by cosine, as the vocabulary's cosines in R order them", {
  m <- open_model()
  on.exit(glovev_close(m))
  nb <- suppressWarnings(glovev_most_similar(m, "peace", n = 8, method = "delta"))
  expect_s3_class(nb, "data.frame")
  all <- glovev_vectors(m)
  q <- all["peace", ]
  cs <- drop(all %*% q) / sqrt(rowSums(all^2) * sum(q^2))
  cs <- cs[names(cs) != "peace"]
  top <- head(cs[order(-cs)], 8)
  expect_equal(nb$word, names(top))
  expect_equal(nb$cosine, unname(top), tolerance = 1e-12)
})

test_that("not identifiable results warn, with the core's reason", {
  m <- open_model()
  on.exit(glovev_close(m))
  r <- warnings_of(glovev_similarity(m, "army", "enemy"))
  expect_equal(r$value$status, "not_identifiable")
  expect_true(any(grepl("glovev: cos(army, enemy) not identifiable (bootstrap_undefined)", r$warnings, fixed = TRUE)))
  r <- warnings_of(glovev_similarities(m, c("war", "army"), c("peace", "enemy")))
  expect_equal(r$value$status, c("ok", "not_identifiable"))
  expect_true(any(grepl("1 of 2 similarities not identifiable (bootstrap_undefined)", r$warnings, fixed = TRUE)))
  r <- warnings_of(glovev_most_similar(m, "army", n = 5))
  k <- sum(r$value$status == "not_identifiable")
  expect_true(k > 0)
  expect_true(any(grepl(sprintf("%d of 5 neighbours not identifiable", k), r$warnings, fixed = TRUE)))
  r <- warnings_of(glovev_rnd(m, c("war", "army"), c("peace", "treaty"), c("enemy", "force", "trade"), samples = 200))
  expect_true(any(grepl("relative norm distance not identifiable (debiased_norm_not_positive)", r$warnings, fixed = TRUE)))
  r <- warnings_of(glovev_compare(m, c("army", "enemy"), c("war", "peace")))
  expect_equal(r$value$status, "not_identifiable")
  expect_true(any(grepl("cos(army, enemy) - cos(war, peace) not identifiable", r$warnings, fixed = TRUE)))
  # An identifiable result of reliable words says nothing.
  expect_no_warning(s <- glovev_similarity(m, "war", "peace"))
  expect_equal(s$status, "ok")
})

test_that("prints show status and flags, and no estimate, sd or interval for a not identifiable result", {
  m <- open_model()
  on.exit(glovev_close(m))
  a <- glovev_vector(m, "army"); e <- glovev_vector(m, "enemy")
  plug <- sum(a * e) / sqrt(sum(a^2) * sum(e^2))
  s <- suppressWarnings(glovev_similarity(m, "army", "enemy"))
  expect_s3_class(s, "glovev_similarity")
  expect_equal(s$plugin, plug, tolerance = 1e-12)
  out <- capture.output(print(s))
  expect_true(any(grepl(format(signif(plug, 4)), out, fixed = TRUE)))
  expect_true(any(grepl("NOT IDENTIFIABLE (bootstrap_undefined)", out, fixed = TRUE)))
  expect_true(any(grepl("status: not_identifiable (bootstrap_undefined); flags: 4 (not_converged)", out, fixed = TRUE)))
  expect_true(any(grepl("unreliable words: enemy [not_converged]", out, fixed = TRUE)))
  # The core reports no estimate or sd for it (it once reported an "estimate" of 4 and an sd of 4.6), and nothing
  # stands in for them in print.
  expect_true(is.na(s$estimate) && is.na(s$sd) && is.na(s$p_value))
  expect_false(any(grepl("estimate NA|sd NA", out)))
  expect_identical(capture.output(r <- print(s)), out)
  expect_identical(r, s)
  # An identifiable result prints its estimate, sd, interval at its level, p-value, status and flags.
  d <- glovev_similarity(m, "war", "peace", method = "delta", ci = 0.9)
  out <- capture.output(print(d))
  expect_true(any(grepl(sprintf("delta estimate %s, sd %s, 90%% interval [%s, %s]", format(signif(d$estimate, 4)), format(signif(d$sd, 4)),
                                format(signif(d$ci[1], 4)), format(signif(d$ci[2], 4))), out, fixed = TRUE)))
  expect_true(any(grepl("status: ok; flags: none", out, fixed = TRUE)))
  # The list is still a list: fields as before.
  expect_equal(d$cosine, d$plugin)
  expect_equal(unclass(d)$ci, d$ci)
  # RND, comparison, WEAT and a bias difference print the same way.
  r <- suppressWarnings(glovev_rnd(m, c("war", "army"), c("peace", "treaty"), c("enemy", "force", "trade"), samples = 200))
  out <- capture.output(print(r))
  expect_true(any(grepl("NOT IDENTIFIABLE (debiased_norm_not_positive)", out, fixed = TRUE)))
  expect_true(any(grepl(format(signif(r$value, 4)), out, fixed = TRUE)))
  c2 <- suppressWarnings(glovev_compare(m, c("army", "enemy"), c("war", "peace")))
  out <- capture.output(print(c2))
  expect_true(any(grepl("NOT IDENTIFIABLE", out, fixed = TRUE)))
  for (v in c(c2$diff, c2$sd, c2$z)) expect_false(any(grepl(format(signif(v, 3)), out, fixed = TRUE)))
  w <- suppressWarnings(glovev_weat(m, c("war", "army", "navy"), c("peace", "treaty", "commerce"), c("enemy", "force", "defense"),
                                    c("friendship", "harmony", "trade"), method = "delta"))
  out <- capture.output(print(w))
  expect_true(any(grepl("status: ok; flags: 6 (noisy, not_converged)", out, fixed = TRUE)))
  expect_true(any(grepl("friendship [noisy, not_converged]", out, fixed = TRUE)))
  expect_true(any(grepl(sprintf("interval [%s, %s]", format(signif(w$effect_size_ci[1], 4)), format(signif(w$effect_size_ci[2], 4))), out, fixed = TRUE)))
  expect_true(any(grepl("flags: 6 (noisy, not_converged)", capture.output(print(w$effect_size_interval)), fixed = TRUE)))
  # GV_FLAG_UNCALIBRATED (16): the print says how to read the interval, as the warning does.
  rd <- suppressWarnings(glovev_rnd(m, c("war", "army"), c("peace", "treaty"), c("enemy", "force", "trade"), method = "delta"))
  expect_equal(bitwAnd(rd$interval$flags, 16L), 16L)
  out <- capture.output(print(rd))
  expect_true(any(grepl("uncalibrated", out, fixed = TRUE) & grepl("too narrow", out, fixed = TRUE)))
  # A benchmark prints its correlations with their intervals and how many words are flagged.
  bench <- file.path(Sys.getenv("GLOVEV_SOURCE", file.path("..", "..", "..", "..")), "tests", "data", "ws_tiny.txt")
  b <- suppressWarnings(glovev_evaluate(m, bench, samples = 50))
  out <- capture.output(print(b))
  expect_true(any(grepl(sprintf("flagged words: %d of %d", b$flagged_words, b$words), out, fixed = TRUE)))
  expect_true(any(grepl(sprintf("spearman %s", format(signif(b$spearman, 4))), out, fixed = TRUE)))
})

test_that("tables of results print notes on not identifiable and flagged rows", {
  m <- open_model()
  on.exit(glovev_close(m))
  df <- suppressWarnings(glovev_similarities(m, c("war", "army"), c("peace", "enemy")))
  expect_s3_class(df, "data.frame")
  out <- capture.output(print(df))
  expect_true(any(grepl("# 1 of 2 rows NOT IDENTIFIABLE [rows 2; bootstrap_undefined]", out, fixed = TRUE)))
  expect_true(any(grepl("# 1 of 2 rows flagged [rows 2]: not_converged", out, fixed = TRUE)))
  nb <- suppressWarnings(glovev_most_similar(m, "army", n = 5))
  bad <- which(nb$status == "not_identifiable")
  out <- capture.output(print(nb))
  # The neighbours carry the core's reason (gv_neighbour.reason), as similarity results do.
  expect_true(length(bad) > 0 && all(!is.na(nb$reason[bad])) && all(is.na(nb$reason[-bad])))
  expect_true(any(grepl(sprintf("# %d of 5 rows NOT IDENTIFIABLE [rows %s; %s]", length(bad), paste(bad, collapse = ", "),
                                paste(unique(nb$reason[bad]), collapse = ", ")), out, fixed = TRUE)))
  expect_true(any(grepl("# search: ", out, fixed = TRUE)))
  # A plain data frame underneath: subsetting and as.data.frame work as for any data frame.
  expect_equal(nrow(nb[nb$status == "ok", ]), 5 - length(bad))
  expect_identical(class(as.data.frame(unclass(nb))), "data.frame")
})

test_that("bad arguments are R errors naming the argument, never silent coercions", {
  m <- open_model()
  on.exit(glovev_close(m))
  X <- c("war", "army", "navy"); Y <- c("peace", "treaty", "commerce")
  A <- c("enemy", "force", "defense"); B <- c("friendship", "harmony", "trade")
  # Factors and numbers were read by as.character(): a factor of words, or the vocabulary's words "1", "2", "3".
  expect_error(glovev_weat(m, factor(X), Y, A, B, method = "delta"), "x must be a character vector, not a factor")
  expect_error(glovev_weat(m, 1:3, Y, A, B, method = "delta"), "x must be a character vector, got integer of length 3")
  expect_error(glovev_weat(m, X, Y, A, NULL, method = "delta"), "b must be a character vector, got NULL")
  expect_error(glovev_rnd(m, factor(c("war", "army")), Y, A, method = "delta"), "group1 must be a character vector, not a factor")
  expect_error(glovev_rnd(m, X, Y, character(), method = "delta"), "neutral must hold at least one word")
  expect_error(glovev_rnd_difference(m, list(factor(X), Y, A), list(X, Y, A)), "first\\[\\[1\\]\\] \\(GROUP1\\) must be a character vector, not a factor")
  # NA is not a word (it was looked up as the word "NA").
  expect_error(glovev_vectors(m, c("war", NA)), "words contains NA \\(element 2\\)")
  expect_error(glovev_vectors(m, character()), "words must hold at least one word")
  expect_error(glovev_vectors(m, factor("war")), "words must be a character vector, not a factor")
  # compare: the message names first/second, not the C glue's a, b, c, d.
  expect_error(glovev_compare(m, c("war", NA), c("war", "peace")), "first contains NA")
  expect_error(glovev_compare(m, c("war", "peace"), factor(c("war", "army"))), "second must be a character vector, not a factor")
  expect_error(glovev_compare(m, list("war", "peace"), c("war", "army")), "first must be a character vector, got list")
  # approximate = NA or "yes" read the complete covariance silently.
  expect_error(glovev_covariance(m, "war", approximate = NA), "approximate must be TRUE or FALSE")
  expect_error(glovev_covariance(m, "war", approximate = "yes"), "approximate must be TRUE or FALSE")
  expect_equal(glovev_covariance(m, "war", approximate = FALSE), glovev_covariance(m, "war"))
  # Paths: NA and NULL were "invalid 'path' argument" without the argument's name.
  expect_error(glovev_evaluate(m, NA), "benchmark must be a single string, got NA")
  expect_error(glovev_load(NULL), "dir must be a single string, got NULL")
  expect_error(glovev_build_vocab(NULL, tempfile()), "corpus must be a single string, got NULL")
  expect_error(glovev_cooccur(tempfile(), NA_character_, tempfile()), "vocab must be a single string, got NA")
  # Tokenizer switches: NA became "unknown tokenizer flags 0x80000000".
  expect_error(glovev_build_vocab(tempfile(), tempfile(), lowercase = NA), "lowercase must be TRUE or FALSE, got NA")
  expect_error(glovev_cooccur(tempfile(), tempfile(), tempfile(), split_punctuation = "yes"), "split_punctuation must be TRUE or FALSE")
  # max_epochs was reported as "epochs".
  expect_error(glovev_train(tempfile(), tempfile(), tempfile(), epochs = "auto", max_epochs = NA), "max_epochs must be a whole number")
  expect_error(glovev_train(tempfile(), tempfile(), tempfile(), epochs = -1), "epochs must be a whole number >= 0 or \"auto\", got -1")
  # Objects of the wrong kind: was "$ operator is invalid for atomic vectors".
  expect_error(glovev_vectors("war"), "m must be a glovev model \\(use glovev_load\\), got character of length 1")
  expect_error(glovev_close("war"), "m must be a glovev model")
  expect_error(glovev_export_vectors(list(), tempfile()), "m must be a glovev model")
  expect_error(glovev_cooccurrence_row(m, 1), "x must be a co-occurrence matrix from glovev_cooccurrence")
  expect_error(glovev_export_vectors(m, tempfile(), c("word2vec", "glove-txt")), "format must be one of")
})

test_that("a closed model is closed for every call, cached words and vectors included", {
  m <- open_model()
  glovev_words(m); glovev_vectors(m, "war")
  glovev_close(m)
  expect_error(glovev_words(m), "closed")
  expect_error(glovev_vectors(m, "war"), "closed")
  expect_error(glovev_sim2(m, "war"), "closed")
})
