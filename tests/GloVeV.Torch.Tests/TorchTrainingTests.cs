using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Training.Torch;
using GloVeV.Tests;
using Xunit;
using Xunit.Abstractions;

namespace GloVeV.Torch.Tests;

/// <summary>KJV counted once (min-count 5, window 10), shared by the tests below.</summary>
public sealed class KjvFixture : IDisposable
{
    public string Root { get; } = TestPaths.TempDir();
    public string Vocab { get; }
    public string Cooc { get; }

    public KjvFixture()
    {
        var path = TestPaths.Data("kjv.txt.gz");
        var v = VocabularyBuilder.Build(path, new VocabularyOptions { MinCount = 5 }).Vocabulary;
        Vocab = Path.Combine(Root, "vocab.txt");
        v.Save(Vocab);
        Cooc = Path.Combine(Root, "cooc");
        CooccurrenceCounter.Count(path, v, Cooc, new CooccurrenceOptions { Window = 10 });
    }

    public void Dispose() { try { Directory.Delete(Root, true); } catch (IOException) { } }
}

[Collection("torch")] // one at a time: MemoryStaysFlatAcrossEpochsOnTheCpu measures this process's RSS
public class TorchTrainingTests(KjvFixture kjv, ITestOutputHelper log) : IClassFixture<KjvFixture>
{
    static Func<CsrMatrix, TrainingOptions, IGloVeTrainer> Torch(int batch = 0) =>
        (x, o) => new TorchGloVeTrainer(x, o, new TorchTrainingOptions { Device = "cpu", BatchSize = batch });

    [Fact]
    public void OnKjvTheTorchBackendReachesTheCpuTrainersCostAndNeighbours()
    {
        // Acceptance of the torch backend: same epochs, same start; final cost within 5% of the SIMD CPU trainer's and
        // top-10 neighbour lists (cosine of centre vectors) overlapping by >= 60% on average for the 100 most frequent words.
        var o = new TrainingOptions { Dim = 50, Epochs = 25, Threads = 2, Seed = 3 };
        string cpuDir = TestPaths.TempDir(), torchDir = TestPaths.TempDir();
        var cpu = ModelTraining.Train(kjv.Cooc, kjv.Vocab, cpuDir, o);
        var torch = ModelTraining.Train(kjv.Cooc, kjv.Vocab, torchDir, o, backend: Torch());
        double cCpu = cpu.Epochs[^1].Cost, cTorch = torch.Epochs[^1].Cost;
        log.WriteLine($"final cost: cpu {cCpu:F6} torch {cTorch:F6} (ratio {cTorch / cCpu:F4}); epoch s: cpu {cpu.Epochs.Average(e => e.Seconds):F2} torch {torch.Epochs.Average(e => e.Seconds):F2}");
        Assert.True(Math.Abs(cTorch / cCpu - 1) <= 0.05, $"torch final cost {cTorch} vs CPU trainer {cCpu}");
        for (int e = 2; e < torch.Epochs.Count; e++) Assert.True(torch.Epochs[e].Cost < torch.Epochs[e - 1].Cost, $"torch cost rose at epoch {e + 1}");

        using var a = GloVeModel.Load(cpuDir);
        using var b = GloVeModel.Load(torchDir);
        double overlap = 0;
        const int words = 100, k = 10;
        for (int id = 0; id < words; id++)
        {
            var na = Neighbours.TopK(a, id, k).Select(t => t.Id).ToHashSet();
            var nb = Neighbours.TopK(b, id, k).Select(t => t.Id);
            overlap += nb.Count(na.Contains) / (double)k;
        }
        overlap /= words;
        log.WriteLine($"mean top-{k} overlap over the {words} most frequent words: {overlap:P1}");
        Assert.True(overlap >= 0.60, $"top-10 overlap {overlap:P1}");
        var meta = GloVeV.Training.GloVeParameters.Load(Path.Combine(torchDir, "params.safetensors")).Metadata;
        Assert.Equal("torch-cpu", meta["backend"]);
        Assert.Equal(new TorchTrainingOptions().BatchFor(false, long.Parse(meta["nnz"])).ToString(), meta["batch_size"]);
    }

