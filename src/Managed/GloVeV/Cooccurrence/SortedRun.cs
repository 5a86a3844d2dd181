using System.Runtime.InteropServices;

namespace GloVeV.Cooccurrence;

/// <summary>A sorted, reduced batch of (key = row &lt;&lt; 32 | col, integer weight) pairs: in memory or spilled to disk.</summary>
internal interface IRunSource : IDisposable
{
    /// <summary>Advances; false at the end.</summary>
    bool MoveNext();
    ulong Key { get; }
    long Value { get; }

    /// <summary>Copies up to <c>keys.Length</c> next entries (the merge reads a batch at a time: a call per entry through
    /// the interface was a third of a merge's time); returns how many, 0 at the end. Not mixed with <see cref="MoveNext"/>.</summary>
    int Read(Span<ulong> keys, Span<long> values)
    {
        int n = 0;
        while (n < keys.Length && MoveNext()) { keys[n] = Key; values[n] = Value; n++; }
        return n;
    }
}

/// <summary>A batch of a sorted source being merged: the entries read, and the next one to take.</summary>
internal sealed class RunCursor(IRunSource source)
{
    /// <summary>Entries a batch holds (64 KiB).</summary>
    public const int Size = 4096;
    public readonly IRunSource Source = source;
    public readonly ulong[] Keys = new ulong[Size];
    public readonly long[] Values = new long[Size];
    public int Pos, Count;
    public ulong Head => Keys[Pos];
    /// <summary>Reads the next batch; false when the source is exhausted.</summary>
    public bool Refill() { Count = Source.Read(Keys, Values); Pos = 0; return Count > 0; }
}

internal static class SortedRun
{
    /// <summary>Sorts keys[start..start+n) with their values and sums duplicates in place; returns the new length. With
    /// <paramref name="tailIsScratch"/> (the caller holds nothing after start + n, as the pair buffer at the end of a
    /// count) and room for n more entries there, a least-significant-digit radix sort passes through that room, over
    /// the bytes whose bits vary (a buffer's row &lt;&lt; 32 | col keys: two row and two column bytes); otherwise an
    /// in-place radix sort.</summary>
    public static int SortAndReduce(ulong[] keys, long[] values, int n, int start = 0, bool tailIsScratch = false)
    {
        if (n == 0) return 0;
        ulong all = ~0UL, any = 0;
        for (int i = start; i < start + n; i++) { all &= keys[i]; any |= keys[i]; }
        if (tailIsScratch && n > SmallBucket && (long)Math.Min(keys.Length, values.Length) - start - n >= n)
            LsdSort(keys, values, start, n, all ^ any);
        else
        {
            int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(any);
            RadixSort(keys, values, start, start + n, Math.Max(0, bits - 8));
        }
        int w = start;
        for (int r = start + 1; r < start + n; r++)
        {
            if (keys[r] == keys[w]) values[w] += values[r];
            else { w++; keys[w] = keys[r]; values[w] = values[r]; }
        }
        return w + 1 - start;
    }

