using System.Runtime.InteropServices;
using GloVeV.IO;

namespace GloVeV.Cooccurrence;

/// <summary>
/// The co-occurrence matrix in compressed sparse row form, memory-mapped from
/// <c>cooccurrence.csr.safetensors</c> (tensors <c>indptr</c> I64 [V+1], <c>indices</c> I32 [nnz] 0-based,
/// <c>data</c> F64 [nnz]; rows sorted by column). Row i is word i of <c>vocab.txt</c>.
/// </summary>
public sealed unsafe class CsrMatrix : IDisposable
{
    public const string FileName = "cooccurrence.csr.safetensors";
    readonly SafeTensorsFile _file;
    readonly long* _indptr;
    readonly int* _indices;
    readonly double* _data;

    public int Rows { get; }
    public long NonZeros { get; }
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;
    public string Path => _file.Path;

    CsrMatrix(SafeTensorsFile file)
    {
        _file = file;
        var ip = file.Expect("indptr", [-1], TensorDType.I64);
        if (ip.Shape[0] < 1) throw new GloVeVException($"{file.Path}: indptr is empty");
        Rows = (int)(ip.Shape[0] - 1);
        var ix = file.Expect("indices", [-1], TensorDType.I32);
        NonZeros = ix.Shape[0];
        file.Expect("data", [NonZeros], TensorDType.F64);
        _indptr = (long*)file.Pointer(ip);
        _indices = (int*)file.Pointer(ix);
        _data = (double*)file.Pointer(file.Entry("data"));
        if (_indptr[0] != 0 || _indptr[Rows] != NonZeros) throw new GloVeVException($"{file.Path}: indptr does not span the {NonZeros} non-zeros");
        for (int i = 0; i < Rows; i++)
        {
            long a = _indptr[i], b = _indptr[i + 1];
            if (b < a) throw new GloVeVException($"{file.Path}: indptr decreases at row {i}");
            for (long k = a; k < b; k++)
            {
                if ((uint)_indices[k] >= (uint)Rows || (k > a && _indices[k] <= _indices[k - 1]))
                    throw new GloVeVException($"{file.Path}: row {i} has a column id out of range or out of order");
                double x = _data[k];
                if (!(x > 0) || double.IsInfinity(x))
                    throw new GloVeVException($"{file.Path}: entry ({i}, {_indices[k]}) is {x.ToString(System.Globalization.CultureInfo.InvariantCulture)}; co-occurrence values must be finite and positive");
            }
        }
    }

    public static CsrMatrix Open(string path) => new(new SafeTensorsFile(path));

    /// <summary>Refuses a matrix whose file was truncated or rewritten in place since it was opened (its mapping would
    /// fault): readers that hand rows out one call at a time (the C ABI) ask before each.</summary>
    public void CheckUnchanged() => _file.CheckUnchanged();

    /// <summary>
    /// Opens the matrix of a co-occurrence folder: our CSR file when present, else GloVe C's <c>cooccurrence.bin</c>
    /// (converted once to CSR next to it). Checks the size against the vocabulary. <paramref name="dir"/> may also
    /// name a file: the folder's <c>cooccurrence.bin</c> or CSR file (the folder is opened), or another GloVe C
    /// <c>NAME.bin</c> (e.g. GloVe C's <c>cooccurrence.shuf.bin</c>), converted once to <c>NAME.csr.safetensors</c>
    /// beside it.
    /// </summary>
    public static CsrMatrix OpenDirectory(string dir, int vocabSize) => OpenDirectory(dir, vocabSize, null, null);

    /// <summary>
    /// As <see cref="OpenDirectory(string, int)"/>, and checks provenance: the folder is complete (its manifest), the
    /// CSR mirrors the current <c>cooccurrence.bin</c> (a converted cache is rebuilt when the .bin changed; a
    /// changed .bin in a folder we wrote is an error), and the matrix was counted with <paramref name="vocab"/>.
    /// </summary>
    public static CsrMatrix OpenDirectory(string dir, Text.Vocabulary vocab, string vocabPath) => OpenDirectory(dir, vocab.Count, vocab, vocabPath);

    /// <summary>GloVe C's name for its co-occurrence file, as a co-occurrence folder holds it.</summary>
    public const string GloVeBinaryName = "cooccurrence.bin";

    /// <summary>What the user named as the co-occurrence input: the folder, and the names of the .bin and CSR files in it.</summary>
    static (string Dir, string Bin, string Csr) Locate(string path)
    {
        var name = System.IO.Path.GetFileName(path.TrimEnd('/', System.IO.Path.DirectorySeparatorChar));
        string Parent() => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        // A folder being swapped (a killed writer) is set right before its files are looked for.
        if (!File.Exists(path) && !Directory.Exists(path) && name is GloVeBinaryName or FileName) IO.AtomicDirectory.Recover(Parent());
        if (!File.Exists(path)) return (path, GloVeBinaryName, FileName);
        if (name is GloVeBinaryName or FileName) return (Parent(), GloVeBinaryName, FileName);
        if (name.EndsWith(".bin", StringComparison.Ordinal) && name.Length > 4) return (Parent(), name, name[..^4] + ".csr.safetensors");
        throw new GloVeVException($"{path} is a file, but neither GloVe C's co-occurrence file (NAME.bin) nor {FileName}; give a co-occurrence folder (made by cooccur, or holding GloVe C's {GloVeBinaryName}) or a GloVe C .bin file");
    }

