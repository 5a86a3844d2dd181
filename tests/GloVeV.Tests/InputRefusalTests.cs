using GloVeV.Evaluation;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Inputs and settings that are refused (or named) rather than silently read another way: bad UTF-8 named by its line,
/// repeated list words, seed 0, AdaGrad settings without AdaGrad epochs, compact covariances asked of a folder without
/// any, a screening tolerance that bounds nothing, a damaged shard at merge time, and a variance folder that lost its
/// summary (whose ridge then comes from the model, not 0).
/// </summary>
public class InputRefusalTests
{
    static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(TestPaths.TempDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5000)]
    public void ABadByteIsNamedByItsOwnLine(int line)
    {
        // Far enough into the file that a reader decoding ahead in blocks would name another line.
        var lines = Enumerable.Range(1, Math.Max(line, 6000)).Select(i => Bytes($"w{i} 1 2 3\n")).ToList();
        lines[line - 1] = [.. Bytes("c"), 0xFF, .. Bytes(" 7 8 9\n")];
        var path = Write("glove.txt", lines.SelectMany(b => b).ToArray());
        Assert.Equal(line, Utf8Lines.FirstInvalidLine(path));
        var e = Assert.ThrowsAny<GloVeVException>(() => VectorFiles.Read(path, VectorFormat.GloVeText));
        Assert.StartsWith($"{path}:{line}: not valid UTF-8", e.Message);
        Assert.Equal(0, Utf8Lines.FirstInvalidLine(Write("ok.txt", Bytes("a 1\nb 2\n"))));
        // A sequence cut by the end of the file.
        Assert.Equal(2, Utf8Lines.FirstInvalidLine(Write("cut.txt", [.. Bytes("a 1\nb "), 0xE2, 0x82])));
    }

    [Fact]
    public void AWordListIsStrictUtf8AndItsRepeatsCountOnceAndAreSaid()
    {
        var bad = Write("x.txt", [.. Bytes("war\nw"), 0xFF, .. Bytes("ar\n")]);
        Assert.Equal($"{bad}:2: not valid UTF-8 (a word list must be UTF-8 text)", Assert.ThrowsAny<GloVeVException>(() => WordLists.Load(bad)).Message);
        Assert.Equal(["peace", "army", "navy"], WordLists.Load(Write("z.txt", Bytes("\uFEFFpeace, army\r\n# war\nnavy\n"))));
        // Classic Mac line ends (a lone CR), as File.ReadLines reads them.
        Assert.Equal(["war", "peace", "army"], WordLists.Load(Write("cr.txt", Bytes("war\rpeace\r\r# x\rarmy"))));
        Assert.Equal(["a", "", "b", "c"], Utf8Lines.Read(Write("l.txt", Bytes("a\r\n\nb\rc\n")), "a test file"));
        // Published lists repeat a word now and then (Garg et al.'s terrorism words: death, violence): it counts once, and
        // the result says so.
        var v = new Text.Vocabulary(["war", "peace", "army"], [3L, 2L, 1L]);
        var r = WordLists.Resolve(v, "X", WordLists.Load(Write("y.txt", Bytes("war, army\nzzz war\narmy war\n"))));
        Assert.Equal([0, 2], r.Ids);
        Assert.Equal(["zzz"], r.Missing);
        Assert.Equal(["war", "army"], r.Repeated);
    }

    [Fact]
    public void TrainingRefusesSeedZeroAndSettingsItWouldNotUse()
    {
        static string Refused(TrainingOptions o) => Assert.ThrowsAny<GloVeVException>(o.Validate).Message;
        Assert.Contains("seed must be >= 1", Refused(new TrainingOptions { Seed = 0 }));
        var als = new TrainingOptions { Epochs = 0, AlsSweeps = 2 };
        als.Validate();
        Assert.StartsWith("eta, grad_clip: not used without AdaGrad epochs", Refused(als with { Eta = 0.3, GradClip = 5 }));
        Assert.StartsWith("bias_eta: not used", Refused(als with { BiasEta = 0.1 }));
        // The seed is left alone (bootstrap replicates derive theirs from it); ALS sweeps are checkpointed.
        (als with { Seed = 9 }).Validate();
        (als with { InitFrom = "model", Seed = 9, CheckpointEvery = 2 }).Validate();
        Assert.Contains("epochs auto needs a maximum of at least 1 epoch (max_epochs)",
            Refused(new TrainingOptions { Epochs = 0, AutoStop = new TrainingOptions.AutoStopRule() }));
        Assert.Contains("seed must be >= 1", Assert.ThrowsAny<GloVeVException>(new CalibrationOptions { Seed = 0 }.Validate).Message);
        Assert.Contains("each method once", Assert.ThrowsAny<GloVeVException>(
            new CalibrationOptions { Methods = [IntervalMethod.Delta, IntervalMethod.Delta] }.Validate).Message);
    }

    [Fact]
    public void BootstrapSeedsShardsAndCheckpointsAreCheckedBeforeAnyWork()
    {
        var o = new BootstrapOptions { Replicates = 2, SeedReplicates = 1 };
        o.Validate();
        // Replicate seeds seed + r (seed-only: seed + 1000 + r) must not pass 2^64 - 1 late in the run.
        var top = o with { Training = o.Training with { Seed = ulong.MaxValue - 1001 } };
        top.Validate();
        Assert.Contains("beyond 2^64 - 1", Assert.ThrowsAny<GloVeVException>((top with { Training = top.Training with { Seed = ulong.MaxValue - 1000 } }).Validate).Message);
        Assert.Contains("shard must be k/N", Assert.ThrowsAny<GloVeVException>((o with { Shard = 1, Shards = 0 }).Validate).Message);
        Assert.Contains("checkpoint_every: bootstrap replicates are not checkpointed",
            Assert.ThrowsAny<GloVeVException>((o with { Training = o.Training with { CheckpointEvery = 1 } }).Validate).Message);
    }

    [Fact]
    public void TwoTablesOfOneCommandMayNotNameOneFile()
    {
        var dir = TestPaths.TempDir();
        OutputPaths.CheckDistinctOutputs((Path.Combine(dir, "a.tsv"), "bands_path"), (Path.Combine(dir, "b.tsv"), "pairs_path"), (null, "plot"));
        var e = Assert.ThrowsAny<GloVeVException>(() => OutputPaths.CheckDistinctOutputs((Path.Combine(dir, "a.tsv"), "bands_path"), (Path.Combine(dir, ".", "a.tsv"), "pairs_path")));
        Assert.StartsWith("bands_path and pairs_path name the same file", e.Message);
    }

    [Fact]
    public void CompactCovariancesAskedOfAFolderWithoutAnyAreRefused()
    {
        var m = ModelBuilder.Trained();
        var complete = Path.Combine(m.Dir, "complete");
        VarianceEngine.Run(m.Model, m.Cooc, complete, new VarianceOptions { Threads = 1, ApproxTarget = 0 });
        using (var model = GloVeModel.Load(m.Model, complete))
        {
            Assert.False(new Propagation(model).Approximate);
            var e = Assert.ThrowsAny<GloVeVException>(() => new Propagation(model, approximate: true));
            Assert.Contains("holds no compact covariances", e.Message);
            int id = Enumerable.Range(0, model.VocabSize).First(model.HasCovariance);
            Assert.Contains("holds no compact covariances", Assert.ThrowsAny<GloVeVException>(() => model.Covariance(id, approximate: true)).Message);
        }
        var both = Path.Combine(m.Dir, "both");
        VarianceEngine.Run(m.Model, m.Cooc, both, new VarianceOptions { Threads = 1, ApproxTarget = 0.9 });
        using (var model = GloVeModel.Load(m.Model, both)) Assert.True(new Propagation(model, approximate: true).Approximate);
    }

    [Fact]
    public void OneSessionDrawsEachFormFromItsOwnCovariance()
    {
        // The sampling factors are cached per model: a compact query after a complete one (or the reverse) in one process
        // (a Python or R session) must not reuse the other form's factor.
        var m = ModelBuilder.Trained();
        var both = Path.Combine(m.Dir, "both");
        VarianceEngine.Run(m.Model, m.Cooc, both, new VarianceOptions { Threads = 1, ApproxTarget = 0.5 });
        using var model = GloVeModel.Load(m.Model, both);
        int id = Enumerable.Range(0, model.VocabSize).First(i => model.HasCovariance(i)
            && !model.Covariance(i).SequenceEqual(model.Covariance(i, approximate: true)));
        foreach (bool first in new[] { false, true })
        {
            using var fresh = GloVeModel.Load(m.Model, both);
            var a = fresh.SamplingFactor(id, first);
            var b = fresh.SamplingFactor(id, !first);
            Assert.Equal(CovarianceMath.SquareRoot(fresh.Covariance(id, first), fresh.Dim), a);
            Assert.Equal(CovarianceMath.SquareRoot(fresh.Covariance(id, !first), fresh.Dim), b);
            Assert.NotEqual(a, b);
        }
    }

    [Fact]
    public void AScreeningToleranceMustBoundSomething()
    {
        var m = ModelBuilder.Trained();
        using var model = GloVeModel.Load(m.Model);
        var p = new Propagation(model, holdFixed: true);
        string word = model.Vocabulary[0];
        foreach (var tol in new[] { 0.0, -1, double.NaN, 3, double.PositiveInfinity })
            Assert.Contains("screen_tolerance must be above 0 and below top (3)",
                Assert.ThrowsAny<GloVeVException>(() => Neighbours.Query(p, word, 3, IntervalMethod.Delta, tolerance: tol)).Message);
        Assert.Equal(3, Neighbours.Query(p, word, 3, IntervalMethod.Delta, tolerance: 2.9).Neighbours.Count);
    }

    [Fact]
    public void MergeRefusesADamagedChunkOfAShardWithoutItsManifest()
    {
        var m = ModelBuilder.Trained();
        var parts = Enumerable.Range(1, 2).Select(k =>
        {
            var dir = Path.Combine(m.Dir, $"s{k}");
            VarianceEngine.Run(m.Model, m.Cooc, dir, new VarianceOptions { Threads = 1, Shard = k, Shards = 2 });
            return dir;
        }).ToArray();
        // A copy without the manifest is not verified on reading: the merge must look at the chunk itself.
        File.Delete(Path.Combine(parts[0], AtomicDirectory.ManifestFile));
        var chunk = Path.Combine(parts[0], "completechunk_0.safetensors");
        var whole = File.ReadAllBytes(chunk);
        File.WriteAllBytes(chunk, whole[..(whole.Length / 2)]);
        var outDir = Path.Combine(m.Dir, "merged");
        var e = Assert.ThrowsAny<GloVeVException>(() => VarianceMerge.Merge(parts, outDir));
        Assert.Contains("completechunk_0.safetensors", e.Message);
        Assert.False(Directory.Exists(outDir));
        // A chunk the map lists that is gone.
        File.Delete(chunk);
        Assert.Contains("is missing", Assert.ThrowsAny<GloVeVException>(() => VarianceMerge.Merge(parts, outDir)).Message);
        File.WriteAllBytes(chunk, whole);
        Assert.True(VarianceMerge.Merge(parts, outDir) > 0);
    }

    [Theory]
    [InlineData(4, "bogus", "unknown status 'bogus'")]
    [InlineData(2, "many", "contexts is not a count: 'many'")]
    [InlineData(6, "0.9x", "field 7 is not a number: '0.9x'")]
    [InlineData(0, "zz-not-a-word", "'zz-not-a-word' is not in the model's vocabulary")]
    [InlineData(-1, "", "expected 8 or more tab-separated fields")]
    public void ADamagedVarianceInfoRowIsRefusedNotSkipped(int field, string value, string message)
    {
        var m = ModelBuilder.Trained();
        var dir = Path.Combine(m.Model, "variances");
        VarianceEngine.Run(m.Model, m.Cooc, dir, new VarianceOptions { Threads = 1 });
        File.Delete(Path.Combine(dir, AtomicDirectory.ManifestFile));
        var info = Path.Combine(dir, "variance_info.tsv");
        var lines = File.ReadAllLines(info);
        var f = lines[2].Split('\t');
        lines[2] = field < 0 ? string.Join('\t', f[..5]) : string.Join('\t', f.Select((x, i) => i == field ? value : x));
        File.WriteAllLines(info, lines);
        using var model = GloVeModel.Load(m.Model);
        var e = Assert.ThrowsAny<GloVeVException>(() => model.ReliabilityTable);
        Assert.Equal($"{info}:3: ", e.Message[..($"{info}:3: ".Length)]);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AVarianceFolderWithoutItsSummaryKeepsTheModelsRidge()
    {
        var m = ModelBuilder.Trained();
        var ridge = Path.Combine(m.Dir, "ridge");
        ModelTraining.Train(m.Cooc, Path.Combine(m.Dir, "vocab.txt"), ridge, new TrainingOptions { Dim = 3, Epochs = 2, AlsSweeps = 1, Ridge = 0.3, Threads = 1 });
        VarianceEngine.Run(ridge, m.Cooc, Path.Combine(ridge, "variances"), new VarianceOptions { Threads = 1 });
        double Recorded()
        {
            using var model = GloVeModel.Load(ridge);
            return model.ReliabilityTable.Ridge;
        }
        Assert.Equal(0.3, Recorded(), 12);
        File.Delete(Path.Combine(ridge, "variances", AtomicDirectory.ManifestFile));
        File.Delete(Path.Combine(ridge, "variances", "variance_summary.json"));
        Assert.Equal(0.3, Recorded(), 12);
    }
}
