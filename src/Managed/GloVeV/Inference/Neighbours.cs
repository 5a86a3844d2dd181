using GloVeV.Native;
using GloVeV.Training;

namespace GloVeV.Inference;

public sealed record Neighbour(string Word, int Rank, double Cosine, Interval Interval, double PTopK, double PDifferentFromNext);

/// <summary>A neighbour query. <see cref="Candidates"/> words (of <see cref="Searched"/>, the whole vocabulary but the
/// query word) were drawn jointly with the query; <see cref="OmittedBound"/> is an upper bound on the expected number
/// of top-k places that the words left out take in the draws, so each true P(top k) lies in
/// [<see cref="Neighbour.PTopK"/> - OmittedBound, PTopK]. 0 when every word was drawn.</summary>
public sealed record NeighbourResult(string Word, IntervalMethod Method, IReadOnlyList<Neighbour> Neighbours, int Candidates, int Draws)
{
    public int Searched { get; init; }
    public double OmittedBound { get; init; }
    /// <summary>Set when the candidate cap was reached before the bound fell below the tolerance.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Defaults of the neighbour search (defined once; every front door uses them).</summary>
public static class NeighbourDefaults
{
    /// <summary>The candidate set grows until the words left out can hold at most this many top-k places (expected).</summary>
    public const double Tolerance = 0.01;
    /// <summary>At most this many words are drawn; beyond it the bound is reported as it stands, with a warning.</summary>
    public const int MaxCandidates = 4096;
    /// <summary>Candidates drawn first, beyond the top k by plug-in cosine.</summary>
    public const int Extra = 20;
}

/// <summary>
/// Top-k neighbours by cosine with intervals, the probability each truly ranks in the top k over the whole vocabulary,
/// and whether consecutive neighbours can be told apart.
/// P(top k) draws the query and a candidate set jointly (w ~ N(w_hat, Σ), the paper's draws). A word j outside the set
/// can enter the top k of draw d only if cos(q'_d, w'_j) beats the k-th best candidate t_d (the true k-th best is at
/// least t_d). By the triangle inequality for angles that needs angle(w'_j, w_j) > θ_j - angle(q'_d, q) - arccos t_d
/// =: δ, hence ||w'_j - w_j||² >= ||w_j||² sin² δ, whose probability the Laurent-Massart bound for Gaussian quadratic
/// forms caps at exp(-x) from tr Σ_j, tr Σ_j² and ||Σ_j||_1 (no covariance is read). The set grows, most likely
/// entrants first, until the summed bound is below <see cref="NeighbourDefaults.Tolerance"/>.
/// </summary>
public static class Neighbours
{
    /// <summary>Ids of the <paramref name="k"/> most similar words to <paramref name="id"/> (itself excluded), best first.</summary>
    public static (int Id, double Cosine)[] TopK(GloVeModel m, int id, int k)
    {
        if (k < 1) throw new GloVeVException($"--top must be >= 1, got {k}");
        var order = ByPluginCosine(m, id, out var cos);
        return order.Take(k).Select(i => (i, cos[i])).ToArray();
    }

    /// <summary>Every word but <paramref name="id"/>, by plug-in cosine to it, best first; <paramref name="cos"/> by id.</summary>
    static int[] ByPluginCosine(GloVeModel m, int id, out double[] cos)
    {
        var u = m.UnitVectors();
        int d = m.Dim, v = m.VocabSize;
        var q = m.Vector(id);
        var c = new double[v];
        var qs = new float[d];
        for (int t = 0; t < d; t++) qs[t] = u[(long)id * d + t];
        Parallel.For(0, v, i => c[i] = Simd.Dot(qs, new ReadOnlySpan<float>(u, i * d, d)));
        var keys = new double[v - 1];
        var order = new int[v - 1];
        for (int i = 0, n = 0; i < v; i++) if (i != id) { order[n] = i; keys[n++] = -c[i]; }
        Array.Sort(keys, order);
        // The shown cosines are exact (double) at the trained vectors.
        foreach (var i in order.AsSpan(0, Math.Min(order.Length, 64))) c[i] = Statistic.Cosine(0, 1).Value([q, m.Vector(i)]);
        cos = c;
        return order;
    }

