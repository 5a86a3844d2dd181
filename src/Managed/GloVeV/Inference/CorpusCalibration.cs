using System.Globalization;
using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Native;
using GloVeV.Text;
using GloVeV.Training;

namespace GloVeV.Inference;

/// <summary>Settings of <see cref="CorpusCalibration"/> (<c>glovev calibrate</c>).</summary>
public sealed record CalibrationOptions
{
    /// <summary>Upper frequency ranks (1-based, inclusive) of the bands; the last band is open (every rank above the last edge).</summary>
    public int[] BandEdges { get; init; } = FrequencyBands.DefaultEdges;
    public int WordsPerBand { get; init; } = 40;
    /// <summary>Simulated corpora (fresh log co-occurrences for every sampled word) per study.</summary>
    public int Replicates { get; init; } = 25;
    public IntervalMethod[] Methods { get; init; } = [IntervalMethod.Calibrated, IntervalMethod.Delta, IntervalMethod.Sample];
    /// <summary>Draws of the drawing methods (null: <see cref="IntervalDefaults.Samples"/>); given with delta alone, which
    /// draws nothing, it would be ignored, so that is refused. (The seed also picks the words and the simulated data, so
    /// it is used by every method.)</summary>
    public int? Samples { get; init; }
    public int DrawSamples => Samples ?? IntervalDefaults.Samples;
    public ulong Seed { get; init; } = IntervalDefaults.Seed;
    public double Level { get; init; } = IntervalDefaults.Level;
    public int Threads { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        FrequencyBands.Validate(BandEdges);
        if (WordsPerBand < 2) throw new BadArgumentException($"words_per_band must be at least 2, got {WordsPerBand}");
        if (Replicates < 1) throw new BadArgumentException($"replicates must be at least 1, got {Replicates}");
        if (Methods.Length == 0) throw new BadArgumentException("methods: give at least one interval method");
        if (Methods.Distinct().Count() != Methods.Length) throw new BadArgumentException($"methods: each method once, got {string.Join(",", Methods.Select(Interval.MethodName))}");
        if (Seed == 0) throw new BadArgumentException("seed must be >= 1, got 0");
        if (Samples < 2) throw new BadArgumentException($"samples must be at least 2, got {Samples}");
        if (Samples != null && Methods.All(m => m == IntervalMethod.Delta))
            throw new BadArgumentException("samples: the delta method draws nothing; give it with the sample or calibrated method");
        if (!(Level > 0 && Level < 1)) throw new BadArgumentException($"level must be in (0, 1), got {Level}");
        ThreadLimit.Check(Threads);
    }
}

/// <summary>One row of the calibration table: a frequency band, a statistic and a method.</summary>
/// <param name="Statistic"><c>cosine_neighbour</c> (a word and its nearest neighbour), <c>cosine_random</c> (two words of the
/// band) or <c>difference</c> (cos(a, 1st neighbour) - cos(a, 2nd neighbour)).</param>
/// <param name="Coverage">Share of intervals containing the fitted truth; a not-identifiable answer counts as covering.</param>
/// <param name="CoverageSe">Monte Carlo standard error of <paramref name="Coverage"/> (binomial, over words and replicates).</param>
/// <param name="MedianWidth">Median width of the identifiable intervals (NaN when there are none).</param>
public sealed record CalibrationRow(string Band, int RankFrom, int RankTo, int Words, double MedianNoiseRatio, int MedianDof,
    string Statistic, IntervalMethod Method, int Intervals, double Coverage, double CoverageSe, double MedianWidth, double NotIdentifiable);

