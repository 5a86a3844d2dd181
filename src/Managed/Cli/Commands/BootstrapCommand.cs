using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.Text;
using GloVeV.Training;
using static GloVeV.Cli.CliOptions;
using RunDefaults = GloVeV.Training.TrainingOptions.RunSchedule;

namespace GloVeV.Cli.Commands;

/// <summary><c>glovev bootstrap</c> and <c>glovev compare-uncertainty</c>: GloVe-V's uncertainty against retraining on
/// resampled documents (and on new seeds).</summary>
static class BootstrapCommand
{
    public static Command Create()
    {
        var d = new BootstrapOptions();
        var corpus = Required("--corpus", "Corpus file (one document per line)");
        var output = Required("--out", "Bootstrap folder (bootstrap.json, vocab.txt, replicates/); rerun to resume");
        var reps = Int("--replicates", "Document-bootstrap replicates (lines resampled with replacement)", d.Replicates);
        var seedReps = Int("--seed-replicates", "Seed-only replicates (the original corpus, new seeds): the optimisation noise", d.SeedReplicates);
        var vocab = Optional("--vocab", "Keep this vocabulary fixed (e.g. MODEL/vocab.txt; needed to compare with that model)");
        var dim = Int("--dim", "Vector size", RunDefaults.Dim);
        var schedule = new TrainingFlags(RunDefaults.Epochs.ToString(), RunDefaults.AlsSweeps, RunDefaults.Ridge);
        var minCount = Int("--min-count", "Vocabulary cut-off (when no --vocab is given)", 5);
        var window = Int("--window", "Context window", d.Window);
        var keepCase = Flag("--keep-case", "Do not lowercase");
        var keepPunct = Flag("--keep-punctuation", "Do not split punctuation off words");
        var seed = new Option<ulong>("--seed") { Description = "Seed of the resampling and (plus the replicate number) of training", DefaultValueFactory = _ => d.Seed };
        // Bootstrap shards share --out (each replicate file is written atomically): there is nothing to merge.
        var shard = Shard("Do only the replicate jobs j with j = k mod N (k/N, 1-based), into the shared --out (every shard writes its replicates there; no merge)");
        var threads = Threads(); var json = Json();
        var cmd = new Command("bootstrap", "Retrain on documents resampled with replacement (and on new seeds), with a fixed vocabulary")
            { corpus, output, reps, seedReps, vocab, dim, minCount, window, keepCase, keepPunct, seed, shard, threads, json };
        foreach (var f in schedule.All) cmd.Options.Add(f);
        cmd.SetAction(r => Guard(() =>
        {
            var to = schedule.Apply(r, new TrainingOptions { Dim = r.GetValue(dim), Threads = r.GetValue(threads), Seed = r.GetValue(seed) });
            var (k, n) = r.GetValue(shard) is { } s ? ParseShard(s) : (0, 0);
            var o = new BootstrapOptions
            {
                Replicates = r.GetValue(reps), SeedReplicates = r.GetValue(seedReps), VocabPath = r.GetValue(vocab),
                // Given only when typed: with --vocab the core refuses a cut-off it would ignore.
                MinCount = r.GetResult(minCount) is { Implicit: false } ? r.GetValue(minCount) : null,
                Window = r.GetValue(window), Tokenizer = new TokenizerOptions { Lowercase = !r.GetValue(keepCase), SplitPunctuation = !r.GetValue(keepPunct) },
                Training = to, Seed = r.GetValue(seed), Shard = k, Shards = n,
            };
            bool js = r.GetValue(json);
            var res = Output.Stage("bootstrap", js, rep => DocumentBootstrap.Run(r.GetValue(corpus)!, r.GetValue(output)!, o, (what, f) => rep(f, what)));
            if (js) Output.WriteJson(w =>
            {
                w.WriteString("out", Path.GetFullPath(res.OutDir)); w.WriteNumber("replicates", res.Replicates); w.WriteNumber("seed_replicates", res.SeedReplicates);
                w.WriteNumber("trained", res.Trained); w.WriteNumber("already_done", res.AlreadyDone); w.WriteNumber("seconds", res.Seconds);
            });
            else Console.WriteLine($"{res.OutDir}: {res.Trained} replicate(s) trained, {res.AlreadyDone} already there ({res.Replicates} bootstrap, {res.SeedReplicates} seed-only asked), {res.Seconds:F1} s");
            return 0;
        }));
        return cmd;
    }

