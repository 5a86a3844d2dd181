using System.IO.Compression;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

public class BootstrapTests
{
    static string[] Lines(int n) => Enumerable.Range(0, n).Select(i => $"line {i} of the corpus").ToArray();

    [Fact]
    public void ResampleDrawsWholeLinesWithReplacementAsAMultinomial()
    {
        var dir = TestPaths.TempDir();
        const int n = 20000;
        var src = Path.Combine(dir, "c.txt");
        File.WriteAllText(src, string.Join("\n", Lines(n))); // no final newline: the last line still counts
        var dst = Path.Combine(dir, "r.txt");
        Assert.Equal(n, DocumentBootstrap.Resample(src, dst, 42));
        var outLines = File.ReadAllLines(dst);
        Assert.Equal(n, outLines.Length);
        var known = new HashSet<string>(Lines(n));
        Assert.All(outLines, l => Assert.Contains(l, known));
        // Multinomial(n, 1/n): a line is drawn k times with probability ~ e^-1 / k! (Poisson(1)).
        var times = outLines.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        double never = 1 - times.Count / (double)n, once = times.Values.Count(c => c == 1) / (double)n, twice = times.Values.Count(c => c == 2) / (double)n;
        Assert.InRange(never, Math.Exp(-1) - 0.015, Math.Exp(-1) + 0.015);
        Assert.InRange(once, Math.Exp(-1) - 0.015, Math.Exp(-1) + 0.015);
        Assert.InRange(twice, Math.Exp(-1) / 2 - 0.012, Math.Exp(-1) / 2 + 0.012);
        // Each line is written as often as it was drawn, in place (copies of a line are adjacent).
        var index = Lines(n).Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        for (int i = 1; i < outLines.Length; i++) Assert.True(index[outLines[i]] >= index[outLines[i - 1]]);
        // Seeded: the same seed repeats, another differs.
        var again = Path.Combine(dir, "r2.txt");
        DocumentBootstrap.Resample(src, again, 42);
        Assert.Equal(File.ReadAllBytes(dst), File.ReadAllBytes(again));
        DocumentBootstrap.Resample(src, again, 43);
        Assert.NotEqual(File.ReadAllBytes(dst), File.ReadAllBytes(again));
    }

    [Fact]
    public void ResampleReadsGzipAndLongLines()
    {
        var dir = TestPaths.TempDir();
        var longLine = string.Join(" ", Enumerable.Repeat("word", 600_000)); // 3 MB: longer than the read buffer
        var gz = Path.Combine(dir, "c.txt.gz");
        using (var f = File.Create(gz))
        using (var z = new GZipStream(f, CompressionLevel.Fastest))
        using (var w = new StreamWriter(z)) { w.Write("a b\n"); w.Write(longLine); w.Write("\nc d\n"); }
        var dst = Path.Combine(dir, "r.txt");
        Assert.Equal(3, DocumentBootstrap.Resample(gz, dst, 1));
        var lines = File.ReadAllLines(dst);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.True(l == "a b" || l == "c d" || l == longLine));
    }

    [Fact]
    public void ResampleRefusesAnEmptyCorpus()
    {
        var dir = TestPaths.TempDir();
        var src = Path.Combine(dir, "empty.txt");
        File.WriteAllText(src, "");
        var e = Assert.Throws<GloVeVException>(() => DocumentBootstrap.Resample(src, Path.Combine(dir, "r.txt"), 1));
        Assert.Contains("no lines", e.Message);
    }
}
