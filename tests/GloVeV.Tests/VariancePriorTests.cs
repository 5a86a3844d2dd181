using GloVeV.Inference;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>The empirical-Bayes σ² prior of the calibrated method (<see cref="VariancePrior"/>): its special functions
/// against closed forms, its fit against data drawn from the model it assumes, its moderation formula and per-word prior weight.</summary>
public class VariancePriorTests
{
    const double EulerGamma = 0.57721566490153286;

    [Fact]
    public void SpecialFunctionsMatchClosedForms()
    {
        // ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2, ψ(n) = H_{n-1} - γ; ψ'(1) = π²/6, ψ'(1/2) = π²/2, ψ'(n) = π²/6 - Σ_{k<n} 1/k².
        Assert.Equal(-EulerGamma, VariancePrior.Digamma(1), 1e-12);
        Assert.Equal(-EulerGamma - 2 * Math.Log(2), VariancePrior.Digamma(0.5), 1e-12);
        Assert.Equal(Math.PI * Math.PI / 6, VariancePrior.Trigamma(1), 1e-12);
        Assert.Equal(Math.PI * Math.PI / 2, VariancePrior.Trigamma(0.5), 1e-12);
        foreach (int n in new[] { 2, 5, 9, 40, 300 })
        {
            double h = 0, s = 0;
            for (int k = 1; k < n; k++) { h += 1.0 / k; s += 1.0 / ((double)k * k); }
            Assert.Equal(h - EulerGamma, VariancePrior.Digamma(n), 1e-12);
            Assert.Equal(Math.PI * Math.PI / 6 - s, VariancePrior.Trigamma(n), 1e-12);
        }
        // ψ(x + 1) = ψ(x) + 1/x and ψ'(x + 1) = ψ'(x) - 1/x² at non-integers across the series' switch at 10.
        foreach (double x in new[] { 0.03, 0.7, 2.5, 9.5, 9.999, 10.2, 17.3 })
        {
            Assert.Equal(VariancePrior.Digamma(x) + 1 / x, VariancePrior.Digamma(x + 1), 1e-12);
            Assert.Equal(VariancePrior.Trigamma(x) - 1 / (x * x), VariancePrior.Trigamma(x + 1), 1e-12);
        }
        foreach (double x in new[] { 0.05, 0.5, 1, 2.5, 10, 150, 5000 })
            Assert.Equal(1, VariancePrior.TrigammaInverse(VariancePrior.Trigamma(x)) / x, 7);
    }

    /// <summary>Words drawn from the prior's own model: 1/σ_i² ~ χ²_{d0}/(d0 s0²(K_i)), s_i² ~ σ_i² χ²_{d_i}/d_i, with a
    /// log-linear trend in K. The fit recovers d0 and the centre within their sampling error.</summary>
    [Theory]
    [InlineData(8.0)]
    [InlineData(30.0)]
    public void FitRecoversThePriorItAssumes(double d0)
    {
        var rng = new SplitMix64(11);
        int n = 40_000;
        var s2 = new double[n]; var dof = new double[n]; var k = new double[n];
        double S0(double kk) => 0.5 * Math.Pow(kk / 100, -0.3);
        for (int i = 0; i < n; i++)
        {
            k[i] = 25 + (int)(rng.NextDouble() * 400);
            dof[i] = k[i] - 20;
            double sigma2 = S0(k[i]) * d0 / IntervalEngine.ChiSquare(ref rng, d0);
            s2[i] = sigma2 * IntervalEngine.ChiSquare(ref rng, dof[i]) / dof[i];
        }
        var p = VariancePrior.Fit(s2, dof, k);
        Assert.Equal(n, p.Words);
        // The excess is the largest of ten bands' estimates, so d0 comes out somewhat small.
        Assert.InRange(p.PriorDof, 0.8 * d0, 1.1 * d0);
        Assert.Equal(d0 >= VariancePrior.MinPriorDof, p.Active);
        foreach (double kk in new[] { 30.0, 100, 400 }) Assert.InRange(p.Centre(kk) / S0(kk), 0.96, 1.04);
    }

    [Fact]
    public void WordsThatShareANoiseLevelGetTheLargestPrior()
    {
        var rng = new SplitMix64(12);
        var s2 = Enumerable.Range(0, 5000).Select(_ => 0.3 * IntervalEngine.ChiSquare(ref rng, 5) / 5).ToArray();
        var p = VariancePrior.Fit(s2, Enumerable.Repeat(5.0, s2.Length).ToArray(), Enumerable.Repeat(25.0, s2.Length).ToArray());
        // No spread beyond χ² noise: d0 is capped at the pooled degrees of freedom the trend is estimated from.
        Assert.Equal(5.0 * s2.Length, p.PriorDof);
        // E ln(χ²_5/5) = ψ(5/2) - ln(5/2): the corrected mean is ln 0.3.
        Assert.InRange(p.Centre(25) / 0.3, 0.97, 1.03);
    }

