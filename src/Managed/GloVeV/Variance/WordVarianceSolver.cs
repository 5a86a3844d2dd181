using GloVeV.Cooccurrence;
using GloVeV.Native;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    /// <summary>tr(Σ_i), tr(Σ_i²) and ||Σ_i||_1 (an upper bound on its largest eigenvalue): what a Gaussian tail bound on
    /// ||w_i' - w_i||² needs (the neighbour search screens words with it without reading their covariances).</summary>
    public double Trace, TraceOfSquare, NormOne;
}

/// <summary>The context vectors C as float32 rows padded with zeros to <see cref="PackedGram.PaddedDim"/>, on huge pages;
/// shared read-only by every solver thread. Reading float32 halves the bytes of the scattered gather; widening to double
/// is exact.</summary>
public sealed unsafe class PaddedContexts : IDisposable
{
    readonly HugePageBuffer _memory;
    public int Dim { get; }
    public int PaddedDim { get; }
    public float* Pointer => (float*)_memory.Pointer;

    public PaddedContexts(GloVeParameters p)
    {
        Dim = p.Dim; PaddedDim = PackedGram.PaddedDim(p.Dim);
        _memory = new HugePageBuffer((long)p.VocabSize * PaddedDim * sizeof(float));
        var all = new Span<float>(_memory.Pointer, checked(p.VocabSize * PaddedDim));
        for (int i = 0; i < p.VocabSize; i++) p.Context.AsSpan(i * Dim, Dim).CopyTo(all.Slice(i * PaddedDim, Dim));
    }

    public void Dispose() => _memory.Dispose();
}

/// <summary>
/// Computes Sigma_i = sigma_i^2 H_i^{-1} for one word at a time. H_i = sum_j f_ij c_j c_j^T is a SYRK of the gathered
/// sqrt(f)-scaled context rows, done panel by panel as the rows are gathered (<see cref="PackedGram"/>), together with
/// the normal equations' right-hand side and the residuals at the trained w_i; the inverse comes from a Cholesky factor
/// (backend LAPACK, double precision). One instance per thread: it owns its workspace (one panel, a few D x D matrices
/// and per-context weights).
/// </summary>
public sealed unsafe class WordVarianceSolver
{
    readonly CsrMatrix _x;
    readonly GloVeParameters _p;
    readonly PaddedContexts _c;
    readonly double _xMax, _alpha, _rcondMin, _ridge;
    readonly bool _refine;
    readonly bool _backendGram;
    readonly int _d, _dp;
    // Per-thread workspace, 64-byte aligned so results do not depend on which thread computed a word.
    readonly AlignedBuffer _sqrtF = new(1), _st = new(1);
    readonly AlignedBuffer _panel, _hp, _h, _hCopy, _rhs, _wls, _wv, _colSums, _inverseRows, _strip;
    readonly double[] _eig;

    /// <param name="ridge">The model's ridge lambda (0 for plain GloVe): the vectors are then the estimator
    /// (H_i + lambda I)^-1 rhs_i, the covariance sigma_i^2 (H_i + lambda I)^-1 (the Gaussian-prior posterior), and the
    /// residual degrees of freedom |K_i| - df_i with df_i = tr(H_i (H_i + lambda I)^-1) = D - lambda tr((H_i + lambda I)^-1),
    /// the effective number of parameters of a ridge fit (D when lambda = 0).</param>
    /// <param name="backendGram">H_i's Gram by the backend's DSYRK (true) or the packed kernel (false); null:
    /// <see cref="PackedGram.PreferBackendSyrk"/>.</param>
    public WordVarianceSolver(CsrMatrix x, GloVeParameters p, PaddedContexts contexts, double xMax, double alpha, bool refine, double rcondMin, double ridge = 0,
        bool? backendGram = null)
    {
        _x = x; _p = p; _c = contexts; _xMax = xMax; _alpha = alpha; _refine = refine; _rcondMin = rcondMin; _ridge = ridge;
        _d = p.Dim; _dp = contexts.PaddedDim;
        _panel = new AlignedBuffer(PackedGram.PanelLength(_dp)); _hp = new AlignedBuffer(_dp * _dp);
        _h = new AlignedBuffer(_dp * _dp); _hCopy = new AlignedBuffer(_d * _d);
        _inverseRows = new AlignedBuffer(_dp * _dp); _strip = new AlignedBuffer(4 * _dp);
        _rhs = new AlignedBuffer(_dp); _wls = new AlignedBuffer(_dp); _wv = new AlignedBuffer(_dp); _eig = new double[_d];
        _colSums = new AlignedBuffer(_d);
        _backendGram = backendGram ?? PackedGram.PreferBackendSyrk;
    }

