using System.CommandLine;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class SimilarCommand
{
    public static Command Create()
    {
        var q = new QueryOptions(drawHelp: "every method: P(top k) draws the vectors jointly; sample also takes its intervals from those draws");
        var word = Required("--word", "Query word");
        var top = Int("--top", "Number of neighbours", 10).AtLeast(1);
        var plot = Optional("--plot", "Write a forest plot of the neighbours (PNG or SVG)");
        var tol = Double("--screen-tolerance", "Draw more candidates until the words left out can hold at most this many top-k places (expected)", NeighbourDefaults.Tolerance);
        var cap = Int("--max-candidates", "Draw at most this many words jointly with the query (the bound on the rest is reported)", NeighbourDefaults.MaxCandidates);
        var cmd = new Command("similar", "Nearest neighbours with intervals and P(truly in the top k) over the whole vocabulary") { word, top, plot, tol, cap };
        q.AddTo(cmd);
        cmd.SetAction(r => Guard(() =>
        {
            if (r.GetValue(plot) is { } plotPath) GloVeV.IO.OutputPaths.CheckNewOutput(plotPath, "--plot", [r.GetValue(q.Model)], Plots.Extensions);
            using var m = QueryOptions.Open(r.GetValue(q.Model)!);
            // P(top k) always draws, so --samples/--seed are used whatever the interval method.
            var (method, k, seed, level) = q.Resolve(r, drawsAnyway: true);
            var res = Neighbours.Query(q.Propagation(r, m), r.GetValue(word)!, r.GetValue(top), method, level, k, seed, r.GetValue(tol), r.GetValue(cap));
            if (r.GetValue(plot) is { } png)
                Plots.Forest($"Neighbours of '{res.Word}' ({Interval.MethodName(res.Method)}, {level:P0})", res.Neighbours.Select(n => (n.Word, n.Interval)).ToList(), png);
            if (r.GetValue(q.Json)) Output.WriteJson(w =>
            {
                w.WriteString("word", res.Word); w.WriteString("method", Interval.MethodName(res.Method));
                w.WriteNumber("draws", res.Draws); w.WriteNumber("candidates", res.Candidates); w.WriteNumber("searched", res.Searched);
                w.WriteNumber("omitted_bound", res.OmittedBound); w.WriteNumber("without_covariance", res.WithoutCovariance);
                w.WriteStartArray("left_out_above"); foreach (var x in res.LeftOutAbove) w.WriteStringValue(x); w.WriteEndArray();
                w.WriteStartArray("search_warnings"); foreach (var x in res.Warnings) w.WriteStringValue(x); w.WriteEndArray();
                w.WriteStartArray("neighbours");
                foreach (var n in res.Neighbours)
                {
                    w.WriteStartObject();
                    w.WriteString("word", n.Word); w.WriteNumber("rank", n.Rank); w.WriteNumber("cosine", n.Cosine); Output.Number(w, "mean", n.Interval.Mean);
                    QueryOptions.WriteInterval(w, n.Interval);
                    w.WriteNumber("p_top_k", n.PTopK); Output.Number(w, "p_differs_from_next", n.PDifferentFromNext);
                    w.WriteNumber("left_out_above", n.LeftOutAbove);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else Output.Table(["rank", "word", "cosine", "estimate", "sd", "ci", "P(top k)", "p vs next", "!"], res.Neighbours.Select(n => new[]
            {
                n.Rank.ToString(), n.Word, Output.F(n.Cosine), Output.F(n.Interval.Estimate), Output.F(n.Interval.Sd), QueryOptions.Ci(n.Interval),
                Output.F(n.PTopK, 3), Output.F(n.PDifferentFromNext, 3), QueryOptions.Mark(n.Interval),
            }), $"neighbours of '{res.Word}' ({Interval.MethodName(res.Method)}, {level:P0}; {res.Candidates} of {res.Searched} words drawn, the rest hold <= {res.OmittedBound:G2} top-{r.GetValue(top)} places{(res.WithoutCovariance > 0 ? $"; {res.WithoutCovariance} without a covariance left out" : "")})");
            foreach (var x in res.Warnings) Console.Error.WriteLine($"glovev: warning: {x}");
            QueryOptions.Warn(res.Neighbours.Select(n => n.Interval));
            return 0;
        }));
        return cmd;
    }
}
