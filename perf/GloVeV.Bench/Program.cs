using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using GloVeV.Bench;
using GloVeV.Cooccurrence;
using GloVeV.Text;

// Modes: bdn [args] (BenchmarkDotNet suites), smoke (one tiny benchmark, dry job), and the in-process baselines that
// perf/stages.py calls: baseline-cooccur, baseline-train, dgemm.
var inv = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "smoke":
        var cfg = DefaultConfig.Instance.AddJob(Job.Dry).WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<SmokeBenchmark>(cfg);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    case "bdn":
        BenchmarkSwitcher.FromAssembly(typeof(Inputs).Assembly).Run(args.Skip(1).ToArray());
        return 0;
    case "baseline-cooccur":
    {
        // baseline-cooccur CORPUS VOCAB WINDOW LOWERCASE SPLIT
        var v = Vocabulary.Load(args[2]);
        var tok = new TokenizerOptions { Lowercase = args[4] == "1", SplitPunctuation = args[5] == "1" };
        var r = Baselines.CountWithDictionary(args[1], v, tok, int.Parse(args[3], inv));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["tokens"] = r.Tokens, ["nonzeros"] = r.NonZeros, ["seconds"] = r.Seconds }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "baseline-train":
    {
        // baseline-train COOC VOCAB DIM EPOCHS
        var v = Vocabulary.Load(args[2]);
        using var x = CsrMatrix.OpenDirectory(args[1], v.Count);
        double rate = Baselines.ScalarTrainingRate(x, int.Parse(args[3], inv), int.Parse(args[4], inv));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["entries_per_second"] = rate, ["nonzeros"] = x.NonZeros }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "scalar-train":
    {
        // scalar-train COOC VOCAB DIM EPOCHS OUT_DIR: GloVe C's loop (scalar, double) as a model folder, for quality comparisons.
        var v = Vocabulary.Load(args[2]);
        using var x = CsrMatrix.OpenDirectory(args[1], v.Count);
        var (costs, p) = GloVeV.Training.ScalarReferenceTrainer.TrainWithParameters(x, int.Parse(args[3], inv), int.Parse(args[4], inv));
        Directory.CreateDirectory(args[5]);
        p.Save(Path.Combine(args[5], "params.safetensors"));
        v.Save(Path.Combine(args[5], "vocab.txt"));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["final_cost"] = costs[^1] }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "dgemm":
    {
        double g = Baselines.DgemmGflops(int.Parse(args[1], inv), int.Parse(args[2], inv));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["gflops"] = g }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "coverage":
    {
        // coverage [REPS=1000] [DRAWS=1000] [METHODS=delta,sample,calibrated] [CONTEXTS=120,25] [RHOS=0.1,0.5,0.9] [NRS=0.1,0.5,1,2]: the exact-model coverage
        // grid of README's "Intervals" table (D = 20; rho x NR; |K| - D = 100 and 5).
        int reps = args.Length > 1 ? int.Parse(args[1], inv) : 1000;
        int draws = args.Length > 2 ? int.Parse(args[2], inv) : GloVeV.Inference.IntervalDefaults.Samples;
        var methods = (args.Length > 3 ? args[3] : "delta,sample,calibrated").Split(',').Select(GloVeV.Inference.Interval.ParseMethod).ToArray();
        var contexts = (args.Length > 4 ? args[4] : "120,25").Split(',').Select(x => int.Parse(x, inv)).ToArray();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"exact-model coverage study: D = 20, |K| in {{{string.Join(", ", contexts)}}}, {reps} replications per cell, {draws} draws, nominal 95%");
        Console.WriteLine("per method: coverage of cos(a,b) (not identifiable counts as covering) / share not identifiable / median width / rejection rate of the true null cos(a,b) = cos(a,c)");
        double[]? rhos = args.Length > 5 ? args[5].Split(',').Select(x => double.Parse(x, inv)).ToArray() : null;
        double[]? nrs = args.Length > 6 ? args[6].Split(',').Select(x => double.Parse(x, inv)).ToArray() : null;
        GloVeV.Inference.CoverageStudy.Table(20, contexts, reps, 20261202, methods, draws, Console.WriteLine, rhos, nrs);
        Console.WriteLine($"({sw.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: GloVeV.Bench smoke | coverage [REPS] [DRAWS] [METHODS] [CONTEXTS] | bdn [BenchmarkDotNet args] | baseline-cooccur ... | baseline-train ... | dgemm N THREADS");
        return 2;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, double>))]
partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