    /// <summary>Flops counted for GFLOP/s: |K_i| D^2 + D^3.</summary>
    public static double Flops(long k, int d) => (double)k * d * d + (double)d * d * d;

    /// <summary>Computes word i's variance into <paramref name="sigma"/> (D x D, symmetric). Returns its diagnostics;
    /// with <see cref="WordVarianceStatus.TooFewContexts"/> nothing is written.</summary>
    public WordVariance Solve(int i, Span<double> sigma) => Solve(i, sigma, Span<double>.Empty);

    /// <summary>As <see cref="Solve(int, Span{double})"/>, also writing the WLS solution of w_i into <paramref name="wlsOut"/> (D values) when given.</summary>
    public WordVariance Solve(int i, Span<double> sigma, Span<double> wlsOut)
    {
        int d = _d, dp = _dp;
        int k = _x.RowLength(i);
        var r = new WordVariance { Contexts = k };
        if (k <= d) { r.Status = WordVarianceStatus.TooFewContexts; return r; }
        _sqrtF.Ensure(k); _st.Ensure(k);
        double* h = _h.Pointer, rhs = _rhs.Pointer, wls = _wls.Pointer, wv = _wv.Pointer;
        var wi = _p.CenterRow(i);
        double* hc = _hCopy.Pointer;
        new Span<double>(wv, dp).Clear();
        for (int q = 0; q < d; q++) wv[q] = wi[q];
        double sseTrained = GatherAndAccumulate(i, k);
        // hp holds H's lower triangle row-major, which LAPACK reads as the upper triangle column-major: factor it in place
        // (H = U^T U, U^T = L row-major), no copy. Padding rows get a unit diagonal for the packed inverse.
        double* hp = _hp.Pointer;
        for (int q = d; q < dp; q++) hp[(long)q * dp + q] = 1.0;
        if (_ridge > 0) for (int q = 0; q < d; q++) hp[(long)q * dp + q] += _ridge;
        double anorm = NormOneFromLowerRows(hp, dp, d);
        int info = RowCholesky.Factor(hp, d, dp);
        new Span<double>(wls, dp).Clear();
        fixed (double* sg = sigma)
        {
            double rcond = 0;
            if (info == 0)
            {
                new Span<double>(rhs, d).CopyTo(new Span<double>(wls, d));
                DenseLinearAlgebra.SolveCholesky(hp, d, wls, lda: dp, upper: true);
                // Residuals sqrt(f) (log X - b - c~ - w.c): at the trained w (summed during the gather) or, with --refine,
                // at the WLS solution (one more pass over the context rows). Known before the inverse, so the inverse
                // is scaled while it is mirrored.
                double sse = _refine ? ResidualSumOfSquares(i, k, wls) : sseTrained;
                r.Sigma2 = sse / (k - d);
                // H^-1 = L^-T L^-1: rows of L^-1 by packed forward substitution, then their Gram.
                PackedTriangularInverse.Invert(hp, dp, _inverseRows.Pointer, _strip.Pointer);
                new Span<double>(h, dp * dp).Clear();
                PackedGram.Accumulate(_inverseRows.Pointer, d, dp, d, h, height: dp, lowerTriangular: true);
                // The exact 1-norm condition number ||H||_1 ||H^-1||_1 comes almost free with the inverse (cheaper than
                // LAPACK's estimator for the small matrices of most words).
                double inorm = PackedGram.Finish(h, dp, d, sg, d, _ridge > 0 ? 1.0 : r.Sigma2, _colSums.Pointer, out double trace);
                if (_ridge > 0)
                {
                    // The degrees of freedom need tr((H + lambda I)^-1), known only now: scale after the mirror.
                    r.Sigma2 = sse / (k - (d - _ridge * trace));
                    for (int q = 0; q < d * d; q++) sg[q] *= r.Sigma2;
                    trace *= r.Sigma2;
                }
                rcond = anorm > 0 && inorm > 0 && double.IsFinite(inorm) ? 1.0 / (anorm * inorm) : 0;
                r.NoiseRatio = trace; // times sigma2 already; divided by ||w||^2 below
            }
            if (info == 0 && rcond >= _rcondMin) r.Status = WordVarianceStatus.Ok;
            else
            {
                r.Status = WordVarianceStatus.PseudoInverse;
                if (info != 0) rcond = 0;
                // The factorisation overwrote H: gather it again.
                GatherAndAccumulate(i, k);
                PackedGram.Finish(_hp.Pointer, dp, d, hc, d, 1.0, _colSums.Pointer, out _);
                if (_ridge > 0) for (int q = 0; q < d; q++) hc[q * d + q] += _ridge;
                PseudoInverse(hc, d, sg);
                for (int q = 0; q < d; q++)
                {
                    double acc = 0;
                    for (int u = 0; u < d; u++) acc += sg[q * d + u] * rhs[u];
                    wls[q] = acc;
                }
                double df = d;
                if (_ridge > 0) { double tr0 = 0; for (int q = 0; q < d; q++) tr0 += sg[q * d + q]; df = d - _ridge * tr0; }
                r.Sigma2 = (_refine ? ResidualSumOfSquares(i, k, wls) : sseTrained) / (k - df);
                double trace = 0;
                for (int q = 0; q < d * d; q++) sg[q] *= r.Sigma2;
                for (int q = 0; q < d; q++) trace += sg[q * d + q];
                r.NoiseRatio = trace;
            }
            r.Condition = rcond > 0 ? 1.0 / rcond : double.PositiveInfinity;
            SpreadOf(sg, d, out r.Trace, out r.TraceOfSquare, out r.NormOne);
            double dotTw = 0, nT = 0, nW = 0;
            for (int q = 0; q < d; q++) { dotTw += wi[q] * wls[q]; nT += (double)wi[q] * wi[q]; nW += wls[q] * wls[q]; }
            r.CosineToWls = nT > 0 && nW > 0 ? dotTw / Math.Sqrt(nT * nW) : 0;
            if (!wlsOut.IsEmpty) new ReadOnlySpan<double>(wls, d).CopyTo(wlsOut);
            double norm2 = _refine ? nW : nT;
            r.NoiseRatio = norm2 > 0 ? r.NoiseRatio / norm2 : double.PositiveInfinity;
        }
        return r;
    }

