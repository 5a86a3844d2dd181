using GloVeV.Evaluation;
using GloVeV.Inference;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>Neighbour screening, benchmark intervals and bias scores, each against an independent computation.</summary>
public class EvaluationUncertaintyTests
{
    static double[] Rand(ref SplitMix64 rng, int d)
    {
        var x = new double[d];
        for (int q = 0; q < d; q++) x[q] = rng.NextGaussian();
        return x;
    }

    /// <summary>V random words in D dimensions; word i's covariance is isotropic with noise ratio spread over [0.01, 1.5].</summary>
    static (string Dir, double[][] Vectors, double[] S2) RandomModel(int v, int d, ulong seed, Func<int, bool>? hasCov = null)
    {
        var rng = new SplitMix64(seed);
        var vecs = new double[v][];
        for (int i = 0; i < v; i++) vecs[i] = Rand(ref rng, d);
        var s2 = vecs.Select((x, i) => x.Sum(t => t * t) / d * (0.01 + 1.5 * ((i * 7919) % v) / (double)v)).ToArray();
        var dir = ModelBuilder.Write(Enumerable.Range(0, v).Select(i => "w" + i).ToList(), vecs,
            i => hasCov == null || hasCov(i) ? ModelBuilder.Isotropic(d, s2[i]) : null);
        return (dir, vecs, s2);
    }

    /// <summary>Words without a covariance are not neighbour candidates unless held fixed: the search runs over the words
    /// with one, every neighbour shown has one, and the words left out that beat a neighbour by plug-in cosine are named
    /// (with their count per neighbour, the C ABI's flag); held fixed, they are ranked as exact among the rest.</summary>
    [Fact]
    public void NeighboursLeaveOutWordsWithoutACovarianceAndSaySo()
    {
        var (dir, _, _) = RandomModel(200, 6, 17, i => i % 3 != 0); // every third word has no covariance
        using var m = GloVeModel.Load(dir);
        int k = 5;
        var query = Enumerable.Range(0, m.VocabSize).First(i => m.HasCovariance(i)
            && Neighbours.TopK(m, i, k).Any(t => !m.HasCovariance(t.Id)));
        string word = m.Vocabulary[query];
        var res = Neighbours.Query(new Propagation(m), word, k, IntervalMethod.Delta, draws: 200);
        Assert.All(res.Neighbours, n => Assert.True(m.HasCovariance(m.IdOf(n.Word)), n.Word));
        int without = Enumerable.Range(0, m.VocabSize).Count(i => i != query && !m.HasCovariance(i));
        Assert.Equal(without, res.WithoutCovariance);
        Assert.Equal(m.VocabSize - 1 - without, res.Searched);
        // Plug-in order over every word: the ones without a covariance ahead of the last neighbour shown are the ones left out.
        var all = Neighbours.TopK(m, query, m.VocabSize - 1);
        var kept = all.Where(t => m.HasCovariance(t.Id)).Take(k).ToList();
        Assert.Equal(kept.Select(t => m.Vocabulary[t.Id]), res.Neighbours.Select(n => n.Word));
        var above = all.TakeWhile(t => t.Cosine > kept[^1].Cosine).Where(t => !m.HasCovariance(t.Id)).Select(t => m.Vocabulary[t.Id]).ToList();
        Assert.NotEmpty(above);
        Assert.Equal(above, res.LeftOutAbove);
        foreach (var (n, c) in res.Neighbours.Zip(kept))
            Assert.Equal(all.TakeWhile(t => t.Cosine > c.Cosine).Count(t => !m.HasCovariance(t.Id)), n.LeftOutAbove);
        Assert.Contains(res.Warnings, x => x.Contains($"'{above[0]}'") && x.Contains("no GloVe-V covariance"));
        // Held fixed, they are candidates again: the plug-in top k of the whole vocabulary, nothing left out.
        var held = Neighbours.Query(new Propagation(m, holdFixed: true), word, k, IntervalMethod.Delta, draws: 200);
        Assert.Equal(all.Take(k).Select(t => m.Vocabulary[t.Id]), held.Neighbours.Select(n => n.Word));
        Assert.Equal(0, held.WithoutCovariance);
        Assert.Empty(held.LeftOutAbove);
        Assert.All(held.Neighbours, n => Assert.Equal(0, n.LeftOutAbove));
        // More neighbours than words with a covariance: an error that says why.
        var e = Assert.ThrowsAny<GloVeVException>(() => Neighbours.Query(new Propagation(m), word, m.VocabSize - 1 - without + 1, IntervalMethod.Delta, draws: 200));
        Assert.Contains("with a GloVe-V covariance", e.Message);
    }

