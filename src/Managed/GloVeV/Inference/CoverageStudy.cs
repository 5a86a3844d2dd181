using System.Globalization;
using System.Text;
using GloVeV.Training;

namespace GloVeV.Inference;

/// <summary>The other words of the simulated model, whose σ² the calibrated method's prior (<see cref="VariancePrior"/>) is
/// fitted to with the studied words': <see cref="Words"/> of them, each with the studied words' |K| and a true σ² of
/// the studied words' times exp(<see cref="Offset"/> + <see cref="Spread"/> z), z standard normal, so Spread = 0 is a model
/// whose words share one noise level, larger values one whose σ² differ beyond their context counts, and an Offset makes
/// the studied words atypical of their model (their σ² exp(-Offset) times the others' typical one). Their s² are σ² χ²_d/d draws, which is
/// exactly the distribution of RSS/(|K| - D) of an exact-model fit. <see cref="None"/>: no other words, no prior (each
/// word's own σ² with |K| - D degrees of freedom).</summary>
public sealed record NoisePopulation(int Words, double Spread, double Offset = 0)
{
    public static readonly NoisePopulation None = new(0, 0);
    /// <summary>The study's default: 200 other words sharing the studied words' noise level.</summary>
    public static readonly NoisePopulation Shared = new(200, 0);
    public string Label => Words == 0 ? "no prior" : string.Format(CultureInfo.InvariantCulture,
        "{0} other words, ln sigma^2 = the studied words' + {1} + {2} z", Words, Offset, Spread);

    /// <summary>The studied words' covariances, factors and degrees of freedom as the calibrated method takes them: their
    /// σ² (<paramref name="fitted"/>, all with |K| = <paramref name="contexts"/>) moderated by the prior a model with these
    /// other words would fit (the other words drawn from their own seeded stream, so the studied fits do not change).</summary>
    public (double[]?[] Cov, double[]?[] L, double[] Dof) Moderate(ulong seed, int rep, double sigma2, double[]?[] cov, double[]?[] l,
        double[] fitted, int dof, int contexts)
    {
        var prior = VariancePrior.None;
        if (Words > 0)
        {
            var rng = new SplitMix64(SplitMix64.Derive(seed ^ 0xBAC6, (ulong)rep));
            var s2 = new List<double>(fitted);
            for (int j = 0; j < Words; j++)
                s2.Add(sigma2 * Math.Exp(Offset + Spread * rng.NextGaussian()) * IntervalEngine.ChiSquare(ref rng, dof) / dof);
            prior = VariancePrior.Fit(s2, Enumerable.Repeat((double)dof, s2.Count).ToArray(), Enumerable.Repeat((double)contexts, s2.Count).ToArray());
        }
        int n = cov.Length;
        var mc = new double[]?[n]; var ml = new double[]?[n]; var md = new double[n];
        for (int w = 0; w < n; w++) (mc[w], ml[w], md[w]) = prior.Apply(cov[w], l[w], fitted[w], dof, contexts);
        return (mc, ml, md);
    }
}

/// <summary>One cell of the coverage study: a method's results over the replications.</summary>
public sealed record CoverageCell(double Rho, double NoiseRatio, int Dof, IntervalMethod Method, int Reps,
    double Coverage, double NotIdentifiable, double MedianWidth, double Rejection, double DiffNotIdentifiable, double MeanNoiseRatio);

/// <summary>
/// Known-truth coverage study where GloVe-V's model holds exactly (f = 1, biases known): per replication and word, fresh
/// contexts C (|K| x D, entries N(0,1)), log X = C w + ε with ε ~ N(0, s²), the WLS fit w_hat = H⁻¹Cᵀy (H = CᵀC),
/// σ²_hat = RSS/(|K| - D) and Σ_hat = σ²_hat H⁻¹, exactly as the variance engine computes them. Three words a, b, c with
/// unit norm and cos(a,b) = cos(a,c) = ρ; s² is set so that E tr(Σ)/||w||² = NR for every word. Reported per method:
/// coverage of cos(a,b) (a not-identifiable answer counts as covering), the share of not-identifiable answers, the median
/// width of the others, and how often the test of cos(a,b) = cos(a,c) (a true null) rejects at level 1 - <c>level</c>
/// (rejects = 0 outside the interval of the difference) among the replications where the difference is identifiable
/// (the test is not performed on a not-identifiable answer; that share is <see cref="CoverageCell.DiffNotIdentifiable"/>).
/// </summary>
public static class CoverageStudy
{
    public static readonly double[] Rhos = [0.1, 0.5, 0.9];
    public static readonly double[] NoiseRatios = [0.1, 0.5, 1, 2];

