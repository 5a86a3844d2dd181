using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GloVeV.Native;

namespace GloVeV.Cooccurrence;

/// <summary>
/// The dense block of frequent pairs ((i+1)(j+1) &lt; maxProduct, as in GloVe C): row i holds columns
/// 0 .. min(V, (maxProduct-1)/(i+1)) - 1, rows back to back. A symmetric count keeps only the upper triangle (row i from
/// column i on): its pairs arrive in both orders with the same weight, so one cell per unordered pair takes half the
/// updates, half the memory to zero and half the cells to scan, and the merge reads the lower triangle as the mirror
/// (<see cref="Iterate"/>). Nearly every pair update of a count lands here at a random cell, so the cells live in
/// huge-page memory (a 4 KiB page per update would also cost a TLB miss) and are released when the merge that reads them
/// ends (or fails). Cells are 32-bit (half the memory to zero and to cache: touching fresh memory is a large part of a
/// count); a cell that wraps past 2^32 hands the carry to its worker's pair buffer (see <see cref="RowOf"/>), where the
/// merge adds it back. Iterated in key order.
/// </summary>
internal sealed unsafe class DenseBlock : IDisposable
{
    const long HugePage = 2 << 20;
    HugePageBuffer? _memory;   // blocks of at least one huge page
    uint* _small;              // smaller blocks: ordinary zeroed memory, no rounding up to 2 MiB
    public readonly long[] RowStart;   // V + 1 offsets
    /// <summary>Cell (i, j) is at ColumnBase[i] + j: RowStart[i] less the row's first column (i for the upper triangle).</summary>
    public readonly long[] ColumnBase;
    public readonly long Cells;
    public readonly bool Upper;
    readonly long _maxProduct;

    public DenseBlock(int vocab, long maxProduct, bool upper = false)
    {
        Upper = upper;
        _maxProduct = maxProduct;
        RowStart = new long[vocab + 1];
        ColumnBase = new long[vocab];
        for (int a = 0; a < vocab; a++)
        {
            RowStart[a + 1] = RowStart[a] + RowLength(vocab, maxProduct, a, upper);
            ColumnBase[a] = RowStart[a] - (upper ? a : 0);
        }
        Cells = RowStart[vocab];
        long bytes = Math.Max(1, Cells) * sizeof(uint);
        if (bytes >= HugePage) _memory = new HugePageBuffer(bytes);
        else _small = (uint*)NativeMemory.AllocZeroed((nuint)bytes);
    }

    /// <summary>Cells of row <paramref name="a"/>: columns (upper ? a : 0) .. min(V, (maxProduct-1)/(a+1)) - 1.</summary>
    static long RowLength(int vocab, long maxProduct, int a, bool upper) =>
        Math.Max(0, Math.Min(vocab, (maxProduct - 1) / (a + 1)) - (upper ? a : 0));

    /// <summary>Bytes a block of <paramref name="cells"/> cells occupies (huge-page blocks are whole huge pages).</summary>
    public static long BytesFor(long cells)
    {
        long bytes = Math.Max(1, cells) * sizeof(uint);
        return bytes >= HugePage ? (bytes + HugePage - 1) / HugePage * HugePage : bytes;
    }

    /// <summary>The most cells whose block fits in <paramref name="bytes"/> (see <see cref="BytesFor"/>).</summary>
    public static long CellsWithin(long bytes) => (bytes >= HugePage ? bytes / HugePage * HugePage : Math.Min(bytes, HugePage - 1)) / sizeof(uint);

    /// <summary>The cells (zeroed at construction); valid until <see cref="Dispose"/>.</summary>
    public uint* Values => _small != null ? _small : _memory != null ? (uint*)_memory.Pointer : throw new ObjectDisposedException(nameof(DenseBlock));

    public static long CellsFor(int vocab, long maxProduct, bool upper = false)
    {
        long total = 0;
        for (int a = 0; a < vocab; a++)
        {
            long len = RowLength(vocab, maxProduct, a, upper);
            if (len <= 0) break;
            total += len;
        }
        return total;
    }