    [Fact]
    public void ScreenedNeighbourProbabilitiesStayWithinTheirBoundOfTheWholeVocabulary()
    {
        var (dir, _, _) = RandomModel(400, 6, 11);
        using var m = GloVeModel.Load(dir);
        var p = new Propagation(m);
        foreach (var word in new[] { "w3", "w150" })
        {
            var all = Neighbours.Query(p, word, 5, IntervalMethod.Sample, 0.95, 400, 9, tolerance: 1e-12, maxCandidates: m.VocabSize);
            Assert.Equal(m.VocabSize - 1, all.Candidates);
            Assert.Equal(0, all.OmittedBound);
            Assert.Empty(all.Warnings);
            foreach (var cap in new[] { 6, 40, 120 })
            {
                var few = Neighbours.Query(p, word, 5, IntervalMethod.Sample, 0.95, 400, 9, tolerance: 1e-12, maxCandidates: cap);
                // At most the cap (fewer when the cap cannot meet the tolerance anyway: then the likeliest entrants only).
                Assert.InRange(few.Candidates, 6, cap);
                Assert.True(few.OmittedBound > 0);
                Assert.NotEmpty(few.Warnings); // the cap was reached before the tolerance
                double shortfall = 0;
                for (int c = 0; c < 5; c++)
                {
                    Assert.Equal(all.Neighbours[c].Word, few.Neighbours[c].Word);
                    // Same draws for the words both searches drew (per-word streams): fewer rivals can only raise P(top k).
                    double gap = few.Neighbours[c].PTopK - all.Neighbours[c].PTopK;
                    Assert.True(gap >= -1e-12, $"{word} cap {cap}: P(top k) fell by {-gap}");
                    shortfall += gap;
                }
                // The bound is on the expected top-k places that the omitted words take; 400 draws leave some noise.
                Assert.True(shortfall <= few.OmittedBound + 0.05, $"{word} cap {cap}: shortfall {shortfall} > bound {few.OmittedBound}");
            }
            // At the default tolerance the search stops early, within its bound.
            var screened = Neighbours.Query(p, word, 5, IntervalMethod.Sample, 0.95, 400, 9);
            Assert.True(screened.OmittedBound <= NeighbourDefaults.Tolerance);
            for (int c = 0; c < 5; c++)
                Assert.InRange(screened.Neighbours[c].PTopK - all.Neighbours[c].PTopK, -1e-12, NeighbourDefaults.Tolerance + 0.05);
        }
    }

