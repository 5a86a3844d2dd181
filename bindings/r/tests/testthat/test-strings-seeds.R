# Strings reach the core as UTF-8 or not at all (the ABI's rule: invalid bytes are refused, never replaced), and seeds
# take the ABI's whole range 1 .. 2^64 - 1 (as strings of digits where R's doubles cannot hold them exactly).
fixture <- Sys.getenv("GLOVEV_FIXTURE", file.path("..", "..", "..", "..", "build", "fixture"))
open_model <- function() suppressWarnings(glovev_load(file.path(fixture, "model")))

# The bytes c, a, f, 0xe9: latin1 for "café", not UTF-8. Undeclared, they are the session's native text (invalid in a
# UTF-8 or ASCII session; in a latin1 one they would be "café", so the tests of undeclared bytes are skipped there).
bytes_e9 <- function(encoding = "unknown") { x <- rawToChar(as.raw(c(0x63, 0x61, 0x66, 0xe9))); Encoding(x) <- encoding; x }
native_is_not_latin1 <- function() skip_if(isTRUE(l10n_info()[["Latin-1"]]), "latin1 session: the bytes are valid text")

test_that("words that are not valid UTF-8 are refused naming the argument, not turned into other words", {
  dir <- tempfile("glovev-utf8-"); dir.create(dir)
  f <- file.path(dir, "v.txt")
  # "café", and "caf<e9>": the text R's translation to UTF-8 makes of the bytes caf 0xe9 (so a mangled word would match it).
  writeLines(enc2utf8(c("2 2", "caf\u00e9 1 2", "caf<e9> 3 4")), f, useBytes = TRUE)
  m <- glovev_import_vectors(f, file.path(dir, "m"))
  # Declared latin1 is converted: it is the word café.
  expect_identical(glovev_vector(m, bytes_e9("latin1")), c(1, 2))
  expect_identical(glovev_vector(m, "caf\u00e9"), c(1, 2))
  expect_identical(unname(glovev_vectors(m, bytes_e9("latin1"))[1, ]), c(1, 2))
  expect_true(glovev_reliability(m, bytes_e9("latin1"))$word == "caf\u00e9")
  # Marked UTF-8 but invalid, or "bytes": refused, in every session.
  expect_error(glovev_vector(m, bytes_e9("UTF-8")), "^word is not valid UTF-8")
  expect_error(glovev_vector(m, bytes_e9("bytes")), "^word is marked as \"bytes\"")
  expect_error(glovev_vectors(m, c("caf<e9>", bytes_e9("UTF-8"))), "^element 2 of words is not valid UTF-8")
  native_is_not_latin1()
  bad <- bytes_e9()
  expect_error(glovev_vector(m, bad), "^word is not valid")
  expect_error(glovev_has_covariance(m, bad), "^word is not valid")
  expect_error(glovev_covariance(m, bad), "^word is not valid")
  expect_error(glovev_reliability(m, bad), "^word is not valid")
  expect_error(glovev_vectors(m, bad), "^words is not valid")
  expect_error(glovev_sim2(m, c("caf<e9>", bad)), "^element 2 of x is not valid")
  expect_error(glovev_similarity(m, "caf<e9>", bad, method = "delta", hold_fixed = TRUE), "^b is not valid")
  glovev_close(m)
  unlink(dir, recursive = TRUE)
})

test_that("word lists, method names and paths that are not valid UTF-8 are refused naming the argument", {
  native_is_not_latin1()
  m <- open_model()
  bad <- bytes_e9()  # (file.path() itself refuses to join it: paste0 does)
  expect_error(glovev_similarities(m, c("war", bad), "peace"), "^element 2 of a is not valid")
  expect_error(glovev_most_similar(m, bad, n = 3), "^word is not valid")
  expect_error(glovev_compare(m, c("war", bad), c("war", "army")), "^element 2 of first is not valid")
  expect_error(glovev_weat(m, c("war", "army", bad), c("peace", "treaty"), c("enemy", "force"), c("friendship", "trade")),
               "^element 3 of x is not valid")
  expect_error(glovev_rnd(m, "war", "peace", c("army", bad)), "^element 2 of neutral is not valid")
  expect_error(glovev_weat_difference(m, list("war", "peace", "enemy", bad), list("war", "peace", "enemy", "trade")),
               "^first\\[\\[4\\]\\] \\(B\\) is not valid")
  expect_error(glovev_similarity(m, "war", "peace", method = paste0("sampl", rawToChar(as.raw(0xe9)))), "^method is not valid")
  expect_error(glovev_load(paste0(tempdir(), "/", bad)), "^dir is not valid")
  expect_error(glovev_evaluate(m, paste0(tempdir(), "/", bad)), "^benchmark is not valid")
  expect_error(glovev_export_vectors(m, paste0(tempdir(), "/", bad)), "^path is not valid")
  expect_error(glovev_build_vocab(paste0(tempdir(), "/", bad), tempfile()), "^corpus is not valid")
  expect_error(glovev_cooccurrence(file.path(fixture, "cooccur"), paste0(tempdir(), "/", bad)), "^vocab is not valid")
  glovev_close(m)
})

test_that("a seed is a whole number below 2^53 or a string of digits up to 2^64 - 1, parsed exactly", {
  m <- open_model()
  s <- function(seed) suppressWarnings(glovev_similarity(m, "war", "peace", method = "sample", samples = 200, seed = seed))
  expect_identical(s("12345"), s(12345))
  expect_identical(s("12345"), s(12345L))
  expect_false(identical(s("12345")$ci, s(12346)$ci))
  # From 2^53 on a double cannot hold every whole number (9007199254740993 reads as 2^53): refused, pointing to strings.
  expect_error(s(2^53 + 2), "seed .*string")
  expect_error(s(9007199254740993), "seed .*string")
  expect_error(s(2^53), "seed .*string")
  expect_s3_class(s(2^53 - 1), "glovev_similarity")
  expect_s3_class(s("9007199254740993"), "glovev_similarity")
  expect_s3_class(s("18446744073709551615"), "glovev_similarity")
  expect_error(s("18446744073709551616"), "^seed must be")
  expect_error(s("99999999999999999999999"), "^seed must be")
  for (bad in list("0", "-1", "+1", " 1", "1e5", "12.0", "0x10", "", NA_character_, c("1", "2"), 0, 1.5, -3, TRUE, factor("1")))
    expect_error(s(bad), "^seed ", info = deparse(bad))
  w <- function(seed) suppressWarnings(glovev_weat(m, c("war", "army"), c("peace", "treaty"), c("enemy", "force"), c("friendship", "trade"),
                                                   permutations = 100, method = "sample", samples = 50, seed = seed))
  expect_identical(w("7"), w(7))
  expect_error(w(2^53 + 2), "seed .*string")
  # The pipeline's seeds: refused before anything runs.
  expect_error(glovev_train(file.path(fixture, "cooccur"), file.path(fixture, "vocab.txt"), tempfile(), seed = 2^53 + 2), "seed .*string")
  expect_error(glovev_train(file.path(fixture, "cooccur"), file.path(fixture, "vocab.txt"), tempfile(), seed = "18446744073709551616"),
               "^seed must be")
  glovev_close(m)
})
