using GloVeV.IO;
namespace GloVeV.Text;

/// <summary>
/// Opens a corpus file for every reader of corpora (vocabulary, co-occurrence counts and their shards, the document
/// bootstrap): plain UTF-8, or gzip when the name ends in <c>.gz</c> (<see cref="GzipReader"/>: a truncated or damaged
/// file is an error). A UTF-8 byte-order mark at the start of the text is skipped: editors on Windows write one, and it
/// would otherwise become part of the first token ("\uFEFFhello" counted apart from "hello", and a vocabulary that
/// starts with a BOM, which no reader accepts).
/// </summary>
public static class CorpusFile
{
    static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The corpus's text as a stream, after any byte-order mark; <paramref name="skipped"/> is the number of
    /// bytes skipped (3 or 0), so offsets in messages can still count from the start of the text.</summary>
    public static Stream Open(string path, out int skipped)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: corpus file not found");
        Stream? s = null;
        try
        {
            // A gzip file is read in large pieces by the decompressor itself: no FileStream buffer in between.
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, IsGzip(path) ? 1 : 1 << 20);
            s = fs;
            if (IsGzip(path)) s = new GzipReader(fs, path);
            var head = new byte[3];
            int n = 0, r;
            while (n < 3 && (r = s.Read(head, n, 3 - n)) > 0) n += r;
            if (n == 3 && head.AsSpan().SequenceEqual(Bom)) { skipped = 3; return s; }
            skipped = 0;
            return n == 0 ? s : new PrefixedStream(head.AsSpan(0, n).ToArray(), s);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            s?.Dispose();
            throw new GloVeVException($"{path}: cannot read corpus: {e.Message}");
        }
        catch
        {
            s?.Dispose();
            throw;
        }
    }

    /// <summary>A few bytes already read, then the rest of the stream.</summary>
    sealed class PrefixedStream(byte[] prefix, Stream rest) : ForwardReadStream
    {
        int _at;

        public override int Read(Span<byte> buffer)
        {
            if (_at < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }
            return rest.Read(buffer);
        }

        protected override void Dispose(bool disposing) { if (disposing) rest.Dispose(); base.Dispose(disposing); }
    }
}
