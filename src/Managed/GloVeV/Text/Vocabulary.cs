using System.Security.Cryptography;
using System.Text;

namespace GloVeV.Text;

/// <summary>
/// An ordered vocabulary: id i (0-based) is line i of GloVe C's <c>vocab.txt</c> (the 1-based ids of
/// <c>cooccurrence.bin</c> are i + 1).
/// </summary>
public sealed class Vocabulary
{
    readonly string[] _words;
    readonly long[] _counts;
    readonly Dictionary<string, int> _index;
    readonly Utf8WordTable _table;

    public Vocabulary(IReadOnlyList<string> words, IReadOnlyList<long> counts)
    {
        if (words.Count != counts.Count) throw new GloVeVException("vocabulary words and counts differ in length");
        _words = words.ToArray();
        _counts = counts.ToArray();
        _index = new Dictionary<string, int>(_words.Length, StringComparer.Ordinal);
        _table = new Utf8WordTable(_words.Length);
        for (int i = 0; i < _words.Length; i++)
        {
            if (!_index.TryAdd(_words[i], i)) throw new GloVeVException($"vocabulary lists '{_words[i]}' twice (entries {_index[_words[i]] + 1} and {i + 1})");
            _table.Add(Encoding.UTF8.GetBytes(_words[i]));
        }
    }

    public int Count => _words.Length;

    /// <summary>Rough heap size (strings, counts, both indexes): what a memory budget must set aside for it.</summary>
    public long ApproximateBytes
    {
        get
        {
            long chars = 0;
            foreach (var w in _words) chars += w.Length;
            // Per word: the string object (~24 B), the dictionary entry and bucket (~28 B), the UTF-8 table's slots and
            // columns with their doubling slack (~80 B), ids and counts (~16 B); per character 2 B (UTF-16) + ~2 B (arena).
            return 160L * _words.Length + 4 * chars;
        }
    }

    public IReadOnlyList<string> Words => _words;
    public IReadOnlyList<long> Counts => _counts;
    public string this[int id] => _words[id];
    public long CountOf(int id) => _counts[id];

    public bool TryGetId(string word, out int id) => _index.TryGetValue(word, out id);

    /// <summary>0-based id of a UTF-8 token, or -1 when out of vocabulary.</summary>
    public int Find(ReadOnlySpan<byte> utf8) => _table.Find(utf8);

    public int IdOf(string word) =>
        _index.TryGetValue(word, out var id) ? id : throw new GloVeVException($"word not in vocabulary: '{word}'");

    /// <summary>Ids of several words; unknown words are all listed in one error.</summary>
    public int[] IdsOf(IEnumerable<string> words)
    {
        var list = words.ToList();
        var missing = list.Where(w => !_index.ContainsKey(w)).Distinct().ToList();
        if (missing.Count > 0) throw new GloVeVException($"{missing.Count} word(s) not in vocabulary: {string.Join(", ", missing.Take(20).Select(w => $"'{w}'"))}{(missing.Count > 20 ? ", ..." : "")}");
        return list.Select(w => _index[w]).ToArray();
    }

    /// <summary>SHA-256 over the words in order (counts excluded: they do not change ids).</summary>
    public string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var w in _words) { sha.AppendData(Encoding.UTF8.GetBytes(w)); sha.AppendData("\n"u8); }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Writes GloVe C's <c>vocab.txt</c>: "word count" per line (atomically).</summary>
    public void Save(string path)
    {
        using var f = new IO.AtomicFile(path);
        using (var w = new StreamWriter(f.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
            for (int i = 0; i < _words.Length; i++) { w.Write(_words[i]); w.Write(' '); w.WriteLine(_counts[i]); }
        f.Commit();
    }

    /// <summary>Reads a GloVe C / GloVe-V <c>vocab.txt</c>; a malformed line is an error naming the line.</summary>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: vocabulary file not found");
        var words = new List<string>();
        var counts = new List<long>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var raw in StrictLines(path))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) throw new GloVeVException($"{path}:{lineNo}: empty line in vocabulary file");
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0)
                throw new GloVeVException($"{path}:{lineNo}: expected 'word count', got '{Trunc(line)}'");
            if (!long.TryParse(parts[1], out long c) || c < 0)
                throw new GloVeVException($"{path}:{lineNo}: count '{Trunc(parts[1])}' is not a non-negative integer");
            if (seen.TryGetValue(parts[0], out int first))
                throw new GloVeVException($"{path}:{lineNo}: word '{Trunc(parts[0])}' already listed on line {first}");
            seen[parts[0]] = lineNo;
            words.Add(parts[0]);
            counts.Add(c);
        }
        if (words.Count == 0) throw new GloVeVException($"{path}: vocabulary file is empty");
        return new Vocabulary(words, counts);
    }

    /// <summary>Lines of a UTF-8 file, refusing what would otherwise decode into wrong words: a byte-order mark,
    /// UTF-16, NUL bytes and invalid UTF-8 (each named with its line).</summary>
    static IEnumerable<string> StrictLines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
            throw new GloVeVException($"{path}: file is UTF-16 (it starts with a UTF-16 byte-order mark); a vocabulary must be UTF-8");
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            throw new GloVeVException($"{path}:1: file starts with a UTF-8 byte-order mark, which would become part of the first word; save it as UTF-8 without BOM");
        var strict = new UTF8Encoding(false, true);
        int start = 0, line = 1;
        var lines = new List<string>();
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] == 0)
                throw new GloVeVException($"{path}:{line}: NUL byte at offset {i} (UTF-16 or binary data?); a vocabulary must be UTF-8 text");
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                if (i == bytes.Length && i == start) break;
                try { lines.Add(strict.GetString(bytes, start, i - start)); }
                catch (DecoderFallbackException e)
                {
                    throw new GloVeVException($"{path}:{line}: invalid UTF-8 (byte offset {start + Math.Max(0, e.Index)}); a vocabulary must be UTF-8");
                }
                start = i + 1; line++;
            }
        }
        return lines;
    }

    static string Trunc(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
