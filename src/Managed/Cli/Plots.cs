using System.Globalization;
using GloVeV.Inference;

namespace GloVeV.Cli;

/// <summary>Figures a person would rather look at than a table (ScottPlot; PNG or SVG by extension).</summary>
static class Plots
{
    /// <summary>A forest plot: one row per item, point estimate and interval.</summary>
    public static void Forest(string title, IReadOnlyList<(string Label, Interval Interval)> rows, string path)
    {
        var plt = new ScottPlot.Plot();
        int n = rows.Count;
        for (int i = 0; i < n; i++)
        {
            double y = n - i;
            var iv = rows[i].Interval;
            if (double.IsFinite(iv.Lo) && double.IsFinite(iv.Hi))
            {
                var line = plt.Add.Line(iv.Lo, y, iv.Hi, y);
                line.LineWidth = 2;
                line.Color = ScottPlot.Colors.SteelBlue;
            }
            var mk = plt.Add.Marker(double.IsFinite(iv.Estimate) ? iv.Estimate : iv.Value, y);
            mk.Color = ScottPlot.Colors.Black;
            mk.Size = 8;
        }
        plt.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray(), rows.Select(r => r.Label).ToArray());
        plt.Title(title);
        plt.XLabel("cosine similarity");
        Save(plt, path, 800, Math.Max(300, 60 + 32 * n));
    }

    /// <summary>Per-word noise (tr Sigma / ||w||^2) against corpus frequency, from variance_info.tsv and vocab.txt.</summary>
    public static void VarianceVersusFrequency(string infoPath, string vocabPath, string path)
    {
        var vocab = GloVeV.Text.Vocabulary.Load(vocabPath);
        var xs = new List<double>(); var ys = new List<double>();
        foreach (var line in File.ReadLines(infoPath).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length < 8 || f[7] == "NA") continue;
            int idx = int.Parse(f[1], CultureInfo.InvariantCulture);
            double ratio = double.Parse(f[7], CultureInfo.InvariantCulture);
            if (ratio <= 0 || !double.IsFinite(ratio)) continue;
            xs.Add(Math.Log10(Math.Max(1, vocab.CountOf(idx))));
            ys.Add(Math.Log10(ratio));
        }
        if (xs.Count == 0) throw new GloVeVException($"{infoPath}: no word has a variance to plot");
        var plt = new ScottPlot.Plot();
        var sp = plt.Add.Scatter(xs.ToArray(), ys.ToArray());
        sp.LineWidth = 0;
        sp.MarkerSize = 3;
        plt.Title("GloVe-V noise vs frequency");
        plt.XLabel("log10 corpus count");
        plt.YLabel("log10 tr(Sigma_i) / ||w_i||^2");
        Save(plt, path, 800, 600);
    }

    /// <summary>Coverage (± 2 Monte Carlo standard errors) per band and statistic, one colour per method, with the nominal level.</summary>
    public static void Calibration(IReadOnlyList<CalibrationRow> rows, double level, string path)
    {
        var plt = new ScottPlot.Plot();
        var groups = rows.Select(r => (r.Band, r.Statistic)).Distinct().ToList();
        var methods = rows.Select(r => r.Method).Distinct().ToList();
        ScottPlot.Color[] palette = [ScottPlot.Colors.SteelBlue, ScottPlot.Colors.DarkOrange, ScottPlot.Colors.SeaGreen, ScottPlot.Colors.Purple];
        for (int m = 0; m < methods.Count; m++)
        {
            var color = palette[m % palette.Length];
            var xs = new List<double>(); var ys = new List<double>();
            for (int g = 0; g < groups.Count; g++)
            {
                var r = rows.First(x => x.Band == groups[g].Band && x.Statistic == groups[g].Statistic && x.Method == methods[m]);
                double x = g + (m - (methods.Count - 1) / 2.0) * 0.2;
                if (!double.IsFinite(r.Coverage)) continue;
                xs.Add(x); ys.Add(r.Coverage);
                var bar = plt.Add.Line(x, Math.Max(0, r.Coverage - 2 * r.CoverageSe), x, Math.Min(1, r.Coverage + 2 * r.CoverageSe));
                bar.Color = color; bar.LineWidth = 2;
            }
            var sp = plt.Add.Scatter(xs.ToArray(), ys.ToArray());
            sp.LineWidth = 0; sp.MarkerSize = 8; sp.Color = color;
            sp.LegendText = Interval.MethodName(methods[m]);
        }
        var nominal = plt.Add.HorizontalLine(level);
        nominal.Color = ScottPlot.Colors.Gray; nominal.LinePattern = ScottPlot.LinePattern.Dashed;
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(), groups.Select(g => $"{g.Band}\n{g.Statistic}").ToArray());
        plt.ShowLegend();
        plt.Title("Coverage of the fitted truth by frequency band (glovev calibrate)");
        plt.YLabel("coverage");
        Save(plt, path, Math.Max(800, 90 * groups.Count), 600);
    }

    /// <summary>Per pair: GloVe-V SD against document-bootstrap SD (log-log), one colour per band, with the identity line.</summary>
    public static void UncertaintyComparison(IReadOnlyList<GloVeV.Evaluation.UncertaintyPair> pairs, string path)
    {
        var plt = new ScottPlot.Plot();
        ScottPlot.Color[] palette = [ScottPlot.Colors.SteelBlue, ScottPlot.Colors.DarkOrange, ScottPlot.Colors.SeaGreen, ScottPlot.Colors.Purple, ScottPlot.Colors.Red, ScottPlot.Colors.Gray];
        var bands = pairs.Select(p => p.Band).Distinct().ToList();
        double mn = double.PositiveInfinity, mx = double.NegativeInfinity;
        for (int b = 0; b < bands.Count; b++)
        {
            var ps = pairs.Where(p => p.Band == bands[b] && p.GloveVSd > 0 && p.BootstrapSd > 0).ToList();
            if (ps.Count == 0) continue;
            var xs = ps.Select(p => Math.Log10(p.BootstrapSd)).ToArray(); var ys = ps.Select(p => Math.Log10(p.GloveVSd)).ToArray();
            mn = Math.Min(mn, Math.Min(xs.Min(), ys.Min())); mx = Math.Max(mx, Math.Max(xs.Max(), ys.Max()));
            var sp = plt.Add.Scatter(xs, ys);
            sp.LineWidth = 0; sp.MarkerSize = 5; sp.Color = palette[b % palette.Length]; sp.LegendText = $"ranks {bands[b]}";
        }
        if (double.IsFinite(mn)) { var id = plt.Add.Line(mn, mn, mx, mx); id.Color = ScottPlot.Colors.Gray; id.LinePattern = ScottPlot.LinePattern.Dashed; }
        plt.ShowLegend();
        plt.Title("SD of cos(word, nearest neighbour): GloVe-V vs document bootstrap");
        plt.XLabel("log10 bootstrap SD"); plt.YLabel("log10 GloVe-V SD (delta)");
        Save(plt, path, 800, 700);
    }

    /// <summary>The file types a plot can be written as (by the path's extension).</summary>
    public static readonly string[] Extensions = [".png", ".svg"];

    static void Save(ScottPlot.Plot plt, string path, int w, int h)
    {
        // Commands check the path before their work (GloVeV.IO.OutputPaths.CheckNewFile); checked again here for
        // the plots that have no such command option.
        GloVeV.IO.OutputPaths.CheckNewFile(path, "--plot", Extensions);
        var full = GloVeV.IO.OutputPaths.ForNewFile(path);
        var ext = Path.GetExtension(full).ToLowerInvariant();
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}{ext}");
        try
        {
            if (ext == ".png") plt.SavePng(tmp, w, h); else plt.SaveSvg(tmp, w, h);
            File.Move(tmp, full, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GloVeVException($"--plot {path}: cannot write the plot ({e.Message})");
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }
}
