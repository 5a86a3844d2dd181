using GloVeV.Training;

namespace GloVeV.Inference;

/// <summary>One frequency band: vocabulary ranks From..To (1-based, inclusive; ids are frequency-ordered) and the
/// eligible words in it.</summary>
public sealed record FrequencyBand(string Name, int From, int To, int[] Words);

/// <summary>Bands of vocabulary ranks by their upper edges, as <c>calibrate</c> and <c>compare-uncertainty</c> use them
/// (<c>--bands 300,1000,3000,10000</c>; the last band is every rank above the last edge).</summary>
public static class FrequencyBands
{
    public static readonly int[] DefaultEdges = [300, 1000, 3000, 10000];

    public static void Validate(int[] edges)
    {
        if (edges.Length == 0 || edges[0] < 1 || edges.Zip(edges.Skip(1)).Any(p => p.Second <= p.First))
            throw new BadArgumentException($"bands must be increasing ranks >= 1, got '{string.Join(",", edges)}'");
    }

    /// <summary>The bands that exist for a vocabulary of <paramref name="vocabSize"/> words, each with the words of
    /// <paramref name="eligible"/> it holds (possibly none), in rank order.</summary>
    public static IEnumerable<FrequencyBand> Split(int[] edges, int vocabSize, int[] eligible)
    {
        int lo = 0;
        foreach (int edge in edges.Append(int.MaxValue))
        {
            int hi = Math.Min(edge, vocabSize);
            if (lo >= hi) yield break;
            int from = lo;
            yield return new FrequencyBand(edge == int.MaxValue ? $"{lo + 1}+" : $"{lo + 1}-{hi}", lo + 1, hi,
                eligible.Where(i => i >= from && i < hi).ToArray());
            lo = hi;
        }
    }

    /// <summary>Up to <paramref name="n"/> of the words drawn without replacement (a seeded Fisher-Yates shuffle of
    /// <paramref name="words"/> in place), in rank order.</summary>
    public static int[] Sample(int[] words, int n, ref SplitMix64 rng)
    {
        for (int t = words.Length - 1; t > 0; t--)
        {
            int u = Math.Min(t, (int)(rng.NextDouble() * (t + 1)));
            (words[t], words[u]) = (words[u], words[t]);
        }
        return words.Take(n).Order().ToArray();
    }
}
