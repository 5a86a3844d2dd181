using System.Runtime.InteropServices;

namespace GloVeV.Cooccurrence;

/// <summary>A sorted, reduced batch of (key = row &lt;&lt; 32 | col, integer weight) pairs: in memory or spilled to disk.</summary>
internal interface IRunSource : IDisposable
{
    /// <summary>Advances; false at the end.</summary>
    bool MoveNext();
    ulong Key { get; }
    long Value { get; }
}

internal static class SortedRun
{
    /// <summary>Sorts keys with their values and sums duplicates in place; returns the new length.</summary>
    public static int SortAndReduce(ulong[] keys, long[] values, int n)
    {
        if (n == 0) return 0;
        Array.Sort(keys, values, 0, n);
        int w = 0;
        for (int r = 1; r < n; r++)
        {
            if (keys[r] == keys[w]) values[w] += values[r];
            else { w++; keys[w] = keys[r]; values[w] = values[r]; }
        }
        return w + 1;
    }

    public static void Write(string path, ulong[] keys, long[] values, int n)
    {
        using var w = new RunFileWriter(path);
        for (int i = 0; i < n; i++) w.Append(keys[i], values[i]);
    }
}

/// <summary>Writes a run file: 16-byte records (key, integer weight), buffered; read back by <see cref="FileRun"/>.</summary>
internal sealed class RunFileWriter(string path) : IDisposable
{
    // Unbuffered stream: the 64 KB record buffer is the only one. (A FileStream buffer of 1 MB per spill run was a
    // large-object allocation per run: thousands of runs on a budget left the heap far above --memory.)
    readonly FileStream _fs = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
    readonly byte[] _buf = new byte[16 * 4096];
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

internal sealed class MemoryRun(ulong[] keys, long[] values, int count) : IRunSource
{
    // Released on Dispose, so a merged buffer can be collected before the next pass allocates its own.
    ulong[] _keys = keys;
    long[] _values = values;
    int _i = -1;
    public bool MoveNext() => ++_i < count;
    public ulong Key => _keys[_i];
    public long Value => _values[_i];
    public void Dispose() { _keys = []; _values = []; }
}

internal sealed class FileRun(string path, bool deleteOnClose = true) : IRunSource
{
    readonly FileStream _fs = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1,
        (deleteOnClose ? FileOptions.DeleteOnClose : FileOptions.None) | FileOptions.SequentialScan);
    readonly byte[] _buf = new byte[16 * 4096];
    int _pos, _len;
    public ulong Key { get; private set; }
    public long Value { get; private set; }

    public bool MoveNext()
    {
        if (_pos == _len)
        {
            _len = 0;
            int n;
            while (_len < _buf.Length && (n = _fs.Read(_buf, _len, _buf.Length - _len)) > 0) _len += n;
            _pos = 0;
            if (_len == 0) return false;
        }
        Key = BitConverter.ToUInt64(_buf, _pos);
        Value = BitConverter.ToInt64(_buf, _pos + 8);
        _pos += 16;
        return true;
    }

    public void Dispose() => _fs.Dispose();
}

/// <summary>The dense block of frequent pairs ((i+1)(j+1) &lt; maxProduct, as in GloVe C), iterated in key order.</summary>
internal sealed class DenseBlock
{
    public readonly long[] Values;
    public readonly long[] RowStart;   // V + 1 offsets
    public readonly int[] RowLength;
    public DenseBlock(int vocab, long maxProduct)
    {
        RowStart = new long[vocab + 1];
        RowLength = new int[vocab];
        for (int a = 0; a < vocab; a++)
        {
            RowLength[a] = (int)Math.Min(vocab, (maxProduct - 1) / (a + 1));
            RowStart[a + 1] = RowStart[a] + RowLength[a];
        }
        Values = new long[RowStart[vocab]];
    }

    static readonly DenseBlock Empty = new(0, 1);

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

    public void AddFrom(DenseBlock other)
    {
        var src = other.Values; var dst = Values;
        for (long k = 0; k < dst.LongLength; k++) dst[k] += src[k];
    }

    public IRunSource Iterate() => new Iterator(this);

    sealed class Iterator(DenseBlock block) : IRunSource
    {
        DenseBlock d = block;
        int _row;
        long _k = -1;
        public ulong Key { get; private set; }
        public long Value { get; private set; }
        public bool MoveNext()
        {
            var vals = d.Values;
            while (true)
            {
                _k++;
                while (_row < d.RowLength.Length && _k >= d.RowStart[_row + 1]) _row++;
                if (_row >= d.RowLength.Length) return false;
                if (vals[_k] != 0)
                {
                    Key = ((ulong)_row << 32) | (ulong)(_k - d.RowStart[_row]);
                    Value = vals[_k];
                    return true;
                }
            }
        }
        public void Dispose() => d = Empty;
    }
}
