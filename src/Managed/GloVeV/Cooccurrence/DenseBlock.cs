using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GloVeV.Native;

namespace GloVeV.Cooccurrence;

/// <summary>
/// The dense block of frequent pairs ((i+1)(j+1) &lt; maxProduct, as in GloVe C): row i holds columns
/// 0 .. min(V, (maxProduct-1)/(i+1)) - 1, rows back to back. Nearly every pair update of a count lands here at a
/// random cell, so the cells live in huge-page memory (a 4 KiB page per update would also cost a TLB miss) and are
/// released when the merge that reads them ends (or fails). Cells are 32-bit (half the memory to zero and to cache: touching fresh
/// memory is a large part of a count); a cell that wraps past 2^32 hands the carry to its worker's pair buffer (see
/// <see cref="RowOf"/>), where the merge adds it back. Iterated in key order.
/// </summary>
internal sealed unsafe class DenseBlock : IDisposable
{
    const long HugePage = 2 << 20;
    HugePageBuffer? _memory;   // blocks of at least one huge page
    uint* _small;              // smaller blocks: ordinary zeroed memory, no rounding up to 2 MiB
    public readonly long[] RowStart;   // V + 1 offsets
    public readonly long Cells;

    public DenseBlock(int vocab, long maxProduct)
    {
        RowStart = new long[vocab + 1];
        for (int a = 0; a < vocab; a++)
            RowStart[a + 1] = RowStart[a] + Math.Max(0, Math.Min(vocab, (maxProduct - 1) / (a + 1)));
        Cells = RowStart[vocab];
        long bytes = Math.Max(1, Cells) * sizeof(uint);
        if (bytes >= HugePage) _memory = new HugePageBuffer(bytes);
        else _small = (uint*)NativeMemory.AllocZeroed((nuint)bytes);
    }

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

    public static long CellsFor(int vocab, long maxProduct)
    {
        long total = 0;
        for (int a = 0; a < vocab; a++)
        {
            long len = Math.Min(vocab, (maxProduct - 1) / (a + 1));
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

    /// <summary>The non-zero cells in key order; disposing the source releases the block.</summary>
    public IRunSource Iterate() => new Iterator(this);

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
                    Key = ((ulong)_row << 32) | (ulong)(k - rowStart[_row]);
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
}
