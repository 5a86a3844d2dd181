using GloVeV.IO;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace GloVeV.Text;

/// <summary>
/// Decompresses a gzip file — one member or several concatenated ones (<c>cat a.gz b.gz</c>, pigz, bgzip) — and fails,
/// naming the file, when it is incomplete or damaged: a file that ends inside a member ("truncated gzip stream"), a
/// member whose data does not match the CRC-32 ("gzip CRC mismatch") or the length (ISIZE) its trailer records, bytes
/// after a member that are not another member.
/// </summary>
/// <remarks>
/// <para>Why not <see cref="GZipStream"/> alone: it reads a file that stops inside a member as a clean, short end
/// (dotnet/runtime#47563; its check, #61768, is off by default since #72726), reports a damaged CRC as "unsupported
/// compression method", and hides where one member ends and the next begins, so its output cannot be checked against
/// each member's trailer.</para>
/// <para>Why not zlib through P/Invoke: the system's zlib (1.2.13 here) inflates markedly slower than the zlib-ng inside
/// .NET (gutenberg_10M.txt.gz, 56 MB of text: 0.25 s against 0.12-0.16 s), and the corpus reader is a single thread
/// that many counting threads wait on; zlib-ng's own entry points in .NET are internal, not an API.</para>
/// <para>So the gzip framing (RFC 1952) is read here and each member's deflate data goes through
/// <see cref="DeflateStream"/> (.NET's zlib-ng, full speed), with a CRC-32 of its output (System.IO.Hashing,
/// vectorised: a few milliseconds per 50 MB). DeflateStream does not say where the deflate data ended; it reads its
/// input in pieces and stops asking once the data is complete, so the end lies in the last piece it took. The trailer
/// is the 8 bytes there that equal the CRC-32 and length just computed (a chance match elsewhere has probability
/// 2^-64 per position). A member whose input ran out before its data ended is truncated; one whose data ended but whose
/// trailer does not match is corrupt.</para>
/// </remarks>
public sealed class GzipReader : ForwardReadStream
{
    const int BufferBytes = 1 << 20;
    /// <summary>Bytes before the inflater's read position searched for the end of a member's deflate data: its last
    /// piece (8 KB in .NET 10) with a wide margin.</summary>
    const int SearchBack = 64 << 10;
    const byte FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16;
    /// <summary>A longer header (a file name or comment without its terminating zero) is damage, not a header.</summary>
    const int MaxHeaderBytes = 16 << 20;

    readonly Stream _file;
    readonly string _path;
    readonly Source _source;
    byte[] _buf = new byte[BufferBytes];
    /// <summary>Unread bytes are _buf[_pos.._len); _buf[0] is at file offset _base.</summary>
    int _pos, _len;
    long _base;
    bool _fileEnded;
    /// <summary>Where the current member's deflate data starts (buffer index; bytes from there on are kept).</summary>
    int _dataStart;
    /// <summary>The inflater was told the file had ended, during the current member.</summary>
    bool _inflaterSawEnd;
    /// <summary>Where the inflater's last piece of input began (buffer index).</summary>
    int _lastPiece;
    DeflateStream? _inflater;
    readonly Crc32 _crc = new();
    long _size;
    int _member;
    bool _done, _disposed;

