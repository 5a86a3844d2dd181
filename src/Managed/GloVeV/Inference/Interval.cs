namespace GloVeV.Inference;

/// <summary>How an interval was obtained. The numeric values are the C ABI's GV_METHOD_* constants.</summary>
public enum IntervalMethod
{
    /// <summary>The GloVe-V paper's first-order delta method at the plug-in vectors: plug-in value ± z·sd, with
    /// sd² = Σ_i g_iᵀ Σ_i g_i. Ignores the noise bias of norms, so it under-covers wherever the noise ratio is not small
    /// and the true cosine is not near 0 (README, "Intervals").</summary>
    Delta = 0,
    /// <summary>The paper's method of composition: draws w ~ N(w_hat, Σ); the interval is the percentiles of the statistic
    /// over the draws, its estimate their median (the paper's mean of the draws is reported as the mean). Centred on an already noisy estimate, it compounds the noise bias
    /// (coverage 0-60% at cosine 0.5-0.9 once the noise ratio reaches 0.5).</summary>
    Sample = 1,
    /// <summary>The default: estimate = the noise-debiased statistic (squared norms minus tr Σ, no floor, no clamp;
    /// for cosines and RND shifted by the bootstrap's median error, below);
    /// interval = symmetric studentized parametric bootstrap (bootstrap-t) from a debiased pseudo-truth, redrawing
    /// σ² with its degrees of freedom (each word's σ² moderated by its model's <see cref="VariancePrior"/>: d0 + |K| - D); cosines (their sums and differences) and the relative norm distance, whose
    /// debiased forms keep a second-order, skewed error, are also centred by the median error of their bootstrap replicates
    /// (<see cref="Statistic.BootstrapBiasCorrected"/>). Reported as not identifiable when a debiased squared norm is <= 0 or the
    /// interval, clipped to the statistic's range, would cover more than 90% of it (<see cref="IntervalEngine.MaxRangeShare"/>).</summary>
    Calibrated = 2,
}

/// <summary>Whether the data identify the statistic.</summary>
public enum IntervalStatus
{
    Ok = 0,
    /// <summary>No informative interval exists: a debiased squared norm is <= 0 (the noise is as large as the vector), or
    /// the calibrated interval, clipped to the statistic's range, covers more than 90% of it. Lo/Hi are NaN.</summary>
    NotIdentifiable = 1,
}

/// <summary>Why an interval is <see cref="IntervalStatus.NotIdentifiable"/> (C ABI GV_REASON_*; names from
/// <see cref="Interval.ReasonName"/>). The codes are part of the C ABI: never renumber them.</summary>
public enum IntervalReason
{
    None = 0,
    /// <summary>A debiased squared norm ||w||^2 - tr(Sigma) (or squared distance) is <= 0: the noise is as large as the vector.</summary>
    DebiasedNormNotPositive = 1,
    /// <summary>Fewer than half of the calibrated method's bootstrap replicates have a defined statistic.</summary>
    BootstrapUndefined = 2,
    /// <summary>The bootstrap quantile of the studentized error is infinite.</summary>
    QuantileInfinite = 3,
    /// <summary>The interval, clipped to the statistic's range, covers most of that range.</summary>
    CoversRange = 4,
    /// <summary>A ridge model's word whose H_i is singular: its vector has no unbiased (un-shrunk) estimate.</summary>
    SingularWithoutRidge = 5,
}

/// <summary>The interval methods, their names and defaults: defined once here, used by the CLI, the C ABI, Python and R.</summary>
public static class IntervalDefaults
{
    public const IntervalMethod Method = IntervalMethod.Calibrated;
    public const int Samples = 1000;
    public const ulong Seed = 1;
    public const double Level = 0.95;
    /// <summary>WEAT's permutation test: re-partitions drawn (an exact test when there are fewer).</summary>
    public const int Permutations = 10000;
    /// <summary>A word is flagged when its noise ratio tr(Σ)/||w||² reaches this, or cos(trained, WLS) falls below CosWlsFlag.</summary>
    public const double NoiseRatioFlag = 1.0;
    public const double CosWlsFlag = 0.9;

    public static string Help =>
        "calibrated (default): noise-debiased estimate (cosines and RND: shifted by the bootstrap's median error) with a studentized parametric-bootstrap interval around it (with a ridge: on the un-shrunk WLS estimates; each word's sigma^2 moderated by the model's empirical-Bayes prior, see glovev show); " +
        "'not_identifiable' where the data carry no information (covers 92-98% in README's exact-model table, 0.95-0.97 where the noise ratio is 0.1) | " +
        "delta: the paper's delta method at the plug-in vectors (covers 30-81% at cosine 0.9, 75-90% at 0.5 once the noise ratio reaches 0.5) | " +
        "sample: the paper's method of composition, percentiles of draws w ~ N(w_hat, Sigma) around their median (the mean is reported beside it) (covers 0-17% at cosine 0.9)";

