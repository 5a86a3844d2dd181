using System.CommandLine;
using System.Globalization;
using GloVeV.Training;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli;

/// <summary>The training-schedule flags shared by <c>train</c> and <c>run</c>: AdaGrad epochs (a number or
/// <c>auto</c>), then alternating least-squares sweeps with an optional ridge.</summary>
sealed class TrainingFlags
{
    public Option<string> Epochs { get; }
    public Option<int> MaxEpochs { get; } = Int("--max-epochs", "With --epochs auto: the most AdaGrad epochs", TrainingOptions.AutoStopRule.DefaultMaxEpochs);
    public Option<double> EpochsTol { get; } = Double("--epochs-tol", "With --epochs auto: stop once the cost changes by less than this fraction per epoch", TrainingOptions.AutoStopRule.DefaultTolerance);
    public Option<double> EpochsCos { get; } = Double("--epochs-cos", "With --epochs auto: ... and the median cos(trained, WLS) of frequent words reaches this", TrainingOptions.AutoStopRule.DefaultCosine);
    public Option<int> AlsSweeps { get; }
    public Option<double> Tol { get; } = Double("--tol", "ALS stops once a sweep lowers the objective by less than this fraction", TrainingOptions.DefaultAlsTolerance);
    public Option<string> Ridge { get; }

    public TrainingFlags(string epochsDefault, int sweepsDefault, double ridgeDefault)
    {
        Epochs = new Option<string>("--epochs") { Description = "AdaGrad passes over the non-zeros: a number (0 = ALS from the initial vectors) or 'auto'", DefaultValueFactory = _ => epochsDefault };
        AlsSweeps = Int("--als-sweeps", "Alternating least-squares sweeps after the epochs (0 = none): every w_i ends at its exact WLS optimum", sweepsDefault);
        Ridge = new Option<string>("--ridge")
        {
            Description = "Ridge lambda on the vectors in the ALS solves (a Gaussian prior; the variance stage uses it), or 'auto' (chosen on held-out non-zeros)",
            DefaultValueFactory = _ => ridgeDefault.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    public IEnumerable<Option> All => [Epochs, MaxEpochs, EpochsTol, EpochsCos, AlsSweeps, Tol, Ridge];

    /// <summary>Fills the schedule part of <paramref name="o"/> from the parsed flags.</summary>
    public TrainingOptions Apply(ParseResult r, TrainingOptions o)
    {
        var e = r.GetValue(Epochs)!.Trim();
        var ridge = r.GetValue(Ridge)!.Trim();
        o = o with { AlsSweeps = r.GetValue(AlsSweeps), AlsTolerance = r.GetValue(Tol) };
        // A default ridge (glovev run's) belongs to the default sweeps: without sweeps and without --ridge there is none
        // (an explicit --ridge with --als-sweeps 0 is still refused by the core).
        if (o.AlsSweeps == 0 && r.GetResult(Ridge) is not { Implicit: false }) ridge = "0";
        if (ridge.Equals("auto", StringComparison.OrdinalIgnoreCase)) o = o with { RidgeAuto = true };
        else if (double.TryParse(ridge, NumberStyles.Float, CultureInfo.InvariantCulture, out double lambda)) o = o with { Ridge = lambda };
        else throw new GloVeVException($"--ridge must be a number >= 0 or 'auto', got '{ridge}'");
        if (e.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return o with { Epochs = r.GetValue(MaxEpochs), AutoStop = new TrainingOptions.AutoStopRule(r.GetValue(EpochsTol), r.GetValue(EpochsCos)) };
        if (!int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new GloVeVException($"--epochs must be a whole number >= 0 or 'auto', got '{e}'");
        // The stopping rule of --epochs auto means nothing to a fixed number of epochs: refused rather than ignored.
        foreach (var f in new Option[] { MaxEpochs, EpochsTol, EpochsCos })
            if (r.GetResult(f) is { Implicit: false }) throw new GloVeVException($"{f.Name} applies to --epochs auto only (this run has --epochs {e})");
        return o with { Epochs = n };
    }

    /// <summary>Progress line of one lambda of the held-out ridge search.</summary>
    public static string Describe(RidgeCandidate c) => $"ridge search: lambda {c.Lambda:G4} held-out error {c.HeldOutError:F5}";

    /// <summary>Progress line of an ALS sweep.</summary>
    public static string Describe(AlsSweepReport s) =>
        $"ALS sweep {s.Sweep}/{s.Sweeps} cost {s.Cost:F5} objective {s.Objective:F5} (-{100 * s.RelativeChange:F3}%)";

    /// <summary>Progress line of an AdaGrad epoch (with the convergence diagnostics of --epochs auto when present).</summary>
    public static string Describe(EpochReport e) =>
        double.IsNaN(e.MedianCosineToWls)
            ? $"epoch {e.Epoch}/{e.Epochs} cost {e.Cost:F5} {e.EntriesPerSecond / 1e6:F1}M/s"
            : $"epoch {e.Epoch}/{e.Epochs} cost {e.Cost:F5} change {(double.IsNaN(e.RelativeChange) ? "NA" : (100 * e.RelativeChange).ToString("F3") + "%")} median cos(trained, WLS) {e.MedianCosineToWls:F4}";
}
