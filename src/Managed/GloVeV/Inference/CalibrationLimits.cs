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

    /// <summary>Noise ratio tr(Σ)/||w||² of the noisiest word from which the caveats below apply.</summary>
    public const double NoiseRatio = 0.5;

    /// <summary>The method of composition centres its percentiles on a draw-around-a-noisy-estimate: in the cosine
    /// study it covered 0-63% at cosine 0.5-0.9 once noise ratios reached 0.5, and 0-31% for WEAT effect sizes.</summary>
    public static Interval ForMethod(Interval iv)
    {
        if (iv.Method != IntervalMethod.Sample) return iv;
        double nr = MaxNoiseRatio(iv);
        if (!(nr >= NoiseRatio)) return iv;
        return Add(iv, $"the 'sample' method (method of composition) under-covers at noise ratios >= {Fmt(NoiseRatio)} (here up to {Fmt(nr)}): " +
            "in the exact-model study its 95% intervals held the truth 0-63% of the time for cosines of 0.5-0.9 and 0-31% for WEAT effect sizes; use 'calibrated'");
    }

    /// <summary>RND is built on unit vectors, whose noise no method here debiases: at noise ratios of 0.5 and more every
    /// method covered at most 64-88% in the bias-score study (|K| - D in {5, 100}).</summary>
    public static Interval ForRnd(Interval iv)
    {
        double nr = MaxNoiseRatio(iv);
        if (!(nr >= NoiseRatio)) return iv;
        return Add(iv, $"relative norm distance intervals under-cover at noise ratios >= {Fmt(NoiseRatio)} (here up to {Fmt(nr)}): " +
            "in the exact-model study 95% intervals held the truth 64-88% of the time there (delta, calibrated; sample 11-47%); read it as too narrow");
    }

    static Interval Add(Interval iv, string caveat) => iv with { Caveats = [.. iv.Caveats, caveat] };

    static double MaxNoiseRatio(Interval iv)
    {
        double m = double.NaN;
        foreach (var w in iv.Words)
            if (w.HasCovariance && !double.IsNaN(w.NoiseRatio) && !(m >= w.NoiseRatio)) m = w.NoiseRatio;
        return m;
    }

    static string Fmt(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
}
