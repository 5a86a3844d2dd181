using GloVeV.Cooccurrence;
using GloVeV.Text;
using Xunit;

namespace GloVeV.Tests;

public class CooccurrenceTests
{
    /// <summary>A straightforward reference: split lines on GloVe C's separators, drop OOV, add 1/d for every pair
    /// within the window, the left word as row (and the reverse when symmetric).</summary>
    static Dictionary<(int, int), double> Reference(string corpus, Vocabulary v, int window, bool symmetric, bool weighting, TokenizerOptions? tok = null)
    {
        var counts = new Dictionary<(int, int), double>();
        foreach (var line in File.ReadAllText(corpus).Split('\n'))
        {
            var ids = new List<int>();
            foreach (var raw in line.Replace("\r", "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                var w = tok?.Lowercase == true ? raw.ToLowerInvariant() : raw;
                if (v.TryGetId(w, out var id)) ids.Add(id);
            }
            for (int j = 0; j < ids.Count; j++)
                for (int k = Math.Max(0, j - window); k < j; k++)
                {
                    double x = weighting ? 1.0 / (j - k) : 1.0;
                    counts[(ids[k], ids[j])] = counts.GetValueOrDefault((ids[k], ids[j])) + x;
                    if (symmetric) counts[(ids[j], ids[k])] = counts.GetValueOrDefault((ids[j], ids[k])) + x;
                }
        }
        return counts;
    }

    static Dictionary<(int, int), double> ReadBinary(string path, int v)
    {
        var d = new Dictionary<(int, int), double>();
        var prev = (0, 0);
        GloVeBinaryReader.ForEach(path, v, r =>
        {
            var key = (r.Word1 - 1, r.Word2 - 1);
            Assert.True(key.CompareTo(prev) > 0 || d.Count == 0, "records sorted by (i, j) and unique");
            prev = key;
            d[key] = r.Value;
        });
        return d;
    }

    static void AssertSame(Dictionary<(int, int), double> expect, Dictionary<(int, int), double> got)
    {
        Assert.Equal(expect.Count, got.Count);
        foreach (var (k, x) in expect)
        {
            Assert.True(got.TryGetValue(k, out var y), $"missing pair {k}");
            Assert.True(Math.Abs(x - y) <= 1e-12 * Math.Abs(x), $"pair {k}: {x} vs {y}");
        }
    }

    [Theory]
    [InlineData(10, true, true, 2)]
    [InlineData(5, false, true, 1)]
    [InlineData(3, true, false, 2)]
    public void MatchesAStraightforwardReferenceOnRealText(int window, bool symmetric, bool weighting, int threads)
    {
        var corpus = TestPaths.Data("sotu_small.txt");
        var dir = TestPaths.TempDir();
        var v = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 3, Threads = threads }).Vocabulary;
        var r = CooccurrenceCounter.Count(corpus, v, dir, new CooccurrenceOptions { Window = window, Symmetric = symmetric, DistanceWeighting = weighting, Threads = threads });
        var expect = Reference(corpus, v, window, symmetric, weighting);
        AssertSame(expect, ReadBinary(r.BinaryPath, v.Count));
        using var csr = CsrMatrix.Open(r.CsrPath);
        Assert.Equal(expect.Count, csr.NonZeros);
        foreach (var ((i, j), x) in expect.Take(5000)) Assert.True(Math.Abs(x - csr.Get(i, j)) <= 1e-12 * x, $"CSR ({i},{j})");
        Assert.True(r.Tokens > 100_000);
    }

    /// <summary>A line longer than a corpus block (4 MB) is cut between blocks, each piece replaying the window
    /// context before its cut: the counts equal the reference's exactly, whatever thread gets which piece.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void HugeSingleLinesAreCountedExactlyInPieces(int threads)
    {
        var rng = new Random(5);
        var words = Enumerable.Range(0, 40).Select(i => $"w{i}").ToArray();
        var oov = Enumerable.Range(0, 40).Select(i => $"Zz{i}").ToArray();
        var sb = new System.Text.StringBuilder();
        sb.Append("W1 w2 w3\n");
        for (int k = 0; sb.Length < 9_500_000; k++)
        {
            // Long stretches of out-of-vocabulary words now and then: the context must skip them.
            if (k % 50_000 == 7) for (int q = 0; q < 20_000; q++) sb.Append(oov[rng.Next(oov.Length)]).Append(rng.Next(4) == 0 ? "\t" : " ");
            sb.Append(rng.Next(5) == 0 ? oov[rng.Next(oov.Length)] : words[rng.Next(words.Length)].ToUpperInvariant()).Append(' ');
        }
        sb.Append("\nw1 w2\n");
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, sb.ToString());
        var v = new Vocabulary(words, words.Select((_, i) => (long)(100 - i)).ToArray());
        var tok = new TokenizerOptions { Lowercase = true };
        var r = CooccurrenceCounter.Count(corpus, v, Path.Combine(dir, "out"), new CooccurrenceOptions { Window = 5, Threads = threads, Tokenizer = tok, MemoryBytes = 64L << 20 });
        AssertSame(Reference(corpus, v, 5, true, true, tok), ReadBinary(r.BinaryPath, v.Count));
    }

    /// <summary>Dense cells are 32-bit: a pair counted past 2^32 weight units hands its carries to the pair buffer, and
    /// the merge adds them back. Symmetric: two words in random order make all four cells wrap at least twice.
    /// Asymmetric: the cycle "a b c" makes (a, b) wrap more often than (b, a), so a carry filed under the wrong cell
    /// fails (checked by swapping row and column in the carry). Each worker counts its share of the lines, so the corpus is large enough for each one's cells to wrap
    /// (small blocks at a 64 MB budget spread the lines over both workers).</summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void DenseCellsThatWrapPast32BitsKeepTheirCarries(int threads, bool symmetric)
    {
        var rng = new Random(11);
        string[] words = symmetric ? ["a", "b"] : ["a", "b", "c"];
        var sb = new System.Text.StringBuilder();
        for (int line = 0; line < 8; line++)
        {
            for (int k = 0; k < (symmetric ? 600_000 : 900_000); k++)
                sb.Append(symmetric ? words[rng.Next(2)] : words[k % 3]).Append(' ');
            sb.Append('\n');
        }
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, sb.ToString());
        var v = new Vocabulary(words, words.Select(_ => 1_600_000L).ToArray());
        var o = new CooccurrenceOptions { Window = 10, Threads = threads, MemoryBytes = 64L << 20, Symmetric = symmetric };
        var r = CooccurrenceCounter.Count(corpus, v, Path.Combine(dir, "out"), o);
        // Exact reference in integer weight units (summing millions of 1/d in doubles drifts by ~1e-11).
        int n = words.Length;
        var units = new long[n, n];
        foreach (var line in File.ReadAllText(corpus).Split('\n'))
        {
            var ids = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Array.IndexOf(words, t)).ToArray();
            for (int j = 0; j < ids.Length; j++)
                for (int k = Math.Max(0, j - 10); k < j; k++)
                {
                    long u = o.WeightScale / (j - k);
                    units[ids[k], ids[j]] += u;
                    if (symmetric) units[ids[j], ids[k]] += u;
                }
        }
        long wraps(int a, int b) => units[a, b] >> 32;
        if (symmetric)
            for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) Assert.True(wraps(a, b) >= 2, $"cell ({a}, {b}) must wrap twice");
        else Assert.True(wraps(0, 1) >= 2 && wraps(0, 1) > wraps(1, 0), $"(a, b) wraps {wraps(0, 1)} times, (b, a) {wraps(1, 0)}");
        var expect = new Dictionary<(int, int), double>();
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) if (units[a, b] > 0) expect[(a, b)] = units[a, b] / (double)o.WeightScale;
        AssertSame(expect, ReadBinary(r.BinaryPath, v.Count));
    }

    /// <summary>The row of a dense cell, including blocks whose last rows are empty.</summary>
    [Theory]
    [InlineData(10, 5, false)]
    [InlineData(10, 12, false)]
    [InlineData(7, 50, false)]
    [InlineData(1, 2, false)]
    [InlineData(10, 5, true)]
    [InlineData(10, 40, true)]
    [InlineData(7, 50, true)]
    [InlineData(1, 2, true)]
    public void DenseRowOfFindsTheRowHoldingACell(int vocab, long maxProduct, bool upper)
    {
        using var d = new DenseBlock(vocab, maxProduct, upper);
        Assert.Equal(DenseBlock.CellsFor(vocab, maxProduct, upper), d.Cells);
        for (long c = 0; c < d.Cells; c++)
        {
            int row = d.RowOf(c);
            Assert.True(d.RowStart[row] <= c && c < d.RowStart[row + 1], $"cell {c}: row {row}");
        }
        // Every pair the product rule admits (the upper triangle only: row <= column) has exactly one cell.
        var seen = new HashSet<long>();
        for (int a = 0; a < vocab; a++)
            for (int b = upper ? a : 0; b < vocab; b++)
                if ((long)(a + 1) * (b + 1) < maxProduct)
                {
                    long cell = d.ColumnBase[a] + b;
                    Assert.True(cell >= d.RowStart[a] && cell < d.RowStart[a + 1], $"pair ({a}, {b}) outside its row");
                    Assert.True(seen.Add(cell));
                }
        Assert.Equal(d.Cells, seen.Count);
    }

    /// <summary>An upper-triangle block read back is the whole symmetric matrix in key order: the mirror of each row
    /// (transposed in tiles of 16 rows) then its own cells, listed in pieces of 4096 cells. Blocks from a few rows to several tiles, with cells at
    /// the ends of rows, empty rows and a diagonal, against a brute-force list.</summary>
    [Theory]
    [InlineData(5, 30, 0.7)]
    [InlineData(40, 400, 0.3)]
    [InlineData(300, 5_000, 0.05)]
    [InlineData(300, 90_001, 0.5)]
    [InlineData(1000, 20_000, 0.01)]
    [InlineData(5000, 20_000_000, 0.01)]  // rows and mirrors longer than a 4096-cell piece
    public unsafe void UpperTriangleBlocksReadBackAsTheSymmetricMatrix(int vocab, long maxProduct, double density)
    {
        var rng = new Random(vocab);
        using var d = new DenseBlock(vocab, maxProduct, upper: true);
        var expect = new List<(ulong, long)>();
        for (int a = 0; a < vocab; a++)
            for (int b = a; b < vocab; b++)
            {
                if ((long)(a + 1) * (b + 1) >= maxProduct) continue;
                bool rowEnd = (long)(a + 1) * (b + 2) >= maxProduct || b == vocab - 1;
                if (!(rowEnd || rng.NextDouble() < density)) continue;
                uint v = (uint)rng.Next(1, int.MaxValue);
                d.Values[d.ColumnBase[a] + b] = v;
                expect.Add((((ulong)a << 32) | (uint)b, v));
                if (a != b) expect.Add((((ulong)b << 32) | (uint)a, v));
            }
        expect.Sort();
        var got = new List<(ulong, long)>();
        var it = d.Iterate();
        while (it.MoveNext()) got.Add((it.Key, it.Value));
        Assert.Equal(expect, got);
        // Read in batches (what the merge does), of sizes that do and do not divide a piece.
        foreach (int batch in new[] { 1, 7, 4096, 10_000 })
            Assert.Equal(expect, ReadAll(new DenseBlockView(d).Iterate(), batch));
    }

    /// <summary>The threads' dense blocks added into one before the merge: every pair's total over the blocks, the
    /// sums that wrap past 2^32 (some twice, over three blocks) as carries for both orders of the pair (the diagonal
    /// once), against exact 64-bit sums; on one to three threads, cells at the ends of the threads' ranges too.</summary>
    [Theory]
    [InlineData(40, 400, true, 2, 1)]
    [InlineData(40, 400, true, 3, 2)]
    [InlineData(300, 5_000, false, 2, 2)]
    [InlineData(300, 90_001, true, 3, 3)]
    [InlineData(7, 50, false, 3, 1)]
    public unsafe void DenseBlocksAddWithTheirCarries(int vocab, long maxProduct, bool upper, int blocks, int threads)
    {
        var rng = new Random(vocab + blocks);
        var all = Enumerable.Range(0, blocks).Select(_ => new DenseBlock(vocab, maxProduct, upper)).ToList();
        try
        {
            var total = new long[all[0].Cells];
            foreach (var b in all)
                for (long c = 0; c < b.Cells; c++)
                {
                    // Near the top of the range in a third of the cells (their sums wrap), small or zero elsewhere.
                    uint v = rng.Next(3) switch { 0 => 0u, 1 => (uint)rng.Next(1, 1000), _ => uint.MaxValue - (uint)rng.Next(0, 1 << 20) };
                    b.Values[c] = v;
                    total[c] += v;
                }
            var expect = new Dictionary<ulong, long>();
            for (int a = 0; a < vocab; a++)
                for (long c = all[0].RowStart[a]; c < all[0].RowStart[a + 1]; c++)
                {
                    if (total[c] == 0) continue;
                    uint col = (uint)(c - all[0].ColumnBase[a]);
                    expect[((ulong)(uint)a << 32) | col] = total[c];
                    if (upper && col != (uint)a) expect[((ulong)col << 32) | (uint)a] = total[c];
                }
            Assert.Contains(total, t => t >= (blocks > 2 ? 2L : 1L) << 32); // some cell wraps (twice over three blocks)
            var carries = all[0].AddAndRelease(all.Skip(1).ToList(), threads);
            Assert.NotNull(carries);
            var got = new Dictionary<ulong, long>();
            foreach (var src in new[] { new DenseBlockView(all[0]).Iterate(), carries! })
                foreach (var (k, v) in ReadAll(src, 1000)) got[k] = got.GetValueOrDefault(k) + v;
            Assert.Equal(expect.OrderBy(e => e.Key), got.OrderBy(e => e.Key));
            var ck = ReadAll(all[0].AddAndRelease([], threads) ?? new MemoryRun([], [], 0, 0), 10);
            Assert.Empty(ck); // nothing to add: no carries
        }
        finally { foreach (var b in all) b.Dispose(); }
    }

    /// <summary>A second reader of a block that does not release it (the test's block is disposed by the test).</summary>
    sealed class DenseBlockView(DenseBlock d)
    {
        public IRunSource Iterate() => new NotDisposing(d.Iterate());
        sealed class NotDisposing(IRunSource s) : IRunSource
        {
            public bool MoveNext() => s.MoveNext();
            public ulong Key => s.Key;
            public long Value => s.Value;
            public int Read(Span<ulong> keys, Span<long> values) => s.Read(keys, values);
            public void Dispose() { }
        }
    }

    static List<(ulong, long)> ReadAll(IRunSource s, int batch)
    {
        var got = new List<(ulong, long)>();
        var ks = new ulong[batch]; var xs = new long[batch];
        for (int n; (n = s.Read(ks, xs)) > 0;)
            for (int i = 0; i < n; i++) got.Add((ks[i], xs[i]));
        return got;
    }

    /// <summary>Every kind of run read in batches gives what MoveNext gives: a memory run (from an offset), a disjoint
    /// union of two (a symmetric buffer and its mirror), a run file, each with batch sizes around their own.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5_000)]
    [InlineData(70_000)]
    public void RunsReadInBatchesAsOneByOne(int n)
    {
        var rng = new Random(n + 3);
        var keys = Enumerable.Range(0, 2 * n).Select(_ => (ulong)rng.NextInt64(1L << 40)).Distinct().Order().ToArray();
        var values = keys.Select(_ => (long)rng.Next(1, 1000)).ToArray();
        var a = keys.Where((_, i) => i % 3 != 0).ToArray(); var av = values.Where((_, i) => i % 3 != 0).ToArray();
        var b = keys.Where((_, i) => i % 3 == 0).ToArray(); var bv = values.Where((_, i) => i % 3 == 0).ToArray();
        var all = keys.Zip(values, (k, v) => (k, v)).ToList();
        var dir = TestPaths.TempDir();
        foreach (int batch in new[] { 1, 5, 4096, 5000 })
        {
            Assert.Equal(all.Skip(2).ToList(), ReadAll(new MemoryRun(keys, values, 2, Math.Max(0, keys.Length - 2)), batch));
            Assert.Equal(all, ReadAll(new DisjointUnionRun(new MemoryRun(a, av, 0, a.Length), new MemoryRun(b, bv, 0, b.Length)), batch));
            var path = Path.Combine(dir, $"run-{batch}.bin");
            SortedRun.Write(path, keys, values, 0, keys.Length);
            using var f = new FileRun(path);
            Assert.Equal(all, ReadAll(f, batch));
        }
    }

    /// <summary>The mirror of a sorted upper-triangle buffer, in place and beside it, against LINQ.</summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(5000, false)]
    [InlineData(5000, true)]
    public void MirrorIsTheSortedTransposeWithoutTheDiagonal(int n, bool inPlace)
    {
        var rng = new Random(n + 1);
        var pairs = Enumerable.Range(0, n).Select(_ => { uint a = (uint)rng.Next(300), b = (uint)rng.Next(300); return (Math.Min(a, b), Math.Max(a, b)); })
            .Distinct().Order().ToArray();
        var keys = new ulong[2 * pairs.Length + 1];
        var values = new long[keys.Length];
        for (int k = 0; k < pairs.Length; k++) { keys[k] = ((ulong)pairs[k].Item1 << 32) | pairs[k].Item2; values[k] = k + 1; }
        var expect = pairs.Select((p, k) => (p, v: (long)k + 1)).Where(x => x.p.Item1 != x.p.Item2)
            .Select(x => (((ulong)x.p.Item2 << 32) | x.p.Item1, x.v)).Order().ToArray();
        int to = inPlace ? 0 : pairs.Length;
        int m = SortedRun.Mirror(keys, values, 0, pairs.Length, to);
        Assert.Equal(expect, Enumerable.Range(to, m).Select(k => (keys[k], values[k])).ToArray());
        if (!inPlace && pairs.Length > 1) Assert.Throws<ArgumentOutOfRangeException>(() => SortedRun.Mirror(keys, values, 0, pairs.Length, 1));
    }

    /// <summary>The mirror of pairs whose columns outnumber them (no counting scatter: sort of the transposed pairs)
    /// and of pairs of many columns (the scatter), against LINQ; both leave the input untouched.</summary>
    [Theory]
    [InlineData(3000, 1 << 20)]
    [InlineData(30000, 400)]
    public void MirrorBesideItsInputAgreesWithLinqForSparseAndDenseColumns(int n, int columns)
    {
        var rng = new Random(n ^ columns);
        var pairs = Enumerable.Range(0, n).Select(_ => { uint a = (uint)rng.Next(columns), b = (uint)rng.Next(columns); return (Math.Min(a, b), Math.Max(a, b)); })
            .Distinct().Order().ToArray();
        var keys = new ulong[2 * pairs.Length + 7];
        var values = new long[keys.Length];
        for (int k = 0; k < pairs.Length; k++) { keys[k] = ((ulong)pairs[k].Item1 << 32) | pairs[k].Item2; values[k] = 3 * k + 1; }
        var input = keys.Take(pairs.Length).ToArray();
        var expect = pairs.Select((p, k) => (p, v: 3L * k + 1)).Where(x => x.p.Item1 != x.p.Item2)
            .Select(x => (((ulong)x.p.Item2 << 32) | x.p.Item1, x.v)).Order().ToArray();
        int m = SortedRun.Mirror(keys, values, 0, pairs.Length, pairs.Length);
        Assert.Equal(expect, Enumerable.Range(pairs.Length, m).Select(k => (keys[k], values[k])).ToArray());
        Assert.Equal(input, keys.Take(pairs.Length).ToArray());
    }

    /// <summary>The sort through the room after the entries (the pair buffer at the end of a count) against LINQ: keys
    /// as the buffer holds them (row &lt;&lt; 32 | col, a gap of constant bytes between), random 64-bit keys, keys
    /// varying in one odd bit range, all equal; entries before <c>start</c> are not touched.</summary>
    [Theory]
    [InlineData(100_000, "rows")]
    [InlineData(50_000, "random")]
    [InlineData(20_000, "bits")]
    [InlineData(9_000, "equal")]
    public void SortAndReduceThroughTheRoomAfterItAgreesWithLinq(int n, string kind)
    {
        var rng = new Random(n);
        int start = 5;
        var keys = new ulong[start + 2 * n + 3]; var values = new long[keys.Length];
        for (int i = 0; i < start; i++) { keys[i] = ulong.MaxValue - (ulong)i; values[i] = -i; }
        for (int i = start; i < start + n; i++)
        {
            keys[i] = kind switch
            {
                "rows" => ((ulong)rng.Next(40_000) << 32) | (uint)rng.Next(40_000),
                "random" => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 62),
                "bits" => 0xA5UL << 56 | ((ulong)rng.Next(1 << 13) << 19),
                _ => 77UL,
            };
            if (i > start && rng.Next(4) == 0) keys[i] = keys[start + rng.Next(i - start)];
            values[i] = rng.Next(1, 1000);
        }
        var expect = keys.Skip(start).Take(n).Zip(values.Skip(start).Take(n)).GroupBy(p => p.First).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Sum(p => p.Second))).ToArray();
        int m = SortedRun.SortAndReduce(keys, values, n, start, tailIsScratch: true);
        Assert.Equal(expect, Enumerable.Range(start, m).Select(k => (keys[k], values[k])).ToArray());
        for (int i = 0; i < start; i++) Assert.Equal((ulong.MaxValue - (ulong)i, (long)-i), (keys[i], values[i]));
    }

    /// <summary>A write that fails on the writing thread (here the CSR file beside the .bin is already closed) surfaces
    /// on the caller's thread with its own exception, the writer disposes without waiting forever, and nothing appears
    /// under the .bin's name.</summary>
    [Fact]
    public void AFailedWriteSurfacesOnTheCallersThread()
    {
        var dir = TestPaths.TempDir();
        var bin = Path.Combine(dir, "cooccurrence.bin");
        var layout = new Dictionary<string, string> { ["source_bytes"] = new string('9', 20), ["source_sha256"] = new string('0', 64) };
        var csr = new CsrStreamWriter(Path.Combine(dir, "m.csr.safetensors"), 10, layout);
        csr.Dispose();
        var e = Record.Exception(() =>
        {
            using var w = new GloVeBinaryWriter(bin, csr);
            for (int k = 0; k < 1_000_000; k++) w.Write(1, 2, 1.0);
            w.Finish();
        });
        Assert.IsType<ObjectDisposedException>(e);
        Assert.False(File.Exists(bin));
    }

    /// <summary>A record written after Finish (whose hash is already taken) is refused at once, not queued for a writing
    /// thread that has ended (it used to wait forever).</summary>
    [Fact]
    public void AWriteAfterFinishIsRefused()
    {
        var bin = Path.Combine(TestPaths.TempDir(), "cooccurrence.bin");
        var t = Task.Run(() =>
        {
            using var w = new GloVeBinaryWriter(bin);
            for (int k = 0; k < 40_000; k++) w.Write(1, 2, 1.0);
            w.Finish();
            return Record.Exception(() => w.Write(1, 2, 1.0));
        });
        Assert.True(t.Wait(TimeSpan.FromSeconds(60)), "a write after Finish hangs");
        Assert.IsType<InvalidOperationException>(t.Result);
    }

    /// <summary>Blocks are whole huge pages from 2 MiB on and exact below; the plan's cell limit keeps a block within
    /// its byte budget.</summary>
    [Fact]
    public void DenseBlockBytesStayWithinTheirBudget()
    {
        foreach (long budget in new[] { 1L, 4096, (2L << 20) - 1, 2L << 20, (2L << 20) + 4095, 5L << 20, 123_456_789 })
        {
            long cells = DenseBlock.CellsWithin(budget);
            Assert.True(DenseBlock.BytesFor(cells) <= Math.Max(budget, 4), $"budget {budget}: {cells} cells take {DenseBlock.BytesFor(cells)} bytes");
        }
        Assert.Equal(4L << 20, DenseBlock.BytesFor((3L << 20) / 4));
        Assert.Equal(4000, DenseBlock.BytesFor(1000));
    }

    static void AssertSortAndReduceMatchesLinq(ulong[] keys, long[] values)
    {
        var expect = keys.Zip(values).GroupBy(p => p.First).OrderBy(g => g.Key).Select(g => (g.Key, g.Sum(p => p.Second))).ToArray();
        int m = SortedRun.SortAndReduce(keys, values, keys.Length);
        Assert.Equal(expect.Length, m);
        for (int i = 0; i < m; i++) Assert.Equal(expect[i], (keys[i], values[i]));
    }

    /// <summary>The pair buffer's in-place radix sort and reduction against LINQ, for key ranges from a few bits to 64.</summary>
    [Theory]
    [InlineData(0, 40)]
    [InlineData(1, 40)]
    [InlineData(1_000, 8)]      // one bucket, one radix pass (its result is copied back from the scratch)
    [InlineData(3_000, 12)]
    [InlineData(3_000, 20)]     // one bucket, three passes
    [InlineData(200_000, 20)]
    [InlineData(200_000, 45)]
    [InlineData(100_000, 64)]
    public void SortAndReduceMatchesLinq(int n, int bits)
    {
        var rng = new Random(n + bits);
        var keys = new ulong[n]; var values = new long[n];
        for (int i = 0; i < n; i++)
        {
            ulong k = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 62);
            keys[i] = bits == 64 ? k : k & ((1UL << bits) - 1);
            if (i > 0 && rng.Next(3) == 0) keys[i] = keys[rng.Next(i)];
            values[i] = rng.Next(1, 1000);
        }
        AssertSortAndReduceMatchesLinq(keys, values);
    }

    /// <summary>Keys clustered in a few rows (row &lt;&lt; 32 | col, as the pair buffer holds them): the top digits split
    /// them into few large buckets, so the radix sort recurses several levels before the comparison sort.</summary>
    [Theory]
    [InlineData(300_000, 1)]
    [InlineData(300_000, 3)]
    [InlineData(50_000, 40)]
    public void SortAndReduceMatchesLinqOnClusteredKeys(int n, int rows)
    {
        var rng = new Random(n + rows);
        var keys = new ulong[n]; var values = new long[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = ((ulong)rng.Next(rows) << 32) | (uint)rng.Next(1 << 17);
            values[i] = rng.Next(1, 1000);
        }
        AssertSortAndReduceMatchesLinq(keys, values);
    }

    /// <summary>The k-way merge sums a key present in several sources, with sources ending at different points, both for
    /// a few sources (a linear scan) and for many (a heap).</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    public void KWayMergeSumsKeysAcrossSources(int count)
    {
        var rng = new Random(count);
        var expect = new SortedDictionary<ulong, long>();
        var sources = new List<IRunSource>();
        for (int s = 0; s < count; s++)
        {
            var d = new SortedDictionary<ulong, long>();
            int n = rng.Next(0, 300);
            for (int i = 0; i < n; i++) d[(ulong)rng.Next(0, 500)] = rng.Next(1, 100);
            var ks = d.Keys.ToList(); var xs = d.Values.ToList();
            // Now and then a source repeats a key (a hand-made shard run): both merges sum it.
            if (ks.Count > 2 && s % 3 == 0) { ks.Insert(1, ks[1]); xs.Insert(1, 7); }
            for (int i = 0; i < ks.Count; i++) expect[ks[i]] = expect.GetValueOrDefault(ks[i]) + xs[i];
            sources.Add(new MemoryRun(ks.ToArray(), xs.ToArray(), 0, ks.Count));
        }
        var got = new List<(ulong, long)>();
        CooccurrenceCounter.KWayMerge(sources, (ks, xs) => { for (int i = 0; i < ks.Length; i++) got.Add((ks[i], xs[i])); });
        Assert.Equal(expect.Select(p => (p.Key, p.Value)).ToList(), got);
    }

    /// <summary>The CSR file is written from the records as they stream to the .bin (values in place, column ids appended
    /// at the end, header last): 2.5M records, many writer buffers, every row, column and value in place, the header
    /// read back with the metadata given at the end, the .bin's bytes and hash known before it is committed; row counts
    /// that disagree with the records are refused and leave no file.</summary>
    [Fact]
    public void TheCsrIsWrittenWhileTheBinaryStreams()
    {
        var dir = TestPaths.TempDir();
        var rng = new Random(8);
        int v = 3000;
        var rowCounts = new long[v];
        var bin = Path.Combine(dir, "cooccurrence.bin");
        var csrPath = Path.Combine(dir, "m.csr.safetensors");
        var cols = new List<int>();
        var vals = new List<double>();
        var layout = new Dictionary<string, string> { ["source_bytes"] = new string('9', 20), ["source_sha256"] = new string('0', 64) };
        using (var csr = new CsrStreamWriter(csrPath, v, layout))
        using (var w = new GloVeBinaryWriter(bin, csr))
        {
            for (int i = 0; i < v; i++)
            {
                int j = -1;
                while (true)
                {
                    j += 1 + rng.Next(3);
                    if (j >= v || rowCounts[i] > 1000) break;
                    double x = rng.NextDouble() + 0.5;
                    w.Write(i + 1, j + 1, x);
                    rowCounts[i]++; cols.Add(j); vals.Add(x);
                }
            }
            w.Finish();
            Assert.Equal(16L * cols.Count, w.Bytes);
            Assert.False(File.Exists(bin));
            csr.Commit(rowCounts, new Dictionary<string, string> { ["source_bytes"] = w.Bytes.ToString(), ["source_sha256"] = w.Sha256 });
            w.Commit();
        }
        // Finish wrote every byte of the .bin, so the CSR written after it is not older (readers re-hash a .bin newer
        // than its CSR).
        Assert.True(File.GetLastWriteTimeUtc(bin) <= File.GetLastWriteTimeUtc(csrPath));
        Assert.True(cols.Count > 2_500_000, $"{cols.Count} records");
        using (var csr = CsrMatrix.Open(csrPath))
        {
            Assert.Equal(GloVeV.IO.AtomicDirectory.Sha256(bin), csr.Metadata["source_sha256"]);
            Assert.Equal(cols.Count, csr.NonZeros);
            Assert.Equal((16L * cols.Count).ToString(), csr.Metadata["source_bytes"]);
            int k = 0;
            for (int i = 0; i < v; i++)
            {
                var ci = csr.RowIndices(i);
                var xi = csr.RowValues(i);
                Assert.Equal(rowCounts[i], ci.Length);
                for (int q = 0; q < ci.Length; q++, k++)
                {
                    Assert.Equal(cols[k], ci[q]);
                    Assert.Equal(vals[k], xi[q]);
                }
            }
        }
        // Row counts that do not add up to the records: refused, nothing under the name, no side file left.
        var bad = Path.Combine(dir, "bad.csr.safetensors");
        using (var csr = new CsrStreamWriter(bad, 3, layout))
        {
            csr.Append([new CoocRecord { Word1 = 1, Word2 = 2, Value = 1 }, new CoocRecord { Word1 = 2, Word2 = 1, Value = 1 }]);
            Assert.Throws<GloVeVException>(() => csr.Commit([1, 0, 0], layout));
        }
        Assert.False(File.Exists(bad));
        Assert.Empty(Directory.EnumerateFiles(dir, ".bad*"));
    }

    [Fact]
    public void TinyMemoryBudgetsSpillAndMergeToTheSameMatrix()
    {
        // Twice the small corpus: enough spill runs at the smallest budget for a multi-pass merge (a symmetric count
        // buffers each unordered pair once).
        var text = File.ReadAllText(TestPaths.Data("sotu_small.txt"));
        var corpus = TestPaths.WriteCorpus(TestPaths.TempDir(), text + text);
        var v = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 2 }).Vocabulary;
        var big = CooccurrenceCounter.Count(corpus, v, TestPaths.TempDir(), new CooccurrenceOptions { Threads = 1 });
        long least = CooccurrenceCounter.MinimumMemoryBytes(v, 2);
        var below = Assert.Throws<BadArgumentException>(() => CooccurrenceCounter.Count(corpus, v, TestPaths.TempDir(), new CooccurrenceOptions { Threads = 2, MemoryBytes = least - (1 << 20) }));
        Assert.Contains("memory", below.Message);
        Assert.Contains("too small", below.Message);
        var small = CooccurrenceCounter.Count(corpus, v, TestPaths.TempDir(), new CooccurrenceOptions { Threads = 2, MemoryBytes = least });
        Assert.True(small.SpilledRuns > 64, $"expected many spill files (and a multi-pass merge), got {small.SpilledRuns}");
        Assert.Equal(0, big.SpilledRuns);
        Assert.Equal(File.ReadAllBytes(big.BinaryPath), File.ReadAllBytes(small.BinaryPath));
        Assert.Equal(File.ReadAllBytes(big.CsrPath), File.ReadAllBytes(small.CsrPath));
    }

    [Fact]
    public void WindowsNeverCrossLinesAndOovIsDroppedBeforeWindowing()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, "a x b\nb a\n");
        var v = new Vocabulary(["a", "b"], [2, 2]);
        var r = CooccurrenceCounter.Count(corpus, v, dir, new CooccurrenceOptions { Window = 1, Symmetric = false, Threads = 1 });
        var got = ReadBinary(r.BinaryPath, 2);
        // Line 1: x is dropped, so a-b are adjacent (d = 1); line 2: b then a. Nothing spans the newline.
        Assert.Equal(2, got.Count);
        Assert.Equal(1.0, got[(0, 1)]);
        Assert.Equal(1.0, got[(1, 0)]);
    }

    [Fact]
    public void ReadsGloVeCBinariesMadeElsewhereEvenShuffled()
    {
        var dir = TestPaths.TempDir();
        var bin = Path.Combine(dir, "cooccurrence.bin");
        using (var w = new GloVeBinaryWriter(bin))
        {
            w.Write(2, 1, 0.75); w.Write(1, 2, 0.5); w.Write(1, 1, 2.0);
            w.Commit();
        }
        using var m = CsrMatrix.OpenDirectory(dir, 2);
        Assert.Equal(3, m.NonZeros);
        Assert.Equal(2.0, m.Get(0, 0)); Assert.Equal(0.5, m.Get(0, 1)); Assert.Equal(0.75, m.Get(1, 0));
        // A pair listed twice is not something GloVe C writes: refused rather than summed (issue 17).
        var dupDir = TestPaths.TempDir();
        using (var w = new GloVeBinaryWriter(Path.Combine(dupDir, "cooccurrence.bin")))
        {
            w.Write(2, 1, 0.5); w.Write(1, 2, 0.5); w.Write(2, 1, 0.25);
            w.Commit();
        }
        Assert.Contains("repeats the pair (2, 1)", Assert.Throws<GloVeVException>(() => CsrMatrix.OpenDirectory(dupDir, 2)).Message);
    }

    [Fact]
    public void BadBinariesAndMismatchesAreClearErrors()
    {
        var dir = TestPaths.TempDir();
        var bin = Path.Combine(dir, "cooccurrence.bin");
        File.WriteAllBytes(bin, new byte[40]);
        Assert.Contains("not a multiple of 16", Assert.Throws<GloVeVException>(() => CsrMatrix.OpenDirectory(dir, 5)).Message);
        using (var w = new GloVeBinaryWriter(bin)) { w.Write(1, 9, 1.0); w.Commit(); }
        Assert.Contains("outside the vocabulary", Assert.Throws<GloVeVException>(() => CsrMatrix.OpenDirectory(dir, 5)).Message);
        Assert.False(File.Exists(Path.Combine(dir, CsrMatrix.FileName)), "no CSR file is left behind after a failure");
        var corpus = TestPaths.Data("sotu_small.txt");
        var v = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 50 }).Vocabulary;
        var outDir = TestPaths.TempDir();
        CooccurrenceCounter.Count(corpus, v, outDir, new CooccurrenceOptions { Window = 2 });
        Assert.Contains("mismatched", Assert.Throws<GloVeVException>(() => CsrMatrix.OpenDirectory(outDir, v.Count + 1)).Message);
        Assert.Contains("window must be", Assert.Throws<GloVeVException>(() => CooccurrenceCounter.Count(corpus, v, TestPaths.TempDir(), new CooccurrenceOptions { Window = 0 })).Message);
        var empty = TestPaths.WriteCorpus(TestPaths.TempDir(), "");
        var emptyOut = TestPaths.TempDir();
        Assert.Contains("empty", Assert.Throws<GloVeVException>(() => CooccurrenceCounter.Count(empty, v, emptyOut, new CooccurrenceOptions())).Message);
        Assert.Empty(Directory.GetFiles(emptyOut));
        Assert.Equal(4L << 30, CooccurrenceOptions.ParseSize("4G"));
        Assert.Equal(512L << 20, CooccurrenceOptions.ParseSize("512m"));
        Assert.Throws<GloVeVException>(() => CooccurrenceOptions.ParseSize("lots"));
    }
}
