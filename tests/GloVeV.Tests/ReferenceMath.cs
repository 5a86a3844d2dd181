using GloVeV.Cooccurrence;
using GloVeV.Training;

namespace GloVeV.Tests;

/// <summary>Plain, dependency-free reference computations (no BLAS, no LAPACK) for checking the engine.</summary>
static class ReferenceMath
{
    public static double Cosine(double[] a, double[] b)
    {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { d += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return d / Math.Sqrt(na * nb);
    }

    /// <summary>Inverse by Gauss-Jordan elimination with partial pivoting in 28-digit decimal arithmetic, so the
    /// reference itself contributes no error at the 1e-8 level even for ill-conditioned matrices.</summary>
    public static double[,] Inverse(double[,] m)
    {
        int n = m.GetLength(0);
        var a = new decimal[n, n];
        var inv = new decimal[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i, j] = (decimal)m[i, j];
        for (int i = 0; i < n; i++) inv[i, i] = 1;
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
            for (int k = 0; k < n; k++) { (a[c, k], a[p, k]) = (a[p, k], a[c, k]); (inv[c, k], inv[p, k]) = (inv[p, k], inv[c, k]); }
            decimal d = a[c, c];
            for (int k = 0; k < n; k++) { a[c, k] /= d; inv[c, k] /= d; }
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                decimal f = a[r, c];
                if (f == 0) continue;
                for (int k = 0; k < n; k++) { a[r, k] -= f * a[c, k]; inv[r, k] -= f * inv[c, k]; }
            }
        }
        var result = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) result[i, j] = (double)inv[i, j];
        return result;
    }

    /// <summary>H_i = sum_j f_ij c_j c_j^T and the right-hand side sum_j f_ij (log X_ij - b_i - c~_j) c_j.</summary>
    public static (double[,] H, double[] Rhs, int K) NormalEquations(CsrMatrix x, GloVeParameters p, int i, double xMax, double alpha)
    {
        int d = p.Dim;
        var h = new double[d, d];
        var rhs = new double[d];
        var cols = x.RowIndices(i); var vals = x.RowValues(i);
        for (int t = 0; t < cols.Length; t++)
        {
            int j = cols[t];
            double f = vals[t] >= xMax ? 1 : Math.Pow(vals[t] / xMax, alpha);
            double y = Math.Log(vals[t]) - p.CenterBias[i] - p.ContextBias[j];
            var c = p.ContextRow(j);
            for (int a = 0; a < d; a++)
            {
                rhs[a] += f * y * c[a];
                for (int b = 0; b < d; b++) h[a, b] += f * (double)c[a] * c[b];
            }
        }
        return (h, rhs, cols.Length);
    }

    public static double[] WeightedLeastSquares(CsrMatrix x, GloVeParameters p, int i, double xMax, double alpha)
    {
        var (h, rhs, _) = NormalEquations(x, p, i, xMax, alpha);
        var inv = Inverse(h);
        int d = p.Dim;
        var w = new double[d];
        for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) w[a] += inv[a, b] * rhs[b];
        return w;
    }

    /// <summary>GloVe-V's Sigma_i at the trained w_i, computed the slow obvious way.</summary>
    public static double[,] GloVeVCovariance(CsrMatrix x, GloVeParameters p, int i, double xMax, double alpha)
    {
        var (h, _, k) = NormalEquations(x, p, i, xMax, alpha);
        int d = p.Dim;
        double sse = 0;
        var cols = x.RowIndices(i); var vals = x.RowValues(i);
        var w = p.CenterRow(i);
        for (int t = 0; t < cols.Length; t++)
        {
            int j = cols[t];
            double f = vals[t] >= xMax ? 1 : Math.Pow(vals[t] / xMax, alpha);
            double pred = (double)p.CenterBias[i] + p.ContextBias[j];
            var c = p.ContextRow(j);
            for (int a = 0; a < d; a++) pred += (double)w[a] * c[a];
            double r = Math.Log(vals[t]) - pred;
            sse += f * r * r;
        }
        double s2 = sse / (k - d);
        var inv = Inverse(h);
        for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) inv[a, b] *= s2;
        return inv;
    }
}