    /// <summary>
    /// Stable least-significant-digit radix sort of keys[start..start+n) (with their values) on 8-bit digits covering
    /// the bits set in <paramref name="vary"/> (bits equal in every key need no pass), through keys[start+n..start+2n):
    /// one counting pass for every digit's histogram, then a scatter per digit. The in-place sort follows swap cycles
    /// at random through the whole buffer; this streams it once per digit.
    /// </summary>
    static void LsdSort(ulong[] keys, long[] values, int start, int n, ulong vary)
    {
        if (vary == 0) return;
        Span<int> shifts = stackalloc int[8];
        int nd = 0;
        for (int sh = System.Numerics.BitOperations.TrailingZeroCount(vary); sh < 64 && (vary >> sh) != 0;)
        {
            if (((vary >> sh) & 0xFF) == 0) { sh += System.Numerics.BitOperations.TrailingZeroCount(vary >> sh); continue; }
            shifts[nd++] = sh;
            sh += 8;
        }
        var counts = new int[nd * 256];
        foreach (ulong k in keys.AsSpan(start, n))
            for (int d = 0; d < nd; d++) counts[(d << 8) + (int)((k >> shifts[d]) & 0xFF)]++;
        int from = start, to = start + n;
        for (int d = 0; d < nd; d++)
        {
            var off = counts.AsSpan(d << 8, 256);
            for (int b = 0, sum = 0; b < 256; b++) { int c = off[b]; off[b] = sum; sum += c; }
            var sk = keys.AsSpan(from, n); var sv = values.AsSpan(from, n);
            var dk = keys.AsSpan(to, n); var dv = values.AsSpan(to, n);
            int shift = shifts[d];
            for (int i = 0; i < sk.Length; i++)
            {
                ulong k = sk[i];
                int at = off[(int)((k >> shift) & 0xFF)]++;
                dk[at] = k; dv[at] = sv[i];
            }
            (from, to) = (to, from);
        }
        if (from != start)
        {
            keys.AsSpan(from, n).CopyTo(keys.AsSpan(start, n));
            values.AsSpan(from, n).CopyTo(values.AsSpan(start, n));
        }
    }

    /// <summary>
    /// Writes the mirror (j, i) of every off-diagonal pair (i, j) of the sorted, reduced keys[from..from+n) to
    /// keys[to..], sorted; returns how many. <paramref name="to"/> is <paramref name="from"/> (in place: the write never
    /// passes the read) or at least from + n. A symmetric count stores each unordered pair once; this is its other half.
    /// Beside its input it is one counting scatter by column (while the columns' histogram has no more slots than the
    /// entries, so its 4 bytes a column stay below a quarter of what the mirror writes): scanned in (i, j) order, each
    /// column's pairs arrive in increasing i, already sorted and distinct.
    /// </summary>
    public static int Mirror(ulong[] keys, long[] values, int from, int n, int to)
    {
        if (to != from && to < from + n) throw new ArgumentOutOfRangeException(nameof(to));
        if (to != from && n > 0)
        {
            uint maxCol = 0;
            for (int r = from; r < from + n; r++) maxCol = Math.Max(maxCol, (uint)keys[r]);
            if (maxCol < (uint)n) return MirrorByScatter(keys, values, from, n, to, (int)maxCol + 1);
        }
        int m = 0;
        for (int r = from; r < from + n; r++)
        {
            ulong k = keys[r];
            uint i = (uint)(k >> 32), j = (uint)k;
            if (i == j) continue;
            keys[to + m] = ((ulong)j << 32) | i;
            values[to + m] = values[r];
            m++;
        }
        return SortAndReduce(keys, values, m, to);
    }

    static int MirrorByScatter(ulong[] keys, long[] values, int from, int n, int to, int columns)
    {
        var next = new int[columns];
        for (int r = from; r < from + n; r++)
        {
            ulong k = keys[r];
            if ((uint)(k >> 32) != (uint)k) next[(uint)k]++;
        }
        int m = 0;
        for (int c = 0; c < columns; c++) { int cnt = next[c]; next[c] = m; m += cnt; }
        var dk = keys.AsSpan(to, m); var dv = values.AsSpan(to, m);
        for (int r = from; r < from + n; r++)
        {
            ulong k = keys[r];
            uint i = (uint)(k >> 32), j = (uint)k;
            if (i == j) continue;
            int at = next[j]++;
            dk[at] = ((ulong)j << 32) | i;
            dv[at] = values[r];
        }
        return m;
    }

