using GloVeV.Native;
using GloVeV.Training;

namespace GloVeV.Inference;

/// <summary>
/// The interval methods on plain arrays (one slot per distinct word): vectors <c>v[s]</c>, covariances <c>cov[s]</c>
/// (row-major D x D, null = held fixed), sampling factors <c>l[s]</c> (L Lᵀ = Σ) and the degrees of freedom of each
/// word's σ² (|K| - D, or more with a prior; 0 or +∞ = treat σ² as known). <see cref="Propagation"/> feeds it from a model; the coverage study
/// (<see cref="CoverageStudy"/>) feeds it simulated fits, so both run the same code.
/// </summary>
public static class IntervalEngine
{
    /// <summary>The calibrated interval is reported as not identifiable when, clipped to the statistic's range, it
    /// still covers more than this share of that range (for a cosine: more than 1.8 of [-1, 1]'s 2).</summary>
    public const double MaxRangeShare = 0.9;
    /// <summary>The calibrated interval needs the statistic defined (debiased squared norms > 0) in at least this share
    /// of its bootstrap replicates (the answer is conditional on the statistic being defined). A stricter guard trades
    /// the test's size for coverage in the noisiest cells: with 4/5, |K| - D = 5, cosine 0.9, NR 2 covers 0.945 instead
    /// of 0.921, but a test of two cosines that is still reported rejects a true null 11-17% of the time where NR >= 1
    /// (against 5-7% with one half).</summary>
    public const double MinDefinedShare = 0.5;

    public static double Z(double level)
    {
        if (!(level > 0 && level < 1)) throw new GloVeVException($"confidence level ({GloVeVException.Setting("level")}) must be in (0, 1), got {level}");
        return NormalDistribution.Quantile(0.5 + level / 2);
    }

    static double Trace(double[]? c, int d)
    {
        if (c == null) return 0;
        double t = 0; for (int q = 0; q < d; q++) t += c[q * d + q];
        return t;
    }

    static double Variance(Statistic stat, IReadOnlyList<double[]> v, double[]?[] cov, double[]? scale, double[]? tr)
    {
        int d = v[0].Length;
        var g = new double[v.Count][];
        for (int s = 0; s < g.Length; s++) g[s] = new double[d];
        if (tr != null) stat.AddGradientDebiased(v, tr, 1, g); else stat.AddGradient(v, 1, g);
        double var = 0;
        for (int s = 0; s < g.Length; s++)
            if (cov[s] != null) var += (scale?[s] ?? 1) * CovarianceMath.Quadratic(g[s], cov[s]);
        return var;
    }

    /// <summary>The paper's delta method at the plug-in vectors.</summary>
    public static Interval Delta(Statistic stat, double[][] v, double[]?[] cov, double level)
    {
        double value = stat.Value(v);
        double sd = Math.Sqrt(Math.Max(0, Variance(stat, v, cov, null, null))), z = Z(level);
        return new Interval(value, value, sd, value - z * sd, value + z * sd, IntervalMethod.Delta, level)
        {
            PValueZero = sd > 0 ? NormalDistribution.TwoSidedP(value / sd) : double.NaN,
        };
    }

    /// <summary>Draws every slot's vector <paramref name="draws"/> times around <paramref name="centre"/> (seeded).</summary>
    public static void Draw(double[][] centre, double[]?[] l, int draws, ulong seed, Action<int, IReadOnlyList<double[]>> visit)
    {
        if (draws < 2) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be at least 2, got {draws}");
        int d = centre[0].Length;
        var cur = centre.Select(_ => new double[d]).ToArray();
        var z = new double[d];
        var rng = new SplitMix64(seed);
        for (int k = 0; k < draws; k++)
        {
            for (int s = 0; s < centre.Length; s++)
            {
                for (int q = 0; q < d; q++) z[q] = rng.NextGaussian();
                CovarianceMath.Draw(centre[s], l[s], z, cur[s]);
            }
            visit(k, cur);
        }
    }

