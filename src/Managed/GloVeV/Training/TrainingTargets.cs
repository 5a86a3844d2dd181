using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>What every trainer fits per non-zero: the pair (i, j), log X_ij and the weight f(X_ij).</summary>
public static class TrainingTargets
{
    /// <summary>Calls <paramref name="sink"/>(k, i, j, log X_ij, f(X_ij)) for the k-th non-zero in row-major order.</summary>
    public static void ForEach(CsrMatrix x, TrainingOptions o, Action<long, int, int, float, float> sink)
    {
        if (x.NonZeros == 0) throw new GloVeVException("co-occurrence matrix has no non-zeros: nothing to train on");
        long k = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            var cols = x.RowIndices(i); var vals = x.RowValues(i);
            for (int t = 0; t < cols.Length; t++)
            {
                double val = vals[t];
                if (!(val > 0)) throw new GloVeVException($"co-occurrence value X[{i},{cols[t]}] = {val} is not positive");
                sink(k++, i, cols[t], (float)Math.Log(val), (float)TrainingOptions.Weight(val, o.XMax, o.Alpha));
            }
        }
    }
}