    [Fact]
    public void AnInterruptedRunResumedFromItsCheckpointEndsWhereTheUninterruptedOneDoes()
    {
        var o = new TrainingOptions { Dim = 16, Epochs = 4, Threads = 2, Seed = 9, CheckpointEvery = 2 };
        var full = ModelTraining.Train(kjv.Cooc, kjv.Vocab, TestPaths.TempDir(), o, backend: Torch(1 << 14));
        var dir = TestPaths.TempDir();
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(kjv.Cooc, kjv.Vocab, dir, o,
            onEpoch: e => { if (e.Epoch == 3) throw new OperationCanceledException(); }, backend: Torch(1 << 14)));
        Assert.True(File.Exists(Path.Combine(dir, TrainingCheckpoint.FileName)));
        var resumed = ModelTraining.Train(kjv.Cooc, kjv.Vocab, dir, o, resume: true, backend: Torch(1 << 14));
        Assert.Equal(2, resumed.Epochs.Count);
        Assert.Equal(full.Epochs[^1].Cost, resumed.Epochs[^1].Cost, 6);
        Assert.False(File.Exists(Path.Combine(dir, TrainingCheckpoint.FileName)));
    }

    [Fact]
    public void BadBackendSettingsAreClearErrors()
    {
        using var x = CsrMatrix.OpenDirectory(kjv.Cooc, Vocabulary.Load(kjv.Vocab).Count);
        var o = new TrainingOptions { Dim = 8, Epochs = 1, Threads = 1 };
        Assert.Contains("--device", Assert.Throws<GloVeVException>(() => new TorchGloVeTrainer(x, o, new TorchTrainingOptions { Device = "tpu" })).Message);
        Assert.Contains("--batch-size", Assert.Throws<GloVeVException>(() => new TorchGloVeTrainer(x, o, new TorchTrainingOptions { BatchSize = -5 })).Message);
        if (!TorchSharp.torch.cuda.is_available())
            Assert.Contains("no CUDA device", Assert.Throws<GloVeVException>(() => new TorchGloVeTrainer(x, o, new TorchTrainingOptions { Device = "cuda" })).Message);
        // A too-large step diverges; the trainer says so instead of writing NaN parameters.
        var err = Assert.Throws<GloVeVException>(() => new TorchGloVeTrainer(x, o with { Eta = 1e30, XMax = 1 }, new TorchTrainingOptions { Device = "cpu" }).Run());
        Assert.Contains("diverged", err.Message);
    }

    [Fact]
    public void MemoryStaysFlatAcrossEpochsOnTheCpu()
    {
        // libtorch's aligned CPU allocations fragmented glibc's heap: RSS grew ~0.4 GB per KJV epoch (24 GB on
        // gutenberg_10M) until the trainer began trimming the heap every few batches.
        using var x = CsrMatrix.OpenDirectory(kjv.Cooc, Vocabulary.Load(kjv.Vocab).Count);
        using var t = new TorchGloVeTrainer(x, new TrainingOptions { Dim = 50, Epochs = 6, Threads = 2 }, new TorchTrainingOptions { Device = "cpu" });
        var rss = new List<long>();
        t.Run(onEpoch: _ => { System.Diagnostics.Process.GetCurrentProcess().Refresh(); rss.Add(Environment.WorkingSet); });
        long growth = rss[^1] - rss[1];
        log.WriteLine($"RSS after each epoch (MB): {string.Join(", ", rss.Select(r => r >> 20))}");
        Assert.True(growth < 100L << 20, $"RSS grew {growth >> 20} MB between epochs 2 and 6");
    }
}
