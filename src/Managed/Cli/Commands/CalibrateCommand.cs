using System.CommandLine;
using System.Globalization;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary><c>glovev calibrate</c>: do the interval methods cover the truth when GloVe-V's model holds, at this corpus?</summary>
static class CalibrateCommand
{
    public static Command Create()
    {
        var d = new CalibrationOptions();
        var model = Required("--model", "Model folder (params.safetensors, vocab.txt)");
        var cooccur = Required("--cooccur", "Co-occurrence folder the model was trained on");
        var bands = new Option<string>("--bands") { Description = "Upper frequency ranks of the bands, comma-separated (the last band is every rank above)", DefaultValueFactory = _ => string.Join(",", d.BandEdges) };
        var words = Int("--words-per-band", "Words sampled per band (each paired with its two nearest neighbours and another word of the band)", d.WordsPerBand);
        var reps = Int("--replicates", "Simulated corpora", d.Replicates);
        var methods = new Option<string>("--methods") { Description = "Interval methods to score, comma-separated", DefaultValueFactory = _ => string.Join(",", d.Methods.Select(Interval.MethodName)) };
        var samples = Int("--samples", "Draws of the drawing methods (sample, calibrated; refused with delta alone)", d.DrawSamples);
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var level = Double("--level", "Confidence level", d.Level);
        var tsv = Optional("--tsv", "Also write the table as tab-separated values to this file");
        var plot = Optional("--plot", "Coverage by band and method (.png or .svg)");
        var threads = Threads(); var json = Json();
        var cmd = new Command("calibrate", "Coverage of the interval methods in a simulation from this model (GloVe-V's model taken as true with the fitted parameters)")
            { model, cooccur, bands, words, reps, methods, samples, seed, level, tsv, plot, threads, json };
        cmd.SetAction(r => Guard(() =>
        {
            var edges = ParseBands(r.GetValue(bands)!);
            var ms = r.GetValue(methods)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Interval.ParseMethod).ToArray();
            var o = new CalibrationOptions
            {
                BandEdges = edges, WordsPerBand = r.GetValue(words), Replicates = r.GetValue(reps), Methods = ms,
                // Given only when typed: with delta alone the core refuses draws it would not make.
                Samples = r.GetResult(samples) is { Implicit: false } ? r.GetValue(samples) : null,
                Seed = r.GetValue(seed), Level = r.GetValue(level), Threads = r.GetValue(threads),
            };
            o.Validate();
            // --cooccur may name the .bin or CSR file: the folder holding it is what is read.
            string[] inputs = [r.GetValue(model)!, GloVeV.Cooccurrence.CsrMatrix.FolderOf(r.GetValue(cooccur)!)];
            if (r.GetValue(plot) is { } pp) GloVeV.IO.OutputPaths.CheckNewOutput(pp, "--plot", inputs, Plots.Extensions);
            if (r.GetValue(tsv) is { } tp0) GloVeV.IO.OutputPaths.CheckNewOutput(tp0, "--tsv", inputs);
            bool js = r.GetValue(json);
            var rows = Output.Stage("calibrate", js, rep => CorpusCalibration.Run(r.GetValue(model)!, r.GetValue(cooccur)!, o, f => rep(f, "")));
            if (r.GetValue(tsv) is { } tp) GloVeV.IO.AtomicFile.WriteAllText(tp, CorpusCalibration.Tsv(rows));
            if (r.GetValue(plot) is { } plotPath) Plots.Calibration(rows, o.Level, plotPath);
            if (js) Output.WriteJson(w =>
            {
                w.WriteNumber("level", o.Level); w.WriteNumber("replicates", o.Replicates); w.WriteNumber("seed", o.Seed);
                w.WriteStartArray("rows");
                foreach (var row in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("band", row.Band); w.WriteNumber("rank_from", row.RankFrom); w.WriteNumber("rank_to", row.RankTo);
                    w.WriteNumber("words", row.Words); Output.Number(w, "median_noise_ratio", row.MedianNoiseRatio); w.WriteNumber("median_dof", row.MedianDof);
                    w.WriteString("statistic", row.Statistic); w.WriteString("method", Interval.MethodName(row.Method)); w.WriteNumber("intervals", row.Intervals);
                    Output.Number(w, "coverage", row.Coverage); Output.Number(w, "coverage_se", row.CoverageSe);
                    Output.Number(w, "median_width", row.MedianWidth); Output.Number(w, "not_identifiable", row.NotIdentifiable);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            else
            {
                var inv = CultureInfo.InvariantCulture;
                Output.Table(["band", "words", "median NR", "median |K|-D", "statistic", "method", "coverage", "± se", "median width", "n.i."],
                    rows.Select(x => new[] { x.Band, x.Words.ToString(inv), Output.F(x.MedianNoiseRatio, 2), x.MedianDof.ToString(inv), x.Statistic,
                        Interval.MethodName(x.Method), Output.F(x.Coverage, 3), Output.F(x.CoverageSe, 3), Output.F(x.MedianWidth, 3), Output.F(x.NotIdentifiable, 3) }),
                    $"coverage of the fitted truth at {o.Level:P0} ({o.Replicates} simulated corpora)");
                Console.WriteLine("A not-identifiable answer counts as covering; its share is the n.i. column. se: Monte Carlo standard error.");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Parses --bands ("300,1000,3000").</summary>
    public static int[] ParseBands(string text)
    {
        try { return text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new BadArgumentException($"--bands must be comma-separated whole numbers, got '{text}'"); }
        catch (OverflowException) { throw new BadArgumentException($"--bands: a rank is too large in '{text}'"); }
    }
}
