fixture <- Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture"))
source_dir <- Sys.getenv("GLOVEV_SOURCE", file.path("..", "..", "..", ".."))

test_that("glovev_calibrate returns a data frame of coverages, one row per band, statistic and method", {
  cal <- glovev_calibrate(file.path(fixture, "model"), file.path(fixture, "cooccur"), bands = 300, words_per_band = 5,
                          replicates = 2, methods = c("delta", "calibrated"), threads = 1)
  expect_s3_class(cal, "data.frame")
  expect_equal(names(cal), c("band", "rank_from", "rank_to", "words", "median_noise_ratio", "median_dof", "statistic", "method",
                             "intervals", "coverage", "coverage_se", "median_width", "not_identifiable"))
  expect_equal(nrow(cal), 2 * 3 * 2)
  expect_setequal(unique(cal$method), c("delta", "calibrated"))
  expect_true(all(cal$coverage >= 0 & cal$coverage <= 1))
  expect_equal(cal$coverage_se, sqrt(cal$coverage * (1 - cal$coverage) / cal$intervals), tolerance = 1e-9)
  expect_error(glovev_calibrate(file.path(fixture, "model"), file.path(fixture, "cooccur"), methods = "bayes"), "methods")
  expect_error(glovev_calibrate(file.path(fixture, "model"), file.path(fixture, "cooccur"), words_per_band = 1), "words_per_band")
  expect_error(glovev_calibrate(file.path(fixture, "model"), file.path(fixture, "cooccur"), replicates = 2.5), "whole number")
})

test_that("glovev_bootstrap and glovev_compare_uncertainty work on a small corpus", {
  dir <- tempfile("glovev-boot-")
  dir.create(dir)
  corpus <- file.path(dir, "corpus.txt")
  set.seed(1)
  words <- sprintf("w%02d", 1:30)
  writeLines(vapply(1:600, function(i) paste(sample(words, 12, replace = TRUE), collapse = " "), ""), corpus)
  run <- file.path(dir, "run")
  glovev_build_vocab(corpus, file.path(dir, "vocab.txt"), min_count = 1)
  glovev_cooccur(corpus, file.path(dir, "vocab.txt"), file.path(dir, "cooc"))
  glovev_train(file.path(dir, "cooc"), file.path(dir, "vocab.txt"), run, dim = 4, epochs = 2, als_sweeps = 2, ridge = 0.3)
  glovev_variance(run, file.path(dir, "cooc"))
  boot <- file.path(dir, "boot")
  n <- glovev_bootstrap(corpus, boot, replicates = 2, seed_replicates = 1, vocab = file.path(dir, "vocab.txt"), dim = 4,
                        epochs = 2, als_sweeps = 2, lowercase = FALSE, split_punctuation = FALSE, threads = 1)
  expect_equal(n, 3L)
  expect_equal(glovev_bootstrap(corpus, boot, replicates = 2, seed_replicates = 1, vocab = file.path(dir, "vocab.txt"), dim = 4,
                                epochs = 2, als_sweeps = 2, lowercase = FALSE, split_punctuation = FALSE, threads = 1), 0L)
  expect_error(glovev_bootstrap(corpus, boot, replicates = 2, vocab = file.path(dir, "vocab.txt"), dim = 5, epochs = 2,
                                als_sweeps = 2, lowercase = FALSE, split_punctuation = FALSE), "other settings")
  res <- glovev_compare_uncertainty(run, boot, bands = 10, pairs_per_band = 5)
  expect_s3_class(res$bands, "data.frame"); expect_s3_class(res$pairs, "data.frame")
  expect_equal(tail(res$bands$band, 1), "all")
  expect_equal(nrow(res$pairs), tail(res$bands$pairs, 1))
  expect_equal(median(res$pairs$glovev_sd / res$pairs$bootstrap_sd), tail(res$bands$median_ratio_glovev_bootstrap, 1), tolerance = 1e-9)
  unlink(dir, recursive = TRUE)
})
