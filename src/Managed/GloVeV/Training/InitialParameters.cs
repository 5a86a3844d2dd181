namespace GloVeV.Training;

/// <summary>GloVe C's starting point: every parameter uniform in [-0.5, 0.5) / D, drawn in a fixed order from the
/// seed, so every backend starts a run with the same numbers.</summary>
public static class InitialParameters
{
    public static GloVeParameters Draw(int vocabSize, int dim, ulong seed)
    {
        var rng = new SplitMix64(SplitMix64.Derive(seed, 0));
        float[] Block(long n)
        {
            var a = new float[n];
            for (long k = 0; k < n; k++) a[k] = (float)((rng.NextDouble() - 0.5) / dim);
            return a;
        }
        var w = Block((long)vocabSize * dim);
        var bw = Block(vocabSize);
        var c = Block((long)vocabSize * dim);
        var bc = Block(vocabSize);
        return new GloVeParameters(vocabSize, dim, w, c, bw, bc);
    }
}
