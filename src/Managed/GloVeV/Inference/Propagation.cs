namespace GloVeV.Inference;

/// <summary>
/// Carries GloVe-V uncertainty to statistics of word vectors. Words are independent given the context vectors
/// (GloVe-V's premise), each w_i ~ N(w_hat_i, Sigma_i). A word without a covariance makes <see cref="Estimate"/> fail
/// unless <paramref name="holdFixed"/> is set, in which case it is held fixed (treated as exact) and flagged.
/// The interval methods themselves live in <see cref="IntervalEngine"/>.
/// </summary>
public sealed class Propagation(GloVeModel model, bool approximate = false, bool holdFixed = false)
{
    public GloVeModel Model { get; } = model;
    /// <summary>Whether the compact covariances are the ones used: asked for and present, or the only ones the variance
    /// folder holds (then every answer is flagged as approximate, as if asked). Asking for them from a folder without
    /// any is refused: the answer would silently be the complete covariances'.</summary>
    public bool Approximate { get; } = Resolve(model, approximate);

    static bool Resolve(GloVeModel model, bool approximate)
    {
        model.CheckCompactForms(approximate);
        return model.Variances?.UsesCompact(approximate) ?? approximate;
    }
    public bool HoldFixed { get; } = holdFixed;
    internal ReliabilityTable Table => Model.ReliabilityTable;

    /// <summary>Each word's reliability; a word without a covariance counts as held fixed only when this propagation holds
    /// such words fixed (elsewhere, as in `show` or a plain cosine, nothing holds it).</summary>
    public WordReliability[] Reliability(IEnumerable<int> ids) => ids.Select(i => Table.Of(Model, i, HoldFixed && !Model.HasCovariance(i), Approximate)).ToArray();

    /// <summary>Fails, naming the words, when one has no covariance and words are not to be held fixed.</summary>
    public void Check(IEnumerable<int> ids)
    {
        if (HoldFixed) return;
        var missing = ids.Distinct().Where(i => !Model.HasCovariance(i)).ToList();
        if (missing.Count == 0) return;
        var r = Reliability(missing);
        string what = string.Join(", ", r.Select(w => $"'{w.Word}' ({(Model.Variances == null ? "the model has no variances" : $"{w.VarianceStatus}, {w.Contexts} contexts")})"));
        throw new GloVeVException($"no GloVe-V covariance for {what}: its uncertainty is unknown. Hold it fixed explicitly " +
            "(--hold-fixed, hold_fixed=True, hold_fixed = TRUE) to treat its vector as exact");
    }

    double[][] Points(int[] ids) => ids.Select(Model.Vector).ToArray();
    double[]?[] Covs(int[] ids) => ids.Select(i => Model.HasCovariance(i) ? Model.Covariance(i, Approximate) : null).ToArray();
    double[]?[] Factors(int[] ids) => ids.Select(i => Model.SamplingFactor(i, Approximate)).ToArray();

    /// <summary>The paper's delta method at the plug-in vectors (no policy check; see <see cref="Estimate"/>).</summary>
    public Interval Delta(Statistic stat, int[] ids, double level = IntervalDefaults.Level) =>
        IntervalEngine.Delta(stat, Points(ids), Covs(ids), level);

    /// <summary>Draws every involved vector <paramref name="draws"/> times around w_hat (seeded) and hands each draw to
    /// <paramref name="visit"/>; words without a covariance stay at w_hat. Slots must hold distinct word ids.</summary>
    public void Draw(int[] ids, int draws, ulong seed, Action<int, IReadOnlyList<double[]>> visit)
    {
        if (ids.Distinct().Count() != ids.Length) throw new ArgumentException("slots must hold distinct words");
        IntervalEngine.Draw(Points(ids), Factors(ids), draws, seed, visit);
    }

    /// <summary>The paper's method of composition (no policy check; see <see cref="Estimate"/>).</summary>
    public Interval Sample(Statistic stat, int[] ids, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed, double level = IntervalDefaults.Level) =>
        IntervalEngine.Composition(stat, Points(ids), Factors(ids), level, draws, seed);