    /// <summary>The folder a co-occurrence input names (itself, or the folder of a named .bin or CSR file).</summary>
    public static string FolderOf(string path) => File.Exists(path) ? Locate(path).Dir : path;

    static CsrMatrix OpenDirectory(string path, int vocabSize, Text.Vocabulary? vocab, string? vocabPath)
    {
        var (dir, binName, csrName) = Locate(path);
        IO.AtomicDirectory.Recover(dir); // a killed swap may have left the folder aside
        if (!Directory.Exists(dir))
            throw new MissingFileException($"{dir}: co-occurrence folder not found (give a folder made by cooccur, a folder holding GloVe C's {GloVeBinaryName}, or a GloVe C .bin file)");
        IO.AtomicDirectory.Verify(dir);
        var csr = System.IO.Path.Combine(dir, csrName);
        var bin = System.IO.Path.Combine(dir, binName);
        if (!File.Exists(csr))
        {
            if (!File.Exists(bin)) throw new MissingFileException($"{dir}: neither {FileName} nor {GloVeBinaryName} found (give a folder made by cooccur, a folder holding GloVe C's {GloVeBinaryName}, or a GloVe C .bin file)");
            FromGloVeBinary(bin, vocabSize, csr, vocab);
        }
        else if (File.Exists(bin) && Stale(csr, bin))
            FromGloVeBinary(bin, vocabSize, csr, vocab);
        var m = Open(csr);
        if (m.Rows != vocabSize)
        {
            m.Dispose();
            throw new GloVeVException($"{csr}: matrix has {m.Rows} rows but the vocabulary{(vocabPath != null ? " " + vocabPath : "")} has {vocabSize} words (mismatched co-occurrence and vocabulary)");
        }
        if (vocab != null)
        {
            try { IO.Provenance.CheckVocab(m.Metadata, csr, vocab, vocabPath!); }
            catch { m.Dispose(); throw; }
        }
        return m;
    }

    /// <summary>Does the CSR file no longer mirror the .bin beside it? A converted cache: rebuild. Ours: error.</summary>
    static bool Stale(string csr, string bin)
    {
        Dictionary<string, string> meta;
        using (var f = new SafeTensorsFile(csr)) meta = new(f.Metadata);
        var (bytes, mtime) = IO.Provenance.Stat(bin);
        bool converted = meta.ContainsKey("source");
        if (meta.TryGetValue("source_bytes", out var rb) && meta.TryGetValue("source_sha256", out var rh))
        {
            bool same;
            if (rb != bytes) same = false;
            else if (meta.TryGetValue("source_mtime", out var rm) && rm == mtime) same = true;
            // Ours (no recorded time, so the CSR stays byte-identical across runs): the .bin was written first, so a
            // .bin newer than the CSR was replaced since.
            else if (!meta.ContainsKey("source_mtime") && File.GetLastWriteTimeUtc(bin) <= File.GetLastWriteTimeUtc(csr)) same = true;
            else same = IO.AtomicDirectory.Sha256(bin) == rh;
            if (same) return false;
            if (converted) return true;
            // The folder's manifest lists both files, so deleting the CSR would only make the folder incomplete: the
            // new file is usable from a folder of its own, where it is GloVe C's file and is converted.
            throw new GloVeVException($"{bin} changed after {csr} was written from it ({(rb != bytes ? $"{bytes} bytes now, {rb} recorded" : "same size, other content")}), so the folder no longer holds one matrix; " +
                $"recount into this folder with cooccur, or, to use the new file, put it in a folder of its own and give that folder (or the file itself there): it is then read as GloVe C's file and converted");
        }
        // Made by an earlier version: rebuild a converted cache that is older than its source.
        return converted && File.GetLastWriteTimeUtc(bin) > File.GetLastWriteTimeUtc(csr);
    }

    public long RowStart(int i) => _indptr[i];
    public int RowLength(int i) => (int)(_indptr[i + 1] - _indptr[i]);
    public ReadOnlySpan<int> RowIndices(int i) => new(_indices + _indptr[i], RowLength(i));
    public ReadOnlySpan<double> RowValues(int i) => new(_data + _indptr[i], RowLength(i));
    public ReadOnlySpan<int> AllIndices => new(_indices, checked((int)NonZeros));
    public ReadOnlySpan<double> AllValues => new(_data, checked((int)NonZeros));

