namespace GloVeV.Inference;

public sealed record PairSimilarity(string A, string B, Interval Interval);

/// <summary>The test of sim(first) = sim(second): <see cref="Diff"/> is the estimate of the difference (the interval's
/// centre), <see cref="Z"/> = Diff/Sd, <see cref="PValue"/> two-sided (bootstrap for the calibrated method).</summary>
public sealed record SimilarityDifference(string[] First, string[] Second, double Diff, double Sd, double Z, double PValue, IntervalMethod Method)
{
    public Interval Interval { get; init; } = null!;
}

/// <summary>Cosine similarities of word pairs with intervals, and tests of whether two similarities differ.</summary>
public static class SimilarityQueries
{
    public static PairSimilarity Similarity(Propagation p, string a, string b, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        var m = p.Model;
        var (ids, slot) = Propagation.Slots(m.Vocabulary.IdsOf([a, b]));
        var stat = Statistic.Cosine(slot[0], slot[1]);
        return new PairSimilarity(a, b, p.Estimate(stat, ids, method, level, draws, seed));
    }

    /// <summary>
    /// Tests sim(a,b) = sim(c,d). Shared words get one combined gradient (delta) or one draw (sampling), so the
    /// dependence between the two similarities is accounted for rather than assumed away.
    /// </summary>
    public static SimilarityDifference Compare(Propagation p, (string A, string B) first, (string A, string B) second,
        IntervalMethod method = IntervalDefaults.Method, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed,
        double level = IntervalDefaults.Level)
    {
        var m = p.Model;
        var (ids, slot) = Propagation.Slots(m.Vocabulary.IdsOf([first.A, first.B, second.A, second.B]));
        var stat = Statistic.Cosine(slot[0], slot[1]) - Statistic.Cosine(slot[2], slot[3]);
        var iv = p.Estimate(stat, ids, method, level, draws, seed);
        double pv = iv.Identifiable ? iv.PValueZero : double.NaN;
        return new SimilarityDifference([first.A, first.B], [second.A, second.B], iv.Estimate, iv.Sd, iv.ZScore, pv, method) { Interval = iv };
    }
}
