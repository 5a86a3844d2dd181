namespace GloVeV.Inference;

/// <summary>
/// Carries GloVe-V uncertainty to statistics of word vectors. Words are independent given the context vectors
/// (GloVe-V's premise), each w_i ~ N(w_hat_i, Sigma_i); a word without a covariance is held fixed.
/// </summary>
public sealed class Propagation(GloVeModel model, bool approximate = false)
{
    public GloVeModel Model { get; } = model;

    static double Z(double level)
    {
        if (!(level > 0 && level < 1)) throw new GloVeVException($"confidence level must be in (0, 1), got {level}");
        return NormalDistribution.Quantile(0.5 + level / 2);
    }

    IReadOnlyList<double[]> Points(int[] ids) => ids.Select(Model.Vector).ToArray();

    /// <summary>Delta method: Var = sum_i g_i^T Sigma_i g_i with g_i the combined gradient of word i. With
    /// <paramref name="debiased"/>, value and gradient are those of the noise-debiased statistic
    /// (<see cref="Statistic.ValueDebiased"/>): the <see cref="IntervalMethod.Corrected"/> interval.</summary>
    public Interval Delta(Statistic stat, int[] ids, double level = 0.95, bool debiased = false)
    {
        var v = Points(ids);
        var cov = ids.Select(i => Model.HasCovariance(i) ? Model.Covariance(i, approximate) : null).ToArray();
        var tr = cov.Select(c => c == null ? 0.0 : Enumerable.Range(0, Model.Dim).Sum(q => c[q * Model.Dim + q])).ToArray();
        double raw = stat.Value(v);
        double value = debiased ? stat.ValueDebiased(v, tr) : raw;
        var g = ids.Select(_ => new double[Model.Dim]).ToArray();
        if (debiased) stat.AddGradientDebiased(v, tr, 1, g); else stat.AddGradient(v, 1, g);
        double var = 0;
        for (int s = 0; s < ids.Length; s++)
            if (cov[s] != null) var += CovarianceMath.Quadratic(g[s], cov[s]);
        double sd = Math.Sqrt(Math.Max(0, var)), z = Z(level);
        // For the corrected interval, Value stays the plain estimate and Mean carries the debiased centre.
        return new Interval(raw, value, sd, value - z * sd, value + z * sd, debiased ? IntervalMethod.Corrected : IntervalMethod.Delta, level);
    }

    /// <summary>Draws every involved vector <paramref name="draws"/> times (seeded) and hands each draw to <paramref name="visit"/>.
    /// Slots must hold distinct word ids.</summary>
    public void Draw(int[] ids, int draws, ulong seed, Action<int, IReadOnlyList<double[]>> visit)
    {
        if (draws < 2) throw new GloVeVException($"number of samples must be at least 2, got {draws}");
        if (ids.Distinct().Count() != ids.Length) throw new ArgumentException("slots must hold distinct words");
        int d = Model.Dim;
        var means = ids.Select(Model.Vector).ToArray();
        var factors = ids.Select(i => Model.SamplingFactor(i, approximate)).ToArray();
        var cur = ids.Select(_ => new double[d]).ToArray();
        var z = new double[d];
        var rng = new Training.SplitMix64(seed);
        for (int k = 0; k < draws; k++)
        {
            for (int s = 0; s < ids.Length; s++)
            {
                for (int q = 0; q < d; q++) z[q] = rng.NextGaussian();
                CovarianceMath.Draw(means[s], factors[s], z, cur[s]);
            }
            visit(k, cur);
        }
    }

    /// <summary>Method of composition: the statistic over draws; percentile or bias-corrected interval.</summary>
    public Interval Sample(Statistic stat, int[] ids, int draws = 1000, ulong seed = 1, double level = 0.95, bool bootstrapCorrected = false)
    {
        double value = stat.Value(Points(ids));
        var vals = new double[draws];
        Draw(ids, draws, seed, (k, v) => vals[k] = stat.Value(v));
        return Summarise(value, vals, level, bootstrapCorrected);
    }

    public static Interval Summarise(double value, double[] draws, double level, bool bootstrapCorrected)
    {
        double mean = draws.Average();
        double sd = Math.Sqrt(draws.Sum(x => (x - mean) * (x - mean)) / (draws.Length - 1));
        if (bootstrapCorrected)
        {
            double center = 2 * value - mean, z = Z(level);
            return new Interval(value, mean, sd, center - z * sd, center + z * sd, IntervalMethod.Bootstrap, level);
        }
        var sorted = draws.Order().ToArray();
        return new Interval(value, mean, sd, Quantile(sorted, (1 - level) / 2), Quantile(sorted, (1 + level) / 2), IntervalMethod.Sample, level);
    }

    /// <summary>Linear-interpolation quantile of sorted data (numpy's default).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h), hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>One interval by the chosen method.</summary>
    public Interval Estimate(Statistic stat, int[] ids, IntervalMethod method, double level = 0.95, int draws = 1000, ulong seed = 1) => method switch
    {
        IntervalMethod.Delta => Delta(stat, ids, level),
        IntervalMethod.Corrected => Delta(stat, ids, level, debiased: true),
        IntervalMethod.Sample => Sample(stat, ids, draws, seed, level, false),
        _ => Sample(stat, ids, draws, seed, level, true),
    };

    /// <summary>Slots for a list of words that may repeat: distinct ids and, for each input word, its slot.</summary>
    public static (int[] Ids, int[] SlotOf) Slots(IEnumerable<int> words)
    {
        var ids = new List<int>();
        var slotOf = new List<int>();
        foreach (var w in words)
        {
            int s = ids.IndexOf(w);
            if (s < 0) { s = ids.Count; ids.Add(w); }
            slotOf.Add(s);
        }
        return (ids.ToArray(), slotOf.ToArray());
    }
}