    public static IReadOnlyList<CoverageCell> Run(double rho, double nr, int dim, int contexts, int reps, ulong seed,
        IntervalMethod[] methods, int draws = IntervalDefaults.Samples, double level = IntervalDefaults.Level, int threads = 0,
        NoisePopulation? population = null)
    {
        population ??= NoisePopulation.Shared;
        int dof = contexts - dim;
        if (dof < 1) throw new GloVeVException($"coverage study: contexts ({contexts}) must exceed the dimension ({dim})");
        double s2 = nr * (contexts - dim - 1.0) / dim; // E tr((CᵀC)⁻¹) = D/(K - D - 1) for Gaussian C
        if (dof <= 1) s2 = nr * 1.0 / dim;
        var truth = new double[3][];
        for (int w = 0; w < 3; w++) truth[w] = new double[dim];
        truth[0][0] = 1;
        truth[1][0] = rho; truth[1][1] = Math.Sqrt(1 - rho * rho);
        truth[2][0] = rho; truth[2][2] = Math.Sqrt(1 - rho * rho);
        int m = methods.Length;
        var cover = new int[m]; var ni = new int[m]; var rej = new int[m]; var dni = new int[m];
        var widths = methods.Select(_ => new List<double>()).ToArray();
        double nrSum = 0;
        var gate = new object();
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, reps, po, () => new Local(m), (r, _, loc) =>
        {
            var rng = new SplitMix64(SplitMix64.Derive(seed, (ulong)r));
            var v = new double[3][]; var cov = new double[3][]; var l = new double[]?[3]; var fitted = new double[3];
            double nrr = 0;
            for (int w = 0; w < 3; w++)
            {
                (v[w], cov[w], l[w], fitted[w]) = Fit(ref rng, truth[w], dim, contexts, Math.Sqrt(s2));
                if (w == 0) for (int q = 0; q < dim; q++) nrr += cov[w][q * dim + q];
            }
            loc.Nr += nrr;
            // The calibrated method's σ² are moderated by the prior of the model these words belong to.
            var (mcov, ml, mdof) = population.Moderate(seed, r, s2, cov, l, fitted, dof, contexts);
            var pair = Statistic.Cosine(0, 1);
            var diff = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2);
            ulong s = SplitMix64.Derive(seed ^ 0xC0FFEE, (ulong)r);
            for (int k = 0; k < m; k++)
            {
                bool cal = methods[k] == IntervalMethod.Calibrated;
                var (c, f, dofs) = cal ? (mcov, ml, mdof) : (cov, l, new double[] { dof, dof, dof });
                var iv = Estimate(methods[k], pair, [v[0], v[1]], [c[0], c[1]], [f[0], f[1]], [dofs[0], dofs[1]], level, draws, s);
                if (!iv.Identifiable) { loc.Ni[k]++; loc.Cover[k]++; }
                else
                {
                    if (iv.Lo <= rho && rho <= iv.Hi) loc.Cover[k]++;
                    loc.Widths[k].Add(iv.Hi - iv.Lo);
                }
                var dv = Estimate(methods[k], diff, v, c, f, dofs, level, draws, s + 1);
                if (!dv.Identifiable) loc.Dni[k]++;
                else if (dv.Lo > 0 || dv.Hi < 0) loc.Rej[k]++;
            }
            return loc;
        }, loc =>
        {
            lock (gate)
            {
                for (int k = 0; k < m; k++) { cover[k] += loc.Cover[k]; ni[k] += loc.Ni[k]; rej[k] += loc.Rej[k]; dni[k] += loc.Dni[k]; widths[k].AddRange(loc.Widths[k]); }
                nrSum += loc.Nr;
            }
        });
        return methods.Select((meth, k) => new CoverageCell(rho, nr, dof, meth, reps, cover[k] / (double)reps, ni[k] / (double)reps,
            Median(widths[k]), reps > dni[k] ? rej[k] / (double)(reps - dni[k]) : double.NaN, dni[k] / (double)reps, nrSum / reps)).ToList();
    }

    sealed class Local(int m)
    {
        public readonly int[] Cover = new int[m], Ni = new int[m], Rej = new int[m], Dni = new int[m];
        public readonly List<double>[] Widths = Enumerable.Range(0, m).Select(_ => new List<double>()).ToArray();
        public double Nr;
    }

    public static Interval Estimate(IntervalMethod method, Statistic stat, double[][] v, double[]?[] cov, double[]?[] l, double[] dof,
        double level, int draws, ulong seed) => method switch
    {
        IntervalMethod.Delta => IntervalEngine.Delta(stat, v, cov, level),
        IntervalMethod.Sample => IntervalEngine.Composition(stat, v, l, level, draws, seed),
        _ => IntervalEngine.Calibrated(stat, v, cov, l, dof, level, draws, seed),
    };

    internal static double Median(List<double> x)
    {
        if (x.Count == 0) return double.NaN;
        var s = x.Order().ToArray();
        return IntervalEngine.Quantile(s, 0.5);
    }

    /// <summary>One word's WLS fit: (w_hat, Σ_hat, lower Cholesky factor of Σ_hat, σ²_hat).</summary>
    internal static (double[] W, double[] Cov, double[] L, double Sigma2) Fit(ref SplitMix64 rng, double[] w, int d, int k, double s)
    {
        var c = new double[k * d];
        var y = new double[k];
        for (int t = 0; t < k; t++)
        {
            double mu = 0;
            for (int q = 0; q < d; q++) { double x = rng.NextGaussian(); c[t * d + q] = x; mu += x * w[q]; }
            y[t] = mu + s * rng.NextGaussian();
        }
        var h = new double[d * d];
        var rhs = new double[d];
        for (int t = 0; t < k; t++)
            for (int q = 0; q < d; q++)
            {
                double cq = c[t * d + q];
                rhs[q] += cq * y[t];
                for (int u = 0; u <= q; u++) h[q * d + u] += cq * c[t * d + u];
            }
        var lh = Cholesky(h, d) ?? throw new InvalidOperationException("simulated H is singular");
        // H^-1 = L^-T L^-1: invert L, then the product.
        var li = new double[d * d];
        for (int col = 0; col < d; col++)
        {
            for (int row = col; row < d; row++)
            {
                double acc = row == col ? 1 : 0;
                for (int u = col; u < row; u++) acc -= lh[row * d + u] * li[u * d + col];
                li[row * d + col] = acc / lh[row * d + row];
            }
        }
        var hinv = new double[d * d];
        for (int q = 0; q < d; q++)
            for (int u = 0; u < d; u++)
            {
                double acc = 0;
                for (int t = Math.Max(q, u); t < d; t++) acc += li[t * d + q] * li[t * d + u];
                hinv[q * d + u] = acc;
            }
        var wh = new double[d];
        for (int q = 0; q < d; q++) { double acc = 0; for (int u = 0; u < d; u++) acc += hinv[q * d + u] * rhs[u]; wh[q] = acc; }
        double rss = 0;
        for (int t = 0; t < k; t++)
        {
            double e = y[t];
            for (int q = 0; q < d; q++) e -= c[t * d + q] * wh[q];
            rss += e * e;
        }
        double sigma2 = rss / (k - d);
        var cov = hinv.Select(x => x * sigma2).ToArray();
        var l = Cholesky(cov, d) ?? throw new InvalidOperationException("simulated Sigma is singular");
        return (wh, cov, l, sigma2);
    }

    /// <summary>Lower Cholesky factor (row-major) of the lower triangle of a, or null if not positive definite.</summary>
    static double[]? Cholesky(double[] a, int d)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double acc = a[i * d + j];
                for (int u = 0; u < j; u++) acc -= l[i * d + u] * l[j * d + u];
                if (i == j) { if (acc <= 0) return null; l[i * d + i] = Math.Sqrt(acc); }
                else l[i * d + j] = acc / l[j * d + j];
            }
        return l;
    }

    /// <summary>The full grid as a markdown table (rows: ρ, NR, |K| - D; per method coverage, not-identifiable share,
    /// median width and rejection rate of the true-null test).</summary>
    public static string Table(int dim, int[] contexts, int reps, ulong seed, IntervalMethod[] methods, int draws, Action<string>? progress = null,
        double[]? rhos = null, double[]? noiseRatios = null, NoisePopulation? population = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("| |K|-D | rho | NR |");
        foreach (var m in methods) sb.Append($" {Interval.MethodName(m)}: cover / n.i. / width / reject (n.i. diff) |");
        sb.AppendLine();
        sb.Append("|---|---|---|").Append(string.Concat(methods.Select(_ => "---|"))).AppendLine();
        progress?.Invoke(sb.ToString().TrimEnd());
        foreach (int k in contexts)
            foreach (double rho in rhos ?? Rhos)
                foreach (double nr in noiseRatios ?? NoiseRatios)
                {
                    var cells = Run(rho, nr, dim, k, reps, seed, methods, draws, population: population);
                    var line = new StringBuilder($"| {k - dim} | {rho.ToString(inv)} | {nr.ToString(inv)} |");
                    foreach (var c in cells)
                        line.Append(string.Format(inv, " {0:F3} / {1:F3} / {2:F3} / {3:F3} ({4:F2}) |", c.Coverage, c.NotIdentifiable, c.MedianWidth, c.Rejection, c.DiffNotIdentifiable));
                    sb.AppendLine(line.ToString());
                    progress?.Invoke(line.ToString());
                }
        return sb.ToString();
    }
}
