namespace GloVeV.Training;

/// <summary>A GloVe optimiser over one co-occurrence matrix. The SIMD CPU trainer lives in the core; batched
/// tensor backends (TorchSharp) live in optional components and plug in through <see cref="ModelTraining"/>.</summary>
public interface IGloVeTrainer
{
    /// <summary>Short name recorded in the model metadata, e.g. <c>cpu-simd</c> or <c>torch-cuda</c>.</summary>
    string Backend { get; }

    /// <summary>Extra metadata the backend wants recorded with the model (batch size, device, ...).</summary>
    IReadOnlyDictionary<string, string> BackendMetadata { get; }

    /// <summary>Trains; with <paramref name="outDir"/> set, checkpoints there and (with <paramref name="resume"/>)
    /// continues from its checkpoint.</summary>
    TrainingResult Run(string? outDir = null, bool resume = false, Action<EpochReport>? onEpoch = null, CancellationToken cancel = default);
}
