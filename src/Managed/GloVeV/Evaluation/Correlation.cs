namespace GloVeV.Evaluation;

/// <summary>Pearson and Spearman (average ranks for ties) correlations.</summary>
public static class Correlation
{
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) { double a = x[i] - mx, b = y[i] - my; sxy += a * b; sxx += a * a; syy += b * b; }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    public static double[] Ranks(IReadOnlyList<double> x)
    {
        int n = x.Count;
        var idx = Enumerable.Range(0, n).OrderBy(i => x[i]).ToArray();
        var r = new double[n];
        for (int s = 0; s < n;)
        {
            int e = s;
            while (e + 1 < n && x[idx[e + 1]] == x[idx[s]]) e++;
            double avg = (s + e) / 2.0 + 1;
            for (int k = s; k <= e; k++) r[idx[k]] = avg;
            s = e + 1;
        }
        return r;
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Two-sided p-value of "no correlation" for a correlation r of n pairs: t = r sqrt((n - 2)/(1 - r²)) against
    /// Student's t with n - 2 degrees of freedom (what scipy's pearsonr computes exactly and spearmanr approximately,
    /// so gensim's evaluate_word_pairs reports the same). NaN below 3 pairs or for an undefined r.</summary>
    public static double PValue(double r, int n)
    {
        if (n < 3 || !double.IsFinite(r) || Math.Abs(r) > 1) return double.NaN;
        if (Math.Abs(r) == 1) return 0;
        double nu = n - 2, t2 = r * r * nu / (1 - r * r);
        // P(|T| >= |t|) = I_{nu/(nu + t²)}(nu/2, 1/2)
        return RegularizedIncompleteBeta(nu / (nu + t2), nu / 2, 0.5);
    }

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
    /// where the fraction converges slowly.</summary>
    public static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        if (x > (a + 1) / (a + b + 2)) return 1 - RegularizedIncompleteBeta(1 - x, b, a);
        double lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        const double Tiny = 1e-300, Eps = 1e-15;
        double f = 1, c = 1, d = 1 - (a + b) * x / (a + 1);
        d = Math.Abs(d) < Tiny ? Tiny : d; d = 1 / d; f = d;
        for (int m = 1; m <= 10000; m++)
        {
            // even step
            double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d; d = Math.Abs(d) < Tiny ? Tiny : d; d = 1 / d;
            c = 1 + num / c; c = Math.Abs(c) < Tiny ? Tiny : c;
            f *= c * d;
            // odd step
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d; d = Math.Abs(d) < Tiny ? Tiny : d; d = 1 / d;
            c = 1 + num / c; c = Math.Abs(c) < Tiny ? Tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < Eps) break;
        }
        return Math.Exp(lnFront) * f / a;
    }

    /// <summary>ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        double acc = g[0], t = x + 7.5;
        for (int k = 1; k < 9; k++) acc += g[k] / (x + k);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(acc);
    }
}
