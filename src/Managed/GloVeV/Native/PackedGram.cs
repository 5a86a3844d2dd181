using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GloVeV.Native;

/// <summary>
/// SYRK for the GloVe-V Gram matrices, H += A^T A over a panel of gathered rows, fused with the gather.
///
/// Why not the backend's DSYRK: each word's A is a different tall, skinny (|K_i| x D) gather of context rows, so the
/// BLAS call has to read A back from memory after the gather wrote it, and for these shapes MKL 2020's generic path
/// on AMD ran at ~15 GFLOP/s per thread. Here the gather writes rows of a panel (at most <see cref="PanelRows"/>
/// rows) straight into the packed layout the kernel reads, the panel stays in L2, and the kernel is a 4 x 8 AVX2 FMA
/// register block, the same shape of micro-kernel BLAS libraries use. Where MKL runs its AVX-512 kernels (Intel), its
/// DSYRK is faster than this AVX2 kernel, and the variance stage and ALS use it (<see cref="PreferBackendSyrk"/>).
///
/// Packed layout: D padded to Dp (a multiple of 8) and split into Dp/8 slabs of 8 columns; slab s holds, for every
/// panel row t, the 8 doubles a_t[8s .. 8s+8) contiguously at <c>panel[(s * PanelRows + t) * 8]</c>.
/// H is Dp x Dp, row-major; blocks on and below the diagonal are accumulated (a few entries above it too, within
/// diagonal blocks); <see cref="Finish"/> mirrors and unpads it into a full symmetric D x D matrix.
/// </summary>
public static unsafe class PackedGram
{
    public const int PanelRows = 256;
    public const int SlabWidth = 8;

    static bool? _preferBackend;

    /// <summary>Whether Gram matrices of gathered panels go to the backend's DSYRK (on row-major panels) instead of
    /// <see cref="Accumulate"/>: where MKL runs its AVX-512 kernels (<see cref="BlasBackend.Avx512Kernels"/>), whose DSYRK
    /// ran at 42-46 GFLOP/s a thread against this kernel's 23-27 on an Intel Xeon at D = 100, panels of 256-1024 rows.
    /// <c>GLOVEV_GRAM=packed</c> or <c>blas</c> overrides the choice (benchmarks). Both sum each entry over the rows in
    /// order with FMAs, a panel at a time: on gutenberg_10M at D = 100 every word's trace, noise ratio and condition
    /// number came out bit for bit the same.</summary>
    public static bool PreferBackendSyrk => _preferBackend ??= Environment.GetEnvironmentVariable("GLOVEV_GRAM")?.Trim().ToLowerInvariant() switch
    {
        null or "" => BlasBackend.Current.Avx512Kernels,
        "blas" => true,
        "packed" => false,
        var other => throw new GloVeVException($"GLOVEV_GRAM must be 'packed' or 'blas', not '{other}'"),
    };

    public static int PaddedDim(int d) => (d + SlabWidth - 1) / SlabWidth * SlabWidth;

    /// <summary>Doubles a packed panel of a Dp-padded matrix needs.</summary>
    public static int PanelLength(int dp) => dp * PanelRows;

    /// <summary>Where columns q .. q + 3 of a gathered panel's row t go (q a multiple of 4): the packed slab layout, or
    /// with <paramref name="rowMajor"/> row t at t * Dp, the panel the backend's DSYRK reads
    /// (<see cref="PreferBackendSyrk"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double* PanelSlot(double* panel, int t, int q, int dp, bool rowMajor) =>
        rowMajor ? panel + (long)t * dp + q : Slot(panel, q >> 3, t) + (q & 7);

    /// <summary>H += panelᵀ panel over the first <paramref name="rows"/> rows, into the lower triangle of H's first
    /// <paramref name="n"/> rows (row-major, Dp x Dp): a packed panel by <see cref="Accumulate"/>, a row-major one by the
    /// backend's DSYRK (H's lower rows are the upper triangle column-major).</summary>
    public static void AccumulatePanel(double* panel, int rows, int dp, int n, double* h, bool rowMajor)
    {
        if (rowMajor) DenseLinearAlgebra.GramAccumulateUpper(panel, rows, n, dp, h, dp);
        else Accumulate(panel, rows, dp, n, h);
    }

