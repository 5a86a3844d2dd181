using System.Runtime.CompilerServices;
using GloVeV.Training.Torch;

namespace GloVeV.Cli;

/// <summary>Plugs the TorchSharp trainer into the shared CLI sources when they are built as glovev-torch.</summary>
static class TorchBackendRegistration
{
    [ModuleInitializer]
    internal static void Register() =>
        TrainBackends.Torch = (device, batch) => (x, o) => new TorchGloVeTrainer(x, o, new TorchTrainingOptions { Device = device, BatchSize = batch });
}
