namespace GloVeV.Training;

/// <summary>Hyper-parameters of GloVe training; defaults are GloVe C's.</summary>
public sealed record TrainingOptions
{
    public int Dim { get; init; } = 100;
    public int Epochs { get; init; } = 25;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public double Eta { get; init; } = 0.05;
    public double XMax { get; init; } = 100;
    public double Alpha { get; init; } = 0.75;
    public double GradClip { get; init; } = 100;
    public ulong Seed { get; init; } = 1;
    /// <summary>null: GloVe C's bias update (no learning rate: b -= f·diff / sqrt(G)); a value e: b -= e·f·diff / sqrt(G)
    /// with G accumulating (e·f·diff)^2, the same rule as the vectors.</summary>
    public double? BiasEta { get; init; }
    /// <summary>Write a checkpoint every K epochs (0 = never).</summary>
    public int CheckpointEvery { get; init; }

    public void Validate()
    {
        if (Dim <= 0) throw new GloVeVException($"--dim must be a positive integer, got {Dim}");
        if (Dim > 4096) throw new GloVeVException($"--dim {Dim} is larger than the supported 4096");
        if (Epochs <= 0) throw new GloVeVException($"--epochs must be a positive integer, got {Epochs}");
        if (Threads <= 0) throw new GloVeVException($"--threads must be >= 1, got {Threads}");
        if (!(Eta > 0) || !double.IsFinite(Eta)) throw new GloVeVException($"--eta must be a positive number, got {Eta}");
        if (!(XMax > 0) || !double.IsFinite(XMax)) throw new GloVeVException($"--x-max must be a positive number, got {XMax}");
        if (!(Alpha > 0) || !double.IsFinite(Alpha)) throw new GloVeVException($"--alpha must be a positive number, got {Alpha}");
        if (!(GradClip > 0)) throw new GloVeVException($"--grad-clip must be positive, got {GradClip}");
        if (BiasEta is { } b && !(b > 0)) throw new GloVeVException($"--bias-eta must be positive, got {b}");
        if (CheckpointEvery < 0) throw new GloVeVException($"--checkpoint-every must be >= 0, got {CheckpointEvery}");
    }

    /// <summary>GloVe's weighting function f(x) = min(1, (x / x_max)^alpha).</summary>
    public static double Weight(double x, double xMax, double alpha) => x >= xMax ? 1.0 : Math.Pow(x / xMax, alpha);
}
