using System.Diagnostics;
using GloVeV.Cooccurrence;
using GloVeV.Native;
using GloVeV.Text;
using GloVeV.Training;

namespace GloVeV.Bench;

/// <summary>The straightforward baselines the engine's stages are compared with, run in this process.</summary>
static class Baselines
{
    sealed class DictionarySink(Vocabulary v, int window) : ITokenSink
    {
        public readonly Dictionary<(int, int), double> Counts = new();
        readonly List<int> _line = [];
        public long Tokens;
        public void Token(ReadOnlySpan<byte> token)
        {
            Tokens++;
            int id = v.Find(token);
            if (id < 0) return;
            int j = _line.Count;
            for (int k = Math.Max(0, j - window); k < j; k++)
            {
                double x = 1.0 / (j - k);
                var a = (_line[k], id); var b = (id, _line[k]);
                Counts[a] = Counts.GetValueOrDefault(a) + x;
                Counts[b] = Counts.GetValueOrDefault(b) + x;
            }
            _line.Add(id);
        }
        public void EndOfDocument() => _line.Clear();
    }

    /// <summary>Single-threaded dictionary-of-pairs counter (symmetric, 1/d). Returns (tokens, non-zeros, seconds).</summary>
    public static (long Tokens, long NonZeros, double Seconds) CountWithDictionary(string corpus, Vocabulary v, TokenizerOptions tok, int window)
    {
        var sw = Stopwatch.StartNew();
        var sink = new DictionarySink(v, window);
        var t = new Tokenizer(tok);
        using var r = new CorpusReader(corpus);
        for (var b = r.Next(); b != null; b = r.Next()) t.Tokenize(b.Span, ref sink);
        return (sink.Tokens, sink.Counts.Count, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Entries per second of the scalar double-precision port of GloVe C's loop (one thread).</summary>
    public static double ScalarTrainingRate(CsrMatrix x, int dim, int epochs)
    {
        var sw = Stopwatch.StartNew();
        ScalarReferenceTrainer.Train(x, dim, epochs);
        return x.NonZeros * (double)epochs / sw.Elapsed.TotalSeconds;
    }

    /// <summary>DGEMM GFLOP/s of the backend with <paramref name="threads"/> concurrent single-threaded calls (n x n).</summary>
    public static unsafe double DgemmGflops(int n, int threads, int reps = 3)
    {
        var backend = BlasBackend.Current;
        var rates = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                var a = new double[n * n]; var b = new double[n * n]; var c = new double[n * n];
                for (int i = 0; i < a.Length; i++) { a[i] = (i % 7) * 0.1; b[i] = (i % 5) * 0.2; }
                fixed (double* pa = a, pb = b, pc = c) DenseLinearAlgebra.Gemm(n, n, n, pa, pb, pc, backend);
            });
            rates.Add(threads * 2.0 * n * n * n / sw.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }
}
