using System.Globalization;

namespace GloVeV.Evaluation;

public sealed record WordPair(string A, string B, double Score, int Line);

/// <summary>Word-similarity files (WS-353, SimLex-999, MEN): "word1 word2 score" per line, tab- or space-separated;
/// '#' comments and one header line (a first line of three or more fields whose third is not a number) are skipped;
/// any other malformed line is an error naming it.</summary>
public static class WordPairs
{
    public static IReadOnlyList<WordPair> Load(string path)
    {
        if (Directory.Exists(path)) throw new MissingFileException($"{path}: is a folder, not a benchmark file");
        if (!File.Exists(path)) throw new MissingFileException($"{path}: benchmark file not found");
        var pairs = new List<WordPair>();
        int lineNo = 0;
        bool sawData = false;
        var lines = Lines(path);
        foreach (var raw in lines)
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            double score = 0;
            bool ok = f.Length >= 3 && double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out score);
            if (ok && !double.IsFinite(score))
                throw new GloVeVException($"{path}:{lineNo}: the score '{f[2]}' is not a finite number");
            if (!ok)
            {
                // A header names its three columns: a third field with a digit ("3,5") or a non-finite number ("inf",
                // "nan") is a malformed score, and a line of fewer than three fields ("war peace", "war 3.0") a pair
                // without its score or word, not a header, even on the first line (such a line was skipped unsaid).
                bool headerLike = f.Length >= 3 && !f[2].Any(char.IsAsciiDigit) && !IsNonFinite(f[2]);
                if (headerLike && !sawData && pairs.Count == 0 && lineNo == FirstContentLine(lines)) continue; // header
                throw new GloVeVException($"{path}:{lineNo}: expected 'word1 word2 score', got '{(line.Length > 60 ? line[..60] + "..." : line)}'");
            }
            sawData = true;
            pairs.Add(new WordPair(f[0], f[1], double.Parse(f[2], CultureInfo.InvariantCulture), lineNo));
        }
        if (pairs.Count == 0) throw new GloVeVException($"{path}: no word pairs found");
        return pairs;
    }

    static bool IsNonFinite(string s) => s.TrimStart('+', '-').ToLowerInvariant() is "inf" or "infinity" or "nan" or "∞";

    static int FirstContentLine(IReadOnlyList<string> lines)
    {
        int n = 0;
        foreach (var l in lines) { n++; var t = l.Trim(); if (t.Length > 0 && !t.StartsWith('#')) return n; }
        return -1;
    }

    /// <summary>The file's lines, decoded strictly: a word with invalid UTF-8 would otherwise become U+FFFD and its pair
    /// be left out as out of vocabulary without a word said (a corpus with invalid UTF-8 is refused too). A leading
    /// byte-order mark is skipped.</summary>
    static List<string> Lines(string path) => IO.Utf8Lines.Read(path, "a benchmark file");
}
