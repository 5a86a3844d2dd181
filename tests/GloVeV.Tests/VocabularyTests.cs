using System.Text;
using GloVeV.Text;
using Xunit;

namespace GloVeV.Tests;

public class VocabularyTests
{
    /// <summary>The word table against a dictionary: words of 0-40 bytes (multi-byte UTF-8 too), words that share
    /// their first 8 bytes or differ only in the last byte, prefixes of each other, enough of them to rehash several
    /// times; ids in insertion order, counts summed, absent words -1.</summary>
    [Fact]
    public void WordTableFindsWhatADictionaryFinds()
    {
        var rng = new Random(3);
        string[] alphabet = ["a", "b", "e", "z", "é", "ß", "中", "'", "0"];
        string RandomWord(int len) { var sb = new StringBuilder(); while (Encoding.UTF8.GetByteCount(sb.ToString()) < len) sb.Append(alphabet[rng.Next(alphabet.Length)]); return sb.ToString(); }
        var words = new List<string> { "", "a", "ab", "abcdefgh", "abcdefghi", "abcdefghj", "abcdefgh1234567", "abcdefgh1234568" };
        for (int k = 0; k < 20_000; k++)
        {
            var w = RandomWord(rng.Next(1, 41));
            words.Add(w);
            if (k % 5 == 0) words.Add(w[..^1] + (w[^1] == 'a' ? "b" : "a"));     // the same but the last character
            if (k % 7 == 0 && w.Length > 2) words.Add(w[..(w.Length / 2)]);       // a prefix
        }
        var table = new Utf8WordTable(16);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            int id = table.Add(Encoding.UTF8.GetBytes(w), 2);
            if (!ids.TryGetValue(w, out int want)) ids[w] = want = ids.Count;
            Assert.Equal(want, id);
            counts[w] = counts.GetValueOrDefault(w) + 2;
        }
        Assert.Equal(ids.Count, table.Count);
        foreach (var (w, id) in ids)
        {
            Assert.Equal(id, table.Find(Encoding.UTF8.GetBytes(w)));
            Assert.Equal(w, table.WordString(id));
            Assert.Equal(counts[w], table.CountOf(id));
        }
        for (int k = 0; k < 5_000; k++)
        {
            var w = RandomWord(rng.Next(1, 41)) + "#";
            Assert.Equal(-1, table.Find(Encoding.UTF8.GetBytes(w)));
        }
    }

    [Fact]
    public void OrdersByCountThenGloVeCByteOrderAndAppliesMinCount()
    {
        var dir = TestPaths.TempDir();
        // counts: b 3, a 3, c 2, d 1; "é" (0xC3 0xA9) ties with "z" at 2 and sorts first under signed-char strcmp.
        var corpus = TestPaths.WriteCorpus(dir, "b a c\r\nb\ta d\na b c z z é é\n");
        var r = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 2, Threads = 1 });
        Assert.Equal(["a", "b", "é", "c", "z"], r.Vocabulary.Words);
        Assert.Equal([3L, 3, 2, 2, 2], r.Vocabulary.Counts);
        Assert.Equal(13, r.Tokens);
    }

    [Fact]
    public void MaxVocabTruncatesAfterTheDeterministicSort()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, "x y z x y z w w w\n");
        var r = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1, MaxVocab = 2, Threads = 2 });
        Assert.Equal(["w", "x"], r.Vocabulary.Words);
    }

    [Fact]
    public void LowercaseAndPunctuationSplittingAreUnicodeAware()
    {
        var dir = TestPaths.TempDir();
        var corpus = TestPaths.WriteCorpus(dir, "Émile said: «Hello», ÉMILE!\n");
        var r = VocabularyBuilder.Build(corpus, new VocabularyOptions { MinCount = 1, Threads = 1, Tokenizer = new TokenizerOptions { Lowercase = true, SplitPunctuation = true } });
        Assert.Equal(2, r.Vocabulary.CountOf(r.Vocabulary.IdOf("émile")));
        Assert.True(r.Vocabulary.TryGetId("«", out _));
        Assert.True(r.Vocabulary.TryGetId("hello", out _));
        Assert.True(r.Vocabulary.TryGetId(":", out _));
    }

    [Fact]
    public void SaveAndLoadRoundTripInGloVeCFormat()
    {
        var dir = TestPaths.TempDir();
        var v = new Vocabulary(["the", "of", "naïve"], [10, 5, 5]);
        var p = Path.Combine(dir, "vocab.txt");
        v.Save(p);
        Assert.Equal("the 10\nof 5\nnaïve 5\n", File.ReadAllText(p, Encoding.UTF8));
        var back = Vocabulary.Load(p);
        Assert.Equal(v.Words, back.Words);
        Assert.Equal(v.Hash(), back.Hash());
    }

    [Theory]
    [InlineData("the 10\nof\n", ":2: expected 'word count'")]
    [InlineData("the 10\nof x\n", ":2: count 'x'")]
    [InlineData("the 10\nthe 3\n", ":2: word 'the' already listed on line 1")]
    [InlineData("the 10\n\nof 2\n", ":2: empty line")]
    [InlineData("", "vocabulary file is empty")]
    public void MalformedVocabularyFilesNameTheLine(string text, string message)
    {
        var p = TestPaths.WriteCorpus(TestPaths.TempDir(), text, "vocab.txt");
        var e = Assert.Throws<GloVeVException>(() => Vocabulary.Load(p));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void BadCorporaAreClearErrors()
    {
        var dir = TestPaths.TempDir();
        var empty = TestPaths.WriteCorpus(dir, "\n \n", "empty.txt");
        Assert.Contains("empty", Assert.Throws<GloVeVException>(() => VocabularyBuilder.Build(empty, new VocabularyOptions())).Message);
        var rare = TestPaths.WriteCorpus(dir, "a b c\n", "rare.txt");
        Assert.Contains("min-count", Assert.Throws<GloVeVException>(() => VocabularyBuilder.Build(rare, new VocabularyOptions { MinCount = 5 })).Message);
        Assert.IsType<MissingFileException>(Assert.ThrowsAny<GloVeVException>(() => VocabularyBuilder.Build(Path.Combine(dir, "nope.txt"), new VocabularyOptions())));
        var bad = Path.Combine(dir, "bad.txt");
        File.WriteAllBytes(bad, [.. "good words\nmore "u8, 0xFF, 0xFE, .. " here\n"u8]);
        var e = Assert.Throws<GloVeVException>(() => VocabularyBuilder.Build(bad, new VocabularyOptions { MinCount = 1 }));
        Assert.Contains("invalid UTF-8 at byte offset 16 (line 2)", e.Message);
        var ok = VocabularyBuilder.Build(bad, new VocabularyOptions { MinCount = 1, Tokenizer = new TokenizerOptions { ReplaceInvalidUtf8 = true } });
        Assert.Equal(2, ok.InvalidReplaced);
        Assert.True(ok.Vocabulary.TryGetId("more", out _));
    }
}
