using System.Runtime.InteropServices;

namespace GloVeV.IO;

/// <summary>
/// Where a single output file may go. Files are written under a temporary name and renamed into place, so the path must
/// be (or become) a regular file: a rename would replace a device, a pipe or a symbolic link itself rather than write to
/// it. A symbolic link is followed to the file it names (as a shell's redirection would write through it), and an
/// output that is also one of the command's inputs is refused before anything is written.
/// </summary>
public static unsafe class OutputPaths
{
    /// <summary>The path to rename a new file to: <paramref name="path"/> or, for a symbolic link, its final target.</summary>
    public static string ForNewFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (new FileInfo(full).LinkTarget != null && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            full = target.FullName;
        if (Directory.Exists(full)) throw new GloVeVException($"{path}: is a folder; name a file to write");
        if (Stat(full, out var st) && (st.Mode & FileTypeMask) != RegularFile)
            throw new GloVeVException($"{path}: exists and is not a regular file (a device, pipe or socket); glovev writes a new file and renames it into place, so name a regular file");
        return full;
    }

    /// <summary>Checks, before any work is done, that a new file can be written at <paramref name="path"/>: its extension
    /// is one of <paramref name="extensions"/> (lower case, with the dot; none: any), it is not a folder, device or pipe,
    /// and its folder exists and takes a new file. <paramref name="what"/> names the setting in messages.</summary>
    public static void CheckNewFile(string path, string what, params string[] extensions)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (extensions.Length > 0 && !extensions.Contains(ext))
            throw new BadArgumentException($"{what} must end in {string.Join(" or ", extensions)}, got '{path}'");
        var full = ForNewFile(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new GloVeVException($"{what} {path}: the folder {dir} does not exist");
        // Try it: permissions, a read-only file system, ACLs (a name of the form dead runs' temporaries have, so a
        // kill between create and delete leaves nothing that is not cleaned up).
        var probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try { using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { } }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GloVeVException($"{what} {path}: cannot write a file in {dir} ({e.Message})");
        }
    }

    /// <summary>Refuses an output that is the same file as an input (same path after links, or the same inode).</summary>
    public static void RefuseInput(string output, string input, string what)
    {
        if (Same(output, input)) throw new GloVeVException($"{output}: is also the {what} this command reads; name another output file");
    }

    /// <summary><see cref="CheckNewFile"/> and <see cref="RefuseInputFiles"/> for an output written beside a command's
    /// inputs (a table or plot): one call per output.</summary>
    public static void CheckNewOutput(string path, string what, string?[] readFolders, params string[] extensions)
    {
        CheckNewFile(path, what, extensions);
        RefuseInputFiles(path, what, readFolders);
    }

    /// <summary>Refuses two outputs of one command that name the same file (the second would replace the first).</summary>
    public static void CheckDistinctOutputs(params (string? Path, string What)[] outputs)
    {
        var given = outputs.Where(o => o.Path != null).ToArray();
        for (int i = 0; i < given.Length; i++)
            for (int j = i + 1; j < given.Length; j++)
                if (Same(given[i].Path!, given[j].Path!))
                    throw new GloVeVException($"{given[i].What} and {given[j].What} name the same file ({given[i].Path}); the second table would replace the first");
    }

    /// <summary>Refuses, before any work, an output file <paramref name="what"/> that is one of the files glovev reads in
    /// the folders the command reads (their own files and those of their variances/ or replicates/ sub-folder): a table
    /// or plot written over params.safetensors, cooccurrence.bin, a variance chunk or a bootstrap's record would leave
    /// the inputs broken. Other files there (the command's own earlier plot or table, notes) may be written.</summary>
    public static void RefuseInputFiles(string output, string what, params string?[] folders)
    {
        // Two levels, not following links: a folder's own files and its sub-folders' (variances/, replicates/).
        var walk = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var folder in folders)
        {
            if (folder == null || !Directory.Exists(folder)) continue;
            foreach (var f in Directory.EnumerateFiles(folder, "*", walk))
                if (IsGloVeVInput(Path.GetFileName(f)) && Same(output, f))
                    throw new GloVeVException($"{what} {output}: is {f}, a file of the folder {folder} this command reads; name another output file");
        }
    }

    /// <summary>Names of the files glovev's stages write and read back: tensors, vocabularies, co-occurrence files,
    /// variance and bootstrap records, manifests.</summary>
    static bool IsGloVeVInput(string name) =>
        name.EndsWith(".safetensors", StringComparison.Ordinal) || name.StartsWith("vocab.txt", StringComparison.Ordinal)
        || name is "cooccurrence.bin" or "chunk_map.txt" or "approx_info.txt" or "approx_kept.tsv" or "variance_info.tsv"
            or "variance_summary.json" or "provenance.tsv" or "bootstrap.json" or "partial.tsv" or "partial.run" or AtomicDirectory.ManifestFile
        || name.StartsWith("cooccurrence", StringComparison.Ordinal) || name.StartsWith("checkpoint", StringComparison.Ordinal);

    /// <summary>Refuses an output folder that is, is inside, or holds one of the input folders (shards being merged): the
    /// output replaces its folder as a whole, so the input would be lost with it, or taken into it.</summary>
    public static void RefuseInputFolders(string outDir, IEnumerable<string> inputs, string what)
    {
        foreach (var p in inputs)
        {
            if (IsSameOrInside(outDir, p))
                throw new GloVeVException($"--out {outDir}: is {(Resolved(outDir) == Resolved(p) ? "" : "inside ")}the {what} {p} this command reads; name a new folder");
            if (IsSameOrInside(p, outDir))
                throw new GloVeVException($"--out {outDir}: holds the {what} {p} this command reads (the output replaces its folder as a whole); name a new folder");
        }
    }

    /// <summary>Refuses an output that is any file of a folder the command reads (a model folder being exported).</summary>
    public static void RefuseInputFolderFile(string output, string folder, string what)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var f in Directory.EnumerateFiles(folder)) RefuseInput(output, f, what);
    }

    /// <summary>The absolute path of <paramref name="path"/> with symbolic links resolved in the part that exists (the
    /// rest appended as written): two names of one folder compare equal, and a folder inside another starts with its
    /// path and a separator.</summary>
    public static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        if (full.Length > 1) full = full.TrimEnd(Path.DirectorySeparatorChar);
        var tail = new List<string>();
        var cur = full;
        while (!Directory.Exists(cur) && !File.Exists(cur) && Path.GetDirectoryName(cur) is { } parent)
        {
            tail.Insert(0, Path.GetFileName(cur));
            cur = parent;
        }
        string real = RealPath(cur) ?? cur;
        return tail.Count == 0 ? real : Path.Combine([real, .. tail]);
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="outer"/> or a path inside it (both resolved).</summary>
    public static bool IsSameOrInside(string inner, string outer)
    {
        string i = Resolved(inner), o = Resolved(outer);
        return i == o || i.StartsWith(o.EndsWith(Path.DirectorySeparatorChar) ? o : o + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    static extern nint realpath(string path, nint resolved);

    [DllImport("libc", EntryPoint = "free")]
    static extern void free(nint p);

    static string? RealPath(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            nint r = realpath(path, 0);
            if (r == 0) return null;
            try { return Marshal.PtrToStringUTF8(r); } finally { free(r); }
        }
        catch (DllNotFoundException) { return null; }
        catch (EntryPointNotFoundException) { return null; }
    }

    static bool Same(string a, string b)
    {
        string fa = Resolved(a), fb = Resolved(b);
        if (fa == fb) return true;
        return Stat(fa, out var sa) && Stat(fb, out var sb) && sa.Device == sb.Device && sa.Inode == sb.Inode;
    }

    const uint FileTypeMask = 0xF000, RegularFile = 0x8000;

    readonly record struct StatInfo(ulong Device, ulong Inode, uint Mode);

    // glibc's struct stat on x86-64 and aarch64 starts with st_dev (8 bytes) and st_ino (8); st_mode is at byte 24 on
    // x86-64 (after the 8-byte st_nlink) and 16 on aarch64 (before a 4-byte st_nlink).
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    static extern int stat(string path, byte* buf);

    static bool Stat(string path, out StatInfo info)
    {
        byte* buf = stackalloc byte[256];
        info = default;
        if (stat(path, buf) != 0) return false;
        int modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        info = new StatInfo(*(ulong*)buf, *(ulong*)(buf + 8), *(uint*)(buf + modeOffset));
        return true;
    }
}
