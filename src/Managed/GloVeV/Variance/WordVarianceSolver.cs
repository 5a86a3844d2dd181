using GloVeV.Cooccurrence;
using GloVeV.Native;
using GloVeV.Training;

namespace GloVeV.Variance;

/// <summary>Per-word result of the GloVe-V computation.</summary>
public struct WordVariance
{
    public int Contexts;
    public double Sigma2;
    public WordVarianceStatus Status;
    /// <summary>1-norm condition estimate of H_i (1 / rcond).</summary>
    public double Condition;
    /// <summary>cos(trained w_i, weighted-least-squares w_i).</summary>
    public double CosineToWls;
    /// <summary>tr(Sigma_i) / ||w_i||^2: how noisy the vector is relative to its length.</summary>
    public double NoiseRatio;
}

/// <summary>
/// Computes Sigma_i = sigma_i^2 H_i^{-1} for one word at a time, with H_i = sum_j f_ij c_j c_j^T by SYRK on the
/// gathered sqrt(f)-scaled context rows and the inverse from a Cholesky factor (double precision). One instance per
/// thread: it owns its workspace (max |K_i| x D gather buffer and a few D x D matrices).
/// </summary>
public sealed unsafe class WordVarianceSolver
{
    readonly CsrMatrix _x;
    readonly GloVeParameters _p;
    readonly double[] _contexts; // C as float64, V x D
    readonly double _xMax, _alpha, _rcondMin;
    readonly bool _refine;
    readonly int _d;
    double[] _a = [];
    double[] _target = [];
    double[] _sqrtF = [];
    readonly double[] _h, _hCopy, _work, _rhs, _wls, _eig;
    readonly int[] _iwork;

    public WordVarianceSolver(CsrMatrix x, GloVeParameters p, double[] contextsAsDouble, double xMax, double alpha, bool refine, double rcondMin)
    {
        _x = x; _p = p; _contexts = contextsAsDouble; _xMax = xMax; _alpha = alpha; _refine = refine; _rcondMin = rcondMin;
        _d = p.Dim;
        _h = new double[_d * _d]; _hCopy = new double[_d * _d];
        _work = new double[3 * _d]; _iwork = new int[_d];
        _rhs = new double[_d]; _wls = new double[_d]; _eig = new double[_d];
    }

    /// <summary>Flops counted for GFLOP/s: |K_i| D^2 + D^3.</summary>
    public static double Flops(long k, int d) => (double)k * d * d + (double)d * d * d;

    /// <summary>Computes word i's variance into <paramref name="sigma"/> (D x D, symmetric). Returns its diagnostics;
    /// with <see cref="WordVarianceStatus.TooFewContexts"/> nothing is written.</summary>
    public WordVariance Solve(int i, Span<double> sigma) => Solve(i, sigma, Span<double>.Empty);

