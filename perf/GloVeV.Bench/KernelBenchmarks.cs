using BenchmarkDotNet.Attributes;
using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;

namespace GloVeV.Bench;

/// <summary>Shared inputs: the repository's small test corpus, counted and trained once per process.</summary>
static class Inputs
{
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "glovev-bench-inputs");
    public static string Corpus => Path.Combine(Repo.Root, "tests", "data", "sotu_small.txt");
    static readonly Lazy<(Vocabulary, string)> Counted = new(() =>
    {
        Directory.CreateDirectory(Root);
        var v = VocabularyBuilder.Build(Corpus, new VocabularyOptions { MinCount = 5 }).Vocabulary;
        v.Save(Path.Combine(Root, "vocab.txt"));
        CooccurrenceCounter.Count(Corpus, v, Path.Combine(Root, "cooc"), new CooccurrenceOptions { Window = 10 });
        return (v, Path.Combine(Root, "cooc"));
    });
    public static Vocabulary Vocab => Counted.Value.Item1;
    public static string Cooc => Counted.Value.Item2;

    public static string Model(int dim)
    {
        var dir = Path.Combine(Root, $"model{dim}");
        if (!File.Exists(Path.Combine(dir, "params.safetensors")))
            ModelTraining.Train(Cooc, Path.Combine(Root, "vocab.txt"), dir, new TrainingOptions { Dim = dim, Epochs = 3, Threads = 2 });
        return dir;
    }
}

static class Repo
{
    public static string Root
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "Native.sln"))) d = d.Parent;
            return d?.FullName ?? Directory.GetCurrentDirectory();
        }
    }
}

[MemoryDiagnoser]
public class CooccurrenceBenchmarks
{
    [Params(1, 2)] public int Threads;
    string _out = "";
    [GlobalSetup] public void Setup() { _ = Inputs.Vocab; _out = Path.Combine(Inputs.Root, "bench-cooc"); }
    [Benchmark] public long Count() => CooccurrenceCounter.Count(Inputs.Corpus, Inputs.Vocab, _out, new CooccurrenceOptions { Threads = Threads, Window = 10 }).NonZeros;
    [Benchmark(Baseline = true)] public long DictionaryBaseline() => Baselines.CountWithDictionary(Inputs.Corpus, Inputs.Vocab, TokenizerOptions.GloVeC, 10).NonZeros;
}

public class TrainingBenchmarks
{
    [Params(50, 100, 300)] public int Dim;
    CsrMatrix? _x;
    GloVeTrainer? _t1;
    [GlobalSetup] public void Setup() { _x = CsrMatrix.OpenDirectory(Inputs.Cooc, Inputs.Vocab.Count); _t1 = new GloVeTrainer(_x, new TrainingOptions { Dim = Dim, Epochs = 1, Threads = 1 }); }
    [Benchmark] public int SimdEpochOneThread() => _t1!.Run().Epochs.Count;
    [Benchmark(Baseline = true)] public double ScalarGloVeCEpoch() => ScalarReferenceTrainer.Train(_x!, Dim, 1)[0];
    [GlobalCleanup] public void Cleanup() => _x?.Dispose();
}

public class VarianceBenchmarks
{
    [Params(50, 100)] public int Dim;
    string _model = "";
    [GlobalSetup] public void Setup() => _model = Inputs.Model(Dim);
    [Benchmark] public int AllWordsTwoThreads() => VarianceEngine.Run(_model, Inputs.Cooc, Path.Combine(Inputs.Root, $"var{Dim}"), new VarianceOptions { Threads = 2, ApproxTarget = 0 }).WordsWithVariance;
}

public class QueryBenchmarks
{
    GloVeModel? _m;
    Propagation? _p;
    [GlobalSetup]
    public void Setup()
    {
        var dir = Inputs.Model(50);
        if (!Directory.Exists(Path.Combine(dir, "variances"))) VarianceEngine.Run(dir, Inputs.Cooc, null, new VarianceOptions { Threads = 2 });
        _m = GloVeModel.Load(dir);
        _p = new Propagation(_m);
    }
    [Benchmark] public double DeltaCosine() => SimilarityQueries.Similarity(_p!, "war", "peace").Interval.Sd;
    [Benchmark] public int TopTenNeighboursWithIntervals() => Neighbours.Query(_p!, "war", 10, IntervalMethod.Delta, 0.95, 200, 1).Neighbours.Count;
    [GlobalCleanup] public void Cleanup() => _m?.Dispose();
}

/// <summary>A benchmark small enough for CI's smoke run.</summary>
public class SmokeBenchmark
{
    double[] _a = [];
    [GlobalSetup] public void Setup() { _a = new double[64 * 64]; for (int i = 0; i < 64; i++) _a[i * 64 + i] = 2 + i; }
    [Benchmark] public double SpdInverse64() => GloVeV.Native.DenseLinearAlgebra.InverseSpd(_a, 64)[0];
}
