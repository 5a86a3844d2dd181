using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.IO;
using GloVeV.Variance;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class VarianceCommand
{
    public static Command Create()
    {
        var model = Required("--model", "Model folder (params.safetensors, vocab.txt)");
        var cooc = Required("--cooccur", "Co-occurrence folder the model was trained on");
        var output = Optional("--out", "Output folder (default MODEL/variances)");
        var approx = Double("--approx", "Reconstruction target of the compact form (0 = none)", 0.90);
        var complete = Flag("--complete", "Write full D x D chunks (default)");
        var noComplete = Flag("--no-complete", "Only the compact form");
        var chunk = Int("--chunk-words", "Words per chunk file (0 = about 128 MiB per chunk)", 0);
        var words = Optional("--words", "Only the words listed in this file");
        var refine = Flag("--refine", "Replace w_i by its WLS solution before computing residuals");
        var threads = Threads(); var json = Json();
        var plot = Optional("--plot", "Write a variance-vs-frequency scatter (PNG or SVG)");
        var shard = Shard();
        var cmd = new Command("variance", "Compute GloVe-V covariances (MKL/OpenBLAS)") { model, cooc, output, approx, complete, noComplete, chunk, words, refine, threads, json, plot, shard };
        cmd.SetAction(r => Guard(() =>
        {
            if (r.GetValue(complete) && r.GetValue(noComplete)) throw new GloVeVException("--complete and --no-complete exclude each other");
            bool js = r.GetValue(json);
            var o = new VarianceOptions
            {
                Threads = r.GetValue(threads), ApproxTarget = r.GetValue(approx), Complete = !r.GetValue(noComplete), ChunkWords = r.GetValue(chunk),
                Refine = r.GetValue(refine), Words = r.GetValue(words) is { } wf ? WordLists.Load(wf) : null,
            };
            if (r.GetValue(shard) is { } sh)
            {
                var (k, n) = ParseShard(sh);
                o = o with { Shard = k, Shards = n };
            }
            // Checked before the covariances are computed and their folder written, not after.
            // Not over an input, nor over a file of the variance folder this run publishes before plotting.
            if (r.GetValue(plot) is { } plotPath)
                OutputPaths.CheckNewOutput(plotPath, "--plot", [r.GetValue(model), r.GetValue(cooc) is { } cd ? GloVeV.Cooccurrence.CsrMatrix.FolderOf(cd) : null, r.GetValue(output)], Plots.Extensions);
            var s = Output.Stage("variance", js, report => VarianceEngine.Run(r.GetValue(model)!, r.GetValue(cooc)!, r.GetValue(output), o,
                (f, gf) => report(f, $"{gf:F1} GFLOP/s")));
            if (r.GetValue(plot) is { } png) Plots.VarianceVersusFrequency(Path.Combine(s.OutDir, "variance_info.tsv"), Path.Combine(r.GetValue(model)!, "vocab.txt"), png);
            foreach (var wmsg in s.Warnings) Console.Error.WriteLine($"glovev: warning: {wmsg}");
            if (js) Output.WriteJson(w =>
            {
                w.WriteNumber("words_done", s.WordsWithVariance); w.WriteNumber("pseudo_inverse", s.PseudoInverseWords);
                w.WriteStartObject("skipped"); w.WriteNumber("too_few_contexts", s.TooFewContexts); w.WriteNumber("not_requested", s.NotRequested); w.WriteEndObject();
                w.WriteNumber("seconds", s.Seconds); w.WriteNumber("gflops", s.Gflops); w.WriteString("backend", s.Backend);
                w.WriteNumber("peak_rss_bytes", s.PeakRssBytes); Output.Number(w, "median_cos_wls", s.MedianCosineToWls); Output.Number(w, "median_cos_wls_frequent", s.MedianCosineToWlsFrequent);
                w.WriteBoolean("refined", s.Refined); w.WriteString("out", s.OutDir);
                w.WriteStartArray("warnings"); foreach (var m in s.Warnings) w.WriteStringValue(m); w.WriteEndArray();
            });
            else Console.WriteLine($"{s.WordsWithVariance:N0} covariances {(o.Complete || o.ApproxTarget > 0 ? "" : "computed, diagnostics only (none written: --approx 0 --no-complete) ")}({s.PseudoInverseWords} pseudo-inverse), {s.TooFewContexts:N0} words with too few contexts; " +
                $"median cos(trained, WLS) {Output.F(s.MedianCosineToWlsFrequent, 3)} (frequent words), {Output.F(s.MedianCosineToWls, 3)} (all); {s.Gflops:F1} GFLOP/s on {s.Backend}; peak RSS {s.PeakRssBytes / 1048576.0:F0} MiB -> {s.OutDir} [{s.Seconds:F1}s]");
            return 0;
        }));
        return cmd;
    }
}
