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
        return new TransposedRows(x);
    }

    sealed class CsrRows(CsrMatrix x) : SparseRows
    {
        public override int Rows => x.Rows;
        public override long NonZeros => x.NonZeros;
        public override ReadOnlySpan<int> Indices(int r) => x.RowIndices(r);
        public override ReadOnlySpan<double> Values(int r) => x.RowValues(r);
    }

    sealed class TransposedRows : SparseRows
    {
        readonly long[] _ptr;
        readonly int[] _idx;
        readonly double[] _val;

        public TransposedRows(CsrMatrix x)
        {
            int n = x.Rows;
            _ptr = new long[n + 1];
            foreach (int j in x.AllIndices) _ptr[j + 1]++;
            for (int j = 0; j < n; j++) _ptr[j + 1] += _ptr[j];
            _idx = new int[x.NonZeros];
            _val = new double[x.NonZeros];
            var next = (long[])_ptr.Clone();
            // Rows of X in order, so every column's entries come out sorted by row.
            for (int i = 0; i < n; i++)
            {
                var cols = x.RowIndices(i); var vals = x.RowValues(i);
                for (int t = 0; t < cols.Length; t++)
                {
                    long k = next[cols[t]]++;
                    _idx[k] = i; _val[k] = vals[t];
                }
            }
        }

        public override int Rows => _ptr.Length - 1;
        public override long NonZeros => _idx.LongLength;
        public override ReadOnlySpan<int> Indices(int r) => _idx.AsSpan((int)_ptr[r], (int)(_ptr[r + 1] - _ptr[r]));
        public override ReadOnlySpan<double> Values(int r) => _val.AsSpan((int)_ptr[r], (int)(_ptr[r + 1] - _ptr[r]));
    }
}
