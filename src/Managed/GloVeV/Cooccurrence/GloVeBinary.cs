using System.Runtime.InteropServices;

namespace GloVeV.Cooccurrence;

/// <summary>One record of GloVe C's <c>cooccurrence.bin</c>: 1-based ids and a float64 weight (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct CoocRecord
{
    public int Word1;
    public int Word2;
    public double Value;
}

/// <summary>
/// Streams records into a GloVe C <c>cooccurrence.bin</c>, atomically. The caller fills one buffer while a writing
/// thread writes and hashes the ones before it (and passes them on to a CSR writer, when given), up to
/// <see cref="Buffers"/> - 1 of them queued, so the merge that feeds this writer does not wait for the page cache
/// (writing is most of a merge's time). One writing thread for both files: with one task for each beside the merge,
/// three threads shared two cores, and a double buffer made the merge wait for the slower of the two every hand-off
/// (gutenberg_10M at one thread: 0.3 of the merge's 1.0 s).
/// </summary>
public sealed class GloVeBinaryWriter : IDisposable
{
    // 256 KiB each, a whole number of records: large enough that a hand-off per buffer costs nothing, small enough
    // for the merge's share of the --memory plan.
    const int BufferBytes = 16 << 14;
    /// <summary>Buffers in all: one filled by the caller, the rest queued for or being written.</summary>
    public const int Buffers = 4;
    readonly IO.AtomicFile _file;
    byte[] _buf = new byte[BufferBytes];
    readonly System.Collections.Concurrent.BlockingCollection<(byte[] Buf, int Bytes)> _full = new(Buffers - 1);
    readonly System.Collections.Concurrent.BlockingCollection<byte[]> _free = new(Buffers);
    Task? _writer;
    volatile System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;
    readonly System.Security.Cryptography.IncrementalHash _sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
    int _fill;
    readonly CsrStreamWriter? _csr;
    bool _finished;

    /// <summary>SHA-256 of the bytes written (after <see cref="Finish"/> or <see cref="Commit"/>).</summary>
    public string Sha256 { get; private set; } = "";
    /// <summary>Bytes written (after <see cref="Finish"/> or <see cref="Commit"/>).</summary>
    public long Bytes { get; private set; }

    /// <param name="csr">Receives every record too, in order (on the writing thread).</param>
    public GloVeBinaryWriter(string path, CsrStreamWriter? csr = null)
    {
        _file = new IO.AtomicFile(path);
        _csr = csr;
        _writeBack = new IO.EarlyWriteBack(((FileStream)_file.Stream).SafeFileHandle);
    }

    readonly IO.EarlyWriteBack _writeBack;

    public void Write(int word1, int word2, double value)
    {
        ThrowIfFinished();
        var r = new CoocRecord { Word1 = word1, Word2 = word2, Value = value };
        MemoryMarshal.Write(_buf.AsSpan(_fill), in r);
        _fill += 16;
        if (_fill == _buf.Length) HandOff();
    }

    /// <summary>Writes merged entries (key = row &lt;&lt; 32 | col, 0-based; the value is weight * scale) and counts them
    /// per row.</summary>
    internal void Write(ReadOnlySpan<ulong> keys, ReadOnlySpan<long> weights, double scale, long[] rowCounts)
    {
        ThrowIfFinished();
        for (int k = 0; k < keys.Length;)
        {
            var recs = MemoryMarshal.Cast<byte, CoocRecord>(_buf.AsSpan(_fill));
            int m = Math.Min(recs.Length, keys.Length - k);
            for (int q = 0; q < m; q++)
            {
                ulong key = keys[k + q];
                int i = (int)(key >> 32);
                recs[q] = new CoocRecord { Word1 = i + 1, Word2 = (int)(uint)key + 1, Value = weights[k + q] * scale };
                rowCounts[i]++;
            }
            k += m;
            _fill += 16 * m;
            if (_fill == _buf.Length) HandOff();
        }
    }

    /// <summary>The hash is taken at <see cref="Finish"/>: a record after it would be on the file but not in the hash
    /// (and the writing thread is gone).</summary>
    void ThrowIfFinished()
    {
        if (_finished) throw new InvalidOperationException("cooccurrence.bin writer: a record was written after Finish");
    }

