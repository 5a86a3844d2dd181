using GloVeV.Inference;

namespace GloVeV.Evaluation;

/// <summary>RND with its interval (<see cref="Interval"/>, by the chosen method), and z = estimate / sd and p = the
/// method's two-sided p-value of RND = 0, both from that same interval.</summary>
public sealed record RndResult(double Value, Interval Interval, double Z, double PValue, int Neutral, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
{
    /// <summary>Per list, the words it gave more than once (each counted once).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Repeated { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

public sealed record RndLists(IReadOnlyList<string> Group1, IReadOnlyList<string> Group2, IReadOnlyList<string> Neutral);

/// <summary>
/// Relative norm distance (Garg, Schiebinger, Jurafsky &amp; Zou 2018): with every vector scaled to unit length and
/// v1, v2 the mean vectors of the two groups, RND = Σ_{w∈neutral} (‖w − v1‖ − ‖w − v2‖). Negative: the neutral words
/// sit closer to group 1. Its interval and the test of RND = 0 come from <see cref="Propagation.Estimate"/> with the
/// chosen method (RND as a <see cref="Statistic"/> with an analytic gradient). RND depends on the vectors only through
/// the cosines of distinct words, so its debiased value (the calibrated method's estimate) takes the debiased cosines
/// of <see cref="Inference.Statistic.Cosine"/>: unit vectors become w / sqrt(‖w‖² − tr Σ).
/// </summary>
public static class RelativeNormDistance
{
    /// <summary>RND over slots: group 1, group 2 and the neutral words.</summary>
    /// <summary>RND over slots: group 1, group 2 and the neutral words. A list may share slots with another list but
    /// must not repeat one (the debiased form treats each slot of a list once; word lists are deduplicated on reading).</summary>
    public static Statistic Statistic(int[] g1, int[] g2, int[] neutral)
    {
        foreach (var (name, list) in new[] { ("group 1", g1), ("group 2", g2), ("neutral", neutral) })
            if (list.Distinct().Count() != list.Length) throw new GloVeVException($"relative norm distance: the {name} list repeats a slot");
        return new RndStat(g1, g2, neutral);
    }

    sealed class RndStat(int[] g1, int[] g2, int[] neutral) : Inference.Statistic
    {
        // Distances of debiased unit vectors summed over the neutral words: the second-order bias of each adds up.
        public override bool BootstrapBiasCorrected => true;
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

        // Debiased RND. RND depends on the vectors only through cosines of distinct words (cos(s, s) = 1):
        // ‖u_n − c_g‖² = 1 − 2 A_g(n) + M_g with A_g(n) = (1/G) Σ_{k∈g} cos(n, k) and M_g = (1/G²) Σ_{k,l∈g} cos(k, l).
        // Debiased cosines of distinct words are ũ_s·ũ_t with ũ_s = w_s / sqrt(‖w_s‖² − tr Σ_s) (as Statistic.Cosine), so
        // with S_g = Σ_{k∈g} ũ_k: A_g(n) = (ũ_n·S_g − [n∈g] ‖ũ_n‖² + [n∈g]) / G, M_g = (‖S_g‖² − Σ_k ‖ũ_k‖² + G) / G².
        // NaN where a debiased squared norm or a debiased squared distance is <= 0.
        sealed class Debiasing
        {
            public required double[][] U;
            public required double[] P;
            public required double[] S1, S2;
            public required double M1, M2;
            public required double[] D1, D2; // per neutral word
        }

        Debiasing? Debias(IReadOnlyList<double[]> v, double[] tr)
        {
            int d = v[0].Length;
            var p = new double[v.Count];
            var u = new double[v.Count][];
            for (int s = 0; s < v.Count; s++)
            {
                p[s] = Inference.Statistic.Debiased(DotP(v[s], v[s]), tr[s]);
                if (!(p[s] > 0)) return null;
                double k = 1 / Math.Sqrt(p[s]);
                u[s] = v[s].Select(x => x * k).ToArray();
            }
            double[] Sum(int[] g) { var c = new double[d]; foreach (var s in g) for (int q = 0; q < d; q++) c[q] += u[s][q]; return c; }
            double M(int[] g, double[] sg) => (DotP(sg, sg) - g.Sum(s => DotP(u[s], u[s])) + g.Length) / ((double)g.Length * g.Length);
            double Dist(int n, int[] g, double[] sg, double mg)
            {
                bool inG = g.Contains(n);
                double a = (DotP(u[n], sg) - (inG ? DotP(u[n], u[n]) - 1 : 0)) / g.Length;
                double d2 = 1 - 2 * a + mg;
                return d2 > 0 ? Math.Sqrt(d2) : double.NaN;
            }
            var s1 = Sum(g1); var s2 = Sum(g2);
            double m1 = M(g1, s1), m2 = M(g2, s2);
            var d1 = neutral.Select(n => Dist(n, g1, s1, m1)).ToArray();
            var d2 = neutral.Select(n => Dist(n, g2, s2, m2)).ToArray();
            if (!d1.All(double.IsFinite) || !d2.All(double.IsFinite)) return null;
            return new Debiasing { U = u, P = p, S1 = s1, S2 = s2, M1 = m1, M2 = m2, D1 = d1, D2 = d2 };
        }

        public override double ValueDebiased(IReadOnlyList<double[]> v, double[] tr)
        {
            var b = Debias(v, tr);
            return b == null ? double.NaN : b.D1.Sum() - b.D2.Sum();
        }

        public override void AddGradientDebiased(IReadOnlyList<double[]> v, double[] tr, double scale, double[][] g)
        {
            var b = Debias(v, tr);
            if (b == null) return;
            int d = v[0].Length;
            var gu = v.Select(_ => new double[d]).ToArray();
            // ∂RND/∂d_g(n)² = ±1 / (2 d_g(n)); ∂A_g(n)/∂ũ_k = ũ_n / G (k ∈ g, k ≠ n), ∂A_g(n)/∂ũ_n = (S_g − [n∈g] ũ_n) / G;
            // ∂M_g/∂ũ_k = 2 (S_g − ũ_k) / G² (k ∈ g).
            void Group(int[] grp, double[] sg, double[] dist, double sign)
            {
                double G = grp.Length, alphaSum = 0;
                var t = new double[d];
                for (int i = 0; i < neutral.Length; i++)
                {
                    int n = neutral[i];
                    double alpha = sign / (2 * dist[i]);
                    alphaSum += alpha;
                    bool inG = grp.Contains(n);
                    for (int q = 0; q < d; q++)
                    {
                        t[q] += alpha * b.U[n][q];
                        gu[n][q] += -2 * alpha * (sg[q] - (inG ? b.U[n][q] : 0)) / G;
                    }
                }
                foreach (var k in grp)
                {
                    int ik = Array.IndexOf(neutral, k);
                    double ak = ik >= 0 ? sign / (2 * dist[ik]) : 0;
                    for (int q = 0; q < d; q++)
                        gu[k][q] += alphaSum * 2 * (sg[q] - b.U[k][q]) / (G * G) - 2 * (t[q] - ak * b.U[k][q]) / G;
                }
            }
            Group(g1, b.S1, b.D1, 1);
            Group(g2, b.S2, b.D2, -1);
            // Through ũ = w / sqrt(p), p = ‖w‖² − tr: ∂ũ/∂w = (I − w wᵀ / p) / sqrt(p).
            for (int s = 0; s < v.Count; s++)
            {
                double proj = DotP(v[s], gu[s]) / b.P[s], k = 1 / Math.Sqrt(b.P[s]);
                for (int q = 0; q < d; q++) g[s][q] += scale * (gu[s][q] - proj * v[s][q]) * k;
            }
        }

        // Each neutral word contributes ‖u − v1‖ − ‖u − v2‖ ∈ [-2, 2] (the true score's range; a debiased estimate can
        // leave it, as a debiased cosine can leave [-1, 1]).
        public override (double Lo, double Hi) Bounds => (-2.0 * neutral.Length, 2.0 * neutral.Length);
    }

    sealed record Resolved(int[] Ids, int[] Slot, int N1, int N2, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
    {
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Repeated { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
        public int[] G1 => Slot[..N1];
        public int[] G2 => Slot[N1..(N1 + N2)];
        public int[] Neutral => Slot[(N1 + N2)..];
    }

    static Resolved Resolve(GloVeModel m, RndLists l, string suffix = "")
    {
        var r1 = WordLists.Resolve(m.Vocabulary, "GROUP1" + suffix, l.Group1);
        var r2 = WordLists.Resolve(m.Vocabulary, "GROUP2" + suffix, l.Group2);
        var rn = WordLists.Resolve(m.Vocabulary, "NEUTRAL" + suffix, l.Neutral);
        // As WEAT's lists: a word in both groups sits in both means, and a group word among the neutral ones measures its
        // distance to a mean it is part of (an overlap returned RND 0 [0, 0] with status ok).
        foreach (var (first, second, a, b) in new[] { ("GROUP1", "GROUP2", r1.Ids, r2.Ids), ("GROUP1", "NEUTRAL", r1.Ids, rn.Ids), ("GROUP2", "NEUTRAL", r2.Ids, rn.Ids) })
            if (a.Intersect(b).FirstOrDefault(-1) is var shared and >= 0)
                throw new GloVeVException($"the lists {first}{suffix} and {second}{suffix} share '{m.Vocabulary[shared]}': the relative norm distance needs two disjoint group lists and neutral words in neither");
        var (ids, slot) = Propagation.Slots(r1.Ids.Concat(r2.Ids).Concat(rn.Ids));
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["GROUP1" + suffix] = r1.Missing, ["GROUP2" + suffix] = r2.Missing, ["NEUTRAL" + suffix] = rn.Missing };
        var repeated = new Dictionary<string, IReadOnlyList<string>> { ["GROUP1" + suffix] = r1.Repeated, ["GROUP2" + suffix] = r2.Repeated, ["NEUTRAL" + suffix] = rn.Repeated };
        return new Resolved(ids, slot, r1.Ids.Length, r2.Ids.Length, missing) { Repeated = repeated };
    }

    public static RndResult Run(Propagation p, RndLists lists, IntervalMethod method = IntervalDefaults.Method, double level = IntervalDefaults.Level,
        int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        var r = Resolve(p.Model, lists);
        var stat = Statistic(r.G1, r.G2, r.Neutral);
        var iv = CalibrationLimits.ForRnd(p.Estimate(stat, r.Ids, method, level, draws, seed));
        return new RndResult(iv.Plugin, iv, iv.ZScore, iv.PValueZero, r.Neutral.Length, r.Missing) { Repeated = r.Repeated };
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
        return new BiasDifference(s1.Value(vecs), s2.Value(vecs), iv)
            { Missing = r1.Missing.Concat(r2.Missing).ToDictionary(), Repeated = r1.Repeated.Concat(r2.Repeated).ToDictionary() };
    }
}
