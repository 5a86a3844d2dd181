namespace GloVeV.Inference;

/// <summary>How an interval was obtained.</summary>
public enum IntervalMethod
{
    /// <summary>First-order delta method: value ± z·sd (the GloVe-V paper's).</summary>
    Delta,
    /// <summary>Method of composition: percentile interval of the statistic over draws of the vectors.</summary>
    Sample,
    /// <summary>Parametric bootstrap with bias correction: centre 2·value − mean of draws, ± z·sd of draws.
    /// Removes the first-order bias that noise puts on norms and cosines.</summary>
    Corrected,
}

/// <summary>A point estimate with its uncertainty. For <see cref="IntervalMethod.Delta"/>, Mean equals Value.</summary>
public sealed record Interval(double Value, double Mean, double Sd, double Lo, double Hi, IntervalMethod Method, double Level)
{
    public static string MethodName(IntervalMethod m) => m switch { IntervalMethod.Delta => "delta", IntervalMethod.Sample => "sample", _ => "corrected" };

    public static IntervalMethod ParseMethod(string s) => s.Trim().ToLowerInvariant() switch
    {
        "delta" => IntervalMethod.Delta,
        "sample" or "sampling" or "moc" => IntervalMethod.Sample,
        "corrected" or "bootstrap" => IntervalMethod.Corrected,
        _ => throw new GloVeVException($"--method must be delta, sample or corrected, got '{s}'"),
    };
}
