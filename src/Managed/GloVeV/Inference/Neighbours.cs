namespace GloVeV.Inference;

public sealed record Neighbour(string Word, int Rank, double Cosine, Interval Interval, double PTopK, double PDifferentFromNext);

public sealed record NeighbourResult(string Word, IntervalMethod Method, IReadOnlyList<Neighbour> Neighbours, int Candidates, int Draws);

/// <summary>Top-k neighbours by cosine with intervals, the probability each truly ranks in the top k, and whether
/// consecutive neighbours can be told apart.</summary>
public static class Neighbours
{
    /// <summary>Ids of the <paramref name="k"/> most similar words to <paramref name="id"/> (itself excluded), best first.</summary>
    public static (int Id, double Cosine)[] TopK(GloVeModel m, int id, int k)
    {
        if (k < 1) throw new GloVeVException($"--top must be >= 1, got {k}");
        var u = m.UnitVectors();
        int d = m.Dim, v = m.VocabSize;
        var heap = new PriorityQueue<int, float>();
        var q = new ReadOnlySpan<float>(u, id * d, d);
        for (int i = 0; i < v; i++)
        {
            if (i == id) continue;
            float s = GloVeV.Native.Simd.Dot(q, new ReadOnlySpan<float>(u, i * d, d));
            if (heap.Count < k) heap.Enqueue(i, s);
            else if (heap.TryPeek(out _, out float min) && s > min) heap.DequeueEnqueue(i, s);
        }
        var r = new List<(int, double)>();
        while (heap.TryDequeue(out int i, out _)) r.Add((i, 0));
        r.Reverse();
        var query = m.Vector(id);
        return r.Select(t => (t.Item1, Statistic.Cosine(0, 1).Value([query, m.Vector(t.Item1)]))).ToArray();
    }

    public static NeighbourResult Query(Propagation p, string word, int k = 10, IntervalMethod method = IntervalDefaults.Method,
        double level = IntervalDefaults.Level, int draws = IntervalDefaults.Samples, ulong seed = IntervalDefaults.Seed, int extraCandidates = 20)
    {
        var m = p.Model;
        int id = m.IdOf(word);
        p.Check([id]);
        if (method == IntervalMethod.Delta) draws = Math.Max(draws, IntervalDefaults.Samples); // P(top k) always draws
        var top = TopK(m, id, Math.Min(m.VocabSize - 1, k + extraCandidates));
        int shown = Math.Min(k, top.Length);
        // Candidates beyond the top k + extra are assumed never to enter the top k (documented approximation).
        var ids = new[] { id }.Concat(top.Select(t => t.Id)).ToArray();
        var inTop = new int[top.Length];
        var sims = new double[top.Length];
        var order = new int[top.Length];
        var cosDraws = Enumerable.Range(0, shown).Select(_ => new double[draws]).ToArray();
        p.Draw(ids, draws, seed, (dr, vecs) =>
        {
            for (int c = 0; c < top.Length; c++) sims[c] = Statistic.Cosine(0, c + 1).Value(vecs);
            for (int c = 0; c < top.Length; c++) order[c] = c;
            Array.Sort(order, (x, y) => sims[y].CompareTo(sims[x]));
            for (int r = 0; r < Math.Min(k, top.Length); r++) inTop[order[r]]++;
            for (int c = 0; c < shown; c++) cosDraws[c][dr] = sims[c];
        });
        var list = new List<Neighbour>();
        for (int c = 0; c < shown; c++)
        {
            var stat = Statistic.Cosine(0, 1);
            var pair = new[] { id, top[c].Id };
            // Each shown neighbour's interval by the chosen method (the composition summary reuses the joint draws).
            Interval iv = method == IntervalMethod.Sample
                ? Propagation.Summarise(top[c].Cosine, cosDraws[c], level) with { Words = p.Reliability(pair) }
                : p.Estimate(stat, pair, method, level, draws, seed);
            double pNext = double.NaN;
            if (c + 1 < top.Length)
            {
                var diffStat = Statistic.Cosine(0, 1) - Statistic.Cosine(0, 2);
                var dv = p.Estimate(diffStat, [id, top[c].Id, top[c + 1].Id], method, 0.95, draws, seed);
                pNext = dv.PValueZero;
            }
            list.Add(new Neighbour(m.Vocabulary[top[c].Id], c + 1, top[c].Cosine, iv, (double)inTop[c] / draws, pNext));
        }
        return new NeighbourResult(word, method, list, top.Length, draws);
    }
}
