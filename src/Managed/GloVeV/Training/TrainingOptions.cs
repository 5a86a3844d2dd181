namespace GloVeV.Training;

/// <summary>Hyper-parameters of GloVe training; defaults are GloVe C's.</summary>
public sealed record TrainingOptions
{
    public int Dim { get; init; } = 100;
    public int Epochs { get; init; } = 25;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public double Eta { get; init; } = DefaultEta;
    public const double DefaultEta = 0.05, DefaultGradClip = 100;
    public double XMax { get; init; } = 100;
    public double Alpha { get; init; } = 0.75;
    public double GradClip { get; init; } = DefaultGradClip;
    public ulong Seed { get; init; } = 1;
    /// <summary>null: GloVe C's bias update (no learning rate: b -= f·diff / sqrt(G)); a value e: b -= e·f·diff / sqrt(G)
    /// with G accumulating (e·f·diff)^2, the same rule as the vectors.</summary>
    public double? BiasEta { get; init; }
    /// <summary>Write a checkpoint every K epochs (0 = never); ALS sweeps are checkpointed every K sweeps.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Alternating least-squares sweeps after the AdaGrad epochs (0 = none). Each sweep solves every context
    /// row, then every word row, exactly; see <see cref="AlternatingLeastSquares"/>.</summary>
    public int AlsSweeps { get; init; }
    /// <summary>ALS stops early once a sweep lowers the objective by less than this fraction.</summary>
    public double AlsTolerance { get; init; } = DefaultAlsTolerance;
    public const double DefaultAlsTolerance = 1e-4;
    /// <summary>Ridge lambda on the vectors (not the biases) in the ALS solves: a Gaussian prior N(0, sigma^2/lambda I)
    /// that keeps rare words from growing; recorded in the model and used by the variance stage.</summary>
    public double Ridge { get; init; }
    /// <summary>Choose the ridge by held-out non-zeros (<see cref="RidgeSelection"/>) before the final sweeps;
    /// <see cref="Ridge"/> is then ignored.</summary>
    public bool RidgeAuto { get; init; }

    /// <summary>With <see cref="Epochs"/> = 0: start the ALS sweeps from this model folder's parameters instead of
    /// GloVe C's random start (refining an existing model).</summary>
    public string? InitFrom { get; init; }

    /// <summary>With a rule, AdaGrad stops before <see cref="Epochs"/> (then the maximum) once it holds.</summary>
    public AutoStopRule? AutoStop { get; init; }

    /// <summary>The training schedule of <c>glovev run</c> and <c>glovev bootstrap</c> (README, "Models at GloVe-V's fixed
    /// point"): a short AdaGrad warm-up, then exact ALS sweeps with a small ridge.</summary>
    public static class RunSchedule
    {
        public const int Dim = 50;
        public const int Epochs = 10;
        public const int AlsSweeps = 4;
        public const double Ridge = 0.3;
    }

    static string S(string setting) => GloVeVException.Setting(setting);

