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
/// register block, the same shape of micro-kernel BLAS libraries use.
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

    public static int PaddedDim(int d) => (d + SlabWidth - 1) / SlabWidth * SlabWidth;

    /// <summary>Doubles a packed panel of a Dp-padded matrix needs.</summary>
    public static int PanelLength(int dp) => dp * PanelRows;

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
        for (int i0 = 0; i0 < d; i0 += 4)
        {
            double* pi = Slot(panel, i0 >> 3, 0, height) + (i0 & 7);
            int lastSlab = i0 >> 3;
            int tStart = lowerTriangular ? i0 : 0;
            for (int sj = 0; sj <= lastSlab; sj++)
            {
                double* pj = Slot(panel, sj, 0, height);
                Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default,
                    c20 = default, c21 = default, c30 = default, c31 = default;
                for (int t = tStart; t < rows; t++)
                {
                    double* bj = pj + t * SlabWidth;
                    double* ai = pi + t * SlabWidth;
                    var b0 = Avx.LoadVector256(bj);
                    var b1 = Avx.LoadVector256(bj + 4);
                    var a = Vector256.Create(ai[0]);
                    c00 = Fma.MultiplyAdd(a, b0, c00); c01 = Fma.MultiplyAdd(a, b1, c01);
                    a = Vector256.Create(ai[1]);
                    c10 = Fma.MultiplyAdd(a, b0, c10); c11 = Fma.MultiplyAdd(a, b1, c11);
                    a = Vector256.Create(ai[2]);
                    c20 = Fma.MultiplyAdd(a, b0, c20); c21 = Fma.MultiplyAdd(a, b1, c21);
                    a = Vector256.Create(ai[3]);
                    c30 = Fma.MultiplyAdd(a, b0, c30); c31 = Fma.MultiplyAdd(a, b1, c31);
                }
                double* hr = h + (long)i0 * dp + sj * SlabWidth;
                AddStore(hr, c00, c01); AddStore(hr + dp, c10, c11);
                AddStore(hr + 2 * dp, c20, c21); AddStore(hr + 3 * dp, c30, c31);
            }
        }
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

    /// <summary>Turns the accumulated Dp x Dp lower part into a full symmetric D x D matrix at <paramref name="dst"/>
    /// (leading dimension <paramref name="ld"/>), and returns its 1-norm (max absolute column sum), read on the way.</summary>
    public static double Finish(double* h, int dp, int d, double* dst, int ld, double* columnSums)
    {
        new Span<double>(columnSums, d).Clear();
        for (int i = 0; i < d; i++)
        {
            double* row = h + (long)i * dp;
            for (int j = 0; j < i; j++)
            {
                double v = row[j];
                dst[(long)i * ld + j] = v;
                dst[(long)j * ld + i] = v;
                columnSums[i] += Math.Abs(v);
                columnSums[j] += Math.Abs(v);
            }
            dst[(long)i * ld + i] = row[i];
            columnSums[i] += Math.Abs(row[i]);
        }
        double max = 0;
        for (int j = 0; j < d; j++) max = Math.Max(max, columnSums[j]);
        return max;
    }
}
