using System.Globalization;
using GloVeV.Cooccurrence;
using GloVeV.Text;

namespace GloVeV.Training;

public sealed record ModelTrainingResult(string ModelDir, int VocabSize, int Dim, long NonZeros, IReadOnlyList<EpochReport> Epochs, double Seconds, bool Resumed, string Backend);

/// <summary>Co-occurrence folder + vocabulary in, model folder out (<c>params.safetensors</c>,
/// <c>vectors.safetensors</c>, <c>vocab.txt</c>), with checkpoints and resume.</summary>
public static class ModelTraining
{
    /// <param name="backend">Builds the optimiser; null is the SIMD CPU trainer. Optional components (the TorchSharp
    /// backend) pass theirs.</param>
    public static ModelTrainingResult Train(string cooccurDir, string vocabPath, string outDir, TrainingOptions o, bool resume = false,
        Action<EpochReport>? onEpoch = null, CancellationToken cancel = default, Func<CsrMatrix, TrainingOptions, IGloVeTrainer>? backend = null)
    {
        o.Validate();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var vocab = Vocabulary.Load(vocabPath);
        using var x = CsrMatrix.OpenDirectory(cooccurDir, vocab, vocabPath);
        Directory.CreateDirectory(outDir);
        var trainer = backend is null ? new GloVeTrainer(x, o) : backend(x, o);
        using var ownsNative = trainer as IDisposable; // device-resident backends free their tensors
        var r = trainer.Run(outDir, resume, IO.TrainingGuards.WatchDivergence(onEpoch), cancel);
        var p = r.Parameters;
        var inv = CultureInfo.InvariantCulture;
        p.Metadata["format"] = "glovev-params-1";
        p.Metadata["dim"] = o.Dim.ToString(inv);
        p.Metadata["vocab_size"] = vocab.Count.ToString(inv);
        p.Metadata["vocab_hash"] = vocab.Hash();
        p.Metadata["epochs"] = o.Epochs.ToString(inv);
        p.Metadata["eta"] = o.Eta.ToString("R", inv);
        p.Metadata["x_max"] = o.XMax.ToString("R", inv);
        p.Metadata["alpha"] = o.Alpha.ToString("R", inv);
        p.Metadata["grad_clip"] = o.GradClip.ToString("R", inv);
        p.Metadata["seed"] = o.Seed.ToString(inv);
        p.Metadata["threads"] = o.Threads.ToString(inv);
        p.Metadata["bias_eta"] = o.BiasEta is { } be ? be.ToString("R", inv) : "none (GloVe C)";
        p.Metadata["nnz"] = x.NonZeros.ToString(inv);
        p.Metadata["backend"] = trainer.Backend;
        foreach (var kv in trainer.BackendMetadata) p.Metadata[kv.Key] = kv.Value;
        p.Metadata["cost_history"] = string.Join(",", r.Epochs.Select(e => e.Cost.ToString("R", inv)));
        foreach (var kv in x.Metadata) if (kv.Key is "window" or "symmetric" or "distance_weighting") p.Metadata["cooccur_" + kv.Key] = kv.Value;
        IO.Provenance.StampParams(p, x, vocab);
        IO.Provenance.InvalidateVariances(outDir); // the old variances describe the old vectors
        p.Save(Path.Combine(outDir, GloVeParameters.ParamsFile));
        p.SaveVectors(Path.Combine(outDir, GloVeParameters.VectorsFile));
        vocab.Save(Path.Combine(outDir, "vocab.txt"));
        var ck = Path.Combine(outDir, TrainingCheckpoint.FileName);
        if (File.Exists(ck)) File.Delete(ck);
        return new ModelTrainingResult(outDir, vocab.Count, o.Dim, x.NonZeros, r.Epochs, sw.Elapsed.TotalSeconds, resume, trainer.Backend);
    }
}
