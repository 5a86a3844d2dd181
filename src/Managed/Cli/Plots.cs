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

    static void Save(ScottPlot.Plot plt, string path, int w, int h)
    {
        var full = Path.GetFullPath(path);
        var ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext is not (".png" or ".svg")) throw new GloVeVException($"--plot must end in .png or .svg, got '{path}'");
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}{ext}");
        try
        {
            if (ext == ".png") plt.SavePng(tmp, w, h); else plt.SaveSvg(tmp, w, h);
            File.Move(tmp, full, true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }
}
