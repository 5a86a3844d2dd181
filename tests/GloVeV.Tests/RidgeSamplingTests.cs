using GloVeV.Inference;
using Xunit;

namespace GloVeV.Tests;

public class RidgeSamplingTests
{
    /// <summary>Σ - (λ/σ²)Σ² with Σ = σ²(H + λI)⁻¹ is the ridge estimator's sampling covariance σ² A⁻¹ H A⁻¹, computed here
    /// from H directly (Gauss-Jordan inverse, plain products), and a Monte Carlo of the estimator agrees.</summary>
    [Fact]
    public void RidgeSamplingCovarianceIsThatOfTheRidgeEstimator()
    {
        const int d = 6, k = 40;
        double sigma2 = 0.7, ridge = 0.9;
        var rng = new Random(3);
        var c = new double[k, d];
        for (int t = 0; t < k; t++) for (int q = 0; q < d; q++) c[t, q] = rng.NextDouble() - 0.5;
        var h = new double[d, d];
        for (int q = 0; q < d; q++) for (int u = 0; u < d; u++) for (int t = 0; t < k; t++) h[q, u] += c[t, q] * c[t, u];
        var a = (double[,])h.Clone();
        for (int q = 0; q < d; q++) a[q, q] += ridge;
        var ai = ReferenceMath.Inverse(a);
        var sigma = new double[d * d];
        for (int q = 0; q < d; q++) for (int u = 0; u < d; u++) sigma[q * d + u] = sigma2 * ai[q, u];
        var v = CovarianceMath.RidgeSampling(sigma, d, sigma2, ridge);
        for (int q = 0; q < d; q++)
            for (int u = 0; u < d; u++)
            {
                double expect = 0;
                for (int x = 0; x < d; x++) for (int y = 0; y < d; y++) expect += ai[q, x] * h[x, y] * ai[y, u];
                Assert.Equal(sigma2 * expect, v[q * d + u], 12);
            }
        Assert.Same(sigma, CovarianceMath.RidgeSampling(sigma, d, sigma2, 0));

        // Monte Carlo: w_hat = A⁻¹ Cᵀ (C w + ε), ε ~ N(0, σ²): its covariance is V.
        var w = Enumerable.Range(0, d).Select(q => 1.0 + q).ToArray();
        const int n = 40000;
        var draws = new double[n, d];
        var gauss = new Random(11);
        double G() => Math.Sqrt(-2 * Math.Log(1 - gauss.NextDouble())) * Math.Cos(2 * Math.PI * gauss.NextDouble());
        for (int r = 0; r < n; r++)
        {
            var rhs = new double[d];
            for (int t = 0; t < k; t++)
            {
                double y = Math.Sqrt(sigma2) * G();
                for (int q = 0; q < d; q++) y += c[t, q] * w[q];
                for (int q = 0; q < d; q++) rhs[q] += c[t, q] * y;
            }
            for (int q = 0; q < d; q++) { double acc = 0; for (int u = 0; u < d; u++) acc += ai[q, u] * rhs[u]; draws[r, q] = acc; }
        }
        for (int q = 0; q < d; q++)
        {
            double m = 0, s = 0;
            for (int r = 0; r < n; r++) m += draws[r, q];
            m /= n;
            for (int r = 0; r < n; r++) s += (draws[r, q] - m) * (draws[r, q] - m);
            s /= n - 1;
            Assert.InRange(s / v[q * d + q], 0.96, 1.04);         // the sampling variance, not the posterior one
            Assert.True(v[q * d + q] < sigma[q * d + q]);
        }
    }

    [Fact]
    public void RidgeSamplingRejectsAMissingSigma2()
    {
        var e = Assert.Throws<GloVeVException>(() => CovarianceMath.RidgeSampling([1.0], 1, double.NaN, 0.3));
        Assert.Contains("sigma^2", e.Message);
    }
}
