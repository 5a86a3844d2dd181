using GloVeV.Inference;

namespace GloVeV.Evaluation;

/// <summary>RND with its interval (<see cref="Interval"/>, by the chosen method), and z = estimate / sd and p = the
/// method's two-sided p-value of RND = 0, both from that same interval.</summary>
public sealed record RndResult(double Value, Interval Interval, double Z, double PValue, int Neutral, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing);

public sealed record RndLists(IReadOnlyList<string> Group1, IReadOnlyList<string> Group2, IReadOnlyList<string> Neutral);

/// <summary>
/// Relative norm distance (Garg, Schiebinger, Jurafsky &amp; Zou 2018): with every vector scaled to unit length and
/// v1, v2 the mean vectors of the two groups, RND = Σ_{w∈neutral} (‖w − v1‖ − ‖w − v2‖). Negative: the neutral words
/// sit closer to group 1. Its interval and the test of RND = 0 come from <see cref="Propagation.Estimate"/> with the
/// chosen method (RND as a <see cref="Statistic"/> with an analytic gradient). Built on unit vectors, it has no
/// squared norm to debias: the calibrated method's estimate is the plug-in value.
/// </summary>
public static class RelativeNormDistance
{
    /// <summary>RND over slots: group 1, group 2 and the neutral words.</summary>
    public static Statistic Statistic(int[] g1, int[] g2, int[] neutral) => new RndStat(g1, g2, neutral);

    sealed class RndStat(int[] g1, int[] g2, int[] neutral) : Inference.Statistic
    {
        static double[] Unit(double[] x, out double norm)
        {
            norm = NormP(x);
            double inv = norm > 0 ? 1 / norm : 0;
            return x.Select(t => t * inv).ToArray();
        }

        double[] Centre(IReadOnlyList<double[]> u, int[] group)
        {
            int d = u[group[0]].Length;
            var c = new double[d];
            foreach (var s in group) for (int q = 0; q < d; q++) c[q] += u[s][q] / group.Length;
            return c;
        }

        double[][] Units(IReadOnlyList<double[]> v, out double[] norms)
        {
            var n = new double[v.Count];
            var u = new double[v.Count][];
            for (int s = 0; s < v.Count; s++) u[s] = Unit(v[s], out n[s]);
            norms = n;
            return u;
        }

        public override double Value(IReadOnlyList<double[]> v)
        {
            var u = Units(v, out _);
            var c1 = Centre(u, g1); var c2 = Centre(u, g2);
            double total = 0;
            foreach (var s in neutral) total += Distance(u[s], c1) - Distance(u[s], c2);
            return total;
        }

        static double Distance(double[] a, double[] b)
        {
            double t = 0; for (int q = 0; q < a.Length; q++) { double x = a[q] - b[q]; t += x * x; }
            return Math.Sqrt(t);
        }

        public override void AddGradient(IReadOnlyList<double[]> v, double scale, double[][] g)
        {
            var u = Units(v, out var norms);
            int d = u[0].Length;
            var c1 = Centre(u, g1); var c2 = Centre(u, g2);
            // Gradient with respect to the unit vectors, then through u = w/|w|: (I - u uᵀ) g_u / |w|.
            var gu = u.Select(_ => new double[d]).ToArray();
            var sum1 = new double[d]; var sum2 = new double[d];
            foreach (var s in neutral)
            {
                double r1 = Distance(u[s], c1), r2 = Distance(u[s], c2);
                for (int q = 0; q < d; q++)
                {
                    double e1 = r1 > 0 ? (u[s][q] - c1[q]) / r1 : 0, e2 = r2 > 0 ? (u[s][q] - c2[q]) / r2 : 0;
                    gu[s][q] += e1 - e2;
                    sum1[q] += e1; sum2[q] += e2;
                }
            }
            foreach (var s in g1) for (int q = 0; q < d; q++) gu[s][q] -= sum1[q] / g1.Length;
            foreach (var s in g2) for (int q = 0; q < d; q++) gu[s][q] += sum2[q] / g2.Length;
            for (int s = 0; s < u.Length; s++)
            {
                if (norms[s] == 0) continue;
                double proj = DotP(u[s], gu[s]);
                for (int q = 0; q < d; q++) g[s][q] += scale * (gu[s][q] - proj * u[s][q]) / norms[s];
            }
        }

        // Each neutral word contributes ‖u − v1‖ − ‖u − v2‖ ∈ [-2, 2].
        public override (double Lo, double Hi) Bounds => (-2.0 * neutral.Length, 2.0 * neutral.Length);
    }

    sealed record Resolved(int[] Ids, int[] Slot, int N1, int N2, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
    {
        public int[] G1 => Slot[..N1];
        public int[] G2 => Slot[N1..(N1 + N2)];
        public int[] Neutral => Slot[(N1 + N2)..];
    }

    static Resolved Resolve(GloVeModel m, RndLists l, string suffix = "")
    {
        var r1 = WordLists.Resolve(m.Vocabulary, "GROUP1" + suffix, l.Group1);
        var r2 = WordLists.Resolve(m.Vocabulary, "GROUP2" + suffix, l.Group2);
        var rn = WordLists.Resolve(m.Vocabulary, "NEUTRAL" + suffix, l.Neutral);
        var (ids, slot) = Propagation.Slots(r1.Ids.Concat(r2.Ids).Concat(rn.Ids));
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["GROUP1" + suffix] = r1.Missing, ["GROUP2" + suffix] = r2.Missing, ["NEUTRAL" + suffix] = rn.Missing };
        return new Resolved(ids, slot, r1.Ids.Length, r2.Ids.Length, missing);
    }

    public static RndResult Run(Propagation p, RndLists lists, IntervalMethod method = IntervalDefaults.Method, double level = IntervalDefaults.Level,
        int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        var r = Resolve(p.Model, lists);
        var stat = Statistic(r.G1, r.G2, r.Neutral);
        var iv = CalibrationLimits.ForRnd(p.Estimate(stat, r.Ids, method, level, draws, seed));
        double z = iv.Identifiable && iv.Sd > 0 ? iv.Estimate / iv.Sd : double.NaN;
        return new RndResult(iv.Plugin, iv, z, iv.PValueZero, r.Neutral.Length, r.Missing);
    }

    /// <summary>RND with the first lists minus RND with the second, on one model (shared words enter once), with its own
    /// interval and test of equality.</summary>
    public static BiasDifference Difference(Propagation p, RndLists first, RndLists second, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        var r1 = Resolve(p.Model, first, " (first)"); var r2 = Resolve(p.Model, second, " (second)");
        var (ids, _) = Propagation.Slots(r1.Ids.Concat(r2.Ids));
        int[] Map(Resolved r, int[] s) => s.Select(x => Array.IndexOf(ids, r.Ids[x])).ToArray();
        var s1 = Statistic(Map(r1, r1.G1), Map(r1, r1.G2), Map(r1, r1.Neutral));
        var s2 = Statistic(Map(r2, r2.G1), Map(r2, r2.G2), Map(r2, r2.Neutral));
        var vecs = ids.Select(p.Model.Vector).ToArray();
        var iv = CalibrationLimits.ForRnd(p.Estimate(s1 - s2, ids, method, level, draws, seed));
        return new BiasDifference(s1.Value(vecs), s2.Value(vecs), iv);
    }
}
