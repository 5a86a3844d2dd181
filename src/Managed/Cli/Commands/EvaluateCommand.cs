using System.CommandLine;
using GloVeV.Evaluation;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class EvaluateCommand
{
    public static Command Create()
    {
        var q = new QueryOptions("sample");
        var bench = new Option<string[]>("--benchmark") { Description = "Word-similarity file(s): word1 word2 score", Required = true };
        var vs = Optional("--vs", "A second model for a paired comparison on the same pairs");
        var cmd = new Command("evaluate", "Spearman/Pearson on word-similarity benchmarks with GloVe-V intervals") { bench, vs };
        q.AddTo(cmd);
        cmd.SetAction(r => Guard(() =>
        {
            if (q.MethodOf(r) != GloVeV.Inference.IntervalMethod.Sample)
                throw new GloVeVException($"evaluate implements only --method sample (the method of composition), not '{r.GetValue(q.Method)}'");
            using var m = GloVeModel.Load(r.GetValue(q.Model)!);
            using var other = r.GetValue(vs) is { } vdir ? GloVeModel.Load(vdir) : null;
            int k = q.SamplesOf(r);
            var results = new List<BenchmarkResult>();
            var comps = new List<BenchmarkComparison>();
            foreach (var b in r.GetValue(bench)!)
            {
                var pairs = WordPairs.Load(b);
                var name = Path.GetFileNameWithoutExtension(b);
                results.Add(SimilarityBenchmark.Evaluate(m, pairs, name, k, r.GetValue(q.Seed), r.GetValue(q.Level), r.GetValue(q.Approx)));
                if (other != null) comps.Add(SimilarityBenchmark.Compare(m, other, pairs, name, k, r.GetValue(q.Seed), r.GetValue(q.Level)));
            }
            if (r.GetValue(q.Json)) Output.WriteJson(w =>
            {
                w.WriteStartArray("benchmarks");
                foreach (var b in results)
                {
                    w.WriteStartObject(); w.WriteString("name", b.Name); w.WriteNumber("pairs", b.Pairs); w.WriteNumber("used", b.Used);
                    w.WriteNumber("oov_pairs", b.Oov); w.WriteNumber("oov_ratio", b.OovRatio);
                    Output.Number(w, "spearman", b.Spearman); Output.Number(w, "pearson", b.Pearson);
                    w.WriteStartObject("spearman_interval"); QueryOptions.WriteInterval(w, b.SpearmanInterval); w.WriteEndObject();
                    w.WriteStartObject("pearson_interval"); QueryOptions.WriteInterval(w, b.PearsonInterval); w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("comparisons");
                foreach (var c in comps)
                {
                    w.WriteStartObject(); w.WriteString("name", c.Name); w.WriteNumber("pairs", c.Pairs); w.WriteNumber("spearman_a", c.SpearmanA);
                    w.WriteNumber("spearman_b", c.SpearmanB); w.WriteNumber("diff", c.Diff); w.WriteNumber("sd", c.Sd);
                    w.WriteStartArray("ci"); w.WriteNumberValue(c.Lo); w.WriteNumberValue(c.Hi); w.WriteEndArray(); w.WriteNumber("p_value", c.PValue);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                Output.Table(["benchmark", "pairs used", "OOV %", "spearman", "95% interval", "pearson"], results.Select(b => new[]
                {
                    b.Name, $"{b.Used}/{b.Pairs}", Output.F(100 * b.OovRatio, 1), Output.F(b.Spearman), $"[{Output.F(b.SpearmanInterval.Lo)}, {Output.F(b.SpearmanInterval.Hi)}]", Output.F(b.Pearson),
                }));
                if (comps.Count > 0)
                    Output.Table(["benchmark", "pairs", "spearman A", "spearman B", "A-B", "ci", "p"], comps.Select(c => new[]
                        { c.Name, c.Pairs.ToString(), Output.F(c.SpearmanA), Output.F(c.SpearmanB), Output.F(c.Diff), $"[{Output.F(c.Lo)}, {Output.F(c.Hi)}]", Output.F(c.PValue, 4) }));
            }
            return 0;
        }));
        return cmd;
    }
}
