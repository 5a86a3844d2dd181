using System.Runtime.InteropServices;
using GloVeV.IO;

namespace GloVeV.Cooccurrence;

/// <summary>
/// Writes the CSR file (<see cref="CsrMatrix"/>'s tensors) while a merge streams its (row, col)-sorted records, so the
/// count does not read <c>cooccurrence.bin</c> back afterwards. The file's data section is laid out indptr, data,
/// indices: indptr's size is fixed by the vocabulary, so each value goes straight to its place as it comes; the
/// column ids' place depends on the final count, so they go to a side file that is appended at the end. Indptr and
/// the header come last, into room reserved at the start (the header padded with spaces, which the format allows).
/// The file appears under its final name only on <see cref="Commit"/>.
/// </summary>
public sealed class CsrStreamWriter : IDisposable
{
    /// <summary>Bytes kept for the JSON header beyond what the metadata and 15-digit counts need.</summary>
    const int HeaderSlack = 256;
    readonly AtomicFile _file;
    readonly FileStream _indices;
    readonly string _indicesPath;
    readonly int _rows;
    readonly long _dataStart;
    readonly int[] _ibuf = new int[1 << 14];
    readonly double[] _dbuf = new double[1 << 14];
    long _count;
    bool _done;

    /// <param name="path">The CSR file to write.</param>
    /// <param name="rows">Rows of the matrix (the vocabulary's size).</param>
    /// <param name="metadataLayout">The metadata the file will carry, with values at least as long as the final ones
    /// (it sizes the room kept for the header).</param>
    public CsrStreamWriter(string path, int rows, IReadOnlyDictionary<string, string> metadataLayout)
    {
        _rows = rows;
        // The widest header this file can need: counts of up to 15 digits (a 16 PB .bin).
        long bigCount = 999_999_999_999_999;
        int room = SafeTensorsWriter.Header(Specs(bigCount), metadataLayout, out _, out _).Length + HeaderSlack;
        room += (8 - room % 8) % 8;
        _dataStart = 8 + room;
        _file = new AtomicFile(path);
        try
        {
            _indicesPath = AtomicFile.TempPathFor(path + ".indices");
            // Unbuffered: Append writes 64 KiB at a time, and a buffer would count against --memory.
            _indices = new FileStream(_indicesPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.DeleteOnClose);
        }
        catch { _file.Dispose(); throw; }
        _writeBack = new EarlyWriteBack(((FileStream)_file.Stream).SafeFileHandle);
    }

    readonly EarlyWriteBack _writeBack;

    TensorSpec[] Specs(long nnz) => [
        new("indptr", TensorDType.I64, [_rows + 1]),
        new("data", TensorDType.F64, [nnz]),
        new("indices", TensorDType.I32, [nnz]),
    ];

    /// <summary>Appends records that follow the ones before them in (row, col) order (1-based ids, as in the .bin).
    /// One thread at a time.</summary>
    public void Append(ReadOnlySpan<CoocRecord> records)
    {
        var handle = ((FileStream)_file.Stream).SafeFileHandle;
        for (int at = 0; at < records.Length;)
        {
            int m = Math.Min(_ibuf.Length, records.Length - at);
            for (int q = 0; q < m; q++)
            {
                var r = records[at + q];
                _ibuf[q] = r.Word2 - 1;
                _dbuf[q] = r.Value;
            }
            RandomAccess.Write(handle, MemoryMarshal.AsBytes(_dbuf.AsSpan(0, m)), _dataStart + 8L * (_rows + 1) + 8 * _count);
            _indices.Write(MemoryMarshal.AsBytes(_ibuf.AsSpan(0, m)));
            _count += m;
            at += m;
        }
        _writeBack.Finished(_dataStart + 8L * (_rows + 1) + 8 * _count);
    }

    /// <summary>Writes indptr from the rows' counts, the column ids and the header, makes the file durable and gives
    /// it its final name.</summary>
    public void Commit(long[] rowCounts, IReadOnlyDictionary<string, string> metadata)
    {
        if (rowCounts.Length != _rows) throw new ArgumentException($"{rowCounts.Length} row counts for {_rows} rows");
        long sum = 0;
        var indptr = new long[_rows + 1];
        for (int i = 0; i < _rows; i++) indptr[i + 1] = sum += rowCounts[i];
        if (sum != _count) throw new GloVeVException($"{_file.FinalPath}: {_count} records written, but the rows count {sum}");
        var handle = ((FileStream)_file.Stream).SafeFileHandle;
        RandomAccess.Write(handle, MemoryMarshal.AsBytes(indptr.AsSpan()), _dataStart);
        // The column ids after the values.
        _indices.Flush();
        long to = _dataStart + 8L * (_rows + 1) + 8 * _count;
        var buf = new byte[256 << 10];
        for (long from = 0, n = 4 * _count; from < n;)
        {
            int got = RandomAccess.Read(_indices.SafeFileHandle, buf.AsSpan(0, (int)Math.Min(buf.Length, n - from)), from);
            if (got <= 0) throw new IOException($"{_indicesPath}: ended at byte {from} of {n}");
            // The side file gives back what was read before it is written again: the count needs no more disk than
            // its output.
            if (OperatingSystem.IsLinux())
                try { fallocate((int)_indices.SafeFileHandle.DangerousGetHandle(), PunchHoleKeepSize, from, got); }
                catch (EntryPointNotFoundException) { }
            RandomAccess.Write(handle, buf.AsSpan(0, got), to + from);
            from += got;
            _writeBack.Finished(to + from);
        }
        var header = SafeTensorsWriter.Header(Specs(_count), metadata, out _, out _);
        long room = _dataStart - 8;
        if (header.Length > room) throw new GloVeVException($"{_file.FinalPath}: header of {header.Length} bytes does not fit the {room} kept for it");
        var head = new byte[_dataStart];
        BitConverter.TryWriteBytes(head.AsSpan(0, 8), (ulong)room);
        header.CopyTo(head, 8);
        head.AsSpan(8 + header.Length).Fill((byte)' ');
        RandomAccess.Write(handle, head, 0);
        _indices.Dispose();
        _file.Commit();
        _done = true;
    }

    const int PunchHoleKeepSize = 0x02 | 0x01; // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE; refused where unsupported
    [DllImport("libc", SetLastError = true)] static extern int fallocate(int fd, int mode, long offset, long len);

    public void Dispose()
    {
        _indices.Dispose();
        if (!_done) _file.Dispose();
    }
}
