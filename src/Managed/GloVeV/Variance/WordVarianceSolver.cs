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
    /// <summary>1-norm condition number of H_i, ||H_i||_1 ||H_i^-1||_1 (infinity when singular).</summary>
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
    // Per-thread workspace, 64-byte aligned so results do not depend on which thread computed a word.
    readonly AlignedBuffer _a = new(1), _target = new(1), _sqrtF = new(1), _st = new(1), _res = new(1);
    readonly AlignedBuffer _h, _hCopy, _rhs, _wls, _wv;
    readonly double[] _eig;


    public WordVarianceSolver(CsrMatrix x, GloVeParameters p, double[] contextsAsDouble, double xMax, double alpha, bool refine, double rcondMin)
    {
        _x = x; _p = p; _contexts = contextsAsDouble; _xMax = xMax; _alpha = alpha; _refine = refine; _rcondMin = rcondMin;
        _d = p.Dim;
        _h = new AlignedBuffer(_d * _d); _hCopy = new AlignedBuffer(_d * _d);
        _rhs = new AlignedBuffer(_d); _wls = new AlignedBuffer(_d); _wv = new AlignedBuffer(_d); _eig = new double[_d];
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
        if (_a.Length < k * d) { _a.Ensure(k * d); _target.Ensure(k); _sqrtF.Ensure(k); _st.Ensure(k); _res.Ensure(k); }
        var cols = _x.RowIndices(i);
        var vals = _x.RowValues(i);
        double bi = _p.CenterBias[i];
        double* a = _a.Pointer, h = _h.Pointer, hc = _hCopy.Pointer, rhs = _rhs.Pointer, wls = _wls.Pointer, tgt = _target.Pointer,
            sf = _sqrtF.Pointer, st = _st.Pointer, res = _res.Pointer, wv = _wv.Pointer;
        fixed (double* c = _contexts)
        {
            double logXMax = Math.Log(_xMax);
            for (int t = 0; t < k; t++)
            {
                int j = cols[t];
                // The context rows are scattered over V x D doubles: ask for a row a few entries ahead.
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported && t + 4 < k)
                {
                    byte* ahead = (byte*)(c + (long)cols[t + 4] * d);
                    for (int off = 0; off < d * 8; off += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead + off);
                }
                double lx = Math.Log(vals[t]);
                // f = min(1, (x / x_max)^alpha) from the log already needed for the target.
                double s = lx >= logXMax ? 1.0 : Math.Exp(0.5 * _alpha * (lx - logXMax));
                sf[t] = s;
                tgt[t] = lx - bi - _p.ContextBias[j];
                var src = new ReadOnlySpan<double>(c + (long)j * d, d);
                var dst = new Span<double>(a + (long)t * d, d);
                Scale(src, s, dst);
                st[t] = s * tgt[t];
            }
            DenseLinearAlgebra.Gram(a, k, d, h);
            DenseLinearAlgebra.SymmetrizeFromLower(h, d);
            new Span<double>(h, d * d).CopyTo(new Span<double>(hc, d * d));
            // rhs = A^T (sqrt(f) * target) = sum_j f_j target_j c_j: the normal equations' right-hand side.
            DenseLinearAlgebra.Gemv(true, a, k, d, 1.0, st, 0.0, rhs);
            // The exact 1-norm condition number ||H||_1 ||H^-1||_1 comes almost free once the inverse is there
            // (cheaper than LAPACK's estimator for the small matrices of most words).
            double anorm = DenseLinearAlgebra.NormOneFull(h, d);
            int info = DenseLinearAlgebra.Cholesky(h, d);
            double rcond = 0;
            if (info == 0)
            {
                new Span<double>(rhs, d).CopyTo(new Span<double>(wls, d));
                DenseLinearAlgebra.SolveCholesky(h, d, wls);
                DenseLinearAlgebra.InverseFromCholesky(h, d);
                double inorm = DenseLinearAlgebra.NormOneFull(h, d);
                rcond = anorm > 0 && inorm > 0 && double.IsFinite(inorm) ? 1.0 / (anorm * inorm) : 0;
            }
            fixed (double* sg = sigma)
            {
                if (info == 0 && rcond >= _rcondMin)
                {
                    r.Status = WordVarianceStatus.Ok;
                    new Span<double>(h, d * d).CopyTo(sigma);
                }
                else
                {
                    r.Status = WordVarianceStatus.PseudoInverse;
                    if (info != 0) rcond = 0;
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
                // Residuals sqrt(f) (log X - b - c~ - w.c) = st - A w, at the trained w (or the WLS one with --refine).
                if (_refine) new ReadOnlySpan<double>(wls, d).CopyTo(new Span<double>(wv, d));
                else for (int q = 0; q < d; q++) wv[q] = wi[q];
                new Span<double>(st, k).CopyTo(new Span<double>(res, k));
                DenseLinearAlgebra.Gemv(false, a, k, d, -1.0, wv, 1.0, res);
                double sse = 0;
                for (int t = 0; t < k; t++) sse += res[t] * res[t];
                r.Sigma2 = sse / (k - d);
                Scale(new ReadOnlySpan<double>(sg, d * d), r.Sigma2, new Span<double>(sg, d * d));
                double tr = 0;
                for (int q = 0; q < d; q++) tr += sg[q * d + q];
                double norm2 = _refine ? nW : nT;
                r.NoiseRatio = norm2 > 0 ? tr / norm2 : double.PositiveInfinity;
            }
        }
        return r;
    }

    /// <summary>dst = s * src, four doubles at a time.</summary>
    static void Scale(ReadOnlySpan<double> src, double s, Span<double> dst)
    {
        int i = 0;
        var vs = System.Runtime.Intrinsics.Vector256.Create(s);
        for (; i + 4 <= src.Length; i += 4)
            System.Runtime.Intrinsics.Vector256.CopyTo(System.Runtime.Intrinsics.Vector256.Create(src.Slice(i, 4)) * vs, dst.Slice(i, 4));
        for (; i < src.Length; i++) dst[i] = s * src[i];
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
