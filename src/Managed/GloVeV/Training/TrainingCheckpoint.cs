using System.Globalization;
using GloVeV.Cooccurrence;
using GloVeV.IO;

namespace GloVeV.Training;

/// <summary>What a training run reads, by content: the vocabulary (its hash, as the co-occurrence matrix records it)
/// and the co-occurrence matrix (the SHA-256 of the <c>cooccurrence.bin</c> it mirrors, the hash the variance stage
/// checks a model against; for a matrix without that record, the SHA-256 of its CSR arrays).</summary>
public sealed record CheckpointInputs(string? VocabHash, string CooccurKey, string CooccurHash, long NonZeros, string CooccurPath)
{
    public static CheckpointInputs Of(CsrMatrix x)
    {
        x.Metadata.TryGetValue("vocab_hash", out var vocabHash);
        var path = Path.GetFullPath(Path.GetDirectoryName(x.Path) is { Length: > 0 } d ? d : ".");
        if (x.Metadata.TryGetValue("source_sha256", out var sha) && sha.Length > 0)
            return new CheckpointInputs(vocabHash, "cooccur_sha256", sha, x.NonZeros, path);
        return new CheckpointInputs(vocabHash, "cooccur_csr_sha256", CsrHash(x), x.NonZeros, path);
    }

