using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Variance;

namespace GloVeV.Inference;

/// <summary>
/// A trained model opened for questions: vocabulary, centre vectors and (when present) the GloVe-V covariances.
/// Opens our model folders and the GloVe-V authors' downloads (<c>vocab.txt</c>, <c>vectors.safetensors</c>,
/// variance files). Vectors are held in memory; covariances are memory-mapped and read on demand.
/// Thread-safe for concurrent queries.
/// </summary>
public sealed class GloVeModel : IDisposable
{
    public Vocabulary Vocabulary { get; }
    public int Dim { get; }
    public int VocabSize => Vocabulary.Count;
    public float[] Vectors { get; }
    public VarianceStore? Variances { get; }
    public string Directory { get; }
    float[]? _unit;
    // Keyed by the form too: a session that asks for compact and complete covariances of one word needs both factors.
    readonly Dictionary<(int Id, bool Approximate), double[]?> _factorCache = new();
    readonly object _gate = new();

    public GloVeModel(Vocabulary vocab, float[] vectors, int dim, VarianceStore? variances, string directory = "")
    {
        if (vectors.Length != (long)vocab.Count * dim) throw new GloVeVException($"vectors have {vectors.Length} values, expected {vocab.Count} x {dim}");
        Vocabulary = vocab; Vectors = vectors; Dim = dim; Variances = variances; Directory = directory;
        if (variances != null && variances.Dim != 0 && variances.Dim != dim)
            throw new GloVeVException($"{variances.Directory}: covariances are {variances.Dim} x {variances.Dim} but vectors have D={dim}");
    }

    public static GloVeModel Load(string dir, string? varianceDir = null)
    {
        if (!System.IO.Directory.Exists(dir)) throw new MissingFileException($"{dir}: model folder not found");
        var vocab = Vocabulary.Load(Path.Combine(dir, "vocab.txt"));
        string file = File.Exists(Path.Combine(dir, "params.safetensors")) ? Path.Combine(dir, "params.safetensors") : Path.Combine(dir, "vectors.safetensors");
        if (!File.Exists(file)) throw new MissingFileException($"{dir}: neither params.safetensors nor vectors.safetensors found");
        using var f = new SafeTensorsFile(file);
        // Only the centre vectors are the word vectors GloVe-V's covariances describe: no fallback to another tensor.
        if (!f.Contains("center_vectors"))
            throw new GloVeVException($"{file}: no tensor 'center_vectors' (has {string.Join(", ", f.Tensors.Keys.Order().Select(k => $"'{k}'"))}); the word vectors must be stored under that name");
        var name = "center_vectors";
        var e = f.Expect(name, [vocab.Count, -1], TensorDType.F32, TensorDType.F64);
        var vectors = f.ReadFloats(name);
        VarianceStore? store = null;
        AtomicDirectory.Recover(varianceDir ?? Path.Combine(dir, "variances")); // finish a swap a killed run left
        varianceDir ??= System.IO.Directory.Exists(Path.Combine(dir, "variances")) ? Path.Combine(dir, "variances")
            : File.Exists(Path.Combine(dir, "chunk_map.txt")) || File.Exists(Path.Combine(dir, "CompleteVariances.safetensors")) ? dir : null;
        Provenance.CheckModel(file, f.Metadata, vocab, Path.Combine(dir, "vocab.txt"), varianceDir);
        if (varianceDir != null)
        {
            store = new VarianceStore(varianceDir);
            store.CheckWords(vocab);
            // Covariances computed with --refine are centred on the WLS vectors: use those as the point estimates.
            var wls = Path.Combine(varianceDir, Variance.VarianceEngine.WlsVectorsFile);
            if (File.Exists(wls))
            {
                using var wf = new SafeTensorsFile(wls);
                wf.Expect("center_vectors", [vocab.Count, e.Shape[1]], TensorDType.F64, TensorDType.F32);
                vectors = wf.ReadFloats("center_vectors");
            }
        }
        // A NaN or infinite component (a damaged file) would pass through every query as a number.
        int bad = Array.FindIndex(vectors, x => !float.IsFinite(x));
        if (bad >= 0)
            throw new GloVeVException($"{file}: the vector of '{vocab[bad / (int)e.Shape[1]]}' has a non-finite component ({vectors[bad]}); the file is damaged");
        // The ridge the model was trained with, which the variance stage takes from these parameters: the covariances'
        // own record of it (variance_summary.json) is preferred, this stands in where that record is missing.
        double ridge = f.Metadata.TryGetValue("ridge", out var rs) && double.TryParse(rs, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var rv) && double.IsFinite(rv) && rv >= 0 ? rv : 0;
        return new GloVeModel(vocab, vectors, (int)e.Shape[1], store, dir) { TrainedRidge = ridge };
    }

