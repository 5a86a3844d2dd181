using GloVeV.Inference;

namespace GloVeV.Evaluation;

public sealed record BenchmarkResult(string Name, int Pairs, int Used, int Oov, double OovRatio, double Pearson, double Spearman,
    Interval SpearmanInterval, Interval PearsonInterval, IReadOnlyList<string> OovWords);

public sealed record BenchmarkComparison(string Name, int Pairs, double SpearmanA, double SpearmanB, double Diff, double Sd, double Lo, double Hi, double PValue);

/// <summary>
/// Word-similarity evaluation as gensim's <c>evaluate_word_pairs</c> (pairs with an out-of-vocabulary word are
/// skipped and counted; case-insensitive lookup falls back to lowercase), with GloVe-V sampling intervals for the
/// correlations and a paired comparison of two models on the same pairs.
/// </summary>
public static class SimilarityBenchmark
{
    static int Lookup(GloVeModel m, string w) =>
        m.Vocabulary.TryGetId(w, out var id) ? id : m.Vocabulary.TryGetId(w.ToLowerInvariant(), out id) ? id : -1;

    static (List<(int A, int B, double Score)> Used, List<string> Oov) Resolve(GloVeModel m, IReadOnlyList<WordPair> pairs, GloVeModel? other = null)
    {
        var used = new List<(int, int, double)>();
        var oov = new List<string>();
        foreach (var p in pairs)
        {
            int a = Lookup(m, p.A), b = Lookup(m, p.B);
            bool ok = a >= 0 && b >= 0 && (other == null || (Lookup(other, p.A) >= 0 && Lookup(other, p.B) >= 0));
            if (ok) used.Add((a, b, p.Score));
            else { if (a < 0) oov.Add(p.A); if (b < 0) oov.Add(p.B); }
        }
        return (used, oov.Distinct().ToList());
    }

    public static BenchmarkResult Evaluate(GloVeModel m, IReadOnlyList<WordPair> pairs, string name = "", int draws = 200, ulong seed = 1,
        double level = 0.95, bool approximate = false)
    {
        var (used, oovWords) = Resolve(m, pairs);
        if (used.Count < 3) throw new GloVeVException($"benchmark {name}: only {used.Count} pair(s) in vocabulary; need at least 3");
        var gold = used.Select(u => u.Score).ToArray();
        var point = used.Select(u => Statistic.Cosine(0, 1).Value([m.Vector(u.A), m.Vector(u.B)])).ToArray();
        double sp = Correlation.Spearman(point, gold), pe = Correlation.Pearson(point, gold);
        var (sd, pd) = DrawCorrelations(new Propagation(m, approximate), used, gold, draws, seed);
        return new BenchmarkResult(name, pairs.Count, used.Count, pairs.Count - used.Count, (double)(pairs.Count - used.Count) / pairs.Count,
            pe, sp, Propagation.Summarise(sp, sd, level), Propagation.Summarise(pe, pd, level), oovWords);
    }

    static (double[] Spearman, double[] Pearson) DrawCorrelations(Propagation p, List<(int A, int B, double Score)> used, double[] gold, int draws, ulong seed)
    {
        var (ids, _) = Propagation.Slots(used.SelectMany(u => new[] { u.A, u.B }));
        var slot = ids.Select((id, s) => (id, s)).ToDictionary(t => t.id, t => t.s);
        var sp = new double[draws]; var pe = new double[draws];
        var cos = new double[used.Count];
        p.Draw(ids, draws, seed, (k, v) =>
        {
            for (int i = 0; i < used.Count; i++) cos[i] = Statistic.Cosine(slot[used[i].A], slot[used[i].B]).Value(v);
            sp[k] = Correlation.Spearman(cos, gold);
            pe[k] = Correlation.Pearson(cos, gold);
        });
        return (sp, pe);
    }

    /// <summary>Paired comparison of two models on the pairs both cover: interval of the Spearman difference (A − B) and a
    /// two-sided p-value from the draws (the models' draws are independent).</summary>
    public static BenchmarkComparison Compare(GloVeModel a, GloVeModel b, IReadOnlyList<WordPair> pairs, string name = "", int draws = 200, ulong seed = 1, double level = 0.95)
    {
        var common = pairs.Where(p => Lookup(a, p.A) >= 0 && Lookup(a, p.B) >= 0 && Lookup(b, p.A) >= 0 && Lookup(b, p.B) >= 0).ToList();
        if (common.Count < 3) throw new GloVeVException($"benchmark {name}: only {common.Count} pair(s) covered by both models");
        var ua = Resolve(a, common).Used; var ub = Resolve(b, common).Used;
        var gold = ua.Select(u => u.Score).ToArray();
        double Point(GloVeModel m, List<(int A, int B, double Score)> u) =>
            Correlation.Spearman(u.Select(x => Statistic.Cosine(0, 1).Value([m.Vector(x.A), m.Vector(x.B)])).ToArray(), gold);
        double sa = Point(a, ua), sb = Point(b, ub);
        var da = DrawCorrelations(new Propagation(a), ua, gold, draws, seed).Spearman;
        var db = DrawCorrelations(new Propagation(b), ub, gold, draws, Training.SplitMix64.Derive(seed, 7)).Spearman;
        var diff = da.Zip(db, (x, y) => x - y).ToArray();
        var iv = Propagation.Summarise(sa - sb, diff, level);
        double pLow = diff.Count(x => x <= 0) / (double)draws, pHigh = diff.Count(x => x >= 0) / (double)draws;
        double pv = Math.Min(1, 2 * Math.Min(pLow, pHigh));
        return new BenchmarkComparison(name, common.Count, sa, sb, sa - sb, iv.Sd, iv.Lo, iv.Hi, Math.Max(pv, 1.0 / draws));
    }
}