    static unsafe string CsrHash(CsrMatrix x)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<long> row = stackalloc long[2];
        for (int i = 0; i < x.Rows; i++)
        {
            row[0] = i; row[1] = x.RowLength(i);
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.RowIndices(i)));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.RowValues(i)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>Everything a run needs to continue: the four parameter blocks, their squared-gradient accumulators, how
/// many epochs (and ALS sweeps) are done and the costs so far. One format for every backend (unpadded, float32). It
/// records what it was computed from (<see cref="CheckpointInputs"/>) and every setting that shapes the result, and a
/// resumed run must match them all.</summary>
public sealed record TrainingCheckpoint(GloVeParameters Parameters, float[] CenterGradSq, float[] ContextGradSq,
    float[] CenterBiasGradSq, float[] ContextBiasGradSq, int EpochsDone, int AlsSweepsDone = 0, double? Ridge = null)
{
    public const string FileName = "checkpoint.safetensors";

    /// <summary>The cost of every AdaGrad epoch done (NaN where a checkpoint of an earlier version did not record it).</summary>
    public IReadOnlyList<double> CostHistory { get; init; } = [];
    /// <summary>The cost of every ALS sweep done.</summary>
    public IReadOnlyList<double> AlsCostHistory { get; init; } = [];
    /// <summary>Model metadata of the part already done that the finished model carries (the AdaGrad backend and its
    /// settings, the ridge search), stored under <see cref="CarryPrefix"/>.</summary>
    public IReadOnlyDictionary<string, string> Carried { get; init; } = new Dictionary<string, string>();

    const string CarryPrefix = "model.";
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    static string S(string setting) => GloVeVException.Setting(setting);

    /// <summary>The settings a resumed run must share with the run that wrote the checkpoint, by their neutral names
    /// (the epoch count is not among them: an AdaGrad checkpoint may be continued to another number of epochs, since
    /// the shuffles depend on the epoch only).</summary>
    public static Dictionary<string, string> HyperParameters(TrainingOptions o) => new()
    {
        ["dim"] = o.Dim.ToString(Inv), ["eta"] = o.Eta.ToString("R", Inv), ["x_max"] = o.XMax.ToString("R", Inv),
        ["alpha"] = o.Alpha.ToString("R", Inv), ["grad_clip"] = o.GradClip.ToString("R", Inv), ["seed"] = o.Seed.ToString(Inv),
        ["bias_eta"] = o.BiasEta is { } be ? be.ToString("R", Inv) : "none",
        ["epochs_rule"] = o.AutoStop is null ? "fixed" : "auto",
        ["epochs_tol"] = o.AutoStop is { } a ? a.Tolerance.ToString("R", Inv) : "unset",
        ["epochs_cos"] = o.AutoStop is { } c ? c.Cosine.ToString("R", Inv) : "unset",
        ["als_sweeps"] = o.AlsSweeps.ToString(Inv), ["als_tol"] = o.AlsTolerance.ToString("R", Inv),
        ["ridge_setting"] = o.RidgeAuto ? "auto" : o.Ridge.ToString("R", Inv),
        ["init_from"] = InitIdentity(o.InitFrom),
    };

    /// <summary>The neutral setting each recorded key is compared as (<c>epochs_rule</c> is the <c>epochs</c> setting).</summary>
    static string SettingOf(string key) => key switch { "epochs_rule" => "epochs", "ridge_setting" => "ridge", _ => key };

    /// <summary>A model that starts the ALS sweeps, by the identity of its parameters (its path when it has none).</summary>
    static string InitIdentity(string? initFrom)
    {
        if (initFrom is null) return "none";
        var pp = Path.Combine(initFrom, GloVeParameters.ParamsFile);
        if (File.Exists(pp))
        {
            try
            {
                using var f = new SafeTensorsFile(pp);
                if (f.Metadata.TryGetValue("params_id", out var id)) return "model " + id;
            }
            catch (GloVeVException) { }
        }
        return Path.GetFullPath(initFrom);
    }

    public void Save(string path, string backend, TrainingOptions options, CheckpointInputs inputs)
    {
        var p = Parameters;
        long v = p.VocabSize, d = p.Dim;
        var m = HyperParameters(options);
        m["epochs_done"] = EpochsDone.ToString(Inv); m["dim"] = d.ToString(Inv);
        m["vocab_size"] = v.ToString(Inv); m["nnz"] = inputs.NonZeros.ToString(Inv); m["backend"] = backend;
        m["als_sweeps_done"] = AlsSweepsDone.ToString(Inv);
        m["ridge"] = Ridge is { } r ? r.ToString("R", Inv) : "";
        // An ALS checkpoint is taken after AdaGrad ended: the epoch count it ended at is part of the run now.
        if (AlsSweepsDone > 0) m["epochs"] = options.Epochs.ToString(Inv);
        if (inputs.VocabHash != null) m["vocab_hash"] = inputs.VocabHash;
        m[inputs.CooccurKey] = inputs.CooccurHash;
        m["cooccur_path"] = inputs.CooccurPath;
        m["cost_history"] = string.Join(",", CostHistory.Select(c => c.ToString("R", Inv)));
        m["als_cost_history"] = string.Join(",", AlsCostHistory.Select(c => c.ToString("R", Inv)));
        foreach (var kv in Carried) m[CarryPrefix + kv.Key] = kv.Value;
        SafeTensorsWriter.WriteAll(path, [
            (new TensorSpec("center_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(p.Center)),
            (new TensorSpec("context_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(p.Context)),
            (new TensorSpec("center_bias", TensorDType.F32, [v]), w => w.Write<float>(p.CenterBias)),
            (new TensorSpec("context_bias", TensorDType.F32, [v]), w => w.Write<float>(p.ContextBias)),
            (new TensorSpec("center_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(CenterGradSq)),
            (new TensorSpec("context_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(ContextGradSq)),
            (new TensorSpec("center_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(CenterBiasGradSq)),
            (new TensorSpec("context_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(ContextBiasGradSq)),
        ], m);
    }

    static string Short(string h) => h.Length > 12 ? h[..12] + "..." : h;

    /// <summary>Refuses to resume from <paramref name="path"/> when it was computed from other inputs or with other
    /// settings than this run's (reads the header only).</summary>
    public static void CheckResumable(string path, TrainingOptions options, CheckpointInputs inputs)
    {
        if (!File.Exists(path)) throw new GloVeVException($"resume: no checkpoint at {path}");
        using var f = new SafeTensorsFile(path);
        Check(f, path, options, inputs);
    }

    static void Check(SafeTensorsFile f, string path, TrainingOptions options, CheckpointInputs inputs)
    {
        var meta = f.Metadata;
        string from = meta.TryGetValue("cooccur_path", out var cp) ? $" ({cp})" : "";
        // The inputs first: another vocabulary or matrix is another run whatever the settings.
        if (inputs.VocabHash != null && meta.TryGetValue("vocab_hash", out var vh) && vh != inputs.VocabHash)
            throw new GloVeVException($"resume: {path} was computed with another vocabulary than the one given (vocabulary hash {Short(vh)} in the checkpoint, {Short(inputs.VocabHash)} now; the same words in another order count as different, since ids change); resume with the vocabulary the run was started with, or train afresh without resuming");
        string? recorded = meta.TryGetValue(inputs.CooccurKey, out var same) ? same
            : meta.TryGetValue("cooccur_sha256", out var other) || meta.TryGetValue("cooccur_csr_sha256", out other) ? other : null;
        if (recorded != null && recorded != inputs.CooccurHash)
            throw new GloVeVException($"resume: {path} was computed from another co-occurrence matrix{from} than {inputs.CooccurPath} (content hash {Short(recorded)} in the checkpoint, {Short(inputs.CooccurHash)} now); resume with the co-occurrence folder the run was started with, or train afresh without resuming");
        if (meta.TryGetValue("nnz", out var nz) && nz != inputs.NonZeros.ToString(Inv))
            throw new GloVeVException($"resume: {path} was computed from a co-occurrence matrix{from} with {nz} non-zeros, {inputs.CooccurPath} has {inputs.NonZeros}; resume with the co-occurrence folder the run was started with, or train afresh without resuming");
        // Then every setting that shapes the result: resuming with another one would mix two runs in one model.
        var now = HyperParameters(options);
        if (meta.TryGetValue("als_sweeps_done", out var sd) && int.TryParse(sd, NumberStyles.None, Inv, out int sweeps) && sweeps > 0)
            now["epochs"] = options.Epochs.ToString(Inv);
        var diffs = now.Where(kv => meta.TryGetValue(kv.Key, out var was) && was != kv.Value)
            .Select(kv => $"{S(SettingOf(kv.Key))} {kv.Value} (checkpoint: {meta[kv.Key]})").ToList();
        if (diffs.Count > 0)
            throw new GloVeVException($"resume: {path} was written with other settings: {string.Join(", ", diffs)}; resume with the original values or train afresh without resuming");
    }

    /// <summary>Loads and checks a checkpoint against the run it should continue.</summary>
    public static TrainingCheckpoint Load(string path, int vocabSize, int dim, TrainingOptions options, CheckpointInputs inputs)
    {
        if (!File.Exists(path)) throw new GloVeVException($"resume: no checkpoint at {path}");
        using var f = new SafeTensorsFile(path);
        Check(f, path, options, inputs);
        long v = vocabSize, d = dim;
        f.Expect("center_vectors", [v, d], TensorDType.F32);
        if (!f.Metadata.TryGetValue("epochs_done", out var ed) || !int.TryParse(ed, out int done) || done < 0)
            throw new GloVeVException($"{path}: checkpoint lacks a valid epochs_done");
        if (done > options.Epochs) throw new GloVeVException($"{path}: checkpoint has {done} epochs done, more than {S("epochs")} {options.Epochs}");
        int als = f.Metadata.TryGetValue("als_sweeps_done", out var a) && int.TryParse(a, out int na) && na >= 0 ? na : 0;
        if (als > options.AlsSweeps) throw new GloVeVException($"{path}: checkpoint has {als} ALS sweeps done, more than {S("als_sweeps")} {options.AlsSweeps}");
        f.Expect("context_vectors", [v, d], TensorDType.F32);
        f.Expect("center_gradsq", [v, d], TensorDType.F32);
        f.Expect("context_gradsq", [v, d], TensorDType.F32);
        foreach (var n in new[] { "center_bias", "context_bias", "center_bias_gradsq", "context_bias_gradsq" }) f.Expect(n, [v], TensorDType.F32);
        float[] Read(string name)
        {
            var arr = f.ReadFloats(name);
            if (arr.Any(x => !float.IsFinite(x))) throw new GloVeVException($"{path}: checkpoint tensor '{name}' contains NaN or infinity; cannot resume");
            return arr;
        }
        var p = new GloVeParameters(vocabSize, dim, Read("center_vectors"), Read("context_vectors"), Read("center_bias"), Read("context_bias"));
        double? ridge = f.Metadata.TryGetValue("ridge", out var rs) && double.TryParse(rs, NumberStyles.Float, Inv, out var rv) ? rv : null;
        // AdaGrad's sums start at 1 and only grow: a smaller one (a zeroed or damaged file) would resume with learning
        // rates of eta / sqrt(0).
        float[] Sums(string name)
        {
            var arr = Read(name);
            int bad = Array.FindIndex(arr, x => x < 1);
            if (bad >= 0) throw new GloVeVException($"{path}: checkpoint tensor '{name}' holds {arr[bad]} at entry {bad}, but AdaGrad's sums start at 1 and only grow; the checkpoint is damaged");
            return arr;
        }
        // Costs of the part already done; a checkpoint of an earlier version did not keep them (NaN: not known).
        double[] History(string key, int count)
        {
            var costs = f.Metadata.TryGetValue(key, out var h) && h.Length > 0
                ? h.Split(',').Select(s => double.TryParse(s, NumberStyles.Float, Inv, out var c) ? c : double.NaN).ToArray() : [];
            return costs.Length == count ? costs : Enumerable.Repeat(double.NaN, count).ToArray();
        }
        var carried = f.Metadata.Where(kv => kv.Key.StartsWith(CarryPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[CarryPrefix.Length..], kv => kv.Value);
        return new TrainingCheckpoint(p, Sums("center_gradsq"), Sums("context_gradsq"), Sums("center_bias_gradsq"), Sums("context_bias_gradsq"), done, als, ridge)
        {
            CostHistory = History("cost_history", done), AlsCostHistory = History("als_cost_history", als), Carried = carried,
        };
    }

    /// <summary>ALS sweeps a checkpoint records as done (0 for an AdaGrad checkpoint or a missing file).</summary>
    public static int AlsSweepsIn(string path)
    {
        if (!File.Exists(path)) return 0;
        using var f = new SafeTensorsFile(path);
        return f.Metadata.TryGetValue("als_sweeps_done", out var a) && int.TryParse(a, out int n) && n > 0 ? n : 0;
    }

    /// <summary>A checkpoint taken during ALS: the parameters, fresh accumulators (AdaGrad is over) and the counts.</summary>
    public static TrainingCheckpoint ForAls(GloVeParameters p, int epochsDone, int sweepsDone, double ridge)
    {
        float[] Ones(long n) { var a = new float[n]; Array.Fill(a, 1f); return a; }
        long vd = (long)p.VocabSize * p.Dim;
        return new TrainingCheckpoint(p, Ones(vd), Ones(vd), Ones(p.VocabSize), Ones(p.VocabSize), epochsDone, sweepsDone, ridge);
    }
}
