using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using GloVeV.Cooccurrence;
using GloVeV.Text;
using GloVeV.Training;
using Xunit;

namespace GloVeV.Tests;

/// <summary>How corpus files are opened by every reader: gzip member by member (a truncated or damaged file is an error
/// naming it, concatenated members are read), and a leading UTF-8 byte-order mark skipped.</summary>
public class CorpusInputTests
{
    static readonly string Text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i} of the corpus, word{i % 97} and word{i % 13}\n"));

    static byte[] Gzip(string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, level)) z.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    /// <summary>A member written by hand around .NET's raw deflate, with the optional header fields set.</summary>
    static byte[] GzipWithHeaderFields(string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        using var deflated = new MemoryStream();
        using (var d = new DeflateStream(deflated, CompressionLevel.Optimal)) d.Write(data);
        var h = new List<byte> { 0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3 };
        h.AddRange([5, 0, (byte)'A', (byte)'B', 1, 0, 7]);                // FEXTRA: 5 bytes
        h.AddRange(Encoding.ASCII.GetBytes("name.txt")); h.Add(0);        // FNAME
        h.AddRange(Encoding.ASCII.GetBytes("a comment")); h.Add(0);       // FCOMMENT
        uint hcrc = Crc32.HashToUInt32(h.ToArray()) & 0xFFFF;
        h.Add((byte)hcrc); h.Add((byte)(hcrc >> 8));                      // FHCRC
        h.AddRange(deflated.ToArray());
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)data.Length);
        h.AddRange(trailer);
        return h.ToArray();
    }

    static string ReadAll(string path)
    {
        using var s = CorpusFile.Open(path, out _);
        using var ms = new MemoryStream();
        var buf = new byte[777]; // small reads: members and pieces end anywhere inside them
        int n;
        while ((n = s.Read(buf)) > 0) ms.Write(buf, 0, n);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    static string Write(byte[] bytes, string name = "c.txt.gz")
    {
        var p = Path.Combine(TestPaths.TempDir(), name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    static GloVeVException Fails(byte[] bytes) => Assert.Throws<GloVeVException>(() => ReadAll(Write(bytes)));

    [Fact]
    public void GzipMembersOfEveryKindAreReadWhole()
    {
        var one = Gzip(Text);
        Assert.Equal(Text, ReadAll(Write(one)));
        // cat a.gz a.gz: two identical members (their trailers too).
        Assert.Equal(Text + Text, ReadAll(Write([.. one, .. one])));
        // bgzip/pigz -i style: many small members, some empty.
        var pieces = Enumerable.Range(0, 40).Select(k => Text.Substring(k * Text.Length / 40, (k + 1) * Text.Length / 40 - k * Text.Length / 40)).ToList();
        var many = pieces.SelectMany((p, k) => k % 7 == 3 ? Gzip("").Concat(Gzip(p, CompressionLevel.Fastest)) : Gzip(p, CompressionLevel.Fastest)).ToArray();
        Assert.Equal(Text, ReadAll(Write(many)));
        // Stored (uncompressed) deflate blocks.
        Assert.Equal(Text, ReadAll(Write(Gzip(Text, CompressionLevel.NoCompression))));
        // FEXTRA, FNAME, FCOMMENT and a correct header CRC.
        var fields = GzipWithHeaderFields(Text);
        Assert.Equal(Text + Text, ReadAll(Write([.. fields, .. fields])));
        // A file larger than the reader's 1 MB buffer, so members and trailers straddle refills.
        var big = string.Concat(Enumerable.Repeat(Text, 20));
        var bigGz = Gzip(big, CompressionLevel.NoCompression);
        Assert.True(bigGz.Length > 2 << 20);
        Assert.Equal(big + Text + big, ReadAll(Write([.. bigGz, .. one, .. bigGz])));
    }

    [Fact]
    public void EveryTruncationIsAnErrorNamingTheFile()
    {
        var a = Gzip(Text[..20000]);
        var b = GzipWithHeaderFields(Text[20000..40000]);
        byte[] file = [.. a, .. b];
        for (int len = 0; len < file.Length; len++)
        {
            if (len == a.Length) continue; // a complete first member alone is a valid file
            var path = Write(file[..len]);
            var e = Assert.Throws<GloVeVException>(() => ReadAll(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated gzip stream", e.Message);
        }
    }

    [Fact]
    public void DamagedTrailersHeadersAndDataAreErrors()
    {
        var one = Gzip(Text);
        var crc = (byte[])one.Clone(); crc[^6] ^= 0x40;
        Assert.Contains("gzip CRC mismatch in member 1", Fails(crc).Message);
        var size = (byte[])one.Clone(); size[^2] ^= 0x01;
        Assert.Contains("gzip length mismatch in member 1", Fails(size).Message);
        // Both halves damaged: in the middle of a file, corrupt; at its end, indistinguishable from a cut trailer.
        var both = (byte[])one.Clone(); both[^6] ^= 0x40; both[^2] ^= 0x01;
        Assert.Contains("gzip CRC mismatch in member 1", Fails([.. both, .. one]).Message);
        Assert.Contains("incomplete or damaged", Fails(both).Message);
        // The damaged member in the middle of identical ones: the next member's matching trailer must not stand in for it.
        byte[] three = [.. one, .. crc, .. one];
        Assert.Contains("gzip CRC mismatch in member 2", Fails(three).Message);
        // Every byte of the deflate data inverted in turn: never read as good data.
        var small = Gzip(Text[..3000]);
        for (int i = 10; i < small.Length - 8; i++)
        {
            var d = (byte[])small.Clone();
            d[i] ^= 0xFF;
            Fails(d);
        }
        // Header damage.
        var fields = GzipWithHeaderFields(Text[..3000]);
        var hcrc = (byte[])fields.Clone(); hcrc[12] ^= 1; // inside FEXTRA, covered by the header CRC
        Assert.Contains("CRC-16", Fails(hcrc).Message);
        var method = (byte[])one.Clone(); method[2] = 7;
        Assert.Contains("compression method 7", Fails(method).Message);
        // Trailing bytes that are not a member; a plain text file named .gz; an empty one.
        Assert.Contains("are not another gzip member", Fails([.. one, .. "trailing text\n"u8.ToArray()]).Message);
        Assert.Contains("not a gzip file", Fails(Encoding.UTF8.GetBytes(Text)).Message);
        Assert.Contains("truncated gzip stream: the file is empty", Fails([]).Message);
    }

    [Fact]
    public void TruncatedGzipCorpusFailsEveryStage()
    {
        var gz = Gzip(File.ReadAllText(TestPaths.Data("sotu_small.txt")));
        var path = Write(gz[..(gz.Length * 2 / 3)], "sotu.txt.gz");
        var dir = TestPaths.TempDir();
        var e = Assert.Throws<GloVeVException>(() => VocabularyBuilder.Build(path, new VocabularyOptions { MinCount = 1, Threads = 2 }));
        Assert.Contains($"{path}: truncated gzip stream", e.Message);
        var vocab = VocabularyBuilder.Build(TestPaths.Data("sotu_small.txt"), new VocabularyOptions { MinCount = 5, Threads = 2 }).Vocabulary;
        e = Assert.Throws<GloVeVException>(() => CooccurrenceCounter.Count(path, vocab, Path.Combine(dir, "co"), new CooccurrenceOptions { Threads = 2 }));
        Assert.Contains("truncated gzip stream", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "co")));
        e = Assert.Throws<GloVeVException>(() => CooccurrenceCounter.CountShard(path, vocab, Path.Combine(dir, "s1"), new CooccurrenceOptions { Threads = 2 }, 1, 2));
        Assert.Contains("truncated gzip stream", e.Message);
        e = Assert.Throws<GloVeVException>(() => DocumentBootstrap.Resample(path, Path.Combine(dir, "r.txt"), 1));
        Assert.Contains("truncated gzip stream", e.Message);
    }

    /// <summary>A corpus saved with a UTF-8 byte-order mark counts as the same text without it, in every reader, plain
    /// or gzip (before, the first token was "\uFEFFline" and the vocabulary began with a BOM).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LeadingByteOrderMarkIsNotPartOfTheText(bool gzip)
    {
        var dir = TestPaths.TempDir();
        var text = "hello world\nhello there, world\n" + Text;
        byte[] plain = Encoding.UTF8.GetBytes(text), withBom = [0xEF, 0xBB, 0xBF, .. plain];
        string name = gzip ? "c.txt.gz" : "c.txt";
        var a = Path.Combine(dir, "a-" + name); File.WriteAllBytes(a, gzip ? Gzip(text) : plain);
        var b = Path.Combine(dir, "b-" + name);
        if (gzip) { using var ms = new MemoryStream(); using (var z = new GZipStream(ms, CompressionLevel.Optimal)) z.Write(withBom); File.WriteAllBytes(b, ms.ToArray()); }
        else File.WriteAllBytes(b, withBom);
        Assert.Equal(text, ReadAll(b));

        var o = new VocabularyOptions { MinCount = 1, Threads = 2 };
        var va = VocabularyBuilder.Build(a, o).Vocabulary;
        var vb = VocabularyBuilder.Build(b, o).Vocabulary;
        Assert.Equal(va.Words, vb.Words);
        Assert.Equal(va.Counts, vb.Counts);
        Assert.DoesNotContain(vb.Words, w => w.Contains('\uFEFF'));
        vb.Save(Path.Combine(dir, "vocab.txt"));
        var reloaded = Vocabulary.Load(Path.Combine(dir, "vocab.txt")); // a vocabulary starting with a BOM is refused
        Assert.Equal(va.Words, reloaded.Words);

        var co = new CooccurrenceOptions { Threads = 2 };
        var ra = CooccurrenceCounter.Count(a, va, Path.Combine(dir, "ca"), co);
        var rb = CooccurrenceCounter.Count(b, va, Path.Combine(dir, "cb"), co);
        Assert.Equal(ra.Tokens, rb.Tokens);
        Assert.Equal(File.ReadAllBytes(ra.BinaryPath), File.ReadAllBytes(rb.BinaryPath));
        CooccurrenceCounter.CountShard(b, va, Path.Combine(dir, "s1"), co, 1, 2);
        CooccurrenceCounter.CountShard(b, va, Path.Combine(dir, "s2"), co, 2, 2);
        var merged = CooccurrenceCounter.MergeShards([Path.Combine(dir, "s1"), Path.Combine(dir, "s2")], va, Path.Combine(dir, "cm"));
        Assert.Equal(File.ReadAllBytes(ra.BinaryPath), File.ReadAllBytes(merged.BinaryPath));

        // The bootstrap resamples lines: no BOM may travel into the middle of a replicate.
        var r = Path.Combine(dir, "r.txt");
        DocumentBootstrap.Resample(b, r, 7);
        Assert.DoesNotContain((byte)0xEF, File.ReadAllBytes(r));
    }
}
