using GloVeV.Cooccurrence;

namespace GloVeV.Training;

/// <summary>The non-zeros of one side of the co-occurrence matrix, a row at a time: the rows of X for the word-side
/// solves, the rows of X^T (the columns of X) for the context side.</summary>
public abstract class SparseRows
{
    public abstract int Rows { get; }
    public abstract long NonZeros { get; }
    public abstract ReadOnlySpan<int> Indices(int r);
    public abstract ReadOnlySpan<double> Values(int r);
    public int Length(int r) => Indices(r).Length;

    /// <summary>The rows of X as stored.</summary>
    public static SparseRows Of(CsrMatrix x) => new CsrRows(x);

    /// <summary>The rows of X^T. A matrix whose metadata says it is symmetric is its own transpose (GloVe's
    /// co-occurrence counts are, unless counted with <c>--asymmetric</c>); otherwise the transpose is built in memory
    /// (12 bytes per non-zero).</summary>
    public static SparseRows TransposeOf(CsrMatrix x)
    {
        if (x.Metadata.TryGetValue("symmetric", out var s) && s == "true") return new CsrRows(x);
        return Transpose(new CsrRows(x));
    }

    /// <summary>The non-zeros of <paramref name="x"/> for which <paramref name="keep"/>(row, column) holds, in memory.</summary>
    public static SparseRows Filter(SparseRows x, Func<int, int, bool> keep)
    {
        var ptr = new long[x.Rows + 1];
        var idx = new List<int>(); var val = new List<double>();
        for (int r = 0; r < x.Rows; r++)
        {
            var c = x.Indices(r); var v = x.Values(r);
            for (int t = 0; t < c.Length; t++) if (keep(r, c[t])) { idx.Add(c[t]); val.Add(v[t]); }
            ptr[r + 1] = idx.Count;
        }
        return new InMemoryRows(ptr, idx.ToArray(), val.ToArray());
    }

    sealed class CsrRows(CsrMatrix x) : SparseRows
    {
        public override int Rows => x.Rows;
        public override long NonZeros => x.NonZeros;
        public override ReadOnlySpan<int> Indices(int r) => x.RowIndices(r);
        public override ReadOnlySpan<double> Values(int r) => x.RowValues(r);
    }

    sealed class InMemoryRows(long[] ptr, int[] idx, double[] val) : SparseRows
    {
        readonly long[] _ptr = ptr;
        readonly int[] _idx = idx;
        readonly double[] _val = val;
        public override int Rows => _ptr.Length - 1;
        public override long NonZeros => _idx.LongLength;
        public override ReadOnlySpan<int> Indices(int r) => _idx.AsSpan((int)_ptr[r], (int)(_ptr[r + 1] - _ptr[r]));
        public override ReadOnlySpan<double> Values(int r) => _val.AsSpan((int)_ptr[r], (int)(_ptr[r + 1] - _ptr[r]));
    }

    /// <summary>The transpose of any rows, in memory.</summary>
    public static SparseRows Transpose(SparseRows x)
    {
        int n = x.Rows;
        var ptr = new long[n + 1];
        for (int i = 0; i < n; i++) foreach (int j in x.Indices(i)) ptr[j + 1]++;
        for (int j = 0; j < n; j++) ptr[j + 1] += ptr[j];
        var idx = new int[ptr[n]]; var val = new double[ptr[n]];
        var next = (long[])ptr.Clone();
        for (int i = 0; i < n; i++)
        {
            var cols = x.Indices(i); var vals = x.Values(i);
            for (int t = 0; t < cols.Length; t++) { long k = next[cols[t]]++; idx[k] = i; val[k] = vals[t]; }
        }
        return new InMemoryRows(ptr, idx, val);
    }
}
