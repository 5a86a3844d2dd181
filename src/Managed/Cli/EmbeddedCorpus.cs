namespace GloVeV.Cli;

/// <summary>
/// The State of the Union corpus (data/sotu.txt.gz; its source and licence in data/sotu.PROVENANCE.md) built into the
/// binary, so <c>glovev run</c> works from any folder with nothing but the executable. The corpus readers take paths, so
/// a run extracts it into its own staging folder (removed with the folder if the run dies) and deletes it before the
/// folder is published.
/// </summary>
sealed class EmbeddedCorpus : IDisposable
{
    const string ResourceName = "glovev.sotu.txt.gz";
    public const string Description = "State of the Union addresses 1790-2021 (built into glovev)";
    public string Path { get; }

    EmbeddedCorpus(string path) => Path = path;

    public static EmbeddedCorpus Extract(string folder)
    {
        using var s = typeof(EmbeddedCorpus).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new GloVeVException("this glovev was built without its embedded corpus: pass --corpus FILE");
        var path = System.IO.Path.Combine(folder, ".embedded-corpus.txt.gz");
        using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) s.CopyTo(f);
        return new EmbeddedCorpus(path);
    }

    public void Dispose()
    {
        try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
