using System.IO.Compression;
using System.Text.Unicode;

namespace GloVeV.Text;

/// <summary>A piece of the corpus that ends at a line boundary, so no document (line) spans two blocks.</summary>
public sealed class CorpusBlock(byte[] data, int length, long byteOffset, long firstLine)
{
    public byte[] Data { get; } = data;
    public int Length { get; } = length;
    public long ByteOffset { get; } = byteOffset;
    public long FirstLine { get; } = firstLine;
    public ReadOnlySpan<byte> Span => Data.AsSpan(0, Length);
}

/// <summary>
/// Streams a UTF-8 corpus (plain or .gz) in blocks that end at newlines, checking the encoding. Invalid UTF-8 is an
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
    long _offset;
    long _line;
    bool _eof;

    public long InvalidSequencesReplaced { get; private set; }
    public long BytesRead => _offset;

    readonly Func<int, byte[]>? _rent;

    /// <param name="rent">Supplies block buffers of at least the given size (a pool, so the reader does not leave a trail
    /// of dead 4 MB arrays for the garbage collector); null allocates.</param>
    public CorpusReader(string path, bool replaceInvalid = false, int blockSize = 4 << 20, Func<int, byte[]>? rent = null)
    {
        _rent = rent;
        _path = path;
        _replaceInvalid = replaceInvalid;
        _blockSize = blockSize;
        if (!File.Exists(path)) throw new MissingFileException($"{path}: corpus file not found");
        try
        {
            Stream fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(fs, CompressionMode.Decompress) : fs;
        }
        catch (UnauthorizedAccessException e) { throw new GloVeVException($"{path}: cannot read corpus: {e.Message}"); }
        catch (IOException e) { throw new GloVeVException($"{path}: cannot read corpus: {e.Message}"); }
    }

    /// <summary>Next block, or null at the end of the corpus.</summary>
    public CorpusBlock? Next()
    {
        if (_eof && _carryLen == 0) return null;
        int want = Math.Max(_blockSize, _carryLen * 2);
        var buf = _rent?.Invoke(want) ?? new byte[want];
        Array.Copy(_carry, buf, _carryLen);
        int len = _carryLen;
        _carryLen = 0;
        int limit = want;
        while (!_eof && len < limit)
        {
            int n;
            try { n = _stream.Read(buf, len, limit - len); }
            catch (InvalidDataException e) { throw new GloVeVException($"{_path}: corrupt gzip stream: {e.Message}"); }
            if (n == 0) { _eof = true; break; }
            len += n;
        }
        int cut = len;
        if (!_eof)
        {
            int nl = buf.AsSpan(0, len).LastIndexOf((byte)'\n');
            if (nl < 0)
            {
                // A single line longer than the block: grow and keep reading.
                _carry = buf; _carryLen = len;
                return Next();
            }
            cut = nl + 1;
            _carry = new byte[len - cut];
            Array.Copy(buf, cut, _carry, 0, len - cut);
            _carryLen = len - cut;
        }
        if (cut == 0) return null;
        var block = Validate(buf, cut);
        long lines = block.Span.Count((byte)'\n');
        _offset += cut;
        _line += lines;
        return block;
    }

    CorpusBlock Validate(byte[] buf, int len)
    {
        var span = buf.AsSpan(0, len);
        if (Utf8.IsValid(span)) return new CorpusBlock(buf, len, _offset, _line);
        if (!_replaceInvalid)
        {
            int bad = FirstInvalid(span);
            long line = _line + span[..bad].Count((byte)'\n') + 1;
            throw new GloVeVException($"{_path}: invalid UTF-8 at byte offset {_offset + bad} (line {line}); pass --replace-invalid to replace such bytes with U+FFFD");
        }
        var outBuf = new List<byte>(len + 64);
        int i = 0;
        while (i < len)
        {
            var status = System.Text.Rune.DecodeFromUtf8(span[i..], out _, out int consumed);
            if (status == System.Buffers.OperationStatus.Done) { for (int k = 0; k < consumed; k++) outBuf.Add(span[i + k]); }
            else { outBuf.Add(0xEF); outBuf.Add(0xBF); outBuf.Add(0xBD); InvalidSequencesReplaced++; consumed = Math.Max(1, consumed); }
            i += consumed;
        }
        var arr = outBuf.ToArray();
        return new CorpusBlock(arr, arr.Length, _offset, _line);
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
