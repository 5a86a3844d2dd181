using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>
/// A plain scalar, double-precision port of GloVe C's update loop (glove.c, glove_thread): one thread, no SIMD, no
/// precomputed weights. The baseline the SIMD trainer is tested (final cost) and benchmarked (entries/s) against.
/// Returns the cost of each epoch.
/// </summary>
public static class ScalarReferenceTrainer
{
    public static double[] Train(CsrMatrix x, int dim, int epochs, double eta = 0.05, double xMax = 100, double alpha = 0.75, ulong seed = 11) =>
        TrainWithParameters(x, dim, epochs, eta, xMax, alpha, seed).Costs;

    /// <summary>As <see cref="Train"/>, also returning the trained parameters (as float32, like our trainer's output).</summary>
    public static (double[] Costs, GloVeParameters Parameters) TrainWithParameters(CsrMatrix x, int dim, int epochs, double eta = 0.05, double xMax = 100,
        double alpha = 0.75, ulong seed = 11)
    {
        int v = x.Rows, stride = dim + 1;
        var W = new double[2L * v * stride];
        var G = new double[W.Length];
        var rng = new SplitMix64(seed);
        for (long a = 0; a < W.Length; a++) { W[a] = (rng.NextDouble() - 0.5) / dim; G[a] = 1.0; }
        var recs = new List<(int I, int J, double X)>();
        for (int i = 0; i < v; i++)
        {
            var c = x.RowIndices(i); var val = x.RowValues(i);
            for (int t = 0; t < c.Length; t++) recs.Add((i, c[t], val[t]));
        }
        var arr = recs.ToArray();
        var costs = new double[epochs];
        var u1 = new double[dim]; var u2 = new double[dim];
        for (int e = 0; e < epochs; e++)
        {
            for (int i = arr.Length - 1; i > 0; i--) { int j = (int)rng.NextBelow(i + 1); (arr[i], arr[j]) = (arr[j], arr[i]); }
            double cost = 0;
            foreach (var r in arr)
            {
                long l1 = (long)r.I * stride, l2 = ((long)r.J + v) * stride;
                double diff = 0;
                for (int b = 0; b < dim; b++) diff += W[b + l1] * W[b + l2];
                diff += W[dim + l1] + W[dim + l2] - Math.Log(r.X);
                double fdiff = r.X > xMax ? diff : Math.Pow(r.X / xMax, alpha) * diff;
                cost += 0.5 * fdiff * diff;
                for (int b = 0; b < dim; b++)
                {
                    double t1 = Math.Clamp(fdiff * W[b + l2], -100, 100) * eta;
                    double t2 = Math.Clamp(fdiff * W[b + l1], -100, 100) * eta;
                    u1[b] = t1 / Math.Sqrt(G[b + l1]);
                    u2[b] = t2 / Math.Sqrt(G[b + l2]);
                    G[b + l1] += t1 * t1;
                    G[b + l2] += t2 * t2;
                }
                for (int b = 0; b < dim; b++) { W[b + l1] -= u1[b]; W[b + l2] -= u2[b]; }
                W[dim + l1] -= fdiff / Math.Sqrt(G[dim + l1]);
                W[dim + l2] -= fdiff / Math.Sqrt(G[dim + l2]);
                G[dim + l1] += fdiff * fdiff;
                G[dim + l2] += fdiff * fdiff;
            }
            costs[e] = cost / arr.Length;
        }
        var center = new float[(long)v * dim]; var context = new float[(long)v * dim];
        var cb = new float[v]; var xb = new float[v];
        for (int i = 0; i < v; i++)
        {
            for (int b = 0; b < dim; b++) { center[(long)i * dim + b] = (float)W[(long)i * stride + b]; context[(long)i * dim + b] = (float)W[((long)i + v) * stride + b]; }
            cb[i] = (float)W[(long)i * stride + dim]; xb[i] = (float)W[((long)i + v) * stride + dim];
        }
        return (costs, new GloVeParameters(v, dim, center, context, cb, xb));
    }
}
