using GloVeV.Native;
using GloVeV.Training;

namespace GloVeV.Inference;

public sealed record Neighbour(string Word, int Rank, double Cosine, Interval Interval, double PTopK, double PDifferentFromNext)
{
    /// <summary>Words without a covariance whose plug-in cosine beats this neighbour's, left out of the search because
    /// their uncertainty is unknown (none when such words are held fixed: they are then ranked as exact). C ABI:
    /// <see cref="CalibrationLimits.LeftOutAboveFlag"/>.</summary>
    public int LeftOutAbove { get; init; }
}

/// <summary>A neighbour query. <see cref="Candidates"/> words (of <see cref="Searched"/>: the words with a covariance, or
/// the whole vocabulary when words without one are held fixed, but the query word) were drawn jointly with the query;
/// <see cref="OmittedBound"/> is an upper bound on the expected number of top-k places that the words left out take in
/// the draws, so each true P(top k) lies in
/// [<see cref="Neighbour.PTopK"/> - OmittedBound, PTopK]. 0 when every word was drawn.</summary>
public sealed record NeighbourResult(string Word, IntervalMethod Method, IReadOnlyList<Neighbour> Neighbours, int Candidates, int Draws)
{
    public int Searched { get; init; }
    /// <summary>Words without a covariance left out of the search (0 when they are held fixed and searched as exact).</summary>
    public int WithoutCovariance { get; init; }
    /// <summary>Those of them whose plug-in cosine beats the last neighbour shown, best first.</summary>
    public IReadOnlyList<string> LeftOutAbove { get; init; } = [];
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
    /// <summary>When even the cap cannot meet the tolerance (models where most words are noisy), this many likeliest
    /// entrants are drawn once and the bound is reported as it stands.</summary>
    public const int HopelessExtra = 100;
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
        if (k < 1) throw new GloVeVException($"top must be >= 1, got {k}");
        var order = ByPluginCosine(m, id, out var cos);
        return order.Take(k).Select(i => (i, cos[i])).ToArray();
    }

    /// <summary>Every word but <paramref name="id"/>, by plug-in cosine to it, best first; <paramref name="cos"/> by id.</summary>
    static int[] ByPluginCosine(GloVeModel m, int id, out double[] cos) => ByPluginCosine(m, id, null, out cos, out _);

    /// <summary>The same, and in <paramref name="candidates"/> those of the words that <paramref name="isCandidate"/>
    /// admits (all of them when null), in the same order; the shown cosines, the first 64 candidates', are exact.</summary>
    static int[] ByPluginCosine(GloVeModel m, int id, Func<int, bool>? isCandidate, out double[] cos, out int[] candidates)
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
        candidates = isCandidate == null ? order : order.Where(isCandidate).ToArray();
        // The shown cosines are exact (double) at the trained vectors.
        foreach (var i in candidates.AsSpan(0, Math.Min(candidates.Length, 64))) c[i] = Statistic.Cosine(0, 1).Value([q, m.Vector(i)]);
        cos = c;
        return order;
    }

    public static NeighbourResult Query(Propagation p, string word, int k = 10, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed,
        double tolerance = NeighbourDefaults.Tolerance, int maxCandidates = NeighbourDefaults.MaxCandidates)
    {
        var m = p.Model;
        int id = m.IdOf(word);
        if (k < 1) throw new GloVeVException($"top must be >= 1, got {k}");
        if (k > m.VocabSize - 1) throw new GloVeVException($"top must be at most {m.VocabSize - 1} (the vocabulary less the query word), got {k}");
        // The tolerance is a number of the k top places the words not drawn may take: k or more bounds nothing.
        if (!(tolerance > 0 && tolerance < k))
            throw new GloVeVException($"{GloVeVException.Setting("screen_tolerance")} must be above 0 and below {GloVeVException.Setting("top")} ({k}): the expected number of top-{k} places the words not drawn may take, got {tolerance}");
        if (maxCandidates < k + 1) throw new GloVeVException($"the candidate cap must exceed top ({k}), got {maxCandidates}");
        p.Check([id]);
        // P(top k) draws with every method, delta included, and with exactly the number of draws asked for.
        if (draws < 2 || draws > 10_000_000) throw new GloVeVException($"number of samples ({GloVeVException.Setting("samples")}) must be in 2..10000000, got {draws}");
        // A word without a covariance has no known uncertainty, so unless such words are held fixed (ranked as exact) it
        // is not a candidate: the search runs over the words with one, and the answer says which words it left out
        // would rank among the neighbours by plug-in cosine. (Failing instead, as a query naming such a word does, made
        // most queries of a small corpus fail over words the user never named.)
        var all = ByPluginCosine(m, id, p.HoldFixed ? null : m.HasCovariance, out var pluginCos, out var order);
        int withoutCovariance = all.Length - order.Length, d = m.Dim, searched = order.Length;
        if (k > searched)
            throw new GloVeVException($"top must be at most {searched} (the words with a GloVe-V covariance, less the query word; {withoutCovariance} without one are left out unless held fixed), got {k}");
        int shown = Math.Min(k, order.Length);
        var leftOut = p.HoldFixed ? [] : all.TakeWhile(i => pluginCos[i] > pluginCos[order[shown - 1]]).Where(i => !m.HasCovariance(i)).ToArray();

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
        bool hopeless = false;
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
            if (rest > tolerance)
            {
                // Even the cap cannot bring the bound within the tolerance: draw the likeliest entrants once (they move
                // P(top k) most) and report the bound as it stands rather than drawing thousands of words in vain.
                take = Math.Min(take, NeighbourDefaults.HopelessExtra);
                Add(byWord.Take(take).Select(b => b.Id));
                KthBest(members, cosDraws, k, threshold);
                // New candidates can only raise each draw's k-th best, so the others' bounds can only fall: what the
                // words still left out can take is at most the old total less the bounds of those just drawn.
                bound = total - byWord.Take(take).Sum(b => b.Bound);
                hopeless = true;
                break;
            }
            Add(byWord.Take(take).Select(b => b.Id));
        }

        var inTop = new int[shown];
        for (int c = 0; c < shown; c++)
        {
            var cd = cosDraws[order[c]];
            for (int r = 0; r < draws; r++) if (cd[r] >= threshold[r]) inTop[c]++;
        }

        for (int c = 0; c < shown; c++) p.Check([id, order[c]]);
        // Each neighbour's interval and its test against the next are independent queries: run them side by side.
        var list = new Neighbour[shown];
        Parallel.For(0, shown, c =>
        {
            var pair = new[] { id, order[c] };
            // The method of composition's interval comes from the joint draws behind P(top k); it carries the same
            // caveat as every other 'sample' interval (Propagation.Estimate adds it there).
            Interval iv = method == IntervalMethod.Sample
                ? CalibrationLimits.ForMethod(Propagation.Summarise(pluginCos[order[c]], cosDraws[order[c]].Select(x => (double)x).ToArray(), level) with { Words = p.Reliability(pair) })
                : p.Estimate(Statistic.Cosine(0, 1), pair, method, level, draws, seed);
            double pNext = double.NaN;
            if (c + 1 < order.Length && (p.HoldFixed || m.HasCovariance(order[c + 1])))
            {
                var diffStat = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2);
                pNext = p.Estimate(diffStat, [id, order[c], order[c + 1]], method, 0.95, draws, seed).PValueZero;
            }
            list[c] = new Neighbour(m.Vocabulary[order[c]], c + 1, pluginCos[order[c]], iv, (double)inTop[c] / draws, pNext)
                { LeftOutAbove = leftOut.Count(i => pluginCos[i] > pluginCos[order[c]]) };
        });
        var warnings = new List<string>();
        if (leftOut.Length > 0)
            warnings.Add($"{string.Join(", ", leftOut.Select(i => $"'{m.Vocabulary[i]}'"))} would rank among these neighbours by plug-in cosine " +
                         "but have no GloVe-V covariance (their uncertainty is unknown), so they were left out of the search; hold them fixed " +
                         "(--hold-fixed, hold_fixed=True, hold_fixed = TRUE) to rank them as exact");
        string why = hopeless ? "(the rest cannot be ruled out within the candidate cap)" : "(the cap)";
        if (bound > tolerance)
            warnings.Add(bound >= 1
                ? $"{members.Count} of {searched} words drawn {why}: the bound on what the words left out can take is {bound:G3} top places (>= 1), " +
                  "so P(top k) is not bounded from above by this search; raise the candidate cap or read P(top k) as an upper value"
                : $"{members.Count} of {searched} words drawn {why}: words left out may hold up to {bound:G3} of the {k} top places in expectation, " +
                  $"so each P(top k) may be up to {bound:G3} too high");
        return new NeighbourResult(word, method, list, members.Count, draws)
        {
            Searched = searched, OmittedBound = bound, Warnings = warnings, WithoutCovariance = withoutCovariance,
            LeftOutAbove = leftOut.Select(i => m.Vocabulary[i]).ToList(),
        };
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

    /// <summary>For each word outside the set, an upper bound on P(it enters the top k), averaged over the query draws:
    /// the smaller of <see cref="TailBound"/> (the draw must turn far enough) and <see cref="ProjectionBound"/> (a noisy
    /// draw must also point the right way, which in D dimensions is rare).</summary>
    static (double Total, List<(int Id, double Bound)> ByWord) OmittedBounds(Propagation p, int[] order, bool[] inSet, double[] pluginCos,
        QueryDraws query, double[] threshold)
    {
        var m = p.Model;
        int draws = threshold.Length;
        var gamma = new double[draws];
        var byGamma = new int[draws];
        for (int r = 0; r < draws; r++) { gamma[r] = query.Angle[r] + Math.Acos(Math.Clamp(threshold[r], -1, 1)); byGamma[r] = r; }
        Array.Sort(gamma, byGamma);
        // Both bounds fall as γ (resp. the query's turn φ and the threshold's slack) fall: each group of draws sorted by γ
        // is bounded by its worst values (16 evaluations instead of one per draw).
        int groups = Math.Min(16, draws);
        var gMax = new double[groups]; var phiMax = new double[groups]; var tMin = new double[groups]; var share = new double[groups];
        for (int g = 0, start = 0; g < groups; g++)
        {
            int end = (int)((long)draws * (g + 1) / groups);
            gMax[g] = gamma[end - 1]; phiMax[g] = double.NegativeInfinity; tMin[g] = double.PositiveInfinity;
            for (int r = start; r < end; r++) { phiMax[g] = Math.Max(phiMax[g], query.Angle[byGamma[r]]); tMin[g] = Math.Min(tMin[g], threshold[byGamma[r]]); }
            share[g] = (double)(end - start) / draws; start = end;
        }
        double gammaWorst = gMax.Max(), phiWorst = phiMax.Max(), tWorst = tMin.Min();
        var table = p.Table;
        int d = m.Dim;
        var omitted = order.Where(j => !inSet[j]).ToArray();
        var bounds = new double[omitted.Length];
        Parallel.For(0, omitted.Length, i =>
        {
            int j = omitted[i];
            // Float unit vectors: allow for their rounding in the angle.
            double theta = Math.Acos(Math.Clamp(pluginCos[j], -1, 1)) - 1e-5;
            double norm2 = 0;
            for (int t = 0; t < d; t++) { double x = m.Vectors[(long)j * d + t]; norm2 += x * x; }
            bool noisy = table.Spread(m, j, p.Approximate, out double tr, out double trSq, out double normOne);
            double Bound(double gam, double phi, double t) =>
                Math.Min(TailBound(theta - gam, norm2, noisy, tr, trSq, normOne), ProjectionBound(theta - phi, t, norm2, noisy, tr, trSq, normOne));
            double worst = Bound(gammaWorst, phiWorst, tWorst), b = worst;
            if (worst > 1e-12)
            {
                double sum = 0;
                for (int g = 0; g < groups; g++) sum += share[g] * Bound(gMax[g], phiMax[g], tMin[g]);
                b = Math.Min(worst, sum);
            }
            bounds[i] = b;
        });
        var byWord = new List<(int, double)>(omitted.Length);
        double total = 0;
        for (int i = 0; i < omitted.Length; i++) { total += bounds[i]; byWord.Add((omitted[i], bounds[i])); }
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
        double lambda = LambdaBound(traceSq, lambdaBound);
        if (lambda <= 0) return 0;
        double sf = Math.Sqrt(traceSq);
        double y = (-sf + Math.Sqrt(traceSq + 2 * lambda * excess)) / (2 * lambda);
        return Math.Min(1, Math.Exp(-y * y));
    }

    /// <summary>λ_max(Σ) is at most both its 1-norm (Gershgorin) and its Frobenius norm sqrt(tr Σ²).</summary>
    static double LambdaBound(double traceSq, double normOne) => Math.Min(normOne, Math.Sqrt(traceSq));

    /// <summary>
    /// Upper bound on P(cos(u, w + e) > t) for a unit vector u at an angle of at least <paramref name="minAngle"/> from
    /// w and e ~ N(0, Σ): with x = w + e and P⊥ the projection off u, the event needs u·x > c ||P⊥x||, c = t/sqrt(1 − t²).
    /// For any r it lies in {u·e > c r − a} ∪ {||P⊥e|| < r + ||w||}, a = ||w|| cos(minAngle) >= u·w; u·e ~ N(0, uᵀΣu)
    /// with uᵀΣu <= λ, and ||P⊥e||² has trace >= tr Σ − λ and squared Frobenius norm <= tr Σ², so Laurent and Massart's
    /// lower tail bounds the second. The smallest sum over a grid of r is returned. It is what makes noisy words (tr Σ
    /// >= ||w||², where <see cref="TailBound"/> is 1) unlikely entrants: their draws point anywhere, rarely at the query.
    /// </summary>
    public static double ProjectionBound(double minAngle, double t, double norm2, bool noisy, double trace, double traceSq, double lambdaBound)
    {
        if (!noisy) return minAngle > 0 ? 0 : 1;
        if (!(t > 0) || t >= 1) return t >= 1 ? 0 : 1;
        double lambda = LambdaBound(traceSq, lambdaBound);
        if (!(lambda > 0)) return 1;
        double c = t / Math.Sqrt(1 - t * t), norm = Math.Sqrt(norm2);
        double a = norm * Math.Cos(Math.Clamp(minAngle, 0, Math.PI));
        double sl = Math.Sqrt(lambda), low = trace - lambda, sf = Math.Sqrt(traceSq);
        if (low <= 0) return 1;
        double rMin = Math.Max(0, a / c), rMax = Math.Sqrt(low) - norm;
        if (rMax <= rMin) return 1;
        double best = 1;
        for (int i = 1; i < 12; i++)
        {
            double r = rMin + (rMax - rMin) * i / 12;
            double z = (c * r - a) / sl;
            double p1 = 0.5 * Math.Exp(-0.5 * z * z); // Φ̄(z) <= e^{-z²/2}/2 for z >= 0
            double rho = (r + norm) * (r + norm);
            double y = (low - rho) / (2 * sf);
            double p2 = Math.Exp(-y * y);
            best = Math.Min(best, p1 + p2);
        }
        return Math.Min(1, best);
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
                GaussianBlock.Fill(ref rng, z);
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
