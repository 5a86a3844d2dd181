using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Merges take only complete, matching sets of shards (variance shards 1..N exactly once with one setting of complete,
/// approx and refine; co-occurrence shards of one corpus by content), the variance stage never writes into its inputs'
/// folders, and a vocabulary never takes or loses its tokenizer record.
/// </summary>
public class ShardAndOutputChecksTests
{
    static string Shard((string Dir, string Model, string Cooc) m, int k, int n, VarianceOptions? o = null, string? name = null)
    {
        var outDir = Path.Combine(m.Dir, name ?? $"v{k}of{n}");
        VarianceEngine.Run(m.Model, m.Cooc, outDir, (o ?? new VarianceOptions { Threads = 1 }) with { Shard = k, Shards = n });
        return outDir;
    }

    static string MergeFails(IReadOnlyList<string> parts, string outDir)
    {
        var e = Assert.Throws<GloVeVException>(() => VarianceMerge.Merge(parts, outDir));
        Assert.False(Directory.Exists(outDir), "a refused merge writes nothing");
        return e.Message;
    }

    [Fact]
    public void MergeVariancesNeedsEachShardExactlyOnce()
    {
        var m = ModelBuilder.Trained();
        var p = Enumerable.Range(1, 3).Select(k => Shard(m, k, 3)).ToArray();
        var outDir = Path.Combine(m.Dir, "merged");
        Assert.Contains("missing shard 2 of 3", MergeFails([p[0], p[2]], outDir));
        Assert.Contains("missing shards 1, 3 of 3", MergeFails([p[1]], outDir));
        Assert.Contains($"two folders are shard 2/3 ({p[1]} and {p[1]})", MergeFails([p[0], p[1], p[2], p[1]], outDir));
        var lone = Shard(m, 1, 5000);
        Assert.Contains("missing shards 2-5000 of 5000", MergeFails([lone], outDir));
        Assert.Contains("shards of one run share N", MergeFails([p[0], lone], outDir));
        // A whole run (no shard) and a merged folder are not shards to mix with others.
        var whole = Path.Combine(m.Dir, "whole");
        VarianceEngine.Run(m.Model, m.Cooc, whole, new VarianceOptions { Threads = 1 });
        Assert.Contains("two folders are shard 1/1", MergeFails([whole, whole], outDir));

        int words = VarianceMerge.Merge([p[2], p[0], p[1]], outDir);
        using (var store = new VarianceStore(outDir)) Assert.Equal(words, store.Count);
        using (var store = new VarianceStore(whole)) Assert.Equal(store.Count, words);
        Assert.Contains("merged variance folder", MergeFails([outDir], Path.Combine(m.Dir, "again")));
    }

    [Fact]
    public void MergeVariancesRefusesShardsComputedWithOtherSettings()
    {
        var m = ModelBuilder.Trained();
        var p1 = Shard(m, 1, 3);
        var p3 = Shard(m, 3, 3);
        var outDir = Path.Combine(m.Dir, "merged");
        // Without complete forms among complete ones: the result would lack completechunk files no reader can do without.
        var noComplete = Shard(m, 2, 3, new VarianceOptions { Threads = 1, Complete = false }, "nc");
        Assert.Contains("complete = false", MergeFails([p1, noComplete, p3], outDir));
        var approx = Shard(m, 2, 3, new VarianceOptions { Threads = 1, ApproxTarget = 0.5 }, "ap");
        Assert.Contains("approx = 0.5", MergeFails([p1, approx, p3], outDir));
        var refine = Shard(m, 2, 3, new VarianceOptions { Threads = 1, Refine = true }, "rf");
        Assert.Contains("refine = true", MergeFails([p1, refine, p3], outDir));
        VarianceMerge.Merge([p1, Shard(m, 2, 3), p3], outDir);
        using var store = new VarianceStore(outDir);
        Assert.True(store.HasComplete && store.HasApprox);
    }

    [Fact]
    public void TheVarianceStageNeverWritesIntoItsInputsFolders()
    {
        var m = ModelBuilder.Trained();
        var manifest = File.ReadAllBytes(Path.Combine(m.Cooc, AtomicDirectory.ManifestFile));
        string Refused(string outDir, string? model = null)
        {
            var e = Assert.Throws<GloVeVException>(() => VarianceEngine.Run(model ?? m.Model, m.Cooc, outDir, new VarianceOptions { Threads = 1 }));
            Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(m.Cooc, AtomicDirectory.ManifestFile)));
            Assert.False(File.Exists(Path.Combine(m.Cooc, "variance_info.tsv")));
            return e.Message;
        }
        Assert.Contains("is the co-occurrence folder this stage reads", Refused(m.Cooc));
        Assert.Contains("is the co-occurrence folder this stage reads", Refused(m.Cooc + "/"));
        Assert.Contains("is inside the co-occurrence folder", Refused(Path.Combine(m.Cooc, "variances")));
        var link = Path.Combine(m.Dir, "cooc-link");
        Directory.CreateSymbolicLink(link, m.Cooc);
        Assert.Contains("is the co-occurrence folder this stage reads", Refused(link));
        // Another co-occurrence folder (a copy) is no place for variances either.
        var copy = Path.Combine(m.Dir, "cooc-copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(m.Cooc)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        Assert.Contains("holds co-occurrence files", Refused(copy));
        // The model folder, or another model's.
        Assert.Contains("is the model folder this stage reads", Refused(m.Model));
        Assert.True(File.Exists(Path.Combine(m.Model, GloVeParameters.ParamsFile)) && !File.Exists(Path.Combine(m.Model, "variance_info.tsv")));
        var other = Path.Combine(m.Dir, "other");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(m.Model, GloVeParameters.ParamsFile), Path.Combine(other, GloVeParameters.ParamsFile));
        Assert.Contains("holds a model", Refused(other));
        // merge-variances makes the same checks on its output.
        var p = Shard(m, 1, 1);
        Assert.Contains("holds co-occurrence files", Assert.Throws<GloVeVException>(() => VarianceMerge.Merge([p], copy)).Message);
        // The default (MODEL/variances) and a folder of its own still work.
        VarianceEngine.Run(m.Model, m.Cooc, null, new VarianceOptions { Threads = 1 });
        Assert.True(File.Exists(Path.Combine(m.Model, "variances", "variance_info.tsv")));
    }

    [Fact]
    public void CheckNewFileRefusesABadPlotPathBeforeAnyWork()
    {
        var dir = TestPaths.TempDir();
        Assert.Contains("--plot must end in .png or .svg, got 'x.jpg'", Assert.Throws<BadArgumentException>(() =>
            OutputPaths.CheckNewFile(Path.Combine(dir, "x.jpg"), "--plot", ".png", ".svg")).Message.Replace(dir + "/", ""));
        var missing = Path.Combine(dir, "no", "such", "x.png");
        Assert.Contains($"the folder {Path.Combine(dir, "no", "such")} does not exist", Assert.Throws<GloVeVException>(() =>
            OutputPaths.CheckNewFile(missing, "--plot", ".png", ".svg")).Message);
        Directory.CreateDirectory(Path.Combine(dir, "d.png"));
        Assert.Contains("is a folder", Assert.Throws<GloVeVException>(() => OutputPaths.CheckNewFile(Path.Combine(dir, "d.png"), "--plot", ".png")).Message);
        OutputPaths.CheckNewFile(Path.Combine(dir, "ok.SVG"), "--plot", ".png", ".svg");
        Assert.Equal(["d.png"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName)); // the probe is gone
    }

    [Fact]
    public void MergeCooccurRefusesShardsOfDifferentCorpora()
    {
        var dir = TestPaths.TempDir();
        var lines = Enumerable.Range(0, 300).Select(k => string.Join(' ', Enumerable.Range(0, 10).Select(j => $"w{(k * 5 + j * 3) % 19}"))).ToArray();
        // Two corpora with the same lines and bytes: the words of one line reversed, in the first third or in the middle.
        static string Reversed(string line) => string.Join(' ', line.Split(' ').Reverse());
        var a = (string[])lines.Clone(); a[10] = Reversed(a[10]);
        var b = (string[])lines.Clone(); b[150] = Reversed(b[150]);
        Assert.NotEqual(lines[10], a[10]); Assert.NotEqual(lines[150], b[150]);
        var ca = TestPaths.WriteCorpus(dir, string.Join('\n', a) + "\n", "a.txt");
        var cb = TestPaths.WriteCorpus(dir, string.Join('\n', b) + "\n", "b.txt");
        Assert.Equal(new FileInfo(ca).Length, new FileInfo(cb).Length);
        var vocab = VocabularyBuilder.Build(ca, new VocabularyOptions { MinCount = 1 }).Vocabulary;
        var o = new CooccurrenceOptions { Window = 3, Threads = 1 };
        string S(string corpus, int k) { var p = Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(corpus)}{k}"); CooccurrenceCounter.CountShard(corpus, vocab, p, o, k, 3); return p; }
        string a1 = S(ca, 1), b2 = S(cb, 2), a3 = S(ca, 3), a2 = S(ca, 2);
        var outDir = Path.Combine(dir, "merged");
        var e = Assert.Throws<GloVeVException>(() => CooccurrenceCounter.MergeShards([a1, b2, a3], vocab, outDir));
        Assert.Contains($"{b2} and {a1}: the shards were counted from different corpora", e.Message);
        Assert.False(Directory.Exists(outDir));
        var merged = CooccurrenceCounter.MergeShards([a1, a2, a3], vocab, outDir);
        var single = CooccurrenceCounter.Count(ca, vocab, Path.Combine(dir, "single"), o);
        Assert.Equal(File.ReadAllBytes(single.BinaryPath), File.ReadAllBytes(merged.BinaryPath));
        // A shard of an earlier version (no content hash) does not merge with checked ones.
        var info = Path.Combine(a3, CooccurrenceCounter.PartialInfoFile);
        var old = Path.Combine(dir, "old3");
        Directory.CreateDirectory(old);
        File.Copy(Path.Combine(a3, CooccurrenceCounter.PartialFile), Path.Combine(old, CooccurrenceCounter.PartialFile));
        File.WriteAllLines(Path.Combine(old, CooccurrenceCounter.PartialInfoFile), File.ReadAllLines(info).Where(l => !l.StartsWith(CooccurrenceCounter.CorpusHashKey)));
        Assert.Contains("records no corpus content hash", Assert.Throws<GloVeVException>(() =>
            CooccurrenceCounter.MergeShards([a1, a2, old], vocab, Path.Combine(dir, "m2"))).Message);
    }

    /// <summary>A damaged co-occurrence shard is an error naming the file and what is wrong (a .NET exception from
    /// inside the merge before): a partial.tsv without a setting, with "x" for a number or with a window no count
    /// takes; a partial.run whose bytes changed (the manifest's hash), and, without a manifest, a record with an id
    /// past the vocabulary, a weight of 0 or a key out of order.</summary>
    [Fact]
    public void MergeCooccurRefusesDamagedShards()
    {
        var dir = TestPaths.TempDir();
        var lines = Enumerable.Range(0, 120).Select(k => string.Join(' ', Enumerable.Range(0, 8).Select(j => $"w{(k * 5 + j * 3) % 13}")));
        var corpus = TestPaths.WriteCorpus(dir, string.Join('\n', lines) + "\n");
        var vocab = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1 }).Vocabulary;
        var o = new CooccurrenceOptions { Window = 3, Threads = 1 };
        var good = Enumerable.Range(1, 2).Select(k => { var p = Path.Combine(dir, $"s{k}"); CooccurrenceCounter.CountShard(corpus, vocab, p, o, k, 2); return p; }).ToArray();
        int n = 0;
        string Damaged(Action<string> damage, bool keepManifest = false)
        {
            var copy = Path.Combine(dir, $"bad{n++}");
            Directory.CreateDirectory(copy);
            foreach (var f in Directory.GetFiles(good[1]))
                if (keepManifest || Path.GetFileName(f) != AtomicDirectory.ManifestFile) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            damage(copy);
            return copy;
        }
        string Fails(string bad)
        {
            var outDir = Path.Combine(dir, $"out{n++}");
            var e = Assert.ThrowsAny<GloVeVException>(() => CooccurrenceCounter.MergeShards([good[0], bad], vocab, outDir));
            Assert.False(Directory.Exists(outDir));
            return e.Message;
        }
        void EditInfo(string d, Func<string, string?> edit)
        {
            var path = Path.Combine(d, CooccurrenceCounter.PartialInfoFile);
            File.WriteAllLines(path, File.ReadAllLines(path).Select(edit).Where(l => l != null).Select(l => l!));
        }
        Assert.Contains("no 'lines' line", Fails(Damaged(d => EditInfo(d, l => l.StartsWith("lines\t") ? null : l))));
        Assert.Contains("'pairs' is 'x'", Fails(Damaged(d => EditInfo(d, l => l.StartsWith("pairs\t") ? "pairs\tx" : l))));
        var w99 = Fails(Damaged(d => EditInfo(d, l => l.StartsWith("window\t") ? "window\t99" : l)));
        Assert.True(w99.Contains("'window' is '99'") || w99.Contains("window = 99"), w99);
        void Record(string d, long index, ulong key, long value)
        {
            using var fs = new FileStream(Path.Combine(d, CooccurrenceCounter.PartialFile), FileMode.Open, FileAccess.Write);
            fs.Position = 16 * index;
            fs.Write(BitConverter.GetBytes(key)); fs.Write(BitConverter.GetBytes(value));
        }
        // With the manifest, the changed bytes are found by its hash.
        Assert.Contains(CooccurrenceCounter.PartialFile, Fails(Damaged(d => Record(d, 3, ulong.MaxValue, 5), keepManifest: true)));
        Assert.Contains("outside the vocabulary", Fails(Damaged(d => Record(d, 3, ((ulong)vocab.Count << 32) | 1, 5))));
        Assert.Contains("not a positive weight", Fails(Damaged(d => Record(d, 3, 0, 0))));
        Assert.Contains("out of order", Fails(Damaged(d => Record(d, 3, 0, 7))));
        // The undamaged copy merges.
        CooccurrenceCounter.MergeShards([good[0], Damaged(_ => { })], vocab, Path.Combine(dir, "fine"));
    }

    /// <summary>A variance shard whose chunk_map.txt lost lines (or whose variance_info.tsv is unreadable) is refused:
    /// it had merged with exit 0 and half the covariances gone.</summary>
    [Fact]
    public void MergeVariancesRefusesAShardWhoseMapAndInfoDisagree()
    {
        var m = ModelBuilder.Trained();
        var p = Enumerable.Range(1, 2).Select(k => Shard(m, k, 2)).ToArray();
        var map = Path.Combine(p[0], "chunk_map.txt");
        var all = File.ReadAllLines(map);
        File.WriteAllLines(map, all.Skip(1));
        File.Delete(Path.Combine(p[0], AtomicDirectory.ManifestFile)); // a copy without its manifest
        Assert.Contains("variance_info.tsv records", MergeFails(p, Path.Combine(m.Dir, "merged")));
        File.WriteAllLines(map, all);
        var info = Path.Combine(p[0], "variance_info.tsv");
        var rows = File.ReadAllLines(info);
        File.WriteAllLines(info, rows.Select((r, i) => i == 2 ? string.Join('\t', r.Split('\t').Select((f, j) => j == 2 ? "abc" : f)) : r));
        Assert.Contains("variance_info.tsv:3: expected", MergeFails(p, Path.Combine(m.Dir, "merged")));
        File.WriteAllLines(info, rows);
        VarianceMerge.Merge(p, Path.Combine(m.Dir, "merged"));
    }

    [Fact]
    public void AVocabularyNeverTakesOrLosesATokenizerRecord()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, "a b c a b a\n");
        var v = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1, Tokenizer = new TokenizerOptions { Lowercase = true } }).Vocabulary;
        var kv = Path.Combine(dir, "kv.txt");
        v.Save(kv);
        var record = File.ReadAllText(Vocabulary.TokenizerFile(kv));
        Assert.Contains("lowercase true", record);
        // --out kv.txt.tokenizer: refused, kv.txt's record untouched.
        Assert.Contains("names a tokenizer record", Assert.Throws<BadArgumentException>(() => Vocabulary.CheckSavePath(kv + ".tokenizer")).Message);
        Assert.Throws<BadArgumentException>(() => v.Save(kv + ".tokenizer"));
        Assert.Equal(record, File.ReadAllText(Vocabulary.TokenizerFile(kv)));
        var link = Path.Combine(dir, "innocent.txt");
        File.CreateSymbolicLink(link, Vocabulary.TokenizerFile(kv));
        Assert.Throws<BadArgumentException>(() => Vocabulary.CheckSavePath(link));
        // A folder where the record goes: refused before the vocabulary is written.
        var vd = Path.Combine(dir, "vd.txt");
        Directory.CreateDirectory(Vocabulary.TokenizerFile(vd));
        Assert.Contains("is a folder", Assert.Throws<GloVeVException>(() => Vocabulary.CheckSavePath(vd)).Message);
        Assert.Throws<GloVeVException>(() => v.Save(vd));
        Assert.False(File.Exists(vd));
        Assert.Contains("output folder does not exist", Assert.Throws<MissingFileException>(() => Vocabulary.CheckSavePath(Path.Combine(dir, "no", "v.txt"))).Message);
        // Saved again: both files, the record matching.
        var v2 = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1 }).Vocabulary;
        v2.Save(kv);
        Assert.Contains("lowercase false", File.ReadAllText(Vocabulary.TokenizerFile(kv)));
        Assert.False(Vocabulary.Load(kv).Tokenizer!.Lowercase);
    }
}
