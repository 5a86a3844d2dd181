using GloVeV.Inference;

namespace GloVeV.Evaluation;

public sealed record RndResult(double Value, Interval Interval, double Z, double PValue, int Neutral, IReadOnlyDictionary<string, IReadOnlyList<string>> Missing);

/// <summary>
/// Relative norm distance (Garg, Schiebinger, Jurafsky &amp; Zou 2018): with every vector scaled to unit length and
/// v1, v2 the mean vectors of the two groups, RND = Σ_{w∈neutral} (‖w − v1‖ − ‖w − v2‖). Negative: the neutral words
/// sit closer to group 1. The GloVe-V interval comes from sampling the vectors; the test of RND = 0 (the two groups
/// are equally close) uses its sampling sd.
/// </summary>
public static class RelativeNormDistance
{
    public static RndResult Run(GloVeModel m, IReadOnlyList<string> group1, IReadOnlyList<string> group2, IReadOnlyList<string> neutral,
        int draws = 500, ulong seed = 1, double level = 0.95, IntervalMethod method = IntervalMethod.Sample)
    {
        var r1 = WordLists.Resolve(m.Vocabulary, "GROUP1", group1);
        var r2 = WordLists.Resolve(m.Vocabulary, "GROUP2", group2);
        var rn = WordLists.Resolve(m.Vocabulary, "NEUTRAL", neutral);
        var (ids, slot) = Propagation.Slots(r1.Ids.Concat(r2.Ids).Concat(rn.Ids));
        int n1 = r1.Ids.Length, n2 = r2.Ids.Length;
        int[] s1 = slot[..n1], s2 = slot[n1..(n1 + n2)], sn = slot[(n1 + n2)..];
        double Value(IReadOnlyList<double[]> v)
        {
            int d = v[0].Length;
            var unit = v.Select(x => { double n = Math.Sqrt(x.Sum(t => t * t)); return x.Select(t => n > 0 ? t / n : 0).ToArray(); }).ToArray();
            var c1 = new double[d]; var c2 = new double[d];
            foreach (var s in s1) for (int q = 0; q < d; q++) c1[q] += unit[s][q] / s1.Length;
            foreach (var s in s2) for (int q = 0; q < d; q++) c2[q] += unit[s][q] / s2.Length;
            double total = 0;
            foreach (var s in sn)
            {
                double a = 0, b = 0;
                for (int q = 0; q < d; q++) { double x = unit[s][q] - c1[q], y = unit[s][q] - c2[q]; a += x * x; b += y * y; }
                total += Math.Sqrt(a) - Math.Sqrt(b);
            }
            return total;
        }
        double value = Value(ids.Select(m.Vector).ToArray());
        var dr = new double[draws];
        new Propagation(m).Draw(ids, draws, seed, (k, v) => dr[k] = Value(v));
        if (method != IntervalMethod.Sample) throw new GloVeVException($"RND intervals are implemented for the method of composition ('sample') only, not '{Interval.MethodName(method)}'");
        var iv = Propagation.Summarise(value, dr, level);
        double z = iv.Sd > 0 ? value / iv.Sd : double.NaN;
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["GROUP1"] = r1.Missing, ["GROUP2"] = r2.Missing, ["NEUTRAL"] = rn.Missing };
        return new RndResult(value, iv, z, NormalDistribution.TwoSidedP(z), sn.Length, missing);
    }
}