    public static NeighbourResult Query(Propagation p, string word, int k = 10, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed,
        double tolerance = NeighbourDefaults.Tolerance, int maxCandidates = NeighbourDefaults.MaxCandidates)
    {
        var m = p.Model;
        int id = m.IdOf(word);
        if (k < 1) throw new GloVeVException($"--top must be >= 1, got {k}");
        if (k > m.VocabSize - 1) throw new GloVeVException($"--top must be at most {m.VocabSize - 1} (the vocabulary less the query word), got {k}");
        if (!(tolerance > 0)) throw new GloVeVException($"screening tolerance must be > 0, got {tolerance}");
        if (maxCandidates < k + 1) throw new GloVeVException($"the candidate cap must exceed --top ({k}), got {maxCandidates}");
        p.Check([id]);
        if (method == IntervalMethod.Delta) draws = Math.Max(draws, IntervalDefaults.Samples); // P(top k) always draws
        int d = m.Dim, searched = m.VocabSize - 1;
        var order = ByPluginCosine(m, id, out var pluginCos);
        int shown = Math.Min(k, order.Length);

        var query = new QueryDraws(m, id, p.Approximate, draws, seed);
        var sampler = new CandidateSampler(m, p.Approximate, query, seed);
        var inSet = new bool[m.VocabSize];
        var members = new List<int>();
        var cosDraws = new Dictionary<int, float[]>();
        void Add(IEnumerable<int> ids)
        {
            var fresh = ids.Where(i => !inSet[i]).ToArray();
            foreach (var i in fresh) { inSet[i] = true; members.Add(i); }
            var got = new float[fresh.Length][];
            Parallel.For(0, fresh.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                () => sampler.NewWorkspace(), (f, _, ws) => { got[f] = sampler.Cosines(fresh[f], ws); return ws; }, _ => { });
            for (int f = 0; f < fresh.Length; f++) cosDraws[fresh[f]] = got[f];
        }
        Add(order.Take(Math.Min(searched, Math.Min(maxCandidates, k + NeighbourDefaults.Extra))));

        var threshold = new double[draws];
        double bound;
        while (true)
        {
            KthBest(members, cosDraws, k, threshold);
            if (members.Count == searched) { bound = 0; break; }
            var (total, byWord) = OmittedBounds(p, order, inSet, pluginCos, query, threshold);
            bound = total;
            if (bound <= tolerance || members.Count >= Math.Min(searched, maxCandidates)) break;
            // Most likely entrants first, until what is left is within half the tolerance; at least double the set.
            byWord.Sort((a, b) => b.Bound.CompareTo(a.Bound));
            double rest = total;
            int room = Math.Min(searched, maxCandidates) - members.Count, take = 0;
            while (take < byWord.Count && take < room && (rest > tolerance / 2 || take < members.Count)) rest -= byWord[take++].Bound;
            Add(byWord.Take(take).Select(b => b.Id));
        }

        var inTop = new int[shown];
        for (int c = 0; c < shown; c++)
        {
            var cd = cosDraws[order[c]];
            for (int r = 0; r < draws; r++) if (cd[r] >= threshold[r]) inTop[c]++;
        }

        var list = new List<Neighbour>();
        for (int c = 0; c < shown; c++)
        {
            var pair = new[] { id, order[c] };
            p.Check(pair);
            Interval iv = method == IntervalMethod.Sample
                ? Propagation.Summarise(pluginCos[order[c]], cosDraws[order[c]].Select(x => (double)x).ToArray(), level) with { Words = p.Reliability(pair) }
                : p.Estimate(Statistic.Cosine(0, 1), pair, method, level, draws, seed);
            double pNext = double.NaN;
            if (c + 1 < order.Length)
            {
                var diffStat = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2);
                pNext = p.Estimate(diffStat, [id, order[c], order[c + 1]], method, 0.95, draws, seed).PValueZero;
            }
            list.Add(new Neighbour(m.Vocabulary[order[c]], c + 1, pluginCos[order[c]], iv, (double)inTop[c] / draws, pNext));
        }
        var warnings = new List<string>();
        if (bound > tolerance)
            warnings.Add($"{members.Count} of {searched} words drawn (the cap): words left out may hold up to {bound:G3} of the {k} top places in expectation, " +
                $"so each P(top k) may be up to {bound:G3} too high");
        return new NeighbourResult(word, method, list, members.Count, draws) { Searched = searched, OmittedBound = bound, Warnings = warnings };
    }