    /// <summary>X[i, j] (0 when absent).</summary>
    public double Get(int i, int j)
    {
        var cols = RowIndices(i);
        int k = cols.BinarySearch(j);
        return k >= 0 ? RowValues(i)[k] : 0;
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Writes the CSR file from a (row, col)-sorted, duplicate-free stream that can be replayed.</summary>
    public static void Write(string path, long[] rowCounts, Action<Action<int, int, double>> replay, IReadOnlyDictionary<string, string> metadata)
    {
        Write(path, rowCounts, w =>
        {
            var ibuf = new int[65536]; int fill = 0;
            replay((_, j, _) => { ibuf[fill++] = j; if (fill == ibuf.Length) { w.Write<int>(ibuf); fill = 0; } });
            w.Write<int>(ibuf.AsSpan(0, fill));
        }, w =>
        {
            var dbuf = new double[65536]; int fill = 0;
            replay((_, _, x) => { dbuf[fill++] = x; if (fill == dbuf.Length) { w.Write<double>(dbuf); fill = 0; } });
            w.Write<double>(dbuf.AsSpan(0, fill));
        }, metadata);
    }

    /// <summary>Writes the CSR file: the header and indptr, then <paramref name="writeIndices"/> writes the nnz column
    /// ids and <paramref name="writeValues"/> the nnz values, both in (row, col) order.</summary>
    static void Write(string path, long[] rowCounts, Action<SafeTensorsWriter> writeIndices, Action<SafeTensorsWriter> writeValues,
        IReadOnlyDictionary<string, string> metadata)
    {
        using var w = BeginWrite(path, rowCounts, metadata);
        writeIndices(w);
        writeValues(w);
        w.Commit();
    }

    /// <summary>A CSR file's writer with its header and indptr written; indices (I32) and data (F64) follow, nnz each.</summary>
    static SafeTensorsWriter BeginWrite(string path, long[] rowCounts, IReadOnlyDictionary<string, string> metadata)
    {
        int v = rowCounts.Length;
        long nnz = rowCounts.Sum();
        var indptr = new long[v + 1];
        for (int i = 0; i < v; i++) indptr[i + 1] = indptr[i] + rowCounts[i];
        var w = new SafeTensorsWriter(path, [
            new TensorSpec("indptr", TensorDType.I64, [v + 1]),
            new TensorSpec("indices", TensorDType.I32, [nnz]),
            new TensorSpec("data", TensorDType.F64, [nnz]),
        ], metadata);
        try { w.Write<long>(indptr); }
        catch { w.Dispose(); throw; }
        return w;
    }

    /// <summary>Converts a GloVe C <c>cooccurrence.bin</c> made elsewhere (sorted or shuffled; a pair listed twice is
    /// an error), recording the source's size, time and hash so a changed source is noticed.</summary>
    public static void FromGloVeBinary(string binPath, int vocabSize, string csrPath, Text.Vocabulary? vocab = null)
    {
        long n = GloVeBinaryReader.RecordCount(binPath);
        var (bytes, mtime) = IO.Provenance.Stat(binPath);
        var keys = new ulong[n];
        var vals = new double[n];
        long k = 0;
        bool sorted = true;
        GloVeBinaryReader.ForEach(binPath, vocabSize, r =>
        {
            keys[k] = ((ulong)(uint)(r.Word1 - 1) << 32) | (uint)(r.Word2 - 1);
            vals[k] = r.Value;
            if (k > 0 && keys[k] <= keys[k - 1])
            {
                if (keys[k] == keys[k - 1]) throw DuplicateError(binPath, keys[k], k);
                sorted = false;
            }
            k++;
        });
        if (!sorted) Array.Sort(keys, vals);
        for (long r = 1; r < n; r++)
            if (keys[r] == keys[r - 1]) throw DuplicateError(binPath, keys[r], -1);
        var rowCounts = new long[vocabSize];
        for (long r = 0; r < n; r++) rowCounts[keys[r] >> 32]++;
        var meta = new Dictionary<string, string>
        {
            ["vocab_size"] = vocabSize.ToString(), ["source"] = System.IO.Path.GetFileName(binPath),
            ["source_bytes"] = bytes, ["source_mtime"] = mtime, ["source_sha256"] = IO.AtomicDirectory.Sha256(binPath),
        };
        if (vocab != null) meta["vocab_hash"] = vocab.Hash();
        Write(csrPath, rowCounts, emit => { for (long r = 0; r < n; r++) emit((int)(keys[r] >> 32), (int)(uint)keys[r], vals[r]); }, meta);
    }

    static GloVeVException DuplicateError(string path, ulong key, long record) =>
        new($"{path}: {(record >= 0 ? $"record {record}" : "a record")} repeats the pair ({(key >> 32) + 1}, {(uint)key + 1}) (ids 1-based); a co-occurrence file lists each pair once");
}
