using System.Globalization;
using System.Text;

namespace GloVeV.Text;

/// <summary>Receives tokens (UTF-8 bytes) and document ends from a <see cref="Tokenizer"/>.</summary>
public interface ITokenSink
{
    void Token(ReadOnlySpan<byte> token);
    void EndOfDocument();
}

/// <summary>
/// Splits UTF-8 text into tokens with GloVe C's rules (see <see cref="TokenizerOptions"/>), optionally lowercasing
/// and splitting punctuation. One instance per thread (it owns a scratch buffer).
/// </summary>
public sealed class Tokenizer(TokenizerOptions options)
{
    readonly TokenizerOptions _o = options;
    byte[] _scratch = new byte[256];

    public void Tokenize<TSink>(ReadOnlySpan<byte> text, ref TSink sink) where TSink : ITokenSink
    {
        int start = -1;
        bool dirty = false; // token contains '\r' (dropped) or needs normalisation
        for (int i = 0; i <= text.Length; i++)
        {
            byte b = i < text.Length ? text[i] : (byte)'\n';
            bool sep = b == (byte)' ' || b == (byte)'\t' || b == (byte)'\n';
            if (!sep)
            {
                if (start < 0) { start = i; dirty = false; }
                if (b == (byte)'\r') dirty = true;
                continue;
            }
            if (start >= 0)
            {
                Emit(text[start..i], dirty, ref sink);
                start = -1;
            }
            if (b == (byte)'\n' && i < text.Length) sink.EndOfDocument();
        }
    }

    void Emit<TSink>(ReadOnlySpan<byte> raw, bool hasCr, ref TSink sink) where TSink : ITokenSink
    {
        ReadOnlySpan<byte> tok = raw;
        if (hasCr)
        {
            int n = 0;
            EnsureScratch(raw.Length);
            foreach (var c in raw) if (c != (byte)'\r') _scratch[n++] = c;
            if (n == 0) return;
            tok = _scratch.AsSpan(0, n).ToArray();
        }
        if (!_o.Lowercase && !_o.SplitPunctuation) { sink.Token(tok); return; }

        bool ascii = true;
        foreach (var c in tok) if (c >= 0x80) { ascii = false; break; }
        if (ascii)
        {
            EnsureScratch(tok.Length);
            var buf = _scratch;
            int start = 0;
            for (int i = 0; i < tok.Length; i++)
            {
                byte c = tok[i];
                if (_o.Lowercase && c >= (byte)'A' && c <= (byte)'Z') c = (byte)(c + 32);
                buf[i] = c;
            }
            if (!_o.SplitPunctuation) { sink.Token(buf.AsSpan(0, tok.Length)); return; }
            for (int i = 0; i < tok.Length; i++)
            {
                if (char.IsPunctuation((char)buf[i]))
                {
                    if (i > start) sink.Token(buf.AsSpan(start, i - start));
                    sink.Token(buf.AsSpan(i, 1));
                    start = i + 1;
                }
            }
            if (tok.Length > start) sink.Token(buf.AsSpan(start, tok.Length - start));
            return;
        }
        // Non-ASCII: go through UTF-16 for Unicode case mapping and categories.
        string s = Encoding.UTF8.GetString(tok);
        if (_o.Lowercase) s = s.ToLowerInvariant();
        if (!_o.SplitPunctuation) { EmitString(s, ref sink); return; }
        var sb = new StringBuilder();
        var e = StringInfo.GetTextElementEnumerator(s);
        while (e.MoveNext())
        {
            var el = (string)e.Current;
            var cat = CharUnicodeInfo.GetUnicodeCategory(el, 0);
            bool punct = cat is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation;
            if (punct)
            {
                if (sb.Length > 0) { EmitString(sb.ToString(), ref sink); sb.Clear(); }
                EmitString(el, ref sink);
            }
            else sb.Append(el);
        }
        if (sb.Length > 0) EmitString(sb.ToString(), ref sink);
    }

    void EmitString<TSink>(string s, ref TSink sink) where TSink : ITokenSink
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var buf = n <= 512 ? stackalloc byte[n] : new byte[n];
        Encoding.UTF8.GetBytes(s, buf);
        sink.Token(buf);
    }

    void EnsureScratch(int n)
    {
        if (_scratch.Length < n) _scratch = new byte[Math.Max(n, _scratch.Length * 2)];
    }
}
