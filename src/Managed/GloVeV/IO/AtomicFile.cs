namespace GloVeV.IO;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place on <see cref="Commit"/>,
/// so a crash or an error never leaves a partial file under the final name.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    public string FinalPath { get; }
    public string TempPath { get; }
    /// <summary>A buffered <see cref="FileStream"/>, or a <see cref="DirectWriteStream"/> when asked for.</summary>
    public Stream Stream { get; }
    bool _done;

    /// <param name="direct">Write around the page cache (<see cref="DirectWriteStream"/>): for large files this
    /// process does not read back.</param>
    public AtomicFile(string path, int bufferSize = 1 << 20, bool direct = false)
    {
        FinalPath = OutputPaths.ForNewFile(path);
        var dir = Path.GetDirectoryName(FinalPath)!;
        if (!Directory.Exists(dir)) throw new MissingFileException($"output folder does not exist: {dir}");
        RemoveDeadTemporaries(dir, Path.GetFileName(FinalPath));
        TempPath = TempPathFor(FinalPath);
        try
        {
            Stream = direct && DirectWriteStream.IsAvailable ? new DirectWriteStream(TempPath, Math.Max(bufferSize, 4 << 20))
                : new FileStream(TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize);
        }
        catch (UnauthorizedAccessException e)
        {
            // Named by the file asked for, not by the hidden temporary beside it.
            throw new IOException($"{path}: cannot write a file there ({e.Message})", e);
        }
    }

    public void Commit()
    {
        if (_done) return;
        if (Stream is DirectWriteStream d) d.Complete();
        else ((FileStream)Stream).Flush(true);
        Stream.Dispose();
        File.Move(TempPath, FinalPath, overwrite: true);
        _done = true;
    }

    /// <summary>Without <see cref="Commit"/>: discards the temporary. Closing it flushes what is buffered, which fails
    /// the same way as the write that got us here on a full disk; the temporary is removed all the same (it was left
    /// behind, taking more of the full disk) and that second failure is not allowed to hide the first.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { Stream.Dispose(); }
        catch (IOException) { }
        finally { try { File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { } }
    }

    /// <summary>A fresh temporary name ".NAME.PID.GUID.tmp" beside <paramref name="finalPath"/>: the shape
    /// <see cref="RemoveDeadTemporaries"/> and <see cref="AtomicDirectory.IsOwnHidden"/> know.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, $".{Path.GetFileName(finalPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>Removes temporaries ".NAME.PID.GUID.tmp" in <paramref name="dir"/> left by runs that are no longer
    /// alive (all names when <paramref name="name"/> is null).</summary>
    public static void RemoveDeadTemporaries(string dir, string? name = null)
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(dir, name == null ? ".*.tmp" : $".{name}.*.tmp"))
            {
                int pid = AtomicDirectory.PidOf(Path.GetFileName(f));
                if (pid > 0 && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}")) File.Delete(f);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Writes all text atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var f = new AtomicFile(path);
        using (var w = new StreamWriter(f.Stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true)) w.Write(text);
        f.Commit();
    }
}
