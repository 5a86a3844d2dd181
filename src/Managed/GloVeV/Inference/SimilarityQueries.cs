namespace GloVeV.Inference;

public sealed record PairSimilarity(string A, string B, Interval Interval);

public sealed record SimilarityDifference(string[] First, string[] Second, double Diff, double Sd, double Z, double PValue, IntervalMethod Method);

/// <summary>Cosine similarities of word pairs with intervals, and tests of whether two similarities differ.</summary>
public static class SimilarityQueries
{
    public static PairSimilarity Similarity(Propagation p, string a, string b, IntervalMethod method = IntervalMethod.Corrected,
        double level = 0.95, int draws = 1000, ulong seed = 1)
    {
        var m = p.Model;
        var (ids, slot) = Propagation.Slots(m.Vocabulary.IdsOf([a, b]));
        var stat = Statistic.Cosine(slot[0], slot[1]);
        return new PairSimilarity(a, b, ClampToCosineRange(p.Estimate(stat, ids, method, level, draws, seed)));
    }

    /// <summary>A cosine lives in [-1, 1]: interval ends beyond it carry no information.</summary>
    public static Interval ClampToCosineRange(Interval iv) => iv with { Lo = Math.Max(-1, iv.Lo), Hi = Math.Min(1, iv.Hi) };

    /// <summary>
    /// Tests sim(a,b) = sim(c,d). Shared words get one combined gradient (delta) or one draw (sampling), so the
    /// dependence between the two similarities is accounted for rather than assumed away.
    /// </summary>
    public static SimilarityDifference Compare(Propagation p, (string A, string B) first, (string A, string B) second,
        IntervalMethod method = IntervalMethod.Corrected, int draws = 1000, ulong seed = 1)
    {
        var m = p.Model;
        var (ids, slot) = Propagation.Slots(m.Vocabulary.IdsOf([first.A, first.B, second.A, second.B]));
        var stat = Statistic.Cosine(slot[0], slot[1]) - Statistic.Cosine(slot[2], slot[3]);
        var iv = p.Estimate(stat, ids, method, 0.95, draws, seed);
        // The centre the interval uses: the debiased value (corrected), 2 value - mean of draws (bootstrap), else the value.
        double diff = method switch { IntervalMethod.Corrected => iv.Mean, IntervalMethod.Bootstrap => 2 * iv.Value - iv.Mean, _ => iv.Value };
        double z = iv.Sd > 0 ? diff / iv.Sd : double.NaN;
        return new SimilarityDifference([first.A, first.B], [second.A, second.B], iv.Value, iv.Sd, z, NormalDistribution.TwoSidedP(z), method);
    }
}
