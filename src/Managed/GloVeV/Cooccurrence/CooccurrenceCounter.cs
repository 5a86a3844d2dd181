using System.Diagnostics;
using GloVeV.Text;

namespace GloVeV.Cooccurrence;

public sealed record CooccurrenceResult(long Tokens, int VocabularySize, long NonZeros, int SpilledRuns, double Seconds,
    string BinaryPath, string CsrPath);

/// <summary>
/// Counts word-word co-occurrences with GloVe C's <c>cooccur</c> semantics: windows stay inside a line (document),
/// out-of-vocabulary tokens are dropped before windowing, a pair at distance d adds 1/d (or 1), the left word is
/// the row (both orders when symmetric), the diagonal is kept. Threads count disjoint blocks of lines; frequent
/// pairs go to a dense block, the rest to a buffer that is sorted, reduced and spilled to disk when the memory
/// budget is reached; everything is k-way merged at the end. Weights are integers (multiples of 1/lcm(1..window)),
/// so the result does not depend on thread count, budget or summation order.
/// </summary>
public static class CooccurrenceCounter
{
    const int MaxOpenRuns = 64;

    sealed class Worker
    {
        public readonly Tokenizer Tokenizer;
        public readonly Vocabulary Vocab;
        public readonly int[] History;
        public readonly long[] DistanceWeight;
        public readonly DenseBlock Dense;
        public readonly long MaxProduct;
        public readonly ulong[] Keys;
        public readonly long[] Values;
        public readonly bool Symmetric;
        public readonly string TempDir;
        public readonly List<string> Spilled = [];
        public int Fill;
        public long Tokens;
        public int Pos;
        static int _runCounter;

        public Worker(CooccurrenceOptions o, Vocabulary v, long maxProduct, int bufferEntries, string tempDir)
        {
            Tokenizer = new Tokenizer(o.Tokenizer);
            Vocab = v;
            History = new int[o.Window];
            long scale = o.WeightScale;
            DistanceWeight = new long[o.Window + 1];
            for (int d = 1; d <= o.Window; d++) DistanceWeight[d] = o.DistanceWeighting ? scale / d : 1;
            MaxProduct = maxProduct;
            Dense = new DenseBlock(v.Count, maxProduct);
            Keys = new ulong[bufferEntries];
            Values = new long[bufferEntries];
            Symmetric = o.Symmetric;
            TempDir = tempDir;
        }

        public void Add(int a, int b, long w)
        {
            if ((long)(a + 1) * (b + 1) < MaxProduct) { Dense.Values[Dense.RowStart[a] + b] += w; return; }
            if (Fill == Keys.Length) Flush();
            Keys[Fill] = ((ulong)(uint)a << 32) | (uint)b;
            Values[Fill] = w;
            Fill++;
        }

        void Flush()
        {
            Fill = SortedRun.SortAndReduce(Keys, Values, Fill);
            // Reduction freed enough room: keep accumulating in memory instead of writing a small run.
            if (Fill < Keys.Length * 3 / 4) return;
            var path = Path.Combine(TempDir, $"run-{Interlocked.Increment(ref _runCounter):D6}.bin");
            SortedRun.Write(path, Keys, Values, Fill);
            Spilled.Add(path);
            Fill = 0;
        }
    }

    struct WindowSink(Worker w) : ITokenSink
    {
        public void Token(ReadOnlySpan<byte> token)
        {
            w.Tokens++;
            int id = w.Vocab.Find(token);
            if (id < 0) return;
            int window = w.History.Length;
            int j = w.Pos;
            int lo = j > window ? j - window : 0;
            for (int k = j - 1; k >= lo; k--)
            {
                int left = w.History[k % window];
                long wt = w.DistanceWeight[j - k];
                w.Add(left, id, wt);
                if (w.Symmetric) w.Add(id, left, wt);
            }
            w.History[j % window] = id;
            w.Pos = j + 1;
        }
        public void EndOfDocument() => w.Pos = 0;
    }

