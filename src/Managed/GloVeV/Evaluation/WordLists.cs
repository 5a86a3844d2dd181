namespace GloVeV.Evaluation;

/// <summary>Resolves word lists against a vocabulary: unknown words are skipped and reported; a list left with fewer
/// than two words is an error naming it.</summary>
public static class WordLists
{
    public sealed record Resolved(string Name, int[] Ids, IReadOnlyList<string> Missing);

    public static Resolved Resolve(Text.Vocabulary v, string name, IReadOnlyList<string> words)
    {
        var ids = new List<int>(); var missing = new List<string>();
        foreach (var w in words.Distinct())
        {
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
        var words = File.ReadLines(path).Select(l => l.Split('#')[0])
            .SelectMany(l => l.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (words.Count == 0) throw new GloVeVException($"{path}: word list is empty");
        return words;
    }
}