    /// <summary>The paper's method of composition: draws w ~ N(w_hat, Σ), interval = percentiles of the statistic over
    /// them; see <see cref="Summarise"/> for its centre.</summary>
    public static Interval Composition(Statistic stat, double[][] v, double[]?[] l, double level, int draws, ulong seed)
    {
        Z(level);
        double value = stat.Value(v);
        var vals = new double[draws];
        Draw(v, l, draws, seed, (k, w) => vals[k] = stat.Value(w));
        return Summarise(value, vals, level);
    }

    /// <summary>The method of composition's summary of draws: the central percentile interval, centred (estimate) on the
    /// draws' median, which every central percentile interval contains; the paper's point estimate, the mean of the draws,
    /// is reported beside it as <see cref="Interval.Mean"/>, but it can fall outside the percentiles (at level 0.01 it did
    /// for 121 of 152 fixture pairs), and an interval must contain the estimate it is reported with.</summary>
    public static Interval Summarise(double value, double[] draws, double level)
    {
        double mean = draws.Average();
        double sd = Math.Sqrt(draws.Sum(x => (x - mean) * (x - mean)) / (draws.Length - 1));
        var sorted = draws.Order().ToArray();
        return new Interval(value, mean, sd, Quantile(sorted, (1 - level) / 2), Quantile(sorted, (1 + level) / 2), IntervalMethod.Sample, level)
        {
            Estimate = Quantile(sorted, 0.5),
            PValueZero = sd > 0 ? NormalDistribution.TwoSidedP(mean / sd) : double.NaN,
        };
    }

