using System.CommandLine;
using GloVeV.Inference;

namespace GloVeV.Cli.Commands;

static class CompareCommand
{
    public static Command Create()
    {
        var q = new QueryOptions();
        var pairs = new Option<string[]>("--pair") { Description = "A word pair a,b (repeat; every pair is compared with the first)", Required = true, AllowMultipleArgumentsPerToken = false };
        var cmd = new Command("compare", "Cosine similarities with intervals, and tests of their differences") { pairs };
        q.AddTo(cmd);
        cmd.SetAction(r => CliOptions.Guard(() =>
        {
            var parsed = r.GetValue(pairs)!.Select(p =>
            {
                var f = p.Split(',');
                if (f.Length != 2 || f[0].Length == 0 || f[1].Length == 0) throw new GloVeVException($"--pair expects 'a,b', got '{p}'");
                return (f[0], f[1]);
            }).ToList();
            using var m = QueryOptions.Open(r.GetValue(q.Model)!);
            var prop = q.Propagation(r, m);
            var (method, k, seed, level) = q.Resolve(r);
            var sims = parsed.Select(p => SimilarityQueries.Similarity(prop, p.Item1, p.Item2, method, level, k, seed)).ToList();
            var diffs = parsed.Skip(1).Select(p => SimilarityQueries.Compare(prop, parsed[0], p, method, k, seed, level)).ToList();
            if (r.GetValue(q.Json)) Output.WriteJson(w =>
            {
                w.WriteString("method", Interval.MethodName(method));
                w.WriteStartArray("pairs");
                foreach (var s in sims)
                {
                    w.WriteStartObject(); w.WriteString("a", s.A); w.WriteString("b", s.B); w.WriteNumber("cosine", s.Interval.Plugin);
                    Output.Number(w, "mean", s.Interval.Mean); QueryOptions.WriteInterval(w, s.Interval); w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("differences");
                foreach (var d in diffs)
                {
                    w.WriteStartObject();
                    w.WriteStartArray("first"); foreach (var x in d.First) w.WriteStringValue(x); w.WriteEndArray();
                    w.WriteStartArray("second"); foreach (var x in d.Second) w.WriteStringValue(x); w.WriteEndArray();
                    Output.Number(w, "diff", d.Diff); Output.Number(w, "z", d.Z);
                    QueryOptions.WriteInterval(w, d.Interval, d.PValue);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                Output.Table(["a", "b", "estimate", "plug-in", "sd", "ci", "p (= 0)", "!"], sims.Select(s => new[] { s.A, s.B, Output.F(s.Interval.Estimate), Output.F(s.Interval.Plugin),
                    Output.F(s.Interval.Sd), QueryOptions.Ci(s.Interval), Output.F(s.Interval.PValueZero, 4), QueryOptions.Mark(s.Interval) }), $"cosine similarities ({Interval.MethodName(method)}, {level:P0})");
                if (diffs.Count > 0)
                    Output.Table(["first", "second", "diff", "sd", "ci", "z", "p", "!"], diffs.Select(d => new[] { string.Join(",", d.First), string.Join(",", d.Second),
                        Output.F(d.Diff), Output.F(d.Sd), QueryOptions.Ci(d.Interval), Output.F(d.Z, 2), Output.F(d.PValue, 4), QueryOptions.Mark(d.Interval) }));
            }
            QueryOptions.Warn(sims.Select(s => s.Interval).Concat(diffs.Select(d => d.Interval)));
            return 0;
        }));
        return cmd;
    }
}