    [Fact]
    public void ModerationIsThePosteriorMeanAndKeepsAtypicalWords()
    {
        var rng = new SplitMix64(13);
        int n = 3000;
        var s2 = new double[n]; var dof = new double[n]; var k = new double[n];
        for (int i = 0; i < n; i++)
        {
            dof[i] = 10 + i % 50; k[i] = dof[i] + 50;
            s2[i] = 2.0 * 40 / IntervalEngine.ChiSquare(ref rng, 40) * IntervalEngine.ChiSquare(ref rng, dof[i]) / dof[i];
        }
        var p = VariancePrior.Fit(s2, dof, k);
        Assert.True(p.Active && double.IsFinite(p.PriorDof));
        double c = p.Centre(70), mine = 1.7;
        var (m, nu) = p.Moderate(mine, 20, 70);
        Assert.Equal((p.PriorDof * c + 20 * mine) / (p.PriorDof + 20), m, 12);
        Assert.Equal(p.PriorDof + 20, nu, 12);
        // A ratio in the middle of F(20, d0) keeps the whole prior; one in its lowest 0.5% none (its own σ² and dof).
        Assert.Equal(p.PriorDof, p.WordPriorDof(1, 20));
        double low = MathNet.Numerics.Distributions.FisherSnedecor.InvCDF(20, p.PriorDof, 0.002);
        Assert.Equal((low * c, 20.0), p.Moderate(low * c, 20, 70));
        // In the upper tail (from 1.5 times the centre) the word's prior weight is the d0' that puts its ratio exactly at
        // the upper UpperTailLevel of F(20, d0'): checked against the F distribution directly, and the posterior is the
        // formula with d0'.
        foreach (double ratio in new[] { 1.9, 2.5, 4.0, 40.0 })
        {
            Assert.True(1 - MathNet.Numerics.Distributions.FisherSnedecor.CDF(20, p.PriorDof, ratio) < VariancePrior.UpperTailLevel);
            double w = p.WordPriorDof(ratio, 20);
            Assert.InRange(w, 1e-3, p.PriorDof);
            Assert.Equal(VariancePrior.UpperTailLevel, 1 - MathNet.Numerics.Distributions.FisherSnedecor.CDF(20, w, ratio), 6);
            var (mw, nw) = p.Moderate(ratio * c, 20, 70);
            Assert.Equal((w * c + 20 * ratio * c) / (w + 20), mw, 10);
            Assert.Equal(w + 20, nw, 10);
        }
        // Below 1.5 times the centre a word keeps the whole prior even in the upper tail (at d = 200 a ratio of 1.4 is
        // far out in F(200, d0) but within what a typical frequent word shows).
        Assert.True(1 - MathNet.Numerics.Distributions.FisherSnedecor.CDF(200, p.PriorDof, 1.4) < VariancePrior.UpperTailLevel);
        Assert.Equal(p.PriorDof, p.WordPriorDof(1.4, 200));
        Assert.True(p.WordPriorDof(1.6, 200) < p.PriorDof);
        // The further out, the less of the prior: s² 40 times the centre keeps nearly its own σ².
        Assert.True(p.WordPriorDof(4.0, 20) < p.WordPriorDof(2.5, 20) && p.WordPriorDof(2.5, 20) < p.WordPriorDof(1.9, 20));
        Assert.True(p.WordPriorDof(40, 20) < 1);
        // The covariance and factor scale by σ̃²/s² (new arrays), the degrees of freedom become d0 + d.
        double[] cov = [2, 0.5, 0.5, 1], l = [Math.Sqrt(2), 0, 0.5 / Math.Sqrt(2), Math.Sqrt(1 - 0.125)];
        var (mc, ml, md) = p.Apply(cov, l, mine, 20, 70);
        Assert.NotSame(cov, mc);
        for (int q = 0; q < 4; q++) { Assert.Equal(cov[q] * m / mine, mc![q], 12); Assert.Equal(l[q] * Math.Sqrt(m / mine), ml![q], 12); }
        Assert.Equal(nu, md);
    }

    [Fact]
    public void FewDistinctContextCountsGiveAFiniteTrend()
    {
        // 300 words (a cubic's worth) at two context counts only: the trend is a line through them, not a singular cubic.
        var rng = new SplitMix64(14);
        int n = 300;
        var k = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 30.0 : 90.0).ToArray();
        var dof = k.Select(x => x - 20).ToArray();
        var s2 = k.Select((x, i) => (x == 30 ? 0.8 : 0.2) * IntervalEngine.ChiSquare(ref rng, dof[i]) / dof[i]).ToArray();
        var p = VariancePrior.Fit(s2, dof, k);
        Assert.True(p.Active);
        Assert.InRange(p.Centre(30) / 0.8, 0.9, 1.1);
        Assert.InRange(p.Centre(90) / 0.2, 0.9, 1.1);
    }

    /// <summary>Words of one context count at three noise levels a factor 10 apart (as a study that puts every cell in one
    /// model): d0 is small, and the prior is not used; each word keeps its own σ².</summary>
    [Fact]
    public void WordsAtVeryDifferentNoiseLevelsGetNoPrior()
    {
        var rng = new SplitMix64(15);
        double[] levels = [0.1, 0.5, 1.0];
        var s2 = Enumerable.Range(0, 600).Select(i => levels[i % 3] * IntervalEngine.ChiSquare(ref rng, 5) / 5).ToArray();
        var p = VariancePrior.Fit(s2, Enumerable.Repeat(5.0, s2.Length).ToArray(), Enumerable.Repeat(25.0, s2.Length).ToArray());
        Assert.InRange(p.PriorDof, 0.5, VariancePrior.MinPriorDof);
        Assert.False(p.Active);
        Assert.Equal((0.9, 5.0), p.Moderate(0.9, 5, 25));
    }

    [Fact]
    public void TooFewWordsOrNoDataGiveNoPrior()
    {
        Assert.False(VariancePrior.Fit([1, 2, 3], [5, 5, 5], [25, 25, 25]).Active);
        var nan = Enumerable.Repeat(double.NaN, 100).ToArray();
        Assert.False(VariancePrior.Fit(nan, Enumerable.Repeat(5.0, 100).ToArray(), Enumerable.Repeat(25.0, 100).ToArray()).Active);
        Assert.Equal((0.7, 5.0), VariancePrior.None.Moderate(0.7, 5, 25));
        double[] cov = [1];
        Assert.Same(cov, VariancePrior.None.Apply(cov, null, 0.7, 5, 25).Cov);
    }
}
