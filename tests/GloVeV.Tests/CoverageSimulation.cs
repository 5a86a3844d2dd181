using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;
using Xunit.Abstractions;

namespace GloVeV.Tests;

/// <summary>
/// Seeded coverage study of the interval methods where GloVe-V's model holds exactly (<see cref="CoverageStudy"/>:
/// D = 20, fresh contexts per replication, WLS fits, cos(a,b) = cos(a,c) = rho). Small cells of the grid that perf's
/// <c>GloVeV.Bench coverage</c> prints in full; each fails if the default (calibrated) method leaves its band. An
/// end-to-end check runs the same kind of data through the variance engine and the model reader.
/// </summary>
public class CoverageSimulation(ITestOutputHelper output)
{
    const int Reps = 300, Draws = 500;
    static readonly IntervalMethod[] Methods = [IntervalMethod.Calibrated, IntervalMethod.Delta];

    CoverageCell Cell(double rho, double nr, int contexts, ulong seed)
    {
        var cells = CoverageStudy.Run(rho, nr, 20, contexts, Reps, seed, Methods, Draws, threads: 2);
        foreach (var c in cells)
            output.WriteLine($"rho {rho} NR {nr} |K|-D {contexts - 20} {Interval.MethodName(c.Method)}: cover {c.Coverage:F3} n.i. {c.NotIdentifiable:F3} width {c.MedianWidth:F3} reject {c.Rejection:F3} (mean NR {c.MeanNoiseRatio:F3})");
        return cells[0];
    }

    [Theory]
    [InlineData(0.9, 0.1, 120, 31UL)]
    [InlineData(0.5, 0.1, 120, 32UL)]
    [InlineData(0.1, 0.25, 120, 33UL)]
    public void CalibratedCoversInBandWhereTheDataAreInformative(double rho, double nr, int contexts, ulong seed)
    {
        var c = Cell(rho, nr, contexts, seed);
        Assert.InRange(c.MeanNoiseRatio, 0.8 * nr, 1.2 * nr);
        Assert.InRange(c.Coverage, 0.93, 0.97);
        Assert.True(c.NotIdentifiable < 0.01, $"not identifiable {c.NotIdentifiable}");
        Assert.InRange(c.Rejection, 0.02, 0.07);
    }

    [Theory]
    [InlineData(0.9, 0.5, 120, 41UL)]
    [InlineData(0.5, 2.0, 120, 42UL)]
    [InlineData(0.5, 0.1, 25, 43UL)]
    [InlineData(0.9, 0.1, 25, 44UL)]
    public void CalibratedIsNeverOverconfidentInNoisyCells(double rho, double nr, int contexts, ulong seed)
    {
        var c = Cell(rho, nr, contexts, seed);
        // Required: 0.93 everywhere. With |K| - D = 5 and NR 0.1 the 1,000-replication grid (README, "Intervals") reads
        // 0.940-0.966, which 300 replications (±0.014) cannot tell from 0.93, so those cells are held to 0.92.
        Assert.True(c.Coverage >= (contexts - 20 < 10 ? 0.92 : 0.93), $"coverage {c.Coverage}");
        if (nr <= 0.5 && contexts - 20 >= 100) Assert.True(c.NotIdentifiable < 0.05, $"not identifiable {c.NotIdentifiable}");
        Assert.True(c.Rejection <= 0.07, $"rejection {c.Rejection}");
    }

