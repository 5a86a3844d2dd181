using GloVeV.Cooccurrence;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using GloVeV.Variance.Torch;
using GloVeV.Tests;
using Xunit;
using Xunit.Abstractions;

namespace GloVeV.Torch.Tests;

[Collection("torch")] // one at a time: the training tests measure this process's RSS
public class TorchVarianceTests(KjvFixture kjv, ITestOutputHelper log) : IClassFixture<KjvFixture>
{
    [Fact]
    public void BatchedSolvesOnTheDeviceMatchTheCpuEngine()
    {
        // The optional device-side GloVe-V: the same sigma_i^2 and Sigma_i as the packed-kernel CPU engine (MKL or
        // OpenBLAS for the factorisation), to 1e-8 relative, for words of every frequency.
        var dir = TestPaths.TempDir();
        ModelTraining.Train(kjv.Cooc, kjv.Vocab, dir, new TrainingOptions { Dim = 16, Epochs = 10, Threads = 2, Seed = 5 });
        var p = GloVeParameters.Load(Path.Combine(dir, "params.safetensors"));
        var vocab = Vocabulary.Load(kjv.Vocab);
        using var x = CsrMatrix.OpenDirectory(kjv.Cooc, vocab.Count);
        var words = Enumerable.Range(0, vocab.Count).Where(i => x.RowLength(i) > 16).Where((_, n) => n % 25 == 0).Take(200).ToList();
        Assert.True(words.Count >= 100);
        var outDir = Path.Combine(dir, "variances");
        VarianceEngine.Run(p, vocab, x, outDir, new VarianceOptions { Threads = 2, ApproxTarget = 0, Words = words.Select(i => vocab[i]).ToList() });
        using var store = new VarianceStore(outDir);
        var sigma2 = File.ReadLines(Path.Combine(outDir, "variance_info.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f[4] == "ok").ToDictionary(f => int.Parse(f[1]), f => double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        var device = TorchVarianceSolver.Solve(x, p, words, device: "cpu", threads: 2, batchWords: 37);
        Assert.Equal(words.Count, device.Count);
        double worst = 0, worstS2 = 0;
        foreach (var r in device)
        {
            var cpu = store.Covariance(r.Word, vocab[r.Word]);
            double scale = cpu.Max(Math.Abs);
            for (int q = 0; q < cpu.Length; q++) worst = Math.Max(worst, Math.Abs(cpu[q] - r.Covariance[q]) / scale);
            worstS2 = Math.Max(worstS2, Math.Abs(sigma2[r.Word] - r.Sigma2) / sigma2[r.Word]);
        }
        log.WriteLine($"{device.Count} words: max relative difference of Sigma {worst:E2}, of sigma^2 {worstS2:E2}");
        Assert.True(worst <= 1e-8, $"Sigma differs by {worst}");
        Assert.True(worstS2 <= 1e-8, $"sigma^2 differs by {worstS2}");
    }
}