    /// <summary>
    /// In-place most-significant-digit radix sort (American flag sort) on 8-bit digits from <paramref name="shift"/>
    /// down, finishing small buckets with a comparison sort: no second buffer (the pair buffer is most of the memory
    /// budget), and buckets soon fit in cache, where the comparison sort is fast.
    /// </summary>
    static void RadixSort(ulong[] keys, long[] values, int lo, int hi, int shift)
    {
        if (hi - lo <= SmallBucket || shift < 0)
        {
            SmallSort(keys, values, lo, hi);
            return;
        }
        Span<int> count = stackalloc int[256];
        Span<int> next = stackalloc int[256];
        Span<int> end = stackalloc int[256];
        count.Clear();
        for (int i = lo; i < hi; i++) count[(int)(keys[i] >> shift) & 0xFF]++;
        int pos = lo;
        for (int d = 0; d < 256; d++) { next[d] = pos; pos += count[d]; end[d] = pos; }
        for (int d = 0; d < 256; d++)
        {
            while (next[d] < end[d])
            {
                int i = next[d];
                ulong k = keys[i]; long v = values[i];
                int dk = (int)(k >> shift) & 0xFF;
                // Follow the cycle: drop the element into its bucket and pick up the one it displaces.
                while (dk != d)
                {
                    int j = next[dk]++;
                    (k, keys[j]) = (keys[j], k);
                    (v, values[j]) = (values[j], v);
                    dk = (int)(k >> shift) & 0xFF;
                }
                keys[i] = k; values[i] = v;
                next[d]++;
            }
        }
        int start = lo;
        for (int d = 0; d < 256; d++)
        {
            int stop = end[d];
            if (stop - start > 1) RadixSort(keys, values, start, stop, shift - 8);
            start = stop;
        }
    }

    const int SmallBucket = 4096;
    [ThreadStatic] static ulong[]? _smallKeys;
    [ThreadStatic] static long[]? _smallValues;

    /// <summary>Sorts a bucket of at most <see cref="SmallBucket"/> entries: a least-significant-digit radix sort on the
    /// bits that vary in it (a bucket of one row varies in its column's 16-17 bits: two or three passes), through a
    /// 64 KiB scratch kept per thread; insertion sort for a few entries, a comparison sort for keys varying in more than
    /// 32 bits.</summary>
    static void SmallSort(ulong[] keys, long[] values, int lo, int hi)
    {
        int n = hi - lo;
        if (n <= 48)
        {
            for (int i = lo + 1; i < hi; i++)
            {
                ulong k = keys[i]; long v = values[i];
                int j = i - 1;
                while (j >= lo && keys[j] > k) { keys[j + 1] = keys[j]; values[j + 1] = values[j]; j--; }
                keys[j + 1] = k; values[j + 1] = v;
            }
            return;
        }
        ulong all = ~0UL, any = 0;
        for (int i = lo; i < hi; i++) { all &= keys[i]; any |= keys[i]; }
        ulong vary = all ^ any;
        if (vary == 0) return;
        int low = System.Numerics.BitOperations.TrailingZeroCount(vary), high = 63 - System.Numerics.BitOperations.LeadingZeroCount(vary);
        int passes = (high - low) / 8 + 1;
        if (passes > 4 || n > SmallBucket) { Array.Sort(keys, values, lo, n); return; }
        var tk = _smallKeys ??= new ulong[SmallBucket];
        var tv = _smallValues ??= new long[SmallBucket];
        Span<int> count = stackalloc int[256];
        var sk = keys.AsSpan(lo, n); var sv = values.AsSpan(lo, n);
        var dk = tk.AsSpan(0, n); var dv = tv.AsSpan(0, n);
        for (int p = 0; p < passes; p++)
        {
            int shift = low + 8 * p;
            count.Clear();
            for (int i = 0; i < n; i++) count[(int)(sk[i] >> shift) & 0xFF]++;
            for (int d = 0, sum = 0; d < 256; d++) { int c = count[d]; count[d] = sum; sum += c; }
            for (int i = 0; i < n; i++)
            {
                int at = count[(int)(sk[i] >> shift) & 0xFF]++;
                dk[at] = sk[i]; dv[at] = sv[i];
            }
            var t1 = sk; sk = dk; dk = t1;
            var t2 = sv; sv = dv; dv = t2;
        }
        // After an odd number of passes the sorted entries are in the scratch.
        if ((passes & 1) == 1) { sk.CopyTo(keys.AsSpan(lo, n)); sv.CopyTo(values.AsSpan(lo, n)); }
    }

