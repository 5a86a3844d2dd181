using GloVeV.IO;

namespace GloVeV.Training;

/// <summary>
/// The four trained parameter blocks GloVe-V needs: centre vectors W [V,D], context vectors C [V,D], centre
/// biases b [V] and context biases c~ [V]. Stored row-major, float32, as in <c>params.safetensors</c>.
/// </summary>
public sealed class GloVeParameters
{
    public int VocabSize { get; }
    public int Dim { get; }
    public float[] Center { get; }
    public float[] Context { get; }
    public float[] CenterBias { get; }
    public float[] ContextBias { get; }
    public Dictionary<string, string> Metadata { get; } = new();

    public GloVeParameters(int vocabSize, int dim, float[] center, float[] context, float[] centerBias, float[] contextBias)
    {
        if (center.Length != (long)vocabSize * dim || context.Length != (long)vocabSize * dim || centerBias.Length != vocabSize || contextBias.Length != vocabSize)
            throw new GloVeVException($"parameter shapes do not match V={vocabSize}, D={dim}");
        VocabSize = vocabSize; Dim = dim; Center = center; Context = context; CenterBias = centerBias; ContextBias = contextBias;
    }

    public ReadOnlySpan<float> CenterRow(int i) => Center.AsSpan(i * Dim, Dim);

    /// <summary>A numeric metadata entry (x_max, alpha, ridge, ...), or <paramref name="fallback"/> when absent or not a number.</summary>
    public double MetaNumber(string key, double fallback) =>
        Metadata.TryGetValue(key, out var s) && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
    public ReadOnlySpan<float> ContextRow(int i) => Context.AsSpan(i * Dim, Dim);

    public const string ParamsFile = "params.safetensors";
    public const string VectorsFile = "vectors.safetensors";

    public void Save(string path)
    {
        long v = VocabSize, d = Dim;
        SafeTensorsWriter.WriteAll(path, [
            (new TensorSpec("center_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(Center)),
            (new TensorSpec("context_vectors", TensorDType.F32, [v, d]), w => w.Write<float>(Context)),
            (new TensorSpec("center_bias", TensorDType.F32, [v]), w => w.Write<float>(CenterBias)),
            (new TensorSpec("context_bias", TensorDType.F32, [v]), w => w.Write<float>(ContextBias)),
        ], Metadata);
    }

    /// <summary>The GloVe-V authors' data product: <c>vectors.safetensors</c> with the centre vectors only.</summary>
    public void SaveVectors(string path) =>
        SafeTensorsWriter.WriteAll(path, [(new TensorSpec("center_vectors", TensorDType.F32, [VocabSize, Dim]), w => w.Write<float>(Center))],
            VectorsMetadata());

    Dictionary<string, string> VectorsMetadata()
    {
        var m = new Dictionary<string, string> { ["vocab_size"] = VocabSize.ToString(), ["dim"] = Dim.ToString() };
        foreach (var k in new[] { "vocab_hash", "params_id" }) if (Metadata.TryGetValue(k, out var v)) m[k] = v;
        // A bootstrap replicate says what it is (DocumentBootstrap).
        foreach (var kv in Metadata) if (kv.Key.StartsWith("bootstrap_", StringComparison.Ordinal)) m[kv.Key] = kv.Value;
        return m;
    }

    public static GloVeParameters Load(string path)
    {
        using var f = new SafeTensorsFile(path);
        var e = f.Expect("center_vectors", [-1, -1], TensorDType.F32, TensorDType.F64);
        int v = checked((int)e.Shape[0]), d = checked((int)e.Shape[1]);
        f.Expect("context_vectors", [v, d], TensorDType.F32, TensorDType.F64);
        f.Expect("center_bias", [v], TensorDType.F32, TensorDType.F64);
        f.Expect("context_bias", [v], TensorDType.F32, TensorDType.F64);
        var p = new GloVeParameters(v, d, f.ReadFloats("center_vectors"), f.ReadFloats("context_vectors"), f.ReadFloats("center_bias"), f.ReadFloats("context_bias"));
        foreach (var kv in f.Metadata) p.Metadata[kv.Key] = kv.Value;
        foreach (var arr in new[] { p.Center, p.Context, p.CenterBias, p.ContextBias })
            if (arr.Any(x => !float.IsFinite(x))) throw new GloVeVException($"{path}: parameters contain NaN or infinity");
        return p;
    }
}
