namespace GloVeV.Variance;

/// <summary>What happened to one word in the variance stage (written to <c>variance_info.tsv</c>).</summary>
public enum WordVarianceStatus
{
    /// <summary>Cholesky of a well-conditioned H_i.</summary>
    Ok,
    /// <summary>H_i singular or badly conditioned: pseudo-inverse used, flagged.</summary>
    PseudoInverse,
    /// <summary>|K_i| &lt;= D: too few contexts for a variance.</summary>
    TooFewContexts,
    /// <summary>Not requested (<c>--words</c>).</summary>
    NotRequested,
}

public static class WordVarianceStatusText
{
    public static string Text(this WordVarianceStatus s) => s switch
    {
        WordVarianceStatus.Ok => "ok",
        WordVarianceStatus.PseudoInverse => "pseudo_inverse",
        WordVarianceStatus.TooFewContexts => "too_few_contexts",
        _ => "not_requested",
    };
}
