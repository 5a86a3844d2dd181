namespace GloVeV.Evaluation;

/// <summary>Resolves word lists against a vocabulary: unknown words are skipped and reported; a list left with fewer
/// than two words is an error naming it.</summary>
public static class WordLists
{
    public sealed record Resolved(string Name, int[] Ids, IReadOnlyList<string> Missing);

    public static Resolved Resolve(Text.Vocabulary v, string name, IReadOnlyList<string> words)
    {
        var ids = new List<int>(); var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in words)
        {
            if (!seen.Add(w)) throw new GloVeVException($"word list {name} lists '{w}' twice");
            if (v.TryGetId(w, out var id)) ids.Add(id);
            else missing.Add(w);
        }
        if (ids.Count < 2)
            throw new GloVeVException($"word list {name} has {ids.Count} word(s) in the vocabulary (needs at least 2){(missing.Count > 0 ? "; not found: " + string.Join(", ", missing.Take(20)) : "")}");
        return new Resolved(name, ids.ToArray(), missing);
    }

    /// <summary>Reads a word list: one word per line, or whitespace/comma separated; '#' starts a comment.</summary>
    public static IReadOnlyList<string> Load(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: word list not found");
        var lines = IO.Utf8Lines.Read(path, "a word list");
        var words = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Count; i++)
            foreach (var w in lines[i].Split('#')[0].Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                // A repeated word would count twice in a mean over the list, or once if silently dropped: neither is
                // what the file says.
                if (!seen.TryAdd(w, i + 1)) throw new GloVeVException($"{path}:{i + 1}: '{w}' is listed twice (first on line {seen[w]})");
                words.Add(w);
            }
        if (words.Count == 0) throw new GloVeVException($"{path}: word list is empty");
        return words;
    }
}