    /// <summary>Counts <paramref name="corpusPath"/> into <c>outDir/cooccurrence.bin</c> and <c>outDir/cooccurrence.csr.safetensors</c>.</summary>
    public static CooccurrenceResult Count(string corpusPath, Vocabulary vocab, string outDir, CooccurrenceOptions o,
        Action<string, double>? progress = null)
    {
        o.Validate();
        var sw = Stopwatch.StartNew();
        if (!Directory.Exists(outDir)) Directory.CreateDirectory(outDir);
        var tempDir = Path.Combine(outDir, $".glovev-cooccur-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tempDir);
        try
        {
            int threads = o.Threads;
            // Budget: 80% for counting state shared by the threads, half dense block, half pair buffer.
            long perThread = (long)(o.MemoryBytes * 0.8) / threads;
            // The dense block pays off only while it is small next to the number of pair updates (~ corpus bytes),
            // since every cell is zeroed, summed across threads and scanned once.
            long fileBytes = File.Exists(corpusPath) ? new FileInfo(corpusPath).Length : 0;
            if (corpusPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) fileBytes *= 3;
            long cellCap = Math.Max(1 << 20, fileBytes * 2);
            long maxProduct = ChooseMaxProduct(vocab.Count, Math.Min(cellCap, perThread / 2 / sizeof(long)));
            long denseBytes = DenseBlock.CellsFor(vocab.Count, maxProduct) * sizeof(long);
            int bufferEntries = (int)Math.Clamp((perThread - denseBytes) / 16, 1024, int.MaxValue / 2);
            long fileSize = fileBytes;
            CorpusPipeline.Run(corpusPath, o.Tokenizer, threads,
                _ => new Worker(o, vocab, maxProduct, bufferEntries, tempDir),
                (w, block) => { var sink = new WindowSink(w); w.Pos = 0; w.Tokenizer.Tokenize(block.Span, ref sink); },
                out var workers, bytes => progress?.Invoke("counting", fileSize > 0 ? Math.Min(1.0, (double)bytes / fileSize) : 0));

            long tokens = workers.Sum(w => w.Tokens);
            if (tokens == 0) throw new GloVeVException($"{corpusPath}: corpus is empty (no tokens)");
            var sources = new List<IRunSource>();
            var spilled = workers.SelectMany(w => w.Spilled).ToList();
            int spilledCount = spilled.Count;
            // Collapse run files so no more than MaxOpenRuns are open at once in the final merge.
            while (spilled.Count > MaxOpenRuns)
            {
                var group = spilled.Take(MaxOpenRuns).ToList();
                spilled = spilled.Skip(MaxOpenRuns).ToList();
                var merged = Path.Combine(tempDir, $"merge-{Guid.NewGuid():N}.bin");
                MergeToRun(group.Select(p => (IRunSource)new FileRun(p)).ToList(), merged);
                spilled.Add(merged);
            }
            var dense = workers[0].Dense;
            for (int t = 1; t < workers.Length; t++) dense.AddFrom(workers[t].Dense);
            sources.Add(dense.Iterate());
            foreach (var w in workers)
            {
                int n = SortedRun.SortAndReduce(w.Keys, w.Values, w.Fill);
                if (n > 0) sources.Add(new MemoryRun(w.Keys, w.Values, n));
            }
            sources.AddRange(spilled.Select(p => (IRunSource)new FileRun(p)));
            progress?.Invoke("merging", 0);

            double inv = 1.0 / o.WeightScale;
            var binPath = Path.Combine(outDir, "cooccurrence.bin");
            var rowCounts = new long[vocab.Count];
            long nnz = 0;
            using (var bin = new GloVeBinaryWriter(binPath))
            {
                KWayMerge(sources, (key, value) =>
                {
                    int i = (int)(key >> 32), j = (int)(uint)key;
                    bin.Write(i + 1, j + 1, value * inv);
                    rowCounts[i]++;
                    nnz++;
                });
                bin.Commit();
            }
            progress?.Invoke("csr", 0);
            var csrPath = Path.Combine(outDir, CsrMatrix.FileName);
            CsrMatrix.WriteFromSortedBinary(binPath, rowCounts, csrPath, new Dictionary<string, string>
            {
                ["vocab_size"] = vocab.Count.ToString(),
                ["vocab_hash"] = vocab.Hash(),
                ["window"] = o.Window.ToString(),
                ["symmetric"] = o.Symmetric ? "true" : "false",
                ["distance_weighting"] = o.DistanceWeighting ? "true" : "false",
                ["tokens"] = tokens.ToString(),
            });
            return new CooccurrenceResult(tokens, vocab.Count, nnz, spilledCount, sw.Elapsed.TotalSeconds, binPath, csrPath);
        }
        finally
        {
            try { Directory.Delete(tempDir, true); } catch (IOException) { }
        }
    }

    /// <summary>Largest GloVe-C-style product bound whose dense block fits in <paramref name="cells"/> cells.</summary>
    static long ChooseMaxProduct(int vocab, long cells)
    {
        long lo = 1, hi = (long)vocab * vocab + 1;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (DenseBlock.CellsFor(vocab, mid) <= cells) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    static void MergeToRun(List<IRunSource> sources, string path)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var rec = new byte[16];
        KWayMerge(sources, (k, v) =>
        {
            BitConverter.TryWriteBytes(rec, k);
            BitConverter.TryWriteBytes(rec.AsSpan(8), v);
            fs.Write(rec);
        });
    }

    /// <summary>Merges sorted sources, summing equal keys; disposes the sources.</summary>
    internal static void KWayMerge(List<IRunSource> sources, Action<ulong, long> emit)
    {
        var pq = new PriorityQueue<int, ulong>(sources.Count);
        for (int s = 0; s < sources.Count; s++) if (sources[s].MoveNext()) pq.Enqueue(s, sources[s].Key);
        bool have = false;
        ulong curKey = 0; long curVal = 0;
        while (pq.TryDequeue(out int s, out ulong key))
        {
            var src = sources[s];
            if (have && key == curKey) curVal += src.Value;
            else
            {
                if (have) emit(curKey, curVal);
                curKey = key; curVal = src.Value; have = true;
            }
            if (src.MoveNext()) pq.Enqueue(s, src.Key);
        }
        if (have) emit(curKey, curVal);
        foreach (var s in sources) s.Dispose();
    }
}
