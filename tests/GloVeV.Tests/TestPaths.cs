namespace GloVeV.Tests;

static class TestPaths
{
    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    /// <summary>The repository root (for the built libglovev.so and the fixture): GLOVEV_SOURCE or a walk upwards.</summary>
    public static string Repo
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("GLOVEV_SOURCE");
            if (!string.IsNullOrEmpty(env)) return env;
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "Native.sln"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>A fresh folder under this test process's own root, which is removed when the process exits (the
    /// tests write over 100 MB of models and variances per run; left behind, repeated runs fill the disk).</summary>
    public static string TempDir()
    {
        var d = Path.Combine(RunRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    static readonly Lazy<string> RunRoot = new(() =>
    {
        // The test host is not always let to exit normally (dotnet test may end it), so the exit handler below can miss:
        // roots of test processes that are no longer alive go first.
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "glovev-tests-*"))
        {
            var parts = Path.GetFileName(stale).Split('-');
            if (parts.Length == 4 && int.TryParse(parts[2], out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                try { Directory.Delete(stale, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        var root = Path.Combine(Path.GetTempPath(), $"glovev-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    public static string WriteCorpus(string dir, string text, string name = "corpus.txt")
    {
        var p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }
}
