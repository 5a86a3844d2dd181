using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GloVeV.IO;

/// <summary>
/// Publishes a folder so that a kill at any instant leaves either the old complete folder or the new complete one.
/// <para>
/// A writer fills a per-run staging folder <c>.NAME.staging.PID.GUID</c> beside the target, then <see cref="Commit"/>:
/// (1) writes <c>.glovev-manifest</c> (every file with its size and SHA-256) into the staging folder; (2) writes the
/// journal <c>.NAME.swap</c> naming the staging folder (from this instant the new set is complete and the swap is
/// rolled forward); (3) renames the old target aside to <c>.NAME.old</c>; (4) renames the staging folder to the
/// target; (5) deletes the journal; (6) deletes the old folder.
/// </para>
/// <para>
/// <see cref="Recover"/> (run by every writer before it starts and by every reader before it opens the folder)
/// completes a swap whose writer died after step 2, removes a staging folder whose writer died before it, and removes
/// temporary files and spill folders left by dead runs. A reader then checks the manifest (<see cref="Verify"/>), so a
/// folder with a missing or truncated file never passes as complete.
/// </para>
/// </summary>
public sealed class AtomicDirectory : IDisposable
{
    public const string ManifestFile = ".glovev-manifest";
    /// <summary>Test hook: milliseconds to sleep between the steps of the swap (so a test can kill inside it).</summary>
    public const string PauseVariable = "GLOVEV_TEST_SWAP_PAUSE_MS";

    public string Target { get; }
    /// <summary>The staging folder to write into.</summary>
    public string Staging { get; }
    bool _done;

    AtomicDirectory(string target)
    {
        Target = target;
        var parent = Path.GetDirectoryName(target)!;
        Staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging.{Host}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>Starts publishing <paramref name="target"/>: recovers an interrupted earlier swap, removes what dead
    /// runs left, and creates a fresh staging folder.</summary>
    /// <param name="ownFiles">When given, the names the target folder may hold: an existing target with anything else
    /// (besides hidden leftovers) is refused rather than replaced, since the folder is replaced as a whole.</param>
    public static AtomicDirectory Begin(string target, IReadOnlyCollection<string>? ownFiles = null) =>
        Begin(target, ownFiles == null ? null : ownFiles.Contains);

    /// <summary>The same, with the names the command writes given by a predicate (for numbered files such as
    /// <c>completechunk_{k}.safetensors</c>). A folder it holds that the command did not write is refused; other files
    /// are carried into the new folder.</summary>
    public static AtomicDirectory Begin(string target, Func<string, bool>? isOwn) => Begin(target, isOwn, null);

    /// <summary>The same for a folder that holds folders of its own (<c>glovev run</c>'s cooccur/ and model/):
    /// <paramref name="isOwnFolder"/> names them; they are not carried into the new folder (the command writes them
    /// anew), and any other folder is refused.</summary>
    public static AtomicDirectory Begin(string target, Func<string, bool>? isOwn, Func<string, bool>? isOwnFolder)
    {
        var trimmed = target.TrimEnd('/', Path.DirectorySeparatorChar);
        if (trimmed.Length == 0) throw new GloVeVException($"{target}: cannot publish over the root folder");
        var full = Path.GetFullPath(trimmed);
        if (full == Path.GetPathRoot(full)) throw new GloVeVException($"{target}: cannot publish over the root folder");
        var parent = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(parent); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GloVeVException($"{target}: cannot create the folder it goes in ({e.Message})");
        }
        if (File.Exists(full)) throw new GloVeVException($"{target}: exists and is a file, not a folder");
        Recover(full);
        var carry = new List<string>();
        if (isOwn != null && Directory.Exists(full))
        {
            // Hidden names are glovev's own leftovers only when they have its per-run shapes (manifest, staging, swap,
            // temporaries): anything else hidden is the user's (.git, .env) and is refused (a folder) or kept (a file),
            // like any other name, since the old folder is deleted once the new one is in place.
            var foreignDir = Directory.EnumerateDirectories(full).Select(Path.GetFileName)
                .FirstOrDefault(n => n!.StartsWith('.') ? !IsOwnHidden(n) : isOwnFolder?.Invoke(n) != true);
            if (foreignDir != null)
                throw new GloVeVException($"{target}: folder holds the folder '{foreignDir}', which this command did not write; the output folder is replaced as a whole, so name an empty or new folder");
            carry.AddRange(Directory.EnumerateFiles(full).Select(Path.GetFileName).Where(n => n!.StartsWith('.') ? !IsOwnHidden(n) : !isOwn(n))!);
        }
        AtomicDirectory a;
        try { a = new AtomicDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GloVeVException($"{target}: cannot write a folder there ({e.Message})");
        }
        // Other files in the folder (a corpus kept beside the output, notes) come along into the new folder as hard
        // links (copies where links are not possible); they are not part of the manifest.
        try
        {
            foreach (var n in carry)
            {
                a._carried.Add(n);
                var from = Path.Combine(full, n);
                var to = Path.Combine(a.Staging, n);
                if (!HardLink(from, to)) File.Copy(from, to);
            }
        }
        catch { a.Dispose(); throw; }
        return a;
    }