    /// <summary>Few degrees of freedom (|K| - D = 5): the model's σ² prior (200 other words with the studied words' noise
    /// level, <see cref="NoisePopulation.Shared"/>) against none (each word's own σ² with 5 degrees of freedom). With the
    /// prior fewer answers are not identifiable at NR 0.5 and the interval at NR 0.1 is narrower, both still covering.</summary>
    [Fact]
    public void VariancePriorHelpsAtFewDegreesOfFreedom()
    {
        CoverageCell Run(double nr, NoisePopulation pop, IntervalMethod method = IntervalMethod.Calibrated) =>
            CoverageStudy.Run(0.5, nr, 20, 25, Reps, 71, [method], Draws, threads: 2, population: pop)[0];
        var noisy = Run(0.5, NoisePopulation.Shared);
        var noisyAlone = Run(0.5, NoisePopulation.None);
        output.WriteLine($"NR 0.5: n.i. {noisy.NotIdentifiable:F3} with the prior, {noisyAlone.NotIdentifiable:F3} without; cover {noisy.Coverage:F3} / {noisyAlone.Coverage:F3}");
        // (1,000-replication grid: 17% with the prior, 25% without; the upper-tail words' smaller prior weight,
        // VariancePrior.WordPriorDof, costs about 5 of the points the prior saves.)
        Assert.True(noisy.NotIdentifiable < 0.20 && noisy.NotIdentifiable < noisyAlone.NotIdentifiable - 0.04, $"with the prior {noisy.NotIdentifiable}");
        Assert.True(noisyAlone.NotIdentifiable > 0.18, $"without {noisyAlone.NotIdentifiable}");
        Assert.True(noisy.Coverage >= 0.93, $"coverage {noisy.Coverage}");
        var quiet = Run(0.1, NoisePopulation.Shared);
        var quietAlone = Run(0.1, NoisePopulation.None);
        var delta = Run(0.1, NoisePopulation.None, IntervalMethod.Delta);
        output.WriteLine($"NR 0.1: width {quiet.MedianWidth:F3} with the prior, {quietAlone.MedianWidth:F3} without, delta {delta.MedianWidth:F3}; cover {quiet.Coverage:F3} / {quietAlone.Coverage:F3} / {delta.Coverage:F3}");
        Assert.True(quiet.MedianWidth < 1.25 * delta.MedianWidth, $"width {quiet.MedianWidth} against delta's {delta.MedianWidth}");
        Assert.True(quietAlone.MedianWidth > 1.25 * delta.MedianWidth, $"width without the prior {quietAlone.MedianWidth}");
        Assert.InRange(quiet.Coverage, 0.92, 0.975);
    }

    /// <summary>Studied words twice as noisy as the rest of their model (whose 200 other words share one noise level, so
    /// d0 is infinite): at |K| - D = 100 their s² is far in the prior's upper tail, their prior weight falls to about
    /// nothing, and coverage holds.</summary>
    [Fact]
    public void AtypicalWordsKeepTheirOwnVariance()
    {
        var c = CoverageStudy.Run(0.5, 0.5, 20, 120, Reps, 72, [IntervalMethod.Calibrated], Draws, threads: 2,
            population: new NoisePopulation(200, 0, -Math.Log(2)))[0];
        output.WriteLine($"atypical words: cover {c.Coverage:F3}, n.i. {c.NotIdentifiable:F3}, reject {c.Rejection:F3}");
        Assert.True(c.Coverage >= 0.93, $"coverage {c.Coverage}");
        Assert.True(c.Rejection <= 0.07, $"rejection {c.Rejection}");
    }

    /// <summary>The same at |K| - D = 10, in a model whose other words spread around their noise level (ln σ² ± 0.15 at
    /// one sd, so d0 is about 90, as on the default model's frequent words): a factor 2 is in the prior's upper tail only
    /// part of the time, and each word's prior weight falls by how far out its s² lies. With the whole d0 for every word
    /// that the central 99% of F(d, d0) admitted (the rule before), this cell covered 0.898 (1,000 replications; 0.938 now,
    /// `perf/coverage-robust-prior.txt`).</summary>
    [Fact]
    public void NoisyWordsAtTenDegreesOfFreedomBorrowLess()
    {
        var c = CoverageStudy.Run(0.9, 0.25, 20, 30, 2 * Reps, 73, [IntervalMethod.Calibrated], Draws, threads: 2,
            population: new NoisePopulation(200, 0.15, -Math.Log(2)))[0];
        output.WriteLine($"atypical words, |K| - D = 10: cover {c.Coverage:F3}, n.i. {c.NotIdentifiable:F3}, reject {c.Rejection:F3}");
        Assert.True(c.Coverage >= 0.92, $"coverage {c.Coverage}");
        Assert.True(c.Rejection <= 0.07, $"rejection {c.Rejection}");
    }

    [Fact]
    public void DeltaUnderCoversAtHighCosine()
    {
        // The table's reason for a new default: the paper's delta method at the plug-in vectors is biased toward 0.
        var cells = CoverageStudy.Run(0.9, 0.5, 20, 120, Reps, 51, [IntervalMethod.Delta], Draws, threads: 2);
        Assert.True(cells[0].Coverage < 0.8, $"delta coverage {cells[0].Coverage}");
    }

