using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>GloVe's cost at given parameters: the mean over the non-zeros of 0.5 f(X_ij) (w_i.c_j + b_i + c~_j - log X_ij)^2,
/// the figure the trainers report per epoch.</summary>
public static class GloVeCost
{
    public static double Mean(CsrMatrix x, GloVeParameters p, double xMax, double alpha, int threads) => Mean(SparseRows.Of(x), p, xMax, alpha, threads);

    public static double Mean(SparseRows x, GloVeParameters p, double xMax, double alpha, int threads)
    {
        if (x.NonZeros == 0) throw new GloVeVException("co-occurrence matrix has no non-zeros");
        int d = p.Dim;
        var partial = new double[x.Rows];
        var order = Enumerable.Range(0, x.Rows).ToArray();
        ParallelRows.Run(order, threads, (_, i) =>
        {
            var w = p.CenterRow(i);
            var cols = x.Indices(i); var vals = x.Values(i);
            double s = 0, bi = p.CenterBias[i];
            for (int t = 0; t < cols.Length; t++)
            {
                int j = cols[t];
                double diff = Dot(w, p.ContextRow(j)) + bi + p.ContextBias[j] - Math.Log(vals[t]);
                s += 0.5 * TrainingOptions.Weight(vals[t], xMax, alpha) * diff * diff;
            }
            partial[i] = s;
        });
        // Summed in row order, so the figure does not depend on the thread count.
        double total = 0;
        foreach (var s in partial) total += s;
        return total / x.NonZeros;
    }

    /// <summary>Dot product of float32 rows, accumulated in double.</summary>
    public static unsafe double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, q = 0;
        var acc = System.Runtime.Intrinsics.Vector256<double>.Zero;
        fixed (float* pa = a, pb = b)
        {
            if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
                for (; q + 4 <= n; q += 4)
                    acc = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(
                        System.Runtime.Intrinsics.X86.Avx.ConvertToVector256Double(System.Runtime.Intrinsics.Vector128.Load(pa + q)),
                        System.Runtime.Intrinsics.X86.Avx.ConvertToVector256Double(System.Runtime.Intrinsics.Vector128.Load(pb + q)), acc);
            double s = System.Runtime.Intrinsics.Vector256.Sum(acc);
            for (; q < n; q++) s += (double)pa[q] * pb[q];
            return s;
        }
    }
}
