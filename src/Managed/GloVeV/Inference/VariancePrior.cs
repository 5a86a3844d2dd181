namespace GloVeV.Inference;

/// <summary>
/// Empirical-Bayes moderation of the per-word noise variances σ_i² (after Smyth 2004, limma's <c>squeezeVar</c> with a
/// trend): across a model's words, s_i² (with d_i = |K_i| - D degrees of freedom) is taken as σ_i² χ²_{d_i}/d_i with
/// 1/σ_i² ~ s0²(K_i)⁻¹ χ²_{d0}/d0, the prior's centre s0² a cubic trend in ln |K_i|. The prior degrees of freedom d0 come
/// from how much more the log s_i² scatter around the trend than χ² noise alone makes them, taken in the band of context
/// counts where they scatter most, and at most the words' pooled Σ d_i, from which the trend itself is estimated; the
/// prior is used only when d0 ≥ <see cref="MinPriorDof"/> (the words of a band share their noise level closely). The
/// posterior s̃_i² = (d0_i s0² + d_i s_i²)/(d0_i + d_i) has d0_i + d_i degrees of freedom, d0_i ≤ d0 the word's own
/// prior weight (below).
/// Why: with few residual degrees of freedom σ_i² is itself very noisy (5 degrees of freedom: ±60% at 1 sd), and it is
/// shared by every direction of the word's vector, so one noisy σ² makes a debiased norm ||w||² - tr Σ undefined and an
/// interval needlessly wide; other words of the same model, fitted the same way, say how large it usually is. Why the
/// band where they scatter most: on real corpora the rarest words' s² scatter less than χ² noise would make them (their
/// log co-occurrences are few distinct small counts, not Gaussian) and frequent words' more (their σ² really differ);
/// pooled, the two cancel into d0 = ∞, which would give every frequent word its band's σ². Each word's own prior weight
/// (<see cref="WordPriorDof"/>) is robust to words the prior does not describe: a word whose s²/s0² lies in the upper
/// <see cref="UpperTailLevel"/> of its predictive distribution F(d, d0) (and is at least <see cref="MinAtypicalRatio"/>)
/// gets the largest d0' ≤ d0 under which it would not (the prior weakened just enough for its s² to be an unsurprising
/// draw; after the outlier degrees of freedom of limma's robust <c>squeezeVar</c>, Phipson et al. 2016, taken per word),
/// and a word below the lowest <see cref="LowerOutlierLevel"/> keeps its own σ² and d. Why: an atypically noisy word must
/// not borrow its neighbours' noise level (a word twice as noisy as the rest of its frequency got about two thirds of
/// its variance at d = 10 and d0 = 20, and its intervals covered 0.90-0.92), and with 10-30 residual degrees of freedom
/// its s² shows it, if not beyond doubt; an upper-tail word that is ordinary loses only part of its moderation.
/// </summary>
public sealed class VariancePrior
{
    /// <summary>Fewer words than this with a σ² (and |K| > D) give no prior: the scatter of so few cannot be told from noise.</summary>
    public const int MinWords = 20;
    /// <summary>The smallest d0 the prior is used with: the words' ln σ² spread, beyond χ² noise, by at most
    /// sqrt(ψ'(10)) = 0.32 (a factor 1.38) at one sd around the trend.</summary>
    public const double MinPriorDof = 20;
    /// <summary>A word whose s²/s0² is in this upper tail of F(d, d0), and at least <see cref="MinAtypicalRatio"/>, gets a
    /// smaller prior weight (<see cref="WordPriorDof"/>). Chosen on the exact-model grid (README, "Each word's own prior
    /// weight"): words twice as noisy as the rest of their model gained 1-5 points of coverage at |K| - D = 5-30 over the
    /// central-99% check before it, for 4-5 more points of `not_identifiable` answers at |K| - D = 5, NR 0.5 where every
    /// word is typical; 0.1 gained about half as much for half the cost.</summary>
    public const double UpperTailLevel = 0.2;
    /// <summary>A word's s² must be at least this many times the prior's centre for its weight to be reduced. Why: the upper
    /// tail of F(d, d0) alone also takes the typical words of a frequent band (at d = 100, ratios of 1.1-1.3), and weakening
    /// their prior while the lower tail keeps it raised their σ̃² on average: intervals at |K| - D = 100, NR 0.1 widened to
    /// 1.11 times the delta method's (the grid is held to 1.1). A typical word's s² is 1.5 times its centre in about 1% of
    /// words at d = 50 and less beyond, so there the rule touches only words it can tell are atypical; at d = 5-10, where
    /// one s² cannot tell, the upper 20% of F(d, d0) lies above 1.5 anyway.</summary>
    public const double MinAtypicalRatio = 1.5;
    /// <summary>A word whose s²/s0² is in this lower tail of F(d, d0) keeps its own σ² and d (a much quieter word than
    /// the rest of its frequency would otherwise be given their noise).</summary>
    public const double LowerOutlierLevel = 0.005;
    /// <summary>The smallest prior weight the upper-tail search tries; a word still in the tail there keeps its own σ².</summary>
    const double MinWordPriorDof = 1e-3;
    /// <summary>Words per band of context counts in which the excess scatter is measured (at most <see cref="MaxBands"/>
    /// bands, at least one).</summary>
    public const int WordsPerBand = 200;
    public const int MaxBands = 10;

