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

    /// <summary>The runtime, code and stacks of a glovev process before any data (measured: 17 MB for the AOT CLI).</summary>
    const long FixedBytes = 20L << 20;
    /// <summary>A k-way merge's read buffers (64 KB per open run) plus its batches and the writers' buffers: 4 MB of
    /// read buffers at 64 runs, up to 0.7 MB of batches, and for the .bin and the CSR written beside it 4 x 256 KB,
    /// 0.2 MB of conversion buffers and, at the end, indptr (8 bytes a word) and a 256 KB copy buffer.</summary>
    const long MergeBufferBytes = MaxOpenRuns * (64L << 10) + (6L << 20);
    /// <summary>Garbage the collector has not returned yet, heap bookkeeping (measured 6-9 MB near the minimum).</summary>
    const long CollectorSlackBytes = 8L << 20;

    sealed unsafe class Worker : IDisposable
    {
        public readonly Tokenizer Tokenizer;
        public readonly Vocabulary Vocab;
        public readonly int[] History;
        public readonly long[] DistanceWeight;
        public readonly DenseBlock Dense;
        readonly uint* _cells;
        readonly long[] _columnBase;
        public readonly long MaxProduct;
        public readonly ulong[] Keys;
        public readonly long[] Values;
        public readonly bool Symmetric;
        public readonly string TempDir;
        public readonly List<string> Spilled = [];
        public int Fill;
        public long Tokens;
        public int Pos;
        /// <summary>Replaying a cut line's context: fill the window history, count nothing.</summary>
        public bool ContextOnly;
        // Shards count only the lines in [LineLo, LineHi); Line is the current line's global number.
        public long Line, LineLo, LineHi = long.MaxValue;
        // A token's dense updates (up to 2 x window random cells) are prefetched when queued and applied one token
        // later, so their cache misses overlap instead of each waiting for the one before.
        // Both halves of one pair of arrays: the queued half starts at _queuedAt, the pending half at _pendingAt, and a
        // token's end swaps the two offsets (swapping array references cost a GC write barrier each, ~1% of a count).
        readonly long[] _cellQueue;
        readonly uint[] _weightQueue;
        int _queuedAt, _pendingAt, _queued, _pending;
        byte[]? _runBuffer;
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
            Dense = new DenseBlock(v.Count, maxProduct, upper: o.Symmetric);
            _cells = Dense.Values;
            _columnBase = Dense.ColumnBase;
            try
            {
                // Sized to the whole --memory plan but touched only as far as pairs arrive (and the sort's room after
                // them): uninitialised, so a long-lived process (Python, R, the test host) whose collector hands back
                // memory of earlier counts does not zero gigabytes up front. Nothing past Fill is read before it is written.
                Keys = GC.AllocateUninitializedArray<ulong>(bufferEntries);
                Values = GC.AllocateUninitializedArray<long>(bufferEntries);
            }
            catch { Dense.Dispose(); throw; }
            Symmetric = o.Symmetric;
            TempDir = tempDir;
            _cellQueue = new long[4 * o.Window]; _weightQueue = new uint[4 * o.Window];
            _queuedAt = 0; _pendingAt = 2 * o.Window;
        }

        /// <summary>Adds weight to pair (a, b); a symmetric count passes a &lt;= b (its block and buffer hold the upper
        /// triangle, the merge writes both orders).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Add(int a, int b, long w)
        {
            if ((long)(a + 1) * (b + 1) < MaxProduct)
            {
                long cell = _columnBase[a] + b;
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(_cells + cell);
                int q = _queuedAt + _queued++;
                _cellQueue[q] = cell;
                _weightQueue[q] = (uint)w; // w <= WeightScale, far below 2^32
                return;
            }
            AddToBuffer(a, b, w);
        }

        /// <summary>Applies the previous token's queued dense updates; this token's become the pending ones.</summary>
        public void EndToken()
        {
            uint* cells = _cells;
            var pc = _cellQueue; var pw = _weightQueue;
            for (int k = _pendingAt, end = _pendingAt + _pending; k < end; k++)
            {
                long c = pc[k];
                uint old = cells[c], sum = old + pw[k];
                cells[c] = sum;
                if (sum < old) Carry(c);
            }
            (_pendingAt, _queuedAt) = (_queuedAt, _pendingAt);
            _pending = _queued;
            _queued = 0;
        }

        public void Dispose() => Dense.Dispose();

        /// <summary>A dense cell wrapped past 2^32: its carry goes to the pair buffer, which the merge sums with the cell.</summary>
        void Carry(long cell)
        {
            int a = Dense.RowOf(cell);
            AddToBuffer(a, (int)(cell - _columnBase[a]), 1L << 32);
        }

        // Out of line: the rare path of every pair update (Add is inlined into the window loop).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        void AddToBuffer(int a, int b, long w)
        {
            if (Fill == Keys.Length) Flush();
            Keys[Fill] = ((ulong)(uint)a << 32) | (uint)b;
            Values[Fill] = w;
            Fill++;
        }

        /// <summary>Applies every queued update (end of a block: the counts must be complete).</summary>
        public void Drain() { EndToken(); EndToken(); }

        void Flush()
        {
            Fill = SortedRun.SortAndReduce(Keys, Values, Fill);
            // Reduction freed enough room: keep accumulating in memory instead of writing a small run.
            if (Fill < Keys.Length * 3 / 4) return;
            Spill();
        }

        /// <summary>Writes the sorted, reduced buffer as a run (a symmetric count: also its mirror, as a second run) and
        /// empties it.</summary>
        void Spill()
        {
            SpillRun(0, Fill);
            if (Symmetric) SpillRun(0, SortedRun.Mirror(Keys, Values, 0, Fill, 0));
            Fill = 0;
        }

        void SpillRun(int start, int count)
        {
            var path = Path.Combine(TempDir, $"run-{Interlocked.Increment(ref _runCounter):D6}.bin");
            SortedRun.Write(path, Keys, Values, start, count, _runBuffer ??= new byte[RunFileWriter.BufferBytes]);
            Spilled.Add(path);
        }

        /// <summary>The buffer as a sorted source, or null when empty. A symmetric count's mirror goes beside its pairs
        /// when there is room (else both go to disk, as a spill would): the buffer holds the upper triangle only.</summary>
        public IRunSource? FinishBuffer()
        {
            // Nothing follows the buffered pairs: the room after them (where a symmetric count's mirror goes next) is
            // the sort's scratch.
            Fill = SortedRun.SortAndReduce(Keys, Values, Fill, tailIsScratch: true);
            if (Fill == 0) return null;
            if (!Symmetric) return new MemoryRun(Keys, Values, 0, Fill);
            if (2L * Fill > Keys.Length) { Spill(); return null; }
            int m = SortedRun.Mirror(Keys, Values, 0, Fill, Fill);
            return new DisjointUnionRun(new MemoryRun(Keys, Values, 0, Fill), new MemoryRun(Keys, Values, Fill, m));
        }
    }

    struct WindowSink(Worker w) : ITokenSink
    {
        public void Token(ReadOnlySpan<byte> token)
        {
            if (w.Line < w.LineLo || w.Line >= w.LineHi) return;
            if (!w.ContextOnly) w.Tokens++;
            int id = w.Vocab.Find(token);
            if (id < 0) return;
            // The fields the loop reads, in locals: w.Add writes to w, so the JIT would reload them every pair.
            var history = w.History;
            var weights = w.DistanceWeight;
            int window = history.Length;
            int j = w.Pos;
            int lo = j > window ? j - window : 0;
            if (w.ContextOnly) lo = j;
            // The ring's slot of token j - 1, stepped down without a division per pair (one per token).
            int slot = j == 0 ? 0 : (j - 1) % window;
            if (w.Symmetric)
            {
                for (int k = j - 1; k >= lo; k--)
                {
                    int left = history[slot];
                    slot = slot == 0 ? window - 1 : slot - 1;
                    long wt = weights[j - k];
                    // One update of the upper-triangle cell stands for both orders (a word paired with itself adds
                    // twice); min/max and the doubling compile to conditional moves, not a coin-flip branch.
                    int row = Math.Min(left, id), col = Math.Max(left, id);
                    w.Add(row, col, left == id ? wt + wt : wt);
                }
            }
            else
            {
                for (int k = j - 1; k >= lo; k--)
                {
                    int left = history[slot];
                    slot = slot == 0 ? window - 1 : slot - 1;
                    w.Add(left, id, weights[j - k]);
                }
            }
            w.EndToken();
            history[j % window] = id;
            w.Pos = j + 1;
        }
        public void EndOfDocument() { w.Pos = 0; w.Line++; }
    }

    /// <summary>Counts <paramref name="corpusPath"/> into <c>outDir/cooccurrence.bin</c> and <c>outDir/cooccurrence.csr.safetensors</c>.</summary>
    public static CooccurrenceResult Count(string corpusPath, Vocabulary vocab, string outDir, CooccurrenceOptions o,
        Action<string, double>? progress = null)
    {
        var sw = Stopwatch.StartNew();
        o.Validate();
        vocab.CheckTokenizer(o.Tokenizer);
        CountingBytesPerThread(o, vocab, out _); // refuse an impossible budget before touching the output folder
        // The folder is published as a whole (old complete set or new complete set, whatever instant a kill lands);
        // spill runs live in this run's staging folder, which the next run removes if this one dies.
        using var publish = IO.AtomicDirectory.Begin(outDir, OwnFiles);
        var tempDir = Path.Combine(publish.Staging, $".glovev-cooccur-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tempDir);
        long tokens, nnz; int spilled;
        try
        {
            List<IRunSource> sources;
            (sources, tokens, spilled) = CountSources(corpusPath, vocab, o, tempDir, 0, long.MaxValue, progress);
            if (tokens == 0)
            {
                DisposeAll(sources);
                throw new GloVeVException($"{corpusPath}: corpus is empty (no tokens)");
            }
            (_, _, nnz) = WriteMatrix(sources, vocab, publish.Staging, o, tokens, progress);
        }
        finally
        {
            try { Directory.Delete(tempDir, true); } catch (IOException) { }
        }
        publish.Commit();
        return new CooccurrenceResult(tokens, vocab.Count, nnz, spilled, sw.Elapsed.TotalSeconds,
            Path.Combine(publish.Target, "cooccurrence.bin"), Path.Combine(publish.Target, CsrMatrix.FileName));
    }

    /// <summary>Files a co-occurrence or shard folder may hold; anything else means --out names some other folder.</summary>
    static readonly string[] OwnFiles = ["cooccurrence.bin", CsrMatrix.FileName, PartialFile, PartialInfoFile];

    /// <summary>Whether a co-occurrence folder's file is one this stage writes (glovev run checks a previous run's
    /// folder with it before replacing it).</summary>
    public static bool IsOwnFile(string name) => OwnFiles.Contains(name);

    /// <summary>Counts lines [lineLo, lineHi) into sorted sources ready for a k-way merge (files live in tempDir).</summary>
    static (List<IRunSource> Sources, long Tokens, int Spilled) CountSources(string corpusPath, Vocabulary vocab, CooccurrenceOptions o,
        string tempDir, long lineLo, long lineHi, Action<string, double>? progress)
    {
        o.Validate();
        int threads = o.Threads;
        long perThread = CountingBytesPerThread(o, vocab, out int blockSize);
        // The dense block pays off only while it is small next to the number of pair updates a thread makes (~ corpus
        // bytes / threads), since every cell is zeroed (fresh memory costs about as much as the counting) and scanned.
        // A symmetric count's cell takes both orders' updates, so its triangle gets half the cells (the same reach:
        // gutenberg_10M at 1 thread, 4G: 333 MB peak and 2.9 s, against 510 MB and 3.9 s with the full number). One
        // cell per corpus byte rather than two: 2.51 s against 2.78 (1 thread) and 2.05 against 2.17 (2 threads),
        // medians of 9 and 7 alternating runs, 268 / 341 MB peak against 329 / 393, the same output; half a cell
        // per byte was no faster than one.
        long fileBytes = File.Exists(corpusPath) ? new FileInfo(corpusPath).Length : 0;
        if (corpusPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) fileBytes *= 3;
        long cellCap = Math.Max(1 << 20, fileBytes / threads) / (o.Symmetric ? 2 : 1);
        long maxProduct = ChooseMaxProduct(vocab.Count, Math.Min(cellCap, DenseBlock.CellsWithin(perThread / 2)), o.Symmetric);
        long denseBytes = DenseBlock.BytesFor(DenseBlock.CellsFor(vocab.Count, maxProduct, o.Symmetric));
        int bufferEntries = (int)Math.Clamp((perThread - denseBytes) / 16, 1024, int.MaxValue / 2);
        CorpusPipeline.Run(corpusPath, o.Tokenizer, threads,
            _ => new Worker(o, vocab, maxProduct, bufferEntries, tempDir) { LineLo = lineLo, LineHi = lineHi },
            (w, block) =>
            {
                if (block.FirstLine >= lineHi) return;
                var sink = new WindowSink(w); w.Pos = 0; w.Line = block.FirstLine;
                if (block.Start > 0)
                {
                    w.ContextOnly = true;
                    w.Tokenizer.Tokenize(block.Context, ref sink);
                    w.ContextOnly = false;
                }
                w.Tokenizer.Tokenize(block.Span, ref sink);
                w.Drain();
            },
            out var workers, bytes => progress?.Invoke("counting", fileBytes > 0 ? Math.Min(1.0, (double)bytes / fileBytes) : 0),
            LineContext.For(vocab, o.Tokenizer, o.Window), blockSize);
        try { return CollectSources(workers, threads, tempDir); }
        catch { foreach (var w in workers) w.Dispose(); throw; }
    }

    /// <summary>The workers' counts as sorted sources: their dense blocks, their sorted buffers, the spilled runs
    /// (collapsed so that no more than <see cref="MaxOpenRuns"/> are open at once).</summary>
    static (List<IRunSource> Sources, long Tokens, int Spilled) CollectSources(Worker[] workers, int threads, string tempDir)
    {
        long tokens = workers.Sum(w => w.Tokens);
        // The buffers are sorted in parallel (a symmetric buffer with no room for its mirror spills here).
        var buffers = new IRunSource?[workers.Length];
        Parallel.For(0, workers.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => buffers[t] = workers[t].FinishBuffer());
        var spilled = workers.SelectMany(w => w.Spilled).ToList();
        int spilledCount = spilled.Count;
        // Collapse run files so no more than MaxOpenRuns are open at once in the final merge. The read buffers (and the
        // writer's) are the same in every round: thousands of runs at a small budget made a collapse round's 4 MB of
        // buffers garbage each time, and that garbage was the process's peak.
        var readBuffers = new byte[Math.Min(MaxOpenRuns, spilled.Count)][];
        for (int b = 0; b < readBuffers.Length; b++) readBuffers[b] = new byte[FileRun.BufferBytes];
        byte[]? writeBuffer = null;
        MergeScratch? scratch = null;
        while (spilled.Count > MaxOpenRuns)
        {
            var group = spilled.Take(MaxOpenRuns).ToList();
            spilled = spilled.Skip(MaxOpenRuns).ToList();
            var merged = Path.Combine(tempDir, $"merge-{Guid.NewGuid():N}.bin");
            MergeToRun(group.Select((p, b) => (IRunSource)new FileRun(p, buffer: readBuffers[b])).ToList(), merged,
                writeBuffer ??= new byte[RunFileWriter.BufferBytes], scratch ??= new MergeScratch());
            spilled.Add(merged);
        }
        // The workers' dense blocks are added into the first (in parallel; the sums' carries are a source of their
        // own, each block's earlier carries sit in its worker's buffer), so the merge reads one block.
        var sources = new List<IRunSource>();
        var carries = workers[0].Dense.AddAndRelease(workers.Skip(1).Select(w => w.Dense).ToList(), threads);
        sources.Add(workers[0].Dense.Iterate());
        if (carries != null) sources.Add(carries);
        foreach (var b in buffers) if (b != null) sources.Add(b);
        sources.AddRange(spilled.Select((p, b) => (IRunSource)new FileRun(p, buffer: readBuffers[b])));
        return (sources, tokens, spilledCount);
    }

    /// <summary>Merges sorted sources into GloVe C's cooccurrence.bin and our CSR file.</summary>
    static (string Bin, string Csr, long NonZeros) WriteMatrix(List<IRunSource> sources, Vocabulary vocab, string outDir, CooccurrenceOptions o,
        long tokens, Action<string, double>? progress)
    {
        progress?.Invoke("merging", 0);
        double inv = 1.0 / o.WeightScale;
        var binPath = Path.Combine(outDir, "cooccurrence.bin");
        var csrPath = Path.Combine(outDir, CsrMatrix.FileName);
        var rowCounts = new long[vocab.Count];
        long nnz = 0;
        Dictionary<string, string> Metadata(string bytes, string sha) => new()
        {
            ["vocab_size"] = vocab.Count.ToString(),
            ["vocab_hash"] = vocab.Hash(),
            ["window"] = o.Window.ToString(),
            ["symmetric"] = o.Symmetric ? "true" : "false",
            ["distance_weighting"] = o.DistanceWeighting ? "true" : "false",
            ["tokens"] = tokens.ToString(),
            ["source_bytes"] = bytes, ["source_sha256"] = sha,
        };
        // The CSR file is written from the merged records as they go to the .bin (no second pass over the .bin).
        using var csr = new CsrStreamWriter(csrPath, vocab.Count, Metadata(new string('9', 20), new string('0', 64)));
        using var bin = new GloVeBinaryWriter(binPath, csr);
        KWayMerge(sources, (keys, values) =>
        {
            bin.Write(keys, values, inv, rowCounts);
            nnz += keys.Length;
        });
        bin.Finish();
        progress?.Invoke("csr", 0);
        // Both files become durable at once.
        var binDone = Task.Run(bin.Commit);
        try { csr.Commit(rowCounts, Metadata(bin.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), bin.Sha256)); }
        catch
        {
            try { binDone.Wait(); } catch (AggregateException) { } // the writers are disposed only once it is done
            throw;
        }
        binDone.GetAwaiter().GetResult();
        return (binPath, csrPath, nnz);
    }

    public const string PartialFile = "partial.run";
    public const string PartialInfoFile = "partial.tsv";

    /// <summary>
    /// Counts shard <paramref name="shard"/> of <paramref name="count"/> (1-based) — a contiguous range of lines — into
    /// <c>partDir</c> as one sorted run of integer weights (<c>partial.run</c>) and its settings (<c>partial.tsv</c>).
    /// The folder appears complete or not at all. Returns the number of distinct pairs.
    /// </summary>
    public static long CountShard(string corpusPath, Vocabulary vocab, string partDir, CooccurrenceOptions o, int shard, int count)
    {
        if (count < 1 || shard < 1 || shard > count) throw new BadArgumentException($"shard must be k/N with 1 <= k <= N, got {shard}/{count}");
        o.Validate();
        vocab.CheckTokenizer(o.Tokenizer);
        CountingBytesPerThread(o, vocab, out _);
        var (lines, corpusHash) = CountLines(corpusPath, o.Tokenizer);
        long lo = lines * (shard - 1) / count, hi = lines * shard / count;
        using var publish = IO.AtomicDirectory.Begin(partDir, OwnFiles);
        var stage = publish.Staging;
        try
        {
            var (sources, tokens, _) = CountSources(corpusPath, vocab, o, stage, lo, hi, null);
            long pairs = MergeToRun(sources, Path.Combine(stage, PartialFile));
            foreach (var f in Directory.GetFiles(stage)) if (Path.GetFileName(f) != PartialFile) File.Delete(f);
            File.WriteAllText(Path.Combine(stage, PartialInfoFile), string.Join("\n", new[]
            {
                $"shard\t{shard}", $"shards\t{count}", $"lines\t{lo}\t{hi}", $"tokens\t{tokens}", $"pairs\t{pairs}",
                $"corpus_lines\t{lines}", $"corpus_bytes\t{new FileInfo(corpusPath).Length}", $"{CorpusHashKey}\t{corpusHash}",
                $"vocab_size\t{vocab.Count}", $"vocab_hash\t{vocab.Hash()}", $"window\t{o.Window}", $"symmetric\t{o.Symmetric}",
                $"distance_weighting\t{o.DistanceWeighting}", $"lowercase\t{o.Tokenizer.Lowercase}", $"split_punctuation\t{o.Tokenizer.SplitPunctuation}",
            }) + "\n");
            publish.Commit();
            return pairs;
        }
        finally
        {
            if (Directory.Exists(stage)) try { Directory.Delete(stage, true); } catch (IOException) { }
        }
    }

    /// <summary>Key in <c>partial.tsv</c> of the corpus's content hash: XXH3-64 of its text as the counting reads it
    /// (decompressed, after a byte-order mark, invalid UTF-8 replaced when asked), in hex.</summary>
    public const string CorpusHashKey = "corpus_xxh3";

    /// <summary>The corpus's lines and its content hash, in one pass over the text (a shard must know the line count
    /// before it counts its range; the hash rides along at ~10 GB/s, so shards of different corpora with equal line
    /// and byte counts cannot merge).</summary>
    static (long Lines, string Hash) CountLines(string corpusPath, TokenizerOptions tok)
    {
        long lines = 0;
        var hash = new System.IO.Hashing.XxHash3();
        using var r = new CorpusReader(corpusPath, tok.ReplaceInvalidUtf8);
        CorpusBlock? last = null;
        for (var b = r.Next(); b != null; b = r.Next()) { lines += b.Span.Count((byte)'\n'); hash.Append(b.Span); last = b; }
        // A final line without a newline is a line too.
        if (last != null && last.Length > 0 && last.Data[last.Length - 1] != (byte)'\n') lines++;
        return (lines, Convert.ToHexStringLower(hash.GetCurrentHash()));
    }

    /// <summary>Merges shard folders (all shards 1..N of one configuration) into the matrix a single run produces.</summary>
    public static CooccurrenceResult MergeShards(IReadOnlyList<string> partDirs, Vocabulary vocab, string outDir)
    {
        var sw = Stopwatch.StartNew();
        if (partDirs.Count == 0) throw new GloVeVException("merge-cooccur needs at least one shard folder");
        IO.OutputPaths.RefuseInputFolders(outDir, partDirs, "shard");
        var infos = partDirs.Select(ReadPartialInfo).ToList();
        var first = infos[0];
        // The corpus too (its lines and bytes): shards of different corpora would merge into a matrix no run produces.
        string[] same = ["shards", "corpus_lines", "corpus_bytes", "vocab_size", "vocab_hash", "window", "symmetric", "distance_weighting", "lowercase", "split_punctuation"];
        for (int p = 1; p < infos.Count; p++)
            foreach (var key in same)
                if (infos[p].GetValueOrDefault(key, "(none)") != first.GetValueOrDefault(key, "(none)"))
                    throw new GloVeVException($"{partDirs[p]}: shard was made with {key} = {infos[p].GetValueOrDefault(key, "(none)")}, but {partDirs[0]} with {first.GetValueOrDefault(key, "(none)")}");
        // The corpus's content too: shards of different corpora of equal lines and bytes would otherwise merge into a
        // matrix no run produces. Shards of earlier versions lack the hash: they merge only among themselves.
        for (int p = 1; p < infos.Count; p++)
        {
            string? a = infos[p].GetValueOrDefault(CorpusHashKey), b = first.GetValueOrDefault(CorpusHashKey);
            if (a == b) continue;
            if (a == null || b == null)
                throw new GloVeVException($"{(a == null ? partDirs[p] : partDirs[0])}: shard records no corpus content hash (an earlier version made it), but " +
                    $"{(a == null ? partDirs[0] : partDirs[p])} does, so they cannot be checked to come from the same corpus; count all shards again");
            throw new GloVeVException($"{partDirs[p]} and {partDirs[0]}: the shards were counted from different corpora (corpus content hash {a} vs {b}); " +
                "count every shard from the same corpus file");
        }
        int n = int.Parse(first["shards"]);
        var got = infos.Select(i => int.Parse(i["shard"])).Order().ToList();
        if (!got.SequenceEqual(Enumerable.Range(1, n)))
            throw new GloVeVException($"shards given: {string.Join(",", got)}; need each of 1..{n} exactly once");
        if (first["vocab_hash"] != vocab.Hash()) throw new GloVeVException("the shards were counted with a different vocabulary");
        // Shard k's lines end where shard k + 1's begin, from line 0 to the corpus's last.
        long expect = 0;
        foreach (var (info, dir) in infos.Zip(partDirs).OrderBy(x => int.Parse(x.First["shard"])))
        {
            var span = info["lines"].Split('\t');
            if (span.Length != 2 || long.Parse(span[0]) != expect)
                throw new GloVeVException($"{dir}: shard {info["shard"]} covers lines {info["lines"].Replace('\t', '-')}, but the shards before it end at line {expect}");
            expect = long.Parse(span[1]);
        }
        if (first.TryGetValue("corpus_lines", out var total) && expect != long.Parse(total))
            throw new GloVeVException($"the shards end at line {expect}, but the corpus has {total} lines");
        var o = new CooccurrenceOptions { Window = int.Parse(first["window"]), Symmetric = bool.Parse(first["symmetric"]), DistanceWeighting = bool.Parse(first["distance_weighting"]) };
        long tokens = infos.Sum(i => long.Parse(i["tokens"]));
        using var publish = IO.AtomicDirectory.Begin(outDir, OwnFiles);
        var sources = partDirs.Select(d => (IRunSource)new CheckedRun(new FileRun(Path.Combine(d, PartialFile), deleteOnClose: false),
            Path.Combine(d, PartialFile), vocab.Count)).ToList();
        var (_, _, nnz) = WriteMatrix(sources, vocab, publish.Staging, o, tokens, null);
        publish.Commit();
        return new CooccurrenceResult(tokens, vocab.Count, nnz, 0, sw.Elapsed.TotalSeconds,
            Path.Combine(publish.Target, "cooccurrence.bin"), Path.Combine(publish.Target, CsrMatrix.FileName));
    }

    static Dictionary<string, string> ReadPartialInfo(string dir)
    {
        IO.AtomicDirectory.Recover(dir);
        // The manifest's hashes too (kept for files up to 64 MB): a damaged shard is named here, before the merge.
        if (Directory.Exists(dir)) IO.AtomicDirectory.Verify(dir, hashes: true);
        var p = Path.Combine(dir, PartialInfoFile);
        if (!File.Exists(p) || !File.Exists(Path.Combine(dir, PartialFile)))
            throw new MissingFileException($"{dir}: not a co-occurrence shard (no {PartialInfoFile} / {PartialFile})");
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(p))
        {
            var f = line.Split('\t', 2);
            if (f.Length == 2) d[f[0]] = f[1];
        }
        // Every setting a merge reads, present and well formed (a hand-edited or damaged file failed inside the merge
        // with a .NET exception: a missing key, "x" for a number).
        string Field(string key) => d.TryGetValue(key, out var v) ? v
            : throw new GloVeVException($"{p}: no '{key}' line; this is not a complete shard record (count the shard again)");
        long Whole(string key, long min, long max = long.MaxValue, string? text = null)
        {
            var v = text ?? Field(key);
            return long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long x) && x >= min && x <= max ? x
                : throw new GloVeVException($"{p}: '{key}' is '{v}', not a whole number in {min}..{(max == long.MaxValue ? "" : max.ToString())}");
        }
        void Flag(string key)
        {
            if (!bool.TryParse(Field(key), out _)) throw new GloVeVException($"{p}: '{key}' is '{Field(key)}', not true or false");
        }
        long shards = Whole("shards", 1, int.MaxValue);
        Whole("shard", 1, shards);
        var span = Field("lines").Split('\t');
        if (span.Length != 2) throw new GloVeVException($"{p}: 'lines' is '{Field("lines")}', not two line numbers");
        long start = Whole("lines", 0, text: span[0]);
        Whole("lines", start, text: span[1]); // the range ends at or after its start
        Whole("tokens", 0); Whole("vocab_size", 1, int.MaxValue);
        Whole("window", 1, CooccurrenceOptions.MaxWindow);
        Field("vocab_hash");
        foreach (var key in new[] { "symmetric", "distance_weighting" }) Flag(key);
        // Shards of earlier versions may lack these (the merge compares them as "(none)"): checked where present.
        foreach (var key in new[] { "corpus_lines", "corpus_bytes" }) if (d.ContainsKey(key)) Whole(key, 0);
        foreach (var key in new[] { "lowercase", "split_punctuation" }) if (d.ContainsKey(key)) Flag(key);
        long pairs = Whole("pairs", 0);
        if (new FileInfo(Path.Combine(dir, PartialFile)).Length != 16 * pairs)
            throw new GloVeVException($"{dir}: {PartialFile} is truncated (size does not match its {pairs} pairs)");
        return d;
    }

    /// <summary>
    /// Splits the memory budget. The runtime and vocabulary, the corpus blocks in flight, the merge buffers and some
    /// slack for the collector come first; 70% of the rest is counting state shared by the threads (half dense block,
    /// half pair buffer; the other 30% covers garbage not yet collected), so peak RSS stays under --memory. Small
    /// budgets read smaller blocks rather than starve the counting state; a budget that cannot hold even the minimum
    /// is refused rather than exceeded.
    /// </summary>
    internal static long CountingBytesPerThread(CooccurrenceOptions o, Vocabulary vocab, out int blockSize)
    {
        int threads = o.Threads;
        var (perThread, block, _) = Plan(o.MemoryBytes, threads, vocab);
        blockSize = block;
        if (perThread < MinCountingBytes)
        {
            long need = MinimumMemoryBytes(vocab, threads);
            var (_, needBlock, needReserved) = Plan(need, threads, vocab);
            static string Mb(long b) => $"{Math.Ceiling(b / 1048576.0):F0}";
            string given = (o.MemoryBytes % (1 << 20) == 0 ? (o.MemoryBytes >> 20).ToString() : (o.MemoryBytes / 1048576.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)) + "M";
            throw new BadArgumentException($"memory {given} is too small for {vocab.Count:N0} words on {threads} thread(s): " +
                $"counting needs at least {Mb(need)}M (program {Mb(FixedBytes)}M, vocabulary {Mb(vocab.ApproximateBytes)}M, " +
                $"corpus blocks {Mb(CorpusPipeline.ReadAheadBytes(threads, needBlock))}M, merge buffers {Mb(MergeBufferBytes)}M, row tables {Mb(PerWordBytes(vocab.Count, threads))}M, slack {Mb(CollectorSlackBytes)}M, " +
                $"pair buffers {Mb(need - needReserved)}M); give a memory budget of {Mb(need)}M or more{(threads > 1 ? ", or fewer threads" : "")}");
        }
        return perThread;
    }

    static (long PerThread, int BlockSize, long Reserved) Plan(long memory, int threads, Vocabulary vocab)
    {
        int blockSize = (int)Math.Clamp(memory / (16 * (3L * threads + 2)), 256L << 10, CorpusPipeline.DefaultBlockSize);
        long reserved = FixedBytes + vocab.ApproximateBytes + CorpusPipeline.ReadAheadBytes(threads, blockSize) + MergeBufferBytes + CollectorSlackBytes
            + PerWordBytes(vocab.Count, threads);
        return ((long)((memory - reserved) * 0.7) / threads, blockSize, reserved);
    }

    /// <summary>The smallest --memory a count with this vocabulary and thread count accepts (in bytes).</summary>
    public static long MinimumMemoryBytes(Vocabulary vocab, int threads)
    {
        // Blocks grow with the budget, so the counting state does not grow one for one with it: step up from the
        // smallest candidate in 64 KB steps (a few hundred plans at most).
        long m = Plan(0, threads, vocab).Reserved;
        while (Plan(m, threads, vocab).PerThread < MinCountingBytes) m += 64 << 10;
        return m;
    }

    /// <summary>Arrays of a long per word: each worker's dense-block row offsets (two), and the merge's row counts and
    /// the CSR's indptr (15 MB a worker at 916K words: left out of the plan, they had put such a count 12-27 MB over
    /// its minimum budget).</summary>
    static long PerWordBytes(int words, int threads) => 16L * (words + 1) * (threads + 1);

    /// <summary>Smallest per-thread counting state worth running with (32K pairs in the buffer).</summary>
    const long MinCountingBytes = 512L << 10;

    /// <summary>Largest GloVe-C-style product bound whose dense block fits in <paramref name="cells"/> cells.</summary>
    static long ChooseMaxProduct(int vocab, long cells, bool upper)
    {
        long lo = 1, hi = (long)vocab * vocab + 1;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (DenseBlock.CellsFor(vocab, mid, upper) <= cells) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Merges sorted sources into one run file; returns its number of records.</summary>
    static long MergeToRun(List<IRunSource> sources, string path, byte[]? buffer = null, MergeScratch? scratch = null)
    {
        using var w = new RunFileWriter(path, buffer);
        KWayMerge(sources, (keys, values) => { for (int i = 0; i < keys.Length; i++) w.Append(keys[i], values[i]); }, scratch);
        return w.Records;
    }

    /// <summary>Receives the next merged entries, in key order (the spans are reused after the call).</summary>
    internal delegate void MergedBatch(ReadOnlySpan<ulong> keys, ReadOnlySpan<long> values);

    /// <summary>Merges sorted sources, summing equal keys (across sources, and within one); disposes the sources.</summary>
    internal static void KWayMerge(List<IRunSource> sources, MergedBatch emit, MergeScratch? scratch = null)
    {
        // The sources may hold large native blocks: release them whether the merge completes or fails (a full disk).
        try { Merge(sources, emit, scratch ?? new MergeScratch()); }
        finally { DisposeAll(sources); }
    }

    /// <summary>A merge's output batch, kept from one merge to the next: a count at a small budget collapses thousands
    /// of runs, and a fresh batch each round was garbage the collector let pile up above --memory (as the run buffers
    /// once were).</summary>
    internal sealed class MergeScratch
    {
        public readonly ulong[] OutKeys = new ulong[RunCursor.Size];
        public readonly long[] OutValues = new long[RunCursor.Size];
    }

    static void DisposeAll(List<IRunSource> sources) { foreach (var s in sources) s.Dispose(); }

    /// <summary>Collects merged entries into batches, summing a key that comes again.</summary>
    sealed class MergedOutput(MergedBatch emit, MergeScratch scratch)
    {
        readonly ulong[] _keys = scratch.OutKeys;
        readonly long[] _values = scratch.OutValues;
        int _n;
        bool _have;
        ulong _key;
        long _value;

        public void Add(ulong key, long value)
        {
            if (_have && key == _key) { _value += value; return; }
            if (_have)
            {
                _keys[_n] = _key; _values[_n] = _value;
                if (++_n == _keys.Length) { emit(_keys, _values); _n = 0; }
            }
            _key = key; _value = value; _have = true;
        }

        public void Finish()
        {
            if (_have) { _keys[_n] = _key; _values[_n++] = _value; _have = false; }
            if (_n > 0) emit(_keys.AsSpan(0, _n), _values.AsSpan(0, _n));
            _n = 0;
        }
    }

    static void Merge(List<IRunSource> sources, MergedBatch emit, MergeScratch scratch)
    {
        var output = new MergedOutput(emit, scratch);
        // A count merges its dense blocks with one buffer per thread (and any spilled runs): for a handful of sources
        // a linear scan for the smallest key beats a heap.
        if (sources.Count <= 8) { LinearMerge(sources.Select(s => new RunCursor(s)).ToList(), output); output.Finish(); return; }
        // Many sources (up to MaxOpenRuns run files at a small budget, each with its own read buffer): an entry at a
        // time, without batches of their own.
        var pq = new PriorityQueue<int, ulong>(sources.Count);
        for (int s = 0; s < sources.Count; s++) if (sources[s].MoveNext()) pq.Enqueue(s, sources[s].Key);
        while (pq.TryDequeue(out int s, out ulong key))
        {
            var src = sources[s];
            output.Add(key, src.Value);
            if (src.MoveNext()) pq.Enqueue(s, src.Key);
        }
        output.Finish();
    }

    /// <summary>Takes, from the source with the smallest next key, every entry up to the next key of the others, a
    /// batch at a time (long stretches of one source: a row's dense cells, then its rarer pairs from the buffer).</summary>
    static void LinearMerge(List<RunCursor> cursors, MergedOutput output)
    {
        var live = new List<RunCursor>(cursors.Count);
        foreach (var c in cursors) if (c.Refill()) live.Add(c);
        while (live.Count > 0)
        {
            int m = 0;
            ulong min = live[0].Head, bound = ulong.MaxValue;
            for (int s = 1; s < live.Count; s++)
            {
                ulong h = live[s].Head;
                if (h < min) { bound = min; min = h; m = s; }
                else if (h < bound) bound = h;
            }
            var c = live[m];
            var ks = c.Keys; var vs = c.Values;
            int p = c.Pos, n = c.Count;
            // Equal keys of other sources come next and are summed by the output.
            for (; p < n && ks[p] <= bound; p++) output.Add(ks[p], vs[p]);
            c.Pos = p;
            if (p == n && !c.Refill()) live.RemoveAt(m);
        }
    }
}
