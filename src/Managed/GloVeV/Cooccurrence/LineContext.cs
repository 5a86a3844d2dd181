using GloVeV.Text;

namespace GloVeV.Cooccurrence;

/// <summary>
/// When a line is longer than a corpus block, the reader cuts it at a space or tab and the next piece may go to
/// another thread. Windows must still see the tokens before the cut: this builds the piece's context, the last
/// <c>window</c> in-vocabulary tokens before the cut (out-of-vocabulary tokens are dropped before windowing, so they
/// need not be carried), which the counting worker replays into its window history without counting pairs. So a
/// single huge line is counted exactly, in bounded memory.
/// </summary>
static class LineContext
{
    struct Counter(Vocabulary v) : ITokenSink
    {
        public int InVocab;
        public void Token(ReadOnlySpan<byte> token) { if (v.Find(token) >= 0) InVocab++; }
        public void EndOfDocument() { }
    }

    public static Func<ReadOnlySpan<byte>, byte[]?> For(Vocabulary vocab, TokenizerOptions options, int window)
    {
        var tokenizer = new Tokenizer(options); // used only on the reader's thread
        return text =>
        {
            var kept = new List<(int Start, int End)>();
            int need = window, end = text.Length;
            while (end > 0 && need > 0)
            {
                while (end > 0 && IsSpace(text[end - 1])) end--;
                if (end == 0 || text[end - 1] == (byte)'\n') break;
                int start = end;
                while (start > 0 && !IsSpace(text[start - 1]) && text[start - 1] != (byte)'\n') start--;
                var c = new Counter(vocab);
                tokenizer.Tokenize(text[start..end], ref c);
                if (c.InVocab > 0) { kept.Add((start, end)); need -= c.InVocab; }
                if (start > 0 && text[start - 1] == (byte)'\n') break;
                end = start;
            }
            if (kept.Count == 0) return null;
            var ms = new MemoryStream();
            for (int k = kept.Count - 1; k >= 0; k--)
            {
                ms.Write(text[kept[k].Start..kept[k].End]);
                ms.WriteByte((byte)' ');
            }
            return ms.ToArray();
        };
    }

    static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t';
}