    /// <summary>As <see cref="Solve(int, Span{double})"/>, also writing the WLS solution of w_i into <paramref name="wlsOut"/> (D values) when given.</summary>
    public WordVariance Solve(int i, Span<double> sigma, Span<double> wlsOut)
    {
        int d = _d;
        int k = _x.RowLength(i);
        var r = new WordVariance { Contexts = k };
        if (k <= d) { r.Status = WordVarianceStatus.TooFewContexts; return r; }
        if (_a.Length < k * d) { _a = new double[k * d]; _target = new double[k]; _sqrtF = new double[k]; }
        var cols = _x.RowIndices(i);
        var vals = _x.RowValues(i);
        double bi = _p.CenterBias[i];
        fixed (double* a = _a, c = _contexts, h = _h, hc = _hCopy, work = _work, rhs = _rhs, wls = _wls, tgt = _target, sf = _sqrtF)
        fixed (int* iw = _iwork)
        {
            for (int t = 0; t < k; t++)
            {
                int j = cols[t];
                double f = TrainingOptions.Weight(vals[t], _xMax, _alpha);
                double s = Math.Sqrt(f);
                sf[t] = s;
                tgt[t] = Math.Log(vals[t]) - bi - _p.ContextBias[j];
                double* src = c + (long)j * d, dst = a + (long)t * d;
                for (int q = 0; q < d; q++) dst[q] = s * src[q];
            }
            DenseLinearAlgebra.GramLower(a, k, d, h);
            DenseLinearAlgebra.SymmetrizeFromLower(h, d);
            new Span<double>(h, d * d).CopyTo(new Span<double>(hc, d * d));
            // rhs = A^T (sqrt(f) * target) = sum_j f_j target_j c_j: the normal equations' right-hand side.
            new Span<double>(rhs, d).Clear();
            for (int t = 0; t < k; t++)
            {
                double st = sf[t] * tgt[t];
                double* row = a + (long)t * d;
                for (int q = 0; q < d; q++) rhs[q] += st * row[q];
            }
            double anorm = DenseLinearAlgebra.NormOne(h, d, work);
            int info = DenseLinearAlgebra.Cholesky(h, d);
            double rcond = info == 0 ? DenseLinearAlgebra.ReciprocalCondition(h, d, anorm, work, iw) : 0;
            fixed (double* sg = sigma)
            {
                if (info == 0 && rcond >= _rcondMin)
                {
                    r.Status = WordVarianceStatus.Ok;
                    new Span<double>(rhs, d).CopyTo(new Span<double>(wls, d));
                    DenseLinearAlgebra.SolveCholesky(h, d, wls);
                    DenseLinearAlgebra.InverseFromCholesky(h, d);
                    new Span<double>(h, d * d).CopyTo(sigma);
                }
                else
                {
                    r.Status = WordVarianceStatus.PseudoInverse;
                    PseudoInverse(hc, d, sg);
                    for (int q = 0; q < d; q++)
                    {
                        double acc = 0;
                        for (int u = 0; u < d; u++) acc += sg[q * d + u] * rhs[u];
                        wls[q] = acc;
                    }
                }
                r.Condition = rcond > 0 ? 1.0 / rcond : double.PositiveInfinity;
                // Residuals at the trained vector (or the WLS one with --refine).
                var wi = _p.CenterRow(i);
                double dotTw = 0, nT = 0, nW = 0;
                for (int q = 0; q < d; q++) { dotTw += wi[q] * wls[q]; nT += (double)wi[q] * wi[q]; nW += wls[q] * wls[q]; }
                r.CosineToWls = nT > 0 && nW > 0 ? dotTw / Math.Sqrt(nT * nW) : 0;
                if (!wlsOut.IsEmpty) new ReadOnlySpan<double>(wls, d).CopyTo(wlsOut);
                double sse = 0;
                for (int t = 0; t < k; t++)
                {
                    double* row = a + (long)t * d; // sqrt(f) c_j
                    double pred = 0;
                    if (_refine) for (int q = 0; q < d; q++) pred += row[q] * wls[q];
                    else for (int q = 0; q < d; q++) pred += row[q] * wi[q];
                    double res = sf[t] * tgt[t] - pred; // sqrt(f) (log X - b - c~ - w.c)
                    sse += res * res;
                }
                r.Sigma2 = sse / (k - d);
                for (int q = 0; q < d * d; q++) sg[q] *= r.Sigma2;
                double tr = 0;
                for (int q = 0; q < d; q++) tr += sg[q * d + q];
                double norm2 = _refine ? nW : nT;
                r.NoiseRatio = norm2 > 0 ? tr / norm2 : double.PositiveInfinity;
            }
        }
        return r;
    }

    /// <summary>Moore-Penrose inverse of a symmetric PSD matrix via its eigen-decomposition (tiny eigenvalues dropped).</summary>
    void PseudoInverse(double* h, int d, double* result)
    {
        fixed (double* w = _eig)
        {
            DenseLinearAlgebra.SymmetricEigen(h, d, w);
            double max = 0;
            for (int q = 0; q < d; q++) max = Math.Max(max, Math.Abs(w[q]));
            double tol = max * d * 2.2e-16;
            new Span<double>(result, d * d).Clear();
            for (int e = 0; e < d; e++)
            {
                if (w[e] <= tol) continue;
                double inv = 1.0 / w[e];
                double* v = h + (long)e * d; // column e = eigenvector
                for (int q = 0; q < d; q++)
                {
                    double vq = v[q] * inv;
                    for (int u = 0; u < d; u++) result[q * d + u] += vq * v[u];
                }
            }
        }
    }
}
