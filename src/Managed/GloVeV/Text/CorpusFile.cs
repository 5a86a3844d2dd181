namespace GloVeV.Text;

/// <summary>
/// Opens a corpus file for every reader of corpora (vocabulary, co-occurrence counts and their shards, the document
/// bootstrap): plain UTF-8, or gzip when the name ends in <c>.gz</c> (<see cref="GzipReader"/>: a truncated or damaged
/// file is an error).
/// </summary>
public static class CorpusFile
{
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The corpus's text as a stream.</summary>
    public static Stream Open(string path)
    {
        if (!File.Exists(path)) throw new MissingFileException($"{path}: corpus file not found");
        Stream? s = null;
        try
        {
            // A gzip file is read in large pieces by the decompressor itself: no FileStream buffer in between.
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, IsGzip(path) ? 1 : 1 << 20);
            s = fs;
            if (IsGzip(path)) s = new GzipReader(fs, path);
            return s;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            s?.Dispose();
            throw new GloVeVException($"{path}: cannot read corpus: {e.Message}");
        }
        catch
        {
            s?.Dispose();
            throw;
        }
    }
}