    /// <param name="buffer">The writer's record buffer (<see cref="RunFileWriter.BufferBytes"/>): a worker that spills
    /// many runs passes its own, so each run leaves no 64 KB of garbage behind (at small budgets that garbage was part of
    /// the peak).</param>
    public static void Write(string path, ulong[] keys, long[] values, int start, int n, byte[]? buffer = null)
    {
        using var w = new RunFileWriter(path, buffer);
        for (int i = start; i < start + n; i++) w.Append(keys[i], values[i]);
    }
}

/// <summary>Writes a run file: 16-byte records (key, integer weight), buffered; read back by <see cref="FileRun"/>.</summary>
internal sealed class RunFileWriter(string path, byte[]? buffer = null) : IDisposable
{
    public const int BufferBytes = 16 * 4096;
    // Unbuffered stream: the 64 KB record buffer is the only one. (A FileStream buffer of 1 MB per spill run was a
    // large-object allocation per run: thousands of runs on a budget left the heap far above --memory.)
    readonly FileStream _fs = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
    readonly byte[] _buf = buffer is { Length: BufferBytes } ? buffer : new byte[BufferBytes];
    int _fill;
    public long Records { get; private set; }

    public void Append(ulong key, long value)
    {
        BitConverter.TryWriteBytes(_buf.AsSpan(_fill), key);
        BitConverter.TryWriteBytes(_buf.AsSpan(_fill + 8), value);
        _fill += 16;
        Records++;
        if (_fill == _buf.Length) { _fs.Write(_buf, 0, _fill); _fill = 0; }
    }

    public void Dispose()
    {
        _fs.Write(_buf, 0, _fill);
        _fs.Dispose();
    }
}

internal sealed class MemoryRun(ulong[] keys, long[] values, int start, int count) : IRunSource
{
    // Released on Dispose, so a merged buffer can be collected before the next pass allocates its own.
    ulong[] _keys = keys;
    long[] _values = values;
    int _i = start - 1;
    public bool MoveNext() => ++_i < start + count;
    public ulong Key => _keys[_i];
    public long Value => _values[_i];
    public int Read(Span<ulong> keys, Span<long> values)
    {
        int from = _i + 1, n = Math.Min(keys.Length, start + count - from);
        if (n <= 0) return 0;
        _keys.AsSpan(from, n).CopyTo(keys);
        _values.AsSpan(from, n).CopyTo(values);
        _i += n;
        return n;
    }
    public void Dispose() { _keys = []; _values = []; }
}

/// <summary>Two sorted sources with no key in common, read as one (a symmetric buffer: its upper triangle and the
/// mirror, whose rows interleave), so a count with many threads still merges few sources.</summary>
internal sealed class DisjointUnionRun(IRunSource a, IRunSource b) : IRunSource
{
    bool _started, _hasA, _hasB, _fromA;
    public ulong Key { get; private set; }
    public long Value { get; private set; }

    public bool MoveNext()
    {
        if (!_started) { _hasA = a.MoveNext(); _hasB = b.MoveNext(); _started = true; }
        else if (_fromA) _hasA = a.MoveNext();
        else _hasB = b.MoveNext();
        if (!_hasA && !_hasB) return false;
        _fromA = _hasA && (!_hasB || a.Key < b.Key);
        var s = _fromA ? a : b;
        Key = s.Key; Value = s.Value;
        return true;
    }

    RunCursor? _ca, _cb;
    bool _liveA, _liveB;