    /// <summary>Prior degrees of freedom d0 (0 without a fit; at most the pooled Σ d_i; used when ≥ <see cref="MinPriorDof"/>).</summary>
    public double PriorDof { get; }
    /// <summary>Number of words the prior was fitted to.</summary>
    public int Words { get; }
    // The trend of E[ln s²] corrected for the χ² mean: a polynomial in z = (ln |K| - _mean)/_scale, lowest power first.
    readonly double[] _coef;
    readonly double _mean, _scale;

    VariancePrior(double d0, double[] coef, double mean, double scale, int words) { PriorDof = d0; _coef = coef; _mean = mean; _scale = scale; Words = words; }

    /// <summary>No moderation: each word keeps its own σ² and |K| - D degrees of freedom.</summary>
    public static readonly VariancePrior None = new(0, [double.NaN], 0, 1, 0);

    /// <summary>The prior is used only when d0 ≥ <see cref="MinPriorDof"/>: where words of the same context count differ
    /// in σ² by more than that allows, pulling each towards their common centre mostly trades one word's error for
    /// another's (the exact-model study through the CLI, words at noise ratios 0.1-1 in one model, d0 ≈ 3: with the prior
    /// used, coverage fell to 0.91-0.93 at |K| - D = 5, NR 1, and intervals at NR 0.1 widened 26-40%).</summary>
    public bool Active => PriorDof >= MinPriorDof;

    /// <summary>The trend at ln |K|.</summary>
    double Trend(double lnContexts) => Polynomial(_coef, (lnContexts - _mean) / _scale);

    static double Polynomial(double[] coef, double z)
    {
        double e = 0;
        for (int q = coef.Length - 1; q >= 0; q--) e = e * z + coef[q];
        return e;
    }

    /// <summary>The prior's centre s0² for a word with <paramref name="contexts"/> contexts.</summary>
    public double Centre(double contexts)
    {
        return Math.Exp(Trend(Math.Log(contexts)) + Digamma(PriorDof / 2) - Math.Log(PriorDof / 2));
    }

    /// <summary>The posterior σ̃² and its degrees of freedom for a word's s² with <paramref name="dof"/> degrees of
    /// freedom: (d0' s0² + d s²)/(d0' + d) with d0' + d, d0' = <see cref="WordPriorDof"/>. Without a prior, or for a word
    /// whose d0' is 0, (s², dof).</summary>
    public (double Sigma2, double Dof) Moderate(double s2, double dof, double contexts)
    {
        double d0 = PriorDofFor(s2, dof, contexts);
        if (d0 == 0) return (s2, dof);
        return ((d0 * Centre(contexts) + dof * s2) / (d0 + dof), d0 + dof);
    }

    /// <summary>The prior weight d0' a word with this s², degrees of freedom and |K| is moderated with
    /// (<see cref="WordPriorDof"/>); 0 without a prior, degrees of freedom or a positive s².</summary>
    public double PriorDofFor(double s2, double dof, double contexts) =>
        Active && dof > 0 && s2 > 0 ? WordPriorDof(s2 / Centre(contexts), dof) : 0;

