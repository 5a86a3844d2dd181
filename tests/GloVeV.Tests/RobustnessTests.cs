using System.Text;
using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>Issue 17: atomic folders, provenance checks, bad inputs as clear errors, numerical guards.</summary>
public class RobustnessTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    static string Write(string dir, string name, string text) { var p = Path.Combine(dir, name); File.WriteAllText(p, text); return p; }

    static GloVeVException Fails(Action a) => Assert.ThrowsAny<GloVeVException>(a);

    // ---------- atomic folders ----------

    static void MakeSet(string dir, string tag, int files)
    {
        for (int k = 0; k < files; k++) File.WriteAllText(Path.Combine(dir, $"f{k}.txt"), tag + k);
    }

    [Fact]
    public void CommitReplacesTheWholeFolderAndWritesAManifest()
    {
        var root = TestPaths.TempDir();
        var target = Path.Combine(root, "out");
        using (var a = AtomicDirectory.Begin(target)) { MakeSet(a.Staging, "old", 5); a.Commit(); }
        using (var b = AtomicDirectory.Begin(target)) { MakeSet(b.Staging, "new", 3); b.Commit(); }
        Assert.Equal(new[] { ".glovev-manifest", "f0.txt", "f1.txt", "f2.txt" }, Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("new1", File.ReadAllText(Path.Combine(target, "f1.txt")));
        Assert.Single(Directory.GetFileSystemEntries(root));
        AtomicDirectory.Verify(target, hashes: true);
        File.WriteAllText(Path.Combine(target, "f1.txt"), "x");
        Assert.Contains("records", Fails(() => AtomicDirectory.Verify(target)).Message);
        File.Delete(Path.Combine(target, "f1.txt"));
        Assert.Contains("missing", Fails(() => AtomicDirectory.Verify(target)).Message);
    }

    /// <summary>Simulates a kill after each step of the swap (the journal, the old folder aside, the new one in):
    /// recovery always ends with one complete set, the new one once the journal exists.</summary>
    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void RecoveryAfterAKillAtEachStepLeavesOneCompleteSet(int step)
    {
        var root = TestPaths.TempDir();
        var target = Path.Combine(root, "v");
        using (var a = AtomicDirectory.Begin(target)) { MakeSet(a.Staging, "old", 4); a.Commit(); }
        // A dead writer's state, built by hand: staging (complete, manifest written by a real commit elsewhere).
        var donor = Path.Combine(root, "donor");
        using (var d = AtomicDirectory.Begin(donor)) { MakeSet(d.Staging, "new", 2); d.Commit(); }
        int deadPid = 999_999_9;
        var staging = Path.Combine(root, $".v.staging.{deadPid}.{Guid.NewGuid():N}");
        Directory.Move(donor, staging);
        var journal = Path.Combine(root, ".v.swap");
        var old = Path.Combine(root, ".v.old");
        bool expectNew = step >= 1;
        if (step >= 1) File.WriteAllText(journal, $"{Path.GetFileName(staging)}\n{deadPid}\n");
        if (step >= 2) Directory.Move(target, old);
        if (step >= 3) Directory.Move(staging, target);
        if (step >= 4) File.Delete(journal);
        AtomicDirectory.Recover(target);
        AtomicDirectory.Verify(target, hashes: true);
        var files = Directory.GetFiles(target, "f*.txt").Length;
        Assert.Equal(expectNew ? 2 : 4, files);
        Assert.Equal(expectNew ? "new0" : "old0", File.ReadAllText(Path.Combine(target, "f0.txt")));
        Assert.Equal(new[] { "v" }, Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
    }

    [Fact]
    public void DeadRunsTemporariesAreRemovedByTheNextRun()
    {
        var dir = TestPaths.TempDir();
        var deadTmp = Path.Combine(dir, $".vocab.txt.9999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(deadTmp, "partial");
        var liveTmp = Path.Combine(dir, $".vocab.txt.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(liveTmp, "mine");
        new Vocabulary(["a", "b"], [2, 1]).Save(Path.Combine(dir, "vocab.txt"));
        Assert.False(File.Exists(deadTmp));
        Assert.True(File.Exists(liveTmp));
        // An old-style spill folder inside a co-occurrence folder, left by a killed run.
        var cooc = Path.Combine(dir, "cooc");
        Directory.CreateDirectory(cooc);
        var spill = Path.Combine(cooc, $".glovev-cooccur-9999999-{Guid.NewGuid():N}");
        Directory.CreateDirectory(spill);
        File.WriteAllText(Path.Combine(spill, "run-000001.bin"), "x");
        var corpus = TestPaths.WriteCorpus(dir, "a b a b a\nb a b\n");
        CooccurrenceCounter.Count(corpus, new Vocabulary(["a", "b"], [5, 4]), cooc, new CooccurrenceOptions { Window = 2 });
        Assert.False(Directory.Exists(spill));
    }

    [Fact]
    public void CooccurKeepsOtherFilesAndRefusesToReplaceOtherFolders()
    {
        var dir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var corpus = TestPaths.WriteCorpus(TestPaths.TempDir(), "a b a b\n");
        var v = new Vocabulary(["a", "b"], [2, 2]);
        CooccurrenceCounter.Count(corpus, v, dir, new CooccurrenceOptions { Window = 2 });
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        AtomicDirectory.Verify(dir, hashes: true);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "edited later"); // not part of the manifest
        AtomicDirectory.Verify(dir, hashes: true);
        Directory.CreateDirectory(Path.Combine(dir, "model"));
        var e = Fails(() => CooccurrenceCounter.Count(corpus, v, dir, new CooccurrenceOptions { Window = 2 }));
        Assert.Contains("'model'", e.Message);
    }

    // ---------- provenance ----------

    (string Vocab, string Cooc, string Model) Small()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 6, Epochs = 3, Threads = 2, Seed = 2 });
        return (vocab, cooc, dir);
    }

    static string Shuffled(string vocabPath, string dir)
    {
        var lines = File.ReadAllLines(vocabPath);
        (lines[0], lines[1]) = (lines[1], lines[0]);
        var p = Path.Combine(dir, "vocab.txt");
        File.WriteAllLines(p, lines);
        return p;
    }

    [Fact]
    public void AShuffledVocabularyIsRefusedEverywhere()
    {
        var (vocab, cooc, model) = Small();
        var other = Shuffled(vocab, TestPaths.TempDir());
        var e = Fails(() => ModelTraining.Train(cooc, other, TestPaths.TempDir(), new TrainingOptions { Dim = 4, Epochs = 1, Threads = 1 }));
        Assert.Contains(other, e.Message); Assert.Contains(CsrMatrix.FileName, e.Message);
        File.Copy(other, Path.Combine(model, "vocab.txt"), true);
        e = Fails(() => GloVeModel.Load(model));
        Assert.Contains("params.safetensors", e.Message); Assert.Contains("vocab.txt", e.Message);
        Fails(() => VarianceEngine.Run(model, cooc, null, new VarianceOptions { Threads = 1 }));
    }

    [Fact]
    public void RetrainingRemovesTheOldVariancesAndStaleOnesAreRefused()
    {
        var (vocab, cooc, model) = Small();
        VarianceEngine.Run(model, cooc, null, new VarianceOptions { Threads = 2 });
        var saved = Path.Combine(TestPaths.TempDir(), "variances");
        CopyDir(Path.Combine(model, "variances"), saved);
        using (var m = GloVeModel.Load(model)) Assert.NotNull(m.Variances);
        ModelTraining.Train(cooc, vocab, model, new TrainingOptions { Dim = 6, Epochs = 2, Threads = 2, Seed = 3 });
        Assert.False(Directory.Exists(Path.Combine(model, "variances")));
        // Putting the old variances back by hand: refused, naming both.
        CopyDir(saved, Path.Combine(model, "variances"));
        var e = Fails(() => GloVeModel.Load(model));
        Assert.Contains("another training run", e.Message);
        Assert.Contains("params.safetensors", e.Message);
    }

    [Fact]
    public void ACooccurrenceFolderOfAnotherCorpusIsRefusedByVariance()
    {
        var (vocab, _, model) = Small();
        // Same vocabulary, other counts: a different matrix than the one the model was trained on.
        var other = Path.Combine(TestPaths.TempDir(), "cooc");
        var v = Vocabulary.Load(vocab);
        CooccurrenceCounter.Count(TestPaths.Data("sotu_small.txt"), v, other, new CooccurrenceOptions { Window = 3 });
        var e = Fails(() => VarianceEngine.Run(model, other, null, new VarianceOptions { Threads = 1 }));
        Assert.Contains("another co-occurrence matrix", e.Message);
    }

    [Fact]
    public void TheCsrCacheIsRebuiltWhenItsSourceChanges()
    {
        var dir = TestPaths.TempDir();
        var bin = Path.Combine(dir, "cooccurrence.bin");
        using (var w = new GloVeBinaryWriter(bin)) { w.Write(1, 2, 1.0); w.Write(2, 1, 1.0); w.Commit(); }
        using (var m = CsrMatrix.OpenDirectory(dir, 2)) Assert.Equal(2, m.NonZeros);
        using (var w = new GloVeBinaryWriter(bin)) { w.Write(1, 1, 3.0); w.Write(1, 2, 1.0); w.Write(2, 1, 1.0); w.Commit(); }
        File.SetLastWriteTimeUtc(bin, DateTime.UtcNow.AddSeconds(5));
        using (var m = CsrMatrix.OpenDirectory(dir, 2)) { Assert.Equal(3, m.NonZeros); Assert.Equal(3.0, m.Get(0, 0)); }
        // Random bytes in place of the .bin: an error, not the old matrix.
        File.WriteAllBytes(bin, Enumerable.Range(0, 48).Select(i => (byte)(i * 37 + 11)).ToArray());
        File.SetLastWriteTimeUtc(bin, DateTime.UtcNow.AddSeconds(10));
        Fails(() => CsrMatrix.OpenDirectory(dir, 2).Dispose());
    }

    [Fact]
    public void AChangedBinInAFolderWeWroteIsAnError()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var copy = Path.Combine(TestPaths.TempDir(), "cooc");
        CopyDir(cooc, copy);
        var bin = Path.Combine(copy, "cooccurrence.bin");
        var bytes = File.ReadAllBytes(bin);
        File.WriteAllBytes(bin, bytes[..^16]); // truncated on a record boundary
        var e = Fails(() => CsrMatrix.OpenDirectory(copy, Vocabulary.Load(vocab), vocab).Dispose());
        Assert.Contains("cooccurrence.bin", e.Message);
    }

    static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), true);
    }

    // ---------- bad inputs ----------

    [Fact]
    public void BadVocabularyFilesAreRefusedWithTheirLine()
    {
        var dir = TestPaths.TempDir();
        var p = Path.Combine(dir, "v.txt");
        File.WriteAllBytes(p, [0xEF, 0xBB, 0xBF, .. "the 5\nof 3\n"u8]);
        Assert.Contains("byte-order mark", Fails(() => Vocabulary.Load(p)).Message);
        File.WriteAllBytes(p, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("the 5\n")).ToArray());
        Assert.Contains("UTF-16", Fails(() => Vocabulary.Load(p)).Message);
        File.WriteAllBytes(p, Encoding.Unicode.GetBytes("the 5\n"));
        Assert.Contains("NUL", Fails(() => Vocabulary.Load(p)).Message);
        File.WriteAllBytes(p, [.. "the 5\n"u8, 0x66, 0xFF, 0x6F, .. " 3\n"u8]);
        Assert.Contains(":2: invalid UTF-8", Fails(() => Vocabulary.Load(p)).Message);
    }

    [Fact]
    public void BadBinariesNameTheRecord()
    {
        foreach (var (value, dup) in new[] { (double.NaN, false), (-1.0, false), (0.0, false), (double.PositiveInfinity, false), (1.0, true) })
        {
            var dir = TestPaths.TempDir();
            var bin = Path.Combine(dir, "cooccurrence.bin");
            using (var w = new GloVeBinaryWriter(bin))
            {
                w.Write(1, 1, 1.0); w.Write(1, 2, value);
                if (dup) w.Write(1, 2, 2.0);
                w.Commit();
            }
            var e = Fails(() => CsrMatrix.OpenDirectory(dir, 2).Dispose());
            Assert.Contains("record", e.Message);
            Assert.Contains(bin, e.Message);
        }
    }

    static void WriteRaw(string path, string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        WriteRaw(path, h, dataBytes);
    }

    static void WriteRaw(string path, byte[] h, int dataBytes)
    {
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes((ulong)h.Length));
        fs.Write(h);
        fs.Write(new byte[dataBytes]);
    }

    [Fact]
    public void BadSafetensorsHeadersAreClearErrors()
    {
        var dir = TestPaths.TempDir();
        var p = Path.Combine(dir, "x.safetensors");
        WriteRaw(p, [.. "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"__metadata__\":{\"k\":\"\xff\"}}"u8.ToArray()[..^5], 0xFF, .. "\"}}"u8], 4);
        Assert.Contains("UTF-8", Fails(() => new SafeTensorsFile(p).Dispose()).Message);
        WriteRaw(p, "{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,8],\"data_offsets\":[0,8]}}", 8);
        Assert.Contains("overflows", Fails(() => new SafeTensorsFile(p).Dispose()).Message);
        WriteRaw(p, "{\"__metadata__\":[1,2]}", 0);
        Fails(() => new SafeTensorsFile(p).Dispose());
    }

    [Fact]
    public void DamagedModelAndVarianceFoldersAreRefused()
    {
        var (_, cooc, model) = Small();
        VarianceEngine.Run(model, cooc, null, new VarianceOptions { Threads = 2, ChunkWords = 50 });
        var v = Path.Combine(model, "variances");
        using (var m = GloVeModel.Load(model)) Assert.True(m.Variances!.Count > 0);
        // The manifest catches a missing file; without the manifest (a folder made elsewhere), the store's own checks do.
        File.Delete(Path.Combine(v, AtomicDirectory.ManifestFile));
        var chunk = Path.Combine(v, "completechunk_1.safetensors");
        var saved = File.ReadAllBytes(chunk);
        File.Delete(chunk);
        Assert.Contains("completechunk_1", Fails(() => GloVeModel.Load(model)).Message);
        File.WriteAllBytes(chunk, saved);
        var map = Path.Combine(v, "chunk_map.txt");
        var mapText = File.ReadAllText(map);
        File.WriteAllText(map, "");
        Assert.Contains("chunk_map.txt", Fails(() => GloVeModel.Load(model)).Message);
        File.Delete(map);
        Assert.Contains("chunk_map.txt", Fails(() => GloVeModel.Load(model)).Message);
        File.WriteAllText(map, mapText);
        // Negative-definite covariance in a chunk file.
        long[] shape; double[] data;
        using (var f = new SafeTensorsFile(chunk)) { shape = f.Entry("variances").Shape; data = f.ReadDoubles("variances"); }
        for (int k = 0; k < data.Length; k++) data[k] = -data[k];
        SafeTensorsWriter.WriteAll(chunk, [(new TensorSpec("variances", TensorDType.F64, shape), w => w.Write<double>(data))], new Dictionary<string, string>());
        var word = File.ReadLines(map).First(l => l.Split('\t')[2] == "1").Split('\t')[0];
        using (var m = GloVeModel.Load(model))
            Assert.Contains("not a covariance", Fails(() => m.Covariance(word)).Message);
        // No center_vectors: no fallback to the context vectors.
        var vecDir = TestPaths.TempDir();
        File.Copy(Path.Combine(model, "vocab.txt"), Path.Combine(vecDir, "vocab.txt"));
        var p = GloVeParameters.Load(Path.Combine(model, "params.safetensors"));
        SafeTensorsWriter.WriteAll(Path.Combine(vecDir, "vectors.safetensors"), [(new TensorSpec("context_vectors", TensorDType.F32, [p.VocabSize, p.Dim]), w => w.Write<float>(p.Context))], new Dictionary<string, string>());
        Assert.Contains("center_vectors", Fails(() => GloVeModel.Load(vecDir)).Message);
    }

    // ---------- numerical guards ----------

    [Fact]
    public void ResumeRefusesChangedHyperParameters()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var dir = TestPaths.TempDir();
        var o = new TrainingOptions { Dim = 4, Epochs = 4, Threads = 1, Seed = 5, CheckpointEvery = 1 };
        using (var x = CsrMatrix.OpenDirectory(cooc, Vocabulary.Load(vocab).Count))
            new GloVeTrainer(x, o with { Epochs = 2 }).Run(dir);
        Assert.True(File.Exists(Path.Combine(dir, TrainingCheckpoint.FileName)));
        var e = Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { Eta = 0.2 }, resume: true));
        // The core names the setting in neutral words and marks it, so the CLI can show its flag.
        Assert.Contains("eta 0.2", e.Message);
        Assert.Contains("--eta 0.2", GloVeVException.Rename(e.MarkedMessage!, n => "--" + n.Replace('_', '-')));
        e = Fails(() => ModelTraining.Train(cooc, vocab, dir, o with { Seed = 6 }, resume: true));
        Assert.Contains("seed 6", e.Message);
        ModelTraining.Train(cooc, vocab, dir, o, resume: true);
    }

    [Fact]
    public void DivergenceStopsTraining()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var e = Fails(() => ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), new TrainingOptions { Dim = 8, Epochs = 6, Threads = 1, Eta = 1e6 }));
        Assert.Contains("diverged", e.Message);
        var guard = TrainingGuards.WatchDivergence(null);
        guard(new EpochReport(1, 3, 0.5, 1, 1));
        Assert.Contains("times the first", Fails(() => guard(new EpochReport(2, 3, 1e6, 1, 1))).Message);
    }
}
