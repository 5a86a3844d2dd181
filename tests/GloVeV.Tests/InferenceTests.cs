using GloVeV.Evaluation;
using GloVeV.Inference;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

public class InferenceTests
{
    static double[] Rand(ref SplitMix64 rng, int d) { var r = new double[d]; for (int i = 0; i < d; i++) r[i] = rng.NextGaussian(); return r; }

    public static TheoryData<string> Statistics => new() { "cos", "dot", "dist", "norm", "cosdiff", "composite" };

    static Statistic Make(string name) => name switch
    {
        "cos" => Statistic.Cosine(0, 1),
        "dot" => Statistic.Dot(0, 1),
        "dist" => Statistic.Distance(0, 1),
        "norm" => Statistic.Norm(0),
        "cosdiff" => Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2),
        _ => Statistic.Lin((2, Statistic.Distance(0, 2)), (-0.5, Statistic.Dot(1, 1)), (1, Statistic.Cosine(2, 1))),
    };

    [Theory, MemberData(nameof(Statistics))]
    public void AnalyticGradientsMatchCentralDifferences(string name)
    {
        var rng = new SplitMix64(7);
        var v = new[] { Rand(ref rng, 6), Rand(ref rng, 6), Rand(ref rng, 6) };
        var stat = Make(name);
        var g = v.Select(x => new double[x.Length]).ToArray();
        stat.AddGradient(v, 1, g);
        const double h = 1e-6;
        for (int s = 0; s < 3; s++)
            for (int q = 0; q < 6; q++)
            {
                var up = v.Select(x => (double[])x.Clone()).ToArray(); up[s][q] += h;
                var dn = v.Select(x => (double[])x.Clone()).ToArray(); dn[s][q] -= h;
                double fd = (stat.Value(up) - stat.Value(dn)) / (2 * h);
                Assert.True(Math.Abs(fd - g[s][q]) < 1e-7 * Math.Max(1, Math.Abs(fd)), $"{name} slot {s} comp {q}: {g[s][q]} vs {fd}");
            }
    }

    [Fact]
    public void NormalDistributionMatchesKnownValues()
    {
        Assert.Equal(1.959963984540054, NormalDistribution.Quantile(0.975), 12);
        Assert.Equal(-2.3263478740408408, NormalDistribution.Quantile(0.01), 12);
        Assert.Equal(0.9750021048517795, NormalDistribution.Cdf(1.96), 14);
        Assert.Equal(0.0013498980316300946, NormalDistribution.Cdf(-3), 15);
        Assert.Equal(0.5, NormalDistribution.Cdf(0), 15);
        Assert.Equal(0.04550026389635842, NormalDistribution.TwoSidedP(2), 14);
    }

    [Fact]
    public void SpearmanAveragesTiedRanks()
    {
        // Ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]: r = 4.5 / sqrt(4.5 * 5).
        Assert.Equal(4.5 / Math.Sqrt(22.5), Correlation.Spearman([1, 2, 2, 3], [1, 3, 2, 4]), 14);
        Assert.Equal(1.0, Correlation.Pearson([1, 2, 3], [2, 4, 6]), 14);
    }

    static string ToyModel() => ModelBuilder.Write(
        ["x1", "x2", "y1", "y2", "a1", "a2", "b1", "b2", "n1", "n2"],
        [[1, 0], [2, 0], [0, 1], [0, 3], [1, 0], [3, 0], [0, 1], [0, 2], [3, 0], [1, 1]],
        i => ModelBuilder.Isotropic(2, 1e-4));

    [Fact]
    public void WeatMatchesTheHandComputedToyCase()
    {
        using var m = GloVeModel.Load(ToyModel());
        // cos(x, a) = 1, cos(x, b) = 0, so s(x) = 1 and s(y) = -1; S = 2 - (-2) = 4; effect = 2 / sd({1,1,-1,-1}) = sqrt(3).
        var r = Weat.Run(new Propagation(m), new WeatLists(["x1", "x2"], ["y1", "y2"], ["a1", "a2"], ["b1", "b2"]), method: IntervalMethod.Sample, draws: 200);
        Assert.Equal(4, r.Statistic, 12);
        Assert.Equal(Math.Sqrt(3), r.EffectSize, 12);
        Assert.True(r.Exact);
        // C(4,2) = 6 partitions, 5 besides the observed one; only the mirror image {y1,y2} is not larger, none is as large:
        // p = (0 + 1)/(5 + 1), never 0.
        Assert.Equal(5, r.Permutations);
        Assert.Equal(1.0 / 6, r.PValue, 12);
        // Perfect separation is the largest effect size possible, so noise can only lower it: the draws sit below.
        Assert.True(r.EffectSizeInterval.Hi <= Math.Sqrt(3) + 1e-12 && r.EffectSizeInterval.Lo > 1.5);
    }

    [Fact]
    public void RelativeNormDistanceMatchesTheHandComputedToyCase()
    {
        using var m = GloVeModel.Load(ToyModel());
        // Unit group means v1 = (1,0), v2 = (0,1); n1 -> (1,0) gives 0 - sqrt(2); n2 is equidistant and gives 0.
        var r = RelativeNormDistance.Run(new Propagation(m), new RndLists(["a1", "a2"], ["b1", "b2"], ["n1", "n2"]), IntervalMethod.Sample, draws: 300);
        Assert.Equal(-Math.Sqrt(2), r.Value, 12);
        Assert.True(r.Interval.Sd > 0 && r.Interval.Sd < 0.1);
        Assert.True(r.PValue < 1e-6);
    }

    [Fact]
    public void DeltaMethodEqualsTheQuadraticFormAndSamplingAgrees()
    {
        var rng = new SplitMix64(3);
        var va = Rand(ref rng, 5); var vb = Rand(ref rng, 5);
        using var m = GloVeModel.Load(ModelBuilder.Write(["a", "b", "fixed"], [va, vb, Rand(ref rng, 5)], i => i < 2 ? ModelBuilder.Isotropic(5, 0.0004 * (i + 1)) : null));
        var p = new Propagation(m);
        var d = SimilarityQueries.Similarity(p, "a", "b", IntervalMethod.Delta).Interval;
        var g = new[] { new double[5], new double[5] };
        Statistic.Cosine(0, 1).AddGradient([m.Vector("a"), m.Vector("b")], 1, g); // the model stores float32
        double var = g[0].Sum(x => x * x) * 0.0004 + g[1].Sum(x => x * x) * 0.0008;
        Assert.True(d.Sd > 0, $"delta sd {d.Sd} store={m.Variances != null} has0={m.HasCovariance(0)} cov00={(m.HasCovariance(0) ? m.Covariance(0)[0] : -1)} value={d.Value}");
        Assert.Equal(Math.Sqrt(var), d.Sd, 12);
        var s = SimilarityQueries.Similarity(p, "a", "b", IntervalMethod.Sample, draws: 20000, seed: 5).Interval;
        Assert.True(double.IsFinite(s.Sd), $"sample sd {s.Sd} mean {s.Mean}");
        Assert.InRange(s.Sd / d.Sd, 0.95, 1.05);
        var again = SimilarityQueries.Similarity(p, "a", "b", IntervalMethod.Sample, draws: 20000, seed: 5).Interval;
        Assert.Equal((s.Estimate, s.Sd, s.Lo, s.Hi), (again.Estimate, again.Sd, again.Lo, again.Hi));
        // A word without a covariance fails the query by default, and is held fixed (and flagged) only on request.
        Assert.Contains("hold", Assert.Throws<GloVeVException>(() => SimilarityQueries.Similarity(p, "fixed", "a", IntervalMethod.Delta)).Message);
        var held = new Propagation(m, holdFixed: true);
        var f = SimilarityQueries.Similarity(held, "fixed", "fixed", IntervalMethod.Delta).Interval;
        Assert.Equal(0, f.Sd);
        Assert.True(f.Flagged && f.Words.Single().HeldFixed && f.Warnings.Any(w => w.Contains("no covariance")));
        // A shared word enters the difference once, with the combined gradient.
        var diff = SimilarityQueries.Compare(held, ("a", "b"), ("a", "fixed"));
        Assert.True(double.IsFinite(diff.Z) && diff.PValue is >= 0 and <= 1);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void TheMethodOfCompositionIsCentredOnTheMedianOfItsDrawsWithTheMeanBeside(double level)
    {
        // Skewed draws (a cosine near 1): their mean lies below the median, outside a narrow central interval.
        var draws = Enumerable.Range(0, 999).Select(k => 1 - Math.Pow(k / 998.0, 4)).ToArray();
        var iv = IntervalEngine.Summarise(0.9, draws, level);
        var sorted = draws.Order().ToArray();
        Assert.Equal(sorted[499], iv.Estimate, 15);                 // 999 draws: the 500th is the median
        Assert.Equal(draws.Sum() / draws.Length, iv.Mean, 12);
        Assert.Equal(0.9, iv.Plugin);
        Assert.InRange(iv.Estimate, iv.Lo, iv.Hi);
        if (level == 0.01) Assert.False(iv.Mean >= iv.Lo && iv.Mean <= iv.Hi, "the case this guards: the mean outside the interval");
    }

    [Fact]
    public void BadQueriesAreClearErrors()
    {
        using var m = GloVeModel.Load(ToyModel());
        var p = new Propagation(m);
        var e = Assert.Throws<GloVeVException>(() => SimilarityQueries.Similarity(p, "x1", "nope1"));
        Assert.Contains("'nope1'", e.Message);
        Assert.Contains("at least 2", Assert.Throws<GloVeVException>(() => Weat.Run(p, new WeatLists(["x1"], ["y1", "y2"], ["a1", "a2"], ["b1", "b2"]))).Message);
        Assert.Contains("at least 2", Assert.Throws<GloVeVException>(() => SimilarityQueries.Similarity(p, "x1", "y1", IntervalMethod.Sample, draws: 1)).Message);
        var bad = TestPaths.WriteCorpus(TestPaths.TempDir(), "x1 y1 3.5\nx2 y2\n", "pairs.txt");
        Assert.Contains(":2: expected 'word1 word2 score'", Assert.Throws<GloVeVException>(() => WordPairs.Load(bad)).Message);
        Assert.Contains("method must be", Assert.Throws<GloVeVException>(() => Interval.ParseMethod("magic")).Message);
        var ok = TestPaths.WriteCorpus(TestPaths.TempDir(), "word1\tword2\tscore\nx1 a1 9\nx1 b1 1\ny1 b1 9\ny2 a1 1\nx2 zz 5\n", "pairs.txt");
        var r = SimilarityBenchmark.Evaluate(p, WordPairs.Load(ok), draws: 50);
        Assert.Equal(5, r.Pairs);
        Assert.Equal(1, r.Oov);
        Assert.Equal(["zz"], r.OovWords);
        // Equal human scores leave a correlation undefined: said so, not an internal error.
        var flat = TestPaths.WriteCorpus(TestPaths.TempDir(), "x1 a1 5\nx1 b1 5\ny1 b1 5\n", "pairs.txt");
        Assert.Contains("undefined", Assert.Throws<GloVeVException>(() => SimilarityBenchmark.Evaluate(p, WordPairs.Load(flat), draws: 50)).Message);
        // A byte-order mark is skipped (the first line is data, not a header); invalid UTF-8 is an error naming its
        // line, never a word turned into U+FFFD and left out as out of vocabulary.
        var dir = TestPaths.TempDir();
        var bom = Path.Combine(dir, "bom.txt");
        File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. "x1 a1 9\r\nx1 b1 1\ny1 b1 9"u8]);
        Assert.Equal([("x1", "a1", 9.0), ("x1", "b1", 1.0), ("y1", "b1", 9.0)], WordPairs.Load(bom).Select(q => (q.A, q.B, q.Score)));
        var invalid = Path.Combine(dir, "invalid.txt");
        File.WriteAllBytes(invalid, [.. "x1 a1 9\nx1 "u8, 0xFF, .. " 1\n"u8]);
        Assert.Contains("invalid.txt:2: not valid UTF-8", Assert.Throws<GloVeVException>(() => WordPairs.Load(invalid)).Message);
        Assert.Contains("is a folder", Assert.Throws<MissingFileException>(() => WordPairs.Load(dir)).Message);
    }
}