    /// <summary>Checks a method's options: a method that does not draw takes neither samples nor seed. Null = not given.</summary>
    public static (int Samples, ulong Seed, double Level) Resolve(IntervalMethod method, int? samples, ulong? seed, double? level)
    {
        double l = level ?? Level;
        // (1 + l) / 2 is the quantile asked for: a level within rounding of 1 would ask for the quantile at 1.
        if (!(l > 0 && l < 1 && (1 + l) / 2 < 1)) throw new GloVeVException($"confidence level ({GloVeVException.Setting("level")}) must be in (0, 1) and below 1 by more than rounding, got {l:R}");
        if (method == IntervalMethod.Delta)
        {
            if (samples != null) throw new GloVeVException("the delta method draws nothing: samples cannot be given with method 'delta'");
            if (seed != null) throw new GloVeVException("the delta method draws nothing: a seed cannot be given with method 'delta'");
            return (0, 0, l);
        }
        // 0 is the C ABI's "default": as a seed of its own it would give answers no binding could ask for.
        if (seed == 0) throw new GloVeVException($"seed must be >= 1 (0 stands for the default, {Seed}, in the C ABI), got 0");
        int k = samples ?? Samples;
        if (k < 2 || k > 10_000_000) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be in 2..10000000, got {k}");
        if (method == IntervalMethod.Calibrated && k < 100) throw new GloVeVException($"the calibrated method needs at least 100 samples for its bootstrap quantile, got {k}");
        return (k, seed ?? Seed, l);
    }
}

/// <summary>
/// A point estimate with its uncertainty. <see cref="Value"/> is the plug-in statistic at the trained vectors
/// (also <see cref="Plugin"/>); <see cref="Estimate"/> is the centre the interval is built around (plug-in for delta,
/// median of draws for the method of composition, debiased value for calibrated, centred by its bootstrap for cosines, their
/// sums and differences, and RND); <see cref="Mean"/> is the mean of draws
/// where there are draws (else the estimate). <see cref="Words"/>: the reliability of every word involved.
/// </summary>
public sealed record Interval(double Value, double Mean, double Sd, double Lo, double Hi, IntervalMethod Method, double Level)
{
    public double Plugin => Value;
    public double Estimate { get; init; } = Value;
    public IntervalStatus Status { get; init; } = IntervalStatus.Ok;
    /// <summary>Why the status is not ok, in words (empty when ok).</summary>
    public string Reason { get; init; } = "";
    /// <summary>Why the status is not ok, as a code (<see cref="IntervalReason.None"/> when ok).</summary>
    public IntervalReason ReasonCode { get; init; } = IntervalReason.None;
    /// <summary>Two-sided p-value of the test that the statistic is 0 (NaN where not computed).</summary>
    public double PValueZero { get; init; } = double.NaN;
    public IReadOnlyList<WordReliability> Words { get; init; } = [];

    /// <summary>Where the coverage studies show this method under-covering at these words' noise (see <see cref="CalibrationLimits"/>).</summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];

    public bool Identifiable => Status == IntervalStatus.Ok;
    /// <summary>The z of the method's test of "statistic = 0", defined once so that every z agrees with its p-value: the
    /// centre that test uses over the sd (delta: the plug-in value; the method of composition: the mean of the draws, the
    /// paper's point estimate, as in its p-value; calibrated: the estimate, whose studentized bootstrap gives the p-value).
    /// NaN where the answer is not identifiable or the sd is 0.</summary>
    public double ZScore => Identifiable && Sd > 0 ? (Method == IntervalMethod.Sample ? Mean : Estimate) / Sd : double.NaN;
    /// <summary>Warnings about the words (no covariance, noise ratio >= 1, cos(trained, WLS) &lt; 0.9), one per word and
    /// issue, then the caveats about the interval itself.</summary>
    public IEnumerable<string> Warnings => Words.SelectMany(w => w.Warnings.Select(x => $"'{w.Word}': {x}")).Distinct().Concat(Caveats);
    public bool Flagged => Words.Any(w => w.Flagged) || Caveats.Count > 0;
    /// <summary>The C ABI's GV_FLAG_* over the words, plus GV_FLAG_UNCALIBRATED for a caveat.</summary>
    public int Flags => Words.Aggregate(Caveats.Count > 0 ? CalibrationLimits.Flag : 0, (f, w) => f | w.Flags);

    public static string MethodName(IntervalMethod m) => m switch
    {
        IntervalMethod.Delta => "delta", IntervalMethod.Sample => "sample", IntervalMethod.Calibrated => "calibrated",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    public static string StatusName(IntervalStatus s) => s == IntervalStatus.Ok ? "ok" : "not_identifiable";

    /// <summary>The name of a reason code, the same in JSON, C (gv_reason_name), Python and R.</summary>
    public static string ReasonName(IntervalReason r) => r switch
    {
        IntervalReason.None => "none",
        IntervalReason.DebiasedNormNotPositive => "debiased_norm_not_positive",
        IntervalReason.BootstrapUndefined => "bootstrap_undefined",
        IntervalReason.QuantileInfinite => "quantile_infinite",
        IntervalReason.CoversRange => "covers_range",
        IntervalReason.SingularWithoutRidge => "singular_without_ridge",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    public static IntervalMethod ParseMethod(string s) => s.Trim().ToLowerInvariant() switch
    {
        "calibrated" => IntervalMethod.Calibrated,
        "delta" => IntervalMethod.Delta,
        "sample" or "composition" => IntervalMethod.Sample,
        _ => throw new GloVeVException($"method must be calibrated, delta or sample (composition), got '{s}'"),
    };
}
