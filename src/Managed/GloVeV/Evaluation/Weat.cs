using GloVeV.Inference;

namespace GloVeV.Evaluation;

public sealed record WeatResult(double Statistic, double EffectSize, double PValue, int Permutations, bool Exact,
    Interval EffectSizeInterval, Interval StatisticInterval, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
{
    /// <summary>Per list, the words it gave more than once (each counted once).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Repeated { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>The difference of two bias scores (first − second) measured with different word lists on one model: words
/// the lists share enter once, so the interval and test reflect what the two scores have in common.</summary>
public sealed record BiasDifference(double First, double Second, Interval Difference)
{
    /// <summary>Per list ("X (second)", ...), the words the vocabulary lacks (left out) and those given more than once.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Missing { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Repeated { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>Four resolved WEAT lists.</summary>
public sealed record WeatLists(IReadOnlyList<string> X, IReadOnlyList<string> Y, IReadOnlyList<string> A, IReadOnlyList<string> B);

/// <summary>
/// The Word Embedding Association Test (Caliskan, Bryson &amp; Narayanan 2017):
/// s(w,A,B) = mean_a cos(w,a) − mean_b cos(w,b); S = Σ_x s(x) − Σ_y s(y);
/// effect size = (mean_x s(x) − mean_y s(y)) / sd_{w∈X∪Y} s(w) (sample sd, n−1);
/// one-sided permutation p = (g + 1)/(n + 1), g = the number of the n equal-size re-partitions of X∪Y other than the
/// observed one with S_i ≥ S (all of them when there are at most <c>permutations</c>, else that many random ones;
/// never 0). The GloVe-V intervals of S and the effect size come from <see cref="Propagation.Estimate"/> with the
/// chosen method (the effect size as a smooth function of the s(w), each a sum of cosines).
/// </summary>
public static class Weat
{
    /// <summary>The WEAT statistic and effect size as <see cref="Inference.Statistic"/>s over the slots of the words.</summary>
    public static (Statistic Stat, Statistic Effect) Statistics(int[] x, int[] y, int[] a, int[] b)
    {
        int nx = x.Length, ny = y.Length, n = nx + ny;
        Statistic Assoc(int t) => Statistic.Lin(a.Select(j => (1.0 / a.Length, Statistic.Cosine(t, j)))
            .Concat(b.Select(j => (-1.0 / b.Length, Statistic.Cosine(t, j)))).ToArray());
        var parts = x.Concat(y).Select(Assoc).ToArray();
        var stat = Statistic.Lin(parts.Select((s, i) => (i < nx ? 1.0 : -1.0, s)).ToArray());
        // |effect| <= sqrt(n(n-1)/(nx ny)): the between-group sum of squares cannot exceed the total.
        double bound = Math.Sqrt((double)n * (n - 1) / ((double)nx * ny));
        var effect = Statistic.Function(parts, s => Score(s, nx).Effect, s => EffectGradient(s, nx), (-bound, bound));
        return (stat, effect);
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

    /// <summary>∂ effect / ∂ s_t: e = Δ/sd with Δ = mean_x − mean_y, ∂sd/∂s_t = (s_t − mean)/((n − 1) sd).</summary>
    static double[] EffectGradient(double[] s, int nx)
    {
        int n = s.Length, ny = n - nx;
        double mean = s.Average();
        double sd = Math.Sqrt(s.Sum(z => (z - mean) * (z - mean)) / (n - 1));
        var g = new double[n];
        if (!(sd > 0)) return g;
        double delta = s.Take(nx).Average() - s.Skip(nx).Average();
        for (int t = 0; t < n; t++)
            g[t] = (t < nx ? 1.0 / nx : -1.0 / ny) / sd - delta / (sd * sd) * (s[t] - mean) / ((n - 1) * sd);
        return g;
    }

    sealed record Resolved(int[] Ids, int[] Slot, int Nx, int Ny, int Na, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
    {
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Repeated { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
        public int[] X => Slot[..Nx];
        public int[] Y => Slot[Nx..(Nx + Ny)];
        public int[] A => Slot[(Nx + Ny)..(Nx + Ny + Na)];
        public int[] B => Slot[(Nx + Ny + Na)..];
    }

    static Resolved Resolve(GloVeModel m, WeatLists l, string suffix = "")
    {
        var rx = WordLists.Resolve(m.Vocabulary, "X" + suffix, l.X); var ry = WordLists.Resolve(m.Vocabulary, "Y" + suffix, l.Y);
        var ra = WordLists.Resolve(m.Vocabulary, "A" + suffix, l.A); var rb = WordLists.Resolve(m.Vocabulary, "B" + suffix, l.B);
        // The test compares two disjoint target sets by their association with two disjoint attribute sets: a word in
        // both lists of a pair makes its s(w) cancel (A = B leaves every s(w) at 0 and the effect size 0 / 0).
        foreach (var (first, second, a, b) in new[] { ("X", "Y", rx.Ids, ry.Ids), ("A", "B", ra.Ids, rb.Ids) })
            if (a.Intersect(b).FirstOrDefault(-1) is var shared and >= 0)
                throw new GloVeVException($"the lists {first}{suffix} and {second}{suffix} share '{m.Vocabulary[shared]}': WEAT needs two disjoint target lists (X, Y) and two disjoint attribute lists (A, B)");
        var words = rx.Ids.Concat(ry.Ids).Concat(ra.Ids).Concat(rb.Ids).ToArray();
        var (ids, slot) = Propagation.Slots(words);
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["X" + suffix] = rx.Missing, ["Y" + suffix] = ry.Missing, ["A" + suffix] = ra.Missing, ["B" + suffix] = rb.Missing };
        var repeated = new Dictionary<string, IReadOnlyList<string>> { ["X" + suffix] = rx.Repeated, ["Y" + suffix] = ry.Repeated, ["A" + suffix] = ra.Repeated, ["B" + suffix] = rb.Repeated };
        return new Resolved(ids, slot, rx.Ids.Length, ry.Ids.Length, ra.Ids.Length, missing) { Repeated = repeated };
    }

    public static WeatResult Run(Propagation p, WeatLists lists, int permutations = IntervalDefaults.Permutations, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        if (permutations < 1) throw new GloVeVException($"permutations must be >= 1, got {permutations}");
        var r = Resolve(p.Model, lists);
        var (statS, effS) = Statistics(r.X, r.Y, r.A, r.B);
        var vecs = r.Ids.Select(p.Model.Vector).ToArray();
        int nx = r.Nx, ny = r.Ny, n = nx + ny;
        var s0 = new double[n];
        var tslots = r.X.Concat(r.Y).ToArray();
        for (int t = 0; t < n; t++)
            s0[t] = r.A.Average(j => Statistic.Cosine(tslots[t], j).Value(vecs)) - r.B.Average(j => Statistic.Cosine(tslots[t], j).Value(vecs));
        var (stat, effect) = Score(s0, nx);
        var (pValue, count, exact) = PermutationP(s0, nx, stat, permutations, seed);
        var effIv = p.Estimate(effS, r.Ids, method, level, draws, seed);
        var statIv = p.Estimate(statS, r.Ids, method, level, draws, seed);
        return new WeatResult(stat, effect, pValue, count, exact, effIv, statIv, r.Missing) { Repeated = r.Repeated };
    }

    /// <summary>One-sided permutation p-value (g + 1)/(n + 1) of S over re-partitions of the targets (see the class).</summary>
    public static (double P, int Count, bool Exact) PermutationP(double[] s0, int nx, double stat, int permutations, ulong seed)
    {
        int n = s0.Length;
        double total = s0.Sum();
        // Sums in another order differ in the last bits: a re-partition equal to S counts as at least as large.
        double tol = 1e-12 * Math.Max(1, s0.Sum(Math.Abs));
        long greater = 0, count = 0;
        bool exact = LogBinomial(n, nx) <= Math.Log(permutations + 1.0);
        if (exact)
        {
            bool first = true; // Combinations starts with {0..nx-1}: the observed partition, left out of n
            foreach (var subset in Combinations(n, nx))
            {
                if (first) { first = false; continue; }
                double sx = 0; foreach (var i in subset) sx += s0[i];
                if (sx - (total - sx) >= stat - tol) greater++;
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
                if (sx - (total - sx) >= stat - tol) greater++;
                count++;
            }
        }
        return ((greater + 1.0) / (count + 1.0), (int)count, exact);
    }

    /// <summary>Effect size with the first lists minus effect size with the second, on one model, with its own interval
    /// and test (<see cref="Interval.PValueZero"/>: equal effect sizes).</summary>
    public static BiasDifference Difference(Propagation p, WeatLists first, WeatLists second, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed)
    {
        var r1 = Resolve(p.Model, first, " (first)"); var r2 = Resolve(p.Model, second, " (second)");
        var (ids, _) = Propagation.Slots(r1.Ids.Concat(r2.Ids));
        int[] Map(Resolved r, int[] s) => s.Select(x => Array.IndexOf(ids, r.Ids[x])).ToArray();
        var (_, e1) = Statistics(Map(r1, r1.X), Map(r1, r1.Y), Map(r1, r1.A), Map(r1, r1.B));
        var (_, e2) = Statistics(Map(r2, r2.X), Map(r2, r2.Y), Map(r2, r2.A), Map(r2, r2.B));
        var vecs = ids.Select(p.Model.Vector).ToArray();
        var iv = p.Estimate(e1 - e2, ids, method, level, draws, seed);
        return new BiasDifference(e1.Value(vecs), e2.Value(vecs), iv)
            { Missing = r1.Missing.Concat(r2.Missing).ToDictionary(), Repeated = r1.Repeated.Concat(r2.Repeated).ToDictionary() };
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