    /// <summary>The row holding cell <paramref name="cell"/> (rows are never empty before the last non-empty one).</summary>
    public int RowOf(long cell)
    {
        int lo = 0, hi = RowStart.Length - 2;
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (RowStart[mid] <= cell) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public void Dispose()
    {
        _memory?.Dispose(); _memory = null;
        if (_small != null) { NativeMemory.Free(_small); _small = null; }
        GC.SuppressFinalize(this);
    }

    ~DenseBlock() { if (_small != null) NativeMemory.Free(_small); }

    /// <summary>
    /// Adds the cells of <paramref name="others"/> (blocks of the same layout) into this one, over
    /// <paramref name="threads"/> threads, and releases them; returns the carries as a sorted source (null when none):
    /// a cell whose sum wraps past 2^32 leaves 2^32 there, for each order of its pair (the merge sums equal keys).
    /// Why: a count on T threads had T blocks over the same cells, and a k-way merge of blocks whose keys interleave
    /// entry by entry spent longer choosing the next source than taking it (gutenberg_10M, 2 threads: the merge
    /// 0.9 s against 0.6 s at one thread). One streaming pass over the cells, split between the threads, costs far less.
    /// </summary>
    public IRunSource? AddAndRelease(IReadOnlyList<DenseBlock> others, int threads)
    {
        foreach (var o in others)
            if (o.Cells != Cells || o.Upper != Upper || o._maxProduct != _maxProduct)
                throw new ArgumentException("dense blocks of different layouts cannot be added");
        var carries = new List<long>[Math.Max(1, threads)];
        if (others.Count > 0 && Cells > 0)
        {
            int parts = Math.Max(1, threads);
            // Ranges of whole 64-byte lines, so no two threads share a cache line.
            long per = (Cells / parts + 15) & ~15L;
            uint* dst = Values;
            var src = others.Select(o => (nint)o.Values).ToArray();
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
            {
                long lo = Math.Min(Cells, t * per), hi = t == parts - 1 ? Cells : Math.Min(Cells, lo + per);
                var mine = carries[t] = [];
                foreach (var sp in src) AddRange(dst, (uint*)sp, lo, hi, mine);
            });
        }
        foreach (var o in others) o.Dispose();
        var cells = carries.Where(c => c != null).SelectMany(c => c).ToList();
        if (cells.Count == 0) return null;
        var keys = new List<ulong>(2 * cells.Count);
        foreach (long c in cells)
        {
            int row = RowOf(c);
            uint col = (uint)(c - ColumnBase[row]);
            keys.Add(((ulong)(uint)row << 32) | col);
            // The upper triangle's cell stands for both orders (the diagonal for itself).
            if (Upper && col != (uint)row) keys.Add(((ulong)col << 32) | (uint)row);
        }
        var k = keys.ToArray();
        Array.Sort(k);
        var v = new long[k.Length];
        Array.Fill(v, 1L << 32);
        return new MemoryRun(k, v, 0, k.Length);
    }

    /// <summary>dst[c] += src[c] for c in [lo, hi), eight cells at a time; the cells whose sum wrapped go to carries.</summary>
    static void AddRange(uint* dst, uint* src, long lo, long hi, List<long> carries)
    {
        long c = lo;
        for (; c + 8 <= hi; c += 8)
        {
            var a = Vector256.Load(dst + c);
            var sum = a + Vector256.Load(src + c);
            sum.Store(dst + c);
            // Unsigned: a lane wrapped exactly when its sum is below what it had.
            if (Vector256.LessThanAny(sum, a))
                for (int q = 0; q < 8; q++)
                    if (dst[c + q] < a.GetElement(q)) carries.Add(c + q);
        }
        for (; c < hi; c++)
        {
            uint old = dst[c], sum = old + src[c];
            dst[c] = sum;
            if (sum < old) carries.Add(c);
        }
    }

    /// <summary>The non-zero cells in key order; disposing the source releases the block. The upper triangle yields
    /// every pair of the symmetric matrix: row i is column i of the rows above it (the mirror, columns &lt; i) followed
    /// by row i's own cells.</summary>
    public IRunSource Iterate() => Upper ? new TriangleIterator(this) : new Iterator(this);

    sealed class Iterator(DenseBlock block) : IRunSource
    {
        readonly DenseBlock _d = block;
        int _row;
        long _k = -1;
        public ulong Key { get; private set; }
        public long Value { get; private set; }
        public bool MoveNext()
        {
            uint* vals = _d.Values;
            long cells = _d.Cells;
            var rowStart = _d.RowStart;
            long k = _k + 1;
            while (k < cells)
            {
                // Most cells are empty: skip them eight at a time.
                if (k + 8 <= cells && Vector256.Load(vals + k) == Vector256<uint>.Zero) { k += 8; continue; }
                if (vals[k] != 0)
                {
                    while (k >= rowStart[_row + 1]) _row++;
                    Key = ((ulong)_row << 32) | (ulong)(k - _d.ColumnBase[_row]);
                    Value = vals[k];
                    _k = k;
                    return true;
                }
                k++;
            }
            _k = cells;
            return false;
        }
        public void Dispose() => _d.Dispose();
    }

    /// <summary>Rows of the symmetric matrix an upper-triangle block stands for. The mirror of row i is column i of the
    /// rows above it; read cell by cell, each of its cache lines would be a miss of its own (thousands of column streams,
    /// measured at 8 ns a cell). So the mirror is transposed a tile of <see cref="TileRows"/> rows at a time: row j's
    /// cells of those columns are one cache line, read once (prefetched a few rows ahead), and the tile's rows are then
    /// scanned like the block's own.</summary>
    sealed class TriangleIterator : IRunSource
    {
        const int TileRows = 16, PrefetchRows = 8;
        readonly DenseBlock _d;
        readonly uint[] _tile;
        readonly int _tileStride;
        int _row = -1, _tileStart = int.MinValue;
        // Where the scan is: the mirror of _row or its own cells, the next cell _q of the _len there; the non-zero
        // cells of the last piece scanned, and the next one to hand out.
        const int Piece = 4096;
        bool _mirror;
        int _q, _len;
        readonly int[] _cols = new int[Piece];
        readonly uint[] _vals = new uint[Piece];
        int _pos, _count;
        public ulong Key { get; private set; }
        public long Value { get; private set; }

