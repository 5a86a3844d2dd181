using GloVeV.Native;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>The variance engine's own kernels against plain loops: the packed SYRK (Gram of gathered rows, several
/// panels, any D) and the inverse through the packed triangular inverse, for sizes around every blocking boundary.</summary>
public unsafe class PackedKernelTests
{
    static readonly int[] Dims = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33, 50, 100, 130];

    [Fact]
    public void PackedGramEqualsThePlainSumOfOuterProducts()
    {
        var rng = new SplitMix64(11);
        foreach (int d in Dims)
            foreach (int k in new[] { 1, 7, PackedGram.PanelRows, PackedGram.PanelRows + 3, 3 * PackedGram.PanelRows + 17 })
            {
                int dp = PackedGram.PaddedDim(d);
                var a = new double[k, d];
                for (int t = 0; t < k; t++) for (int q = 0; q < d; q++) a[t, q] = rng.NextGaussian();
                var panel = new AlignedBuffer(PackedGram.PanelLength(dp));
                var hp = new AlignedBuffer(dp * dp);
                new Span<double>(hp.Pointer, dp * dp).Clear();
                for (int t0 = 0; t0 < k; t0 += PackedGram.PanelRows)
                {
                    int rows = Math.Min(PackedGram.PanelRows, k - t0);
                    new Span<double>(panel.Pointer, PackedGram.PanelLength(dp)).Clear();
                    for (int t = 0; t < rows; t++) for (int q = 0; q < d; q++) PackedGram.Slot(panel.Pointer, q >> 3, t)[q & 7] = a[t0 + t, q];
                    PackedGram.Accumulate(panel.Pointer, rows, dp, d, hp.Pointer);
                }
                var h = new double[d * d]; var sums = new double[d];
                double norm;
                fixed (double* ph = h, ps = sums) norm = PackedGram.Finish(hp.Pointer, dp, d, ph, d, 1.0, ps, out _);
                double maxNorm = 0;
                for (int i = 0; i < d; i++)
                {
                    double col = 0;
                    for (int j = 0; j < d; j++)
                    {
                        double expect = 0;
                        for (int t = 0; t < k; t++) expect += a[t, i] * a[t, j];
                        Assert.True(Math.Abs(h[i * d + j] - expect) <= 1e-12 * (1 + Math.Abs(expect)) * k, $"D={d} K={k} H[{i},{j}] = {h[i * d + j]}, expected {expect}");
                        col += Math.Abs(expect);
                    }
                    maxNorm = Math.Max(maxNorm, col);
                }
                Assert.Equal(maxNorm, norm, 1e-9 * maxNorm);
                // Scaled into a destination with a wider leading dimension: every entry scaled, the padding untouched,
                // the trace that of the scaled matrix.
                int ld = d + 3;
                var wide = Enumerable.Repeat(-7.0, d * ld).ToArray();
                double trace, scaledNorm;
                fixed (double* pw = wide, ps = sums) scaledNorm = PackedGram.Finish(hp.Pointer, dp, d, pw, ld, 2.5, ps, out trace);
                double expectTrace = 0;
                for (int i = 0; i < d; i++)
                {
                    expectTrace += 2.5 * h[i * d + i];
                    for (int j = 0; j < d; j++) Assert.Equal(2.5 * h[i * d + j], wide[i * ld + j]);
                    for (int j = d; j < ld; j++) Assert.Equal(-7.0, wide[i * ld + j]);
                }
                Assert.Equal(expectTrace, trace, 1e-12 * Math.Abs(expectTrace));
                Assert.Equal(norm, scaledNorm);
            }
    }

    [Fact]
    public void PackedTriangularInverseGivesTheInverseOfTheGram()
    {
        var rng = new SplitMix64(12);
        foreach (int d in Dims)
        {
            int dp = PackedGram.PaddedDim(d), k = 2 * d + 5;
            var h = new double[d, d];
            for (int t = 0; t < k; t++)
            {
                var row = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
                for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) h[i, j] += row[i] * row[j];
            }
            var expect = ReferenceMath.Inverse(h);
            // Lower triangle row-major in a Dp x Dp buffer with a unit diagonal in the padding, as the solver keeps it;
            // LAPACK's upper factor of that memory (column-major) is L row-major.
            var l = new AlignedBuffer(dp * dp);
            new Span<double>(l.Pointer, dp * dp).Clear();
            for (int i = 0; i < d; i++) for (int j = 0; j <= i; j++) l.Pointer[(long)i * dp + j] = h[i, j];
            for (int q = d; q < dp; q++) l.Pointer[(long)q * dp + q] = 1;
            Assert.Equal(0, DenseLinearAlgebra.Cholesky(l.Pointer, d, lda: dp, upper: true));
            var x = new AlignedBuffer(dp * dp);
            var strip = new AlignedBuffer(4 * dp);
            PackedTriangularInverse.Invert(l.Pointer, dp, x.Pointer, strip.Pointer);
            var inv = new AlignedBuffer(dp * dp);
            new Span<double>(inv.Pointer, dp * dp).Clear();
            PackedGram.Accumulate(x.Pointer, d, dp, d, inv.Pointer, height: dp, lowerTriangular: true);
            double scale = 0;
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) scale = Math.Max(scale, Math.Abs(expect[i, j]));
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                    Assert.True(Math.Abs(inv.Pointer[(long)i * dp + j] - expect[i, j]) <= 1e-10 * scale, $"D={d} inverse[{i},{j}] = {inv.Pointer[(long)i * dp + j]}, expected {expect[i, j]}");
        }
    }
}