    [Fact]
    public void TailBoundIsAboveTheMonteCarloProbability()
    {
        var rng = new SplitMix64(5);
        const int d = 8, n = 100_000;
        var w = Rand(ref rng, d);
        double norm2 = w.Sum(t => t * t);
        int informative = 0;
        foreach (var scale in new[] { 0.002, 0.01, 0.05 })
        {
            // Anisotropic diagonal covariance: variances scale * (1..8) * |w|^2 / d.
            var sigma = Enumerable.Range(0, d).Select(q => scale * (q + 1) * norm2 / d).ToArray();
            double tr = sigma.Sum(), trSq = sigma.Sum(s => s * s), lmax = sigma.Max();
            var angles = new double[n];
            for (int r = 0; r < n; r++)
            {
                double dot = 0, nn = 0;
                for (int q = 0; q < d; q++) { double x = w[q] + Math.Sqrt(sigma[q]) * rng.NextGaussian(); dot += x * w[q]; nn += x * x; }
                angles[r] = Math.Acos(Math.Clamp(dot / Math.Sqrt(nn * norm2), -1, 1));
            }
            foreach (var delta in new[] { 0.1, 0.3, 0.6, 1.0 })
            {
                double mc = angles.Count(a => a > delta) / (double)n;
                double bound = Neighbours.TailBound(delta, norm2, true, tr, trSq, lmax);
                // The projection bound: a fixed unit vector u at angle delta from w; P(cos(u, w + e) > t).
                foreach (var t in new[] { 0.3, 0.6, 0.9 })
                {
                    var u = OffAxis(w, delta);
                    int hits = 0;
                    var rng2 = new SplitMix64((ulong)(1000 * delta + 100 * t + scale * 1e4));
                    for (int r = 0; r < 20_000; r++)
                    {
                        double dot = 0, nn = 0;
                        for (int q = 0; q < d; q++) { double x = w[q] + Math.Sqrt(sigma[q]) * rng2.NextGaussian(); dot += x * u[q]; nn += x * x; }
                        if (dot > t * Math.Sqrt(nn)) hits++;
                    }
                    double pm = hits / 20_000.0, pb = Neighbours.ProjectionBound(delta, t, norm2, true, tr, trSq, lmax);
                    Assert.True(pb + 1e-12 >= pm - 3 * Math.Sqrt(pm * (1 - pm) / 20_000), $"projection: scale {scale} delta {delta} t {t}: bound {pb} < {pm}");
                }
                Assert.True(bound + 1e-12 >= mc - 3 * Math.Sqrt(mc * (1 - mc) / n), $"scale {scale} delta {delta}: bound {bound} < Monte Carlo {mc}");
                if (bound < 0.5) informative++;
            }
        }
        Assert.True(informative >= 4, "the bound should be informative for small noise");
        Assert.Equal(1, Neighbours.TailBound(0, norm2, true, 1, 1, 1));
        Assert.Equal(0, Neighbours.TailBound(0.5, norm2, false, 0, 0, 0));
    }

    /// <summary>A unit vector at angle <paramref name="angle"/> from w (rotated towards a fixed orthogonal direction).</summary>
    static double[] OffAxis(double[] w, double angle)
    {
        double n = Math.Sqrt(Dot(w, w));
        var e = w.Select(x => x / n).ToArray();
        var o = new double[w.Length]; o[0] = 1;
        double pr = Dot(o, e);
        for (int q = 0; q < o.Length; q++) o[q] -= pr * e[q];
        double on = Math.Sqrt(Dot(o, o));
        return e.Select((x, q) => Math.Cos(angle) * x + Math.Sin(angle) * o[q] / on).ToArray();
    }

