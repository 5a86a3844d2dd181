using System.CommandLine;
using System.Diagnostics;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Inference;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using RunDefaults = GloVeV.Training.TrainingOptions.RunSchedule;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary><c>glovev run</c>: every stage with sensible defaults, then a short uncertainty-aware report.</summary>
static class RunCommand
{
    public static Command Create()
    {
        var corpus = Optional("--corpus", "Corpus file (default: the State of the Union corpus 1790-2021 built into glovev)");
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "glovev-out" };
        var dim = Int("--dim", "Vector size", RunDefaults.Dim);
        // GloVe-V needs every w_i at its WLS optimum: a short AdaGrad warm-up, then exact ALS sweeps with a small ridge.
        var schedule = new TrainingFlags(RunDefaults.Epochs.ToString(), RunDefaults.AlsSweeps, RunDefaults.Ridge);
        var minCount = Int("--min-count", "Vocabulary cut-off", 5);
        var window = Int("--window", "Context window", 10);
        var keepCase = Flag("--keep-case", "Do not lowercase");
        var keepPunct = Flag("--keep-punctuation", "Do not split punctuation off words");
        var words = new Option<string[]>("--report-word") { Description = "Words to report neighbours for (default: a few frequent content words); a word without a covariance is held fixed and flagged" };
        var threads = Threads(); var json = Json();
        var cmd = new Command("run", "Corpus -> vocabulary -> co-occurrence -> GloVe -> GloVe-V -> report")
            { corpus, output, dim, minCount, window, keepCase, keepPunct, words, threads, json };
        foreach (var f in schedule.All) cmd.Options.Add(f);
        cmd.SetAction(r => Guard(() =>
        {
            bool js = r.GetValue(json);
            var outDir = r.GetValue(output)!;
            // Every setting is checked before any stage runs or replaces an output.
            var to = schedule.Apply(r, new TrainingOptions { Dim = r.GetValue(dim), Threads = r.GetValue(threads) });
            to.Validate();
            new CooccurrenceOptions { Window = r.GetValue(window), Threads = r.GetValue(threads) }.Validate();
            if (r.GetValue(minCount) < 1) throw new GloVeVException($"--min-count must be at least 1, got {r.GetValue(minCount)}");
            var given = r.GetValue(corpus);
            if (given != null && !File.Exists(given)) throw new MissingFileException($"{given}: corpus file not found");
            // The run is one output: every stage writes into a staging folder beside --out, published as a whole at the
            // end, so a failed or killed run leaves the previous run's folder as it was (never one mixing two runs).
            // A folder holding other folders than a run's is refused before anything is computed.
            RefuseForeignContent(outDir, given);
            using var pub = AtomicDirectory.Begin(outDir, n => RunFiles.Contains(n), n => n is "cooccur" or "model");
            var stage = pub.Staging;
            using var embedded = given == null ? EmbeddedCorpus.Extract(stage) : null;
            var path = given ?? embedded!.Path;
            string corpusName = given ?? EmbeddedCorpus.Description;
            int t = r.GetValue(threads);
            var tok = new TokenizerOptions { Lowercase = !r.GetValue(keepCase), SplitPunctuation = !r.GetValue(keepPunct) };
            var timings = new List<(string Stage, double Seconds, string Output)>();
            var sw = Stopwatch.StartNew();
            var vocabPath = Path.Combine(stage, "vocab.txt");

            var vr = Output.Stage("vocab", js, _ => VocabularyBuilder.Build(path, new VocabularyOptions { MinCount = r.GetValue(minCount), Tokenizer = tok, Threads = t }));
            if (r.GetValue(words) is { Length: > 0 } asked) { try { vr.Vocabulary.IdsOf(asked); } catch (GloVeVException e) { throw new GloVeVException($"--report-word: {e.Message}; nothing was written"); } }
            vr.Vocabulary.Save(vocabPath);
            timings.Add(("vocab", sw.Elapsed.TotalSeconds, Path.Combine(outDir, "vocab.txt"))); sw.Restart();

            var coocDir = Path.Combine(stage, "cooccur");
            var cr = Output.Stage("cooccur", js, rep => CooccurrenceCounter.Count(path, vr.Vocabulary, coocDir,
                new CooccurrenceOptions { Window = r.GetValue(window), Tokenizer = tok, Threads = t, MemoryBytes = 2L << 30 }, (s, f) => rep(f, s)));
            timings.Add(("cooccur", sw.Elapsed.TotalSeconds, Path.Combine(outDir, "cooccur"))); sw.Restart();
            // GloVe-V gives a covariance only to words with more distinct contexts than dimensions: a corpus too small for
            // --dim has nothing to report, so say it now rather than after training (and publish nothing).
            if (MaxContexts(coocDir, vr.Vocabulary.Count) is var most && most <= to.Dim)
                throw new GloVeVException($"no word has more than --dim {to.Dim} distinct contexts (the most any word has is {most}), so no word could have a GloVe-V covariance: use a larger corpus or a smaller --dim; nothing was written");

            var modelDir = Path.Combine(stage, "model");
            var tr = Output.Stage("train", js, rep => ModelTraining.Train(coocDir, vocabPath, modelDir, to, false,
                e => rep((double)e.Epoch / e.Epochs, TrainingFlags.Describe(e)), onSweep: s => rep((double)s.Sweep / s.Sweeps, TrainingFlags.Describe(s)), onRidge: c => rep(0, TrainingFlags.Describe(c))));
            double finalCost = tr.Sweeps is { Count: > 0 } sweeps ? sweeps[^1].Cost : tr.Epochs[^1].Cost;
            timings.Add(("train", sw.Elapsed.TotalSeconds, Path.Combine(outDir, "model"))); sw.Restart();

            var vs = Output.Stage("variance", js, rep => VarianceEngine.Run(modelDir, coocDir, null, new VarianceOptions { Threads = t }, (f, g) => rep(f, $"{g:F1} GFLOP/s")));
            // (A safety net: the check above makes this unreachable unless the variance stage changes what it counts.)
            if (vs.WordsWithVariance == 0)
                throw new GloVeVException("no word got a GloVe-V covariance, so there is nothing to report; nothing was written");
            timings.Add(("variance", sw.Elapsed.TotalSeconds, Path.Combine(outDir, "model", "variances"))); sw.Restart();
            Plots.VarianceVersusFrequency(Path.Combine(vs.OutDir, "variance_info.tsv"), vocabPath, Path.Combine(stage, PlotFile));

            List<NeighbourResult> reports;
            using (var model = GloVeModel.Load(modelDir))
            {
                // A word without a covariance is held fixed (a --report-word may be rare) and every result built on one is
                // flagged in the table and warned about, as with `similar --hold-fixed`.
                var prop = new Propagation(model, holdFixed: true);
                var reportWords = r.GetValue(words) is { Length: > 0 } rw ? rw : PickWords(model);
                // The same defaults as `similar` (method, level, draws, seed), so the report's numbers are the ones a query gives.
                reports = reportWords.Select(w => Neighbours.Query(prop, w, 5, IntervalDefaults.Method, IntervalDefaults.Level, IntervalDefaults.Samples, IntervalDefaults.Seed)).ToList();
            }
            timings.Add(("report", sw.Elapsed.TotalSeconds, ""));
            embedded?.Dispose();
            pub.Commit();
            var plotPath = Path.Combine(outDir, PlotFile);

            if (js) Output.WriteJson(w =>
            {
                w.WriteString("corpus", corpusName); w.WriteString("out", Path.GetFullPath(outDir));
                w.WriteNumber("tokens", cr.Tokens); w.WriteNumber("vocabulary", vr.Vocabulary.Count); w.WriteNumber("nonzeros", cr.NonZeros);
                w.WriteNumber("final_cost", finalCost); w.WriteNumber("ridge", tr.Ridge); w.WriteNumber("words_with_variance", vs.WordsWithVariance);
                Output.Number(w, "median_cos_wls", vs.MedianCosineToWls); w.WriteString("backend", vs.Backend);
                w.WriteStartArray("warnings"); foreach (var x in vs.Warnings) w.WriteStringValue(x); w.WriteEndArray();
                w.WriteStartArray("stages");
                foreach (var s in timings) { w.WriteStartObject(); w.WriteString("stage", s.Stage); w.WriteNumber("seconds", s.Seconds); w.WriteString("output", s.Output); w.WriteEndObject(); }
                w.WriteEndArray();
                w.WriteStartArray("report");
                foreach (var rep in reports)
                {
                    w.WriteStartObject(); w.WriteString("word", rep.Word);
                    w.WriteStartArray("search_warnings"); foreach (var x in rep.Warnings) w.WriteStringValue(x); w.WriteEndArray();
                    w.WriteStartArray("neighbours");
                    foreach (var n in rep.Neighbours)
                    {
                        w.WriteStartObject(); w.WriteString("word", n.Word); w.WriteNumber("cosine", n.Cosine); QueryOptions.WriteInterval(w, n.Interval);
                        w.WriteNumber("p_top_k", n.PTopK); w.WriteEndObject();
                    }
                    w.WriteEndArray(); w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                Output.Table(["stage", "seconds", "output"], timings.Select(s => new[] { s.Stage, Output.F(s.Seconds, 2), s.Output }), "glovev run");
                Console.WriteLine($"corpus {corpusName}: {cr.Tokens:N0} tokens, V={vr.Vocabulary.Count:N0}, {cr.NonZeros:N0} non-zeros; final cost {finalCost:F4}");
                Console.WriteLine($"GloVe-V: {vs.WordsWithVariance:N0} words with a covariance, {vs.TooFewContexts:N0} with too few contexts; median cos(trained, WLS) = {Output.F(vs.MedianCosineToWlsFrequent, 3)} for frequent words, {Output.F(vs.MedianCosineToWls, 3)} for all; backend {vs.Backend}");
                foreach (var wmsg in vs.Warnings) Console.WriteLine($"warning: {wmsg}");
                foreach (var rep in reports)
                {
                    Output.Table(["neighbour", "cosine (plug-in)", "estimate", $"{IntervalDefaults.Level * 100:0}% CI ({Interval.MethodName(IntervalDefaults.Method)})", "P(top 5)", "!"], rep.Neighbours.Select(n => new[]
                        { n.Word, Output.F(n.Cosine, 3), Output.F(n.Interval.Estimate, 3), QueryOptions.Ci(n.Interval), Output.F(n.PTopK, 2), QueryOptions.Mark(n.Interval) }), $"'{rep.Word}'");
                    foreach (var x in rep.Warnings) Console.Error.WriteLine($"glovev: warning: '{rep.Word}': {x}");
                    QueryOptions.Warn(rep.Neighbours.Select(n => n.Interval));
                }
                Console.WriteLine($"plot: {plotPath}");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>The files a run writes at the top of its folder (the rest are its cooccur/ and model/ folders).</summary>
    static readonly HashSet<string> RunFiles = ["vocab.txt", Vocabulary.TokenizerFile("vocab.txt"), PlotFile];
    const string PlotFile = "variance_vs_frequency.png";

    /// <summary>A previous run's folder is replaced as a whole, its cooccur/ and model/ with it: refuse (before any work)
    /// a corpus inside it, and anything in those sub-folders a run does not write (a user's file there would be deleted).</summary>
    static void RefuseForeignContent(string outDir, string? corpus)
    {
        // A corpus file at the top of --out is carried into the new folder like any file of the user's; deeper, or under
        // a name the run writes, it would be deleted or overwritten.
        var outReal = OutputPaths.Resolved(outDir).TrimEnd('/');
        var corpusReal = corpus == null ? null : OutputPaths.Resolved(corpus);
        if (corpusReal != null && corpusReal.StartsWith(outReal + "/", StringComparison.Ordinal)
            && (Path.GetDirectoryName(corpusReal) != outReal || RunFiles.Contains(Path.GetFileName(corpusReal))))
            throw new GloVeVException($"--corpus {corpus} is inside --out {outDir}, where the run would replace it (the folder is replaced as a whole): name another --out or move the corpus");
        Check(Path.Combine(outDir, "cooccur"), CooccurrenceCounter.IsOwnFile, _ => false);
        Check(Path.Combine(outDir, "model"), ModelTraining.IsOwnFile, n => n == "variances");
        Check(Path.Combine(outDir, "model", "variances"), VarianceEngine.IsOwnFile, _ => false);

        void Check(string dir, Func<string, bool> ownFile, Func<string, bool> ownFolder)
        {
            if (!Directory.Exists(dir)) return;
            foreach (var e in Directory.EnumerateFileSystemEntries(dir))
            {
                var n = Path.GetFileName(e);
                bool own = n.StartsWith('.') ? AtomicDirectory.IsOwnHidden(n) : Directory.Exists(e) ? ownFolder(n) : ownFile(n);
                if (!own)
                    throw new GloVeVException($"{outDir}: {Path.GetRelativePath(outDir, e)} is not something glovev run writes, and the folder is replaced as a whole: move it, or name an empty or new --out");
            }
        }
    }

    static int MaxContexts(string coocDir, int vocab)
    {
        using var x = CsrMatrix.OpenDirectory(coocDir, vocab);
        int max = 0;
        for (int i = 0; i < x.Rows; i++) max = Math.Max(max, x.RowLength(i));
        return max;
    }

    /// <summary>A few frequent words with covariances, skipping the very top (mostly function words).</summary>
    static string[] PickWords(GloVeModel m)
    {
        var pick = new List<string>();
        string[] preferred = ["war", "peace", "freedom", "economy", "congress", "people"];
        foreach (var w in preferred) if (m.Vocabulary.TryGetId(w, out var id) && m.HasCovariance(id)) pick.Add(w);
        if (pick.Count >= 3) return pick.Take(3).ToArray();
        for (int i = 50; i < m.VocabSize && pick.Count < 3; i += 50) if (m.HasCovariance(i)) pick.Add(m.Vocabulary[i]);
        return pick.ToArray();
    }
}