    /// <summary>Pointer to the 8-double slot of row t, slab s, in a panel of <paramref name="height"/> rows per slab.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double* Slot(double* panel, int s, int t, int height = PanelRows) => panel + ((long)s * height + t) * SlabWidth;

    /// <summary>H (Dp x Dp, row-major) += sum over the first <paramref name="rows"/> panel rows of a_t a_t^T (lower blocks).
    /// Rows of H at or beyond <paramref name="d"/> (padding) are left alone. With <paramref name="lowerTriangular"/> the
    /// panel holds the rows of a lower triangular matrix (row t zero beyond column t), so H's rows from i on only get
    /// panel rows t &gt;= i, and the others are skipped (a third of the flops of the full product).</summary>
    public static void Accumulate(double* panel, int rows, int dp, int d, double* h, int height = PanelRows, bool lowerTriangular = false)
    {
        if (!Fma.IsSupported) { AccumulateScalar(panel, rows, dp, d, h, height); return; }
        var accSpace = stackalloc double[32 + 4];
        double* acc = (double*)(((nint)accSpace + 31) & ~(nint)31);
        for (int i0 = 0; i0 < d; i0 += 4)
        {
            double* pi = Slot(panel, i0 >> 3, 0, height) + (i0 & 7);
            int lastSlab = i0 >> 3;
            int tStart = lowerTriangular ? i0 : 0;
            for (int sj = 0; sj <= lastSlab; sj++)
            {
                Product4x8(pi, SlabWidth, Slot(panel, sj, 0, height), tStart, rows, acc);
                double* hr = h + (long)i0 * dp + sj * SlabWidth;
                for (int r = 0; r < 4; r++) AddStore(hr + (long)r * dp, Avx.LoadVector256(acc + 8 * r), Avx.LoadVector256(acc + 8 * r + 4));
            }
        }
    }

    /// <summary>
    /// The register-blocked micro-kernel of both packed routines: acc (4 x 8, row-major) = sum over k in [from, to) of
    /// a[k * aStride .. + 4] (x) b[8k .. 8k + 8], eight FMA accumulators, four broadcasts and two loads per k. A method of
    /// its own so the accumulators stay in the 16 AVX2 registers (inlined into a larger loop nest they were spilled and
    /// the triangular inverse ran 3x slower). <paramref name="acc"/> must be 32-byte aligned.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Product4x8(double* a, int aStride, double* b, int from, int to, double* acc)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = from; k < to; k++)
        {
            double* bk = b + k * SlabWidth;
            double* ak = a + k * aStride;
            var b0 = Avx.LoadVector256(bk);
            var b1 = Avx.LoadVector256(bk + 4);
            var x = Vector256.Create(ak[0]);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(ak[1]);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(ak[2]);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(ak[3]);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
        }
        Avx.Store(acc, c00); Avx.Store(acc + 4, c01); Avx.Store(acc + 8, c10); Avx.Store(acc + 12, c11);
        Avx.Store(acc + 16, c20); Avx.Store(acc + 20, c21); Avx.Store(acc + 24, c30); Avx.Store(acc + 28, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddStore(double* p, Vector256<double> lo, Vector256<double> hi)
    {
        Avx.Store(p, Avx.Add(Avx.LoadVector256(p), lo));
        Avx.Store(p + 4, Avx.Add(Avx.LoadVector256(p + 4), hi));
    }

    /// <summary>The same sums in the same order without FMA hardware (kept for non-x86 builds).</summary>
    static void AccumulateScalar(double* panel, int rows, int dp, int d, double* h, int height)
    {
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= (i | 7) && j < dp; j++)
            {
                double acc = 0;
                for (int t = 0; t < rows; t++) acc = Math.FusedMultiplyAdd(Slot(panel, i >> 3, t, height)[i & 7], Slot(panel, j >> 3, t, height)[j & 7], acc);
                h[(long)i * dp + j] += acc;
            }
    }