    public void Validate()
    {
        if (Dim <= 0) throw new GloVeVException($"dim must be a positive integer, got {Dim}");
        if (Dim > 4096) throw new GloVeVException($"dim {Dim} is larger than the supported 4096");
        // --epochs auto's maximum is the epochs field: name the setting the user gave.
        if (AutoStop != null && Epochs < 1) throw new GloVeVException($"{S("epochs")} auto needs a maximum of at least 1 epoch ({S("max_epochs")})");
        if (Epochs < 0 || (Epochs == 0 && AlsSweeps == 0))
            throw new GloVeVException($"{S("epochs")} must be a positive integer (or 0 with {S("als_sweeps")} N), got {Epochs}");
        if (Seed == 0) throw new GloVeVException($"{S("seed")} must be >= 1, got 0");
        // Without AdaGrad epochs (ALS alone) the step-size settings train nothing: a value given for them would be recorded
        // in the model as if it had been used. (The seed is left alone: bootstrap replicates derive theirs, and it still
        // draws ALS's random start, or the held-out non-zeros of a ridge chosen by data.)
        if (Epochs == 0)
        {
            var unused = new List<string>();
            if (Eta != DefaultEta) unused.Add(S("eta"));
            if (GradClip != DefaultGradClip) unused.Add(S("grad_clip"));
            if (BiasEta != null) unused.Add(S("bias_eta"));
            if (unused.Count > 0)
                throw new GloVeVException($"{string.Join(", ", unused)}: not used without AdaGrad epochs ({S("epochs")} 0, ALS sweeps only); leave {(unused.Count == 1 ? "it" : "them")} out");
        }
        if (AlsSweeps < 0) throw new GloVeVException($"als_sweeps must be >= 0, got {AlsSweeps}");
        if (!(AlsTolerance >= 0) || !double.IsFinite(AlsTolerance)) throw new GloVeVException($"als_tol must be a finite number >= 0, got {AlsTolerance}");
        if (!(Ridge >= 0) || !double.IsFinite(Ridge)) throw new GloVeVException($"ridge must be a finite number >= 0, got {Ridge}");
        if ((Ridge > 0 || RidgeAuto) && AlsSweeps == 0) throw new GloVeVException($"{S("ridge")} applies to the ALS sweeps; give {S("als_sweeps")} N too");
        // The stopping rule of the sweeps means nothing without them (a value other than the default was asked for).
        if (AlsTolerance != DefaultAlsTolerance && AlsSweeps == 0) throw new GloVeVException($"{S("als_tol")} applies to the ALS sweeps; give {S("als_sweeps")} N too");
        if (InitFrom != null && (Epochs != 0 || AlsSweeps == 0)) throw new GloVeVException($"{S("init_from")} starts ALS from a trained model: use it with {S("epochs")} 0 and {S("als_sweeps")} N");
        if (AutoStop is { } a)
        {
            if (!(a.Tolerance > 0) || !double.IsFinite(a.Tolerance)) throw new GloVeVException($"epochs_tol must be a positive number, got {a.Tolerance}");
            if (!(a.Cosine > 0 && a.Cosine <= 1)) throw new GloVeVException($"epochs_cos must be in (0, 1], got {a.Cosine}");
        }
        ThreadLimit.Check(Threads);
        // Training runs in single precision: a step size, clip or x_max that float32 cannot hold (it becomes infinity, or 0
        // or a denormal) would train nothing or diverge without a word, so such values are refused here.
        Float32Positive(Eta, "eta");
        Float32Positive(XMax, "x_max");
        if (!(Alpha > 0) || !double.IsFinite(Alpha)) throw new GloVeVException($"alpha must be a positive number, got {Alpha}");
        // Infinity is "no clipping" (min/max with it leave a gradient as it is).
        if (!double.IsPositiveInfinity(GradClip)) Float32Positive(GradClip, "grad_clip");
        if (BiasEta is { } b) Float32Positive(b, "bias_eta");
        if (CheckpointEvery < 0) throw new GloVeVException($"checkpoint_every must be >= 0, got {CheckpointEvery}");
    }

    /// <summary>The smallest normal float32: below it a value loses precision (denormal) or becomes 0.</summary>
    const double Float32MinNormal = 1.1754943508222875e-38;

    void Float32Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new GloVeVException($"{S(name)} must be a positive number, got {v}");
        if (v > float.MaxValue || v < Float32MinNormal)
            throw new GloVeVException($"{S(name)} = {v} is outside what training's single precision holds ({Float32MinNormal:G3} to {float.MaxValue:G3})");
    }

    /// <summary>The rule of <c>--epochs auto</c>.</summary>
    public sealed record AutoStopRule(double Tolerance = AutoStopRule.DefaultTolerance, double Cosine = AutoStopRule.DefaultCosine)
    {
        /// <summary>Relative cost change per epoch below which AdaGrad has flattened out.</summary>
        public const double DefaultTolerance = 0.002;
        /// <summary>Median cos(trained, WLS) of frequent words (<see cref="ConvergenceProbe"/>) that must also be reached.</summary>
        public const double DefaultCosine = 0.99;
        public const int DefaultMaxEpochs = 100;
    }

    /// <summary>GloVe's weighting function f(x) = min(1, (x / x_max)^alpha).</summary>
    public static double Weight(double x, double xMax, double alpha) => x >= xMax ? 1.0 : Math.Pow(x / xMax, alpha);
}