    /// <summary>Summary of draws by the method of composition (mean, sd, percentile interval).</summary>
    public static Interval Summarise(double value, double[] draws, double level) => IntervalEngine.Summarise(value, draws, level);

    /// <summary>Linear-interpolation quantile of sorted data (numpy's default).</summary>
    public static double Quantile(double[] sorted, double p) => IntervalEngine.Quantile(sorted, p);

    /// <summary>One interval by the chosen method, with every word's reliability attached. Fails when a word has no
    /// covariance unless words are held fixed (<see cref="HoldFixed"/>). <paramref name="draws"/> and
    /// <paramref name="seed"/> serve the drawing methods (sample, calibrated); see <see cref="IntervalDefaults.Resolve"/>
    /// for checking them at a front door.</summary>
    public Interval Estimate(Statistic stat, int[] ids, IntervalMethod method = IntervalDefaults.Method, double level = IntervalDefaults.Level,
        int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        if (ids.Distinct().Count() != ids.Length) throw new ArgumentException("slots must hold distinct words");
        Check(ids);
        var v = Points(ids);
        var iv = method switch
        {
            IntervalMethod.Delta => IntervalEngine.Delta(stat, v, Covs(ids), level),
            IntervalMethod.Sample => IntervalEngine.Composition(stat, v, Factors(ids), level, draws, seed),
            IntervalMethod.Calibrated => Calibrated(stat, ids, v, level, draws, seed),
            _ => throw new GloVeVException($"unknown interval method {(int)method}"),
        };
        return CalibrationLimits.ForMethod(iv with { Words = Reliability(ids) });
    }

    /// <summary>The calibrated method on unbiased estimates: with a ridge λ each vector is first un-shrunk to the plain WLS
    /// estimate S⁻¹w_hat with its covariance σ²H⁻¹ (<see cref="CovarianceMath.RidgeUnshrink"/>); the plug-in value stays
    /// that of the trained (ridge) vectors. A word whose H_i is singular has no unbiased estimate: not identifiable.
    /// Each word's σ² is then the model's moderated one (<see cref="VariancePrior"/>): its covariance is scaled by
    /// σ̃²/σ² and its σ² has d0 + |K| - D degrees of freedom.</summary>
    Interval Calibrated(Statistic stat, int[] ids, double[][] v, double level, int draws, ulong seed)
    {
        var covs = Covs(ids);
        var factors = Factors(ids);
        double ridge = Table.Ridge;
        var prior = Table.Prior(Model);
        var dofs = new double[ids.Length];
        var points = (double[][])v.Clone();
        for (int s = 0; s < ids.Length; s++)
        {
            dofs[s] = Table.Dof(Model, ids[s]);
            if (covs[s] == null) continue;
            double s2 = Table.Sigma2(ids[s]);
            if (ridge > 0)
            {
                if (!(s2 > 0)) throw new GloVeVException($"'{Model.Vocabulary[ids[s]]}': sigma^2 is not recorded in variance_info.tsv; the calibrated interval of a ridge model needs it");
                var u = CovarianceMath.RidgeUnshrink(covs[s]!, Model.Dim, s2, ridge);
                if (u == null)
                    return new Interval(stat.Value(v), double.NaN, double.NaN, double.NaN, double.NaN, IntervalMethod.Calibrated, level)
                    {
                        Estimate = double.NaN, Status = IntervalStatus.NotIdentifiable, ReasonCode = IntervalReason.SingularWithoutRidge,
                        Reason = $"'{Model.Vocabulary[ids[s]]}': without the ridge its H_i is singular, so its vector has no unbiased estimate",
                    };
                points[s] = CovarianceMath.Apply(u.Value.Unshrink, v[s]);
                covs[s] = u.Value.Covariance;
                factors[s] = null;
            }
            (covs[s], factors[s], dofs[s]) = prior.Apply(covs[s], factors[s], s2, dofs[s], dofs[s] + Model.Dim);
            factors[s] ??= CovarianceMath.SquareRoot(covs[s]!, Model.Dim);
        }
        var iv = IntervalEngine.Calibrated(stat, points, covs, factors, dofs, level, draws, seed);
        return ridge > 0 ? iv with { Value = stat.Value(v) } : iv;
    }

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