    public int Read(Span<ulong> keys, Span<long> values)
    {
        if (_ca == null) { _ca = new RunCursor(a); _cb = new RunCursor(b); _liveA = _ca.Refill(); _liveB = _cb.Refill(); }
        var ca = _ca; var cb = _cb!;
        int n = 0;
        while (n < keys.Length && (_liveA || _liveB))
        {
            var c = !_liveB || (_liveA && ca.Head < cb.Head) ? ca : cb;
            keys[n] = c.Keys[c.Pos]; values[n] = c.Values[c.Pos]; n++;
            if (++c.Pos == c.Count)
            {
                if (c == ca) _liveA = ca.Refill(); else _liveB = cb.Refill();
            }
        }
        return n;
    }

    public void Dispose() { a.Dispose(); b.Dispose(); }
}

/// <param name="buffer">A record buffer of <see cref="BufferBytes"/> to read through (the caller's, reused run after
/// run), or null for one of its own.</param>
internal sealed class FileRun(string path, bool deleteOnClose = true, byte[]? buffer = null) : IRunSource
{
    public const int BufferBytes = RunFileWriter.BufferBytes;
    readonly FileStream _fs = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
        (deleteOnClose ? FileOptions.DeleteOnClose : FileOptions.None) | FileOptions.SequentialScan);
    readonly byte[] _buf = buffer is { Length: BufferBytes } ? buffer : new byte[BufferBytes];
    int _pos, _len;
    public ulong Key { get; private set; }
    public long Value { get; private set; }

    public bool MoveNext()
    {
        if (_pos == _len && !Fill()) return false;
        Key = BitConverter.ToUInt64(_buf, _pos);
        Value = BitConverter.ToInt64(_buf, _pos + 8);
        _pos += 16;
        return true;
    }

    public int Read(Span<ulong> keys, Span<long> values)
    {
        int n = 0;
        while (n < keys.Length)
        {
            if (_pos == _len && !Fill()) break;
            int m = Math.Min(keys.Length - n, (_len - _pos) / 16);
            for (int q = 0; q < m; q++, _pos += 16)
            {
                keys[n + q] = BitConverter.ToUInt64(_buf, _pos);
                values[n + q] = BitConverter.ToInt64(_buf, _pos + 8);
            }
            n += m;
        }
        return n;
    }

    /// <summary>Reads the next buffer of records; false at the end of the file.</summary>
    bool Fill()
    {
        _len = 0;
        int n;
        while (_len < _buf.Length && (n = _fs.Read(_buf, _len, _buf.Length - _len)) > 0) _len += n;
        _pos = 0;
        return _len > 0;
    }

    public void Dispose() => _fs.Dispose();
}

/// <summary>A run read from a file this count did not write (a shard's <c>partial.run</c>): each record is checked to
/// hold ids within the vocabulary, a positive weight and a key above the one before, so a damaged file is an error
/// naming it and its record rather than a failure inside the merge (an id past the vocabulary indexed past the row
/// counts).</summary>
internal sealed class CheckedRun(IRunSource inner, string path, int vocab) : IRunSource
{
    long _index = -1;
    ulong _last;
    public ulong Key => inner.Key;
    public long Value => inner.Value;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        Check(inner.Key, inner.Value);
        return true;
    }

    public int Read(Span<ulong> keys, Span<long> values)
    {
        int n = inner.Read(keys, values);
        for (int q = 0; q < n; q++) Check(keys[q], values[q]);
        return n;
    }

    void Check(ulong key, long value)
    {
        _index++;
        uint row = (uint)(key >> 32), col = (uint)key;
        if (row >= (uint)vocab || col >= (uint)vocab || value <= 0 || (_index > 0 && key <= _last))
            throw new GloVeVException($"{path}: record {_index} ({row}, {col}, weight {value}) is {(row >= (uint)vocab || col >= (uint)vocab ? $"outside the vocabulary of {vocab} words" : value <= 0 ? "not a positive weight" : "out of order")}: the shard is damaged; count it again");
        _last = key;
    }

    public void Dispose() => inner.Dispose();
}