    readonly HashSet<string> _carried = new(StringComparer.Ordinal);

    /// <summary>Hidden names glovev itself leaves in a folder: its manifest, the per-run names of staging folders,
    /// temporaries and spill folders (".X.staging.HOST.PID.GUID", ".X.PID.GUID.tmp", ".glovev-cooccur-PID-GUID"), and a
    /// sub-folder's swap journal and old copy (".X.swap", ".X.old").</summary>
    public static bool IsOwnHidden(string name) =>
        name == ManifestFile || PidOf(name) > 0 || name.StartsWith(".glovev-", StringComparison.Ordinal)
        || (name.StartsWith('.') && (name.EndsWith(".swap", StringComparison.Ordinal) || name.EndsWith(".old", StringComparison.Ordinal)));

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int link(string oldpath, string newpath);

    static bool HardLink(string from, string to)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return link(from, to) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    static string JournalPath(string full) => Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.swap");
    static string OldPath(string full) => Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.old");

    static void Pause()
    {
        var s = Environment.GetEnvironmentVariable(PauseVariable);
        if (s != null && int.TryParse(s, out int ms) && ms > 0) Thread.Sleep(ms);
    }

    /// <summary>Publishes the staging folder as the target (see the class summary for the steps).</summary>
    public void Commit()
    {
        if (_done) throw new InvalidOperationException("already committed");
        AtomicFile.RemoveDeadTemporaries(Staging);
        WriteManifest(Staging);
        Pause();
        var journal = JournalPath(Target);
        var old = OldPath(Target);
        // A leftover .old from an earlier completed swap is garbage (no journal points at it).
        if (Directory.Exists(old)) Directory.Delete(old, true);
        var jt = journal + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var fs = new FileStream(jt, FileMode.CreateNew, FileAccess.Write))
        {
            fs.Write(Encoding.UTF8.GetBytes($"{Path.GetFileName(Staging)}\n{Environment.ProcessId}\n{Host}\n"));
            fs.Flush(true);
        }
        File.Move(jt, journal, true);
        try
        {
            Pause();
            if (Directory.Exists(Target)) Directory.Move(Target, old);
            Pause();
            Directory.Move(Staging, Target);
        }
        catch
        {
            // Could not swap (a rename failed): put the old folder back and forget the journal.
            try
            {
                if (!Directory.Exists(Target) && Directory.Exists(old)) Directory.Move(old, Target);
                File.Delete(journal);
            }
            catch (IOException) { }
            throw;
        }
        Pause();
        File.Delete(journal);
        Pause();
        if (Directory.Exists(old)) Directory.Delete(old, true);
        _done = true;
    }

    /// <summary>Removes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { if (Directory.Exists(Staging)) Directory.Delete(Staging, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>This machine's name as it appears in per-run names (on shared storage, a run of another machine is
    /// never judged dead by its PID here).</summary>
    internal static readonly string Host = new(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    /// <summary>Is the run that owns a per-run name gone? Names with another machine's name are left alone for a
    /// day (their owner may still run there).</summary>
    static bool Dead(string path, string name)
    {
        int pid = PidOf(name);
        if (pid <= 0) return false;
        var parts = name.Split('.');
        int at = Array.IndexOf(parts, pid.ToString(CultureInfo.InvariantCulture));
        // ".NAME.staging.HOST.PID.GUID" (older names have no HOST).
        string? host = at >= 2 && parts[at - 2] == "staging" && parts[at - 1].Length > 0 ? parts[at - 1] : null;
        if (host != null && host != Host)
        {
            try { return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(path) > TimeSpan.FromDays(1); } catch (IOException) { return false; }
        }
        return !Alive(pid);
    }

    static bool Alive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; } catch (ArgumentException) { return false; } catch (InvalidOperationException) { return false; }
    }

    /// <summary>The PID in a per-run name ".X.staging.PID.GUID", ".X.PID.GUID.tmp", ".glovev-cooccur-PID-GUID"; -1 when none.</summary>
    internal static int PidOf(string name)
    {
        var parts = name.Split('.', '-');
        for (int k = parts.Length - 2; k >= 0; k--)
            if (parts[k + 1].Length == 32 && parts[k + 1].All(Uri.IsHexDigit) && int.TryParse(parts[k], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                return pid;
        return -1;
    }

    /// <summary>Finishes or rolls back an interrupted swap of <paramref name="target"/> and removes staging folders and
    /// temporary files of dead runs beside it. Safe to call at any time; does nothing while the writer is alive.</summary>
    public static void Recover(string target)
    {
        var full = Path.GetFullPath(target.TrimEnd('/', Path.DirectorySeparatorChar));
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent)) return;
        var name = Path.GetFileName(full);
        var journal = JournalPath(full);
        var old = OldPath(full);
        try
        {
            if (File.Exists(journal))
            {
                var lines = File.ReadAllLines(journal);
                int pid = lines.Length > 1 && int.TryParse(lines[1], out int p) ? p : -1;
                bool here = lines.Length < 3 || lines[2] == Host;
                if (pid != Environment.ProcessId && (here ? Alive(pid) : DateTime.UtcNow - File.GetLastWriteTimeUtc(journal) < TimeSpan.FromMinutes(10)))
                {
                    // A live writer is mid-swap (renames only, milliseconds): wait for it rather than read a gap.
                    var until = DateTime.UtcNow.AddSeconds(10);
                    while (File.Exists(journal) && DateTime.UtcNow < until && (!here || Alive(pid))) Thread.Sleep(10);
                    if (File.Exists(journal)) { if (!here || Alive(pid)) return; Recover(target); }
                    return;
                }
                var staging = lines.Length > 0 ? Path.Combine(parent, lines[0]) : "";
                if (lines.Length > 0 && lines[0].Length > 0 && Directory.Exists(staging))
                {
                    // Steps 3-4 not (both) done: the staging folder is complete (the journal was written after it).
                    if (Directory.Exists(full))
                    {
                        if (Directory.Exists(old)) Directory.Delete(old, true);
                        Directory.Move(full, old);
                    }
                    Directory.Move(staging, full);
                }
                else if (!Directory.Exists(full) && Directory.Exists(old))
                    Directory.Move(old, full); // journal corrupt and nothing new: keep the old set
                File.Delete(journal);
            }
            else if (!Directory.Exists(full) && Directory.Exists(old))
                Directory.Move(old, full);
            if (Directory.Exists(old)) Directory.Delete(old, true);
            // Leftovers of dead runs: staging folders and journal temporaries of this target.
            foreach (var d in Directory.EnumerateDirectories(parent, $".{name}.staging.*"))
                if (Dead(d, Path.GetFileName(d))) Directory.Delete(d, true);
            foreach (var f in Directory.EnumerateFiles(parent, $".{name}.swap.*.tmp"))
                if (Dead(f, Path.GetFileName(f))) File.Delete(f);
            // Older per-run names (".NAME.PID.GUID.tmp" folders of earlier versions).
            foreach (var d in Directory.EnumerateDirectories(parent, $".{name}.*.tmp"))
                if (Dead(d, Path.GetFileName(d))) Directory.Delete(d, true);
            if (Directory.Exists(full)) RemoveDeadLeftovers(full);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes, inside <paramref name="dir"/>, temporary files (".X.PID.GUID.tmp") and spill folders
    /// (".glovev-cooccur-PID-GUID") whose run is dead.</summary>
    public static void RemoveDeadLeftovers(string dir)
    {
        if (!Directory.Exists(dir)) return;
        try
        {
            foreach (var f in Directory.EnumerateFiles(dir, ".*.tmp"))
            {
                int pid = PidOf(Path.GetFileName(f));
                if (pid > 0 && !Alive(pid)) File.Delete(f);
            }
            foreach (var d in Directory.EnumerateDirectories(dir, ".glovev-*"))
            {
                int pid = PidOf(Path.GetFileName(d));
                if (pid > 0 && !Alive(pid)) Directory.Delete(d, true);
            }
            foreach (var d in Directory.EnumerateDirectories(dir, ".*.tmp"))
            {
                int pid = PidOf(Path.GetFileName(d));
                if (pid > 0 && !Alive(pid)) Directory.Delete(d, true);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A fresh identity of this publication, recorded in the manifest (artefacts built from the folder
    /// record it as their provenance).</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Files up to this size get a SHA-256 in the manifest (larger ones their size only).</summary>
    public const long ManifestHashLimit = 64L << 20;

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Bytes, string Sha256)> _known = new(StringComparer.Ordinal);

    /// <summary>Records the SHA-256 of a staged file computed while it was written, so the manifest need not read it
    /// back (files written around the page cache would come from the disk). Used only if the size still matches.</summary>
    public void RecordHash(string fileName, long bytes, string sha256) => _known[fileName] = (bytes, sha256);

    void WriteManifest(string dir)
    {
        var sb = new StringBuilder("# glovev folder manifest: file<TAB>bytes<TAB>sha256 (- for files over 64 MiB)\n");
        sb.Append("id\t").Append(RunId).Append('\n');
        foreach (var f in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var n = Path.GetFileName(f);
            if (n == ManifestFile || _carried.Contains(n)) continue;
            long len = new FileInfo(f).Length;
            string sha = len > ManifestHashLimit ? "-" : _known.TryGetValue(n, out var k) && k.Bytes == len ? k.Sha256 : Sha256(f);
            sb.Append(n).Append('\t').Append(len.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(sha).Append('\n');
        }
        var path = Path.Combine(dir, ManifestFile);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        fs.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        fs.Flush(true);
    }

    public static string Sha256(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    /// <summary>The manifest of a published folder (file -> (bytes, sha256)); null when the folder has none (made
    /// elsewhere or by an earlier version).</summary>
    public static Dictionary<string, (long Bytes, string Sha256)>? ReadManifest(string dir)
    {
        var path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path)) return null;
        var r = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            if (f.Length == 2 && f[0] == "id") continue;
            if (f.Length != 3 || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw new GloVeVException($"{path}:{lineNo}: malformed manifest line");
            r[f[0]] = (n, f[2]);
        }
        return r;
    }

    /// <summary>Recovers an interrupted swap, then checks that every file the manifest lists is present with its
    /// recorded size (and, when <paramref name="hashes"/>, content). Folders without a manifest pass.</summary>
    public static void Verify(string dir, bool hashes = false)
    {
        Recover(dir);
        var m = ReadManifest(dir);
        if (m == null) return;
        foreach (var (name, (bytes, sha)) in m)
        {
            var f = Path.Combine(dir, name);
            if (!File.Exists(f)) throw new GloVeVException($"{dir}: incomplete folder: {name} is listed in {ManifestFile} but missing");
            long len = new FileInfo(f).Length;
            if (len != bytes) throw new GloVeVException($"{f}: {len} bytes, but {Path.Combine(dir, ManifestFile)} records {bytes} (truncated or replaced)");
            if (hashes && sha != "-" && Sha256(f) != sha) throw new GloVeVException($"{f}: content differs from the SHA-256 recorded in {Path.Combine(dir, ManifestFile)} (changed since it was written)");
        }
    }

    /// <summary>The identity recorded in a folder's manifest, or null.</summary>
    public static string? IdOf(string dir)
    {
        var path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("id\t", StringComparison.Ordinal)) return line[3..];
        return null;
    }

    /// <summary>The recorded SHA-256 of one file of a published folder, or null.</summary>
    public static string? RecordedHash(string dir, string file) =>
        ReadManifest(dir) is { } m && m.TryGetValue(file, out var e) ? e.Sha256 : null;
}