    /// <summary>
    /// dst (D x D, leading dimension <paramref name="ldDst"/>) = scale * the symmetric matrix whose lower triangle is in
    /// the rows of <paramref name="lower"/> (row-major, leading dimension <paramref name="ldLower"/>). Returns the 1-norm
    /// (max absolute column sum) of the unscaled matrix and, in <paramref name="trace"/>, the trace of dst. The 4 x 4
    /// blocks below the diagonal are stored as rows and, through an in-register transpose, as columns (the scalar
    /// mirror, one strided store per entry, was 8% of the variance stage); the diagonal blocks and a ragged edge go
    /// entry by entry.
    /// </summary>
    public static double Finish(double* lower, int ldLower, int d, double* dst, int ldDst, double scale, double* columnSums, out double trace)
    {
        new Span<double>(columnSums, d).Clear();
        trace = 0;
        int d4 = Avx.IsSupported ? d & ~3 : 0;
        var vs = Vector256.Create(scale);
        for (int i0 = 0; i0 < d4; i0 += 4)
        {
            double* r = lower + (long)i0 * ldLower;
            for (int j0 = 0; j0 < i0; j0 += 4)
            {
                var r0 = Vector256.Load(r + j0);
                var r1 = Vector256.Load(r + ldLower + j0);
                var r2 = Vector256.Load(r + 2L * ldLower + j0);
                var r3 = Vector256.Load(r + 3L * ldLower + j0);
                double* o = dst + (long)i0 * ldDst + j0;
                (r0 * vs).Store(o);
                (r1 * vs).Store(o + ldDst);
                (r2 * vs).Store(o + 2L * ldDst);
                (r3 * vs).Store(o + 3L * ldDst);
                var t0 = Avx.UnpackLow(r0, r1);
                var t1 = Avx.UnpackHigh(r0, r1);
                var t2 = Avx.UnpackLow(r2, r3);
                var t3 = Avx.UnpackHigh(r2, r3);
                var c0 = Avx.Permute2x128(t0, t2, 0x20);
                var c1 = Avx.Permute2x128(t1, t3, 0x20);
                var c2 = Avx.Permute2x128(t0, t2, 0x31);
                var c3 = Avx.Permute2x128(t1, t3, 0x31);
                double* m = dst + (long)j0 * ldDst + i0;
                (c0 * vs).Store(m);
                (c1 * vs).Store(m + ldDst);
                (c2 * vs).Store(m + 2L * ldDst);
                (c3 * vs).Store(m + 3L * ldDst);
                // Columns j0..j0+3 get these rows' entries; columns i0..i0+3 their mirrors.
                (Vector256.Load(columnSums + j0) + ((Vector256.Abs(r0) + Vector256.Abs(r1)) + (Vector256.Abs(r2) + Vector256.Abs(r3)))).Store(columnSums + j0);
                (Vector256.Load(columnSums + i0) + ((Vector256.Abs(c0) + Vector256.Abs(c1)) + (Vector256.Abs(c2) + Vector256.Abs(c3)))).Store(columnSums + i0);
            }
        }
        for (int i = 0; i < d; i++)
        {
            double* row = lower + (long)i * ldLower;
            double* outRow = dst + (long)i * ldDst;
            for (int j = i < d4 ? i & ~3 : 0; j < i; j++)
            {
                double v = row[j], sv = scale * v, av = Math.Abs(v);
                outRow[j] = sv;
                dst[(long)j * ldDst + i] = sv;
                columnSums[j] += av;
                columnSums[i] += av;
            }
            outRow[i] = scale * row[i];
            trace += scale * row[i];
            columnSums[i] += Math.Abs(row[i]);
        }
        double max = 0;
        for (int j = 0; j < d; j++) max = Math.Max(max, columnSums[j]);
        return max;
    }
}
