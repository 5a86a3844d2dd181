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
}
