using GloVeV.Inference;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;
using Xunit.Abstractions;

namespace GloVeV.Tests;

/// <summary>On a real model (KJV, D = 50, trained 60 epochs), delta-method and sampling SDs of cosine similarities agree
/// for frequent words; the test also reports where they part (rare words), as users should know.</summary>
public class DeltaVersusSamplingTests(CorporaFixture corpora, ITestOutputHelper output) : IClassFixture<CorporaFixture>
{
    [Fact]
    public void SdsAgreeWithinFivePercentForFrequentWords()
    {
        var (vocab, cooc) = corpora.Get("kjv.txt.gz");
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 50, Epochs = 60, Threads = 2, Seed = 8 });
        VarianceEngine.Run(dir, cooc, null, new VarianceOptions { Threads = 2, ApproxTarget = 0 });
        using var m = GloVeModel.Load(dir);
        var p = new Propagation(m);
        var info = m.Variances!.Info();
        var frequent = Enumerable.Range(20, 200).Select(i => m.Vocabulary[i]).Where(w => info[w].Status == "ok").Take(30).ToList();
        var rare = Enumerable.Range(0, m.VocabSize).Reverse().Select(i => m.Vocabulary[i]).Where(w => info.TryGetValue(w, out var r) && r.Status == "ok").Take(10).ToList();
        double worstFrequent = 0;
        for (int k = 0; k + 1 < frequent.Count; k += 2)
        {
            var d = SimilarityQueries.Similarity(p, frequent[k], frequent[k + 1], IntervalMethod.Delta).Interval;
            var s = SimilarityQueries.Similarity(p, frequent[k], frequent[k + 1], IntervalMethod.Sample, draws: 8000, seed: (ulong)k + 1).Interval;
            worstFrequent = Math.Max(worstFrequent, Math.Abs(s.Sd / d.Sd - 1));
        }
        double worstRare = 0;
        for (int k = 0; k + 1 < rare.Count; k += 2)
        {
            var d = SimilarityQueries.Similarity(p, rare[k], rare[k + 1], IntervalMethod.Delta).Interval;
            var s = SimilarityQueries.Similarity(p, rare[k], rare[k + 1], IntervalMethod.Sample, draws: 8000, seed: (ulong)k + 1).Interval;
            worstRare = Math.Max(worstRare, Math.Abs(s.Sd / d.Sd - 1));
        }
        output.WriteLine($"largest |sd_sample / sd_delta - 1|: frequent words {worstFrequent:P1}, rarest words {worstRare:P1}");
        Assert.True(worstFrequent < 0.05, $"frequent words: sampling and delta SDs differ by {worstFrequent:P1}");
    }
}
