using GloVeV.Native;
using Xunit;

namespace GloVeV.Tests;

/// <summary>The row-blocked Cholesky against the definition (L Lᵀ = A) and LAPACK's dpotrf on the same memory.</summary>
public unsafe class RowCholeskyTests
{
    static double[] RandomSpd(int n, int lda, Random rng, double ridge)
    {
        // A = B Bᵀ + ridge I with B n x (n + 3): positive definite, conditioned by the ridge.
        int m = n + 3;
        var b = new double[n * m];
        for (int q = 0; q < b.Length; q++) b[q] = rng.NextDouble() * 2 - 1;
        var a = new double[n * lda];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < lda; j++)
            {
                if (j >= n) { a[i * lda + j] = double.NaN; continue; } // padding is never read
                double s = i == j ? ridge : 0;
                for (int k = 0; k < m; k++) s += b[i * m + k] * b[j * m + k];
                a[i * lda + j] = s;
            }
        return a;
    }

    /// <summary>Copies of <paramref name="a"/> factored by RowCholesky and by LAPACK's dpotrf on the same memory layout,
    /// with each one's info.</summary>
    static (double[] Mine, int InfoMine, double[] Lapack, int InfoLapack) FactorBothWays(double[] a, int n, int lda)
    {
        var mine = (double[])a.Clone();
        var lapack = (double[])a.Clone();
        int infoMine, infoLapack;
        fixed (double* p = mine) infoMine = RowCholesky.Factor(p, n, lda);
        fixed (double* p = lapack) infoLapack = DenseLinearAlgebra.Cholesky(p, n, lda: lda, upper: true);
        return (mine, infoMine, lapack, infoLapack);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 8)]
    [InlineData(4, 4)]
    [InlineData(5, 8)]
    [InlineData(7, 7)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(50, 56)]
    [InlineData(99, 104)]
    [InlineData(100, 104)]
    [InlineData(101, 101)]
    [InlineData(300, 304)]
    public void ReproducesTheMatrixAndAgreesWithLapack(int n, int lda)
    {
        var rng = new Random(n * 31 + lda);
        var a = RandomSpd(n, lda, rng, 0.1);
        var (mine, infoMine, lapack, infoLapack) = FactorBothWays(a, n, lda);
        Assert.Equal(0, infoMine);
        Assert.Equal(0, infoLapack);
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.Max(scale, a[i * lda + i]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < lda; j++)
            {
                if (j > i)
                {
                    // The strictly upper part and the padding are left as they were.
                    Assert.Equal(BitConverter.DoubleToInt64Bits(a[i * lda + j]), BitConverter.DoubleToInt64Bits(mine[i * lda + j]));
                    continue;
                }
                double s = 0;
                for (int k = 0; k <= j; k++) s += mine[i * lda + k] * mine[j * lda + k];
                Assert.True(Math.Abs(s - a[i * lda + j]) <= 1e-12 * scale * n, $"(L Lᵀ)[{i},{j}] = {s}, A = {a[i * lda + j]}");
                Assert.True(Math.Abs(mine[i * lda + j] - lapack[i * lda + j]) <= 1e-9 * Math.Sqrt(scale), $"L[{i},{j}] {mine[i * lda + j]} vs dpotrf {lapack[i * lda + j]}");
            }
    }

    [Theory]
    [InlineData(6, 0)]
    [InlineData(6, 3)]
    [InlineData(100, 0)]
    [InlineData(100, 41)]
    [InlineData(100, 99)]
    public void ReportsTheFirstLeadingMinorThatIsNotPositiveDefinite(int n, int bad)
    {
        var rng = new Random(n + bad);
        var a = RandomSpd(n, n, rng, 0.5);
        // Make the leading minor of order bad + 1 singular-to-negative: row/column `bad` becomes a copy of row 0 of a
        // scaled minor, minus a bit on the diagonal (bad = 0: a negative first pivot).
        if (bad == 0) a[0] = -1;
        else
        {
            for (int j = 0; j < n; j++) { a[bad * n + j] = a[j]; a[j * n + bad] = a[j]; }
            a[bad * n + bad] = a[0] - 1e-3;
        }
        var (_, infoMine, _, infoLapack) = FactorBothWays(a, n, n);
        Assert.Equal(bad + 1, infoLapack);
        Assert.Equal(infoLapack, infoMine);
    }
}
