namespace GloVeV.Variance;

/// <summary>Settings of the GloVe-V variance stage.</summary>
public sealed record VarianceOptions
{
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Reconstruction target of the compact form (0 disables it).</summary>
    public double ApproxTarget { get; init; } = 0.90;
    /// <summary>Write <c>completechunk_{k}.safetensors</c> (full D x D matrices). With <c>Complete = false</c> and
    /// <c>ApproxTarget = 0</c> only the diagnostics (<c>variance_info.tsv</c>, summary) are written.</summary>
    public bool Complete { get; init; } = true;
    /// <summary>Words per chunk file; 0 chooses about 128 MiB of float64 matrices per chunk.</summary>
    public int ChunkWords { get; init; }
    /// <summary>Replace each trained w_i by its weighted-least-squares solution before computing residuals.</summary>
    public bool Refine { get; init; }
    /// <summary>Reciprocal condition number below which H_i is treated as singular (pseudo-inverse, flagged).</summary>
    public double RcondThreshold { get; init; } = 1e-12;
    /// <summary>Weighting x_max and alpha; null takes them from the model's metadata (GloVe defaults otherwise).</summary>
    public double? XMax { get; init; }
    public double? Alpha { get; init; }
    /// <summary>Only these words (null = all).</summary>
    public IReadOnlyList<string>? Words { get; init; }
    /// <summary>Compute only shard <see cref="Shard"/> of <see cref="Shards"/> (1-based): a slice of the eligible words
    /// balanced by cost (|K_i| D^2 + D^3), not by count. 0/0 = everything.</summary>
    public int Shard { get; init; }
    public int Shards { get; init; }

    /// <summary>H_i's Gram by the backend's DSYRK (true) or the packed kernel (false); null chooses
    /// (<see cref="GloVeV.Native.PackedGram.PreferBackendSyrk"/>). Tests run both.</summary>
    internal bool? BackendGram { get; init; }

    /// <summary>Median cos(trained, WLS) below which the summary warns that the premise of GloVe-V is shaky.</summary>
    public double WarnCosine { get; init; } = 0.9;

    public void Validate()
    {
        ThreadLimit.Check(Threads);
        if (ApproxTarget < 0 || ApproxTarget > 1 || double.IsNaN(ApproxTarget)) throw new BadArgumentException($"approx must be in [0, 1], got {ApproxTarget}");
        if (ChunkWords < 0) throw new BadArgumentException($"chunk_words must be >= 0, got {ChunkWords}");
        if (Shards != 0 && (Shards < 1 || Shard < 1 || Shard > Shards)) throw new BadArgumentException($"shard must be k/N with 1 <= k <= N, got {Shard}/{Shards}");
    }
}
