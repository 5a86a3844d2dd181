using GloVeV.Inference;

namespace GloVeV.Evaluation;

public sealed record WeatResult(double Statistic, double EffectSize, double PValue, int Permutations, bool Exact,
    Interval EffectSizeInterval, Interval StatisticInterval, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing);

/// <summary>
/// The Word Embedding Association Test (Caliskan, Bryson &amp; Narayanan 2017):
/// s(w,A,B) = mean_a cos(w,a) − mean_b cos(w,b); S = Σ_x s(x) − Σ_y s(y);
/// effect size = (mean_x s(x) − mean_y s(y)) / sd_{w∈X∪Y} s(w) (sample sd, n−1);
/// one-sided permutation p = P(S(X_i,Y_i) &gt; S) over equal-size re-partitions of X∪Y (all of them when there are at
/// most <c>permutations</c>, else that many random ones). GloVe-V intervals by sampling the vectors.
/// </summary>
public static class Weat
{
    static double Cos(double[] x, double[] y)
    {
        double d = 0, nx = 0, ny = 0;
        for (int q = 0; q < x.Length; q++) { d += x[q] * y[q]; nx += x[q] * x[q]; ny += y[q] * y[q]; }
        return nx == 0 || ny == 0 ? 0 : d / Math.Sqrt(nx * ny);
    }

    static (double Stat, double Effect) Score(double[] s, int nx)
    {
        double sx = 0, sy = 0;
        for (int i = 0; i < s.Length; i++) if (i < nx) sx += s[i]; else sy += s[i];
        int ny = s.Length - nx;
        double mean = s.Average();
        double sd = Math.Sqrt(s.Sum(z => (z - mean) * (z - mean)) / (s.Length - 1));
        return (sx - sy, sd > 0 ? (sx / nx - sy / ny) / sd : double.NaN);
    }

    public static WeatResult Run(GloVeModel m, IReadOnlyList<string> x, IReadOnlyList<string> y, IReadOnlyList<string> a, IReadOnlyList<string> b,
        int permutations = 10000, int draws = 500, ulong seed = 1, double level = 0.95, IntervalMethod method = IntervalMethod.Sample)
    {
        var rx = WordLists.Resolve(m.Vocabulary, "X", x); var ry = WordLists.Resolve(m.Vocabulary, "Y", y);
        var ra = WordLists.Resolve(m.Vocabulary, "A", a); var rb = WordLists.Resolve(m.Vocabulary, "B", b);
        var (ids, slot) = Propagation.Slots(rx.Ids.Concat(ry.Ids).Concat(ra.Ids).Concat(rb.Ids));
        int nx = rx.Ids.Length, ny = ry.Ids.Length, na = ra.Ids.Length;
        int[] targetSlots = slot[..(nx + ny)];
        int[] aSlots = slot.Skip(nx + ny).Take(na).ToArray(), bSlots = slot.Skip(nx + ny + na).ToArray();
        double[] Assoc(IReadOnlyList<double[]> v)
        {
            var s = new double[nx + ny];
            for (int t = 0; t < nx + ny; t++)
                s[t] = aSlots.Average(j => Cos(v[targetSlots[t]], v[j])) - bSlots.Average(j => Cos(v[targetSlots[t]], v[j]));
            return s;
        }
        var vecs = ids.Select(m.Vector).ToArray();
        var s0 = Assoc(vecs);
        var (stat, effect) = Score(s0, nx);

        // Permutation test on the point estimate.
        int n = nx + ny;
        double total = s0.Sum();
        long greater = 0, count = 0;
        bool exact = LogBinomial(n, nx) <= Math.Log(permutations);
        if (exact)
        {
            foreach (var subset in Combinations(n, nx))
            {
                double sx = subset.Sum(i => s0[i]);
                if (sx - (total - sx) > stat) greater++;
                count++;
            }
        }
        else
        {
            var rng = new Training.SplitMix64(Training.SplitMix64.Derive(seed, 99));
            var perm = Enumerable.Range(0, n).ToArray();
            for (int k = 0; k < permutations; k++)
            {
                for (int i = n - 1; i > 0; i--) { int j = (int)rng.NextBelow(i + 1); (perm[i], perm[j]) = (perm[j], perm[i]); }
                double sx = 0; for (int i = 0; i < nx; i++) sx += s0[perm[i]];
                if (sx - (total - sx) > stat) greater++;
                count++;
            }
        }
        double p = (double)greater / count;

        var p2 = new Propagation(m);
        var effDraws = new double[draws]; var statDraws = new double[draws];
        p2.Draw(ids, draws, seed, (k, v) => { var (st, ef) = Score(Assoc(v), nx); statDraws[k] = st; effDraws[k] = ef; });
        if (method != IntervalMethod.Sample) throw new GloVeVException($"WEAT intervals are implemented for the method of composition ('sample') only, not '{Interval.MethodName(method)}'");
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["X"] = rx.Missing, ["Y"] = ry.Missing, ["A"] = ra.Missing, ["B"] = rb.Missing };
        return new WeatResult(stat, effect, p, (int)count, exact, Propagation.Summarise(effect, effDraws, level),
            Propagation.Summarise(stat, statDraws, level), missing);
    }

    static double LogBinomial(int n, int k)
    {
        double r = 0;
        for (int i = 1; i <= k; i++) r += Math.Log(n - k + i) - Math.Log(i);
        return r;
    }

    static IEnumerable<int[]> Combinations(int n, int k)
    {
        var c = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return c;
            int i = k - 1;
            while (i >= 0 && c[i] == n - k + i) i--;
            if (i < 0) yield break;
            c[i]++;
            for (int j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
        }
    }
}