/// <summary>
/// <c>glovev calibrate</c>: a parametric check of the interval methods at the user's own corpus. GloVe-V's model is taken
/// as true with the fitted parameters: for a word i, log X_ij = b_i + c~_j + w_i·c_j + ε_ij on its observed contexts K_i,
/// ε_ij ~ N(0, σ_i²/f_ij), with σ_i² the fitted residual variance. Each replicate draws fresh log co-occurrences for every
/// sampled word, re-solves w_i by weighted least squares given the context vectors and biases (with the model's ridge, as
/// training did), recomputes σ_i² and Σ_i exactly as the variance stage does, and scores each method's interval against
/// the fitted truth. Words are sampled per frequency band (ranks of the vocabulary) among those with a covariance
/// (|K_i| &gt; D); each is paired with its two nearest neighbours and with another word of its band.
/// </summary>
public static unsafe class CorpusCalibration
{
    public static readonly string[] Statistics = ["cosine_neighbour", "cosine_random", "difference"];

    /// <summary>Runs the study on a model folder (params.safetensors, vocab.txt) and its co-occurrence folder.</summary>
    public static IReadOnlyList<CalibrationRow> Run(string modelDir, string cooccurDir, CalibrationOptions o, Action<double>? progress = null, CancellationToken cancel = default)
    {
        o.Validate();
        if (!Directory.Exists(modelDir)) throw new MissingFileException($"{modelDir}: model folder not found");
        using var m = TrainedModelInputs.Open(modelDir, cooccurDir, "calibrate needs the context vectors and biases of a trained model");
        return Run(m.Parameters, m.Matrix, o, progress, cancel);
    }

    sealed class Band(string name, int from, int to, int[] words)
    {
        public string Name = name; public int From = from, To = to; public int[] Words = words;
        public int[] Partner = [], Nn1 = [], Nn2 = [];
    }

    /// <summary>One word's simulation: the fitted truth, its replicates' re-solved vectors and covariances.</summary>
    sealed class Simulated
    {
        public double[] Truth = [];
        public double NoiseRatio;
        public int Dof, Contexts;
        public double[][] W = [];      // per replicate
        public double[] S2 = [];       // per replicate σ²*: Σ* = σ²* A⁻¹, its factor sqrt(σ²*) chol(A⁻¹)
        public double[] AInverse = [], Factor = [];
        // What the calibrated method uses (as Propagation does): the un-shrunk estimate S⁻¹w* and σ²* H⁻¹ (per unit σ²);
        // Unshrinkable = false when H is singular (then the calibrated answer is not identifiable).
        public bool Unshrinkable = true;
        public double[]? Unshrink;
        public double[] Unbiased = [], UnbiasedFactor = [];
        public double[] Point(int r, bool unbiased) => unbiased ? CovarianceMath.Apply(Unshrink, W[r]) : W[r];
        public double[] Cov(int r, bool unbiased = false) => (unbiased ? Unbiased : AInverse).Select(c => c * S2[r]).ToArray();
        public double[] L(int r, bool unbiased = false) { double sq = Math.Sqrt(S2[r]); return (unbiased ? UnbiasedFactor : Factor).Select(c => c * sq).ToArray(); }
    }

