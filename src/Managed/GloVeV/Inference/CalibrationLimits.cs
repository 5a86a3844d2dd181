using System.Globalization;

namespace GloVeV.Inference;

/// <summary>
/// Where the exact-model coverage studies (README; perf/coverage-table.txt, perf/bias-coverage-table.txt) show an
/// interval under-covering although nothing in it looks wrong: such a result carries a caveat (a warning in every
/// front door, <see cref="Flag"/> in the C ABI) naming the measured coverage, instead of passing as a 95% interval.
/// Per-word flags (<see cref="WordReliability"/>) start at a noise ratio of 1; these limits are lower because the
/// studies show these intervals failing earlier.
/// </summary>
public static class CalibrationLimits
{
    /// <summary>GV_FLAG_UNCALIBRATED: the interval method is known to under-cover at these words' noise ratios.</summary>
    public const int Flag = 16;
    /// <summary>GV_FLAG_OMITTED_BOUND: a neighbour search whose omitted words may take more top-k places than
    /// <see cref="NeighbourDefaults.Tolerance"/>.</summary>
    public const int OmittedBoundFlag = 32;
    /// <summary>A neighbour search: words without a covariance that beat this neighbour by plug-in cosine were left out
    /// (<see cref="Neighbour.LeftOutAbove"/>); C ABI GV_FLAG_LEFT_OUT_ABOVE.</summary>
    public const int LeftOutAboveFlag = 64;

    /// <summary>Noise ratio tr(Σ)/||w||² of the noisiest word from which the caveats below apply: the studies' true
    /// noise ratio, compared with each word's estimate of it (<see cref="EstimatedNoiseRatio"/>).</summary>
    public const double NoiseRatio = 0.5;

    /// <summary>An estimate of the true noise ratio tr(Σ)/||w||² from the plug-in one r = tr(Σ)/||w_hat||²: since
    /// E||w_hat||² = ||w||² + tr(Σ), it is r / (1 - r) = tr(Σ)/(||w_hat||² - tr(Σ)), infinite from r = 1. The plug-in
    /// ratio runs low (a true 0.5 reads about 0.33): keyed to it, the caveat missed 59% of the method of composition's
    /// answers at a true noise ratio of 0.5 and cosine 0.9 in the CLI re-check (README), which covered 0.03.</summary>
    public static double EstimatedNoiseRatio(double plugin) => plugin >= 1 ? double.PositiveInfinity : plugin / (1 - plugin);

    /// <summary>The method of composition centres its percentiles on a draw-around-a-noisy-estimate: in the cosine
    /// study it covered 0-63% at cosine 0.5-0.9 once noise ratios reached 0.5, and 0-31% for WEAT effect sizes.</summary>
    public static Interval ForMethod(Interval iv)
    {
        if (iv.Method != IntervalMethod.Sample) return iv;
        double nr = MaxNoiseRatio(iv);
        if (!(nr >= NoiseRatio)) return iv;
        return Add(iv, $"the 'sample' method (method of composition) under-covers at noise ratios >= {Fmt(NoiseRatio)} (estimated here up to {Fmt(nr)}): " +
            "in the exact-model study its 95% intervals held the truth 0-63% of the time for cosines of 0.5-0.9 and 0-31% for WEAT effect sizes; use 'calibrated'");
    }

    /// <summary>RND at noise ratios of 0.5 and more by the paper's methods: in the bias-score study (|K| - D in {5, 100})
    /// delta covered 68-84% and sample 11-47%. The calibrated method (debiased cosines, centred by its bootstrap) covered
    /// 0.94-1.00 there (mostly not identifiable from noise ratio 1, and from 0.5 with |K| - D = 5), so it carries no caveat.</summary>
    public static Interval ForRnd(Interval iv)
    {
        if (iv.Method == IntervalMethod.Calibrated) return iv;
        double nr = MaxNoiseRatio(iv);
        if (!(nr >= NoiseRatio)) return iv;
        return Add(iv, $"relative norm distance intervals by the '{Interval.MethodName(iv.Method)}' method under-cover at noise ratios >= {Fmt(NoiseRatio)} (estimated here up to {Fmt(nr)}): " +
            "in the exact-model study 95% intervals held the truth 68-84% of the time there for delta, 11-47% for sample; read it as too narrow, or use 'calibrated'");
    }

