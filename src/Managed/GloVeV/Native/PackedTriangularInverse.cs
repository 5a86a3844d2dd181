using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GloVeV.Native;

/// <summary>
/// X = L^{-1} for the lower Cholesky factor L of a GloVe-V Gram matrix, written straight into the packed slab layout of
/// <see cref="PackedGram"/> (height Dp), so that H^{-1} = L^{-T} L^{-1} = X^T X = sum_t x_t x_t^T is one more pass of
/// the packed SYRK kernel over the rows x_t of X (with the zero upper part skipped).
///
/// Why not LAPACK's dpotri: for D = 50..300 MKL 2020 (generic path on AMD) and OpenBLAS run its dtrtri and dlauum at
/// 8-17 GFLOP/s, so the inverse cost more than the whole SYRK at D = 100. This is forward substitution by blocks of 4
/// rows: for each 8-column slab, the contribution of the rows already solved is a 4 x 8 register-blocked product (the
/// same micro-kernel shape as the Gram), then the 4 x 4 diagonal block is solved in place.
/// </summary>
public static unsafe class PackedTriangularInverse
{
    /// <summary>
    /// <paramref name="l"/>: lower factor, row-major, leading dimension Dp (LAPACK's upper factor of the same memory
    /// read column-major), with rows d..Dp-1 zero but for a unit diagonal (so the padding inverts to itself). <paramref name="x"/>: Dp x Dp packed panel of height Dp, receives
    /// the rows of L^{-1}: row t in slabs 0..t/8 (zero right of the diagonal); slots further right are not written and
    /// never read. <paramref name="strip"/>: 4 Dp doubles of workspace.
    /// </summary>
    public static void Invert(double* l, int dp, double* x, double* strip)
    {
        int h = dp; // panel height: every row of X lives in the panel
        var recip = stackalloc double[4];
        var t = stackalloc double[32 + 4];
        t = (double*)(((nint)t + 31) & ~(nint)31);
        for (int i0 = 0; i0 < dp; i0 += 4)
        {
            double* row0 = l + (long)i0 * dp, row1 = row0 + dp, row2 = row1 + dp, row3 = row2 + dp;
            recip[0] = 1.0 / row0[i0]; recip[1] = 1.0 / row1[i0 + 1]; recip[2] = 1.0 / row2[i0 + 2]; recip[3] = 1.0 / row3[i0 + 3];
            // Rows i0..i0+3 of L left of the diagonal block, interleaved k-major (4 doubles per k), read by every slab below.
            for (int k = 0; k < i0; k++)
            {
                strip[4 * k] = row0[k]; strip[4 * k + 1] = row1[k]; strip[4 * k + 2] = row2[k]; strip[4 * k + 3] = row3[k];
            }
            int lastSlab = i0 >> 3;
            for (int s = 0; s <= lastSlab; s++)
            {
                int c0 = s * PackedGram.SlabWidth;
                // T = L[i0..i0+4, c0..i0) X[c0..i0, c0..c0+8]; rows k < c0 of X are zero in this slab.
                PackedGram.Product4x8(strip, 4, PackedGram.Slot(x, s, 0, h), c0, i0, t);
                Vector256<double> t00 = Avx.LoadVector256(t), t01 = Avx.LoadVector256(t + 4), t10 = Avx.LoadVector256(t + 8), t11 = Avx.LoadVector256(t + 12),
                    t20 = Avx.LoadVector256(t + 16), t21 = Avx.LoadVector256(t + 20), t30 = Avx.LoadVector256(t + 24), t31 = Avx.LoadVector256(t + 28);
                // Right-hand sides E - T for the four rows, then the 4 x 4 lower triangular diagonal block.
                var r0lo = Unit(i0 + 0 - c0) - t00; var r0hi = Unit(i0 + 0 - c0 - 4) - t01;
                var r1lo = Unit(i0 + 1 - c0) - t10; var r1hi = Unit(i0 + 1 - c0 - 4) - t11;
                var r2lo = Unit(i0 + 2 - c0) - t20; var r2hi = Unit(i0 + 2 - c0 - 4) - t21;
                var r3lo = Unit(i0 + 3 - c0) - t30; var r3hi = Unit(i0 + 3 - c0 - 4) - t31;
                r0lo *= recip[0]; r0hi *= recip[0];
                // The diagonal block's strictly lower part, L[i0 + a, i0 + b] for b < a.
                var m = Vector256.Create(row1[i0]);
                r1lo = (r1lo - m * r0lo) * recip[1]; r1hi = (r1hi - m * r0hi) * recip[1];
                m = Vector256.Create(row2[i0]); var m1 = Vector256.Create(row2[i0 + 1]);
                r2lo = (r2lo - m * r0lo - m1 * r1lo) * recip[2]; r2hi = (r2hi - m * r0hi - m1 * r1hi) * recip[2];
                m = Vector256.Create(row3[i0]); m1 = Vector256.Create(row3[i0 + 1]); var m2 = Vector256.Create(row3[i0 + 2]);
                r3lo = (r3lo - m * r0lo - m1 * r1lo - m2 * r2lo) * recip[3]; r3hi = (r3hi - m * r0hi - m1 * r1hi - m2 * r2hi) * recip[3];
                Store(x, s, i0, h, r0lo, r0hi); Store(x, s, i0 + 1, h, r1lo, r1hi);
                Store(x, s, i0 + 2, h, r2lo, r2hi); Store(x, s, i0 + 3, h, r3lo, r3hi);
            }
        }
    }

    /// <summary>The 4-lane unit vector with a 1 at lane <paramref name="lane"/> (zero when the lane is outside 0..3).</summary>
    static Vector256<double> Unit(int lane) => lane switch
    {
        0 => Vector256.Create(1.0, 0, 0, 0),
        1 => Vector256.Create(0, 1.0, 0, 0),
        2 => Vector256.Create(0, 0, 1.0, 0),
        3 => Vector256.Create(0, 0, 0, 1.0),
        _ => Vector256<double>.Zero,
    };

    static void Store(double* x, int s, int row, int h, Vector256<double> lo, Vector256<double> hi)
    {
        double* p = PackedGram.Slot(x, s, row, h);
        Avx.Store(p, lo);
        Avx.Store(p + 4, hi);
    }
}
