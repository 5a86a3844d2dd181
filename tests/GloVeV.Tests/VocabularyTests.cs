using System.Text;
using GloVeV.Text;
using Xunit;

namespace GloVeV.Tests;

public class VocabularyTests
{
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