        public TriangleIterator(DenseBlock block)
        {
            _d = block;
            // A mirror row has at most min(i, (maxProduct-1)/(i+1)) <= sqrt(maxProduct) cells.
            _tileStride = (int)Math.Min(block.ColumnBase.Length, (long)Math.Sqrt(block._maxProduct) + 2);
            _tile = new uint[TileRows * Math.Max(1, _tileStride)];
        }

        /// <summary>Mirror cells (j, i) for j &lt; MirrorLength(i): (j + 1)(i + 1) &lt; maxProduct and j &lt; i.</summary>
        int MirrorLength(int i) => (int)Math.Min(i, (_d._maxProduct - 1) / (i + 1));

        /// <summary>Transposes the mirror cells of rows i0 .. i0 + TileRows - 1 into the tile (row r at r * stride).</summary>
        void FillTile(int i0)
        {
            uint* vals = _d.Values;
            var columnBase = _d.ColumnBase;
            int rows = columnBase.Length;
            int jMax = MirrorLength(Math.Min(rows - 1, i0));
            for (int r = 1; r < TileRows && i0 + r < rows; r++) jMax = Math.Max(jMax, MirrorLength(i0 + r));
            long mp = _d._maxProduct - 1;
            fixed (uint* tile = _tile)
                for (int j = 0; j < jMax; j++)
                {
                    if (j + PrefetchRows < jMax && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                    {
                        uint* ahead = vals + columnBase[j + PrefetchRows] + i0;
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead);
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead + TileRows - 1);
                    }
                    // Row j holds columns j .. min(V, mp / (j + 1)) - 1; the tile takes those in [i0, i0 + TileRows).
                    int lo = Math.Max(i0, j + 1), hi = (int)Math.Min(Math.Min(rows, mp / (j + 1)), i0 + TileRows);
                    uint* src = vals + columnBase[j];
                    for (int i = lo; i < hi; i++) tile[(i - i0) * _tileStride + j] = src[i];
                }
            _tileStart = i0;
        }

        public bool MoveNext()
        {
            while (_pos == _count)
                if (!NextPiece()) return false;
            Key = ((ulong)_row << 32) | (uint)_cols[_pos];
            Value = _vals[_pos];
            _pos++;
            return true;
        }

        public int Read(Span<ulong> keys, Span<long> values)
        {
            int n = 0;
            while (n < keys.Length)
            {
                if (_pos == _count && !NextPiece()) break;
                int m = Math.Min(keys.Length - n, _count - _pos);
                ulong row = (ulong)_row << 32;
                for (int q = 0; q < m; q++)
                {
                    keys[n + q] = row | (uint)_cols[_pos + q];
                    values[n + q] = _vals[_pos + q];
                }
                _pos += m; n += m;
            }
            return n;
        }

        /// <summary>Lists the non-zero cells of the next piece of at most <see cref="Piece"/> cells (the mirror of a row
        /// first, then its own cells, columns ascending); false at the end. The list is written without a branch per
        /// cell (a zero cell's slot is overwritten by the next): whether a cell is empty is a coin flip in the block's
        /// middle, and the mispredictions were most of a branchy scan.</summary>
        bool NextPiece()
        {
            _pos = _count = 0;
            while (_q == _len)
            {
                if (_mirror) { _mirror = false; _q = 0; _len = (int)(_d.RowStart[_row + 1] - _d.RowStart[_row]); continue; }
                if (_row + 1 >= _d.ColumnBase.Length) { _row = _d.ColumnBase.Length; _q = _len = 0; return false; }
                _row++;
                _mirror = true; _q = 0; _len = MirrorLength(_row);
                if (_len > 0 && _row >= _tileStart + TileRows) FillTile(_row);
            }
            int take = Math.Min(Piece, _len - _q);
            fixed (int* cols = _cols)
            fixed (uint* outv = _vals)
            {
                if (_mirror)
                    fixed (uint* tile = _tile) _count = Compact(tile + (_row - _tileStart) * _tileStride + _q, take, _q, cols, outv);
                else
                {
                    long k0 = _d.RowStart[_row];
                    _count = Compact(_d.Values + k0 + _q, take, (int)(k0 - _d.ColumnBase[_row]) + _q, cols, outv);
                }
            }
            _q += take;
            return true;
        }

        /// <summary>Lists the non-zero cells of src[0..len) with columns firstColumn + index; returns how many.</summary>
        static int Compact(uint* src, int len, int firstColumn, int* cols, uint* outv)
        {
            int q = 0, n = 0;
            while (q < len)
            {
                // Long empty stretches (the far columns of a row) go eight cells at a time.
                if (q + 8 <= len && Vector256.Load(src + q) == Vector256<uint>.Zero) { q += 8; continue; }
                uint v = src[q];
                cols[n] = firstColumn + q;
                outv[n] = v;
                n += (int)((v | (0u - v)) >> 31);
                q++;
            }
            return n;
        }
        public void Dispose() => _d.Dispose();
    }
}
