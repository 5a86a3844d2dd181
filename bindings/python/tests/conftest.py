import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(os.environ.get("GLOVEV_SOURCE", Path(__file__).resolve().parents[3]))


def _find(env, default):
    p = os.environ.get(env)
    return Path(p) if p else default


@pytest.fixture(scope="session")
def fixture_dir():
    d = _find("GLOVEV_FIXTURE", REPO / "build" / "fixture")
    assert (d / "model" / "variances" / "chunk_map.txt").is_file(), "fixture model missing: build with cmake first"
    return d


@pytest.fixture(scope="session")
def cli():
    p = _find("GLOVEV_CLI", REPO / "build" / "bin" / "glovev")
    assert p.is_file(), "glovev CLI missing: build with cmake first"
    return str(p)


@pytest.fixture(scope="session")
def model(fixture_dir):
    import glovev
    with glovev.Model.load(fixture_dir / "model") as m:
        yield m


def run_json(cli, *args):
    import json
    out = subprocess.run([cli, *args, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_cli(cli, *args, timeout=300):
    return subprocess.run([cli, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def assert_clean_failure(r, *needles, absent=()):
    """Exit 2, one 'glovev: error:' message naming each needle (and none of `absent`), no stack trace, no .NET type names."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    err = r.stderr
    assert "glovev: error:" in err, err
    assert "   at " not in err and "Exception" not in err and "System." not in err, err
    for n in needles:
        assert str(n) in err, (n, err)
    for n in absent:
        assert str(n) not in err, (n, err)


def debiased_cosine_and_sd(va, vb, ca, cb):
    """The noise-debiased cosine a.b / sqrt((|a|^2 - tr Ca)(|b|^2 - tr Cb)) and its delta-method sd (traces held fixed)."""
    pa, pb = va @ va - np.trace(ca), vb @ vb - np.trace(cb)
    f = va @ vb / np.sqrt(pa * pb)
    ga, gb = vb / np.sqrt(pa * pb) - f * va / pa, va / np.sqrt(pa * pb) - f * vb / pb
    return f, float(np.sqrt(ga @ ca @ ga + gb @ cb @ gb))


def moderation_factor(variance_dir, word, dim):
    """sigma~^2 / sigma^2 for `word` (see `moderation`)."""
    return moderation(variance_dir, word, dim)[0]


def moderation(variance_dir, word, dim):
    """(sigma~^2 / sigma^2, the word's prior weight d0', the model's d0 or None) for `word`: the calibrated method's
    empirical-Bayes moderation, computed here apart from the
    engine (scipy; after limma's squeezeVar with a trend): e = ln s^2 - digamma(d/2) + ln(d/2) regressed on a cubic in
    ln |K| (linear below 200 words); the words sorted by |K| cut into clamp(n // 200, 1, 10) bands; polygamma(1, d0/2) =
    the largest band's mean r^2 n/(n - p) - mean polygamma(1, d/2) (<= 0: d0 infinite), d0 at most sum(d), no prior
    (factor 1) when d0 < 20 (at most as many bands as distinct |K|);
    s0^2 = exp(fit + digamma(d0/2) - ln(d0/2)); sigma~^2 = (d0' s0^2 + d s^2)/(d0' + d) with the word's own prior weight
    d0' = d0, or s^2 itself when s^2/s0^2 is in the lowest 0.5% of F(d, d0), or, when it is in the upper 20% and at
    least 1.5, the d0' at which it is exactly at the upper 20% of F(d, d0') (root of the F tail by Brent's method; s^2
    itself when none above 0.001). Words: with a covariance (status ok or pseudo_inverse), |K| > D, sigma2 finite
    and positive; the trend has at most as many coefficients as distinct |K|."""
    import csv
    from scipy import optimize, special, stats
    rows = list(csv.DictReader(open(Path(variance_dir) / "variance_info.tsv", encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))

    def num(x):
        try:
            return float(x)
        except ValueError:
            return float("nan")
    use = [r for r in rows if r["status"] in ("ok", "pseudo_inverse") and int(r["contexts"]) > dim and num(r["sigma2"]) > 0]
    k = np.array([int(r["contexts"]) for r in use], float)
    d = k - dim
    s2 = np.array([num(r["sigma2"]) for r in use])
    if len(use) < 20:
        return 1.0, 0.0, None
    n = len(use)
    e = np.log(s2) - special.digamma(d / 2) + np.log(d / 2)
    x = np.log(k)
    deg = min(0 if np.ptp(x) == 0 else 3 if n >= 200 else 1, len(np.unique(x)) - 1)
    X = np.vander(x, deg + 1)
    beta, *_ = np.linalg.lstsq(X, e, rcond=None)
    resid = e - X @ beta
    order = np.argsort(k, kind="stable")
    bands = min(max(n // 200, 1), 10, len(np.unique(x)))
    excess = -np.inf
    for b in range(bands):
        idx = order[b * n // bands:(b + 1) * n // bands]
        excess = max(excess, (resid[idx] ** 2).mean() * n / (n - deg - 1) - special.polygamma(1, d[idx] / 2).mean())
    d0 = np.inf if excess <= 0 else 2 * optimize.brentq(lambda h: special.polygamma(1, h) - excess, 1e-8, 1e8)
    d0 = min(d0, d.sum())
    if d0 < 20:
        return 1.0, 0.0, d0
    r = next(r for r in use if r["word"] == word)
    kw, sw = int(r["contexts"]), num(r["sigma2"])
    dw = kw - dim
    fit = np.vander([np.log(kw)], deg + 1) @ beta
    s0 = float(np.exp(fit[0] + special.digamma(d0 / 2) - np.log(d0 / 2)))
    ratio, weight = sw / s0, d0
    if stats.f.cdf(ratio, dw, d0) < 0.005:
        return 1.0, 0.0, d0
    if stats.f.sf(ratio, dw, d0) < 0.2 and ratio >= 1.5:
        if stats.f.sf(ratio, dw, 1e-3) < 0.2:
            return 1.0, 0.0, d0
        weight = optimize.brentq(lambda m: stats.f.sf(ratio, dw, m) - 0.2, 1e-3, d0, xtol=1e-12, rtol=1e-12)
    return (weight * s0 + dw * sw) / (weight + dw) / sw, weight, d0
