using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>Co-occurrence counts of the test corpora, made once for all training tests.</summary>
public sealed class CorporaFixture : IDisposable
{
    public string Root { get; } = TestPaths.TempDir();
    readonly Dictionary<string, (string Vocab, string Cooc)> _made = new();

    public (string Vocab, string Cooc) Get(string corpus, int minCount = 5, int window = 10)
    {
        lock (_made)
        {
            var key = $"{corpus}-{minCount}-{window}";
            if (_made.TryGetValue(key, out var r)) return r;
            var dir = Path.Combine(Root, key);
            Directory.CreateDirectory(dir);
            var path = TestPaths.Data(corpus);
            var v = VocabularyBuilder.Build(path, new VocabularyOptions { MinCount = minCount }).Vocabulary;
            var vp = Path.Combine(dir, "vocab.txt");
            v.Save(vp);
            CooccurrenceCounter.Count(path, v, Path.Combine(dir, "cooc"), new CooccurrenceOptions { Window = window });
            return _made[key] = (vp, Path.Combine(dir, "cooc"));
        }
    }

    public void Dispose() { try { Directory.Delete(Root, true); } catch (IOException) { } }
}

public class TrainingTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(1000)]
    [InlineData(65537)]
    public void TheEpochShuffleIsTheTextbookFisherYates(int n)
    {
        // The prefetching shuffle must give exactly the permutation of the plain loop with the same draws (checkpoint
        // resume replays shuffles, and a seed names one model).
        var fast = Enumerable.Range(0, n).Select(i => (long)i * 7 + 1).ToArray();
        var plain = (long[])fast.Clone();
        GloVeTrainer.FisherYates(fast, new SplitMix64(99 + (ulong)n));
        var rng = new SplitMix64(99 + (ulong)n);
        for (long i = plain.LongLength - 1; i > 0; i--)
        {
            long j = (long)(((UInt128)rng.Next() * (ulong)(i + 1)) >> 64);
            (plain[i], plain[j]) = (plain[j], plain[i]);
        }
        Assert.Equal(plain, fast);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i * 7 + 1).Order(), fast.Order());
        if (n >= 1000) Assert.True(fast.Where((x, i) => x == i * 7 + 1).Count() < n / 10, "the shuffle left most items in place");
    }

    /// <summary>With more threads too: they share an epoch by <see cref="TrainingStrata"/>, never the same word's
    /// parameters at once, so no update is lost or reordered by a race (hogwild threads gave other bits on every run).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AThreadCountWithASeedIsBitIdentical(int threads)
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 20, Epochs = 3, Threads = threads, Seed = 5 };
        var a = ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o);
        var b = ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o);
        // Same numbers (each training run gets its own params_id in the metadata, so the files are compared by tensor).
        static float[][] Blocks(string dir) { var p = GloVeParameters.Load(Path.Combine(dir, "params.safetensors")); return [p.Center, p.Context, p.CenterBias, p.ContextBias]; }
        Assert.Equal(Blocks(a.ModelDir), Blocks(b.ModelDir));
        var c = ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o with { Seed = 6 });
        Assert.NotEqual(Blocks(a.ModelDir)[0], Blocks(c.ModelDir)[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun(int threads)
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var o = new TrainingOptions { Dim = 12, Epochs = 6, Threads = threads, Seed = 9, CheckpointEvery = 2 };
        var full = ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o);
        var dir = TestPaths.TempDir();
        // Interrupt after epoch 5: the last checkpoint is from epoch 4.
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, dir, o, false, e => { if (e.Epoch == 5) throw new OperationCanceledException(); }));
        Assert.True(File.Exists(Path.Combine(dir, GloVeTrainer.CheckpointFile)));
        Assert.False(File.Exists(Path.Combine(dir, "params.safetensors")), "an interrupted run leaves no final model");
        var resumed = ModelTraining.Train(cooc, vocab, dir, o, resume: true);
        Assert.Equal(2, resumed.Epochs.Count);
        var pa = GloVeParameters.Load(Path.Combine(full.ModelDir, "params.safetensors"));
        var pb = GloVeParameters.Load(Path.Combine(dir, "params.safetensors"));
        Assert.Equal(pa.Center, pb.Center);
        Assert.Equal(pa.Context, pb.Context);
        Assert.Equal(pa.CenterBias, pb.CenterBias);
        Assert.Equal(pa.ContextBias, pb.ContextBias);
        Assert.Equal(full.Epochs[^1].Cost, resumed.Epochs[^1].Cost);
    }

    /// <summary>The blocks of <see cref="TrainingStrata"/>: every non-zero in exactly one; in each sub-epoch the blocks
    /// share no word row and no context row; the parts are whole runs of <see cref="TrainingStrata.BlockWords"/> ids (no
    /// two threads write one cache line of W or C); one thread keeps every non-zero in one block.</summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 6)]
    [InlineData(3, 3)]
    [InlineData(5, 10)]
    public void TrainingStrataGiveEachBlockOfASubEpochItsOwnWordsAndContexts(int threads, int parts)
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        using var x = CsrMatrix.OpenDirectory(cooc, Text.Vocabulary.Load(vocab).Count);
        var st = TrainingStrata.Of(x, threads, parts);
        Assert.Equal(parts * parts + 1, st.Starts.Length);
        Assert.Equal(x.NonZeros, st.Starts[^1]);
        var rows = new HashSet<int>[parts * parts];
        var cols = new HashSet<int>[parts * parts];
        var count = new long[parts * parts];
        for (int b = 0; b < rows.Length; b++) { rows[b] = []; cols[b] = []; }
        for (int i = 0; i < x.Rows; i++)
            foreach (int j in x.RowIndices(i))
            {
                int b = st.BlockOf(i, j);
                rows[b].Add(i); cols[b].Add(j); count[b]++;
            }
        for (int b = 0; b < rows.Length; b++) Assert.Equal(st.Starts[b + 1] - st.Starts[b], count[b]);
        for (int s = 0; s < parts; s++)
            for (int t = 0; t < parts; t++)
                for (int u = t + 1; u < parts; u++)
                {
                    Assert.Empty(rows[s * parts + t].Intersect(rows[s * parts + u]));
                    Assert.Empty(cols[s * parts + t].Intersect(cols[s * parts + u]));
                }
        // A word's row and context parts are those of its run of ids.
        for (int b = 0; b < rows.Length; b++)
            foreach (int i in rows[b])
                Assert.All(Enumerable.Range(i / TrainingStrata.BlockWords * TrainingStrata.BlockWords, TrainingStrata.BlockWords).Where(k => k < x.Rows && x.RowLength(k) > 0),
                    k => Assert.Equal(b % parts, st.BlockOf(k, x.RowIndices(k)[0]) % parts));
        // The parts are balanced by their rows' non-zeros, so a sub-epoch's blocks carry comparable work.
        var rowLoad = Enumerable.Range(0, parts).Select(t => Enumerable.Range(0, parts).Sum(s => count[s * parts + t])).ToArray();
        Assert.True(rowLoad.Max() < 1.5 * x.NonZeros / parts, $"parts of {string.Join(", ", rowLoad)} non-zeros");
        Assert.Equal([0, x.NonZeros], TrainingStrata.Of(x, 1, 1).Starts);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingStrata.Of(x, 2, 1));
        // One thread may run any number of parts (two threads' blocks, in turn).
        Assert.Equal(st.Starts, TrainingStrata.Of(x, 1, parts).Starts);
    }

    /// <summary>A model is not written into, or inside, the co-occurrence folder it reads (its files were mixed into it).</summary>
    [Fact]
    public void AModelIsNotWrittenIntoItsCooccurrenceFolder()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var before = Directory.GetFileSystemEntries(cooc).Order().ToArray();
        var o = new TrainingOptions { Dim = 4, Epochs = 1, Threads = 1 };
        foreach (var outDir in new[] { cooc, Path.Combine(cooc, "model") })
            Assert.Contains("co-occurrence folder", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, outDir, o)).Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(cooc).Order().ToArray());
    }

    [Fact]
    public void PartsAreAMultipleOfTheThreadsSizedByTheParameters()
    {
        // One thread: GloVe C's order while the parameters fit the caches, beyond that two threads' parts.
        Assert.Equal(1, TrainingStrata.PartsFor(1, TrainingStrata.OneThreadOrderBytes, 100_000));
        Assert.Equal(TrainingStrata.PartsFor(2, 1L << 30, 100_000), TrainingStrata.PartsFor(1, 1L << 30, 100_000));
        Assert.Equal(TrainingStrata.PartsFor(2, TrainingStrata.OneThreadOrderBytes + 1, 100_000), TrainingStrata.PartsFor(1, TrainingStrata.OneThreadOrderBytes + 1, 100_000));
        Assert.Equal(2, TrainingStrata.PartsFor(2, 1 << 20, 100_000));
        // gutenberg_10M at D = 100: 64.6 MB of W, C and their sums -> 8 parts a thread, 4.0 MB a block.
        long bytes = 4L * 38_793 * 104 * sizeof(float);
        Assert.Equal(16, TrainingStrata.PartsFor(2, bytes, 38_793));
        Assert.Equal(2 * TrainingStrata.MaxPartsPerThread, TrainingStrata.PartsFor(2, 1L << 40, 10_000_000));
        // Never more parts than runs of words.
        Assert.Equal(4, TrainingStrata.PartsFor(2, 1L << 40, 5 * TrainingStrata.BlockWords));
    }

    /// <summary>Where a thread runs several blocks of a sub-epoch (parts beyond the threads), in whatever order the
    /// threads take them, the parameters are still the same on every run; and one thread, whose parameters outgrow the
    /// caches here, runs two threads' blocks in turn and gives their bits.</summary>
    [Fact]
    public void ManyPartsPerThreadGiveTheSameBitsOnEveryRun()
    {
        var (vocab, cooc) = corpora.Get("kjv.txt.gz");
        int words = Text.Vocabulary.Load(vocab).Count;
        Assert.True(TrainingStrata.PartsFor(2, 4L * words * 104 * sizeof(float), words) > 2);
        var o = new TrainingOptions { Dim = 100, Epochs = 2, Threads = 2, Seed = 4 };
        var a = GloVeParameters.Load(Path.Combine(ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o).ModelDir, "params.safetensors"));
        var b = GloVeParameters.Load(Path.Combine(ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o).ModelDir, "params.safetensors"));
        Assert.Equal(a.Center, b.Center);
        Assert.Equal(a.Context, b.Context);
        Assert.Equal(a.CenterBias, b.CenterBias);
        Assert.Equal(a.ContextBias, b.ContextBias);
        Assert.True(4L * words * 104 * sizeof(float) > TrainingStrata.OneThreadOrderBytes);
        var one = GloVeParameters.Load(Path.Combine(ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), o with { Threads = 1 }).ModelDir, "params.safetensors"));
        Assert.Equal(a.Center, one.Center);
        Assert.Equal(a.Context, one.Context);
        Assert.Equal(a.CenterBias, one.CenterBias);
        Assert.Equal(a.ContextBias, one.ContextBias);
    }

    /// <summary>The trainer's gradient clip is GloVe C's comparisons: values beyond ±clip become ±clip, everything else
    /// (signed zeros, values at the bounds) passes unchanged, and a NaN passes through (so the update is skipped).</summary>
    [Fact]
    public void GradientClipMatchesGloVeCsComparisons()
    {
        var rng = new Random(5);
        float clip = 100;
        var lo = System.Runtime.Intrinsics.Vector256.Create(-clip);
        var hi = System.Runtime.Intrinsics.Vector256.Create(clip);
        var special = new[] { float.NaN, -0f, 0f, 100f, -100f, 100.00001f, -100.00001f, float.PositiveInfinity, float.NegativeInfinity, 1e-40f };
        for (int round = 0; round < 200; round++)
        {
            var x = new float[8];
            for (int q = 0; q < 8; q++)
                x[q] = round < 10 && q < special.Length ? special[(q + round) % special.Length] : (float)((rng.NextDouble() - 0.5) * 400);
            var got = GloVeTrainer.Clip(System.Runtime.Intrinsics.Vector256.Create(x), lo, hi);
            for (int q = 0; q < 8; q++)
            {
                float v = x[q], want = v > clip ? clip : v < -clip ? -clip : v; // GloVe C: if (t > 100) t = 100; else if (t < -100) t = -100
                Assert.Equal(BitConverter.SingleToInt32Bits(want), BitConverter.SingleToInt32Bits(got[q]));
            }
        }
    }

    [Fact]
    public void OnKjvCostFallsEveryEpochAndEndsBelowTheScalarGloVeCPort()
    {
        // Justification of the threshold: ScalarReferenceTrainer is GloVe C's update loop in double precision (same
        // initialisation range, shuffled non-zeros); we require our float32 SIMD trainer to end at or below its
        // cost after the same 25 epochs, with 1% slack for float32 rounding.
        var (vocab, cooc) = corpora.Get("kjv.txt.gz");
        var r = ModelTraining.Train(cooc, vocab, TestPaths.TempDir(), new TrainingOptions { Dim = 50, Epochs = 25, Threads = 2, Seed = 3 });
        for (int e = 2; e < r.Epochs.Count; e++) Assert.True(r.Epochs[e].Cost < r.Epochs[e - 1].Cost, $"cost rose at epoch {e + 1}");
        using var x = CsrMatrix.OpenDirectory(cooc, Vocabulary.Load(vocab).Count);
        var reference = ScalarReferenceTrainer.Train(x, 50, 25);
        Assert.True(r.Epochs[^1].Cost <= reference[^1] * 1.01, $"final cost {r.Epochs[^1].Cost} vs scalar GloVe C port {reference[^1]}");
    }

    [Fact]
    public void TrainedLongEnoughFrequentWordsSitAtTheirWeightedLeastSquaresSolution()
    {
        var (vocab, cooc) = corpora.Get("kjv.txt.gz");
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 50, Epochs = 100, Threads = 2, Seed = 4 });
        var p = GloVeParameters.Load(Path.Combine(dir, "params.safetensors"));
        using var x = CsrMatrix.OpenDirectory(cooc, p.VocabSize);
        var cos = new List<double>();
        for (int i = 0; i < p.VocabSize; i++)
        {
            if (x.RowLength(i) <= 10 * p.Dim) continue;
            var wls = ReferenceMath.WeightedLeastSquares(x, p, i, 100, 0.75);
            cos.Add(ReferenceMath.Cosine(wls, p.CenterRow(i).ToArray().Select(f => (double)f).ToArray()));
        }
        cos.Sort();
        Assert.True(cos.Count > 200);
        Assert.True(cos[cos.Count / 2] > 0.95, $"median cos {cos[cos.Count / 2]}");
    }

    [Fact]
    public void BadSettingsAndInputsAreClearErrors()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt");
        var dir = TestPaths.TempDir();
        Assert.Contains("dim must be", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 0 })).Message);
        Assert.Contains("epochs must be", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Epochs = -1 })).Message);
        var other = Path.Combine(dir, "other-vocab.txt");
        new Vocabulary(["a", "b", "c"], [3, 2, 1]).Save(other);
        Assert.Contains("mismatched", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, other, dir, new TrainingOptions { Dim = 5 })).Message);
        // A checkpoint holding NaN cannot be resumed.
        var o = new TrainingOptions { Dim = 4, Epochs = 3, Threads = 1, CheckpointEvery = 1 };
        Assert.Throws<OperationCanceledException>(() => ModelTraining.Train(cooc, vocab, dir, o, false, e => { if (e.Epoch == 2) throw new OperationCanceledException(); }));
        var ck = Path.Combine(dir, GloVeTrainer.CheckpointFile);
        var tensors = new SafeTensorsFile(ck);
        var names = tensors.Tensors.Values.OrderBy(t => t.Begin).ToList();
        var meta = tensors.Metadata.ToDictionary();
        var data = names.Select(t => tensors.ReadFloats(t.Name)).ToList();
        tensors.Dispose();
        data[0][3] = float.NaN;
        SafeTensorsWriter.WriteAll(ck, names.Select((t, k) => (new TensorSpec(t.Name, TensorDType.F32, t.Shape), (Action<SafeTensorsWriter>)(w => w.Write<float>(data[k])))).ToList(), meta);
        Assert.Contains("NaN", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, dir, o, resume: true)).Message);
        // Nor one whose AdaGrad sums were zeroed (they start at 1).
        data[0][3] = 0.5f;
        int sums = names.FindIndex(t => t.Name == "center_gradsq");
        data[sums][7] = 0;
        SafeTensorsWriter.WriteAll(ck, names.Select((t, k) => (new TensorSpec(t.Name, TensorDType.F32, t.Shape), (Action<SafeTensorsWriter>)(w => w.Write<float>(data[k])))).ToList(), meta);
        Assert.Contains("AdaGrad's sums start at 1", Assert.Throws<GloVeVException>(() => ModelTraining.Train(cooc, vocab, dir, o, resume: true)).Message);
    }

    [Fact]
    public void RememberedTargetsAreTheFormulas()
    {
        // Values that repeat (1/d and their sums), values that share a slot, extremes and x_max itself, in an order
        // that revisits slots after they were overwritten.
        var rng = new Random(7);
        var values = new List<double>();
        for (int d = 1; d <= 10; d++) values.Add(1.0 / d);
        for (int k = 0; k < 20000; k++) values.Add(rng.Next(1, 60) / (double)rng.Next(1, 11));
        for (int k = 0; k < 20000; k++) values.Add(Math.Exp(rng.NextDouble() * 40 - 20));
        values.AddRange([double.Epsilon, 1e-300, 100, 100 * (1 + 1e-16), 99.99999999999999, 1e300]);
        values.AddRange(values.ToArray().Reverse());
        foreach (var (xMax, alpha) in new[] { (100.0, 0.75), (10.0, 0.5), (1.0, 1.0) })
        {
            var memo = new TrainingTargets.TargetMemo(xMax, alpha);
            foreach (var x in values)
            {
                var (logX, f) = memo.Of(x);
                Assert.Equal(BitConverter.SingleToInt32Bits((float)Math.Log(x)), BitConverter.SingleToInt32Bits(logX));
                float want = x >= xMax ? 1f : (float)Math.Pow(x / xMax, alpha);
                Assert.Equal(BitConverter.SingleToInt32Bits(want), BitConverter.SingleToInt32Bits(f));
            }
        }
    }
}
