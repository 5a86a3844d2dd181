using GloVeV.Cooccurrence;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// Files that change under an open model: a chunk truncated in place is an error, not a SIGBUS of the process (or zeros);
/// a rerun that replaces the folder does not mix its chunks into the open store; a chunk swapped for another of the same
/// size is refused by the trace variance_info.tsv records for each word.
/// </summary>
public class ChangedFilesTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    (string ModelDir, string Cooc, Vocabulary Vocab) Model()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var dir = TestPaths.TempDir();
        ModelTraining.Train(cooc, vocab, dir, new TrainingOptions { Dim = 6, Epochs = 3, Threads = 2, Seed = 3 });
        VarianceEngine.Run(dir, cooc, null, new VarianceOptions { Threads = 2, ChunkWords = 50 });
        return (dir, cooc, Vocabulary.Load(Path.Combine(dir, "vocab.txt")));
    }

    static (int Chunk, int Global)[] WordsByChunk(string variances) =>
        File.ReadLines(Path.Combine(variances, "chunk_map.txt")).Select(l => l.Split('\t'))
            .Select(f => (int.Parse(f[2]), int.Parse(f[1]))).ToArray();

    [Fact]
    public void AChunkTruncatedUnderAnOpenStoreIsAnErrorNotACrash()
    {
        var (dir, _, vocab) = Model();
        var v = Path.Combine(dir, "variances");
        using var store = new VarianceStore(v);
        var words = WordsByChunk(v).Where(w => w.Chunk == 0).Select(w => w.Global).ToArray();
        store.Covariance(words[0], vocab[words[0]]);
        using (var fs = new FileStream(Path.Combine(v, "completechunk_0.safetensors"), FileMode.Open, FileAccess.Write)) fs.SetLength(200);
        // The last word of the chunk lies past the new end (its page would fault through a mapping).
        var e = Assert.ThrowsAny<GloVeVException>(() => store.Covariance(words[^1], vocab[words[^1]]));
        Assert.Contains("changed on disk since it was opened", e.Message);
    }

    [Fact]
    public void ARerunThatReplacesTheFolderDoesNotMixIntoAnOpenStore()
    {
        var (dir, cooc, vocab) = Model();
        var v = Path.Combine(dir, "variances");
        // The first run's files, kept aside to compare with.
        var firstRun = TestPaths.TempDir();
        foreach (var f in Directory.GetFiles(v)) File.Copy(f, Path.Combine(firstRun, Path.GetFileName(f)));
        var map = WordsByChunk(v);
        using var store = new VarianceStore(v);
        int first = map.First(w => w.Chunk == 0).Global;
        var expect = store.Covariance(first, vocab[first]);
        // Another run (other residuals: --refine) replaces the folder while the store is open.
        VarianceEngine.Run(dir, cooc, null, new VarianceOptions { Threads = 2, ChunkWords = 50, Refine = true });
        using (var fresh = new VarianceStore(v))
            Assert.NotEqual(expect, fresh.Covariance(first, vocab[first]));
        Assert.Equal(expect, store.Covariance(first, vocab[first]));
        // Words of chunks the store had not read before the rerun are the first run's too.
        using var kept = new VarianceStore(firstRun);
        foreach (var (_, g) in map.Where(w => w.Chunk > 0).Take(5))
            Assert.Equal(kept.Covariance(g, vocab[g]), store.Covariance(g, vocab[g]));
    }

    [Fact]
    public void ChunksSwappedForOthersOfTheSameSizeAreRefused()
    {
        var (dir, _, vocab) = Model();
        var v = Path.Combine(dir, "variances");
        string a = Path.Combine(v, "completechunk_0.safetensors"), b = Path.Combine(v, "completechunk_1.safetensors");
        Assert.Equal(new FileInfo(a).Length, new FileInfo(b).Length);
        var bytesA = File.ReadAllBytes(a);
        File.WriteAllBytes(a, File.ReadAllBytes(b));
        File.WriteAllBytes(b, bytesA);
        // The manifest records sizes (a hash of every chunk at every open would read gigabytes): the swap passes it.
        using var store = new VarianceStore(v);
        int g = WordsByChunk(v).First(w => w.Chunk == 0).Global;
        var e = Assert.ThrowsAny<GloVeVException>(() => store.Covariance(g, vocab[g]));
        Assert.Contains("do not come from one variance run", e.Message);
    }

    [Fact]
    public void AMatrixTruncatedUnderItIsRefusedBeforeARowIsRead()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 5, 5);
        var copy = TestPaths.TempDir();
        File.Copy(Path.Combine(cooc, CsrMatrix.FileName), Path.Combine(copy, CsrMatrix.FileName));
        using var m = CsrMatrix.Open(Path.Combine(copy, CsrMatrix.FileName));
        m.CheckUnchanged();
        using (var fs = new FileStream(Path.Combine(copy, CsrMatrix.FileName), FileMode.Open, FileAccess.Write)) fs.SetLength(fs.Length / 2);
        Assert.Contains("changed on disk", Assert.ThrowsAny<GloVeVException>(() => m.CheckUnchanged()).Message);
    }
}
