using GloVeV.Inference;
using GloVeV.Training;

namespace GloVeV.Evaluation;

/// <summary>The uncertainty of a benchmark correlation, in two parts: resampling the pairs (the benchmark is a sample of
/// word pairs) and the embedding noise (vectors drawn w ~ N(w_hat, Σ)). Each replicate resamples the pairs and draws
/// the vectors; <see cref="Sd"/> is the sd of those joint replicates and the interval Estimate ± z·Sd (it contains the
/// estimate). <see cref="SdPairs"/>: the sd with the pairs resampled at the trained vectors; <see cref="SdNoise"/>: the
/// sd of the vector draws on all pairs; <see cref="NoiseShift"/>: mean over those draws minus the estimate (embedding
/// noise attenuates correlations, so a large negative shift says the score itself is pulled down by noise).
/// <see cref="Replicates"/>: the joint replicates whose correlation is defined (a resample of few pairs can repeat one
/// pair, or leave every score equal: those are left out of the sd, and this count says how many remained).</summary>
public sealed record CorrelationUncertainty(double Estimate, double Sd, double Lo, double Hi, double SdPairs, double SdNoise, double NoiseShift,
    int Replicates, double Level)
{
    public double PValueZero => Sd > 0 ? NormalDistribution.TwoSidedP(Estimate / Sd) : double.NaN;
}

/// <summary>A benchmark's scores. <see cref="Oov"/>: pairs left out (a word not in the vocabulary); <see cref="OovRatio"/>:
/// those in percent of the file's pairs, as gensim's evaluate_word_pairs reports its oov_ratio (every front door uses
/// this one definition).</summary>
public sealed record BenchmarkResult(string Name, int Pairs, int Used, int Oov, double OovRatio, double Pearson, double Spearman,
    CorrelationUncertainty SpearmanInterval, CorrelationUncertainty PearsonInterval, IReadOnlyList<string> OovWords)
{
    /// <summary>Reliability of the words the used pairs involve, and the warnings of the flagged ones.</summary>
    public IReadOnlyList<WordReliability> Words { get; init; } = [];
    /// <summary>Two-sided p-values of "no correlation" at the trained vectors (<see cref="Correlation.PValue"/>), as
    /// gensim's evaluate_word_pairs reports them; they ignore the embedding noise the intervals carry.</summary>
    public double PearsonP => Correlation.PValue(Pearson, Used);
    public double SpearmanP => Correlation.PValue(Spearman, Used);
    public int FlaggedWords => Words.Count(w => w.Flagged);
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Paired comparison (A − B) of two models' Spearman correlations on the pairs both cover: every replicate
/// resamples the same pairs for both models and draws each model's vectors independently.</summary>
public sealed record BenchmarkComparison(string Name, int Pairs, double SpearmanA, double SpearmanB, double Diff, double Sd, double Lo, double Hi,
    double PValue, double SdPairs, double SdNoise, int Replicates, double Level)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Union of the reliability flags of each model's words (GV_FLAG_* bits).</summary>
    public int FlagsA { get; init; }
    public int FlagsB { get; init; }
}

/// <summary>
/// Word-similarity evaluation as gensim's <c>evaluate_word_pairs</c> (pairs with an out-of-vocabulary word are
/// skipped and counted; case-insensitive lookup falls back to lowercase), with intervals that combine a bootstrap over
/// the pairs with GloVe-V's embedding noise (<see cref="CorrelationUncertainty"/>), and a paired comparison of two models.
/// </summary>
public static class SimilarityBenchmark
{
    static int Lookup(GloVeModel m, string w) =>
        m.Vocabulary.TryGetId(w, out var id) ? id : m.Vocabulary.TryGetId(w.ToLowerInvariant(), out id) ? id : -1;

    static (List<(int A, int B, double Score)> Used, List<string> Oov) Resolve(GloVeModel m, IReadOnlyList<WordPair> pairs)
    {
        var used = new List<(int, int, double)>();
        var oov = new List<string>();
        foreach (var p in pairs)
        {
            int a = Lookup(m, p.A), b = Lookup(m, p.B);
            if (a >= 0 && b >= 0) used.Add((a, b, p.Score));
            else { if (a < 0) oov.Add(p.A); if (b < 0) oov.Add(p.B); }
        }
        return (used, oov.Distinct().ToList());
    }

    static double[] PluginCosines(GloVeModel m, List<(int A, int B, double Score)> used) =>
        used.Select(u => Statistic.Cosine(0, 1).Value([m.Vector(u.A), m.Vector(u.B)])).ToArray();