    /// <summary>The same data through the variance engine (WLS, sigma^2, covariances on disk) and the model reader:
    /// the calibrated interval's coverage agrees with the in-process study.</summary>
    /// <remarks>Each design (one draw of the contexts C, shared by all words) has its own conditional coverage, so four
    /// designs are pooled.</remarks>
    [Fact]
    public void EndToEndThroughTheVarianceEngine()
    {
        int cover = 0, coverDelta = 0, n = 0;
        foreach (ulong seed in new[] { 61UL, 62UL, 63UL, 64UL })
        {
            var (c, cd, k) = EndToEnd(seed);
            cover += c; coverDelta += cd; n += k;
        }
        output.WriteLine($"end to end, pooled over 4 designs ({n} reps): calibrated {cover / (double)n:F3}, delta {coverDelta / (double)n:F3}");
        Assert.InRange(cover / (double)n, 0.93, 0.97);
    }

    (int Cover, int CoverDelta, int N) EndToEnd(ulong seed)
    {
        const int D = 20, K = 120, N = 300;
        double cosTrue = 0.8, s = 0.65; // noise ratio about s^2 D/(K - D - 1) = 0.085
        var rng = new SplitMix64(seed);
        int v = 2 * N + K;
        var ctx = new float[(long)v * D];
        var cb = new float[v];
        for (int j = 2 * N; j < v; j++)
        {
            for (int q = 0; q < D; q++) ctx[(long)j * D + q] = (float)rng.NextGaussian();
            cb[j] = (float)(0.1 * rng.NextGaussian());
        }
        var wa = new double[D]; var wb = new double[D];
        wa[0] = 1; wb[0] = cosTrue; wb[1] = Math.Sqrt(1 - cosTrue * cosTrue);
        var center = new float[(long)v * D];
        var bias = new float[v];
        var rowCounts = new long[v];
        var vals = new double[2 * N * K];
        for (int r = 0; r < 2 * N; r++)
        {
            var w = r % 2 == 0 ? wa : wb;
            bias[r] = 0.2f;
            rowCounts[r] = K;
            for (int t = 0; t < K; t++)
            {
                int j = 2 * N + t;
                double mu = bias[r] + cb[j];
                for (int q = 0; q < D; q++) mu += w[q] * ctx[(long)j * D + q];
                vals[r * K + t] = Math.Exp(mu + s * rng.NextGaussian());
            }
        }
        var dir = TestPaths.TempDir();
        var csr = Path.Combine(dir, "x.safetensors");
        CsrMatrix.Write(csr, rowCounts, emit => { for (int r = 0; r < 2 * N; r++) for (int t = 0; t < K; t++) emit(r, 2 * N + t, vals[r * K + t]); }, new Dictionary<string, string>());
        var words = Enumerable.Range(0, v).Select(i => "w" + i).ToList();
        var vocab = new Vocabulary(words, Enumerable.Repeat(100L, v).ToList());
        vocab.Save(Path.Combine(dir, "vocab.txt"));
        var p = new GloVeParameters(v, D, center, ctx, bias, cb);
        p.Save(Path.Combine(dir, "params.safetensors"));
        using (var x = CsrMatrix.Open(csr))
            VarianceEngine.Run(p, vocab, x, Path.Combine(dir, "variances"), new VarianceOptions { Threads = 2, Refine = true, XMax = 1e-300, ApproxTarget = 0 });
        using var m = GloVeModel.Load(dir);
        var prop = new Propagation(m);
        int cover = 0, coverDelta = 0;
        double nrSum = 0;
        for (int r = 0; r < N; r++)
        {
            var iv = SimilarityQueries.Similarity(prop, words[2 * r], words[2 * r + 1], IntervalMethod.Calibrated, 0.95, Draws, (ulong)r + 1).Interval;
            Assert.Equal(K - D, iv.Words[0].Dof);
            // Refined: the answers use the WLS vectors themselves, so no word is flagged as off its optimum.
            Assert.All(iv.Words, w => Assert.True(w.CentredOnWls && !w.OffOptimum && (w.Flags & 4) == 0));
            if (!iv.Identifiable || (iv.Lo <= cosTrue && cosTrue <= iv.Hi)) cover++;
            var d = SimilarityQueries.Similarity(prop, words[2 * r], words[2 * r + 1], IntervalMethod.Delta).Interval;
            if (d.Lo <= cosTrue && cosTrue <= d.Hi) coverDelta++;
            nrSum += iv.Words[0].NoiseRatio;
        }
        output.WriteLine($"end to end, design {seed} (cos {cosTrue}, NR ~{nrSum / N:F3}, {N} reps): calibrated {cover / (double)N:F3}, delta {coverDelta / (double)N:F3}");
        return (cover, coverDelta, N);
    }
}
