using GloVeV.Inference;
using Xunit;

namespace GloVeV.Tests;

public class RidgeUnshrinkTests
{
    /// <summary>From Σ = σ²(H + λI)⁻¹ alone: S⁻¹ (S = I - (λ/σ²)Σ) maps the ridge solution to the WLS one and Σ S⁻¹ = σ² H⁻¹,
    /// checked against H⁻¹ computed here directly (Gauss-Jordan), and a Monte Carlo of the estimator agrees.</summary>
    [Fact]
    public void UnshrinkingARidgeEstimateGivesTheWlsEstimateAndItsCovariance()
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
        var un = CovarianceMath.RidgeUnshrink(sigma, d, sigma2, ridge)!.Value;
        var hi = ReferenceMath.Inverse(h);
        for (int q = 0; q < d; q++)
            for (int u = 0; u < d; u++) Assert.Equal(sigma2 * hi[q, u], un.Covariance[q * d + u], 10); // σ² H⁻¹
        // S⁻¹ applied to a ridge solution gives the plain WLS solution of the same right-hand side.
        var rhs0 = Enumerable.Range(0, d).Select(q => 0.3 * q - 0.5).ToArray();
        var ridgeSol = Enumerable.Range(0, d).Select(q => Enumerable.Range(0, d).Sum(u => ai[q, u] * rhs0[u])).ToArray();
        var wls = Enumerable.Range(0, d).Select(q => Enumerable.Range(0, d).Sum(u => hi[q, u] * rhs0[u])).ToArray();
        var back = CovarianceMath.Apply(un.Unshrink, ridgeSol);
        for (int q = 0; q < d; q++) Assert.Equal(wls[q], back[q], 10);
        var none = CovarianceMath.RidgeUnshrink(sigma, d, sigma2, 0)!.Value;
        Assert.Null(none.Unshrink); Assert.Same(sigma, none.Covariance);
        // H singular (fewer contexts than dimensions): no unbiased estimate.
        var hs = new double[d, d];
        for (int q = 0; q < d; q++) for (int u = 0; u < d; u++) hs[q, u] = c[0, q] * c[0, u];
        for (int q = 0; q < d; q++) hs[q, q] += ridge;
        var ais = ReferenceMath.Inverse(hs);
        var sigmaS = new double[d * d];
        for (int q = 0; q < d; q++) for (int u = 0; u < d; u++) sigmaS[q * d + u] = sigma2 * ais[q, u];
        Assert.Null(CovarianceMath.RidgeUnshrink(sigmaS, d, sigma2, ridge));

        // Monte Carlo: w_hat = A⁻¹ Cᵀ (C w + ε), ε ~ N(0, σ²) is shrunk and less variable than Σ says; un-shrunk it is
        // unbiased with covariance σ² H⁻¹.
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
            var wr = new double[d];
            for (int q = 0; q < d; q++) { double acc = 0; for (int u = 0; u < d; u++) acc += ai[q, u] * rhs[u]; wr[q] = acc; }
            var wu = CovarianceMath.Apply(un.Unshrink, wr);
            for (int q = 0; q < d; q++) draws[r, q] = wu[q];
        }
        for (int q = 0; q < d; q++)
        {
            double m = 0, s = 0;
            for (int r = 0; r < n; r++) m += draws[r, q];
            m /= n;
            for (int r = 0; r < n; r++) s += (draws[r, q] - m) * (draws[r, q] - m);
            s /= n - 1;
            Assert.InRange(s / un.Covariance[q * d + q], 0.96, 1.04);
            Assert.InRange(m - w[q], -4 * Math.Sqrt(s / n), 4 * Math.Sqrt(s / n)); // unbiased
            Assert.True(un.Covariance[q * d + q] > sigma[q * d + q]);           // wider than the posterior Σ
        }
    }

    [Fact]
    public void UnshrinkRejectsAMissingSigma2()
    {
        var e = Assert.Throws<GloVeVException>(() => CovarianceMath.RidgeUnshrink([1.0], 1, double.NaN, 0.3));
        Assert.Contains("sigma^2", e.Message);
    }
}