    /// <summary>The pair resamples of every replicate (shared by the models of a comparison).</summary>
    static int[][] Resamples(int pairs, int replicates, ulong seed)
    {
        var rng = new SplitMix64(SplitMix64.Derive(seed, 0xB007));
        var r = new int[replicates][];
        for (int k = 0; k < replicates; k++)
        {
            r[k] = new int[pairs];
            for (int i = 0; i < pairs; i++) r[k][i] = (int)rng.NextBelow(pairs);
        }
        return r;
    }

    /// <summary>The cosines of every pair in each of <paramref name="draws"/> joint draws of the vectors.</summary>
    static double[][] DrawCosines(Propagation p, List<(int A, int B, double Score)> used, int draws, ulong seed)
    {
        var (ids, _) = Propagation.Slots(used.SelectMany(u => new[] { u.A, u.B }));
        p.Check(ids);
        var slot = ids.Select((id, s) => (id, s)).ToDictionary(t => t.id, t => t.s);
        var stats = used.Select(u => Statistic.Cosine(slot[u.A], slot[u.B])).ToArray();
        var r = new double[draws][];
        p.Draw(ids, draws, seed, (k, v) =>
        {
            var c = new double[used.Count];
            for (int i = 0; i < c.Length; i++) c[i] = stats[i].Value(v);
            r[k] = c;
        });
        return r;
    }

    static double[] Pick(double[] x, int[] idx) { var r = new double[idx.Length]; for (int i = 0; i < idx.Length; i++) r[i] = x[idx[i]]; return r; }

    /// <summary>Sample sd; NaN with fewer than two values (no replicate with a defined correlation).</summary>
    static double Sd(double[] x)
    {
        if (x.Length < 2) return double.NaN;
        double m = x.Average();
        return Math.Sqrt(x.Sum(t => (t - m) * (t - m)) / (x.Length - 1));
    }

    /// <summary>A rank or linear correlation is undefined when either side is constant (all human scores equal, or every
    /// pair's cosine the same, e.g. pairs of a word with itself): said so, rather than an interval around NaN.</summary>
    static void RequireDefined(double correlation, string name, int pairs)
    {
        if (!double.IsFinite(correlation))
            throw new GloVeVException($"benchmark {name}: the correlation over its {pairs} pairs in the vocabulary is undefined: the human scores, or the model's cosines, are all equal");
    }

    static CorrelationUncertainty Uncertainty(Func<double[], double[], double> corr, double[] point, double[][] drawn, int[][] resamples, double[] gold, double level, string name)
    {
        int k = drawn.Length;
        double est = corr(point, gold);
        RequireDefined(est, name, gold.Length);
        var joint = new double[k]; var pairs = new double[k]; var noise = new double[k];
        Parallel.For(0, k, r =>
        {
            var g = Pick(gold, resamples[r]);
            joint[r] = corr(Pick(drawn[r], resamples[r]), g);
            pairs[r] = corr(Pick(point, resamples[r]), g);
            noise[r] = corr(drawn[r], gold);
        });
        double sd = Sd(joint.Where(double.IsFinite).ToArray()), z = IntervalEngine.Z(level);
        return new CorrelationUncertainty(est, sd, est - z * sd, est + z * sd, Sd(pairs.Where(double.IsFinite).ToArray()),
            Sd(noise.Where(double.IsFinite).ToArray()), noise.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average() - est,
            joint.Count(double.IsFinite), level);
    }

    /// <summary>The distinct words of the pairs the model covers, in order of first use: the words a benchmark's result
    /// reports the reliability of (<see cref="BenchmarkResult.Words"/>).</summary>
    public static IReadOnlyList<int> UsedWordIds(GloVeModel m, IReadOnlyList<WordPair> pairs) => WordIds(Resolve(m, pairs).Used);

    static int[] WordIds(List<(int A, int B, double Score)> used) => used.SelectMany(u => new[] { u.A, u.B }).Distinct().ToArray();

    public static BenchmarkResult Evaluate(Propagation p, IReadOnlyList<WordPair> pairs, string name = "", int draws = IntervalDefaults.Samples,
        ulong seed = IntervalDefaults.Seed, double level = IntervalDefaults.Level)
    {
        var m = p.Model;
        var (used, oovWords) = Resolve(m, pairs);
        if (used.Count < 3) throw new GloVeVException($"benchmark {name}: only {used.Count} pair(s) in vocabulary; need at least 3");
        if (draws < 2) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be at least 2, got {draws}");
        var gold = used.Select(u => u.Score).ToArray();
        var point = PluginCosines(m, used);
        var drawn = DrawCosines(p, used, draws, seed);
        var resamples = Resamples(used.Count, draws, seed);
        var sp = Uncertainty(Correlation.Spearman, point, drawn, resamples, gold, level, name);
        var pe = Uncertainty(Correlation.Pearson, point, drawn, resamples, gold, level, name);
        var words = p.Reliability(WordIds(used));
        return new BenchmarkResult(name, pairs.Count, used.Count, pairs.Count - used.Count, 100.0 * (pairs.Count - used.Count) / pairs.Count,
            pe.Estimate, sp.Estimate, sp, pe, oovWords) { Words = words, Warnings = Warnings(words, name) };
    }

