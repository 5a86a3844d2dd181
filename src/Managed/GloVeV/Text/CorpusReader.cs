using System.Text.Unicode;

namespace GloVeV.Text;

/// <summary>A piece of the corpus that ends at a line boundary, so no document (line) spans two blocks — except a
/// line longer than a block, which is cut at a space or tab: its pieces carry <see cref="ContinuesLine"/> (the line
/// goes on in the next block) and, after the first, a <see cref="Context"/> (the tokens before the cut that windows
/// need; see the reader's <c>continuation</c>), stored in <see cref="Data"/> before the block's own bytes.</summary>
public sealed class CorpusBlock(byte[] data, int length, long byteOffset, long firstLine, int start = 0, bool continuesLine = false)
{
    public byte[] Data { get; } = data;
    /// <summary>End of the block's bytes in <see cref="Data"/> (they start at <see cref="Start"/>).</summary>
    public int Length { get; } = length;
    public long ByteOffset { get; } = byteOffset;
    public long FirstLine { get; } = firstLine;
    public int Start { get; } = start;
    public bool ContinuesLine { get; } = continuesLine;
    public ReadOnlySpan<byte> Span => Data.AsSpan(Start, Length - Start);
    public ReadOnlySpan<byte> Context => Data.AsSpan(0, Start);
}

/// <summary>
/// Streams a UTF-8 corpus (plain or .gz, see <see cref="CorpusFile"/>) in blocks that end at newlines, checking the encoding. Invalid UTF-8 is an
/// error naming the byte offset and line, unless <c>replaceInvalid</c> is set, in which case each invalid sequence
/// becomes U+FFFD and is counted.
/// </summary>
public sealed class CorpusReader : IDisposable
{
    readonly Stream _stream;
    readonly string _path;
    readonly bool _replaceInvalid;
    readonly int _blockSize;
    byte[] _carry = [];
    int _carryLen;
    byte[]? _context;
    readonly Func<ReadOnlySpan<byte>, byte[]?>? _continuation;
    long _offset;
    long _line;
    bool _eof;

    public long InvalidSequencesReplaced { get; private set; }
    public long BytesRead => _offset;

    readonly Func<int, byte[]>? _rent;

    /// <param name="rent">Supplies block buffers of at least the given size (a pool, so the reader does not leave a trail
    /// of dead 4 MB arrays for the garbage collector); null allocates.</param>
    /// <param name="continuation">For a line cut between blocks: given the bytes of the line up to the cut (the
    /// piece's context included), returns the context the next piece needs (null: none). Null: no context.</param>
    public CorpusReader(string path, bool replaceInvalid = false, int blockSize = 4 << 20, Func<int, byte[]>? rent = null,
        Func<ReadOnlySpan<byte>, byte[]?>? continuation = null)
    {
        _continuation = continuation;
        _rent = rent;
        _path = path;
        _replaceInvalid = replaceInvalid;
        _blockSize = blockSize;
        // Plain or gzip (checked member by member), a leading byte-order mark skipped: offsets still count it.
        _stream = CorpusFile.Open(path, out int bom);
        _offset = bom;
    }

    /// <summary>Next block, or null at the end of the corpus.</summary>
    public CorpusBlock? Next()
    {
        if (_eof && _carryLen == 0) return null;
        var prefix = _context ?? [];
        _context = null;
        // A piece's context is small (window tokens): it fits in a pooled block, so cut lines leave no garbage trail.
        int want = Math.Max(_blockSize, _carryLen * 2 + prefix.Length * 2);
        var buf = _rent?.Invoke(want) ?? new byte[want];
        prefix.CopyTo(buf, 0);
        Array.Copy(_carry, 0, buf, prefix.Length, _carryLen);
        int len = prefix.Length + _carryLen;
        _carryLen = 0;
        int limit = want;
        while (!_eof && len < limit)
        {
            int n;
            try { n = _stream.Read(buf, len, limit - len); }
            catch (IOException e) { throw new GloVeVException($"{_path}: cannot read corpus: {e.Message}"); }
            if (n == 0) { _eof = true; break; }
            len += n;
        }
        int cut = len, p0 = prefix.Length;
        bool continues = false;
        if (!_eof)
        {
            int nl = buf.AsSpan(p0, len - p0).LastIndexOf((byte)'\n');
            if (nl < 0)
            {
                // A line longer than the block: cut it after its last space or tab, so memory stays bounded.
                int sp = buf.AsSpan(p0, len - p0).LastIndexOfAny((byte)' ', (byte)'\t');
                if (sp < 0)
                {
                    // Not even a token boundary in a whole block: grow and keep reading.
                    _carry = buf.AsSpan(p0, len - p0).ToArray(); _carryLen = len - p0;
                    _context = prefix.Length > 0 ? prefix : null;
                    return Next();
                }
                cut = p0 + sp + 1;
                continues = true;
            }
            else cut = p0 + nl + 1;
            _carry = new byte[len - cut];
            Array.Copy(buf, cut, _carry, 0, len - cut);
            _carryLen = len - cut;
        }
        if (cut == p0) return null;
        var block = Validate(buf, p0, cut, continues);
        if (continues && _continuation != null) _context = _continuation(block.Data.AsSpan(0, block.Length));
        long lines = block.Span.Count((byte)'\n');
        _offset += cut - p0;
        _line += lines;
        return block;
    }

    CorpusBlock Validate(byte[] buf, int p0, int end, bool continues)
    {
        var span = buf.AsSpan(p0, end - p0);
        int len = end - p0;
        // NUL is valid UTF-8 but no text holds it; a token with one in it would make a vocabulary no reader accepts.
        int nul = span.IndexOf((byte)0);
        if (nul >= 0)
            throw new GloVeVException($"{_path}: NUL byte at byte offset {_offset + nul} (line {_line + span[..nul].Count((byte)'\n') + 1}); the corpus is not text (UTF-16 or binary data?)");
        if (Utf8.IsValid(span)) return new CorpusBlock(buf, end, _offset, _line, p0, continues);
        if (!_replaceInvalid)
        {
            int bad = FirstInvalid(span);
            long line = _line + span[..bad].Count((byte)'\n') + 1;
            throw new GloVeVException($"{_path}: invalid UTF-8 at byte offset {_offset + bad} (line {line}); use the replace-invalid option (--replace-invalid, replace_invalid) to replace such bytes with U+FFFD");
        }
        var outBuf = new List<byte>(end + 64);
        for (int k = 0; k < p0; k++) outBuf.Add(buf[k]);
        int i = 0;
        while (i < len)
        {
            var status = System.Text.Rune.DecodeFromUtf8(span[i..], out _, out int consumed);
            if (status == System.Buffers.OperationStatus.Done) { for (int k = 0; k < consumed; k++) outBuf.Add(span[i + k]); }
            else { outBuf.Add(0xEF); outBuf.Add(0xBF); outBuf.Add(0xBD); InvalidSequencesReplaced++; consumed = Math.Max(1, consumed); }
            i += consumed;
        }
        var arr = outBuf.ToArray();
        return new CorpusBlock(arr, arr.Length, _offset, _line, p0, continues);
    }

    static int FirstInvalid(ReadOnlySpan<byte> span)
    {
        int i = 0;
        while (i < span.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(span[i..], out _, out int consumed) != System.Buffers.OperationStatus.Done) return i;
            i += consumed;
        }
        return span.Length;
    }

    public void Dispose() => _stream.Dispose();
}