    void HandOff()
    {
        ThrowIfFailed();
        if (_writer == null)
        {
            for (int b = 1; b < Buffers; b++) _free.Add(new byte[BufferBytes]);
            _writer = Task.Factory.StartNew(WriteQueued, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        _full.Add((_buf, _fill));
        _buf = _free.Take();
        _fill = 0;
        ThrowIfFailed();
    }

    /// <summary>The writing thread: each queued buffer to the .bin (with its hash) and then the CSR file, in order;
    /// after a failure it only hands buffers back, so the caller never waits forever.</summary>
    void WriteQueued()
    {
        foreach (var (buf, n) in _full.GetConsumingEnumerable())
        {
            if (_failure == null)
                try
                {
                    WriteOut(buf, n);
                    _csr?.Append(MemoryMarshal.Cast<byte, CoocRecord>(buf.AsSpan(0, n)));
                }
                catch (Exception e) { _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
            _free.Add(buf);
        }
    }

    /// <summary>A failed write (a full disk) surfaces on the caller's thread with its original exception.</summary>
    void ThrowIfFailed() => _failure?.Throw();

    /// <summary>The .bin's part of a buffer (the CSR's follows it, see <see cref="WriteQueued"/>).</summary>
    void WriteOut(byte[] buf, int n)
    {
        _file.Stream.Write(buf, 0, n);
        _sha.AppendData(buf, 0, n);
        Bytes += n;
        // What the FileStream's own buffer still holds is not on the file yet; the request rounds down to it.
        _writeBack.Finished(Bytes - (1 << 20));
    }

    /// <summary>Waits until every queued buffer is written; a failure among them surfaces here.</summary>
    void WaitForWrite()
    {
        if (_writer != null)
        {
            _full.CompleteAdding();
            _writer.Wait();
            _writer = null;
        }
        ThrowIfFailed();
    }

    /// <summary>Writes what is left and takes the hash; the file is not yet durable nor under its name.</summary>
    public void Finish()
    {
        if (_finished) return;
        WaitForWrite();
        WriteOut(_buf, _fill);
        _csr?.Append(MemoryMarshal.Cast<byte, CoocRecord>(_buf.AsSpan(0, _fill)));
        _fill = 0;
        // Every byte reaches the file now, not at Commit: a CSR written from these records afterwards must be the newer
        // file (a .bin newer than its CSR is hashed again by every reader, see CsrMatrix.Stale).
        _file.Stream.Flush();
        Sha256 = Convert.ToHexStringLower(_sha.GetHashAndReset());
        _finished = true;
    }

    /// <summary>Finishes, makes the file durable and gives it its final name.</summary>
    public void Commit()
    {
        Finish();
        _file.Commit();
    }

    public void Dispose()
    {
        // An abandoned write (the merge failed) must finish before the stream is closed under it.
        if (_writer != null)
        {
            _full.CompleteAdding();
            try { _writer.Wait(); } catch (AggregateException) { }
            _writer = null;
        }
        _full.Dispose(); _free.Dispose();
        _file.Dispose(); _sha.Dispose();
    }
}

/// <summary>Reads a GloVe C <c>cooccurrence.bin</c> (checked: whole records, ids within the vocabulary).</summary>
public static class GloVeBinaryReader
{
    public static long RecordCount(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: co-occurrence file not found");
        long size = new FileInfo(path).Length;
        if (size % 16 != 0)
            throw new GloVeVException($"{path}: truncated or not a GloVe cooccurrence.bin: size {size} is not a multiple of 16 bytes");
        return size / 16;
    }

    /// <summary>Receives consecutive records of a file; <paramref name="first"/> is the index of the first.</summary>
    public delegate void ChunkVisitor(ReadOnlySpan<CoocRecord> records, long first);

    /// <summary>Visits the records in file order, a chunk (up to 16,384 records, 256 KiB) at a time, unchecked.</summary>
    public static void ForEachChunk(string path, ChunkVisitor visit)
    {
        long n = RecordCount(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buf = new byte[16 << 14];
        for (long index = 0; index < n;)
        {
            int want = (int)Math.Min(buf.Length / 16, n - index) * 16;
            fs.ReadExactly(buf, 0, want);
            var recs = MemoryMarshal.Cast<byte, CoocRecord>(buf.AsSpan(0, want));
            visit(recs, index);
            index += recs.Length;
        }
    }

    /// <summary>Visits every record in file order; ids are validated against <paramref name="vocabSize"/>.</summary>
    public static void ForEach(string path, int vocabSize, Action<CoocRecord> visit) => ForEachChunk(path, (recs, first) =>
    {
        for (int k = 0; k < recs.Length; k++)
        {
            var r = recs[k];
            long index = first + k;
            if (r.Word1 < 1 || r.Word1 > vocabSize || r.Word2 < 1 || r.Word2 > vocabSize)
                throw new GloVeVException($"{path}: record {index} has ids ({r.Word1}, {r.Word2}) outside the vocabulary of {vocabSize} words (ids are 1-based)");
            if (!double.IsFinite(r.Value) || !(r.Value > 0))
                throw new GloVeVException($"{path}: record {index} ({r.Word1}, {r.Word2}) has value {r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; co-occurrence values must be finite and positive");
            visit(r);
        }
    });
}
