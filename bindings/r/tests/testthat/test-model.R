fixture <- Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture"))

cosine <- function(x, y) sum(x * y) / sqrt(sum(x * x) * sum(y * y))

test_that("vectors come back as a text2vec-style matrix", {
  m <- glovev_load(file.path(fixture, "model"))
  w <- glovev_words(m)
  v <- glovev_vectors(m, w[1:5])
  expect_equal(dim(v), c(5, m$dim))
  expect_equal(rownames(v), w[1:5])
  expect_equal(v[3, ], glovev_vector(m, w[3]))
  glovev_close(m)
})

test_that("similarity and its delta-method sd match formulas computed in R", {
  m <- glovev_load(file.path(fixture, "model"))
  a <- glovev_vector(m, "war"); b <- glovev_vector(m, "peace")
  na <- sqrt(sum(a^2)); nb <- sqrt(sum(b^2)); c0 <- cosine(a, b)
  ga <- b / (na * nb) - c0 * a / na^2; gb <- a / (na * nb) - c0 * b / nb^2
  sd <- sqrt(drop(t(ga) %*% glovev_covariance(m, "war") %*% ga + t(gb) %*% glovev_covariance(m, "peace") %*% gb))
  r <- glovev_similarity(m, "war", "peace", ci = 0.95, method = "delta")
  expect_equal(r$cosine, c0, tolerance = 1e-12)
  expect_equal(r$sd, sd, tolerance = 1e-10)
  expect_equal(r$ci, c0 + c(-1, 1) * qnorm(0.975) * sd, tolerance = 1e-9)
  nbr <- glovev_most_similar(m, "war", n = 5, samples = 200)
  expect_s3_class(nbr, "data.frame")
  expect_equal(nrow(nbr), 5)
  expect_false(is.unsorted(rev(nbr$cosine)))
  expect_equal(nbr$cosine[1], cosine(a, glovev_vector(m, nbr$word[1])), tolerance = 1e-12)
})

test_that("unknown words and closed models are R errors, not crashes", {
  m <- glovev_load(file.path(fixture, "model"))
  expect_error(glovev_vector(m, "qqqq-unknown"), "qqqq-unknown")
  expect_error(glovev_similarity(m, "war", "peace", samples = 1, method = "sample"), "samples")
  glovev_close(m)
  expect_error(glovev_vector(m, "war"), "closed")
  glovev_close(m)
})

test_that("the five parity queries give the CLI's numbers", {
  m <- glovev_load(file.path(fixture, "model"))
  lines <- strsplit(readLines(file.path(fixture, "parity.txt")), " ")
  close <- function(a, b) all(abs(a - b) <= 1e-12 * pmax(1, abs(a), abs(b)))
  nb <- glovev_most_similar(m, "war", n = 5, samples = 300, seed = 2)
  for (l in lines) {
    kind <- l[1]
    if (kind == "vector") expect_true(close(glovev_vector(m, l[2]), as.numeric(l[-(1:2)])))
    if (kind == "covariance") expect_true(close(as.vector(t(glovev_covariance(m, l[2]))), as.numeric(l[-(1:2)])))
    if (kind == "similarity") {
      s <- glovev_similarity(m, l[2], l[3])
      expect_true(close(c(s$estimate, s$plugin, s$sd, s$ci), as.numeric(l[4:8])))
    }
    if (kind == "neighbour") {
      r <- as.integer(l[3])
      expect_equal(nb$word[r], l[4])
      expect_true(close(c(nb$cosine[r], nb$sd[r], nb$lower[r], nb$upper[r], nb$p_top_k[r]), as.numeric(l[5:9])))
    }
    if (kind == "weat") {
      w <- glovev_weat(m, c("war", "army", "navy"), c("peace", "treaty", "commerce"), c("enemy", "force", "defense"),
                       c("friendship", "harmony", "trade"), permutations = 1000, method = "sample", samples = 50, seed = 1)
      expect_true(close(c(w$statistic, w$effect_size, w$p_value, w$effect_size_ci), as.numeric(l[2:6])))
    }
  }
  expect_equal(length(lines), 9)
})

