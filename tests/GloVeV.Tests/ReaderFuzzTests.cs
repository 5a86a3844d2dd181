using GloVeV.Cooccurrence;
using GloVeV.Inference;
using GloVeV.IO;
using GloVeV.Text;
using GloVeV.Training;
using GloVeV.Variance;
using Xunit;

namespace GloVeV.Tests;

/// <summary>
/// A seeded fuzzer for the readers (corpus, vocabulary, .bin, CSR, params, variance chunks, the authors' single files): valid files are damaged
/// (bytes flipped, spans overwritten, truncated, extended, lines shuffled) and read back. Every outcome must be a
/// success or a <see cref="GloVeVException"/> / <see cref="IOException"/>: no other exception, crash or hang.
/// <c>GLOVEV_FUZZ_ITERATIONS</c> sets the cases per reader (default 25: a short run; perf/fuzz.sh runs longer).
/// </summary>
public class ReaderFuzzTests(CorporaFixture corpora) : IClassFixture<CorporaFixture>
{
    /// <summary><c>GLOVEV_FUZZ_SECONDS</c>: run each reader for this long instead of a fixed number of cases.</summary>
    static double Seconds => double.TryParse(Environment.GetEnvironmentVariable("GLOVEV_FUZZ_SECONDS"), out double s) ? s : 0;

