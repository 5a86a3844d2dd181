namespace GloVeV.Inference;

/// <summary>
/// A scalar function of word vectors with an analytic gradient. Words are referred to by slot; a word used in
/// several terms has one slot, so its gradient is the sum over terms (the combined gradient of the delta method).
/// Compose with <see cref="Lin"/>: e.g. cos(a,b) - cos(c,d).
/// </summary>
public abstract class Statistic
{
    public abstract double Value(IReadOnlyList<double[]> v);
    /// <summary>Adds scale * d(value)/d(v[slot]) into g[slot].</summary>
    public abstract void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g);

    /// <summary>
    /// The statistic with the noise bias of squared norms removed: E||w_hat||^2 = ||w||^2 + tr(Sigma), so norms use
    /// ||w_hat||^2 - tr(Sigma_i) (tr = per-slot traces) and distances ||a - b||^2 - tr(Sigma_a) - tr(Sigma_b); dot
    /// products of independent words are already unbiased. Nothing is floored or clamped: where a debiased squared
    /// norm is <= 0 (the noise is as large as the vector) the value is NaN, which the calibrated method reports as
    /// <see cref="IntervalStatus.NotIdentifiable"/>. A debiased cosine may leave [-1, 1].
    /// </summary>
    public virtual double ValueDebiased(IReadOnlyList<double[]> v, double[] tr) => Value(v);
    /// <summary>Gradient of <see cref="ValueDebiased"/> (traces held fixed); nothing is added where the value is NaN.</summary>
    public virtual void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g) => AddGradient(v, scale, g);

    /// <summary>
    /// Whether the calibrated method also centres this statistic by its bootstrap (minus the median error of its replicates
    /// at the pseudo-truth): the debiased form removes the noise bias of squared norms to first order, but
    /// 1/sqrt(||w||² - tr Σ) is still biased upwards to second order, and the error is skewed. Cosines (and so their
    /// differences and sums) are centred: in the exact-model grid of README (D = 20, 1000 replications a cell) their
    /// true-null difference tests rejected 3.2-7.3% uncentred, 1.7-5.7% centred, and coverage where NR <= 0.5 went from
    /// 0.943-0.971 to 0.946-0.978; through the CLI at D = 10 (600 replications) rejections at NR 0.5 fell from 5.5-9.8% to
    /// 4.1-7.6% and coverage at |K| - D = 5, cosine 0.9, NR 0.1 rose from 0.930 to 0.942. So is the relative norm distance, whose leftover adds up over the
    /// neutral words while their noise averages out (uncentred it covered 0.91-0.92 at NR 0.5). A smooth function of
    /// other statistics (<see cref="Function"/>, the WEAT effect size) is not: centring the effect size dropped its
    /// coverage to 0.87 at NR 0.5 (the sd in its denominator carries its own bias, which the median shift does not
    /// describe), unless it is built with centred: true. A linear combination says true when any of its terms does.
    /// </summary>
    public virtual bool BootstrapBiasCorrected => false;

    /// <summary>The range of values the statistic can take ([-1, 1] for a cosine, [0, inf) for norms and distances,
    /// the matching sums for combinations). An interval covering most of it carries no usable information.</summary>
    public virtual (double Lo, double Hi) Bounds => (double.NegativeInfinity, double.PositiveInfinity);

    internal static double Debiased(double raw, double trace) => raw - trace;

    public static Statistic Cosine(int a, int b) => new CosineStat(a, b);
    public static Statistic Dot(int a, int b) => new DotStat(a, b);
    public static Statistic Distance(int a, int b) => new DistanceStat(a, b);
    public static Statistic Norm(int a) => new NormStat(a);
    public static Statistic Lin(params (double Coef, Statistic Term)[] terms) => new LinStat(terms);
    /// <summary>A smooth function of other statistics: value f(parts), gradient Σ_t ∂f/∂s_t ∇s_t (chain rule), debiased
    /// value f(debiased parts). <paramref name="gradient"/> returns ∂f/∂s_t at the parts' values.</summary>
    /// <remarks>Not centred by the calibrated bootstrap unless <paramref name="centred"/> says so (see
    /// <see cref="BootstrapBiasCorrected"/>): whether a median shift describes a function's bias depends on the function.</remarks>
    public static Statistic Function(Statistic[] parts, Func<double[], double> f, Func<double[], double[]> gradient, (double Lo, double Hi) bounds, bool centred = false) =>
        new FunctionStat(parts, f, gradient, bounds, centred);
    public static Statistic operator -(Statistic x, Statistic y) => new LinStat([(1, x), (-1, y)]);
    public static Statistic operator +(Statistic x, Statistic y) => new LinStat([(1, x), (1, y)]);

    internal static double DotP(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    internal static double NormP(double[] a) => Math.Sqrt(DotP(a, a));

    sealed class CosineStat(int a, int b) : Statistic
    {
        public override bool BootstrapBiasCorrected => true;
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr)
        {
            double pa = Debiased(DotP(v[a], v[a]), tr[a]), pb = Debiased(DotP(v[b], v[b]), tr[b]);
            if (a == b) return pa > 0 ? 1 : double.NaN;
            return pa <= 0 || pb <= 0 ? double.NaN : DotP(v[a], v[b]) / Math.Sqrt(pa * pb);
        }
        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            var x = v[a]; var y = v[b];
            if (a == b) return;
            double px = Debiased(DotP(x, x), tr[a]), py = Debiased(DotP(y, y), tr[b]);
            if (px <= 0 || py <= 0) return;
            double c = DotP(x, y) / Math.Sqrt(px * py), s = Math.Sqrt(px * py);
            // d/dx of dot / sqrt(px py), with px = ||x||^2 - tr: y/s - c x/px.
            for (int q = 0; q < x.Length; q++)
            {
                g[a][q] += scale * (y[q] / s - c * x[q] / px);
                g[b][q] += scale * (x[q] / s - c * y[q] / py);
            }
        }

        public override (double Lo, double Hi) Bounds => (-1, 1);

        public override double Value(IReadOnlyList<double[]> v)
        {
            double na = NormP(v[a]), nb = NormP(v[b]);
            return na == 0 || nb == 0 ? 0 : DotP(v[a], v[b]) / (na * nb);
        }
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            var x = v[a]; var y = v[b];
            double nx = NormP(x), ny = NormP(y);
            if (nx == 0 || ny == 0) return;
            double c = DotP(x, y) / (nx * ny);
            // d cos / dx = y/(|x||y|) - cos x/|x|^2 (and symmetrically for y).
            for (int q = 0; q < x.Length; q++)
            {
                g[a][q] += scale * (y[q] / (nx * ny) - c * x[q] / (nx * nx));
                g[b][q] += scale * (x[q] / (nx * ny) - c * y[q] / (ny * ny));
            }
        }
    }

    sealed class DotStat(int a, int b) : Statistic
    {
        // a.b of two independent words is unbiased; a.a carries + tr(Sigma_a).
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr) => a == b ? DotP(v[a], v[a]) - tr[a] : Value(v);

        public override double Value(IReadOnlyList<double[]> v) => DotP(v[a], v[b]);
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            for (int q = 0; q < v[a].Length; q++) { g[a][q] += scale * v[b][q]; g[b][q] += scale * v[a][q]; }
        }
    }

    sealed class DistanceStat(int a, int b) : Statistic
    {
        public override (double Lo, double Hi) Bounds => (0, double.PositiveInfinity);
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr)
        {
            if (a == b) return 0;
            double s = 0; for (int q = 0; q < v[a].Length; q++) { double d = v[a][q] - v[b][q]; s += d * d; }
            double dd = Debiased(s, tr[a] + tr[b]);
            return dd > 0 ? Math.Sqrt(dd) : double.NaN;
        }
        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            if (a == b) return;
            double raw = 0; for (int q = 0; q < v[a].Length; q++) { double d = v[a][q] - v[b][q]; raw += d * d; }
            double dd = Debiased(raw, tr[a] + tr[b]);
            if (dd <= 0) return;
            double k = 1 / Math.Sqrt(dd);
            for (int q = 0; q < v[a].Length; q++) { double u = (v[a][q] - v[b][q]) * k; g[a][q] += scale * u; g[b][q] -= scale * u; }
        }

        public override double Value(IReadOnlyList<double[]> v)
        {
            double s = 0; for (int q = 0; q < v[a].Length; q++) { double d = v[a][q] - v[b][q]; s += d * d; }
            return Math.Sqrt(s);
        }
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            double dist = Value(v);
            if (dist == 0) return;
            for (int q = 0; q < v[a].Length; q++) { double u = (v[a][q] - v[b][q]) / dist; g[a][q] += scale * u; g[b][q] -= scale * u; }
        }
    }

    sealed class NormStat(int a) : Statistic
    {
        public override (double Lo, double Hi) Bounds => (0, double.PositiveInfinity);
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr)
        {
            double n2 = Debiased(DotP(v[a], v[a]), tr[a]);
            return n2 > 0 ? Math.Sqrt(n2) : double.NaN;
        }
        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            double n2 = Debiased(DotP(v[a], v[a]), tr[a]);
            if (n2 <= 0) return;
            double k = 1 / Math.Sqrt(n2);
            for (int q = 0; q < v[a].Length; q++) g[a][q] += scale * v[a][q] * k;
        }

        public override double Value(IReadOnlyList<double[]> v) => NormP(v[a]);
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            double n = NormP(v[a]);
            if (n == 0) return;
            for (int q = 0; q < v[a].Length; q++) g[a][q] += scale * v[a][q] / n;
        }
    }

    sealed class FunctionStat(Statistic[] parts, Func<double[], double> f, Func<double[], double[]> gradient, (double Lo, double Hi) bounds, bool centred) : Statistic
    {
        public override (double Lo, double Hi) Bounds => bounds;
        public override bool BootstrapBiasCorrected => centred;
        double[] Parts(IReadOnlyList<double[]> v, double[]? tr) => parts.Select(t => tr == null ? t.Value(v) : t.ValueDebiased(v, tr)).ToArray();

        public override double Value(IReadOnlyList<double[]> v) => f(Parts(v, null));
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr)
        {
            var x = Parts(v, tr);
            return x.All(double.IsFinite) ? f(x) : double.NaN;
        }

        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            var dx = gradient(Parts(v, null));
            for (int t = 0; t < parts.Length; t++) if (dx[t] != 0 && double.IsFinite(dx[t])) parts[t].AddGradient(v, scale * dx[t], g);
        }
        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            var x = Parts(v, tr);
            if (!x.All(double.IsFinite)) return;
            var dx = gradient(x);
            for (int t = 0; t < parts.Length; t++) if (dx[t] != 0 && double.IsFinite(dx[t])) parts[t].AddGradientDebiased(v, tr, scale * dx[t], g);
        }
    }

    sealed class LinStat((double Coef, Statistic Term)[] terms) : Statistic
    {
        public override bool BootstrapBiasCorrected => terms.Any(t => t.Term.BootstrapBiasCorrected);
        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr) => terms.Sum(t => t.Coef * t.Term.ValueDebiased(v, tr));
        public override (double Lo, double Hi) Bounds
        {
            get
            {
                double lo = 0, hi = 0;
                foreach (var (c, t) in terms)
                {
                    var (a, b) = t.Bounds;
                    if (c == 0) continue;
                    lo += c > 0 ? c * a : c * b; hi += c > 0 ? c * b : c * a;
                }
                return (double.IsNaN(lo) ? double.NegativeInfinity : lo, double.IsNaN(hi) ? double.PositiveInfinity : hi);
            }
        }
        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            foreach (var t in terms) t.Term.AddGradientDebiased(v, tr, scale * t.Coef, g);
        }

        public override double Value(IReadOnlyList<double[]> v) => terms.Sum(t => t.Coef * t.Term.Value(v));
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            foreach (var t in terms) t.Term.AddGradient(v, scale * t.Coef, g);
        }
    }
}
