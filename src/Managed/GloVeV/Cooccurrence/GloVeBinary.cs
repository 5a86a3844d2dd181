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
/// Streams records into a GloVe C <c>cooccurrence.bin</c>, atomically. Two buffers alternate: while the caller fills
/// one, the other is written and hashed on a pool thread (and passed on to a CSR writer, when given), so the merge
/// that feeds this writer does not wait for the page cache (writing is most of a merge's time).
/// </summary>
public sealed class GloVeBinaryWriter : IDisposable
{
    // 256 KiB each, a whole number of records: large enough that a hand-off per buffer costs nothing, small enough
    // for the merge's share of the --memory plan.
    const int BufferBytes = 16 << 14;
    readonly IO.AtomicFile _file;
    byte[] _buf = new byte[BufferBytes];
    byte[] _spare = new byte[BufferBytes];
    Task? _writing;
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
        var r = new CoocRecord { Word1 = word1, Word2 = word2, Value = value };
        MemoryMarshal.Write(_buf.AsSpan(_fill), in r);
        _fill += 16;
        if (_fill == _buf.Length) HandOff();
    }

    /// <summary>Writes merged entries (key = row &lt;&lt; 32 | col, 0-based; the value is weight * scale) and counts them
    /// per row.</summary>
    internal void Write(ReadOnlySpan<ulong> keys, ReadOnlySpan<long> weights, double scale, long[] rowCounts)
    {
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

    void HandOff()
    {
        WaitForWrite();
        var full = _buf; int n = _fill;
        // The .bin (with its hash) and the CSR file are written side by side: either alone kept the merge waiting.
        var csr = _csr;
        _writing = csr == null ? Task.Run(() => WriteOut(full, n))
            : Task.WhenAll(Task.Run(() => WriteOut(full, n)), Task.Run(() => csr.Append(MemoryMarshal.Cast<byte, CoocRecord>(full.AsSpan(0, n)))));
        (_buf, _spare) = (_spare, full);
        _fill = 0;
    }

    /// <summary>The .bin's part of a buffer (the CSR's goes beside it, see <see cref="HandOff"/>).</summary>
    void WriteOut(byte[] buf, int n)
    {
        _file.Stream.Write(buf, 0, n);
        _sha.AppendData(buf, 0, n);
        Bytes += n;
        // What the FileStream's own buffer still holds is not on the file yet; the request rounds down to it.
        _writeBack.Finished(Bytes - (1 << 20));
    }

    /// <summary>Waits for the buffer in flight; its failure (a full disk) surfaces here, on the caller's thread.</summary>
    void WaitForWrite()
    {
        if (_writing == null) return;
        var t = _writing; _writing = null;
        t.GetAwaiter().GetResult(); // rethrows the original exception
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
        if (_writing != null) try { _writing.Wait(); } catch (AggregateException) { }
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
