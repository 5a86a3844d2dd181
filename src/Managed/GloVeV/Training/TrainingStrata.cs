using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>
/// How T threads share an epoch without updating the same parameters at once (stratified SGD, as in Gemulla et al.
/// 2011's DSGD for matrix factorisation). Word ids are cut into runs of <see cref="BlockWords"/> (whole cache lines
/// of the padded W and C rows and of their AdaGrad sums), and the runs dealt to T parts, heaviest first (non-zeros of
/// their rows) to the lightest part. Non-zero (i, j) belongs to block (s, t) with t = part(i) and
/// s = (part(j) - part(i)) mod T: in sub-epoch s thread t updates W only for words of part t and C only for words of
/// part (t + s) mod T, so no two threads ever write one word's parameters. Hogwild threads did, all the time, for the
/// frequent words: the lines moved between the cores, and two threads burned about 35% more CPU for an epoch than one.
/// The blocks are also what makes a T-thread run give the same parameters every time. With one thread there is one
/// block, in GloVe C's order.
/// </summary>
public sealed class TrainingStrata
{
    public const int BlockWords = 16;

    readonly int[] _part;

    public int Threads { get; }

    /// <summary>Where block b = s * T + t starts among the non-zeros, with one more entry holding their count.</summary>
    public long[] Starts { get; }

    TrainingStrata(int threads, int[] part, long[] starts) { Threads = threads; _part = part; Starts = starts; }

    /// <summary>The block (s * T + t) of non-zero (i, j).</summary>
    public int BlockOf(int i, int j)
    {
        if (Threads == 1) return 0;
        int t = _part[i];
        return (_part[j] - t + Threads) % Threads * Threads + t;
    }

    /// <summary>The blocks of <paramref name="x"/>'s non-zeros for <paramref name="threads"/> threads.</summary>
    public static TrainingStrata Of(CsrMatrix x, int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
        int v = x.Rows;
        var part = new int[v];
        if (threads == 1) return new TrainingStrata(1, part, [0, x.NonZeros]);
        int blocks = (v + BlockWords - 1) / BlockWords;
        var weight = new long[blocks];
        for (int i = 0; i < x.Rows; i++) weight[i / BlockWords] += x.RowLength(i);
        // Heaviest runs first, each to the part with the fewest non-zeros so far (ties: the lower part, the lower run).
        var order = Enumerable.Range(0, blocks).OrderByDescending(b => weight[b]).ThenBy(b => b).ToArray();
        var load = new long[threads];
        foreach (int b in order)
        {
            int best = 0;
            for (int t = 1; t < threads; t++) if (load[t] < load[best]) best = t;
            load[best] += weight[b];
            for (int i = b * BlockWords; i < Math.Min(v, (b + 1) * BlockWords); i++) part[i] = best;
        }
        var strata = new TrainingStrata(threads, part, new long[threads * threads + 1]);
        var starts = strata.Starts;
        for (int i = 0; i < x.Rows; i++)
            foreach (int j in x.RowIndices(i)) starts[strata.BlockOf(i, j) + 1]++;
        for (int b = 0; b < threads * threads; b++) starts[b + 1] += starts[b];
        return strata;
    }
}