    /// <summary>tr(Σ), ||Σ||²_F and ||Σ||_1 (max absolute row sum; Σ is symmetric) of the full d x d matrix, by rows of
    /// 4-wide vectors (the scalar loop was 6% of the whole variance stage in <c>perf record</c>).</summary>
    static void SpreadOf(double* sigma, int d, out double trace, out double traceOfSquare, out double normOne)
    {
        trace = 0; normOne = 0;
        Vector256<double> sq0 = Vector256<double>.Zero, sq1 = sq0;
        double sqTail = 0;
        for (int q = 0; q < d; q++)
        {
            double* row = sigma + (long)q * d;
            Vector256<double> abs0 = Vector256<double>.Zero, abs1 = abs0;
            int u = 0;
            for (; u + 8 <= d; u += 8)
            {
                var x0 = Vector256.Load(row + u);
                var x1 = Vector256.Load(row + u + 4);
                sq0 = Vector256.FusedMultiplyAdd(x0, x0, sq0);
                sq1 = Vector256.FusedMultiplyAdd(x1, x1, sq1);
                abs0 += Vector256.Abs(x0);
                abs1 += Vector256.Abs(x1);
            }
            double rowAbs = Vector256.Sum(abs0 + abs1);
            for (; u < d; u++) { double x = row[u]; sqTail += x * x; rowAbs += Math.Abs(x); }
            trace += row[q];
            normOne = Math.Max(normOne, rowAbs);
        }
        traceOfSquare = Vector256.Sum(sq0 + sq1) + sqTail;
    }

