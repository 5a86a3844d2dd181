namespace GloVeV.Text;

/// <summary>
/// How text becomes tokens. The default is GloVe C's: tokens are separated by space, tab and newline, a newline
/// ends a document, carriage returns are ignored, and bytes are otherwise kept as they are.
/// </summary>
public sealed record TokenizerOptions
{
    /// <summary>Unicode-aware lowercasing (invariant culture).</summary>
    public bool Lowercase { get; init; }
    /// <summary>Split Unicode punctuation (categories P*) off as tokens of their own.</summary>
    public bool SplitPunctuation { get; init; }
    /// <summary>Replace invalid UTF-8 with U+FFFD (counted) instead of failing.</summary>
    public bool ReplaceInvalidUtf8 { get; init; }

    public static readonly TokenizerOptions GloVeC = new();
}