    public static Command CompareUncertainty()
    {
        var d = new UncertaintyComparisonOptions();
        var model = Required("--model", "Model folder with variances");
        var boot = Required("--bootstrap", "Folder written by 'glovev bootstrap --vocab MODEL/vocab.txt'");
        var bands = new Option<string>("--bands") { Description = "Upper frequency ranks of the bands, comma-separated", DefaultValueFactory = _ => string.Join(",", d.BandEdges) };
        var pairs = Int("--pairs-per-band", "Words sampled per band, each paired with its nearest neighbour", d.PairsPerBand);
        var seed = new Option<ulong>("--seed") { Description = "Seed of the word sample", DefaultValueFactory = _ => d.Seed };
        var tsv = Optional("--tsv", "Also write the band table as tab-separated values to this file");
        var pairsTsv = Optional("--pairs-tsv", "Also write every pair's SDs as tab-separated values to this file");
        var plot = Optional("--plot", "GloVe-V SD against bootstrap SD per pair (.png or .svg)");
        var json = Json();
        var cmd = new Command("compare-uncertainty", "GloVe-V's SD of cosines (delta method) against the document-bootstrap and seed-only SDs, by frequency band")
            { model, boot, bands, pairs, seed, tsv, pairsTsv, plot, json };
        cmd.SetAction(r => Guard(() =>
        {
            var o = new UncertaintyComparisonOptions { BandEdges = CalibrateCommand.ParseBands(r.GetValue(bands)!), PairsPerBand = r.GetValue(pairs), Seed = r.GetValue(seed) };
            string[] inputs = [r.GetValue(model)!, r.GetValue(boot)!];
            if (r.GetValue(plot) is { } pp) GloVeV.IO.OutputPaths.CheckNewOutput(pp, "--plot", inputs, Plots.Extensions);
            foreach (var (opt, name) in new[] { (tsv, "--tsv"), (pairsTsv, "--pairs-tsv") })
                if (r.GetValue(opt) is { } path) GloVeV.IO.OutputPaths.CheckNewOutput(path, name, inputs);
            GloVeV.IO.OutputPaths.CheckDistinctOutputs((r.GetValue(tsv), "--tsv"), (r.GetValue(pairsTsv), "--pairs-tsv"), (r.GetValue(plot), "--plot"));
            var res = UncertaintyComparison.Run(r.GetValue(model)!, r.GetValue(boot)!, o);
            if (r.GetValue(tsv) is { } t) GloVeV.IO.AtomicFile.WriteAllText(t, UncertaintyComparison.BandsTsv(res.Bands));
            if (r.GetValue(pairsTsv) is { } pt) GloVeV.IO.AtomicFile.WriteAllText(pt, UncertaintyComparison.PairsTsv(res.Pairs));
            if (r.GetValue(plot) is { } plotPath) Plots.UncertaintyComparison(res.Pairs, plotPath);
            if (r.GetValue(json)) Output.WriteJson(w =>
            {
                w.WriteNumber("bootstrap_replicates", res.BootstrapReplicates); w.WriteNumber("seed_replicates", res.SeedReplicates);
                w.WriteString("glovev_sd", "delta method at the plug-in vectors");
                w.WriteStartArray("bands");
                foreach (var b in res.Bands)
                {
                    w.WriteStartObject();
                    w.WriteString("band", b.Band); w.WriteNumber("rank_from", b.RankFrom); w.WriteNumber("rank_to", b.RankTo); w.WriteNumber("pairs", b.Pairs); w.WriteNumber("dropped", b.Dropped);
                    Output.Number(w, "median_glovev_sd", b.MedianGloveVSd); Output.Number(w, "median_bootstrap_sd", b.MedianBootstrapSd); Output.Number(w, "median_seed_sd", b.MedianSeedSd);
                    Output.Number(w, "median_ratio_glovev_bootstrap", b.MedianRatioGloveVBootstrap); Output.Number(w, "median_ratio_glovev_seed", b.MedianRatioGloveVSeed);
                    Output.Number(w, "median_ratio_seed_bootstrap", b.MedianRatioSeedBootstrap);
                    Output.Number(w, "pearson_glovev_bootstrap", b.PearsonGloveVBootstrap); Output.Number(w, "spearman_glovev_bootstrap", b.SpearmanGloveVBootstrap);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("pairs");
                foreach (var p in res.Pairs)
                {
                    w.WriteStartObject();
                    w.WriteString("band", p.Band); w.WriteString("a", p.A); w.WriteString("b", p.B); w.WriteNumber("rank_a", p.RankA); Output.Number(w, "cosine", p.Cosine);
                    Output.Number(w, "glovev_sd", p.GloveVSd); Output.Number(w, "bootstrap_sd", p.BootstrapSd); Output.Number(w, "seed_sd", p.SeedSd);
                    w.WriteNumber("bootstrap_replicates", p.BootstrapReplicates); w.WriteNumber("seed_replicates", p.SeedReplicates);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                Output.Table(["band", "pairs", "GloVe-V sd", "bootstrap sd", "seed sd", "GloVe-V / bootstrap", "GloVe-V / seed", "seed / bootstrap", "corr (Pearson / Spearman)"],
                    res.Bands.Select(b => new[] { b.Band, b.Pairs.ToString(), Output.F(b.MedianGloveVSd), Output.F(b.MedianBootstrapSd), Output.F(b.MedianSeedSd),
                        Output.F(b.MedianRatioGloveVBootstrap, 2), Output.F(b.MedianRatioGloveVSeed, 2), Output.F(b.MedianRatioSeedBootstrap, 2),
                        $"{Output.F(b.PearsonGloveVBootstrap, 2)} / {Output.F(b.SpearmanGloveVBootstrap, 2)}" }),
                    $"SD of cos(word, nearest neighbour): medians over pairs ({res.BootstrapReplicates} bootstrap, {res.SeedReplicates} seed-only replicates)");
                Console.WriteLine("GloVe-V sd: the delta method at the plug-in vectors. Ratios are medians of per-pair ratios. No alignment: cosines do not change under rotation.");
            }
            return 0;
        }));
        return cmd;
    }
}