    static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("GLOVEV_FUZZ_ITERATIONS"), out int n) ? n : 25;

    static byte[] Mutate(byte[] src, Random rng)
    {
        var b = (byte[])src.Clone();
        switch (rng.Next(6))
        {
            case 0: for (int k = 0, n = 1 + rng.Next(8); k < n && b.Length > 0; k++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8)); break;
            case 1: if (b.Length > 0) { int at = rng.Next(b.Length), len = Math.Min(b.Length - at, 1 + rng.Next(64)); rng.NextBytes(b.AsSpan(at, len)); } break;
            case 2: return b[..rng.Next(b.Length + 1)];
            case 3: { var extra = new byte[1 + rng.Next(64)]; rng.NextBytes(extra); return [.. b, .. extra]; }
            case 4: if (b.Length > 16) { int at = rng.Next(Math.Min(b.Length, 4096)); b[at] = (byte)rng.Next(256); b[rng.Next(Math.Min(b.Length, 16))] = (byte)rng.Next(256); } break;
            default: if (b.Length > 8) { int at = rng.Next(b.Length - 8); BitConverter.TryWriteBytes(b.AsSpan(at), rng.Next(6) switch { 0 => -1L, 1 => long.MaxValue, 2 => 0L, 3 => (long)int.MaxValue + 1, _ => rng.NextInt64() }); } break;
        }
        return b;
    }

    static (int Ok, int Refused) Fuzz(string file, int seed, Action read)
    {
        var original = File.ReadAllBytes(file);
        var rng = new Random(seed);
        int ok = 0, refused = 0;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int it = 0; Seconds > 0 ? clock.Elapsed.TotalSeconds < Seconds : it < Iterations; it++)
            {
                File.WriteAllBytes(file, Mutate(original, rng));
                var task = Task.Run(() =>
                {
                    try { read(); return true; }
                    catch (GloVeVException) { return false; }
                    catch (IOException) { return false; }
                });
                Assert.True(task.Wait(TimeSpan.FromSeconds(60)), $"{file}: reader hung on case {it} (seed {seed})");
                try { if (task.Result) ok++; else refused++; }
                catch (AggregateException e) { Assert.Fail($"{file}: case {it} (seed {seed}) threw {e.InnerException!.GetType().Name}: {e.InnerException.Message}"); }
            }
        }
        finally { File.WriteAllBytes(file, original); }
        return (ok, refused);
    }

    (string Model, string Cooc, string Vocab) Folder()
    {
        var (vocab, cooc) = corpora.Get("sotu_small.txt", 20, 3);
        var root = TestPaths.TempDir();
        var c = Path.Combine(root, "cooc");
        Directory.CreateDirectory(c);
        foreach (var f in Directory.GetFiles(cooc)) File.Copy(f, Path.Combine(c, Path.GetFileName(f)));
        var v = Path.Combine(root, "vocab.txt");
        File.Copy(vocab, v);
        var m = Path.Combine(root, "model");
        ModelTraining.Train(c, v, m, new TrainingOptions { Dim = 4, Epochs = 2, Threads = 1 });
        VarianceEngine.Run(m, c, null, new VarianceOptions { Threads = 1, ChunkWords = 200 });
        return (m, c, v);
    }

    static void Query(string model)
    {
        using var g = GloVeModel.Load(model);
        foreach (var i in new[] { 0, 1, 5, 50, 200, g.VocabSize - 1 })
            if (g.HasCovariance(i)) { g.Covariance(i); g.Covariance(i, approximate: true); }
    }

    [Fact]
    public void VocabularyCorpusAndBinary()
    {
        var (_, c, v) = Folder();
        var (ok, bad) = Fuzz(v, 1, () => Vocabulary.Load(v));
        Assert.True(bad > 0, "some damaged vocabularies must be refused");
        var corpus = TestPaths.WriteCorpus(TestPaths.TempDir(), string.Join("\n", File.ReadLines(TestPaths.Data("sotu_small.txt")).Take(200)));
        var vocab = Vocabulary.Load(v);
        Fuzz(corpus, 2, () => VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1, Threads = 1 }));
        Fuzz(corpus, 3, () => CooccurrenceCounter.Count(corpus, vocab, Path.Combine(Path.GetDirectoryName(corpus)!, "out"), new CooccurrenceOptions { Window = 3, Threads = 1 }));
        // A GloVe C folder: only the .bin, converted on every read.
        var gloveC = TestPaths.TempDir();
        var bin = Path.Combine(gloveC, "cooccurrence.bin");
        File.WriteAllBytes(bin, File.ReadAllBytes(Path.Combine(c, "cooccurrence.bin"))[..(16 * 4000)]);
        Fuzz(bin, 4, () => { foreach (var f in Directory.GetFiles(gloveC, "*.safetensors")) File.Delete(f); CsrMatrix.OpenDirectory(gloveC, vocab.Count).Dispose(); });
    }

    [Fact]
    public void CsrParamsAndVariances()
    {
        var (m, c, v) = Folder();
        var vocab = Vocabulary.Load(v);
        File.Delete(Path.Combine(c, AtomicDirectory.ManifestFile)); // exercise the readers themselves, not just the manifest
        File.Delete(Path.Combine(m, "variances", AtomicDirectory.ManifestFile));
        var csr = Path.Combine(c, CsrMatrix.FileName);
        var (_, bad) = Fuzz(csr, 5, () => CsrMatrix.Open(csr).Dispose());
        Assert.True(bad > 0);
        var prm = Path.Combine(m, "params.safetensors");
        Fuzz(prm, 6, () => Query(m));
        Fuzz(prm, 7, () => GloVeParameters.Load(prm));
        var chunk = Path.Combine(m, "variances", "completechunk_0.safetensors");
        Fuzz(chunk, 8, () => Query(m));
        Fuzz(Path.Combine(m, "variances", "approxchunk_0.safetensors"), 9, () => Query(m));
        Fuzz(Path.Combine(m, "variances", "chunk_map.txt"), 10, () => Query(m));
        Fuzz(Path.Combine(m, "vocab.txt"), 11, () => Query(m));
        // The authors' single-file layouts.
        var authors = TestPaths.TempDir();
        File.Copy(Path.Combine(m, "vocab.txt"), Path.Combine(authors, "vocab.txt"));
        File.Copy(Path.Combine(m, "vectors.safetensors"), Path.Combine(authors, "vectors.safetensors"));
        var p = GloVeParameters.Load(prm);
        var d = p.Dim;
        var all = new double[(long)p.VocabSize * d * d];
        for (int i = 0; i < p.VocabSize; i++) for (int q = 0; q < d; q++) all[(long)i * d * d + q * d + q] = 0.01 * (1 + q);
        var single = Path.Combine(authors, "CompleteVariances.safetensors");
        SafeTensorsWriter.WriteAll(single, [(new TensorSpec("variances", TensorDType.F64, [p.VocabSize, d, d]), w => w.Write<double>(all))], new Dictionary<string, string>());
        // The compact form: diagonal for even word ids, rank-1 U s Vt for odd ones (an SPD-looking outer product).
        var approxTensors = new List<(TensorSpec, Action<SafeTensorsWriter>)>();
        for (int i = 0; i < p.VocabSize; i++)
        {
            var diag = Enumerable.Range(0, d).Select(q => 0.02 * (1 + q)).ToArray();
            if (i % 2 == 0) { approxTensors.Add((new TensorSpec($"diag_{i}", TensorDType.F64, [d]), w => w.Write<double>(diag))); continue; }
            var u = Enumerable.Range(0, d).Select(q => q == 0 ? 1.0 : 0.0).ToArray();
            approxTensors.Add((new TensorSpec($"U_{i}", TensorDType.F64, [d, 1]), w => w.Write<double>(u)));
            approxTensors.Add((new TensorSpec($"s_{i}", TensorDType.F64, [1]), w => w.Write<double>([0.5])));
            approxTensors.Add((new TensorSpec($"Vt_{i}", TensorDType.F64, [1, d]), w => w.Write<double>(u)));
        }
        var approxSingle = Path.Combine(authors, "ApproximationVariances.safetensors");
        SafeTensorsWriter.WriteAll(approxSingle, approxTensors, new Dictionary<string, string>());
        Query(authors);
        Fuzz(single, 12, () => Query(authors));
        Fuzz(approxSingle, 13, () => Query(authors));
    }
}
