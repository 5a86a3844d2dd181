using System.Globalization;
using System.Text;
using GloVeV.Inference;
using GloVeV.Training;

namespace GloVeV.Evaluation;

/// <summary>One cell of the bias-score coverage study.</summary>
public sealed record BiasCoverageCell(string Score, double NoiseRatio, int Dof, IntervalMethod Method, int Reps, double Truth,
    double Coverage, double NotIdentifiable, double MedianWidth, double Rejection, double DiffNotIdentifiable);

/// <summary>
/// Known-truth coverage of the WEAT effect size and of the relative norm distance, in the setting of
/// <see cref="CoverageStudy"/> (every word's vector a fresh exact WLS fit with E tr Σ/||w||² = NR, D = 20). True vectors
/// (fixed across replications, unit norm): WEAT X near A, Y near B (4 words each); RND groups of 3 and 5 neutral words.
/// The difference tested is between two sets of lists with the same true score that share words (the paper's third
/// experiment under its null): A' is A mirrored in coordinates that X, Y and B do not use, N' is N mirrored in
/// coordinates the groups do not use, so cosines, and the scores, are unchanged.
/// </summary>
public static class BiasCoverageStudy
{
    const int Dim = 20;

    static double[] Unit(double[] x)
    {
        double n = Math.Sqrt(x.Sum(t => t * t));
        return x.Select(t => t / n).ToArray();
    }

    /// <summary>A unit vector: weight on direction <paramref name="axis"/> plus noise in coordinates [from, to).</summary>
    static double[] Near(ref SplitMix64 rng, int axis, double weight, int from, int to)
    {
        var x = new double[Dim];
        for (int q = from; q < to; q++) x[q] = rng.NextGaussian() * 0.5;
        x[axis] += weight;
        return Unit(x);
    }

    static double[] Mirror(double[] x, int from) => x.Select((t, q) => q >= from ? -t : t).ToArray();

    /// <summary>True vectors and the two statistics (score, difference of scores) over their slots.</summary>
    static (double[][] Truth, Statistic Score, Statistic Diff) Design(string score)
    {
        var rng = new SplitMix64(7);
        if (score == "weat")
        {
            // Slots: X 0-3, Y 4-7, A 8-11, B 12-15, A' 16-19. X, Y, B use coordinates 0-9; A also 10-19.
            var t = new double[20][];
            for (int i = 0; i < 4; i++) t[i] = Near(ref rng, 0, 1.0, 2, 10);
            for (int i = 4; i < 8; i++) t[i] = Near(ref rng, 1, 1.0, 2, 10);
            for (int i = 8; i < 12; i++) t[i] = Near(ref rng, 0, 1.0, 2, 20);
            for (int i = 12; i < 16; i++) t[i] = Near(ref rng, 1, 1.0, 2, 10);
            for (int i = 16; i < 20; i++) t[i] = Mirror(t[i - 8], 10);
            int[] R(int a, int n) => Enumerable.Range(a, n).ToArray();
            var (_, e1) = Weat.Statistics(R(0, 4), R(4, 4), R(8, 4), R(12, 4));
            var (_, e2) = Weat.Statistics(R(0, 4), R(4, 4), R(16, 4), R(12, 4));
            return (t, e1, e1 - e2);
        }
        else
        {
            // Slots: G1 0-2, G2 3-5, N 6-10, N' 11-15. Groups use coordinates 0-9; N also 10-19.
            var t = new double[16][];
            for (int i = 0; i < 3; i++) t[i] = Near(ref rng, 0, 1.0, 2, 10);
            for (int i = 3; i < 6; i++) t[i] = Near(ref rng, 1, 1.0, 2, 10);
            for (int i = 6; i < 11; i++) t[i] = Near(ref rng, 0, 0.8, 1, 20);
            for (int i = 11; i < 16; i++) t[i] = Mirror(t[i - 5], 10);
            var s1 = RelativeNormDistance.Statistic([0, 1, 2], [3, 4, 5], [6, 7, 8, 9, 10]);
            var s2 = RelativeNormDistance.Statistic([0, 1, 2], [3, 4, 5], [11, 12, 13, 14, 15]);
            return (t, s1, s1 - s2);
        }
    }