    static IReadOnlyList<string> Warnings(IReadOnlyList<WordReliability> words, string name)
    {
        int flagged = words.Count(w => w.Flagged);
        if (flagged == 0) return [];
        int fixedCount = words.Count(w => !w.HasCovariance), noisy = words.Count(w => w.NoiseRatio >= IntervalDefaults.NoiseRatioFlag),
            off = words.Count(w => w.OffOptimum), compact = words.Count(w => (w.Flags & 8) != 0);
        // Every reason a word is flagged is counted, compact covariances (approximate) among them.
        return [$"benchmark {name}: {flagged} of {words.Count} words flagged ({fixedCount} without a covariance, {noisy} at noise ratio >= {IntervalDefaults.NoiseRatioFlag}, {off} with cos(trained, WLS) < {IntervalDefaults.CosWlsFlag}{(compact > 0 ? $", {compact} with a compact covariance" : "")})"];
    }

    /// <summary>Paired comparison of two models on the pairs both cover (see <see cref="BenchmarkComparison"/>); the
    /// p-value is two-sided, 2 Φ(−|A − B| / sd).</summary>
    public static BenchmarkComparison Compare(Propagation a, Propagation b, IReadOnlyList<WordPair> pairs, string name = "", int draws = IntervalDefaults.Samples,
        ulong seed = IntervalDefaults.Seed, double level = IntervalDefaults.Level)
    {
        var common = pairs.Where(p => Lookup(a.Model, p.A) >= 0 && Lookup(a.Model, p.B) >= 0 && Lookup(b.Model, p.A) >= 0 && Lookup(b.Model, p.B) >= 0).ToList();
        if (common.Count < 3) throw new GloVeVException($"benchmark {name}: only {common.Count} pair(s) covered by both models");
        if (draws < 2) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be at least 2, got {draws}");
        var ua = Resolve(a.Model, common).Used; var ub = Resolve(b.Model, common).Used;
        var gold = ua.Select(u => u.Score).ToArray();
        var pa = PluginCosines(a.Model, ua); var pb = PluginCosines(b.Model, ub);
        var da = DrawCosines(a, ua, draws, seed); var db = DrawCosines(b, ub, draws, SplitMix64.Derive(seed, 7));
        var resamples = Resamples(common.Count, draws, seed);
        double sa = Correlation.Spearman(pa, gold), sb = Correlation.Spearman(pb, gold), diff = sa - sb;
        RequireDefined(sa, name + " (model A)", gold.Length);
        RequireDefined(sb, name + " (model B)", gold.Length);
        var joint = new double[draws]; var pairsOnly = new double[draws]; var noise = new double[draws];
        Parallel.For(0, draws, r =>
        {
            var g = Pick(gold, resamples[r]);
            joint[r] = Correlation.Spearman(Pick(da[r], resamples[r]), g) - Correlation.Spearman(Pick(db[r], resamples[r]), g);
            pairsOnly[r] = Correlation.Spearman(Pick(pa, resamples[r]), g) - Correlation.Spearman(Pick(pb, resamples[r]), g);
            noise[r] = Correlation.Spearman(da[r], gold) - Correlation.Spearman(db[r], gold);
        });
        double sd = Sd(joint.Where(double.IsFinite).ToArray()), z = IntervalEngine.Z(level);
        double pv = sd > 0 ? NormalDistribution.TwoSidedP(diff / sd) : double.NaN;
        var wa = a.Reliability(ua.SelectMany(u => new[] { u.A, u.B }).Distinct());
        var wb = b.Reliability(ub.SelectMany(u => new[] { u.A, u.B }).Distinct());
        return new BenchmarkComparison(name, common.Count, sa, sb, diff, sd, diff - z * sd, diff + z * sd, pv,
            Sd(pairsOnly.Where(double.IsFinite).ToArray()), Sd(noise.Where(double.IsFinite).ToArray()), joint.Count(double.IsFinite), level)
        {
            Warnings = Warnings(wa, name + " (model A)").Concat(Warnings(wb, name + " (model B)")).ToArray(),
            FlagsA = wa.Aggregate(0, (f, w) => f | w.Flags), FlagsB = wb.Aggregate(0, (f, w) => f | w.Flags),
        };
    }
}
