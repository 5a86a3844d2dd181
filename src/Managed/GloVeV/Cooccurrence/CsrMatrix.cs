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
                if ((uint)_indices[k] >= (uint)Rows || (k > a && _indices[k] <= _indices[k - 1]))
                    throw new GloVeVException($"{file.Path}: row {i} has a column id out of range or out of order");
        }
    }

    public static CsrMatrix Open(string path) => new(new SafeTensorsFile(path));

    /// <summary>
    /// Opens the matrix of a co-occurrence folder: our CSR file when present, else GloVe C's <c>cooccurrence.bin</c>
    /// (converted once to CSR next to it). Checks the size against the vocabulary.
    /// </summary>
    public static CsrMatrix OpenDirectory(string dir, int vocabSize)
    {
        if (!Directory.Exists(dir)) throw new MissingFileException($"{dir}: co-occurrence folder not found");
        var csr = System.IO.Path.Combine(dir, FileName);
        if (!File.Exists(csr))
        {
            var bin = System.IO.Path.Combine(dir, "cooccurrence.bin");
            if (!File.Exists(bin)) throw new MissingFileException($"{dir}: neither {FileName} nor cooccurrence.bin found");
            FromGloVeBinary(bin, vocabSize, csr);
        }
        var m = Open(csr);
        if (m.Rows != vocabSize)
        {
            m.Dispose();
            throw new GloVeVException($"{csr}: matrix has {m.Rows} rows but the vocabulary has {vocabSize} words (mismatched co-occurrence and vocabulary)");
        }
        return m;
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
        int v = rowCounts.Length;
        long nnz = rowCounts.Sum();
        var indptr = new long[v + 1];
        for (int i = 0; i < v; i++) indptr[i + 1] = indptr[i] + rowCounts[i];
        using var w = new SafeTensorsWriter(path, [
            new TensorSpec("indptr", TensorDType.I64, [v + 1]),
            new TensorSpec("indices", TensorDType.I32, [nnz]),
            new TensorSpec("data", TensorDType.F64, [nnz]),
        ], metadata);
        w.Write<long>(indptr);
        var ibuf = new int[65536]; int fill = 0;
        replay((_, j, _) => { ibuf[fill++] = j; if (fill == ibuf.Length) { w.Write<int>(ibuf); fill = 0; } });
        w.Write<int>(ibuf.AsSpan(0, fill));
        var dbuf = new double[65536]; fill = 0;
        replay((_, _, x) => { dbuf[fill++] = x; if (fill == dbuf.Length) { w.Write<double>(dbuf); fill = 0; } });
        w.Write<double>(dbuf.AsSpan(0, fill));
        w.Commit();
    }

    public static void WriteFromSortedBinary(string binPath, long[] rowCounts, string csrPath, IReadOnlyDictionary<string, string> metadata) =>
        Write(csrPath, rowCounts, emit => GloVeBinaryReader.ForEach(binPath, rowCounts.Length, r => emit(r.Word1 - 1, r.Word2 - 1, r.Value)), metadata);

    /// <summary>Converts a GloVe C <c>cooccurrence.bin</c> made elsewhere (sorted or shuffled; duplicates summed).</summary>
    public static void FromGloVeBinary(string binPath, int vocabSize, string csrPath)
    {
        long n = GloVeBinaryReader.RecordCount(binPath);
        var keys = new ulong[n];
        var vals = new double[n];
        long k = 0;
        bool sorted = true;
        GloVeBinaryReader.ForEach(binPath, vocabSize, r =>
        {
            keys[k] = ((ulong)(uint)(r.Word1 - 1) << 32) | (uint)(r.Word2 - 1);
            vals[k] = r.Value;
            if (k > 0 && keys[k] <= keys[k - 1]) sorted = false;
            k++;
        });
        if (!sorted) Array.Sort(keys, vals);
        long m = 0;
        for (long r = 0; r < n; r++)
        {
            if (m > 0 && keys[m - 1] == keys[r]) vals[m - 1] += vals[r];
            else { keys[m] = keys[r]; vals[m] = vals[r]; m++; }
        }
        var rowCounts = new long[vocabSize];
        for (long r = 0; r < m; r++) rowCounts[keys[r] >> 32]++;
        Write(csrPath, rowCounts, emit => { for (long r = 0; r < m; r++) emit((int)(keys[r] >> 32), (int)(uint)keys[r], vals[r]); },
            new Dictionary<string, string> { ["vocab_size"] = vocabSize.ToString(), ["source"] = System.IO.Path.GetFileName(binPath) });
    }
}
