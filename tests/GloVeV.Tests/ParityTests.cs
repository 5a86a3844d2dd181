using System.Globalization;
using GloVeV.Evaluation;
using GloVeV.Inference;
using Xunit;

namespace GloVeV.Tests;

/// <summary>The five parity queries through the C# core give the CLI's numbers (build/fixture/parity.txt).</summary>
public class ParityTests
{
    static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    [Fact]
    public void SameNumbersAsTheCli()
    {
        var fixture = Environment.GetEnvironmentVariable("GLOVEV_FIXTURE") is { Length: > 0 } f ? f : Path.Combine(TestPaths.Repo, "build", "fixture");
        var parity = Path.Combine(fixture, "parity.txt");
        Assert.True(File.Exists(parity), $"{parity} missing: build with cmake first");
        using var m = GloVeModel.Load(Path.Combine(fixture, "model"));
        var p = new Propagation(m);
        var nb = Neighbours.Query(p, "war", 5, IntervalMethod.Calibrated, 0.95, 300, 2).Neighbours;
        var lines = File.ReadAllLines(parity).Select(l => l.Split(' ')).ToList();
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        foreach (var l in lines)
        {
            switch (l[0])
            {
                case "vector": Assert.All(m.Vector(l[1]).Zip(l.Skip(2).Select(D)), t => Assert.True(Close(t.First, t.Second))); break;
                case "covariance": Assert.All(m.Covariance(l[1]).Zip(l.Skip(2).Select(D)), t => Assert.True(Close(t.First, t.Second))); break;
                case "similarity":
                    var iv = SimilarityQueries.Similarity(p, l[1], l[2]).Interval;
                    Assert.All(new[] { iv.Estimate, iv.Plugin, iv.Sd, iv.Lo, iv.Hi }.Zip(l.Skip(3).Select(D)), t => Assert.True(Close(t.First, t.Second)));
                    break;
                case "neighbour":
                    var n = nb[int.Parse(l[2]) - 1];
                    Assert.Equal(l[3], n.Word);
                    Assert.All(new[] { n.Cosine, n.Interval.Sd, n.Interval.Lo, n.Interval.Hi, n.PTopK }.Zip(l.Skip(4).Select(D)), t => Assert.True(Close(t.First, t.Second)));
                    break;
                case "weat":
                    var w = Weat.Run(p, new WeatLists(["war", "army", "navy"], ["peace", "treaty", "commerce"], ["enemy", "force", "defense"], ["friendship", "harmony", "trade"]), 1000, IntervalMethod.Sample, 0.95, 50, 1);
                    Assert.All(new[] { w.Statistic, w.EffectSize, w.PValue, w.EffectSizeInterval.Lo, w.EffectSizeInterval.Hi }.Zip(l.Skip(1).Select(D)), t => Assert.True(Close(t.First, t.Second)));
                    break;
            }
        }
        Assert.Equal(9, lines.Count);
    }
}