    public static IReadOnlyList<CalibrationRow> Run(GloVeParameters p, CsrMatrix x, CalibrationOptions o, Action<double>? progress = null, CancellationToken cancel = default)
    {
        o.Validate();
        int d = p.Dim, v = p.VocabSize;
        double xMax = p.MetaNumber("x_max", 100), alpha = p.MetaNumber("alpha", 0.75), ridge = p.MetaNumber("ridge", 0);
        var eligible = Enumerable.Range(0, v).Where(i => x.RowLength(i) > d).ToArray();
        if (eligible.Length < 3) throw new GloVeVException($"calibrate: only {eligible.Length} word(s) have more than D={d} contexts; at least 3 are needed");
        var rng = new SplitMix64(SplitMix64.Derive(o.Seed, 0xCA11B));

        // Bands by frequency rank; words drawn without replacement among those with a covariance.
        var bands = new List<Band>();
        // A band asked for that holds fewer than two words with a covariance stays in the table, with its count and no
        // coverage (NaN), rather than vanishing from it.
        var empty = new List<CalibrationRow>();
        foreach (var fb in FrequencyBands.Split(o.BandEdges, v, eligible))
            if (fb.Words.Length >= 2) bands.Add(new Band(fb.Name, fb.From, fb.To, FrequencyBands.Sample(fb.Words, o.WordsPerBand, ref rng)));
            else
                foreach (var st in Statistics)
                    foreach (var meth in o.Methods)
                        empty.Add(new CalibrationRow(fb.Name, fb.From, fb.To, fb.Words.Length, double.NaN, 0, st, meth, 0, double.NaN, double.NaN, double.NaN, double.NaN));
        if (bands.Count == 0) throw new GloVeVException("calibrate: no frequency band holds two words with a covariance");

        // Partners: the two nearest neighbours among words with a covariance, and another sampled word of the band.
        var unit = UnitRows(p.Center, v, d);
        foreach (var b in bands)
        {
            int n = b.Words.Length;
            b.Partner = new int[n]; b.Nn1 = new int[n]; b.Nn2 = new int[n];
            for (int t = 0; t < n; t++)
            {
                int other = (int)(rng.NextDouble() * (n - 1));
                if (other >= t) other++;
                b.Partner[t] = b.Words[other];
            }
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel }, t =>
            {
                var (a1, a2) = TwoNearest(unit, d, b.Words[t], eligible);
                b.Nn1[t] = a1; b.Nn2[t] = a2;
            });
        }

        var needed = bands.SelectMany(b => b.Words.Concat(b.Partner).Concat(b.Nn1).Concat(b.Nn2)).Distinct().Order().ToArray();
        var sims = new Dictionary<int, Simulated>();
        int done = 0;
        var gate = new object();
        var po = new ParallelOptions { MaxDegreeOfParallelism = o.Threads, CancellationToken = cancel };
        // Largest rows first so the threads finish together.
        Parallel.ForEach(needed.OrderByDescending(x.RowLength), po, i =>
        {
            var s = Simulate(p, x, i, xMax, alpha, ridge, o.Replicates, SplitMix64.Derive(o.Seed, (ulong)i + 0x51D));
            lock (gate) { sims[i] = s; done++; }
            progress?.Invoke(0.3 * done / needed.Length);
        });

        // The calibrated method moderates each word's σ² by its model's prior (as Propagation does): per replicate (a
        // simulated corpus), fitted to that replicate's σ²* of the words simulated here (every band's, so its trend on |K|
        // spans them), in word order (not the dictionary's, which depends on the threads: the same seed, the same table).
        var simulatedWords = needed.Select(i => sims[i]).ToArray();
        var priors = Enumerable.Range(0, o.Replicates).Select(r => VariancePrior.Fit(simulatedWords.Select(w => w.S2[r]).ToArray(),
            simulatedWords.Select(w => (double)w.Dof).ToArray(), simulatedWords.Select(w => (double)w.Contexts).ToArray())).ToArray();
        var rows = new List<CalibrationRow>();
        int bandsDone = 0;
        foreach (var b in bands)
        {
            int n = b.Words.Length, m = o.Methods.Length, reps = o.Replicates;
            // [statistic][method]: covered, not identifiable, widths
            var covered = new int[3, m]; var ni = new int[3, m]; var counts = new int[3, m];
            var widths = new List<double>[3, m];
            for (int s = 0; s < 3; s++) for (int k = 0; k < m; k++) widths[s, k] = [];
            Parallel.For(0, n * reps, po, () => new Tally(m), (job, _, loc) =>
            {
                int t = job / reps, r = job % reps;
                int a = b.Words[t];
                ulong seed = SplitMix64.Derive(o.Seed, ((ulong)a << 20) + (ulong)r);
                Score(loc, 0, o, priors[r], Statistic.Cosine(0, 1), [sims[a], sims[b.Nn1[t]]], r, seed);
                Score(loc, 1, o, priors[r], Statistic.Cosine(0, 1), [sims[a], sims[b.Partner[t]]], r, seed + 1);
                Score(loc, 2, o, priors[r], Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2), [sims[a], sims[b.Nn1[t]], sims[b.Nn2[t]]], r, seed + 2);
                return loc;
            }, loc =>
            {
                lock (gate)
                    for (int s = 0; s < 3; s++)
                        for (int k = 0; k < m; k++)
                        {
                            covered[s, k] += loc.Covered[s, k]; ni[s, k] += loc.Ni[s, k]; counts[s, k] += loc.Count[s, k];
                            widths[s, k].AddRange(loc.Widths[s, k]);
                        }
            });
            var nrs = b.Words.Select(w => sims[w].NoiseRatio).Order().ToArray();
            var dofs = b.Words.Select(w => (double)sims[w].Dof).Order().ToArray();
            double medNr = IntervalEngine.Quantile(nrs, 0.5);
            int medDof = (int)Math.Round(IntervalEngine.Quantile(dofs, 0.5));
            for (int s = 0; s < 3; s++)
                for (int k = 0; k < m; k++)
                {
                    int c = counts[s, k];
                    double cov = covered[s, k] / (double)c;
                    rows.Add(new CalibrationRow(b.Name, b.From, b.To, n, medNr, medDof, Statistics[s], o.Methods[k], c, cov,
                        Math.Sqrt(cov * (1 - cov) / c), CoverageStudy.Median(widths[s, k]), ni[s, k] / (double)c));
                }
            bandsDone++;
            progress?.Invoke(0.3 + 0.7 * bandsDone / bands.Count);
        }
        return rows.Concat(empty).OrderBy(r => r.RankFrom).ToList();
    }

    sealed class Tally(int m)
    {
        public readonly int[,] Covered = new int[3, m], Ni = new int[3, m], Count = new int[3, m];
        public readonly List<double>[,] Widths = Init(m);
        static List<double>[,] Init(int m) { var w = new List<double>[3, m]; for (int s = 0; s < 3; s++) for (int k = 0; k < m; k++) w[s, k] = []; return w; }
    }

    static void Score(Tally t, int s, CalibrationOptions o, VariancePrior prior, Statistic stat, Simulated[] words, int r, ulong seed)
    {
        double truth = stat.Value(words.Select(w => w.Truth).ToArray());
        for (int k = 0; k < o.Methods.Length; k++)
        {
            // As Propagation does: the paper's methods take the trained vectors and the reported Σ, the calibrated one the
            // un-shrunk (plain WLS) estimates and their covariance.
            bool unbiased = o.Methods[k] == IntervalMethod.Calibrated;
            if (unbiased && words.Any(w => !w.Unshrinkable)) { t.Count[s, k]++; t.Ni[s, k]++; t.Covered[s, k]++; continue; }
            var v = words.Select(w => w.Point(r, unbiased)).ToArray();
            var cov = words.Select(w => (double[]?)w.Cov(r, unbiased)).ToArray();
            var l = words.Select(w => (double[]?)w.L(r, unbiased)).ToArray();
            var dof = words.Select(w => (double)w.Dof).ToArray();
            if (unbiased)
                for (int u = 0; u < words.Length; u++)
                    (cov[u], l[u], dof[u]) = prior.Apply(cov[u], l[u], words[u].S2[r], dof[u], words[u].Contexts);
            var iv = CoverageStudy.Estimate(o.Methods[k], stat, v, cov, l, dof, o.Level, o.DrawSamples, seed);
            t.Count[s, k]++;
            if (!iv.Identifiable) { t.Ni[s, k]++; t.Covered[s, k]++; continue; }
            if (iv.Lo <= truth && truth <= iv.Hi) t.Covered[s, k]++;
            t.Widths[s, k].Add(iv.Hi - iv.Lo);
        }
    }

    /// <summary>Word i's fitted truth and <paramref name="reps"/> simulated WLS re-fits. With G = rows sqrt(f_ij) c_j,
    /// H = GᵀG and A = H + λI: y - b - c~ = C w + ε gives rhs = H w + σ Gᵀz (z standard normal), w* = A⁻¹ rhs,
    /// RSS* = ||G(w - w*) + σ z||² = δᵀHδ + 2σ δᵀGᵀz + σ²||z||² (δ = w - w*), σ²* = RSS*/(|K| - df), Σ* = σ²* A⁻¹, exactly
    /// the variance stage's formulas.</summary>
    static Simulated Simulate(GloVeParameters p, CsrMatrix x, int i, double xMax, double alpha, double ridge, int reps, ulong seed)
    {
        int d = p.Dim, k = x.RowLength(i);
        var cols = x.RowIndices(i); var vals = x.RowValues(i);
        // Aligned buffers: MKL's results then do not depend on where the heap put them (seeded runs repeat exactly).
        var gb = new AlignedBuffer(checked(k * d)); var hb = new AlignedBuffer(d * d); var ab = new AlignedBuffer(d * d);
        var zb = new AlignedBuffer(k); var gzb = new AlignedBuffer(d);
        double* g = gb.Pointer, ph = hb.Pointer, pa = ab.Pointer, pz = zb.Pointer, pgz = gzb.Pointer;
        var w = new double[d];
        for (int q = 0; q < d; q++) w[q] = p.Center[(long)i * d + q];
        double rss = 0, bi = p.CenterBias[i];
        for (int t = 0; t < k; t++)
        {
            int j = cols[t];
            double f = vals[t] < xMax ? Math.Pow(vals[t] / xMax, alpha) : 1.0, sf = Math.Sqrt(f);
            double dot = 0;
            for (int q = 0; q < d; q++) { double c = p.Context[(long)j * d + q]; g[(long)t * d + q] = sf * c; dot += w[q] * c; }
            double e = Math.Log(vals[t]) - bi - p.ContextBias[j] - dot;
            rss += f * e * e;
        }
        DenseLinearAlgebra.GramLower(g, k, d, ph);
        DenseLinearAlgebra.SymmetrizeFromLower(ph, d);
        for (int q = 0; q < d * d; q++) pa[q] = ph[q];
        for (int q = 0; q < d; q++) pa[q * d + q] += ridge;
        if (DenseLinearAlgebra.Cholesky(pa, d) != 0)
            throw new GloVeVException($"calibrate: H_i + ridge I of word {i} is not positive definite");
        DenseLinearAlgebra.InverseFromCholesky(pa, d);
        var h = new Span<double>(ph, d * d).ToArray();
        var ainv = new Span<double>(pa, d * d).ToArray();
        double trA = 0; for (int q = 0; q < d; q++) trA += ainv[q * d + q];
        double df = ridge > 0 ? d - ridge * trA : d;
        double sigma2 = rss / (k - df);
        double n2 = w.Sum(c => c * c);
        var l0 = CovarianceMath.SquareRoot(ainv, d);
        var s = new Simulated { Truth = w, NoiseRatio = n2 > 0 ? sigma2 * trA / n2 : double.PositiveInfinity, Dof = k - d,
            Contexts = k,
            W = new double[reps][], S2 = new double[reps], AInverse = ainv, Factor = l0 };
        // The same formula Propagation applies to a model's Σ, at σ² = 1 (S = I - λA⁻¹ does not depend on σ²; the
        // covariance scales with it).
        var un = CovarianceMath.RidgeUnshrink(ainv, d, 1.0, ridge);
        if (un == null) s.Unshrinkable = false;
        else
        {
            s.Unshrink = un.Value.Unshrink; s.Unbiased = un.Value.Covariance;
            s.UnbiasedFactor = ridge > 0 ? CovarianceMath.SquareRoot(s.Unbiased, d) : l0;
        }
        var hw = MatVec(h, w, d); // H w does not change between replicates
        var rng = new SplitMix64(seed);
        var gtz = new double[d];
        double sigma = Math.Sqrt(sigma2);
        for (int r = 0; r < reps; r++)
        {
            double zz = 0;
            for (int t = 0; t < k; t++) { double zt = rng.NextGaussian(); pz[t] = zt; zz += zt * zt; }
            DenseLinearAlgebra.Gemv(true, g, k, d, 1.0, pz, 0.0, pgz);
            new Span<double>(pgz, d).CopyTo(gtz);
            var rhs = new double[d];
            for (int q = 0; q < d; q++) rhs[q] = hw[q] + sigma * gtz[q];
            var ws = MatVec(ainv, rhs, d);
            var delta = new double[d];
            for (int q = 0; q < d; q++) delta[q] = w[q] - ws[q];
            var hd = MatVec(h, delta, d);
            double rssStar = 0, cross = 0;
            for (int q = 0; q < d; q++) { rssStar += delta[q] * hd[q]; cross += delta[q] * gtz[q]; }
            rssStar += 2 * sigma * cross + sigma2 * zz;
            double s2 = Math.Max(0, rssStar) / (k - df); // RSS >= 0 exactly; the max only absorbs rounding
            s.W[r] = ws;
            s.S2[r] = s2;
        }
        // The raw pointers above are into these pinned arrays: keep them alive until the last use.
        GC.KeepAlive(gb); GC.KeepAlive(hb); GC.KeepAlive(ab); GC.KeepAlive(zb); GC.KeepAlive(gzb);
        return s;
    }

    static double[] MatVec(double[] a, double[] x, int d)
    {
        var y = new double[d];
        for (int q = 0; q < d; q++) y[q] = System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<double>(a, q * d, d), x);
        return y;
    }

    static float[] UnitRows(float[] w, int v, int d)
    {
        var u = new float[(long)v * d];
        for (int i = 0; i < v; i++)
        {
            var row = new ReadOnlySpan<float>(w, i * d, d);
            float n = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            var dst = new Span<float>(u, i * d, d);
            if (n > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, n, dst);
        }
        return u;
    }

    static (int, int) TwoNearest(float[] unit, int d, int a, int[] candidates)
    {
        var ua = new ReadOnlySpan<float>(unit, a * d, d);
        int b1 = -1, b2 = -1; float s1 = float.NegativeInfinity, s2 = float.NegativeInfinity;
        foreach (int j in candidates)
        {
            if (j == a) continue;
            float s = System.Numerics.Tensors.TensorPrimitives.Dot(ua, new ReadOnlySpan<float>(unit, j * d, d));
            if (s > s1) { b2 = b1; s2 = s1; b1 = j; s1 = s; }
            else if (s > s2) { b2 = j; s2 = s; }
        }
        return (b1, b2);
    }

    /// <summary>The columns of <see cref="Tsv"/> (also the data-frame columns of the Python and R bindings).</summary>
    public static readonly string[] Columns = ["band", "rank_from", "rank_to", "words", "median_noise_ratio", "median_dof", "statistic", "method",
        "intervals", "coverage", "coverage_se", "median_width", "not_identifiable"];

    /// <summary>The rows as tab-separated text with a header (NA for undefined numbers).</summary>
    public static string Tsv(IEnumerable<CalibrationRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        static string N(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA";
        var sb = new System.Text.StringBuilder(string.Join("\t", Columns)).Append('\n');
        foreach (var r in rows)
            sb.Append(string.Join("\t", r.Band, r.RankFrom.ToString(inv), r.RankTo.ToString(inv), r.Words.ToString(inv), N(r.MedianNoiseRatio),
                r.MedianDof.ToString(inv), r.Statistic, Interval.MethodName(r.Method), r.Intervals.ToString(inv), N(r.Coverage), N(r.CoverageSe),
                N(r.MedianWidth), N(r.NotIdentifiable))).Append('\n');
        return sb.ToString();
    }
}
