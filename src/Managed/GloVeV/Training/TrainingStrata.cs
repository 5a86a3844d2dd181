using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>
/// How T threads share an epoch without updating the same parameters at once (stratified SGD, as in Gemulla et al.
/// 2011's DSGD for matrix factorisation). Word ids are cut into runs of <see cref="BlockWords"/> (whole cache lines
/// of the padded W and C rows and of their AdaGrad sums), and the runs dealt to P parts, heaviest first (non-zeros of
/// their rows) to the lightest part. Non-zero (i, j) belongs to block (s, t) with t = part(i) and
/// s = (part(j) - part(i)) mod P: an epoch is P sub-epochs, and in sub-epoch s the P blocks (s, 0..P-1) touch disjoint
/// sets of W rows and of C rows, so the threads run them in any order and at once without ever writing one word's
/// parameters together. Hogwild threads did, all the time, for the frequent words: the lines moved between the cores,
/// and two threads burned about 35% more CPU for an epoch than one. Since blocks of one sub-epoch never interact, a run
/// gives the same parameters whichever thread runs which block. P is a multiple of T, larger when the parameters are
/// large (<see cref="PartsFor"/>), so that a block's rows stay within a few MB of cache. One thread runs two threads'
/// blocks in turn (the same parameters as two threads) once the parameters exceed <see cref="OneThreadOrderBytes"/>;
/// below that, one block in GloVe C's order.
/// </summary>
public sealed class TrainingStrata
{
    public const int BlockWords = 16;

    /// <summary>The parameter bytes (W, C and their AdaGrad sums) a block's rows should stay within.</summary>
    public const long BlockBytesTarget = 4L << 20;

    /// <summary>Parameters (W, C and their AdaGrad sums) up to which one thread keeps GloVe C's order, every non-zero in one
    /// random order per epoch: they stay in cache whatever the order.</summary>
    public const long OneThreadOrderBytes = 2 * BlockBytesTarget;

    /// <summary>At most this many parts per thread (P² blocks to shuffle and P barriers an epoch).</summary>
    public const int MaxPartsPerThread = 32;

    readonly int[] _part;

    public int Threads { get; }

    /// <summary>P: the parts, and the sub-epochs of an epoch.</summary>
    public int Parts { get; }

    /// <summary>Where block b = s * P + t starts among the non-zeros, with one more entry holding their count.</summary>
    public long[] Starts { get; }

    TrainingStrata(int threads, int parts, int[] part, long[] starts) { Threads = threads; Parts = parts; _part = part; Starts = starts; }

    /// <summary>The block (s * P + t) of non-zero (i, j).</summary>
    public int BlockOf(int i, int j)
    {
        if (Parts == 1) return 0;
        int t = _part[i];
        return (_part[j] - t + Parts) % Parts * Parts + t;
    }

    /// <summary>P for <paramref name="threads"/> threads over parameters of <paramref name="parameterBytes"/> bytes
    /// (W, C and both AdaGrad sums): the smallest multiple of the threads whose blocks touch at most
    /// <see cref="BlockBytesTarget"/> of them, at most <see cref="MaxPartsPerThread"/> per thread and at most one part
    /// per run of <see cref="BlockWords"/> words. Measured on gutenberg_10M (D = 100, 64.5 MB of parameters, 2 cores):
    /// 3 epochs on 2, 4, 8 and 16 parts took 13.0-13.5, 11.8-12.7, 11.1-11.3 and 10.6-10.7 s of CPU.</summary>
    public static int PartsFor(int threads, long parameterBytes, int words)
    {
        // One thread takes two threads' strata once the parameters outgrow the caches: its blocks' rows then stay in cache
        // as theirs do (GloVe C's order reaches every row at random), and one and two threads give the same parameters.
        // gutenberg_10M, D = 100, 3 epochs on one thread of an AMD EPYC VM: 14.0-14.6 s against 20.6-23.4 s, cost 0.011392
        // against 0.011493; after 25 epochs 0.005342 against 0.005326 and the same word-similarity scores (README).
        if (threads <= 1) return parameterBytes <= OneThreadOrderBytes ? 1 : PartsFor(2, parameterBytes, words);
        long perThread = (parameterBytes + threads * BlockBytesTarget - 1) / (threads * BlockBytesTarget);
        int m = (int)Math.Clamp(perThread, 1, MaxPartsPerThread);
        int runs = Math.Max(1, (words + BlockWords - 1) / BlockWords);
        while (m > 1 && threads * m > runs) m--;
        return threads * m;
    }

    /// <summary>The blocks of <paramref name="x"/>'s non-zeros for <paramref name="threads"/> threads in
    /// <paramref name="parts"/> parts (a multiple of the threads, or any number with one thread).</summary>
    public static TrainingStrata Of(CsrMatrix x, int threads, int parts)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
        if (parts < threads || (threads > 1 && parts == 1)) throw new ArgumentOutOfRangeException(nameof(parts));
        int v = x.Rows;
        var part = new int[v];
        if (parts == 1) return new TrainingStrata(1, 1, part, [0, x.NonZeros]);
        int blocks = (v + BlockWords - 1) / BlockWords;
        var weight = new long[blocks];
        for (int i = 0; i < x.Rows; i++) weight[i / BlockWords] += x.RowLength(i);
        // Heaviest runs first, each to the part with the fewest non-zeros so far (ties: the lower part, the lower run).
        var order = Enumerable.Range(0, blocks).OrderByDescending(b => weight[b]).ThenBy(b => b).ToArray();
        var load = new long[parts];
        foreach (int b in order)
        {
            int best = 0;
            for (int t = 1; t < parts; t++) if (load[t] < load[best]) best = t;
            load[best] += weight[b];
            for (int i = b * BlockWords; i < Math.Min(v, (b + 1) * BlockWords); i++) part[i] = best;
        }
        var strata = new TrainingStrata(threads, parts, part, new long[parts * parts + 1]);
        var starts = strata.Starts;
        for (int i = 0; i < x.Rows; i++)
            foreach (int j in x.RowIndices(i)) starts[strata.BlockOf(i, j) + 1]++;
        for (int b = 0; b < parts * parts; b++) starts[b + 1] += starts[b];
        return strata;
    }
}