    /// <summary>Linear-interpolation quantile of sorted data (numpy's default).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h), hi = Math.Min(sorted.Length - 1, lo + 1);
        if (double.IsPositiveInfinity(sorted[hi])) return h == lo && !double.IsPositiveInfinity(sorted[lo]) ? sorted[lo] : double.PositiveInfinity;
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>
    /// The calibrated method. Estimate T = the debiased statistic at w_hat; sd = its delta-method sd. The distribution of
    /// the studentized error t = (T - θ)/sd is taken from a parametric bootstrap: a pseudo-truth w° = w_hat scaled to its
    /// debiased norm sqrt(||w_hat||² - tr Σ) (the truth's expected norm), draws w* ~ N(w°, Σ) and σ²* = σ² χ²_ν/ν (ν = |K| - D;
    /// Σ* = σ²*/σ² Σ), T* and sd* recomputed exactly as for the data, θ° = the statistic at w°. The interval is
    /// T ± q·sd with q the level quantile of |t*| (symmetric, so it always contains T); for a statistic that is
    /// <see cref="Statistic.BootstrapBiasCorrected"/>, T is first shifted by the replicates' median error, b = median(T*) - θ°,
    /// and t* = (T* - b - θ°)/sd*; replicates whose debiased squared
    /// norm is <= 0 are left out (the answer is conditional on the statistic being defined). The p-value of "statistic = 0" is (1 + #{|t*| >= |T|/sd})/(B + 1), B the number of defined replicates.
    /// Not identifiable: T undefined (a debiased squared norm <= 0), q infinite, or the interval clipped to the
    /// statistic's range covering more than <see cref="MaxRangeShare"/> of it.
    /// </summary>
    public static Interval Calibrated(Statistic stat, double[][] v, double[]?[] cov, double[]?[] l, double[] dof, double level, int draws, ulong seed)
    {
        double z = Z(level);
        if (draws < 2) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be at least 2, got {draws}");
        int n = v.Length, d = v[0].Length;
        double plugin = stat.Value(v);
        var tr = cov.Select(c => Trace(c, d)).ToArray();
        double est = stat.ValueDebiased(v, tr);
        // No centre, sd or p-value either, whatever the reason: numbers beside a status that says the data carry no
        // information would look precise (an interval covering most of [-1, 1] still had an estimate, sd and p, an
        // undefined bootstrap an estimate and sd, an undefined estimate nothing). The plug-in value stays.
        Interval NotIdentifiable(IntervalReason code, string why) =>
            new(plugin, double.NaN, double.NaN, double.NaN, double.NaN, IntervalMethod.Calibrated, level) { Estimate = double.NaN, Status = IntervalStatus.NotIdentifiable, ReasonCode = code, Reason = why };
        if (!double.IsFinite(est))
            return NotIdentifiable(IntervalReason.DebiasedNormNotPositive, "the debiased statistic is undefined: a debiased squared norm ||w||^2 - tr(Sigma) or squared distance is <= 0 (the noise is as large as the vector)");
        double se = Math.Sqrt(Math.Max(0, Variance(stat, v, cov, null, tr)));
        if (se == 0)
            return new Interval(plugin, est, 0, est, est, IntervalMethod.Calibrated, level) { Estimate = est };

        // Pseudo-truth: each word shrunk to its debiased norm (0 where that is <= 0).
        var vp = new double[n][];
        for (int s = 0; s < n; s++)
        {
            double n2 = Statistic.DotP(v[s], v[s]);
            double k = cov[s] == null || n2 == 0 ? 1 : Math.Sqrt(Math.Max(0, n2 - tr[s]) / n2);
            vp[s] = v[s].Select(x => x * k).ToArray();
        }
        double theta = stat.Value(vp);
        if (!double.IsFinite(theta))
            return NotIdentifiable(IntervalReason.DebiasedNormNotPositive, "the pseudo-truth has a zero vector (a debiased squared norm is <= 0)");

        var (tStar, abst) = Replicates(stat, vp, cov, l, dof, tr, draws, seed);
        // The answer is reported only where the statistic is defined, so its error distribution is the bootstrap's
        // conditional on that: replicates with a debiased squared norm <= 0 are left out (too many -> not identifiable).
        int defined = tStar.Count(double.IsFinite);
        if (defined < MinDefinedShare * draws)
            return NotIdentifiable(IntervalReason.BootstrapUndefined, $"{draws - defined} of {draws} bootstrap replicates have a debiased squared norm <= 0");
        // A statistic whose debiased form keeps a second-order, skewed error (cosines, their sums and differences, RND) is
        // also centred by the bootstrap: minus the median error of its replicates at the pseudo-truth (see
        // Statistic.BootstrapBiasCorrected).
        double bias = stat.BootstrapBiasCorrected ? Quantile(tStar.Where(double.IsFinite).Order().ToArray(), 0.5) - theta : 0;
        est -= bias;
        // |t*| = |T* - b - θ°|/sd*, in place of sd*.
        for (int b = 0; b < draws; b++)
        {
            double t = tStar[b] - bias, sd = abst[b];
            abst[b] = !double.IsFinite(t) ? double.NaN : sd > 0 ? Math.Abs(t - theta) / sd : t == theta ? 0 : double.PositiveInfinity;
        }
        var sorted = abst.Where(x => !double.IsNaN(x)).Order().ToArray();
        double q = Quantile(sorted, level);
        double tObs = Math.Abs(est) / se;
        double p = (1.0 + sorted.Count(x => x >= tObs)) / (sorted.Length + 1.0);
        if (!double.IsFinite(q))
            return NotIdentifiable(IntervalReason.QuantileInfinite, "the bootstrap quantile is infinite");
        double lo = est - q * se, hi = est + q * se;
        var (blo, bhi) = stat.Bounds;
        double clipped = Math.Min(hi, bhi) - Math.Max(lo, blo);
        if (double.IsFinite(bhi - blo) && clipped > MaxRangeShare * (bhi - blo))
            return NotIdentifiable(IntervalReason.CoversRange, $"the interval [{lo:G3}, {hi:G3}] covers more than {MaxRangeShare:P0} of the statistic's range [{blo:G3}, {bhi:G3}]");
        return new Interval(plugin, est, se, lo, hi, IntervalMethod.Calibrated, level) { Estimate = est, PValueZero = p };
    }