    /// <summary>The prior degrees of freedom a word with ratio s²/s0² (and d degrees of freedom) is moderated with: d0 when
    /// the ratio lies above the lowest <see cref="LowerOutlierLevel"/> and below the upper <see cref="UpperTailLevel"/> of
    /// F(d, d0), or below <see cref="MinAtypicalRatio"/>; 0 (its own σ²) in that lower tail; in that upper tail (and from
    /// <see cref="MinAtypicalRatio"/>) the largest d0' ≤ d0 with P(F(d, d0') ≥ ratio) ≥
    /// <see cref="UpperTailLevel"/> (the upper tail of F(d, m) at a ratio above 1 grows as m falls), or 0 when even
    /// d0' = 0.001 leaves it in the tail. 0 without a prior.</summary>
    public double WordPriorDof(double ratio, double dof)
    {
        if (!Active || !(dof > 0) || !(ratio > 0)) return 0;
        double below = MathNet.Numerics.Distributions.FisherSnedecor.CDF(dof, PriorDof, ratio);
        if (below < LowerOutlierLevel) return 0;
        if (1 - below >= UpperTailLevel || ratio < MinAtypicalRatio) return PriorDof;
        double Above(double m) => 1 - MathNet.Numerics.Distributions.FisherSnedecor.CDF(dof, m, ratio);
        if (!(Above(MinWordPriorDof) >= UpperTailLevel)) return 0;
        // Bisection on ln d0' between a weight that leaves the ratio outside the tail (lo) and d0 (hi), to 1e-9 relative.
        double lo = Math.Log(MinWordPriorDof), hi = Math.Log(PriorDof);
        while (hi - lo > 1e-9)
        {
            double mid = 0.5 * (lo + hi);
            if (Above(Math.Exp(mid)) >= UpperTailLevel) lo = mid; else hi = mid;
        }
        return Math.Exp(lo);
    }

    /// <summary>A word's covariance, sampling factor and degrees of freedom with its σ² moderated: Σ and L scaled by
    /// σ̃²/s² and sqrt of it (new arrays; the inputs may be a model's shared cache), dof = d0' + d. Unchanged without a
    /// prior, a covariance or a positive s².</summary>
    public (double[]? Cov, double[]? L, double Dof) Apply(double[]? cov, double[]? l, double s2, double dof, double contexts)
    {
        if (!Active || cov == null || !(s2 > 0) || !(dof > 0)) return (cov, l, dof);
        var (m2, nu) = Moderate(s2, dof, contexts);
        double r = m2 / s2, sr = Math.Sqrt(r);
        return (cov.Select(x => x * r).ToArray(), l?.Select(x => x * sr).ToArray(), nu);
    }