    static string PairsFile(double[][] vecs, int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var lines = new List<string>();
        for (int k = 0; k < count; k++)
        {
            int a = (int)(rng.NextDouble() * vecs.Length), b = (a + 1 + (int)(rng.NextDouble() * (vecs.Length - 1))) % vecs.Length;
            double cos = Dot(vecs[a], vecs[b]) / Math.Sqrt(Dot(vecs[a], vecs[a]) * Dot(vecs[b], vecs[b]));
            lines.Add($"w{a} w{b} {(5 + 4 * cos + rng.NextGaussian()).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return TestPaths.WriteCorpus(TestPaths.TempDir(), string.Join("\n", lines) + "\n", "pairs.txt");
    }

    static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Fact]
    public void BenchmarkIntervalsJoinPairSamplingAndNoiseAndPairTheComparison()
    {
        var (dir, vecs, s2) = RandomModel(120, 6, 21);
        using var m = GloVeModel.Load(dir);
        var pairs = WordPairs.Load(PairsFile(vecs, 80, 4));
        var p = new Propagation(m);
        var r = SimilarityBenchmark.Evaluate(p, pairs, "toy", 400, 3);
        foreach (var c in new[] { r.SpearmanInterval, r.PearsonInterval })
        {
            Assert.True(c.Lo <= c.Estimate && c.Estimate <= c.Hi, $"[{c.Lo}, {c.Hi}] excludes {c.Estimate}");
            Assert.True(c.SdPairs > 0 && c.SdNoise > 0);
            // Joint replicates vary with both sources: not below either part (allowing replicate noise).
            Assert.True(c.Sd >= 0.9 * Math.Max(c.SdPairs, c.SdNoise), $"sd {c.Sd} parts {c.SdPairs} {c.SdNoise}");
            Assert.True(c.Sd <= 1.2 * Math.Sqrt(c.SdPairs * c.SdPairs + c.SdNoise * c.SdNoise) + 0.02);
        }
        Assert.Equal(r.Spearman, r.SpearmanInterval.Estimate);
        Assert.True(r.FlaggedWords > 0); // words up to noise ratio 1.5

        // Against itself: the difference is 0 and pair resampling cannot move it.
        var self = SimilarityBenchmark.Compare(p, p, pairs, "toy", 300, 3);
        Assert.Equal(0, self.Diff);
        Assert.Equal(0, self.SdPairs, 12);

        // A nearby model: resampling the pairs jointly cancels what the two share, so the paired pair-sd is far below
        // what two independent bootstraps would give.
        var rng = new SplitMix64(8);
        var near = new double[vecs.Length][];
        for (int i = 0; i < vecs.Length; i++) { var e = Rand(ref rng, 6); near[i] = vecs[i].Select((t, q) => t + 0.15 * e[q]).ToArray(); }
        using var m2 = GloVeModel.Load(ModelBuilder.Write(Enumerable.Range(0, vecs.Length).Select(i => "w" + i).ToList(), near, i => ModelBuilder.Isotropic(6, s2[i])));
        var p2 = new Propagation(m2);
        var r2 = SimilarityBenchmark.Evaluate(p2, pairs, "toy", 400, 3);
        var cmp = SimilarityBenchmark.Compare(p, p2, pairs, "toy", 400, 3);
        Assert.Equal(r.Spearman - r2.Spearman, cmp.Diff, 12);
        double unpaired = Math.Sqrt(Math.Pow(r.SpearmanInterval.SdPairs, 2) + Math.Pow(r2.SpearmanInterval.SdPairs, 2));
        Assert.True(cmp.SdPairs < 0.6 * unpaired, $"paired {cmp.SdPairs} vs unpaired {unpaired}");
        Assert.True(cmp.Lo <= cmp.Diff && cmp.Diff <= cmp.Hi && cmp.PValue is >= 0 and <= 1);
        Assert.True(cmp.FlagsA != 0 && cmp.FlagsB != 0);
    }

    [Fact]
    public void BiasScoreIntervalsCoverTheTruthWhereTheNoiseIsLow()
    {
        // Seeded cells of perf's bias-coverage grid (README): at NR = 0.1 the delta and calibrated intervals of the WEAT
        // effect size and of RND cover the true score (band for 80 replications), and the true-null difference of two
        // list sets is rarely rejected.
        foreach (var score in new[] { "weat", "rnd" })
            foreach (var c in BiasCoverageStudy.Run(score, 0.1, 120, 80, 11, [IntervalMethod.Delta, IntervalMethod.Calibrated], draws: 400))
            {
                Assert.InRange(c.Coverage, 0.86, 1.0);
                Assert.InRange(c.Rejection, 0.0, 0.15);
                Assert.True(c.NotIdentifiable < 0.05, $"{score} {c.Method}: {c.NotIdentifiable} not identifiable");
            }
    }

    /// <summary>WEAT effect size written out from the paper's definition (sample sd over X ∪ Y).</summary>
    static double EffectSize(Func<string, double[]> v, string[] x, string[] y, string[] a, string[] b)
    {
        double Cos(double[] p, double[] q) => Dot(p, q) / Math.Sqrt(Dot(p, p) * Dot(q, q));
        double S(string w) => a.Average(t => Cos(v(w), v(t))) - b.Average(t => Cos(v(w), v(t)));
        var all = x.Concat(y).Select(S).ToArray();
        double mean = all.Average(), sd = Math.Sqrt(all.Sum(z => (z - mean) * (z - mean)) / (all.Length - 1));
        return (x.Average(S) - y.Average(S)) / sd;
    }

    /// <summary>Garg et al.'s relative norm distance written out: unit vectors, group means of unit vectors.</summary>
    static double Rnd(Func<string, double[]> v, string[] g1, string[] g2, string[] neutral)
    {
        double[] U(string w) { var x = v(w); double n = Math.Sqrt(Dot(x, x)); return x.Select(t => t / n).ToArray(); }
        double[] Mean(string[] g) => Enumerable.Range(0, v(g[0]).Length).Select(q => g.Average(w => U(w)[q])).ToArray();
        double Dist(double[] p, double[] q) => Math.Sqrt(p.Zip(q, (s, t) => (s - t) * (s - t)).Sum());
        var c1 = Mean(g1); var c2 = Mean(g2);
        return neutral.Sum(w => Dist(U(w), c1) - Dist(U(w), c2));
    }

    /// <summary>sqrt(Σ_w s2_w |∂f/∂w|²) by central differences: the delta-method sd under isotropic covariances.</summary>
    static double FiniteDifferenceSd(GloVeModel m, IEnumerable<string> words, double[] s2, Func<Func<string, double[]>, double> f)
    {
        var at = words.Distinct().ToDictionary(w => w, w => m.Vector(w));
        double var = 0, h = 1e-6;
        foreach (var w in at.Keys)
            for (int q = 0; q < at[w].Length; q++)
            {
                double keep = at[w][q];
                at[w][q] = keep + h; double up = f(s => at[s]);
                at[w][q] = keep - h; double down = f(s => at[s]);
                at[w][q] = keep;
                double g = (up - down) / (2 * h);
                var += s2[int.Parse(w[1..])] * g * g;
            }
        return Math.Sqrt(var);
    }

    [Fact]
    public void IntervalsTheStudiesShowUnderCoveringCarryACaveat()
    {
        // Words 0-5 at noise ratio 0.1, words 6-11 at 0.8 but word 10 at 0.4 (isotropic covariances: tr(Σ)/||w||²
        // exactly, as the plug-in ratio the variance stage reports; the caveats compare r / (1 - r) with the studies' 0.5).
        var rng = new SplitMix64(5);
        const int d = 6;
        var vecs = Enumerable.Range(0, 12).Select(_ => Rand(ref rng, d)).ToArray();
        double Nr(int i) => i < 6 ? 0.1 : i == 10 ? 0.4 : 0.8;
        var dir = ModelBuilder.Write(Enumerable.Range(0, 12).Select(i => "w" + i).ToList(), vecs,
            i => ModelBuilder.Isotropic(d, Nr(i) * vecs[i].Sum(t => t * t) / d));
        using var m = GloVeModel.Load(dir);
        var p = new Propagation(m);
        // The calibrated RND (centred by its bootstrap) covered 0.94-1.00 in the study: no caveat at any noise ratio.
        var calibrated = RelativeNormDistance.Run(p, new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w11"]), IntervalMethod.Calibrated, draws: 200);
        Assert.Empty(calibrated.Interval.Caveats);
        Assert.Equal(0, calibrated.Interval.Flags & CalibrationLimits.Flag);
        Assert.Empty(RelativeNormDistance.Difference(p, new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w5"]), new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w9"]),
            IntervalMethod.Calibrated, draws: 200).Difference.Caveats);
        foreach (var method in new[] { IntervalMethod.Delta, IntervalMethod.Sample })
        {
            var quiet = RelativeNormDistance.Run(p, new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w5"]), method, draws: 200);
            Assert.Empty(quiet.Interval.Caveats);
            Assert.Equal(0, quiet.Interval.Flags & CalibrationLimits.Flag);
            var noisy = RelativeNormDistance.Run(p, new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w11"]), method, draws: 200);
            var caveat = Assert.Single(noisy.Interval.Caveats, c => c.StartsWith("relative norm distance"));
            Assert.Contains("estimated here up to 4)", caveat); // 0.8 / (1 - 0.8)
            Assert.Equal(CalibrationLimits.Flag, noisy.Interval.Flags & CalibrationLimits.Flag);
            Assert.True(noisy.Interval.Flagged);
            Assert.Contains(caveat, noisy.Interval.Warnings);
            var diff = RelativeNormDistance.Difference(p, new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w5"]), new RndLists(["w0", "w1"], ["w2", "w3"], ["w4", "w9"]), method, draws: 200);
            Assert.Contains(diff.Difference.Caveats, c => c.StartsWith("relative norm distance"));
        }
        // The method of composition under-covers cosines from noise ratio 0.5; delta and calibrated carry no caveat there
        // (their own limits show as per-word flags and not_identifiable).
        Assert.Empty(SimilarityQueries.Similarity(p, "w0", "w1", IntervalMethod.Sample, draws: 200).Interval.Caveats);
        var sampled = SimilarityQueries.Similarity(p, "w0", "w7", IntervalMethod.Sample, draws: 200).Interval;
        Assert.Contains("'sample' method", Assert.Single(sampled.Caveats));
        Assert.Equal(CalibrationLimits.Flag, sampled.Flags & CalibrationLimits.Flag);
        Assert.Empty(SimilarityQueries.Similarity(p, "w0", "w7", IntervalMethod.Delta).Interval.Caveats);
        Assert.Empty(SimilarityQueries.Similarity(p, "w0", "w7", IntervalMethod.Calibrated, draws: 200).Interval.Caveats);
        // The same in a neighbour list, whose 'sample' intervals come from the joint draws behind P(top k): every neighbour
        // of a noisy word carries the caveat, and a quiet word's neighbours among quiet words do not.
        var noisyNeighbours = Neighbours.Query(p, "w7", 4, IntervalMethod.Sample, draws: 200);
        Assert.All(noisyNeighbours.Neighbours, n => Assert.Equal(CalibrationLimits.Flag, n.Interval.Flags & CalibrationLimits.Flag));
        Assert.All(noisyNeighbours.Neighbours, n => Assert.Contains("'sample' method", Assert.Single(n.Interval.Caveats)));
        Assert.All(Neighbours.Query(p, "w7", 4, IntervalMethod.Calibrated, draws: 200).Neighbours, n => Assert.Empty(n.Interval.Caveats));
        // A plug-in ratio of 0.4 estimates a true one of 0.67 (||w_hat||² carries tr(Σ) too): above the studies' 0.5.
        Assert.Contains("estimated here up to 0.667", Assert.Single(SimilarityQueries.Similarity(p, "w0", "w10", IntervalMethod.Sample, draws: 200).Interval.Caveats));
        Assert.Equal(0.5, CalibrationLimits.EstimatedNoiseRatio(1.0 / 3), 12);
        Assert.Equal(double.PositiveInfinity, CalibrationLimits.EstimatedNoiseRatio(1.0));
    }

    [Fact]
    public void BiasScoreDeltaSdsMatchFiniteDifferencesAndDifferencesShareWords()
    {
        var (dir, _, s2) = RandomModel(40, 5, 31);
        using var m = GloVeModel.Load(dir);
        var p = new Propagation(m);
        string[] W(params int[] ids) => ids.Select(i => "w" + i).ToArray();
        var x = W(0, 1, 2); var y = W(3, 4, 5); var a = W(6, 7, 8, 9); var b = W(10, 11, 12);
        var weat = Weat.Run(p, new WeatLists(x, y, a, b), 200, IntervalMethod.Delta);
        Assert.Equal(EffectSize(m.Vector, x, y, a, b), weat.EffectSize, 9);
        double fd = FiniteDifferenceSd(m, x.Concat(y).Concat(a).Concat(b), s2, v => EffectSize(v, x, y, a, b));
        Assert.Equal(fd, weat.EffectSizeInterval.Sd, 5);
        Assert.InRange(weat.PValue, 1.0 / 21, 1); // C(6,3) = 20 partitions: 19 others, p >= 1/20
        Assert.Equal(19, weat.Permutations);

        var g1 = W(13, 14, 15); var g2 = W(16, 17); var neutral = W(18, 19, 20, 21, 22);
        var rnd = RelativeNormDistance.Run(p, new RndLists(g1, g2, neutral), IntervalMethod.Delta);
        Assert.Equal(Rnd(m.Vector, g1, g2, neutral), rnd.Value, 9);
        Assert.Equal(FiniteDifferenceSd(m, g1.Concat(g2).Concat(neutral), s2, v => Rnd(v, g1, g2, neutral)), rnd.Interval.Sd, 5);
        Assert.Equal(rnd.Interval.Estimate / rnd.Interval.Sd, rnd.Z, 12);
        Assert.Equal(rnd.Interval.PValueZero, rnd.PValue, 12);

        // Differences: identical lists give exactly 0; swapping A and B gives twice the effect size; lists that share
        // words get the sd of the joint difference, not of two independent scores.
        var same = Weat.Difference(p, new WeatLists(x, y, a, b), new WeatLists(x, y, a, b), IntervalMethod.Delta);
        Assert.Equal(0, same.Difference.Estimate);
        Assert.Equal(0, same.Difference.Sd, 12);
        var swapped = Weat.Difference(p, new WeatLists(x, y, a, b), new WeatLists(x, y, b, a), IntervalMethod.Delta);
        Assert.Equal(2 * weat.EffectSize, swapped.Difference.Estimate, 9);
        var a2 = W(6, 7, 23); // shares w6, w7 with a
        var shared = Weat.Difference(p, new WeatLists(x, y, a, b), new WeatLists(x, y, a2, b), IntervalMethod.Delta);
        double fdDiff = FiniteDifferenceSd(m, x.Concat(y).Concat(a).Concat(b).Concat(a2), s2, v => EffectSize(v, x, y, a, b) - EffectSize(v, x, y, a2, b));
        Assert.Equal(fdDiff, shared.Difference.Sd, 5);
        Assert.Equal(shared.First - shared.Second, shared.Difference.Value, 9);

        var n2 = W(18, 19, 24, 25);
        var rdiff = RelativeNormDistance.Difference(p, new RndLists(g1, g2, neutral), new RndLists(g1, g2, n2), IntervalMethod.Delta);
        double fdR = FiniteDifferenceSd(m, g1.Concat(g2).Concat(neutral).Concat(n2), s2, v => Rnd(v, g1, g2, neutral) - Rnd(v, g1, g2, n2));
        Assert.Equal(fdR, rdiff.Difference.Sd, 5);
        Assert.True(rdiff.Difference.Lo <= rdiff.Difference.Estimate && rdiff.Difference.Estimate <= rdiff.Difference.Hi);
    }

    /// <summary>Garg et al.'s RND written from a matrix of cosines: ‖u_n − c_g‖² = 1 − (2/G) Σ_k cos(n, k) + (1/G²) Σ_{k,l} cos(k, l).
    /// With <paramref name="cos"/> the debiased cosines (1 on the diagonal) this is the debiased RND.</summary>
    static double RndFromCosines(Func<int, int, double> cos, int[] g1, int[] g2, int[] neutral)
    {
        double D(int n, int[] g) => Math.Sqrt(1 - 2.0 / g.Length * g.Sum(k => cos(n, k)) + g.Sum(k => g.Sum(l => cos(k, l))) / (g.Length * (double)g.Length));
        return neutral.Sum(n => D(n, g1) - D(n, g2));
    }

    [Fact]
    public void DebiasedRndIsTheRndOfDebiasedCosines()
    {
        var rng = new SplitMix64(21);
        int d = 8, n = 10;
        var v = Enumerable.Range(0, n).Select(_ => Rand(ref rng, d).Select(x => x + 0.8).ToArray()).ToArray();
        var tr = v.Select((w, i) => (0.05 + 0.02 * i) * Dot(w, w)).ToArray();
        double DebiasedCos(int s, int t) => s == t ? 1 : Dot(v[s], v[t]) / Math.Sqrt((Dot(v[s], v[s]) - tr[s]) * (Dot(v[t], v[t]) - tr[t]));
        double PlainCos(int s, int t) => Dot(v[s], v[t]) / Math.Sqrt(Dot(v[s], v[s]) * Dot(v[t], v[t]));
        // The second design puts group words among the neutral words (a word in a group and the neutral list).
        foreach (var (g1, g2, neutral) in new (int[], int[], int[])[] { ([0, 1, 2], [3, 4], [5, 6, 7, 8, 9]), ([0, 1, 2], [3, 4], [2, 3, 7, 8]) })
        {
            var stat = RelativeNormDistance.Statistic(g1, g2, neutral);
            Assert.Equal(RndFromCosines(DebiasedCos, g1, g2, neutral), stat.ValueDebiased(v, tr), 12);
            Assert.Equal(RndFromCosines(PlainCos, g1, g2, neutral), stat.ValueDebiased(v, new double[n]), 12);
            Assert.Equal(stat.Value(v), stat.ValueDebiased(v, new double[n]), 12);
            // Its gradient against central differences of the cosine-matrix formula.
            var g = v.Select(_ => new double[d]).ToArray();
            stat.AddGradientDebiased(v, tr, 1, g);
            for (int s = 0; s < n; s++)
                for (int q = 0; q < d; q++)
                {
                    double keep = v[s][q], h = 1e-6;
                    v[s][q] = keep + h; double up = RndFromCosines(DebiasedCos, g1, g2, neutral);
                    v[s][q] = keep - h; double down = RndFromCosines(DebiasedCos, g1, g2, neutral);
                    v[s][q] = keep;
                    double fd = (up - down) / (2 * h);
                    Assert.True(Math.Abs(fd - g[s][q]) < 1e-6 * Math.Max(1, Math.Abs(fd)), $"slot {s}, coordinate {q}: {g[s][q]} vs {fd}");
                }
        }
        // A word in both groups: the same identity holds.
        var both = RelativeNormDistance.Statistic([0, 1, 2], [2, 3, 4], [5, 6, 7]);
        Assert.Equal(RndFromCosines(DebiasedCos, [0, 1, 2], [2, 3, 4], [5, 6, 7]), both.ValueDebiased(v, tr), 12);
        // A repeated slot within a list is refused (the debiased form counts each slot of a list once).
        Assert.Throws<GloVeVException>(() => RelativeNormDistance.Statistic([0, 1, 1], [3, 4], [5, 6]));
        Assert.Throws<GloVeVException>(() => RelativeNormDistance.Statistic([0, 1], [3, 4], [5, 5]));
        // Noise as large as a vector: not defined (NaN), never clamped, and no gradient is added.
        var big = (double[])tr.Clone(); big[6] = 2 * Dot(v[6], v[6]);
        var small = RelativeNormDistance.Statistic([0, 1, 2], [3, 4], [5, 6]);
        Assert.True(double.IsNaN(small.ValueDebiased(v, big)));
        var none = v.Select(_ => new double[d]).ToArray();
        small.AddGradientDebiased(v, big, 1, none);
        Assert.All(none, row => Assert.All(row, x => Assert.Equal(0.0, x)));
    }

    [Fact]
    public void DebiasedRndRemovesTheNoiseAttenuation()
    {
        // Monte Carlo with known isotropic noise (tr Σ / ‖w‖² = 0.4 per word): the plug-in RND is pulled toward 0 by the
        // noise (unit vectors of noisy words spread out), the debiased one stays near the truth.
        var rng = new SplitMix64(5);
        int d = 20;
        var truth = new double[9][];
        for (int i = 0; i < 9; i++)
        {
            var x = Rand(ref rng, d).Select(t => 0.3 * t).ToArray();
            x[i < 3 ? 0 : i < 6 ? 1 : 0] += 1; // groups on axes 0 and 1, neutral words near group 1
            double nn = Math.Sqrt(Dot(x, x)); truth[i] = x.Select(t => t / nn).ToArray();
        }
        var stat = RelativeNormDistance.Statistic([0, 1, 2], [3, 4, 5], [6, 7, 8]);
        double theta = stat.Value(truth), s2 = 0.4 / d;
        var tr = Enumerable.Repeat(s2 * d, 9).ToArray();
        double plug = 0, deb = 0; int reps = 4000, ok = 0;
        for (int r = 0; r < reps; r++)
        {
            var w = truth.Select(t => t.Select(x => x + Math.Sqrt(s2) * rng.NextGaussian()).ToArray()).ToArray();
            double t1 = stat.ValueDebiased(w, tr);
            if (!double.IsFinite(t1)) continue;
            ok++; plug += stat.Value(w); deb += t1;
        }
        plug /= ok; deb /= ok;
        Assert.True(ok > 0.95 * reps);
        Assert.True(Math.Abs(plug - theta) > 0.15 * Math.Abs(theta), $"plug-in {plug} vs truth {theta}");
        Assert.True(Math.Abs(deb - theta) < Math.Abs(plug - theta) / 3, $"debiased {deb}, plug-in {plug}, truth {theta}");
    }
}
