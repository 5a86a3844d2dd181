using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class EvaluateCommand
{
    public static Command Create()
    {
        var q = new QueryOptions("sample", "sample (the only method here): each of --samples replicates resamples the pairs (bootstrap) and draws every vector w ~ N(w_hat, Sigma); " +
            "interval = estimate -+ z sd of the replicates (it contains the estimate); sd_pairs and sd_noise show the two parts, noise_shift the attenuation the noise causes",
            "replicates: pairs resampled jointly with draws of the vectors");
        var bench = new Option<string[]>("--benchmark") { Description = "Word-similarity file(s): word1 word2 score", Required = true };
        var vs = Optional("--vs", "A second model for a paired comparison on the same pairs");
        var cmd = new Command("evaluate", "Spearman/Pearson on word-similarity benchmarks with GloVe-V intervals") { bench, vs };
        q.AddTo(cmd);
        cmd.SetAction(r => Guard(() =>
        {
            if (q.MethodOf(r) != GloVeV.Inference.IntervalMethod.Sample)
                throw new GloVeVException($"evaluate implements only --method sample (pairs bootstrapped jointly with draws of the vectors), not '{r.GetValue(q.Method)}'");
            var (_, k, seed, level) = q.Resolve(r);
            using var m = QueryOptions.Open(r.GetValue(q.Model)!);
            using var other = r.GetValue(vs) is { } vdir ? QueryOptions.Open(vdir) : null;
            var p = q.Propagation(r, m);
            var po = other == null ? null : q.Propagation(r, other);
            var results = new List<BenchmarkResult>();
            var comps = new List<BenchmarkComparison>();
            foreach (var b in r.GetValue(bench)!)
            {
                var pairs = WordPairs.Load(b);
                var name = Path.GetFileNameWithoutExtension(b);
                results.Add(SimilarityBenchmark.Evaluate(p, pairs, name, k, seed, level));
                if (po != null) comps.Add(SimilarityBenchmark.Compare(p, po, pairs, name, k, seed, level));
            }
            if (r.GetValue(q.Json)) Output.WriteJson(w =>
            {
                w.WriteStartArray("benchmarks");
                foreach (var b in results)
                {
                    w.WriteStartObject(); w.WriteString("name", b.Name); w.WriteNumber("pairs", b.Pairs); w.WriteNumber("used", b.Used);
                    w.WriteNumber("oov", b.Oov); w.WriteNumber("oov_ratio", b.OovRatio);
                    Output.Number(w, "spearman", b.Spearman); Output.Number(w, "pearson", b.Pearson);
                    Output.Number(w, "spearman_p", b.SpearmanP); Output.Number(w, "pearson_p", b.PearsonP);
                    w.WriteStartObject("spearman_interval"); WriteUncertainty(w, b.SpearmanInterval); w.WriteEndObject();
                    w.WriteStartObject("pearson_interval"); WriteUncertainty(w, b.PearsonInterval); w.WriteEndObject();
                    w.WriteNumber("words", b.Words.Count); w.WriteNumber("flagged_words", b.FlaggedWords);
                    // Every word of the pairs used, with its reliability (as a similarity's "words").
                    QueryOptions.WriteWordList(w, "word_reliability", b.Words);
                    w.WriteStartArray("warnings"); foreach (var x in b.Warnings) w.WriteStringValue(x); w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("comparisons");
                foreach (var c in comps)
                {
                    w.WriteStartObject(); w.WriteString("name", c.Name); w.WriteNumber("pairs", c.Pairs); w.WriteNumber("spearman_a", c.SpearmanA);
                    w.WriteNumber("spearman_b", c.SpearmanB); w.WriteNumber("diff", c.Diff); Output.Number(w, "sd", c.Sd);
                    Output.Number(w, "sd_pairs", c.SdPairs); Output.Number(w, "sd_noise", c.SdNoise);
                    w.WriteStartArray("ci"); w.WriteNumberValue(c.Lo); w.WriteNumberValue(c.Hi); w.WriteEndArray(); Output.Number(w, "p_value", c.PValue);
                    w.WriteNumber("level", c.Level); w.WriteNumber("replicates", c.Replicates);
                    w.WriteStartArray("warnings"); foreach (var x in c.Warnings) w.WriteStringValue(x); w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                Output.Table(["benchmark", "pairs used", "OOV %", "spearman", $"{level:P0} interval", "sd", "sd pairs", "sd noise", "noise shift", "pearson", "!"], results.Select(b => new[]
                {
                    b.Name, $"{b.Used}/{b.Pairs}", Output.F(b.OovRatio, 1), Output.F(b.Spearman), $"[{Output.F(b.SpearmanInterval.Lo)}, {Output.F(b.SpearmanInterval.Hi)}]",
                    Output.F(b.SpearmanInterval.Sd), Output.F(b.SpearmanInterval.SdPairs), Output.F(b.SpearmanInterval.SdNoise), Output.F(b.SpearmanInterval.NoiseShift),
                    Output.F(b.Pearson), b.FlaggedWords > 0 ? "!" : "",
                }), "word similarity: pairs bootstrapped jointly with draws of the vectors");
                if (comps.Count > 0)
                    Output.Table(["benchmark", "pairs", "spearman A", "spearman B", "A-B", "ci", "sd pairs", "sd noise", "p"], comps.Select(c => new[]
                        { c.Name, c.Pairs.ToString(), Output.F(c.SpearmanA), Output.F(c.SpearmanB), Output.F(c.Diff), $"[{Output.F(c.Lo)}, {Output.F(c.Hi)}]",
                          Output.F(c.SdPairs), Output.F(c.SdNoise), Output.F(c.PValue, 4) }), "paired comparison (same pairs resampled for both models)");
            }
            foreach (var x in results.SelectMany(b => b.Warnings).Concat(comps.SelectMany(c => c.Warnings)).Distinct()) Console.Error.WriteLine($"glovev: warning: {x}");
            return 0;
        }));
        return cmd;
    }

    static void WriteUncertainty(System.Text.Json.Utf8JsonWriter w, CorrelationUncertainty u)
    {
        Output.Number(w, "estimate", u.Estimate); Output.Number(w, "sd", u.Sd);
        Output.Number(w, "lower", u.Lo); Output.Number(w, "upper", u.Hi);
        w.WriteStartArray("ci"); w.WriteNumberValue(u.Lo); w.WriteNumberValue(u.Hi); w.WriteEndArray();
        Output.Number(w, "sd_pairs", u.SdPairs); Output.Number(w, "sd_noise", u.SdNoise); Output.Number(w, "noise_shift", u.NoiseShift);
        w.WriteNumber("level", u.Level); w.WriteNumber("replicates", u.Replicates);
        w.WriteString("method", "sample");
    }
}
