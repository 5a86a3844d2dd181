using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>What <c>train --resume</c> checks (the inputs and every setting of the run, in every checkpoint kind), the
/// cost history across a resume, and the co-occurrence input forms and messages around training.</summary>
public class ResumeChecksTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    static GloVeVException Fails(Action a) => Assert.ThrowsAny<GloVeVException>(a);

    /// <summary>The message as the CLI shows it: marked settings under their flags.</summary>
    static string Cli(GloVeVException e) => e.MarkedMessage is { } m ? GloVeVException.Rename(m, n => "--" + n.Replace('_', '-')) : e.Message;

    static Dictionary<string, string> Meta(string modelDir)
    {
        using var f = new SafeTensorsFile(Path.Combine(modelDir, GloVeParameters.ParamsFile));
        return f.Metadata.ToDictionary();
    }

    /// <summary>An AdaGrad run stopped after <paramref name="stopAt"/> epochs with checkpoints every 2.</summary>
    static string Interrupted(string cooc, string vocab, TrainingOptions o, int stopAt)
    {
        var dir = TestPaths.TempDir();
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, dir, o, false, e => { if (e.Epoch == stopAt) throw new OperationCanceledException(); }));
        Assert.True(File.Exists(Path.Combine(dir, TrainingCheckpoint.FileName)));
        return dir;
    }

    /// <summary>A run stopped in its ALS phase after <paramref name="stopAt"/> sweeps (checkpoints every sweep).</summary>
    static string InterruptedInAls(string cooc, string vocab, TrainingOptions o, int stopAt)
    {
        var dir = TestPaths.TempDir();
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, dir, o, onSweep: s => { if (s.Sweep == stopAt) cts.Cancel(); }, cancel: cts.Token));
        Assert.Equal(stopAt, TrainingCheckpoint.AlsSweepsIn(Path.Combine(dir, TrainingCheckpoint.FileName)));
        return dir;
    }

    // ---------- what a resumed run must share with the checkpoint, and what it keeps

    [Fact]
    public void ResumeRefusesACheckpointOfAnotherCooccurrenceMatrixOfTheSameShape()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        // The same pairs without distance weighting: same vocabulary size and non-zeros, other values.
        var flat = Path.Combine(TestPaths.TempDir(), "cooc");
        CooccurrenceCounter.Count(TestPaths.Data("sotu_small.txt"), Vocabulary.Load(vocab), flat, new CooccurrenceOptions { DistanceWeighting = false });
        using (var a = CsrMatrix.OpenDirectory(cooc, Vocabulary.Load(vocab).Count))
        using (var b = CsrMatrix.OpenDirectory(flat, Vocabulary.Load(vocab).Count))
            Assert.Equal(a.NonZeros, b.NonZeros);
        var o = new TrainingOptions { Dim = 6, Epochs = 6, Threads = 1, CheckpointEvery = 2 };
        var dir = Interrupted(cooc, vocab, o, 3);
        var e = Fails(() => ModelTraining.Train(flat, vocab, dir, o, resume: true));
        Assert.Contains("another co-occurrence matrix", e.Message);
        Assert.Contains(Path.GetFullPath(cooc), e.Message);
        Assert.Contains(Path.GetFullPath(flat), e.Message);
        Assert.False(File.Exists(Path.Combine(dir, GloVeParameters.ParamsFile)), "a refused resume writes no model");
        // The checkpoint is still there and resumes with its own matrix.
        ModelTraining.Train(cooc, vocab, dir, o, resume: true);
        Assert.True(File.Exists(Path.Combine(dir, GloVeParameters.ParamsFile)));
    }

    [Fact]
    public void ResumeRefusesACheckpointOfAnotherVocabularyOrder()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var v = Vocabulary.Load(vocab);
        // Two words of equal count swapped (a valid vocabulary in its own right), counted again with it.
        int k = Enumerable.Range(1, v.Count - 1).First(i => v.CountOf(i) == v.CountOf(i - 1));
        var words = v.Words.ToArray(); (words[k], words[k - 1]) = (words[k - 1], words[k]);
        var swappedDir = TestPaths.TempDir();
        var swapped = Path.Combine(swappedDir, "vocab.txt");
        new Vocabulary(words, v.Counts.ToArray()).Save(swapped);
        var swappedCooc = Path.Combine(swappedDir, "cooc");
        CooccurrenceCounter.Count(TestPaths.Data("sotu_small.txt"), Vocabulary.Load(swapped), swappedCooc, new CooccurrenceOptions());
        var o = new TrainingOptions { Dim = 6, Epochs = 6, Threads = 1, CheckpointEvery = 2 };
        var dir = Interrupted(cooc, vocab, o, 3);
        var e = Fails(() => ModelTraining.Train(swappedCooc, swapped, dir, o, resume: true));
        Assert.Contains("another vocabulary", e.Message);
    }

    [Fact]
    public void AnAlsCheckpointRecordsEverySettingAndRefusesAnyDifferenceByName()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 6, Epochs = 2, Threads = 1, AlsSweeps = 4, AlsTolerance = 0, Ridge = 0.05, CheckpointEvery = 1 };
        var dir = InterruptedInAls(cooc, vocab, o, 2);
        foreach (var (changed, flag) in new (TrainingOptions, string)[]
        {
            (o with { XMax = 50 }, "--x-max 50"), (o with { Alpha = 0.5 }, "--alpha 0.5"), (o with { Ridge = 0.1 }, "--ridge 0.1"),
            (o with { RidgeAuto = true }, "--ridge auto"), (o with { Eta = 0.1 }, "--eta 0.1"), (o with { AlsTolerance = 1e-3 }, "--als-tol 0.001"),
            (o with { Epochs = 3 }, "--epochs 3"), (o with { AlsSweeps = 5 }, "--als-sweeps 5"), (o with { Seed = 7 }, "--seed 7"),
            (o with { GradClip = 10 }, "--grad-clip 10"), (o with { BiasEta = 0.1 }, "--bias-eta 0.1"),
        })
        {
            var e = Fails(() => ModelTraining.Train(cooc, vocab, dir, changed, resume: true));
            Assert.Contains(flag, Cli(e));
            Assert.Contains("checkpoint", e.Message);
            Assert.DoesNotContain("--", e.Message); // the core's own words are neutral; the front doors name their flags
        }
        Assert.False(File.Exists(Path.Combine(dir, GloVeParameters.ParamsFile)));
        ModelTraining.Train(cooc, vocab, dir, o, resume: true);
    }

    [Fact]
    public void AnAdaGradCheckpointRefusesOtherAlsAndStoppingSettings()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 6, Epochs = 4, Threads = 1, AlsSweeps = 2, Ridge = 0.05, CheckpointEvery = 2 };
        var dir = Interrupted(cooc, vocab, o, 3);
        Assert.Contains("--ridge 0.1", Cli(Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { Ridge = 0.1 }, resume: true))));
        Assert.Contains("--als-sweeps 3", Cli(Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { AlsSweeps = 3 }, resume: true))));
        Assert.Contains("--epochs auto", Cli(Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { AutoStop = new TrainingOptions.AutoStopRule() }, resume: true))));
        // The epoch count is not a setting of the part done: AdaGrad may be continued further.
        var r = ModelTraining.Train(cooc, vocab, dir, o with { Epochs = 5 }, resume: true);
        Assert.Equal(3, r.Epochs.Count);
    }

    [Fact]
    public void TheCostHistoryIsWholeAcrossAResumeInEitherPhase()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 6, Epochs = 4, Threads = 1, AlsSweeps = 4, AlsTolerance = 0, RidgeAuto = true, CheckpointEvery = 2 };
        var full = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, full, o);
        var want = Meta(full);
        Assert.Equal(4, want["cost_history"].Split(',').Length);
        Assert.Equal(4, want["als_cost_history"].Split(',').Length);

        // Stopped in AdaGrad (checkpoint after epoch 2).
        var a = Interrupted(cooc, vocab, o, 3);
        ModelTraining.Train(cooc, vocab, a, o, resume: true);
        // Stopped in ALS (checkpoint after sweep 2).
        var b = InterruptedInAls(cooc, vocab, o with { CheckpointEvery = 1 }, 2);
        var rb = ModelTraining.Train(cooc, vocab, b, o with { CheckpointEvery = 1 }, resume: true);
        Assert.Equal(2, rb.Sweeps!.Count);
        Assert.Empty(rb.Epochs);
        foreach (var got in new[] { Meta(a), Meta(b) })
            foreach (var key in new[] { "cost_history", "als_cost_history", "final_cost", "backend", "ridge", "ridge_selection", "epochs", "als_sweeps" })
                Assert.Equal(want[key], got[key]);
    }

    [Fact]
    public void ACheckpointWithMoreEpochsThanAskedForNamesTheSetting()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 6, Epochs = 6, Threads = 1, CheckpointEvery = 2 };
        var dir = Interrupted(cooc, vocab, o, 5);
        var e = Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { Epochs = 3 }, resume: true));
        Assert.Contains("more than epochs 3", e.Message);
        Assert.Contains("more than --epochs 3", Cli(e));
    }

    // ---------- the co-occurrence input

    [Fact]
    public void TheCooccurrenceInputMayBeGloVeCsBinaryFileItself()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        int v = Vocabulary.Load(vocab).Count;
        using var folder = CsrMatrix.OpenDirectory(cooc, v);
        // The folder's own .bin names the folder.
        using (var viaBin = CsrMatrix.OpenDirectory(Path.Combine(cooc, "cooccurrence.bin"), v))
            Assert.Equal(folder.NonZeros, viaBin.NonZeros);
        // GloVe C's shuffled file under its own name: converted once beside it, the same matrix.
        var gc = TestPaths.TempDir();
        var shuf = Path.Combine(gc, "cooccurrence.shuf.bin");
        File.Copy(Path.Combine(cooc, "cooccurrence.bin"), shuf);
        using (var m = CsrMatrix.OpenDirectory(shuf, v))
        {
            Assert.Equal(folder.NonZeros, m.NonZeros);
            Assert.Equal(folder.AllValues.ToArray(), m.AllValues.ToArray());
        }
        Assert.True(File.Exists(Path.Combine(gc, "cooccurrence.shuf.csr.safetensors")));
        var r = ModelTraining.Train(shuf, vocab, TestPaths.TempDir(), new TrainingOptions { Dim = 4, Epochs = 1, Threads = 1 });
        Assert.Equal(folder.NonZeros, r.NonZeros);
        // Any other file is refused, saying what is accepted.
        var e = Fails(() => CsrMatrix.OpenDirectory(vocab, v));
        Assert.Contains("is a file", e.Message);
        Assert.Contains(".bin", e.Message);
    }

    [Fact]
    public void AReplacedBinaryInOurFolderGetsAdviceThatWorks()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var v = Vocabulary.Load(vocab);
        var root = TestPaths.TempDir();
        var flat = Path.Combine(root, "flat");
        CooccurrenceCounter.Count(TestPaths.Data("sotu_small.txt"), v, flat, new CooccurrenceOptions { DistanceWeighting = false });
        var ours = Path.Combine(root, "ours");
        Directory.CreateDirectory(ours);
        foreach (var f in Directory.GetFiles(cooc)) File.Copy(f, Path.Combine(ours, Path.GetFileName(f)));
        var newBin = Path.Combine(ours, "cooccurrence.bin");
        File.Copy(Path.Combine(flat, "cooccurrence.bin"), newBin, true); // same size, other values
        File.SetLastWriteTimeUtc(newBin, DateTime.UtcNow.AddMinutes(1));
        var e = Fails(() => CsrMatrix.OpenDirectory(ours, v, vocab));
        Assert.Contains("folder of its own", e.Message);
        Assert.DoesNotContain("delete", e.Message);
        // Following the advice: the new file in a folder of its own is read as GloVe C's file.
        var own = Path.Combine(root, "own");
        Directory.CreateDirectory(own);
        File.Copy(newBin, Path.Combine(own, "cooccurrence.bin"));
        using var m = CsrMatrix.OpenDirectory(own, v, vocab);
        using var want = CsrMatrix.OpenDirectory(flat, v, vocab);
        Assert.Equal(want.AllValues.ToArray(), m.AllValues.ToArray());
    }

    // ---------- settings a run does not use, and messages that name the settings

    [Fact]
    public void SettingsNamedInsideAMessageAreMarkedForTheFrontDoors()
    {
        var e = Fails(() => new TrainingOptions { Epochs = 2, AlsTolerance = 5 }.Validate());
        Assert.Equal("als_tol applies to the ALS sweeps; give als_sweeps N too", e.Message);
        Assert.Equal("--als-tol applies to the ALS sweeps; give --als-sweeps N too", Cli(e));
        Assert.Equal("--ridge applies to the ALS sweeps; give --als-sweeps N too", Cli(Fails(() => new TrainingOptions { Ridge = 0.3 }.Validate())));
        Assert.Equal("--init-from starts ALS from a trained model: use it with --epochs 0 and --als-sweeps N", Cli(Fails(() => new TrainingOptions { InitFrom = "m", AlsSweeps = 1 }.Validate())));
        Assert.Contains("(or 0 with --als-sweeps N)", Cli(Fails(() => new TrainingOptions { Epochs = 0 }.Validate())));
        // The default tolerance without sweeps is no request at all.
        new TrainingOptions { Epochs = 2, AlsTolerance = TrainingOptions.DefaultAlsTolerance }.Validate();
    }

    [Fact]
    public void InitFromAModelOfAnotherVocabularySizeSaysSo()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var (vocab2, cooc2) = corpora.Get("sotu_small.txt", 10);
        var model = TestPaths.TempDir();
        ModelTraining.Train(cooc2, vocab2, model, new TrainingOptions { Dim = 6, Epochs = 1, Threads = 1 });
        var e = Fails(() => ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), new TrainingOptions { Dim = 6, Epochs = 0, AlsSweeps = 1, InitFrom = model }));
        Assert.Contains("vocabulary of", e.Message);
        Assert.DoesNotContain("(dim)", e.Message);
        e = Fails(() => ModelTraining.Train(cooc2, vocab2, TestPaths.TempDir(), new TrainingOptions { Dim = 7, Epochs = 0, AlsSweeps = 1, InitFrom = model }));
        Assert.Contains("vectors of size 6", e.Message);
        Assert.Contains("--dim 7", Cli(e));
    }

    [Fact]
    public void VocabularyThreadsAndMemoryMessagesNameTheSetting()
    {
        // Too many is refused too (100,000 vocabulary threads took 10 GB on a tiny corpus), by every stage alike.
        foreach (int t in new[] { 0, -5, ThreadLimit.Max + 1, int.MaxValue })
        {
            Assert.Contains($"threads must be between 1 and {ThreadLimit.Max}", Fails(() => VocabularyBuilder.Build(TestPaths.Data("sotu_small.txt"), new VocabularyOptions { Threads = t })).Message);
            Assert.Throws<BadArgumentException>(() => new CooccurrenceOptions { Threads = t }.Validate());
            Assert.Throws<BadArgumentException>(() => new GloVeV.Variance.VarianceOptions { Threads = t }.Validate());
            Assert.Throws<BadArgumentException>(() => new GloVeV.Training.TrainingOptions { Threads = t }.Validate());
        }
        var e = Fails(() => CooccurrenceOptions.ParseSize("12X"));
        Assert.StartsWith("memory must be a size", e.Message);
        Assert.Contains("'12X'", e.Message);
        var (vocab, _) = corpora.Get("sotu_small.txt");
        var v = Vocabulary.Load(vocab);
        string Tiny(int threads) => Fails(() => CooccurrenceCounter.Count(TestPaths.Data("sotu_small.txt"), v, Path.Combine(TestPaths.TempDir(), "c"),
            new CooccurrenceOptions { MemoryBytes = 2 << 20, Threads = threads })).Message;
        Assert.DoesNotContain("fewer threads", Tiny(1));
        Assert.Contains("fewer threads", Tiny(2));
    }
}