    public static IReadOnlyList<BiasCoverageCell> Run(string score, double nr, int contexts, int reps, ulong seed, IntervalMethod[] methods,
        int draws = IntervalDefaults.Samples, double level = IntervalDefaults.Level, NoisePopulation? population = null)
    {
        population ??= NoisePopulation.Shared;
        if (score != "weat" && score != "rnd") throw new GloVeVException($"score must be weat or rnd, got '{score}'");
        int dof = contexts - Dim;
        if (dof < 1) throw new GloVeVException($"coverage study: contexts ({contexts}) must exceed the dimension ({Dim})");
        double s2 = nr * (contexts - Dim - 1.0) / Dim;
        var (truth, stat, diff) = Design(score);
        double theta = stat.Value(truth);
        int n = truth.Length, m = methods.Length;
        var cover = new int[m]; var ni = new int[m]; var rej = new int[m]; var dni = new int[m];
        var widths = methods.Select(_ => new List<double>()).ToArray();
        var gate = new object();
        // The score uses the first slots; the difference all of them.
        int scoreSlots = score == "weat" ? 16 : 11;
        Parallel.For(0, reps, r =>
        {
            var rng = new SplitMix64(SplitMix64.Derive(seed, (ulong)r));
            var v = new double[n][]; var cov = new double[]?[n]; var l = new double[]?[n]; var fitted = new double[n];
            for (int w = 0; w < n; w++) (v[w], cov[w], l[w], fitted[w]) = CoverageStudy.Fit(ref rng, truth[w], Dim, contexts, Math.Sqrt(s2));
            var dofs = Enumerable.Repeat((double)dof, n).ToArray();
            // The calibrated method's σ² are moderated by the prior of the model these words belong to.
            var (mcov, ml, mdof) = population.Moderate(seed, r, s2, cov, l, fitted, dof, contexts);
            ulong s = SplitMix64.Derive(seed ^ 0xB1A5, (ulong)r);
            var res = new (bool Ni, bool Cover, double Width, bool Dni, bool Rej)[m];
            for (int k = 0; k < m; k++)
            {
                var (c, f, dd) = methods[k] == IntervalMethod.Calibrated ? (mcov, ml, mdof) : (cov, l, dofs);
                var iv = CoverageStudy.Estimate(methods[k], stat, v[..scoreSlots], c[..scoreSlots], f[..scoreSlots], dd[..scoreSlots], level, draws, s);
                var dv = CoverageStudy.Estimate(methods[k], diff, v, c, f, dd, level, draws, s + 1);
                res[k] = (!iv.Identifiable, !iv.Identifiable || (iv.Lo <= theta && theta <= iv.Hi), iv.Identifiable ? iv.Hi - iv.Lo : double.NaN,
                    !dv.Identifiable, dv.Identifiable && (dv.Lo > 0 || dv.Hi < 0));
            }
            lock (gate)
                for (int k = 0; k < m; k++)
                {
                    if (res[k].Ni) ni[k]++;
                    if (res[k].Cover) cover[k]++;
                    if (!res[k].Ni) widths[k].Add(res[k].Width);
                    if (res[k].Dni) dni[k]++;
                    if (res[k].Rej) rej[k]++;
                }
        });
        return methods.Select((meth, k) => new BiasCoverageCell(score, nr, dof, meth, reps, theta, cover[k] / (double)reps, ni[k] / (double)reps,
            CoverageStudy.Median(widths[k]), reps > dni[k] ? rej[k] / (double)(reps - dni[k]) : double.NaN, dni[k] / (double)reps)).ToList();
    }

    /// <summary>The grid (score x |K| - D x NR) as a markdown table.</summary>
    public static string Table(int[] contexts, double[] noiseRatios, int reps, ulong seed, IntervalMethod[] methods, int draws, Action<string>? progress = null,
        NoisePopulation? population = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("| score (truth) | |K|-D | NR |");
        foreach (var m in methods) sb.Append($" {Interval.MethodName(m)}: cover / n.i. / width / reject (n.i. diff) |");
        sb.AppendLine();
        sb.Append("|---|---|---|").Append(string.Concat(methods.Select(_ => "---|"))).AppendLine();
        progress?.Invoke(sb.ToString().TrimEnd());
        foreach (var score in new[] { "weat", "rnd" })
            foreach (int k in contexts)
                foreach (double nr in noiseRatios)
                {
                    var cells = Run(score, nr, k, reps, seed, methods, draws, population: population);
                    var line = new StringBuilder(string.Format(inv, "| {0} ({1:F3}) | {2} | {3} |", score == "weat" ? "WEAT effect size" : "RND", cells[0].Truth, k - Dim, nr));
                    foreach (var c in cells)
                        line.Append(string.Format(inv, " {0:F3} / {1:F3} / {2:F3} / {3:F3} ({4:F2}) |", c.Coverage, c.NotIdentifiable, c.MedianWidth, c.Rejection, c.DiffNotIdentifiable));
                    sb.AppendLine(line.ToString());
                    progress?.Invoke(line.ToString());
                }
        return sb.ToString();
    }
}
