#!/usr/bin/env python3
"""How often the data cannot support a debiased centre, by degrees of freedom |K| - D and noise ratio.

The exact-model setting of README's coverage table (D = 20, contexts C ~ N(0, 1), log X = C w + eps, WLS fit,
sigma^2_hat = RSS / (|K| - D), Sigma_hat = sigma^2_hat (C^T C)^-1, E tr(Sigma)/||w||^2 = NR). Per word it reports:

  undefined, sigma^2 estimated  P(||w_hat||^2 - tr(Sigma_hat) <= 0): the calibrated method's estimate is undefined
  undefined, sigma^2 known      the same with the true sigma^2: what the noise of sigma^2_hat adds
  F does not reject w = 0       P(w_hat^T H w_hat / (D sigma^2_hat) < F_{0.95}(D, |K| - D)): the data cannot tell
                                the vector from zero at 5%, so no confidence set valid for every truth can exclude any
                                cosine (Gleser & Hwang 1987: where a parameter is not identified on part of the
                                parameter space, a valid interval must be the whole range with positive probability)
and the same three per pair of independent words (1 - (1 - p)^2), which is what an interval of cos(a, b) needs.

Usage: /usr/bin/python3 perf/few_dof_bound.py [--reps 20000] [--seed 1]
"""
import argparse

import numpy as np
from scipy import stats

D = 20


def rates(dof, nr, reps, rng):
    k = D + dof
    s2 = nr * (k - D - 1) / D  # E tr((C^T C)^-1) = D / (K - D - 1) for Gaussian C
    w = np.zeros(D)
    w[0] = 1.0
    c = rng.standard_normal((reps, k, D))
    y = c @ w + np.sqrt(s2) * rng.standard_normal((reps, k))
    h = np.einsum("rki,rkj->rij", c, c)
    hinv = np.linalg.inv(h)
    wh = np.einsum("rij,rj->ri", hinv, np.einsum("rki,rk->ri", c, y))
    res = y - np.einsum("rki,ri->rk", c, wh)
    s2h = (res * res).sum(1) / dof
    trh = np.trace(hinv, axis1=1, axis2=2)
    n2 = (wh * wh).sum(1)
    undefined_est = np.mean(n2 - s2h * trh <= 0)
    undefined_known = np.mean(n2 - s2 * trh <= 0)
    fstat = np.einsum("ri,rij,rj->r", wh, h, wh) / (D * s2h)
    no_reject = np.mean(fstat < stats.f.ppf(0.95, D, dof))
    return undefined_est, undefined_known, no_reject


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    print(f"D = {D}, {a.reps} replications per cell; per word / per pair of independent words")
    print("| |K|-D | NR | undefined, sigma^2 estimated | undefined, sigma^2 known | F does not reject w = 0 |")
    print("|---|---|---|---|---|")
    pair = lambda p: 1 - (1 - p) ** 2
    for dof in (5, 10, 20, 100):
        for nr in (0.1, 0.25, 0.5, 1.0):
            u, uk, f = rates(dof, nr, a.reps, rng)
            print(f"| {dof} | {nr} | {u:.3f} / {pair(u):.3f} | {uk:.3f} / {pair(uk):.3f} | {f:.3f} / {pair(f):.3f} |")


if __name__ == "__main__":
    main()
