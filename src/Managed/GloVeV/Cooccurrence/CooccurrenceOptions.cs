using GloVeV.Text;

namespace GloVeV.Cooccurrence;

/// <summary>Settings of the co-occurrence count (GloVe C's <c>cooccur</c> semantics).</summary>
public sealed record CooccurrenceOptions
{
    public int Window { get; init; } = 10;
    public bool Symmetric { get; init; } = true;
    public bool DistanceWeighting { get; init; } = true;
    /// <summary>Memory budget for counting, in bytes; sorted runs spill to disk beyond it.</summary>
    public long MemoryBytes { get; init; } = 4L << 30;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public TokenizerOptions Tokenizer { get; init; } = TokenizerOptions.GloVeC;

    /// <summary>Largest window supported: distance weights 1/d are accumulated exactly as integer multiples of
    /// 1/lcm(1..window), which keeps counts independent of thread count and summation order.</summary>
    public const int MaxWindow = 20;

    public void Validate()
    {
        if (Window < 1 || Window > MaxWindow) throw new GloVeVException($"window must be between 1 and {MaxWindow}, got {Window}");
        if (MemoryBytes < (1 << 20)) throw new GloVeVException($"memory must be at least 1M, got {MemoryBytes} bytes");
        ThreadLimit.Check(Threads);
    }

    /// <summary>lcm(1..window) when distance weighting, else 1: the integer scale of accumulated weights.</summary>
    public long WeightScale
    {
        get
        {
            if (!DistanceWeighting) return 1;
            long l = 1;
            for (long d = 2; d <= Window; d++) l = l / Gcd(l, d) * d;
            return l;
        }
    }

    static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return a; }

    /// <summary>Parses sizes such as 512M, 4G, 1.5G or a plain byte count; <paramref name="setting"/> is the setting
    /// an error names.</summary>
    public static long ParseSize(string text, string setting = "memory")
    {
        var t = text.Trim().ToUpperInvariant();
        double mult = 1;
        if (t.EndsWith('B')) t = t[..^1];
        if (t.EndsWith('K')) { mult = 1 << 10; t = t[..^1]; }
        else if (t.EndsWith('M')) { mult = 1 << 20; t = t[..^1]; }
        else if (t.EndsWith('G')) { mult = 1 << 30; t = t[..^1]; }
        if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !(v > 0) || !double.IsFinite(v * mult))
            throw new GloVeVException($"{GloVeVException.Setting(setting)} must be a size such as 512M or 4G (or a number of bytes), got '{text}'");
        return (long)(v * mult);
    }
}
