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

    /// <summary>A loaded vocabulary: <paramref name="index"/> already maps each word to its id (built while reading,
    /// where duplicates are found with their lines), so it is not built twice.</summary>
    Vocabulary(string[] words, long[] counts, Dictionary<string, int> index, Utf8WordTable table)
    {
        _words = words; _counts = counts; _index = index; _table = table;
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

    /// <summary>How the corpus was tokenised when the vocabulary was counted (null: not recorded, e.g. GloVe C's
    /// vocab.txt). Saved beside the file as <see cref="TokenizerFile"/> and checked by every later stage that
    /// tokenises text with it (<see cref="CheckTokenizer"/>).</summary>
    public TokenizerOptions? Tokenizer { get; init; }

    /// <summary>The companion file recording <see cref="Tokenizer"/>: <c>vocab.txt.tokenizer</c>.</summary>
    public static string TokenizerFile(string vocabPath) => vocabPath + ".tokenizer";

    /// <summary>Fails when text is about to be tokenised otherwise than this vocabulary was counted: its words would not
    /// match (a lowercased vocabulary never sees "The"), and the loss would be silent.</summary>
    public void CheckTokenizer(TokenizerOptions used)
    {
        if (Tokenizer is null || (Tokenizer.Lowercase == used.Lowercase && Tokenizer.SplitPunctuation == used.SplitPunctuation)) return;
        throw new BadArgumentException($"the vocabulary was counted with {Describe(Tokenizer)}, but this stage would tokenise with {Describe(used)}: " +
            "its words would not match and tokens would be dropped silently. Use the same tokenisation (CLI: --lowercase / --split-punctuation as for vocab; " +
            "Python/R: lowercase=, split_punctuation=; C: the GV_LOWERCASE / GV_SPLIT_PUNCTUATION flags)");
    }

    public static string Describe(TokenizerOptions t) =>
        $"{(t.Lowercase ? "lowercasing" : "case kept")} and {(t.SplitPunctuation ? "punctuation split off" : "punctuation kept")}";

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
    public string Hash() => _hash ??= ComputeHash();
    string? _hash;

    /// <summary>SHA-256 of the words, each followed by a newline, in UTF-8: encoded through one buffer (a byte array per
    /// word was garbage enough to lift a count over its memory budget at 300K words).</summary>
    string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buf = new byte[64 << 10];
        int fill = 0;
        foreach (var w in _words)
        {
            int need = Encoding.UTF8.GetMaxByteCount(w.Length) + 1;
            if (fill + need > buf.Length) { sha.AppendData(buf, 0, fill); fill = 0; }
            if (need > buf.Length) { sha.AppendData(Encoding.UTF8.GetBytes(w)); sha.AppendData("\n"u8); continue; }
            fill += Encoding.UTF8.GetBytes(w, buf.AsSpan(fill));
            buf[fill++] = (byte)'\n';
        }
        sha.AppendData(buf, 0, fill);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    const string TokenizerSuffix = ".tokenizer";

    /// <summary>Checks, before a vocabulary is counted, that it can be saved at <paramref name="path"/> together with
    /// its tokenizer record: the path is not itself a record (<c>kv.txt.tokenizer</c> would overwrite kv.txt's record
    /// with a vocabulary), it is a regular file in an existing folder, and the record's path
    /// (<see cref="TokenizerFile"/>) is not a folder, device or pipe.</summary>
    public static void CheckSavePath(string path)
    {
        var full = IO.OutputPaths.ForNewFile(path);
        if (path.EndsWith(TokenizerSuffix, StringComparison.Ordinal) || full.EndsWith(TokenizerSuffix, StringComparison.Ordinal))
            throw new BadArgumentException($"{path}: names a tokenizer record (the file '{TokenizerSuffix}' beside a vocabulary that says how its corpus was tokenised), not a vocabulary; name the vocabulary file itself (e.g. vocab.txt)");
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new MissingFileException($"{path}: output folder does not exist: {dir}");
        var record = TokenizerFile(path);
        if (Directory.Exists(record))
            throw new GloVeVException($"{record}: is a folder, but a vocabulary saved as {path} keeps its tokenizer record there; remove the folder or name another vocabulary file");
        try { IO.OutputPaths.ForNewFile(record); }
        catch (GloVeVException e) { throw new GloVeVException($"{path}: its tokenizer record cannot be written: {e.Message}"); }
    }

    /// <summary>Writes GloVe C's <c>vocab.txt</c>: "word count" per line, and its tokenizer record beside it. Both are
    /// written under temporary names before either is renamed into place, so a failure leaves the old pair as it was,
    /// never a new vocabulary without its record.</summary>
    public void Save(string path)
    {
        CheckSavePath(path);
        var companion = TokenizerFile(path);
        using var f = new IO.AtomicFile(path);
        using (var w = new StreamWriter(f.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
            for (int i = 0; i < _words.Length; i++) { w.Write(_words[i]); w.Write(' '); w.WriteLine(_counts[i]); }
        using var record = Tokenizer is null ? null : new IO.AtomicFile(companion);
        if (Tokenizer is { } t && record != null)
            using (var w = new StreamWriter(record.Stream, new UTF8Encoding(false), 256, leaveOpen: true) { NewLine = "\n" })
                w.Write($"lowercase {(t.Lowercase ? "true" : "false")}\nsplit_punctuation {(t.SplitPunctuation ? "true" : "false")}\n");
        f.Commit();
        if (record != null) record.Commit();
        else if (File.Exists(companion)) File.Delete(companion); // a stale record of an earlier vocabulary
    }

    static TokenizerOptions? LoadTokenizer(string vocabPath)
    {
        var path = TokenizerFile(vocabPath);
        if (!File.Exists(path)) return null;
        bool? lower = null, split = null;
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (line.Trim().Length == 0) continue;
            var f = line.Trim().Split(' ');
            bool? value = f.Length == 2 && f[1] is "true" or "false" ? f[1] == "true" : null;
            if (value is null || f[0] is not ("lowercase" or "split_punctuation"))
                throw new GloVeVException($"{path}:{n}: expected 'lowercase true|false' or 'split_punctuation true|false', got '{Trunc(line)}'");
            if (f[0] == "lowercase") lower = value; else split = value;
        }
        if (lower is null || split is null) throw new GloVeVException($"{path}: must record both 'lowercase' and 'split_punctuation'");
        return new TokenizerOptions { Lowercase = lower.Value, SplitPunctuation = split.Value };
    }

    /// <summary>Reads a GloVe C / GloVe-V <c>vocab.txt</c>; a malformed line is an error naming the line.</summary>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: vocabulary file not found");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
            throw new GloVeVException($"{path}: file is UTF-16 (it starts with a UTF-16 byte-order mark); a vocabulary must be UTF-8");
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            throw new GloVeVException($"{path}:1: file starts with a UTF-8 byte-order mark, which would become part of the first word; save it as UTF-8 without BOM");
        CheckText(path, bytes);
        // Lines are parsed from the bytes: only each word becomes a string. (Strings of whole lines, their split parts
        // and a second index came to about twice the vocabulary's own size, above --memory for large vocabularies.)
        int lines = 0;
        foreach (byte b in bytes) if (b == (byte)'\n') lines++;
        var words = new List<string>(lines + 1);
        var counts = new List<long>(lines + 1);
        var index = new Dictionary<string, int>(lines + 1, StringComparer.Ordinal);
        var table = new Utf8WordTable(lines + 1);
        int start = 0, lineNo = 0;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            if (i == bytes.Length && i == start) break;
            lineNo++;
            var line = bytes.AsSpan(start, i - start);
            start = i + 1;
            while (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.Length == 0) throw new GloVeVException($"{path}:{lineNo}: empty line in vocabulary file");
            int space = line.IndexOf((byte)' ');
            if (space <= 0 || line[(space + 1)..].IndexOf((byte)' ') >= 0)
                throw new GloVeVException($"{path}:{lineNo}: expected 'word count', got '{Trunc(Encoding.UTF8.GetString(line))}'");
            var countText = line[(space + 1)..];
            if (!long.TryParse(Encoding.UTF8.GetString(countText), out long c) || c < 0)
                throw new GloVeVException($"{path}:{lineNo}: count '{Trunc(Encoding.UTF8.GetString(countText))}' is not a non-negative integer");
            var wordBytes = line[..space];
            var word = Encoding.UTF8.GetString(wordBytes);
            if (!index.TryAdd(word, words.Count))
                throw new GloVeVException($"{path}:{lineNo}: word '{Trunc(word)}' already listed on line {index[word] + 1}");
            table.Add(wordBytes);
            words.Add(word);
            counts.Add(c);
        }
        if (words.Count == 0) throw new GloVeVException($"{path}: vocabulary file is empty");
        return new Vocabulary(words.ToArray(), counts.ToArray(), index, table) { Tokenizer = LoadTokenizer(path) };
    }

    /// <summary>Refuses NUL bytes and invalid UTF-8 (each named with its line), the first in file order, before any line
    /// is parsed: a binary or UTF-16 file is named as such rather than by the first malformed entry it happens to make.</summary>
    static void CheckText(string path, byte[] bytes)
    {
        if (bytes.AsSpan().IndexOf((byte)0) < 0 && System.Text.Unicode.Utf8.IsValid(bytes)) return;
        var strict = new UTF8Encoding(false, true);
        int start = 0, line = 1;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] == 0)
                throw new GloVeVException($"{path}:{line}: NUL byte at offset {i} (UTF-16 or binary data?); a vocabulary must be UTF-8 text");
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            var text = bytes.AsSpan(start, i - start);
            if (!System.Text.Unicode.Utf8.IsValid(text))
            {
                int bad = 0;
                try { strict.GetCharCount(text); } catch (DecoderFallbackException e) { bad = Math.Max(0, e.Index); }
                throw new GloVeVException($"{path}:{line}: invalid UTF-8 (byte offset {start + bad}); a vocabulary must be UTF-8");
            }
            start = i + 1; line++;
        }
    }

    static string Trunc(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