    /// <summary>1-norm (max absolute column sum) of the symmetric matrix whose lower triangle is in the rows of
    /// <paramref name="lower"/> (row-major, leading dimension <paramref name="ld"/>).</summary>
    double NormOneFromLowerRows(double* lower, int ld, int d)
    {
        double* sums = _colSums.Pointer;
        new Span<double>(sums, d).Clear();
        for (int i = 0; i < d; i++)
        {
            double* row = lower + (long)i * ld;
            var rowAbs = Vector256<double>.Zero;
            int j = 0;
            for (; j + 4 <= i; j += 4)
            {
                var av = Vector256.Abs(Vector256.Load(row + j));
                rowAbs += av;
                (Vector256.Load(sums + j) + av).Store(sums + j);
            }
            double rowSum = Vector256.Sum(rowAbs);
            for (; j < i; j++) { double av = Math.Abs(row[j]); rowSum += av; sums[j] += av; }
            sums[i] += rowSum + Math.Abs(row[i]);
        }
        double max = 0;
        for (int j = 0; j < d; j++) max = Math.Max(max, sums[j]);
        return max;
    }

    /// <summary>
    /// One pass over word i's contexts, a panel at a time: weights sqrt(f_ij) and targets; the scaled rows a_t = sqrt(f) c_j
    /// packed into the panel; rhs += sqrt(f) target a_t; residuals at the trained w_i; then H += panel^T panel.
    /// Returns the weighted residual sum of squares at the trained w_i.
    /// </summary>
    double GatherAndAccumulate(int i, int k)
    {
        int dp = _dp;
        var cols = _x.RowIndices(i);
        var vals = _x.RowValues(i);
        double bi = _p.CenterBias[i];
        double* sf = _sqrtF.Pointer, st = _st.Pointer, rhs = _rhs.Pointer, wv = _wv.Pointer, panel = _panel.Pointer, hp = _hp.Pointer;
        float* c = _c.Pointer;
        new Span<double>(hp, dp * dp).Clear();
        new Span<double>(rhs, dp).Clear();
        double sse = 0;
        fixed (int* colp = cols)
        fixed (double* valp = vals)
        {
            for (int t0 = 0; t0 < k; t0 += PackedGram.PanelRows)
            {
                int rows = Math.Min(PackedGram.PanelRows, k - t0);
                GloVeWeights.SqrtWeightsAndTargets(valp + t0, colp + t0, rows, _xMax, _alpha, bi, _p.ContextBias, sf + t0, st + t0);
                for (int t = 0; t < rows; t++)
                {
                    int g = t0 + t;
                    // The context rows are scattered over V x Dp floats: ask for a row a few entries ahead.
                    if (Sse.IsSupported && g + 4 < k)
                    {
                        byte* ahead = (byte*)(c + (long)colp[g + 4] * dp);
                        for (int off = 0; off < dp * sizeof(float); off += 64) Sse.Prefetch0(ahead + off);
                    }
                    float* src = c + (long)colp[g] * dp;
                    var vs = Vector256.Create(sf[g]);
                    var vst = Vector256.Create(st[g]);
                    var dot = Vector256<double>.Zero;
                    for (int q = 0; q < dp; q += 4)
                    {
                        var a = Avx.ConvertToVector256Double(Vector128.Load(src + q)) * vs;
                        a.Store(PackedGram.PanelSlot(panel, t, q, dp, _backendGram));
                        dot = Vector256.FusedMultiplyAdd(a, Vector256.Load(wv + q), dot);
                        Vector256.FusedMultiplyAdd(vst, a, Vector256.Load(rhs + q)).Store(rhs + q);
                    }
                    double res = st[g] - Vector256.Sum(dot);
                    sse += res * res;
                }
                PackedGram.AccumulatePanel(panel, rows, dp, _d, hp, _backendGram);
            }
        }
        return sse;
    }

    /// <summary>sum_t (sqrt(f_t) target_t - sqrt(f_t) c_j . w)^2 over word i's contexts, for a given w (padded).</summary>
    double ResidualSumOfSquares(int i, int k, double* w)
    {
        int dp = _dp;
        var cols = _x.RowIndices(i);
        float* c = _c.Pointer;
        double* sf = _sqrtF.Pointer, st = _st.Pointer;
        double sse = 0;
        for (int t = 0; t < k; t++)
        {
            float* src = c + (long)cols[t] * dp;
            var dot = Vector256<double>.Zero;
            for (int q = 0; q < dp; q += 4) dot = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Double(Vector128.Load(src + q)), Vector256.Load(w + q), dot);
            double res = st[t] - sf[t] * Vector256.Sum(dot);
            sse += res * res;
        }
        return sse;
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
