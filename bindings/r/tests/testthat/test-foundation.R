test_that("the backend is MKL or OpenBLAS", {
  b <- glovev_backend()
  expect_true(grepl("MKL", b) || grepl("OpenBLAS", b))
  if (Sys.getenv("GLOVEV_BLAS") == "openblas") expect_match(b, "^OpenBLAS")
  expect_true(nzchar(glovev_version()))
})

test_that("SPD inverse through the ABI matches the closed form", {
  a <- matrix(c(4, 1.5, 1.5, 3), 2)
  det <- 4 * 3 - 1.5^2
  expect_equal(glovev:::.spd_inverse(a), matrix(c(3, -1.5, -1.5, 4), 2) / det, tolerance = 1e-14)
  n <- 20
  lap <- diag(2, n); lap[cbind(1:(n - 1), 2:n)] <- -1; lap[cbind(2:n, 1:(n - 1))] <- -1
  expect <- outer(1:n, 1:n, function(i, j) pmin(i, j) * (n + 1 - pmax(i, j)) / (n + 1))
  expect_equal(glovev:::.spd_inverse(lap), expect, tolerance = 1e-11)
})

test_that("invalid arguments become R conditions with the engine's message", {
  expect_error(glovev:::.spd_inverse(matrix(c(1, 2, 2, 1), 2)), "positive definite")
  expect_error(glovev:::.spd_inverse(matrix(1, 2, 3)), "square")
  expect_error(glovev_load(tempfile()), "not found")
  cnd <- tryCatch(glovev_load(tempfile()), error = function(e) e)
  expect_s3_class(cnd, "error")
})