    public GzipReader(Stream file, string path)
    {
        _file = file;
        _path = path;
        _source = new Source(this);
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty) return 0;
        while (!_done)
        {
            if (_inflater == null && !BeginMember()) { _done = true; break; }
            int n;
            try { n = _inflater!.Read(buffer); }
            catch (InvalidDataException e) { throw Corrupt($"damaged deflate data ({e.Message})"); }
            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _size += n;
                return n;
            }
            EndMember();
        }
        return 0;
    }

    /// <summary>Reads a member header at the read position; false at the end of the file after a member.</summary>
    bool BeginMember()
    {
        int start = _pos;
        if (!Have(ref start, 1))
        {
            if (_member == 0) throw new GloVeVException($"{_path}: truncated gzip stream: the file is empty");
            return false;
        }
        const string inside = "the file ends inside a gzip header";
        if (!Have(ref start, 10)) throw HeaderError(start, inside, truncated: true);
        if (_buf[start] != 0x1f || _buf[start + 1] != 0x8b) throw HeaderError(start, "no gzip signature (1f 8b)", truncated: false);
        if (_buf[start + 2] != 8) throw HeaderError(start, $"compression method {_buf[start + 2]} (gzip knows only 8, deflate)", truncated: false);
        byte flags = _buf[start + 3];
        if ((flags & 0xE0) != 0) throw HeaderError(start, $"reserved header flags set (0x{flags:x2})", truncated: false);
        // Offsets from the header's start: reading more may move the bytes in the buffer.
        int off = 10;
        if ((flags & FlagExtra) != 0)
        {
            if (!Have(ref start, off + 2)) throw HeaderError(start, inside, truncated: true);
            off += 2 + (_buf[start + off] | (_buf[start + off + 1] << 8));
            if (!Have(ref start, off)) throw HeaderError(start, inside, truncated: true);
        }
        foreach (var f in new[] { FlagName, FlagComment })
        {
            if ((flags & f) == 0) continue;
            while (true)
            {
                if (off > MaxHeaderBytes) throw HeaderError(start, $"a file name or comment longer than {MaxHeaderBytes >> 20} MB", truncated: false);
                if (!Have(ref start, off + 1)) throw HeaderError(start, inside, truncated: true);
                if (_buf[start + off++] == 0) break;
            }
        }
        if ((flags & FlagHeaderCrc) != 0)
        {
            if (!Have(ref start, off + 2)) throw HeaderError(start, inside, truncated: true);
            uint want = (uint)(_buf[start + off] | (_buf[start + off + 1] << 8));
            uint got = Crc32.HashToUInt32(_buf.AsSpan(start, off)) & 0xFFFF;
            if (want != got) throw HeaderError(start, "the header's CRC-16 does not match the header", truncated: false);
            off += 2;
        }
        _pos = start + off;
        _dataStart = _pos;
        _lastPiece = _pos;
        _member++;
        _crc.Reset();
        _size = 0;
        _inflaterSawEnd = false;
        _inflater = new DeflateStream(_source, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>The inflater has no more output: find the member's trailer and check it.</summary>
    void EndMember()
    {
        _inflater!.Dispose();
        _inflater = null;
        uint crc = _crc.GetCurrentHashAsUInt32(), size = unchecked((uint)_size);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], size);
        // The data ended at or before the inflater's read position, inside this member: the trailer starts in
        // [from, _pos] and may not have been read yet. (Never further: the next member's trailer could match.)
        // Deflate data is at least 2 bytes (an empty member's is 03 00, whose 00 and the first seven of its all-zero
        // trailer would otherwise match one byte early).
        int from = Math.Min(_pos, Math.Max(_dataStart + 2, _pos - SearchBack));
        Have(ref from, _pos - from + 8);
        var window = _buf.AsSpan(from, Math.Min(_len, _pos + 8) - from);
        int hit = window.IndexOf(trailer);
        if (hit >= 0)
        {
            _pos = from + hit + 8;
            return;
        }
        if (_inflaterSawEnd)
            throw new GloVeVException($"{_path}: truncated gzip stream: the file ends after {_base + _len:N0} bytes, inside gzip member {_member}; the file is incomplete (an interrupted copy or download?)");
        // The data is complete but no trailer matches. Where one half of it matches (searched where the data ended: in
        // the inflater's last piece), say which half differs.
        for (int p = Math.Max(from, _lastPiece); p <= _pos && p + 8 <= _len; p++)
        {
            if (_buf.AsSpan(p + 4, 4).SequenceEqual(trailer[4..]))
                throw new GloVeVException($"{_path}: gzip CRC mismatch in member {_member} (trailer at byte offset {_base + p:N0}): the decompressed data does not match the CRC-32 the file records; the file is corrupt");
            if (_buf.AsSpan(p, 4).SequenceEqual(trailer[..4]))
                throw new GloVeVException($"{_path}: gzip length mismatch in member {_member} (trailer at byte offset {_base + p:N0}): {size:N0} bytes decompressed, but the file records another size; the file is corrupt");
        }
        if (_fileEnded && _len - _pos < 8)
            throw new GloVeVException($"{_path}: truncated gzip stream: the file ends after {_base + _len:N0} bytes, inside or just after gzip member {_member}'s data, without the complete CRC-32 and length trailer that must follow; the file is incomplete or damaged");
        throw new GloVeVException($"{_path}: gzip CRC mismatch in member {_member}: the trailer after its data (near byte offset {_base + _pos:N0}) matches neither the CRC-32 nor the length of the decompressed data; the file is corrupt");
    }

    GloVeVException HeaderError(int start, string what, bool truncated) =>
        truncated ? new GloVeVException($"{_path}: truncated gzip stream: {what} (gzip member {_member + 1} at byte offset {_base + start:N0})")
        : _member == 0 ? new GloVeVException($"{_path}: not a gzip file ({what}); a corpus whose name ends in .gz must be gzip-compressed")
        : new GloVeVException($"{_path}: the bytes after gzip member {_member} (byte offset {_base + start:N0}) are not another gzip member ({what}); the file is corrupt or has trailing garbage");

    GloVeVException Corrupt(string what) =>
        new($"{_path}: corrupt gzip stream in member {_member} (near byte offset {_base + _pos:N0}): {what}");

    /// <summary>Makes at least <paramref name="count"/> bytes from buffer index <paramref name="from"/> available, reading
    /// more of the file (bytes before <paramref name="from"/> and before the member's data may be dropped; indices are
    /// adjusted); false when the file ends first.</summary>
    bool Have(ref int from, int count)
    {
        while (_len - from < count)
        {
            if (_fileEnded) return false;
            // Keep what the caller still needs and the current member's data since the search window (a trailer
            // search looks back into it).
            int keep = Math.Min(from, Math.Max(Math.Min(_dataStart, _pos), _pos - SearchBack));
            if (keep < 0) keep = 0;
            if (keep > 0)
            {
                Buffer.BlockCopy(_buf, keep, _buf, 0, _len - keep);
                _len -= keep; _pos -= keep; from -= keep; _base += keep;
                _dataStart = Math.Max(0, _dataStart - keep); _lastPiece = Math.Max(0, _lastPiece - keep);
            }
            if (_len == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
            int n = _file.Read(_buf, _len, _buf.Length - _len);
            if (n == 0) { _fileEnded = true; return false; }
            _len += n;
        }
        return true;
    }

    /// <summary>What the inflater reads: the buffer from the read position on.</summary>
    sealed class Source(GzipReader r) : ForwardReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            int pos = r._pos;
            if (r._len - pos == 0 && !r.Have(ref pos, 1)) { r._inflaterSawEnd = true; return 0; }
            int n = Math.Min(buffer.Length, r._len - r._pos);
            r._lastPiece = r._pos;
            r._buf.AsSpan(r._pos, n).CopyTo(buffer);
            r._pos += n;
            return n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _inflater?.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => !_disposed;
}
