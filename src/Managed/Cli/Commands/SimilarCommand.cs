using System.CommandLine;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class SimilarCommand
{
    public static Command Create()
    {
        var q = new QueryOptions();
        var word = Required("--word", "Query word");
        var top = Int("--top", "Number of neighbours", 10).AtLeast(1);
        var plot = Optional("--plot", "Write a forest plot of the neighbours (PNG or SVG)");
        var cmd = new Command("similar", "Nearest neighbours with intervals and P(truly in the top k)") { word, top, plot };
        q.AddTo(cmd);
        cmd.SetAction(r => Guard(() =>
        {
            using var m = GloVeModel.Load(r.GetValue(q.Model)!);
            // P(top k) always draws, so --samples/--seed are used whatever the interval method.
            var (method, k, seed, level) = q.Resolve(r, drawsAnyway: true);
            var res = Neighbours.Query(q.Propagation(r, m), r.GetValue(word)!, r.GetValue(top), method, level, k, seed);
            if (r.GetValue(plot) is { } png)
                Plots.Forest($"Neighbours of '{res.Word}' ({Interval.MethodName(res.Method)}, {level:P0})", res.Neighbours.Select(n => (n.Word, n.Interval)).ToList(), png);
            if (r.GetValue(q.Json)) Output.WriteJson(w =>
            {
                w.WriteString("word", res.Word); w.WriteString("method", Interval.MethodName(res.Method));
                w.WriteStartArray("neighbours");
                foreach (var n in res.Neighbours)
                {
                    w.WriteStartObject();
                    w.WriteString("word", n.Word); w.WriteNumber("rank", n.Rank); w.WriteNumber("cosine", n.Cosine); Output.Number(w, "mean", n.Interval.Mean);
                    QueryOptions.WriteInterval(w, n.Interval);
                    w.WriteNumber("p_top_k", n.PTopK); Output.Number(w, "p_differs_from_next", n.PDifferentFromNext);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else Output.Table(["rank", "word", "cosine", "estimate", "sd", "ci", "P(top k)", "p vs next", "!"], res.Neighbours.Select(n => new[]
            {
                n.Rank.ToString(), n.Word, Output.F(n.Cosine), Output.F(n.Interval.Estimate), Output.F(n.Interval.Sd), QueryOptions.Ci(n.Interval),
                Output.F(n.PTopK, 3), Output.F(n.PDifferentFromNext, 3), QueryOptions.Mark(n.Interval),
            }), $"neighbours of '{res.Word}' ({Interval.MethodName(res.Method)}, {level:P0})");
            QueryOptions.Warn(res.Neighbours.Select(n => n.Interval));
            return 0;
        }));
        return cmd;
    }
}
