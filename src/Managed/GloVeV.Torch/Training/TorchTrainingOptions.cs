namespace GloVeV.Training.Torch;

/// <summary>Settings that only the batched tensor backend has.</summary>
public sealed record TorchTrainingOptions
{
    /// <summary><c>auto</c> (CUDA when libtorch sees a GPU, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Non-zeros per mini-batch; 0 picks a default for the device.</summary>
    public int BatchSize { get; init; }

    public const int DefaultCpuBatch = 1 << 15;
    public const int DefaultCudaBatch = 1 << 18;

    /// <summary>The device default, but never more than 1/64 of the non-zeros: within one batch a frequent word's
    /// steps all come from the same stale row, and on KJV a batch of a quarter of the matrix diverged.</summary>
    public int BatchFor(bool cuda, long nonZeros) =>
        BatchSize > 0 ? BatchSize : (int)Math.Max(1024, Math.Min(cuda ? DefaultCudaBatch : DefaultCpuBatch, nonZeros / 64));

    public void Validate()
    {
        if (Device is not ("auto" or "cpu" or "cuda"))
            throw new GloVeVException($"--device must be auto, cpu or cuda, got '{Device}'");
        if (BatchSize < 0) throw new GloVeVException($"--batch-size must be positive (or 0 for the default), got {BatchSize}");
    }
}