    /// <summary>
    /// Fits the prior: e_i = ln s_i² - ψ(d_i/2) + ln(d_i/2) has mean ln σ_i² and variance ψ'(d_i/2) + ψ'(d0/2). The trend
    /// is the least-squares polynomial of e in z = standardised ln |K| (cubic from 200 words, linear below, a constant
    /// when every word has the same |K|, never more coefficients than distinct |K|); the words, ordered by |K| (then as given), are cut into B = clamp(n / 200, 1, 10)
    /// bands of consecutive ranks (band b: ranks ⌊b n/B⌋ .. ⌊(b+1) n/B⌋ - 1), and ψ'(d0/2) = the largest over the bands of
    /// mean(r²)·n/(n - p) - mean ψ'(d_i/2) over the band's words (r the residuals, p the trend's coefficients; ≤ 0
    /// everywhere: no limit from the scatter), and d0 is at most Σ d_i (the trend is estimated from them). The trend has
    /// at most as many coefficients, and there are at most as many bands, as there are distinct |K|. The largest of
    /// several noisy bands errs towards a smaller d0, that is towards less moderation.
    /// Words with s² not finite or ≤ 0, or without residual degrees of freedom, are left out.
    /// </summary>
    public static VariancePrior Fit(IReadOnlyList<double> s2, IReadOnlyList<double> dof, IReadOnlyList<double> contexts)
    {
        var e = new List<double>(); var x = new List<double>(); var tri = new List<double>();
        double pooled = 0;
        for (int i = 0; i < s2.Count; i++)
        {
            if (!(s2[i] > 0 && double.IsFinite(s2[i]) && dof[i] > 0 && contexts[i] > 0)) continue;
            double h = dof[i] / 2;
            e.Add(Math.Log(s2[i]) - Digamma(h) + Math.Log(h));
            x.Add(Math.Log(contexts[i]));
            tri.Add(Trigamma(h));
            pooled += dof[i];
        }
        int n = e.Count;
        if (n < MinWords) return None;
        double mean = x.Average(), scale = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / n);
        // A trend in |K| only where ln |K| varies (relative to its size, so rounding in a constant column is no trend).
        // At most as many coefficients as distinct context counts (a cubic through 3 values is not determined).
        int distinct = x.Distinct().Count();
        int p = Math.Min(distinct, !(scale > 1e-9 * Math.Max(1, Math.Abs(mean))) ? 1 : n >= 200 ? 4 : 2);
        if (p == 1) scale = 1;
        var coef = LeastSquares(x.Select(v => (v - mean) / scale).ToArray(), e, p);
        var order = Enumerable.Range(0, n).OrderBy(i => x[i]).ToArray(); // stable: ties keep the given order
        int bands = Math.Min(Math.Clamp(n / WordsPerBand, 1, MaxBands), distinct);
        double excess = double.NegativeInfinity, inflate = n / (double)(n - p);
        for (int b = 0; b < bands; b++)
        {
            int lo = (int)((long)b * n / bands), hi = (int)((long)(b + 1) * n / bands);
            int m = hi - lo;
            double rr = 0, tt = 0;
            for (int t = lo; t < hi; t++)
            {
                int i = order[t];
                double r = e[i] - Polynomial(coef, (x[i] - mean) / scale);
                rr += r * r; tt += tri[i];
            }
            excess = Math.Max(excess, rr / m * inflate - tt / m);
        }
        // The prior's centre is itself estimated, from the words' pooled degrees of freedom: d0 is at most their sum
        // (with d0 = ∞ a trend fitted to 200 words of 5 degrees of freedom each would count as exact).
        double d0 = Math.Min(excess > 0 ? 2 * TrigammaInverse(excess) : double.PositiveInfinity, pooled);
        return new VariancePrior(d0, coef, mean, scale, n);
    }

    /// <summary>Coefficients (lowest power first) of the least-squares polynomial with <paramref name="p"/> terms of y in
    /// z, by the normal equations (z is standardised, p ≤ 4, so they are well conditioned).</summary>
    static double[] LeastSquares(double[] z, List<double> y, int p)
    {
        var a = new double[p, p + 1];
        for (int i = 0; i < z.Length; i++)
        {
            var pw = new double[2 * p];
            pw[0] = 1;
            for (int q = 1; q < 2 * p; q++) pw[q] = pw[q - 1] * z[i];
            for (int r = 0; r < p; r++)
            {
                for (int c = 0; c < p; c++) a[r, c] += pw[r + c];
                a[r, p] += pw[r] * y[i];
            }
        }
        // Gaussian elimination with partial pivoting.
        for (int c = 0; c < p; c++)
        {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[piv, c])) piv = r;
            for (int k = 0; k <= p; k++) (a[c, k], a[piv, k]) = (a[piv, k], a[c, k]);
            for (int r = c + 1; r < p; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k <= p; k++) a[r, k] -= f * a[c, k];
            }
        }
        var coef = new double[p];
        for (int r = p - 1; r >= 0; r--)
        {
            double acc = a[r, p];
            for (int k = r + 1; k < p; k++) acc -= a[r, k] * coef[k];
            coef[r] = acc / a[r, r];
        }
        return coef;
    }

    /// <summary>ψ(x), x > 0: recurrence up to x ≥ 10, then the asymptotic series.</summary>
    public static double Digamma(double x)
    {
        double acc = 0;
        while (x < 10) { acc -= 1 / x; x += 1; }
        double r = 1 / (x * x);
        return acc + Math.Log(x) - 0.5 / x - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))));
    }

    /// <summary>ψ'(x), x > 0: recurrence up to x ≥ 10, then the asymptotic series.</summary>
    public static double Trigamma(double x)
    {
        double acc = 0;
        while (x < 10) { acc += 1 / (x * x); x += 1; }
        double r = 1 / (x * x);
        return acc + 1 / x + r / 2 + r / x * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30))));
    }

    /// <summary>ψ''(x), x > 0 (Newton's derivative for <see cref="TrigammaInverse"/>).</summary>
    static double Tetragamma(double x)
    {
        double acc = 0;
        while (x < 10) { acc -= 2 / (x * x * x); x += 1; }
        double r = 1 / (x * x);
        return acc - r - r / x - r * r * (0.5 - r * (1.0 / 6 - r * (1.0 / 6 - r * (3.0 / 10))));
    }

    /// <summary>The x > 0 with ψ'(x) = y (y > 0), by Newton's method from 0.5 + 1/y as limma's <c>trigammaInverse</c>.</summary>
    public static double TrigammaInverse(double y)
    {
        if (!(y > 0)) throw new ArgumentOutOfRangeException(nameof(y), y, "trigamma's values are positive");
        if (y > 1e7) return 1 / Math.Sqrt(y);
        if (y < 1e-6) return 1 / y;
        double x = 0.5 + 1 / y;
        for (int it = 0; it < 50; it++)
        {
            double t = Trigamma(x), dif = t * (1 - t / y) / Tetragamma(x);
            x += dif;
            if (-dif / x < 1e-8) break;
        }
        return x;
    }
}
