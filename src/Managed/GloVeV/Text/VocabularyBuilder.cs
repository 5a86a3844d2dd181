namespace GloVeV.Text;

/// <summary>Options of GloVe C's <c>vocab_count</c>.</summary>
public sealed record VocabularyOptions
{
    public long MinCount { get; init; } = 5;
    /// <summary>0 = unlimited.</summary>
    public int MaxVocab { get; init; }
    public TokenizerOptions Tokenizer { get; init; } = TokenizerOptions.GloVeC;
    public int Threads { get; init; } = Environment.ProcessorCount;
}

public sealed record VocabularyResult(Vocabulary Vocabulary, long Tokens, long DistinctWords, long InvalidReplaced);

/// <summary>
/// Counts words and orders them as GloVe C's <c>vocab_count</c> does: count descending, ties broken by C's
/// <c>strcmp</c> on the UTF-8 bytes as signed <c>char</c> (so bytes &gt;= 0x80 sort before ASCII, as GloVe C on
/// x86 does). Difference, documented: with <c>MaxVocab</c>, GloVe C truncates after an unstable sort (ties at the
/// cut fall arbitrarily); we truncate after the deterministic sort, so ties at the cut keep the byte-smallest words.
/// </summary>
public static class VocabularyBuilder
{
    sealed class Worker(TokenizerOptions o)
    {
        public readonly Tokenizer Tokenizer = new(o);
        public readonly Utf8WordTable Table = new(1 << 14);
        public long Tokens;
    }

    struct CountSink(Worker w) : ITokenSink
    {
        public void Token(ReadOnlySpan<byte> token) { w.Table.Add(token); w.Tokens++; }
        public void EndOfDocument() { }
    }

    public static VocabularyResult Build(string corpusPath, VocabularyOptions options, Action<long>? progress = null)
    {
        if (options.MinCount < 1) throw new GloVeVException($"min_count must be >= 1, got {options.MinCount}");
        if (options.MaxVocab < 0) throw new GloVeVException($"max_vocab must be >= 0, got {options.MaxVocab}");
        ThreadLimit.Check(options.Threads);
        var stats = CorpusPipeline.Run(corpusPath, options.Tokenizer, options.Threads, _ => new Worker(options.Tokenizer),
            (w, block) => { var sink = new CountSink(w); w.Tokenizer.Tokenize(block.Span, ref sink); }, out var workers, progress);
        var all = workers[0].Table;
        for (int i = 1; i < workers.Length; i++) all.Merge(workers[i].Table);
        long tokens = workers.Sum(w => w.Tokens);
        if (tokens == 0) throw new GloVeVException($"{corpusPath}: corpus is empty (no tokens)");

        var ids = Enumerable.Range(0, all.Count).ToArray();
        Array.Sort(ids, (a, b) =>
        {
            int c = all.CountOf(b).CompareTo(all.CountOf(a));
            return c != 0 ? c : SignedByteCompare(all.Word(a), all.Word(b));
        });
        int limit = options.MaxVocab > 0 ? Math.Min(options.MaxVocab, ids.Length) : ids.Length;
        var words = new List<string>();
        var counts = new List<long>();
        for (int i = 0; i < limit; i++)
        {
            long c = all.CountOf(ids[i]);
            if (c < options.MinCount) break;
            words.Add(all.WordString(ids[i]));
            counts.Add(c);
        }
        if (words.Count == 0)
            throw new GloVeVException($"{corpusPath}: no word occurs at least {options.MinCount} times (min-count); nothing to build a vocabulary from");
        return new VocabularyResult(new Vocabulary(words, counts) { Tokenizer = options.Tokenizer }, tokens, all.Count, stats.InvalidReplaced);
    }

    /// <summary>C's strcmp with signed char, as GloVe C's scmp on x86.</summary>
    public static int SignedByteCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        // The terminating NUL takes part: a prefix sorts after a longer word whose next byte is >= 0x80.
        int n = Math.Max(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            int x = i < a.Length ? (sbyte)a[i] : 0, y = i < b.Length ? (sbyte)b[i] : 0;
            if (x != y) return x - y;
        }
        return 0;
    }
}