# sigma~^2 / sigma^2 for `word`: the calibrated method's empirical-Bayes moderation, computed here apart from the engine
# (after limma's squeezeVar with a trend, from R's digamma, trigamma, lm and pf): e = log s^2 - digamma(d/2) + log(d/2)
# regressed on a cubic in log |K| (linear below 200 words); the words sorted by |K| cut into clamp(n %/% 200, 1, 10)
# bands (at most as many as distinct |K|); trigamma(d0/2) = the largest band's mean r^2 n/(n - p) - mean trigamma(d/2)
# (<= 0: d0 infinite), d0 at most sum(d), no prior (factor 1) when d0 < 20; s0^2 = exp(fit + digamma(d0/2) - log(d0/2));
# sigma~^2 = (d0' s0^2 + d s^2)/(d0' + d) with the word's own prior weight d0' = d0, or s^2 itself when s^2/s0^2 is in the
# lowest 0.5% of F(d, d0), or, when it is in the upper 20% and at least 1.5, the d0' at which it is exactly at the upper
# 20% of F(d, d0') (uniroot on pf's upper tail; s^2 itself when none above 0.001).
moderation_factor <- function(vdir, word, dim) {
  info <- utils::read.delim(file.path(vdir, "variance_info.tsv"), quote = "", colClasses = "character", na.strings = character(0),
                            encoding = "UTF-8")
  info$contexts <- as.integer(info$contexts)
  s2all <- suppressWarnings(as.numeric(info$sigma2))
  use <- info$status %in% c("ok", "pseudo_inverse") & info$contexts > dim & is.finite(s2all) & s2all > 0
  n <- sum(use)
  if (n < 20) return(1)
  k <- info$contexts[use]; d <- k - dim; s2 <- s2all[use]
  e <- log(s2) - digamma(d / 2) + log(d / 2)
  x <- log(k)
  deg <- min(if (diff(range(x)) == 0) 0 else if (n >= 200) 3 else 1, length(unique(x)) - 1)
  fit <- if (deg == 0) stats::lm(e ~ 1) else stats::lm(e ~ poly(x, deg, raw = TRUE))
  r <- stats::residuals(fit)
  ord <- order(k, method = "radix")
  bands <- min(max(n %/% 200, 1), 10, length(unique(x)))
  excess <- -Inf
  for (b in seq_len(bands) - 1) {
    idx <- ord[((b * n) %/% bands + 1):(((b + 1) * n) %/% bands)]
    excess <- max(excess, mean(r[idx]^2) * n / (n - deg - 1) - mean(trigamma(d[idx] / 2)))
  }
  d0 <- if (excess <= 0) Inf else 2 * stats::uniroot(function(h) trigamma(h) - excess, c(1e-8, 1e8), tol = 1e-12)$root
  d0 <- min(d0, sum(d))
  if (d0 < 20) return(1)
  i <- which(info$word == word)
  kw <- info$contexts[i]; sw <- s2all[i]; dw <- kw - dim
  centre <- stats::predict(fit, newdata = data.frame(x = log(kw)))[[1]]
  s0 <- exp(centre + digamma(d0 / 2) - log(d0 / 2))
  ratio <- sw / s0
  if (stats::pf(ratio, dw, d0) < 0.005) return(1)
  above <- function(m) stats::pf(ratio, dw, m, lower.tail = FALSE) - 0.2
  if (above(d0) < 0 && ratio >= 1.5) {
    if (above(1e-3) < 0) return(1)
    d0 <- stats::uniroot(above, c(1e-3, d0), tol = 1e-12)$root
  }
  (d0 * s0 + dw * sw) / (d0 + dw) / sw
}

test_that("the calibrated default reports estimate, plug-in, status and the words' reliability", {
  m <- glovev_load(file.path(fixture, "model"))
  d <- glovev_defaults()
  expect_equal(d$method, "calibrated"); expect_equal(d$samples, 1000); expect_equal(d$seed, 1); expect_equal(d$level, 0.95)
  s <- glovev_similarity(m, "war", "peace")
  va <- glovev_vector(m, "war"); vb <- glovev_vector(m, "peace")
  # The covariances as the calibrated method uses them: sigma^2 moderated by the model's prior (replicated below).
  vdir <- file.path(fixture, "model", "variances")
  ca <- glovev_covariance(m, "war") * moderation_factor(vdir, "war", length(va))
  cb <- glovev_covariance(m, "peace") * moderation_factor(vdir, "peace", length(va))
  expect_equal(s$plugin, sum(va * vb) / sqrt(sum(va^2) * sum(vb^2)), tolerance = 1e-12)
  # The noise-debiased cosine and its delta-method sd (traces held fixed); the estimate is that cosine centred by the
  # bootstrap's median error (checked exactly against a replica of the bootstrap in the xunit suite).
  pa <- sum(va^2) - sum(diag(ca)); pb <- sum(vb^2) - sum(diag(cb))
  debiased <- sum(va * vb) / sqrt(pa * pb)
  ga <- vb / sqrt(pa * pb) - debiased * va / pa; gb <- va / sqrt(pa * pb) - debiased * vb / pb
  expect_equal(s$sd, sqrt(drop(t(ga) %*% ca %*% ga + t(gb) %*% cb %*% gb)), tolerance = 1e-9)
  expect_true(abs(s$estimate - debiased) > 1e-8 * abs(debiased) && abs(s$estimate - debiased) < 0.5 * s$sd)
  expect_equal(s$method, "calibrated")
  if (s$status == "ok") expect_true(s$ci[1] <= s$estimate && s$estimate <= s$ci[2])
  expect_equal(s$words[[1]]$dof, s$words[[1]]$contexts - ncol(glovev_vectors(m)))
  expect_error(glovev_similarity(m, "war", "peace", method = "delta", samples = 100), "delta")
  expect_error(glovev_similarity(m, "war", "peace", method = "corrected"), "method")
  words <- glovev_words(m)
  fixed <- Filter(function(w) !glovev_has_covariance(m, w), rev(words))
  if (length(fixed) > 0) {
    expect_error(glovev_similarity(m, "war", fixed[[1]]), "hold")
    expect_warning(s2 <- glovev_similarity(m, "war", fixed[[1]], method = "delta", hold_fixed = TRUE), "no covariance")
    expect_equal(vapply(s2$words, function(w) w$held_fixed, TRUE), c(FALSE, TRUE))
    expect_false(glovev_reliability(m, fixed[[1]])$held_fixed)
  }
})

