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

    public static Statistic Cosine(int a, int b) => new CosineStat(a, b);
    public static Statistic Dot(int a, int b) => new DotStat(a, b);
    public static Statistic Distance(int a, int b) => new DistanceStat(a, b);
    public static Statistic Norm(int a) => new NormStat(a);
    public static Statistic Lin(params (double Coef, Statistic Term)[] terms) => new LinStat(terms);
    public static Statistic operator -(Statistic x, Statistic y) => new LinStat([(1, x), (-1, y)]);
    public static Statistic operator +(Statistic x, Statistic y) => new LinStat([(1, x), (1, y)]);

    internal static double DotP(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    internal static double NormP(double[] a) => Math.Sqrt(DotP(a, a));

    sealed class CosineStat(int a, int b) : Statistic
    {
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
        public override double Value(IReadOnlyList<double[]> v) => DotP(v[a], v[b]);
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            for (int q = 0; q < v[a].Length; q++) { g[a][q] += scale * v[b][q]; g[b][q] += scale * v[a][q]; }
        }
    }

    sealed class DistanceStat(int a, int b) : Statistic
    {
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
        public override double Value(IReadOnlyList<double[]> v) => NormP(v[a]);
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            double n = NormP(v[a]);
            if (n == 0) return;
            for (int q = 0; q < v[a].Length; q++) g[a][q] += scale * v[a][q] / n;
        }
    }

    sealed class LinStat((double Coef, Statistic Term)[] terms) : Statistic
    {
        public override double Value(IReadOnlyList<double[]> v) => terms.Sum(t => t.Coef * t.Term.Value(v));
        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            foreach (var t in terms) t.Term.AddGradient(v, scale * t.Coef, g);
        }
    }
}
