using System.Diagnostics;
using GloVeV.Cooccurrence;
using GloVeV.Training;

namespace GloVeV.Cli;

/// <summary>
/// Which optimiser <c>glovev train --backend ...</c> runs. The lean <c>glovev</c> carries only the SIMD CPU trainer; the
/// <c>glovev-torch</c> build (same commands, plus TorchSharp and libtorch) registers the torch backend at start-up.
/// Asked for torch, the lean binary hands the whole command line to <c>glovev-torch</c> when it can find one.
/// </summary>
static class TrainBackends
{
    /// <summary>Set by the glovev-torch build: (device, batch size) -> trainer factory.</summary>
    public static Func<string, int, Func<CsrMatrix, TrainingOptions, IGloVeTrainer>>? Torch { get; set; }

    /// <summary>The command line this process was started with (for handing it on unchanged).</summary>
    public static string[] Args { get; set; } = [];

    public static Func<CsrMatrix, TrainingOptions, IGloVeTrainer>? Resolve(string backend, string device, int batch) => backend switch
    {
        "cpu" => null,
        "torch" => Torch?.Invoke(device, batch),
        _ => throw new GloVeVException($"--backend must be cpu or torch, got '{backend}'"),
    };

    /// <summary>Where a glovev-torch build sits: $GLOVEV_TORCH, beside this program, or in ../torch (the build layout).</summary>
    public static string? FindTorchBuild()
    {
        var env = Environment.GetEnvironmentVariable("GLOVEV_TORCH");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : throw new GloVeVException($"GLOVEV_TORCH={env}: no such file");
        var dir = Path.GetDirectoryName(Environment.ProcessPath) ?? ".";
        foreach (var p in new[] { Path.Combine(dir, "glovev-torch"), Path.Combine(dir, "..", "torch", "glovev-torch") })
            if (File.Exists(p) && Path.GetFullPath(p) != Environment.ProcessPath) return Path.GetFullPath(p);
        return null;
    }

    /// <summary>Runs the same command line in glovev-torch and returns its exit code.</summary>
    public static int HandOverToTorchBuild()
    {
        var exe = FindTorchBuild() ?? throw new GloVeVException(
            "--backend torch: this glovev was built without the optional TorchSharp backend and no glovev-torch was found " +
            "(build it with scripts/build-torch.sh, which puts it in build/torch/, or point GLOVEV_TORCH at it)");
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false };
        foreach (var a in Args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new GloVeVException($"could not start {exe}");
        p.WaitForExit();
        return p.ExitCode;
    }
}