test_that("a model survives saveRDS/readRDS: it is re-opened from its folder", {
  m <- suppressWarnings(glovev_load(file.path(Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture")), "model")))
  v <- glovev_vector(m, "war")
  f <- tempfile(fileext = ".rds")
  saveRDS(m, f)
  m2 <- readRDS(f)
  expect_equal(glovev_vector(m2, "war"), v)
  expect_equal(glovev_similarity(m2, "war", "peace", method = "delta")$estimate,
               glovev_similarity(m, "war", "peace", method = "delta")$estimate)
  glovev_close(m2)
  expect_error(glovev_vector(m2, "war"), "closed")
  expect_equal(glovev_vector(m, "war"), v)  # the original keeps its own handle
  gone <- m
  gone$dir <- file.path(tempdir(), "no-such-model")
  saveRDS(gone, f)
  expect_error(glovev_vector(readRDS(f), "war"), "no longer exists")
  unlink(f)
})

test_that("vectorised similarities and a sim2-like matrix, in text2vec's shapes", {
  m <- suppressWarnings(glovev_load(file.path(Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture")), "model")))
  df <- suppressWarnings(glovev_similarities(m, "war", c("peace", "army", "navy")))
  expect_s3_class(df, "data.frame")
  expect_equal(names(df), c("a", "b", "estimate", "plugin", "sd", "lower", "upper", "status", "method", "p_value", "flags", "reason"))
  expect_true(all(is.na(df$reason) == (df$status == "ok")))
  expect_equal(df$b, c("peace", "army", "navy")); expect_equal(df$a, rep("war", 3))
  one <- suppressWarnings(glovev_similarity(m, "war", "army"))
  expect_equal(df$estimate[2], one$estimate); expect_equal(df$plugin[2], one$plugin); expect_identical(df$reason[2], one$reason)
  expect_true(all(df$status != "ok" | (df$lower <= df$estimate & df$estimate <= df$upper)))
  expect_error(glovev_similarities(m, c("war", "peace"), c("a", "b", "c")), "multiples")
  s <- glovev_sim2(m, c("war", "peace"), c("army", "navy", "treaty"))
  expect_equal(dim(s), c(2L, 3L)); expect_equal(dimnames(s), list(c("war", "peace"), c("army", "navy", "treaty")))
  v <- glovev_vector(m, "war"); w <- glovev_vector(m, "navy")
  expect_equal(s["war", "navy"], sum(v * w) / sqrt(sum(v^2) * sum(w^2)), tolerance = 1e-12)
  expect_equal(s["war", "army"], df$plugin[2], tolerance = 1e-6)
  expect_true(isSymmetric(glovev_sim2(m, c("war", "peace", "army"))))
})

test_that("query options are checked, never coerced or defaulted silently", {
  m <- suppressWarnings(glovev_load(file.path(fixture, "model")))
  s <- function(...) suppressWarnings(glovev_similarity(m, "war", "peace", ...))
  expect_error(s(ci = 0), "ci")
  expect_error(s(ci = c(0.9, 0.5)), "ci")
  expect_error(s(ci = "0.9"), "ci")
  expect_error(s(method = "sample", samples = "200"), "samples")
  expect_error(s(method = "sample", seed = "2x"), "seed")
  expect_error(s(method = "sample", seed = 0), "seed")
  expect_error(s(hold_fixed = NA), "hold_fixed")
  expect_error(s(hold_fixed = "yes"), "hold_fixed")
  expect_error(s(hold_fixed = 2), "hold_fixed")
  expect_error(s(hold_fixed = c(TRUE, FALSE)), "hold_fixed")
  expect_error(s(approximate = NA), "approximate")
  expect_error(suppressWarnings(glovev_compare(m, c("war", "peace", "army"), c("war", "treaty"))), "pair")
  expect_equal(s(ci = 0.9)$ci, s(ci = 0.9)$ci)
  # The method of composition's interval contains its estimate (the median of the draws) at any level.
  for (level in c(0.01, 0.5, 0.95)) {
    r <- s(method = "sample", ci = level, samples = 200)
    expect_true(r$ci[1] <= r$estimate && r$estimate <= r$ci[2])
  }
  glovev_close(m)
})
