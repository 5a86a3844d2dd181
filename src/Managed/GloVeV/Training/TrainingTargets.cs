using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>What every trainer fits per non-zero: the pair (i, j), log X_ij and the weight f(X_ij).</summary>
public static class TrainingTargets
{
    /// <summary>Calls <paramref name="sink"/>(k, i, j, log X_ij, f(X_ij)) for the k-th non-zero in row-major order.</summary>
    public static void ForEach(CsrMatrix x, TrainingOptions o, Action<long, int, int, float, float> sink)
    {
        if (x.NonZeros == 0) throw new GloVeVException("co-occurrence matrix has no non-zeros: nothing to train on");
        var memo = new TargetMemo(o.XMax, o.Alpha);
        long k = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            var cols = x.RowIndices(i); var vals = x.RowValues(i);
            for (int t = 0; t < cols.Length; t++)
            {
                double val = vals[t];
                if (!(val > 0)) throw new GloVeVException($"co-occurrence value X[{i},{cols[t]}] = {val} is not positive");
                var (logX, f) = memo.Of(val);
                sink(k++, i, cols[t], logX, f);
            }
        }
    }

    /// <summary>(float) log x and (float) f(x), remembered per value: a window's counts repeat a few values (1/d for
    /// one meeting at distance d, small sums of them) — in gutenberg_10M 4,096 values are 95% of 23.4M non-zeros — and
    /// log and pow were ~5% of a one-epoch run. Direct-mapped on the value's bits, so every answer is the one the
    /// formulas give; x > 0, so the bits of +0.0 (an unfilled slot's key) are never asked for.</summary>
    internal sealed class TargetMemo(double xMax, double alpha)
    {
        const int Bits = 12;
        readonly ulong[] _keys = new ulong[1 << Bits];
        readonly float[] _log = new float[1 << Bits], _weight = new float[1 << Bits];

        public (float LogX, float F) Of(double x)
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(x);
            int slot = (int)((bits * 0x9E3779B97F4A7C15UL) >> (64 - Bits));
            if (_keys[slot] != bits)
            {
                _keys[slot] = bits;
                _log[slot] = (float)Math.Log(x);
                _weight[slot] = (float)TrainingOptions.Weight(x, xMax, alpha);
            }
            return (_log[slot], _weight[slot]);
        }
    }
}
