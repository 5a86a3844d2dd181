using GloVeV.IO;

namespace GloVeV.Training;

/// <summary>Everything an AdaGrad run needs to continue: the four parameter blocks, their squared-gradient
/// accumulators and how many epochs are done. One format for every backend (unpadded, float32).</summary>
public sealed record TrainingCheckpoint(GloVeParameters Parameters, float[] CenterGradSq, float[] ContextGradSq,
    float[] CenterBiasGradSq, float[] ContextBiasGradSq, int EpochsDone, int AlsSweepsDone = 0, double? Ridge = null)
{
    public const string FileName = "checkpoint.safetensors";

    /// <summary>The hyper-parameters a resumed run must share with the run that wrote the checkpoint.</summary>
    public static Dictionary<string, string> HyperParameters(TrainingOptions o)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["dim"] = o.Dim.ToString(inv), ["eta"] = o.Eta.ToString("R", inv), ["x_max"] = o.XMax.ToString("R", inv),
            ["alpha"] = o.Alpha.ToString("R", inv), ["grad_clip"] = o.GradClip.ToString("R", inv), ["seed"] = o.Seed.ToString(inv),
            ["bias_eta"] = o.BiasEta is { } be ? be.ToString("R", inv) : "none",
        };
    }

    static readonly Dictionary<string, string> Flags = new()
    {
        ["dim"] = "--dim", ["eta"] = "--eta", ["x_max"] = "--x-max", ["alpha"] = "--alpha", ["grad_clip"] = "--grad-clip", ["seed"] = "--seed", ["bias_eta"] = "--bias-eta",
    };

    public void Save(string path, ulong seed, long nonZeros, string backend, TrainingOptions? options = null)
    {
        var p = Parameters;
        long v = p.VocabSize, d = p.Dim;
        SafeTensorsWriter.WriteAll(path, [
            (new TensorSpec("center_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(p.Center)),
            (new TensorSpec("context_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(p.Context)),
            (new TensorSpec("center_bias", TensorDType.F32, [v]), w => w.Write<float>(p.CenterBias)),
            (new TensorSpec("context_bias", TensorDType.F32, [v]), w => w.Write<float>(p.ContextBias)),
            (new TensorSpec("center_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(CenterGradSq)),
            (new TensorSpec("context_gradsq", TensorDType.F32, [v, d]), w => w.Write<float>(ContextGradSq)),
            (new TensorSpec("center_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(CenterBiasGradSq)),
            (new TensorSpec("context_bias_gradsq", TensorDType.F32, [v]), w => w.Write<float>(ContextBiasGradSq)),
        ], Meta());
        Dictionary<string, string> Meta()
        {
            var m = options != null ? HyperParameters(options) : new Dictionary<string, string>();
            m["epochs_done"] = EpochsDone.ToString(); m["seed"] = seed.ToString(); m["dim"] = d.ToString();
            m["vocab_size"] = v.ToString(); m["nnz"] = nonZeros.ToString(); m["backend"] = backend;
            m["als_sweeps_done"] = AlsSweepsDone.ToString();
            m["ridge"] = Ridge is { } r ? r.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "";
            return m;
        }
    }

    /// <summary>Loads and checks a checkpoint against the run it should continue.</summary>
    public static TrainingCheckpoint Load(string path, int vocabSize, int dim, long nonZeros, int epochs, TrainingOptions? options = null)
    {
        if (!File.Exists(path)) throw new GloVeVException($"resume: no checkpoint at {path}");
        using var f = new SafeTensorsFile(path);
        if (options != null)
        {
            // Resuming with another step size, seed or weighting is a different run: refuse rather than mix them.
            var diffs = HyperParameters(options).Where(kv => f.Metadata.TryGetValue(kv.Key, out var was) && was != kv.Value)
                .Select(kv => $"{Flags[kv.Key]} {kv.Value} (checkpoint: {f.Metadata[kv.Key]})").ToList();
            if (diffs.Count > 0)
                throw new GloVeVException($"resume: {path} was written with other hyper-parameters: {string.Join(", ", diffs)}; resume with the original values or train afresh without resuming");
        }
        long v = vocabSize, d = dim;
        f.Expect("center_vectors", [v, d], TensorDType.F32);
        if (!f.Metadata.TryGetValue("epochs_done", out var ed) || !int.TryParse(ed, out int done) || done < 0)
            throw new GloVeVException($"{path}: checkpoint lacks a valid epochs_done");
        if (f.Metadata.TryGetValue("nnz", out var nz) && nz != nonZeros.ToString())
            throw new GloVeVException($"{path}: checkpoint was made for a co-occurrence matrix with {nz} non-zeros, this one has {nonZeros}");
        if (done > epochs) throw new GloVeVException($"{path}: checkpoint has {done} epochs done, more than epochs {epochs}");
        f.Expect("context_vectors", [v, d], TensorDType.F32);
        f.Expect("center_gradsq", [v, d], TensorDType.F32);
        f.Expect("context_gradsq", [v, d], TensorDType.F32);
        foreach (var n in new[] { "center_bias", "context_bias", "center_bias_gradsq", "context_bias_gradsq" }) f.Expect(n, [v], TensorDType.F32);
        float[] Read(string name)
        {
            var a = f.ReadFloats(name);
            if (a.Any(x => !float.IsFinite(x))) throw new GloVeVException($"{path}: checkpoint tensor '{name}' contains NaN or infinity; cannot resume");
            return a;
        }
        var p = new GloVeParameters(vocabSize, dim, Read("center_vectors"), Read("context_vectors"), Read("center_bias"), Read("context_bias"));
        int als = f.Metadata.TryGetValue("als_sweeps_done", out var a) && int.TryParse(a, out int na) && na >= 0 ? na : 0;
        double? ridge = f.Metadata.TryGetValue("ridge", out var rs) && double.TryParse(rs, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rv) ? rv : null;
        // AdaGrad's sums start at 1 and only grow: a smaller one (a zeroed or damaged file) would resume with learning
        // rates of eta / sqrt(0).
        float[] Sums(string name)
        {
            var a = Read(name);
            int bad = Array.FindIndex(a, x => x < 1);
            if (bad >= 0) throw new GloVeVException($"{path}: checkpoint tensor '{name}' holds {a[bad]} at entry {bad}, but AdaGrad's sums start at 1 and only grow; the checkpoint is damaged");
            return a;
        }
        return new TrainingCheckpoint(p, Sums("center_gradsq"), Sums("context_gradsq"), Sums("center_bias_gradsq"), Sums("context_bias_gradsq"), done, als, ridge);
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
