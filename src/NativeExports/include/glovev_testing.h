/*
 * glovev_testing.h — functions libglovev exports for its own test suites. Not part of the public ABI: they may
 * change or disappear in any release. Conventions as in glovev.h.
 */
#ifndef GLOVEV_TESTING_H
#define GLOVEV_TESTING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Inverse of a symmetric positive definite n x n matrix through the BLAS/LAPACK backend (Cholesky): checks that the
 * backend the library loaded computes correctly.
 * \param[in]  a    n * n doubles, row-major
 * \param[in]  n    order (1..46340, so that n * n fits a 32-bit count)
 * \param[out] out  n * n doubles
 * \param[in]  cap  capacity of out in elements (>= n * n)
 * \return GV_OK (0); 1 (NULL a, bad n); 4 (short out); 2 (not positive definite). */
int gv_spd_inverse(const double* a, int64_t n, double* out, int64_t cap);

#ifdef __cplusplus
}
#endif
#endif /* GLOVEV_TESTING_H */
