using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using GloVeV.Bench;
using static GloVeV.Bench.InProcessTiming;
using GloVeV.Cooccurrence;
using GloVeV.Text;

// Modes: bdn [args] (BenchmarkDotNet suites), smoke (one tiny benchmark, dry job), and the in-process baselines that
// perf/stages.py calls: baseline-cooccur, baseline-train, dgemm; compact and compact-loop (the compact covariance choice,
// the latter alone and repeated, for a profiler).
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
    case "compact-loop":
    {
        // compact-loop CHUNK_DIR PASSES [TARGET=0.9] [WORDS=300]: only the compact choice, PASSES times over the first WORDS
        // covariances of each chunk (for profilers); prints ms a word.
        int passes = int.Parse(args[2], inv), lper = args.Length > 4 ? int.Parse(args[4], inv) : 300;
        double ltarget = args.Length > 3 ? double.Parse(args[3], inv) : 0.9;
        var lmats = CompleteCovariances(Directory.GetFiles(args[1], "completechunk_*.safetensors").Order().ToArray(), lper, out int ld);
        var lsw = System.Diagnostics.Stopwatch.StartNew();
        for (int pass = 0; pass < passes; pass++)
            foreach (var m in lmats) GloVeV.Variance.CompactCovariance.Choose(m, ld, ltarget);
        Console.WriteLine((lsw.Elapsed.TotalMilliseconds / passes / lmats.Count).ToString("F4", inv) + " ms a word");
        return 0;
    }
    case "compact":
    {
        // compact CHUNK|VARIANCE_DIR [TARGET=0.9] [WORDS=500]: per-word cost of choosing the compact covariance form (the
        // first WORDS covariances of each complete chunk; 0 = all), median of 3 passes, against a full eigen-decomposition
        // (dsyev, eigenvectors) of up to 500 of the same matrices in the same process; and how far each chosen rank is
        // above the smallest rank that keeps the target, from the exact eigenvalues (dsyevr).
        var files = Directory.Exists(args[1]) ? Directory.GetFiles(args[1], "completechunk_*.safetensors").Order().ToArray() : [args[1]];
        double target = args.Length > 2 ? double.Parse(args[2], inv) : 0.9;
        int per = args.Length > 3 ? int.Parse(args[3], inv) : 500;
        var mats = CompleteCovariances(files, per, out int d);
        double Pass(int count, Action<int> one)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (int l = 0; l < count; l++) one(l);
            return sw.Elapsed.TotalMilliseconds / count;
        }
        double Median3(Func<double> pass) { var t = Enumerable.Range(0, 3).Select(_ => pass()).Order().ToArray(); return t[1]; }
        var forms = new GloVeV.Variance.CompactCovariance[mats.Count];
        double choose = Median3(() => Pass(mats.Count, l => forms[l] = GloVeV.Variance.CompactCovariance.Choose(mats[l], d, target)));
        double full = Median3(() => Pass(Math.Min(500, mats.Count), l =>
        {
            var a = (double[])mats[l].Clone(); var w = new double[d];
            unsafe { fixed (double* pa = a, pw = w) GloVeV.Native.DenseLinearAlgebra.SymmetricEigen(pa, d, pw); }
        }));
        // Rank above the exact minimum, for the rank-r forms.
        long svd = 0, firstPass = 0, excessSum = 0, excessMax = 0;
        for (int l = 0; l < mats.Count; l++)
        {
            var c = forms[l];
            if (c.Form != GloVeV.Variance.CompactForm.Svd) continue;
            var a = (double[])mats[l].Clone(); var w = new double[d];
            unsafe { fixed (double* pa = a, pw = w) GloVeV.Native.DenseLinearAlgebra.SymmetricEigenTop(pa, d, d, pw, null); }
            double fro2 = mats[l].Sum(x => x * x), got = 0;
            int r = 0;
            while (r < d && Math.Sqrt(got / fro2) < target) { got += w[d - 1 - r] * w[d - 1 - r]; r++; }
            svd++;
            if (c.RitzPass == 1) firstPass++;
            excessSum += c.Rank - r;
            excessMax = Math.Max(excessMax, c.Rank - r);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["dim"] = d, ["words"] = mats.Count, ["choose_ms"] = choose, ["dsyev_ms"] = full, ["ratio"] = full / choose,
            ["diagonal"] = forms.Count(c => c.Form == GloVeV.Variance.CompactForm.Diagonal), ["svd"] = svd,
            ["complete"] = forms.Count(c => c.Form == GloVeV.Variance.CompactForm.Complete), ["svd_first_pass"] = firstPass,
            ["rank_excess_mean"] = svd == 0 ? 0 : (double)excessSum / svd, ["rank_excess_max"] = excessMax,
        }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "dgemm":
    {
        double g = Baselines.DgemmGflops(int.Parse(args[1], inv), int.Parse(args[2], inv));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["gflops"] = g }, BenchJson.Default.DictionaryStringDouble));
        return 0;
    }
    case "neighbours":
    {
        // neighbours MODEL WORD[,WORD...] [REPS=5] [DRAWS=1000] [CAP=default]: in-process latency of top-10 neighbours with
        // P(top k) over the whole vocabulary, per method, against the plug-in top-10 (no uncertainty) as the baseline.
        using var m = GloVeV.Inference.GloVeModel.Load(args[1]);
        var p = new GloVeV.Inference.Propagation(m, holdFixed: true);
        int reps = args.Length > 3 ? int.Parse(args[3], inv) : 5, draws = args.Length > 4 ? int.Parse(args[4], inv) : 1000;
        int cap = args.Length > 5 ? int.Parse(args[5], inv) : GloVeV.Inference.NeighbourDefaults.MaxCandidates;
        Console.WriteLine($"vocabulary {m.VocabSize}, dim {m.Dim}, {draws} draws, {Environment.ProcessorCount} threads, candidate cap {cap}");
        Console.WriteLine("word            method       median ms   plug-in ms   ratio  candidates  omitted<=");
        foreach (var word in args[2].Split(','))
        {
            int id = m.IdOf(word);
            double basis = Median(Time(Math.Max(reps, 20), () => GloVeV.Inference.Neighbours.TopK(m, id, 10)));
            foreach (var method in new[] { GloVeV.Inference.IntervalMethod.Sample, GloVeV.Inference.IntervalMethod.Calibrated })
            {
                GloVeV.Inference.NeighbourResult? r = null;
                double ms = Median(Time(reps, () => r = GloVeV.Inference.Neighbours.Query(p, word, 10, method, 0.95, draws, 1, maxCandidates: cap)));
                Console.WriteLine(string.Create(inv, $"{word,-15} {method,-11} {ms,10:F1} {basis,12:F2} {ms / basis,7:F0} {r!.Candidates,11} {r.OmittedBound,10:G3}"));
            }
        }
        return 0;
    }
    case "calibrated":
    {
        // calibrated [D=100] [DRAWS=1000] [REPS=21] [WORDS=0]: median ms of one calibrated interval of a cosine (2 words) and
        // of a difference of cosines sharing a word (3 words), random SPD covariances, in process, against the delta
        // method's; WORDS > 3 adds a sum of WORDS - 1 cosines with one word (WORDS slots, as a long WEAT list has).
        int d = args.Length > 1 ? int.Parse(args[1], inv) : 100;
        int draws = args.Length > 2 ? int.Parse(args[2], inv) : GloVeV.Inference.IntervalDefaults.Samples;
        int reps = args.Length > 3 ? int.Parse(args[3], inv) : 21;
        int words = args.Length > 4 ? int.Parse(args[4], inv) : 0;
        var rng = new Random(7);
        double[] Vec() => Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] Spd()
        {
            var a = Vec().Concat(Enumerable.Range(1, d - 1).SelectMany(_ => Vec())).ToArray();
            var c = new double[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) { double t = 0; for (int k = 0; k < d; k++) t += a[i * d + k] * a[j * d + k]; c[i * d + j] = t * 0.2 / (d * d) + (i == j ? 1e-3 : 0); }
            return c;
        }
        int slots = Math.Max(3, words);
        var v = Enumerable.Range(0, slots).Select(_ => Vec()).ToArray();
        var cov = Enumerable.Range(0, slots).Select(_ => Spd()).ToArray();
        var l = cov.Select(c => (double[]?)GloVeV.Inference.CovarianceMath.SquareRoot(c, d)).ToArray();
        var covN = cov.Select(c => (double[]?)c).ToArray();
        var pair = GloVeV.Inference.Statistic.Cosine(0, 1);
        var diff = GloVeV.Inference.Statistic.Cosine(0, 1) - GloVeV.Inference.Statistic.Cosine(0, 2);
        // Warm-up for the JIT's tiers, so neither row is timed on first-tier code.
        for (int i = 0; i < 30; i++)
        {
            GloVeV.Inference.IntervalEngine.Calibrated(pair, v.Take(2).ToArray(), covN.Take(2).ToArray(), l.Take(2).ToArray(), [100, 100], 0.95, 200, 1);
            GloVeV.Inference.IntervalEngine.Calibrated(diff, v.Take(3).ToArray(), covN.Take(3).ToArray(), l.Take(3).ToArray(), [100, 100, 100], 0.95, 200, 1);
        }
        Console.WriteLine($"D = {d}, {draws} draws, medians of {reps}");
        var cases = new List<(string, GloVeV.Inference.Statistic, int)> { ("cosine", pair, 2), ("difference", diff, 3) };
        if (words > 3)
            cases.Add(($"{words} words", GloVeV.Inference.Statistic.Lin(Enumerable.Range(1, words - 1).Select(k => (1.0, GloVeV.Inference.Statistic.Cosine(0, k))).ToArray()), words));
        foreach (var (name, stat, n) in cases)
        {
            var vs = v.Take(n).ToArray(); var cs = covN.Take(n).ToArray(); var ls = l.Take(n).ToArray(); var dof = Enumerable.Repeat(100.0, n).ToArray();
            double delta = Median(Time(reps, () => GloVeV.Inference.IntervalEngine.Delta(stat, vs, cs, 0.95)));
            double cal = Median(Time(reps, () => GloVeV.Inference.IntervalEngine.Calibrated(stat, vs, cs, ls, dof, 0.95, draws, 1)));
            Console.WriteLine(string.Create(inv, $"{name,-11} calibrated {cal,9:F2} ms   delta {delta,8:F4} ms   ratio {cal / delta,8:F0}"));
        }
        return 0;
    }
    case "coverage":
    {
        // coverage [REPS=1000] [DRAWS=1000] [METHODS=delta,sample,calibrated] [CONTEXTS=120,25] [RHOS=0.1,0.5,0.9] [NRS=0.1,0.5,1,2]
        // [POPULATION=200:0]: the exact-model coverage grid of README's "Intervals" table (D = 20; rho x NR; |K| - D = 100 and 5);
        // POPULATION = WORDS:SPREAD[:OFFSET], the model's other words for the calibrated method's variance prior (0:0 = none).
        int reps = args.Length > 1 ? int.Parse(args[1], inv) : 1000;
        int draws = args.Length > 2 ? int.Parse(args[2], inv) : GloVeV.Inference.IntervalDefaults.Samples;
        var methods = (args.Length > 3 ? args[3] : "delta,sample,calibrated").Split(',').Select(GloVeV.Inference.Interval.ParseMethod).ToArray();
        var contexts = (args.Length > 4 ? args[4] : "120,25").Split(',').Select(x => int.Parse(x, inv)).ToArray();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"exact-model coverage study: D = 20, |K| in {{{string.Join(", ", contexts)}}}, {reps} replications per cell, {draws} draws, nominal 95%");
        Console.WriteLine("per method: coverage of cos(a,b) (not identifiable counts as covering) / share not identifiable / median width / rejection rate of the true null cos(a,b) = cos(a,c)");
        double[]? rhos = args.Length > 5 ? args[5].Split(',').Select(x => double.Parse(x, inv)).ToArray() : null;
        double[]? nrs = args.Length > 6 ? args[6].Split(',').Select(x => double.Parse(x, inv)).ToArray() : null;
        var population = args.Length > 7 ? Population(args[7]) : GloVeV.Inference.NoisePopulation.Shared;
        Console.WriteLine($"calibrated: sigma^2 prior from {population.Label}");
        GloVeV.Inference.CoverageStudy.Table(20, contexts, reps, 20261202, methods, draws, Console.WriteLine, rhos, nrs, population);
        Console.WriteLine($"({sw.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }
    case "bias-coverage":
    {
        // bias-coverage [REPS=500] [DRAWS=1000] [METHODS=delta,sample,calibrated] [CONTEXTS=120,25] [NRS=0.1,0.5,1,2] [POPULATION=200:0]: exact-model
        // coverage of the WEAT effect size and RND, and the rejection rate of the true-null difference of two list sets.
        int reps = args.Length > 1 ? int.Parse(args[1], inv) : 500;
        int draws = args.Length > 2 ? int.Parse(args[2], inv) : GloVeV.Inference.IntervalDefaults.Samples;
        var methods = (args.Length > 3 ? args[3] : "delta,sample,calibrated").Split(',').Select(GloVeV.Inference.Interval.ParseMethod).ToArray();
        var contexts = (args.Length > 4 ? args[4] : "120,25").Split(',').Select(x => int.Parse(x, inv)).ToArray();
        var nrs = (args.Length > 5 ? args[5] : "0.1,0.5,1,2").Split(',').Select(x => double.Parse(x, inv)).ToArray();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"exact-model bias-score coverage: D = 20, |K| in {{{string.Join(", ", contexts)}}}, {reps} replications per cell, {draws} draws, nominal 95%");
        Console.WriteLine("per method: coverage of the true score (not identifiable counts as covering) / share not identifiable / median width / rejection rate of the true null score(lists) = score(lists')");
        var population = args.Length > 6 ? Population(args[6]) : GloVeV.Inference.NoisePopulation.Shared;
        Console.WriteLine($"calibrated: sigma^2 prior from {population.Label}");
        GloVeV.Evaluation.BiasCoverageStudy.Table(contexts, nrs, reps, 20261203, methods, draws, Console.WriteLine, population);
        Console.WriteLine($"({sw.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: GloVeV.Bench smoke | coverage [REPS] [DRAWS] [METHODS] [CONTEXTS] [RHOS] [NRS] [POPULATION] | bias-coverage [REPS] [DRAWS] [METHODS] [CONTEXTS] [NRS] [POPULATION] | bdn [BenchmarkDotNet args] | baseline-cooccur ... | baseline-train ... | dgemm N THREADS");
        return 2;
}

// WORDS:SPREAD[:OFFSET] (e.g. 200:0, 0:0 for none): the other words of the simulated model for the calibrated method's σ² prior.
static GloVeV.Inference.NoisePopulation Population(string arg)
{
    var p = arg.Split(':');
    return new GloVeV.Inference.NoisePopulation(int.Parse(p[0], CultureInfo.InvariantCulture), p.Length > 1 ? double.Parse(p[1], CultureInfo.InvariantCulture) : 0,
        p.Length > 2 ? double.Parse(p[2], CultureInfo.InvariantCulture) : 0);
}

// The first `per` covariances (0 = all) of each complete chunk file, each D x D; d receives D.
static List<double[]> CompleteCovariances(string[] files, int per, out int d)
{
    var mats = new List<double[]>();
    d = 0;
    foreach (var file in files)
    {
        using var f = new GloVeV.IO.SafeTensorsFile(file);
        var all = f.ReadDoubles("variances");
        int dd = d = (int)f.Entry("variances").Shape[1];
        int n = all.Length / (dd * dd);
        for (int l = 0; l < (per > 0 ? Math.Min(per, n) : n); l++) mats.Add(all.AsSpan(l * dd * dd, dd * dd).ToArray());
    }
    return mats;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, double>))]
partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;

