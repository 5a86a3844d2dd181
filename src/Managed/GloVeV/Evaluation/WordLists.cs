namespace GloVeV.Evaluation;

/// <summary>Resolves word lists against a vocabulary: unknown words are skipped and reported, a repeated word counts once
/// and is reported; a list left with fewer than two words is an error naming it.</summary>
public static class WordLists
{
    /// <param name="Repeated">Words the list gives more than once: each counts once (published lists, e.g. Garg et al.'s
    /// terrorism words, repeat a few by accident), and every front door says which.</param>
    public sealed record Resolved(string Name, int[] Ids, IReadOnlyList<string> Missing, IReadOnlyList<string> Repeated);

    public static Resolved Resolve(Text.Vocabulary v, string name, IReadOnlyList<string> words)
    {
        var ids = new List<int>(); var missing = new List<string>(); var repeated = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            if (!seen.Add(w)) { if (!repeated.Contains(w)) repeated.Add(w); continue; }
            if (v.TryGetId(w, out var id)) ids.Add(id);
            else missing.Add(w);
        }
        if (ids.Count < 2)
            throw new GloVeVException($"word list {name} has {ids.Count} word(s) in the vocabulary (needs at least 2){(missing.Count > 0 ? "; not found: " + string.Join(", ", missing.Take(20)) : "")}");
        return new Resolved(name, ids.ToArray(), missing, repeated);
    }

    /// <summary>The warning lines for lists' left-out and repeated words (one text for every front door that prints them).</summary>
    public static IEnumerable<string> Notes(IReadOnlyDictionary<string, IReadOnlyList<string>> missing, IReadOnlyDictionary<string, IReadOnlyList<string>> repeated)
    {
        static string Words(IReadOnlyList<string> w) => string.Join(", ", w.Take(20)) + (w.Count > 20 ? ", ..." : "");
        foreach (var (list, words) in missing)
            if (words.Count > 0) yield return $"word list {list}: {words.Count} word(s) not in the vocabulary, left out: {Words(words)}";
        foreach (var (list, words) in repeated)
            if (words.Count > 0) yield return $"word list {list}: {words.Count} word(s) given more than once, counted once: {Words(words)}";
    }

    /// <summary>Reads a word list: one word per line, or whitespace/comma separated; '#' starts a comment.</summary>
    public static IReadOnlyList<string> Load(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: word list not found");
        var words = IO.Utf8Lines.Read(path, "a word list").Select(l => l.Split('#')[0])
            .SelectMany(l => l.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (words.Count == 0) throw new GloVeVException($"{path}: word list is empty");
        return words;
    }
}
