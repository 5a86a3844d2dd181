using GloVeV.Inference;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>The interval methods against independent formulas: debiased statistics, their gradients, the calibrated
/// interval's invariants (contains its estimate, symmetric, explicit status), the method options and the word policy.</summary>
public class IntervalTests
{
    static double[] Rand(ref SplitMix64 rng, int d, double scale = 1) { var r = new double[d]; for (int i = 0; i < d; i++) r[i] = scale * rng.NextGaussian(); return r; }
    static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Fact]
    public void DebiasedStatisticsEqualTheirClosedForms()
    {
        var rng = new SplitMix64(11);
        var a = Rand(ref rng, 7); var b = Rand(ref rng, 7);
        double[] tr = [0.3, 0.7];
        double pa = Dot(a, a) - 0.3, pb = Dot(b, b) - 0.7;
        Assert.Equal(Dot(a, b) / Math.Sqrt(pa * pb), Statistic.Cosine(0, 1).ValueDebiased([a, b], tr), 12);
        Assert.Equal(Dot(a, b), Statistic.Dot(0, 1).ValueDebiased([a, b], tr), 12);
        Assert.Equal(Dot(a, a) - 0.3, Statistic.Dot(0, 0).ValueDebiased([a, b], tr), 12);
        Assert.Equal(Math.Sqrt(pa), Statistic.Norm(0).ValueDebiased([a, b], tr), 12);
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        Assert.Equal(Math.Sqrt(Dot(d, d) - 1.0), Statistic.Distance(0, 1).ValueDebiased([a, b], tr), 12);
        // No floor and no clamp: a debiased squared norm <= 0 leaves the statistic undefined, and a debiased cosine may exceed 1.
        Assert.True(double.IsNaN(Statistic.Cosine(0, 1).ValueDebiased([a, b], [Dot(a, a) + 1e-9, 0])));
        Assert.True(double.IsNaN(Statistic.Norm(0).ValueDebiased([a], [Dot(a, a)])));
        double[] u = [1, 0], w = [0.99, 0.1];
        Assert.True(Statistic.Cosine(0, 1).ValueDebiased([u, w], [0.2, 0.2]) > 1);
        Assert.Equal((-1.0, 1.0), Statistic.Cosine(0, 1).Bounds);
        Assert.Equal((-2.0, 2.0), (Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2)).Bounds);
    }

    [Theory]
    [InlineData("cos"), InlineData("dist"), InlineData("norm"), InlineData("cosdiff"), InlineData("dotself")]
    public void DebiasedGradientsMatchCentralDifferences(string name)
    {
        var rng = new SplitMix64(5);
        var v = new[] { Rand(ref rng, 6, 2), Rand(ref rng, 6, 2), Rand(ref rng, 6, 2) };
        double[] tr = [0.4, 0.9, 0.2];
        var stat = name switch
        {
            "cos" => Statistic.Cosine(0, 1), "dist" => Statistic.Distance(0, 1), "norm" => Statistic.Norm(2),
            "cosdiff" => Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2), _ => Statistic.Dot(1, 1),
        };
        var g = v.Select(x => new double[x.Length]).ToArray();
        stat.AddGradientDebiased(v, tr, 1, g);
        const double h = 1e-6;
        for (int s = 0; s < 3; s++)
            for (int q = 0; q < 6; q++)
            {
                var up = v.Select(x => (double[])x.Clone()).ToArray(); up[s][q] += h;
                var dn = v.Select(x => (double[])x.Clone()).ToArray(); dn[s][q] -= h;
                double fd = (stat.ValueDebiased(up, tr) - stat.ValueDebiased(dn, tr)) / (2 * h);
                Assert.True(Math.Abs(fd - g[s][q]) < 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} slot {s} comp {q}: {g[s][q]} vs {fd}");
            }
    }

    [Fact]
    public void ChiSquareDrawsHaveTheRightMoments()
    {
        foreach (int nu in new[] { 1, 5, 100 })
        {
            var rng = new SplitMix64((ulong)nu);
            var x = Enumerable.Range(0, 200_000).Select(_ => IntervalEngine.ChiSquare(ref rng, nu)).ToArray();
            double mean = x.Average(), var = x.Select(t => (t - mean) * (t - mean)).Average();
            Assert.InRange(mean / nu, 0.99, 1.01);
            Assert.InRange(var / (2.0 * nu), 0.96, 1.04);
        }
    }

    static (double[][] V, double[]?[] Cov, double[]?[] L) Words(double nr, params double[][] vs)
    {
        int d = vs[0].Length;
        var cov = vs.Select(v => (double[]?)ModelBuilder.Isotropic(d, nr * Dot(v, v) / d)).ToArray();
        var l = cov.Select(c => (double[]?)ModelBuilder.Isotropic(d, Math.Sqrt(c![0]))).ToArray();
        return (vs, cov, l);
    }

    /// <summary>A cosine's calibrated estimate: the closed-form debiased cosine minus the median error of the bootstrap's
    /// replicates at the pseudo-truth (written out in <see cref="ReferenceReplicates"/>); the interval is symmetric about
    /// it.</summary>
    [Fact]
    public void CalibratedCosineIsTheDebiasedCosineCentredByItsBootstrapAndContainedInItsInterval()
    {
        var rng = new SplitMix64(2);
        var a = Rand(ref rng, 20); var b = Rand(ref rng, 20);
        var (v, cov, l) = Words(0.2, a, b);
        var stat = Statistic.Cosine(0, 1);
        Assert.True(stat.BootstrapBiasCorrected);
        var iv = IntervalEngine.Calibrated(stat, v, cov, l, [100, 100], 0.95, 1000, 7);
        double tra = cov[0]![0] * 20, trb = cov[1]![0] * 20;
        double debiased = Dot(a, b) / Math.Sqrt((Dot(a, a) - tra) * (Dot(b, b) - trb));
        var (theta, ts, sds) = ReferenceReplicates(stat, v, cov, l, [100, 100], 1000, 7);
        double bias = IntervalEngine.Quantile(ts.Order().ToArray(), 0.5) - theta;
        Assert.NotEqual(0, bias);
        Assert.Equal(debiased - bias, iv.Estimate, 12);
        var abst = ts.Select((t, k) => Math.Abs(t - bias - theta) / sds[k]).Order().ToArray();
        Assert.Equal(IntervalEngine.Quantile(abst, 0.95), (iv.Hi - iv.Estimate) / iv.Sd, 9);
        Assert.Equal(Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b)), iv.Plugin, 12);
        Assert.Equal(IntervalStatus.Ok, iv.Status);
        Assert.True(iv.Lo < iv.Estimate && iv.Estimate < iv.Hi);
        Assert.Equal(iv.Estimate - iv.Lo, iv.Hi - iv.Estimate, 12);
        // sd: the delta method of the debiased statistic.
        var g = new[] { new double[20], new double[20] };
        stat.AddGradientDebiased(v, [tra, trb], 1, g);
        Assert.Equal(Math.Sqrt(Dot(g[0], g[0]) * cov[0]![0] + Dot(g[1], g[1]) * cov[1]![0]), iv.Sd, 12);
        // Seeded: the same answer twice.
        Assert.Equal(iv.Lo, IntervalEngine.Calibrated(stat, v, cov, l, [100, 100], 0.95, 1000, 7).Lo);
    }

    static double[] Spd(ref SplitMix64 r, int d, double scale)
    {
        var m = Rand(ref r, d * d);
        var c = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double t = 0; for (int k = 0; k < d; k++) t += m[i * d + k] * m[j * d + k];
                c[i * d + j] = scale * t + (i == j ? scale / 2 : 0);
            }
        return c;
    }

    /// <summary>The calibrated method's bootstrap written from its definition, one replicate at a time: pseudo-truth w° =
    /// w_hat scaled to its debiased norm, draws w* = w° + L z from <see cref="IntervalEngine.Draw"/>, σ²* = σ² χ²_ν/ν in slot
    /// order, T* = the debiased statistic, sd* its delta sd by <see cref="CovarianceMath.Quadratic"/>.</summary>
    static (double Theta, List<double> T, List<double> Sd) ReferenceReplicates(Statistic stat, double[][] v, double[]?[] cov, double[]?[] l, double[] dof, int draws, ulong seed)
    {
        int n = v.Length, d = v[0].Length;
        // A held-fixed word (no covariance): trace 0, kept as it is, σ² not redrawn, no variance.
        var tr = cov.Select(c => c == null ? 0 : Enumerable.Range(0, d).Sum(q => c[q * d + q])).ToArray();
        var vp = v.Select((w, s) => { double n2 = Dot(w, w); double k = Math.Sqrt((n2 - tr[s]) / n2); return w.Select(x => x * k).ToArray(); }).ToArray();
        var chi = new SplitMix64(SplitMix64.Derive(seed, 0x5eed));
        var ts = new List<double>(); var sds = new List<double>();
        IntervalEngine.Draw(vp, l, draws, seed, (b, w) =>
        {
            var scale = new double[n]; var trStar = new double[n];
            for (int s = 0; s < n; s++) { scale[s] = cov[s] != null && dof[s] > 0 && !double.IsPositiveInfinity(dof[s]) ? IntervalEngine.ChiSquare(ref chi, dof[s]) / dof[s] : 1; trStar[s] = scale[s] * tr[s]; }
            double t = stat.ValueDebiased(w, trStar);
            if (!double.IsFinite(t)) return;
            var g = Enumerable.Range(0, n).Select(_ => new double[d]).ToArray();
            stat.AddGradientDebiased(w, trStar, 1, g);
            double var = 0; for (int s = 0; s < n; s++) if (cov[s] != null) var += scale[s] * CovarianceMath.Quadratic(g[s], cov[s]);
            ts.Add(t); sds.Add(Math.Sqrt(var));
        });
        return (stat.Value(vp), ts, sds);
    }

    /// <summary>The batched bootstrap (one GEMM per word for the draws, one for the replicates' variances) against the
    /// per-replicate loop. Anisotropic covariances, so a transposed factor or product would show.</summary>
    [Fact]
    public void CalibratedBootstrapEqualsThePerReplicateLoop()
    {
        var rng = new SplitMix64(23);
        const int d = 9, draws = 400;
        var v = new[] { Rand(ref rng, d), Rand(ref rng, d), Rand(ref rng, d), Rand(ref rng, d) };
        var cov = new double[]?[] { Spd(ref rng, d, 0.02), Spd(ref rng, d, 0.02), Spd(ref rng, d, 0.02), null };
        var l = cov.Select(c => c == null ? null : (double[]?)CovarianceMath.SquareRoot(c, d)).ToArray();
        double[] dof = [7, 40, 0, 25];
        var stat = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2) + Statistic.Cosine(1, 3);
        Assert.True(stat.BootstrapBiasCorrected);
        var iv = IntervalEngine.Calibrated(stat, v, cov, l, dof, 0.9, draws, 5);
        Assert.Equal(IntervalStatus.Ok, iv.Status);
        var (theta, ts, sds) = ReferenceReplicates(stat, v, cov, l, dof, draws, 5);
        double bias = IntervalEngine.Quantile(ts.Order().ToArray(), 0.5) - theta;
        var tr = cov.Select(c => c == null ? 0 : Enumerable.Range(0, d).Sum(q => c[q * d + q])).ToArray();
        Assert.Equal(stat.ValueDebiased(v, tr) - bias, iv.Estimate, 9);
        var abst = ts.Select((t, b) => Math.Abs(t - bias - theta) / sds[b]).ToList();
        Assert.Equal(IntervalEngine.Quantile(abst.Order().ToArray(), 0.9), (iv.Hi - iv.Estimate) / iv.Sd, 9);
        double tObs = Math.Abs(iv.Estimate) / iv.Sd;
        Assert.Equal((1.0 + abst.Count(x => x >= tObs)) / (abst.Count + 1.0), iv.PValueZero, 12);
    }

    /// <summary>The same seed gives the same bits whatever the inputs' addresses: BLAS kernels chosen by alignment must not
    /// leak into the answer (the bulk calls of the C ABI, Python and R promise one call per pair's exact numbers).</summary>
    [Fact]
    public void CalibratedIsBitwiseReproducibleWhereverItsInputsLie()
    {
        var rng = new SplitMix64(41);
        const int d = 10;
        var v = new[] { Rand(ref rng, d), Rand(ref rng, d), Rand(ref rng, d) };
        var cov = new double[]?[] { Spd(ref rng, d, 0.002), Spd(ref rng, d, 0.003), Spd(ref rng, d, 0.002) };
        var l = cov.Select(c => (double[]?)CovarianceMath.SquareRoot(c!, d)).ToArray();
        var stat = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2);
        var first = IntervalEngine.Calibrated(stat, v, cov, l, [30, 30, 30], 0.95, 200, 3);
        // On other threads, between allocations of odd sizes that shift where everything lands.
        var results = new Interval[48];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var pad = new double[1 + k % 9];
            results[k] = IntervalEngine.Calibrated(stat, v.Select(x => (double[])x.Clone()).ToArray(), cov.Select(c => (double[]?)c!.Clone()).ToArray(),
                l.Select(c => (double[]?)c!.Clone()).ToArray(), [30, 30, 30], 0.95, 200, 3);
            GC.KeepAlive(pad);
        });
        foreach (var iv in results)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(first.Lo), BitConverter.DoubleToInt64Bits(iv.Lo));
            Assert.Equal(BitConverter.DoubleToInt64Bits(first.Hi), BitConverter.DoubleToInt64Bits(iv.Hi));
            Assert.Equal(first.PValueZero, iv.PValueZero);
        }
    }

    /// <summary>RND is centred by its bootstrap: estimate = debiased RND - (median T* - θ°), half-width from
    /// |T* - b - θ°|/sd*; a difference of two RNDs is too; a smooth function of centred statistics (the WEAT effect size
    /// of cosines) only when built so.</summary>
    [Fact]
    public void CalibratedRndIsCentredByTheMedianErrorOfItsReplicates()
    {
        var rng = new SplitMix64(31);
        const int d = 8, draws = 300;
        var v = Enumerable.Range(0, 6).Select(_ => Rand(ref rng, d)).ToArray();
        var cov = Enumerable.Range(0, 6).Select(_ => (double[]?)Spd(ref rng, d, 0.01)).ToArray();
        var l = cov.Select(c => (double[]?)CovarianceMath.SquareRoot(c!, d)).ToArray();
        // A moderated σ² has d0 + d degrees of freedom (not a whole number) or infinitely many (known: no χ² draw).
        double[] dof = [30, double.PositiveInfinity, 12, 17.5, 60, 0];
        var rnd = GloVeV.Evaluation.RelativeNormDistance.Statistic([0, 1], [2, 3], [4, 5]);
        Assert.True(rnd.BootstrapBiasCorrected);
        Assert.True((rnd - GloVeV.Evaluation.RelativeNormDistance.Statistic([0, 1], [2, 3], [4])).BootstrapBiasCorrected);
        Assert.True(Statistic.Function([rnd], x => 2 * x[0], _ => [2.0], (double.NegativeInfinity, double.PositiveInfinity), centred: true).BootstrapBiasCorrected);
        Assert.False(Statistic.Function([rnd], x => 2 * x[0], _ => [2.0], (double.NegativeInfinity, double.PositiveInfinity)).BootstrapBiasCorrected);
        Assert.False(Statistic.Function([Statistic.Cosine(0, 1)], x => 2 * x[0], _ => [2.0], (-2, 2)).BootstrapBiasCorrected);
        var effect = GloVeV.Evaluation.Weat.Statistics([0, 1], [2, 3], [4], [5]).Effect;
        Assert.False(effect.BootstrapBiasCorrected);
        var iv = IntervalEngine.Calibrated(rnd, v, cov, l, dof, 0.95, draws, 9);
        Assert.Equal(IntervalStatus.Ok, iv.Status);
        var (theta, ts, sds) = ReferenceReplicates(rnd, v, cov, l, dof, draws, 9);
        double b = IntervalEngine.Quantile(ts.Order().ToArray(), 0.5) - theta;
        Assert.NotEqual(0, b);
        var tr = cov.Select(c => Enumerable.Range(0, d).Sum(q => c![q * d + q])).ToArray();
        Assert.Equal(rnd.ValueDebiased(v, tr) - b, iv.Estimate, 9);
        var abst = ts.Select((t, k) => Math.Abs(t - b - theta) / sds[k]).Order().ToArray();
        Assert.Equal(IntervalEngine.Quantile(abst, 0.95), (iv.Hi - iv.Estimate) / iv.Sd, 9);
        // The test of RND = 0 is taken at the centred estimate.
        double tObs = Math.Abs(iv.Estimate) / iv.Sd;
        Assert.Equal((1.0 + abst.Count(x => x >= tObs)) / (abst.Length + 1.0), iv.PValueZero, 12);
        // The WEAT effect size (a ratio of cosine sums) stays on its debiased value: no median shift.
        double effectDebiased = effect.ValueDebiased(v, tr);
        Assert.True(double.IsFinite(effectDebiased));
        // (At level 0.5: at 0.95 this interval covers most of the effect size's range, and a not-identifiable answer
        // reports no estimate.)
        var effectIv = IntervalEngine.Calibrated(effect, v, cov, l, dof, 0.5, draws, 9);
        Assert.Equal(IntervalStatus.Ok, effectIv.Status);
        Assert.Equal(effectDebiased, effectIv.Estimate, 12);
    }

    [Fact]
    public void NoiseAsLargeAsTheVectorIsNotIdentifiable()
    {
        var rng = new SplitMix64(3);
        var a = Rand(ref rng, 20); var b = Rand(ref rng, 20);
        var (v, cov, l) = Words(1.2, a, b); // tr(Sigma) > ||w_hat||^2
        var iv = IntervalEngine.Calibrated(Statistic.Cosine(0, 1), v, cov, l, [50, 50], 0.95, 500, 1);
        Assert.Equal(IntervalStatus.NotIdentifiable, iv.Status);
        Assert.True(double.IsNaN(iv.Lo) && double.IsNaN(iv.Hi));
        Assert.Contains("debiased squared norm", iv.Reason);
        Assert.Equal(IntervalReason.DebiasedNormNotPositive, iv.ReasonCode);
        Assert.Equal("debiased_norm_not_positive", Interval.ReasonName(iv.ReasonCode));
        // Every code has its own name.
        Assert.Equal(Enum.GetValues<IntervalReason>().Length, Enum.GetValues<IntervalReason>().Select(Interval.ReasonName).Distinct().Count());
        // Delta and composition stay as the paper defines them (status ok, plug-in centred).
        Assert.Equal(IntervalStatus.Ok, IntervalEngine.Delta(Statistic.Cosine(0, 1), v, cov, 0.95).Status);
    }

    [Fact]
    public void MethodOptionsAreCheckedOnceInTheCore()
    {
        Assert.Contains("delta", Assert.Throws<GloVeVException>(() => IntervalDefaults.Resolve(IntervalMethod.Delta, 100, null, null)).Message);
        Assert.Contains("seed", Assert.Throws<GloVeVException>(() => IntervalDefaults.Resolve(IntervalMethod.Delta, null, 3UL, null)).Message);
        Assert.Equal((0, 0UL, 0.95), IntervalDefaults.Resolve(IntervalMethod.Delta, null, null, null));
        Assert.Equal((1000, 1UL, 0.9), IntervalDefaults.Resolve(IntervalMethod.Calibrated, null, null, 0.9));
        Assert.Throws<GloVeVException>(() => IntervalDefaults.Resolve(IntervalMethod.Sample, 1, null, null));
        Assert.Throws<GloVeVException>(() => IntervalDefaults.Resolve(IntervalMethod.Calibrated, 50, null, null));
        Assert.Throws<GloVeVException>(() => IntervalDefaults.Resolve(IntervalMethod.Sample, null, null, 1.0));
        Assert.Equal(IntervalMethod.Sample, Interval.ParseMethod("composition"));
        Assert.Equal(IntervalMethod.Calibrated, IntervalDefaults.Method);
        foreach (var m in Enum.GetValues<IntervalMethod>()) Assert.Equal(m, Interval.ParseMethod(Interval.MethodName(m)));
    }

    [Fact]
    public void EveryAnswerCarriesItsWordsReliability()
    {
        var rng = new SplitMix64(4);
        using var m = GloVeModel.Load(ModelBuilder.Write(["a", "b", "c"], [Rand(ref rng, 5), Rand(ref rng, 5), Rand(ref rng, 5)], i => i < 2 ? ModelBuilder.Isotropic(5, 0.001) : null));
        var p = new Propagation(m);
        var iv = SimilarityQueries.Similarity(p, "a", "b").Interval;
        Assert.Equal(IntervalMethod.Calibrated, iv.Method);
        Assert.Equal(["a", "b"], iv.Words.Select(w => w.Word));
        Assert.All(iv.Words, w => Assert.True(w.HasCovariance && !w.HeldFixed));
        var e = Assert.Throws<GloVeVException>(() => SimilarityQueries.Compare(p, ("a", "b"), ("a", "c")));
        Assert.Contains("'c'", e.Message);
        var held = SimilarityQueries.Compare(new Propagation(m, holdFixed: true), ("a", "b"), ("a", "c"));
        Assert.True(held.Interval.Flagged && held.Interval.Words.Single(w => w.Word == "c").Flags == 1);
    }
}
