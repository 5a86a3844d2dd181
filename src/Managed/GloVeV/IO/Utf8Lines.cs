using System.Text;

namespace GloVeV.IO;

/// <summary>Strict UTF-8 line reading with the line of a bad byte named: a decoder that reads ahead in blocks (a
/// StreamReader) fails at the block, not at the line, and a lenient one turns a bad byte into U+FFFD, which can make a
/// word silently match another or none.</summary>
public static class Utf8Lines
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The lines of a small text file (a leading byte-order mark skipped; "\n", "\r\n" and a lone "\r" each end a
    /// line, as .NET's readers have it), or an error naming <paramref name="path"/>:line when one is not valid UTF-8
    /// (<paramref name="what"/> says what the file is, e.g. "a word list").</summary>
    public static List<string> Read(string path, string what)
    {
        var bytes = File.ReadAllBytes(path);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var lines = new List<string>();
        for (int at = start; at < bytes.Length;)
        {
            int end = bytes.AsSpan(at).IndexOfAny((byte)'\n', (byte)'\r');
            end = end < 0 ? bytes.Length : at + end;
            try { lines.Add(Strict.GetString(bytes, at, end - at)); }
            catch (DecoderFallbackException)
            {
                throw new GloVeVException($"{path}:{lines.Count + 1}: not valid UTF-8 ({what} must be UTF-8 text)");
            }
            at = end < bytes.Length && bytes[end] == (byte)'\r' && end + 1 < bytes.Length && bytes[end + 1] == (byte)'\n' ? end + 2 : end + 1;
        }
        return lines;
    }

    /// <summary>The 1-based line of the first byte sequence that is not valid UTF-8, streaming through the file (which
    /// may be large), or 0 when there is none.</summary>
    public static long FirstInvalidLine(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var block = new byte[1 << 20];
        var carry = new List<byte>();
        long line = 1;
        int n;
        while ((n = f.Read(block, 0, block.Length)) > 0)
        {
            int at = 0;
            while (at < n)
            {
                int nl = Array.IndexOf(block, (byte)'\n', at, n - at);
                if (nl < 0) { carry.AddRange(block.AsSpan(at, n - at)); break; }
                bool ok;
                if (carry.Count > 0)
                {
                    carry.AddRange(block.AsSpan(at, nl - at));
                    ok = System.Text.Unicode.Utf8.IsValid(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(carry));
                    carry.Clear();
                }
                else ok = System.Text.Unicode.Utf8.IsValid(block.AsSpan(at, nl - at));
                if (!ok) return line;
                line++;
                at = nl + 1;
            }
        }
        return carry.Count > 0 && !System.Text.Unicode.Utf8.IsValid(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(carry)) ? line : 0;
    }
}