    /// <summary>Per draw, the k-th largest cosine among the candidates (a lower bound on the whole vocabulary's).</summary>
    static void KthBest(List<int> members, Dictionary<int, float[]> cosDraws, int k, double[] threshold)
    {
        var col = new float[members.Count];
        var arrays = members.Select(i => cosDraws[i]).ToArray();
        for (int r = 0; r < threshold.Length; r++)
        {
            for (int c = 0; c < arrays.Length; c++) col[c] = arrays[c][r];
            threshold[r] = Select(col, col.Length - k);
        }
    }

    /// <summary>The element that would sit at index <paramref name="n"/> of the sorted array (Hoare's selection).</summary>
    static float Select(float[] a, int n)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (n <= j) hi = j; else if (n >= i) lo = i; else return a[n];
        }
        return a[n];
    }

    /// <summary>For each word outside the set, an upper bound on P(it enters the top k), averaged over the query draws.</summary>
    static (double Total, List<(int Id, double Bound)> ByWord) OmittedBounds(Propagation p, int[] order, bool[] inSet, double[] pluginCos,
        QueryDraws query, double[] threshold)
    {
        var m = p.Model;
        int draws = threshold.Length;
        var gamma = new double[draws];
        for (int r = 0; r < draws; r++) gamma[r] = query.Angle[r] + Math.Acos(Math.Clamp(threshold[r], -1, 1));
        Array.Sort(gamma);
        double gammaMax = gamma[^1];
        // The bound falls as γ falls: each group of sorted draws is bounded by its largest γ (upper bound, 64 evaluations).
        int groups = Math.Min(64, draws);
        var groupMax = new double[groups];
        var groupShare = new double[groups];
        for (int g = 0, start = 0; g < groups; g++)
        {
            int end = (int)((long)draws * (g + 1) / groups);
            groupMax[g] = gamma[end - 1]; groupShare[g] = (double)(end - start) / draws; start = end;
        }
        var byWord = new List<(int, double)>();
        double total = 0;
        foreach (int j in order)
        {
            if (inSet[j]) continue;
            // Float unit vectors: allow for their rounding in the angle.
            double theta = Math.Acos(Math.Clamp(pluginCos[j], -1, 1)) - 1e-5;
            double norm2 = 0;
            for (int t = 0, d = m.Dim; t < d; t++) { double x = m.Vectors[(long)j * d + t]; norm2 += x * x; }
            bool noisy = p.Table.Spread(m, j, p.Approximate, out double tr, out double trSq, out double normOne);
            double worst = TailBound(theta - gammaMax, norm2, noisy, tr, trSq, normOne), b = worst;
            if (worst > 1e-9)
            {
                double sum = 0;
                for (int g = 0; g < groups; g++) sum += groupShare[g] * TailBound(theta - groupMax[g], norm2, noisy, tr, trSq, normOne);
                b = Math.Min(worst, sum);
            }
            total += b;
            byWord.Add((j, b));
        }
        return (total, byWord);
    }

    /// <summary>Upper bound on P(angle(w + e, w) > δ), e ~ N(0, Σ): that needs ||e||² >= ||w||² sin² min(δ, π/2), and
    /// P(||e||² >= tr Σ + 2 sqrt(tr Σ² x) + 2 λ x) <= exp(-x) for λ >= λ_max(Σ) (Laurent and Massart 2000, Lemma 1).</summary>
    public static double TailBound(double delta, double norm2, bool noisy, double trace, double traceSq, double lambdaBound)
    {
        if (delta <= 0) return 1;
        if (!noisy) return 0;
        double s = delta >= Math.PI / 2 ? 1 : Math.Sin(delta);
        double excess = norm2 * s * s - trace;
        if (excess <= 0) return 1;
        if (lambdaBound <= 0) return 0;
        double sf = Math.Sqrt(traceSq);
        double y = (-sf + Math.Sqrt(traceSq + 2 * lambdaBound * excess)) / (2 * lambdaBound);
        return Math.Min(1, Math.Exp(-y * y));
    }

    /// <summary>The query word's draws: unit vectors (column per draw) and their angles to the plug-in vector.</summary>
    sealed class QueryDraws
    {
        public readonly double[] Unit;
        public readonly double[] Angle;
        public readonly int Draws;

        public QueryDraws(GloVeModel m, int id, bool approximate, int draws, ulong seed)
        {
            int d = m.Dim;
            Draws = draws;
            var ws = new Workspace(d, draws);
            var x = CandidateSampler.DrawVector(m, id, approximate, SplitMix64.Derive(seed, (ulong)id), ws);
            var q = m.Vector(id);
            double qn = Math.Sqrt(q.Sum(t => t * t));
            Unit = new double[d * draws];
            Angle = new double[draws];
            for (int r = 0; r < draws; r++)
            {
                double n = 0, dot = 0;
                for (int t = 0; t < d; t++) n += x[r * d + t] * x[r * d + t];
                double inv = n > 0 ? 1 / Math.Sqrt(n) : 0;
                for (int t = 0; t < d; t++) { Unit[r * d + t] = x[r * d + t] * inv; dot += Unit[r * d + t] * q[t]; }
                Angle[r] = qn > 0 ? Math.Acos(Math.Clamp(dot / qn, -1, 1)) : Math.PI;
            }
        }
    }

    /// <summary>Per-thread buffers: standard normals and the drawn vectors, column per draw.</summary>
    sealed class Workspace(int d, int draws)
    {
        public readonly double[] Z = new double[d * draws];
        public readonly double[] X = new double[d * draws];
        public readonly double[] FactorColumnMajor = new double[d * d];
    }

    /// <summary>Draws one candidate's vector (its own seeded stream, so the result does not depend on the candidate set or
    /// the thread count) and its cosine to each query draw.</summary>
    sealed class CandidateSampler(GloVeModel m, bool approximate, QueryDraws query, ulong seed)
    {
        public Workspace NewWorkspace() => new(m.Dim, query.Draws);

        public float[] Cosines(int j, Workspace ws)
        {
            int d = m.Dim, draws = query.Draws;
            var x = DrawVector(m, j, approximate, SplitMix64.Derive(seed, (ulong)j), ws);
            var r = new float[draws];
            var u = query.Unit;
            for (int k = 0; k < draws; k++)
            {
                double n = 0, dot = 0;
                int o = k * d;
                for (int t = 0; t < d; t++) { double v = x[o + t]; n += v * v; dot += v * u[o + t]; }
                r[k] = n > 0 ? (float)(dot / Math.Sqrt(n)) : 0f;
            }
            return r;
        }

        /// <summary>w_hat + L z for each draw (columns of ws.X); a word without a covariance stays at w_hat.</summary>
        public static unsafe double[] DrawVector(GloVeModel m, int j, bool approximate, ulong stream, Workspace ws)
        {
            int d = m.Dim, draws = ws.X.Length / d;
            var l = m.SamplingFactor(j, approximate);
            if (l == null) Array.Clear(ws.X);
            else
            {
                var rng = new SplitMix64(stream);
                var z = ws.Z;
                for (int t = 0; t + 1 < z.Length; t += 2)
                {
                    // Box-Muller, both values of each pair.
                    double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble(), rad = Math.Sqrt(-2.0 * Math.Log(u1));
                    var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
                    z[t] = rad * cos; z[t + 1] = rad * sin;
                }
                if (z.Length % 2 == 1) z[^1] = rng.NextGaussian();
                var lc = ws.FactorColumnMajor;
                for (int row = 0; row < d; row++) for (int col = 0; col < d; col++) lc[col * d + row] = l[row * d + col];
                fixed (double* pl = lc, pz = z, px = ws.X) DenseLinearAlgebra.Gemm(d, draws, d, pl, pz, px);
            }
            for (int k = 0; k < draws; k++)
                for (int t = 0; t < d; t++) ws.X[k * d + t] += m.Vectors[(long)j * d + t];
            return ws.X;
        }
    }
}
