using GloVeV.Native;

namespace GloVeV.Training;

/// <summary>One side's vectors as float32 rows [v_j, 1, 0...] padded to <see cref="PackedGram.PaddedDim"/>(D + 1), on
/// huge pages: the design rows of the other side's least-squares solves. The constant column carries the solved row's
/// own bias, so one gather serves the joint (vector, bias) solve and the vector-only solve with the bias held.</summary>
public sealed unsafe class AugmentedRows : IDisposable
{
    readonly HugePageBuffer _memory;
    public int Dim { get; }
    public int PaddedDim { get; }
    public float* Pointer => (float*)_memory.Pointer;

    public AugmentedRows(int rows, int dim)
    {
        Dim = dim; PaddedDim = PackedGram.PaddedDim(dim + 1);
        _memory = new HugePageBuffer((long)rows * PaddedDim * sizeof(float));
        Rows = rows;
    }

    public int Rows { get; }

    /// <summary>Copies <paramref name="vectors"/> (rows x D, row-major) in and sets the constant column.</summary>
    public void Load(ReadOnlySpan<float> vectors)
    {
        for (int i = 0; i < Rows; i++)
        {
            var dst = new Span<float>(Pointer + (long)i * PaddedDim, PaddedDim);
            vectors.Slice(i * Dim, Dim).CopyTo(dst);
            dst[Dim] = 1f;
        }
    }

    public void Dispose() => _memory.Dispose();
}