    /// <summary>
    /// The calibrated method's bootstrap: T* and sd* per replicate (both NaN where T* is undefined). Draws w* = w° + L z
    /// in the order of <see cref="Draw"/> (so the same seed gives the same replicates) and σ²* = σ² χ²_ν/ν per slot;
    /// batched, because the D x D work dominates: all draws of a slot are one GEMM (Z Lᵀ), and the delta variances
    /// g*ᵀ Σ* g* one GEMM of the stacked gradients with Σ per slot plus a dot per replicate.
    /// </summary>
    static unsafe (double[] T, double[] Sd) Replicates(Statistic stat, double[][] vp, double[]?[] cov, double[]?[] l, double[] dof, double[] tr,
        int draws, ulong seed)
    {
        int n = vp.Length, d = vp[0].Length;
        // Draws go in blocks, so the working buffers (three of n x block x D doubles) stay within 12 MB however many words
        // there are (a block of one draw is a GEMV), except past 128 MB of factors (below), where blocks keep 32 draws.
        // Every BLAS operand lives in a 64-byte aligned buffer at offsets that depend only on (n, D, block): MKL picks
        // kernels by alignment, and the same seed must give the same bits in every call (one pair alone or among many,
        // gv_similarity and gv_similarities).
        int block = Math.Clamp((1 << 19) / Math.Max(1, n * d), 1, 256);
        if (2L * n * ((d * d + 7) & ~7) > 1 << 24) block = Math.Max(block, 32);
        int stride = (block * d + 7) & ~7;
        var zb = new AlignedBuffer(n * stride); var wb = new AlignedBuffer(n * stride); var gb = new AlignedBuffer(n * stride);
        var gsb = new AlignedBuffer(stride);
        // Aligned copies of the factors and covariances: once per call while they take at most 128 MB (as many as the
        // inputs themselves: 90 words at D = 300), else one at a time per block of at least 32 draws.
        int dd = (d * d + 7) & ~7;
        bool keep = 2L * n * dd <= 1 << 24;
        var ab = new AlignedBuffer(keep ? 2 * n * dd : dd);
        if (keep)
            for (int s = 0; s < n; s++)
            {
                l[s]?.AsSpan().CopyTo(new Span<double>(ab.Pointer + (long)(2 * s) * dd, d * d));
                cov[s]?.AsSpan().CopyTo(new Span<double>(ab.Pointer + (long)(2 * s + 1) * dd, d * d));
            }
        double* Factor(int s) { if (keep) return ab.Pointer + (long)(2 * s) * dd; l[s].AsSpan().CopyTo(ab.Span); return ab.Pointer; }
        double* Covariance(int s) { if (keep) return ab.Pointer + (long)(2 * s + 1) * dd; cov[s].AsSpan().CopyTo(ab.Span); return ab.Pointer; }
        var ub = new AlignedBuffer(2 * ((n * d + 7) & ~7));
        var u1 = new Span<double>(ub.Pointer, n * d); var u2 = new Span<double>(ub.Pointer + ((n * d + 7) & ~7), n * d);
        double* Z(int s) => zb.Pointer + (long)s * stride;
        double* W(int s) => wb.Pointer + (long)s * stride;
        double* G(int s) => gb.Pointer + (long)s * stride;
        var scales = new double[n][];
        for (int s = 0; s < n; s++) scales[s] = new double[block];
        var cur = new double[n][]; var g = new double[n][];
        for (int s = 0; s < n; s++) { cur[s] = new double[d]; g[s] = new double[d]; }
        var scale = new double[n];
        var trStar = new double[n];
        var t = new double[draws];
        var sds = new double[draws];
        var variance = new double[block];
        var gen = new SplitMix64(seed);
        var rng = new SplitMix64(SplitMix64.Derive(seed, 0x5eed));
        for (int b0 = 0; b0 < draws; b0 += block)
        {
            int nb = Math.Min(block, draws - b0);
            // SplitMix64.NextGaussian's Box-Muller with its uniforms in the same order (draw by draw, slot by slot), the
            // transcendental functions vectorised over a draw's slots.
            for (int b = 0; b < nb; b++)
            {
                for (int k = 0; k < n * d; k++) { u1[k] = 1.0 - gen.NextDouble(); u2[k] = gen.NextDouble(); }
                System.Numerics.Tensors.TensorPrimitives.Log(u1, u1);
                System.Numerics.Tensors.TensorPrimitives.Multiply(u1, -2.0, u1);
                System.Numerics.Tensors.TensorPrimitives.Sqrt(u1, u1);
                System.Numerics.Tensors.TensorPrimitives.Multiply(u2, 2 * Math.PI, u2);
                System.Numerics.Tensors.TensorPrimitives.Cos(u2, u2);
                for (int s = 0; s < n; s++)
                    System.Numerics.Tensors.TensorPrimitives.Multiply(u1.Slice(s * d, d), u2.Slice(s * d, d), new Span<double>(Z(s) + (long)b * d, d));
            }
            // W*_s (nb x D, row-major) = Z_s L_sᵀ, in column-major terms W*_sᵀ (D x nb) = L_s · Z_sᵀ: L_s row-major is
            // L_sᵀ column-major, hence the transposed A.
            for (int s = 0; s < n; s++)
                if (l[s] != null) DenseLinearAlgebra.GemmTransA(d, nb, d, Factor(s), Z(s), W(s));
            for (int b = 0; b < nb; b++)
            {
                for (int s = 0; s < n; s++)
                {
                    if (l[s] == null) vp[s].CopyTo(cur[s], 0);
                    else
                    {
                        var row = new ReadOnlySpan<double>(W(s) + (long)b * d, d);
                        for (int q = 0; q < d; q++) cur[s][q] = vp[s][q] + row[q];
                    }
                    scale[s] = cov[s] != null && dof[s] > 0 && double.IsFinite(dof[s]) ? ChiSquare(ref rng, dof[s]) / dof[s] : 1;
                    trStar[s] = scale[s] * tr[s];
                    scales[s][b] = scale[s];
                }
                double tb = t[b0 + b] = stat.ValueDebiased(cur, trStar);
                for (int s = 0; s < n; s++) Array.Clear(g[s]);
                if (double.IsFinite(tb)) stat.AddGradientDebiased(cur, trStar, 1, g);
                for (int s = 0; s < n; s++) g[s].CopyTo(new Span<double>(G(s) + (long)b * d, d));
            }
            // var*_b = Σ_s scale_s,b · g_s,bᵀ Σ_s g_s,b; G_s Σ_s (nb x D, row-major) = Σ_s · G_sᵀ column-major (Σ symmetric).
            Array.Clear(variance);
            for (int s = 0; s < n; s++)
            {
                if (cov[s] == null) continue;
                DenseLinearAlgebra.Gemm(d, nb, d, Covariance(s), G(s), gsb.Pointer);
                for (int b = 0; b < nb; b++)
                    variance[b] += scales[s][b] * System.Numerics.Tensors.TensorPrimitives.Dot(
                        new ReadOnlySpan<double>(G(s) + (long)b * d, d), new ReadOnlySpan<double>(gsb.Pointer + (long)b * d, d));
            }
            for (int b = 0; b < nb; b++) sds[b0 + b] = double.IsFinite(t[b0 + b]) ? Math.Sqrt(Math.Max(0, variance[b])) : double.NaN;
        }
        return (t, sds);
    }

    /// <summary>χ²_ν draw: 2·Gamma(ν/2) by Marsaglia and Tsang (2000).</summary>
    public static double ChiSquare(ref SplitMix64 rng, double nu)
    {
        double a = nu / 2.0, boost = 1;
        if (a < 1) { boost = Math.Pow(Math.Max(rng.NextDouble(), 1e-300), 1 / a); a += 1; }
        double dd = a - 1.0 / 3, c = 1 / Math.Sqrt(9 * dd);
        while (true)
        {
            double x = rng.NextGaussian(), t = 1 + c * x;
            if (t <= 0) continue;
            double vv = t * t * t, u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(Math.Max(u, 1e-300)) < 0.5 * x * x + dd * (1 - vv + Math.Log(vv)))
                return 2 * dd * vv * boost;
        }
    }
}