    /// <summary>The ridge λ recorded in the model's parameters (0 when none is recorded).</summary>
    public double TrainedRidge { get; init; }

    public int IdOf(string word) => Vocabulary.IdOf(word);

    IReadOnlyList<string>? _premise;

    /// <summary>What the variance stage found about GloVe-V's premise for this model (the <c>warnings</c> of
    /// <c>variance_summary.json</c>: words off their WLS optimum, an unconverged model, pseudo-inverses); empty when it
    /// found nothing or the model has no variances. Every front door shows these when a model is opened.</summary>
    public IReadOnlyList<string> PremiseWarnings => _premise ??= ReadPremiseWarnings();

    IReadOnlyList<string> ReadPremiseWarnings()
    {
        if (Variances == null) return [];
        var path = Path.Combine(Variances.Directory, "variance_summary.json");
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("warnings", out var w) || w.ValueKind != System.Text.Json.JsonValueKind.Array) return [];
            return w.EnumerateArray().Where(x => x.ValueKind == System.Text.Json.JsonValueKind.String).Select(x => x.GetString()!).ToArray();
        }
        catch (System.Text.Json.JsonException e) { throw new GloVeVException($"{path}: not valid JSON ({e.Message})"); }
    }

    public double[] Vector(int id)
    {
        var r = new double[Dim];
        for (int q = 0; q < Dim; q++) r[q] = Vectors[(long)id * Dim + q];
        return r;
    }

    public double[] Vector(string word) => Vector(IdOf(word));

    public bool HasCovariance(int id) => Variances?.Has(id) ?? false;

    public double[] Covariance(int id, bool approximate = false)
    {
        if (Variances == null) throw new GloVeVException($"model {Directory} has no GloVe-V variances (run 'glovev variance')");
        CheckCompactForms(approximate);
        var c = Variances.Covariance(id, Vocabulary[id], approximate);
        if (c.Length != Dim * Dim) throw new GloVeVException($"covariance of '{Vocabulary[id]}' is not {Dim} x {Dim}");
        return c;
    }

    public double[] Covariance(string word, bool approximate = false) => Covariance(IdOf(word), approximate);

    /// <summary>Refuses compact covariances asked of a variance folder that holds none (every query, the covariance
    /// getter and <c>show</c>): the answer would silently be the complete ones'.</summary>
    public void CheckCompactForms(bool approximate)
    {
        if (approximate && Variances is { HasApprox: false } v)
            throw new GloVeVException($"{GloVeVException.Setting("approximate")}: {v.Directory} holds no compact covariances (computed without a compact target); leave it out, or recompute the variances with one");
    }

    ReliabilityTable? _reliability;
    /// <summary>Per-word reliability (variance_info.tsv, read once per model: every query of a loaded model shares it).</summary>
    public ReliabilityTable ReliabilityTable
    {
        get
        {
            if (_reliability != null) return _reliability;
            lock (_gate) return _reliability ??= new ReliabilityTable(this);
        }
    }

    /// <summary>Unit-length vectors for neighbour search (computed once).</summary>
    public float[] UnitVectors()
    {
        if (_unit != null) return _unit;
        lock (_gate)
        {
            if (_unit != null) return _unit;
            var u = new float[Vectors.Length];
            for (int i = 0; i < VocabSize; i++)
            {
                double n = 0;
                for (int q = 0; q < Dim; q++) { double x = Vectors[(long)i * Dim + q]; n += x * x; }
                float inv = n > 0 ? (float)(1 / Math.Sqrt(n)) : 0;
                for (int q = 0; q < Dim; q++) u[(long)i * Dim + q] = Vectors[(long)i * Dim + q] * inv;
            }
            return _unit = u;
        }
    }

    /// <summary>A factor L with L L^T = Sigma_i for sampling (Cholesky, or eigen square root when only PSD);
    /// null when the word has no covariance (it is then held fixed). Cached per word and form.</summary>
    public double[]? SamplingFactor(int id, bool approximate = false)
    {
        lock (_gate) if (_factorCache.TryGetValue((id, approximate), out var cached)) return cached;
        double[]? l = null;
        if (HasCovariance(id)) l = CovarianceMath.SquareRoot(Covariance(id, approximate), Dim);
        lock (_gate) _factorCache[(id, approximate)] = l;
        return l;
    }

    public void Dispose() => Variances?.Dispose();
}
