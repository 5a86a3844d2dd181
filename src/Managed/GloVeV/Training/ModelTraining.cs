using System.Globalization;
using GloVeV.Cooccurrence;
using GloVeV.Text;

namespace GloVeV.Training;

public sealed record ModelTrainingResult(string ModelDir, int VocabSize, int Dim, long NonZeros, IReadOnlyList<EpochReport> Epochs, double Seconds, bool Resumed, string Backend,
    IReadOnlyList<AlsSweepReport>? Sweeps = null, double Ridge = 0);

/// <summary>Co-occurrence folder + vocabulary in, model folder out (<c>params.safetensors</c>,
/// <c>vectors.safetensors</c>, <c>vocab.txt</c>), with checkpoints and resume.</summary>
public static class ModelTraining
{
    /// <param name="backend">Builds the optimiser; null is the SIMD CPU trainer. Optional components (the TorchSharp
    /// backend) pass theirs.</param>
    public static ModelTrainingResult Train(string cooccurDir, string vocabPath, string outDir, TrainingOptions o, bool resume = false,
        Action<EpochReport>? onEpoch = null, CancellationToken cancel = default, Func<CsrMatrix, TrainingOptions, IGloVeTrainer>? backend = null,
        Action<AlsSweepReport>? onSweep = null, Action<RidgeCandidate>? onRidge = null)
    {
        // A model written into (or inside) the co-occurrence folder it reads would mix its files into that folder.
        if (IO.OutputPaths.IsSameOrInside(outDir, cooccurDir))
            throw new GloVeVException($"--out {outDir}: is {(IO.OutputPaths.Resolved(outDir) == IO.OutputPaths.Resolved(cooccurDir) ? "" : "inside ")}the co-occurrence folder {cooccurDir} this command reads; name another folder for the model");
        bool fresh = !Directory.Exists(outDir);
        try { return TrainInto(cooccurDir, vocabPath, outDir, o, resume, onEpoch, cancel, backend, onSweep, onRidge); }
        catch when (fresh && Directory.Exists(outDir) && !Directory.EnumerateFileSystemEntries(outDir).Any())
        {
            // A run that fails or is cancelled before writing anything leaves no empty model folder behind.
            try { Directory.Delete(outDir); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Whether a model folder's file is one training writes (glovev run checks a previous run's folder with it
    /// before replacing it).</summary>
    public static bool IsOwnFile(string name) =>
        name is GloVeParameters.ParamsFile or GloVeParameters.VectorsFile or "vocab.txt" or TrainingCheckpoint.FileName
        || name == Text.Vocabulary.TokenizerFile("vocab.txt");

    static ModelTrainingResult TrainInto(string cooccurDir, string vocabPath, string outDir, TrainingOptions o, bool resume,
        Action<EpochReport>? onEpoch, CancellationToken cancel, Func<CsrMatrix, TrainingOptions, IGloVeTrainer>? backend,
        Action<AlsSweepReport>? onSweep, Action<RidgeCandidate>? onRidge)
    {
        o.Validate();
        if (File.Exists(outDir)) throw new GloVeVException($"{outDir}: exists and is a file; the model is written into a folder");
        if (o.AutoStop != null && backend != null) throw new GloVeVException("epochs auto is supported by the cpu backend only");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var vocab = Vocabulary.Load(vocabPath);
        using var x = CsrMatrix.OpenDirectory(cooccurDir, vocab, vocabPath);
        if (x.NonZeros == 0) throw new GloVeVException($"{cooccurDir}: the co-occurrence matrix has no non-zeros: nothing to train on");
        try { Directory.CreateDirectory(outDir); }
        catch (UnauthorizedAccessException e) { throw new IOException($"{outDir}: cannot write a folder there ({e.Message})", e); }
        var ckPath = Path.Combine(outDir, TrainingCheckpoint.FileName);
        var inputs = CheckpointInputs.Of(x) with { VocabHash = vocab.Hash() };
        // Before any work: a checkpoint of another vocabulary, matrix or setting is refused, not continued.
        if (resume) TrainingCheckpoint.CheckResumable(ckPath, o, inputs);
        // A checkpoint taken during ALS resumes the sweeps; AdaGrad is over by then.
        int sweepsDone = resume ? TrainingCheckpoint.AlsSweepsIn(ckPath) : 0;
        TrainingResult r;
        double? resumedRidge = null; // the lambda an ALS checkpoint was taken with
        string backendName;
        IReadOnlyDictionary<string, string> backendMeta;
        IReadOnlyList<double> alsCostsBefore = [];
        string? ridgeSelection = null;
        if (sweepsDone > 0 || (o.Epochs == 0 && resume))
        {
            var ck = TrainingCheckpoint.Load(ckPath, vocab.Count, o.Dim, o, inputs);
            resumedRidge = ck.Ridge;
            r = new TrainingResult(ck.Parameters, [], true, ck.EpochsDone) { CostHistory = ck.CostHistory };
            r.Parameters.Metadata["epochs_done"] = ck.EpochsDone.ToString(CultureInfo.InvariantCulture);
            alsCostsBefore = ck.AlsCostHistory;
            // What the part done before the checkpoint recorded about itself.
            backendName = ck.Carried.GetValueOrDefault("backend", "cpu-als");
            ridgeSelection = ck.Carried.GetValueOrDefault("ridge_selection");
            backendMeta = ck.Carried.Where(kv => kv.Key is not ("backend" or "ridge_selection")).ToDictionary();
        }
        else if (o.Epochs == 0)
        {
            r = new TrainingResult(o.InitFrom is null ? InitialParameters.Draw(vocab.Count, o.Dim, o.Seed) : LoadStart(o.InitFrom, vocab, o.Dim), [], false, 0);
            r.Parameters.Metadata["epochs_done"] = "0";
            backendName = "cpu-als"; backendMeta = new Dictionary<string, string>();
        }
        else
        {
            var trainer = backend is null ? new GloVeTrainer(x, o) : backend(x, o);
            using var ownsNative = trainer as IDisposable; // device-resident backends free their tensors
            r = trainer.Run(outDir, resume, IO.TrainingGuards.WatchDivergence(onEpoch), cancel);
            backendName = trainer.Backend; backendMeta = trainer.BackendMetadata;
        }
        var p = r.Parameters;
        IReadOnlyList<double> costHistory = r.CostHistory ?? r.Epochs.Select(e => e.Cost).ToArray();
        int epochsDone = int.Parse(p.Metadata["epochs_done"], CultureInfo.InvariantCulture);
        List<AlsSweepReport> sweeps = [];
        var alsCosts = new List<double>(alsCostsBefore);
        double ridge = o.Ridge;
        if (ridgeSelection != null) p.Metadata["ridge_selection"] = ridgeSelection;
        if (o.RidgeAuto && sweepsDone == 0 && o.AlsSweeps > 0)
        {
            var (best, path) = RidgeSelection.Choose(x, p, o.XMax, o.Alpha, o.Threads, onCandidate: onRidge, seed: o.Seed, cancel: cancel);
            ridge = best;
            p.Metadata["ridge_selection"] = RidgeSelection.Describe(path, RidgeSelection.DefaultHoldOut);
        }
        else if (o.RidgeAuto && sweepsDone > 0)
        {
            // Resuming: the search already ran; the checkpoint's sweeps used its lambda.
            ridge = resumedRidge ?? throw new GloVeVException($"{ckPath}: checkpoint does not record the chosen ridge; cannot resume ridge auto");
        }
        if (o.AlsSweeps > 0 && sweepsDone < o.AlsSweeps)
        {
            // An ALS checkpoint carries the AdaGrad part's record (its costs, backend, ridge search) into the model.
            var carry = new Dictionary<string, string>(backendMeta) { ["backend"] = backendName };
            if (p.Metadata.TryGetValue("ridge_selection", out var rs)) carry["ridge_selection"] = rs;
            using var als = new AlternatingLeastSquares(x, p, o.XMax, o.Alpha, ridge, o.Threads);
            sweeps = als.Run(o.AlsSweeps, o.AlsTolerance, sweepsDone, s => { alsCosts.Add(s.Cost); onSweep?.Invoke(s); }, done =>
            {
                if (o.CheckpointEvery > 0 && done % o.CheckpointEvery == 0 && done < o.AlsSweeps)
                    (TrainingCheckpoint.ForAls(p, epochsDone, done, ridge) with { CostHistory = costHistory, AlsCostHistory = alsCosts.ToArray(), Carried = carry })
                        .Save(ckPath, "cpu-als", o, inputs);
            }, cancel);
        }
        var inv = CultureInfo.InvariantCulture;
        p.Metadata["format"] = "glovev-params-1";
        p.Metadata["dim"] = o.Dim.ToString(inv);
        p.Metadata["vocab_size"] = vocab.Count.ToString(inv);
        p.Metadata["vocab_hash"] = vocab.Hash();
        p.Metadata["epochs"] = epochsDone.ToString(inv);
        p.Metadata["epochs_rule"] = o.AutoStop is { } a
            ? $"auto (relative change < {a.Tolerance.ToString("R", inv)}, median cos(trained, WLS) of frequent words >= {a.Cosine.ToString("R", inv)}, at most {o.Epochs})"
            : "fixed";
        p.Metadata["eta"] = o.Eta.ToString("R", inv);
        p.Metadata["x_max"] = o.XMax.ToString("R", inv);
        p.Metadata["alpha"] = o.Alpha.ToString("R", inv);
        p.Metadata["grad_clip"] = o.GradClip.ToString("R", inv);
        p.Metadata["seed"] = o.Seed.ToString(inv);
        p.Metadata["threads"] = o.Threads.ToString(inv);
        p.Metadata["bias_eta"] = o.BiasEta is { } be ? be.ToString("R", inv) : "none (GloVe C)";
        p.Metadata["nnz"] = x.NonZeros.ToString(inv);
        p.Metadata["backend"] = backendName;
        foreach (var kv in backendMeta) p.Metadata[kv.Key] = kv.Value;
        p.Metadata["cost_history"] = string.Join(",", costHistory.Select(c => c.ToString("R", inv)));
        if (o.AlsSweeps > 0) AlternatingLeastSquares.Describe(p, ridge, sweeps, sweepsDone + sweeps.Count, o.AlsTolerance, alsCosts);
        else p.Metadata["ridge"] = "0";
        foreach (var kv in x.Metadata) if (kv.Key is "window" or "symmetric" or "distance_weighting") p.Metadata["cooccur_" + kv.Key] = kv.Value;
        if (o.InitFrom != null) p.Metadata["als_init"] = Path.GetFullPath(o.InitFrom);
        IO.Provenance.StampParams(p, x, vocab);
        // The files are written under temporary names first (the slow part), so a kill while they are written leaves the
        // old model and its variances as they were; then the files are renamed into place, milliseconds, the old
        // variances go (they describe the old vectors) and the (small) vocabulary is written. A kill between those
        // steps leaves files of two runs, which readers refuse: parameters and vectors by their params_id
        // (Provenance.CheckParamsAndVectors), variances by the params_id they record, a vocabulary by its hash. (The
        // variances went first until 2026-12-08: a kill before the renames then left the old model without them.)
        // What killed runs left under those names goes first.
        IO.AtomicFile.RemoveDeadTemporaries(outDir, GloVeParameters.ParamsFile);
        IO.AtomicFile.RemoveDeadTemporaries(outDir, GloVeParameters.VectorsFile);
        var staged = new[] { GloVeParameters.ParamsFile, GloVeParameters.VectorsFile }.Select(n => (Temp: IO.AtomicFile.TempPathFor(Path.Combine(outDir, n)), Final: Path.Combine(outDir, n))).ToArray();
        try
        {
            p.Save(staged[0].Temp);
            p.SaveVectors(staged[1].Temp);
            foreach (var (temp, final) in staged) File.Move(temp, final, overwrite: true);
            IO.Provenance.InvalidateVariances(outDir);
        }
        finally
        {
            foreach (var (temp, _) in staged) try { File.Delete(temp); } catch (IOException) { }
        }
        vocab.Save(Path.Combine(outDir, "vocab.txt"));
        if (File.Exists(ckPath)) File.Delete(ckPath);
        return new ModelTrainingResult(outDir, vocab.Count, o.Dim, x.NonZeros, r.Epochs, sw.Elapsed.TotalSeconds, resume, backendName, sweeps, ridge);
    }

    /// <summary>The parameters of a trained model folder, checked against this run's vocabulary and dimension.</summary>
    static GloVeParameters LoadStart(string modelDir, Vocabulary vocab, int dim)
    {
        var path = Path.Combine(modelDir, GloVeParameters.ParamsFile);
        if (!File.Exists(path)) throw new MissingFileException($"init_from: no {GloVeParameters.ParamsFile} in {modelDir}");
        var p = GloVeParameters.Load(path);
        static string S(string setting) => GloVeVException.Setting(setting);
        if (p.VocabSize != vocab.Count)
            throw new GloVeVException($"{S("init_from")}: {path} was trained on a vocabulary of {p.VocabSize} words, this run's vocabulary has {vocab.Count}; start from a model of the same vocabulary");
        if (p.Dim != dim)
            throw new GloVeVException($"{S("init_from")}: {path} has vectors of size {p.Dim}, this run has {S("dim")} {dim}; give {S("dim")} {p.Dim} or start from a model of size {dim}");
        if (p.Metadata.TryGetValue("vocab_hash", out var h) && h != vocab.Hash())
            throw new GloVeVException($"{S("init_from")}: {path} was trained with another vocabulary than the one given (same size, other words or order)");
        var fresh = new GloVeParameters(p.VocabSize, p.Dim, p.Center, p.Context, p.CenterBias, p.ContextBias);
        return fresh;
    }
}
