using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GloVeV.Native;

/// <summary>
/// Cholesky factorisation A = L Lᵀ of a symmetric positive definite matrix held as its lower triangle, row-major, with
/// leading dimension <c>lda</c> (the same memory LAPACK reads as the upper triangle column-major, so <c>dpotrs</c> solves
/// with the result as before).
/// <para>
/// Why not LAPACK's dpotrf: for the D = 50..300 Gram matrices of GloVe-V, MKL 2020 (generic path on AMD) factors them
/// with its unblocked level-2 kernel (<c>dpotrf_u_small</c>, one DGEMV per column), which took 11-15% of the whole
/// variance stage in <c>perf record</c>. This is the row-oriented (Cholesky-Banachiewicz) algorithm by blocks of 4
/// rows: the rows' entries left of a 4-column block are interleaved once (4 doubles per column index), and each 4 x 4
/// block of dot products is 4 AVX2 accumulators (one per column, over the 4 rows) fed by one load and 4 broadcasts per
/// index; then the 4 x 4 triangle is solved in place.
/// </para>
/// </summary>
public static unsafe class RowCholesky
{
    /// <summary>Factors the lower triangle of <paramref name="a"/> (n x n, row-major, leading dimension
    /// <paramref name="lda"/>) in place; the strictly upper part is neither read nor written.</summary>
    /// <returns>0, or the 1-based order of the first leading minor that is not positive definite (LAPACK's info), in
    /// which case the factor is incomplete.</returns>
    public static int Factor(double* a, int n, int lda)
    {
        if (n <= 0) return 0;
        if (!Fma.IsSupported) return FactorScalar(a, n, lda);
        // Interleaved rows i0..i0+3 of L left of column i0: strip[4k + r] = L[i0 + r, k]; rows past n are zero.
        Span<double> strip = n <= 512 ? stackalloc double[4 * n + 4] : new double[4 * n + 4];
        var t = stackalloc double[16 + 4];
        t = (double*)(((nint)t + 31) & ~(nint)31);
        fixed (double* s = strip)
        {
            for (int i0 = 0; i0 < n; i0 += 4)
            {
                int rb = Math.Min(4, n - i0);
                // Column blocks left of the diagonal block: each needs the strip up to its first column, so the strip
                // grows as the row's entries are solved.
                for (int j0 = 0; j0 < i0; j0 += 4)
                {
                    DotBlock(s, j0, a + (long)j0 * lda, lda, 4, t);
                    for (int c = 0; c < 4; c++)
                    {
                        int j = j0 + c;
                        double* lj = a + (long)j * lda;
                        double inv = 1.0 / lj[j];
                        for (int r = 0; r < rb; r++) SolveEntry(a + (long)(i0 + r) * lda, lj, j, j0, t[4 * c + r], inv);
                    }
                    for (int k = j0; k < j0 + 4; k++)
                        for (int r = 0; r < 4; r++) s[4 * k + r] = r < rb ? a[(long)(i0 + r) * lda + k] : 0.0;
                }
                // The diagonal block: T = L[block, 0..i0) L[block, 0..i0)ᵀ, then the small factorisation.
                DotBlock(s, i0, a + (long)i0 * lda, lda, rb, t);
                for (int c = 0; c < rb; c++)
                {
                    int j = i0 + c;
                    double* lj = a + (long)j * lda;
                    double dv = lj[j] - t[4 * c + c];
                    for (int e = i0; e < j; e++) dv -= lj[e] * lj[e];
                    if (!(dv > 0) || !double.IsFinite(dv)) return j + 1;
                    double djj = Math.Sqrt(dv);
                    lj[j] = djj;
                    double inv = 1.0 / djj;
                    for (int r = c + 1; r < rb; r++) SolveEntry(a + (long)(i0 + r) * lda, lj, j, i0, t[4 * c + r], inv);
                }
            }
        }
        return 0;
    }

    /// <summary>L[i, j] = (A[i, j] - dot - Σ_{from &lt;= e &lt; j} L[i, e] L[j, e]) / L[j, j], given <paramref name="dot"/>
    /// (the part of the sum left of the block, from <see cref="DotBlock"/>) and 1 / L[j, j].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static void SolveEntry(double* li, double* lj, int j, int from, double dot, double inv)
    {
        double v = li[j] - dot;
        for (int e = from; e < j; e++) v -= li[e] * lj[e];
        li[j] = v * inv;
    }

    /// <summary>t[4c + r] = Σ_{k &lt; len} strip[4k + r] · rowsJ[c][k] for c &lt; cols (rows of J at stride lda).</summary>
    static void DotBlock(double* strip, int len, double* rowsJ, int lda, int cols, double* t)
    {
        double* j0 = rowsJ, j1 = cols > 1 ? rowsJ + lda : rowsJ, j2 = cols > 2 ? rowsJ + 2L * lda : rowsJ, j3 = cols > 3 ? rowsJ + 3L * lda : rowsJ;
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int k = 0;
        // Two sets of accumulators (even and odd k) hide the FMA latency.
        for (; k + 1 < len; k += 2)
        {
            var x = Avx.LoadVector256(strip + 4 * k);
            var y = Avx.LoadVector256(strip + 4 * k + 4);
            a0 = Fma.MultiplyAdd(x, Vector256.Create(j0[k]), a0);
            a1 = Fma.MultiplyAdd(x, Vector256.Create(j1[k]), a1);
            a2 = Fma.MultiplyAdd(x, Vector256.Create(j2[k]), a2);
            a3 = Fma.MultiplyAdd(x, Vector256.Create(j3[k]), a3);
            b0 = Fma.MultiplyAdd(y, Vector256.Create(j0[k + 1]), b0);
            b1 = Fma.MultiplyAdd(y, Vector256.Create(j1[k + 1]), b1);
            b2 = Fma.MultiplyAdd(y, Vector256.Create(j2[k + 1]), b2);
            b3 = Fma.MultiplyAdd(y, Vector256.Create(j3[k + 1]), b3);
        }
        if (k < len)
        {
            var x = Avx.LoadVector256(strip + 4 * k);
            a0 = Fma.MultiplyAdd(x, Vector256.Create(j0[k]), a0);
            a1 = Fma.MultiplyAdd(x, Vector256.Create(j1[k]), a1);
            a2 = Fma.MultiplyAdd(x, Vector256.Create(j2[k]), a2);
            a3 = Fma.MultiplyAdd(x, Vector256.Create(j3[k]), a3);
        }
        Avx.Store(t, a0 + b0);
        Avx.Store(t + 4, a1 + b1);
        Avx.Store(t + 8, a2 + b2);
        Avx.Store(t + 12, a3 + b3);
    }

    /// <summary>The same algorithm one entry at a time (CPUs without FMA).</summary>
    static int FactorScalar(double* a, int n, int lda)
    {
        for (int i = 0; i < n; i++)
        {
            double* li = a + (long)i * lda;
            for (int j = 0; j < i; j++)
            {
                double* lj = a + (long)j * lda;
                double v = li[j];
                for (int e = 0; e < j; e++) v -= li[e] * lj[e];
                li[j] = v / lj[j];
            }
            double dv = li[i];
            for (int e = 0; e < i; e++) dv -= li[e] * li[e];
            if (!(dv > 0) || !double.IsFinite(dv)) return i + 1;
            li[i] = Math.Sqrt(dv);
        }
        return 0;
    }
}