    /// <summary>The warning for <paramref name="bad"/> of <paramref name="total"/> results (named by
    /// <paramref name="what"/>) that are not identifiable, with their distinct reasons (the core's names); "" when none
    /// is. One text for every front door that warns about a result rather than printing its reason sentences.</summary>
    public static string NotIdentifiableWarning(string what, long bad, long total, IEnumerable<string> reasons)
    {
        if (bad < 0 || total < bad) throw new BadArgumentException($"bad must be in 0..total, got {bad} of {total}");
        var why = reasons.Where(r => !string.IsNullOrEmpty(r)).Distinct().ToList();
        var known = Enum.GetValues<IntervalReason>().Where(r => r != IntervalReason.None).Select(Interval.ReasonName).ToList();
        foreach (var r in why)
            if (!known.Contains(r)) throw new BadArgumentException($"reasons: '{r}' is not a reason name ({string.Join(", ", known)})");
        if (bad == 0) return "";
        string because = why.Count > 0 ? $" ({string.Join(", ", why)})" : "";
        string lead = total == 1 ? $"{what} not identifiable{because}" : $"{bad} of {total} {what} not identifiable{because}";
        return $"{lead}: the data carry no information for the interval, so its estimate, sd and p-value are not meaningful " +
               "and its bounds are NaN; the plug-in value is the statistic at the trained vectors";
    }

    /// <summary>What GV_FLAG_UNCALIBRATED means, for a front door that has only the flag and the words' noise ratios.</summary>
    public static string Describe(double maxNoiseRatio) =>
        $"interval not calibrated: at noise ratios >= {Fmt(NoiseRatio)} (estimated here up to {Fmt(maxNoiseRatio)}) the exact-model studies show this " +
        "method's intervals under-covering (the 'sample' method for any statistic, 'delta' and 'sample' for relative norm distance); read the interval as too narrow";

    /// <summary>The warning lines of a plain value (a cosine, distance or neighbour list of the trained vectors, no
    /// interval) at these words: each word's own reliability, no word held fixed — a word without a covariance has
    /// unknown noise, which a plain value does not use. A model without variances (imported vectors) has nothing to
    /// say about its words: no lines.</summary>
    public static IReadOnlyList<string> PlainWarnings(GloVeModel model, IEnumerable<int> ids)
    {
        if (model.Variances == null) return [];
        var words = new Propagation(model).Reliability(ids.Distinct());
        return ResultWarnings(words, words.Aggregate(0, (f, w) => f | w.Flags));
    }

    /// <summary>The warnings of a result with these flags over these words, one line each (none when nothing is flagged):
    /// "unreliable words: ..." naming each flagged word's warnings, then the caveat of <see cref="Flag"/>. Every front door
    /// prints these lines as they are (CLI stderr, Python warnings.warn, R warning()).</summary>
    public static IReadOnlyList<string> ResultWarnings(IReadOnlyList<WordReliability> words, int flags)
    {
        var lines = new List<string>();
        if (flags == 0) return lines;
        var msgs = words.SelectMany(w => w.Warnings.Select(x => $"'{w.Word}': {x}")).ToList();
        if ((flags & 8) != 0 && !words.Any(w => w.Approximated))
            msgs.Add("approximate covariances: a word's compact covariance drops part of its complete one (or the variance folder does not record how much)");
        if (msgs.Count > 0) lines.Add("unreliable words: " + string.Join("; ", msgs));
        if ((flags & Flag) != 0)
        {
            double nr = double.NaN;
            foreach (var w in words) if (w.HasCovariance && !double.IsNaN(w.NoiseRatio) && !(nr >= EstimatedNoiseRatio(w.NoiseRatio))) nr = EstimatedNoiseRatio(w.NoiseRatio);
            lines.Add(Describe(nr));
        }
        if ((flags & OmittedBoundFlag) != 0)
            lines.Add($"neighbour search: the words left out of the draws may hold more than {NeighbourDefaults.Tolerance} of the top-k places in expectation, " +
                      "so each P(top k) may be overstated by up to the search's omitted_bound");
        if ((flags & LeftOutAboveFlag) != 0)
            lines.Add("neighbour search: words without a GloVe-V covariance (their uncertainty is unknown) rank above a listed neighbour by " +
                      "plug-in cosine and were left out of the search; hold them fixed (--hold-fixed, hold_fixed=True, hold_fixed = TRUE) to rank them as exact");
        if (lines.Count == 0) lines.Add($"flags 0x{flags:x}");
        return lines;
    }

    static Interval Add(Interval iv, string caveat) => iv with { Caveats = [.. iv.Caveats, caveat] };

    static double MaxNoiseRatio(Interval iv)
    {
        double m = double.NaN;
        foreach (var w in iv.Words)
            if (w.HasCovariance && !double.IsNaN(w.NoiseRatio) && !(m >= EstimatedNoiseRatio(w.NoiseRatio))) m = EstimatedNoiseRatio(w.NoiseRatio);
        return m;
    }

    static string Fmt(double x) => double.IsPositiveInfinity(x) ? "infinity" : x.ToString("G3", CultureInfo.InvariantCulture);
}
