namespace GloVeV.Native;

/// <summary>
/// A pinned array of doubles whose usable part starts on a 64-byte boundary. BLAS kernels may take different code
/// paths (and round differently in the last bit) depending on alignment; giving every worker identically aligned
/// buffers makes a word's result independent of which thread or shard computed it.
/// </summary>
public sealed unsafe class AlignedBuffer
{
    double[] _array = [];
    public double* Pointer { get; private set; }
    public int Length { get; private set; }

    public AlignedBuffer(int length) => Ensure(length);

    /// <summary>Grows (discarding contents) to hold at least <paramref name="length"/> doubles.</summary>
    public void Ensure(int length)
    {
        if (length <= Length && Pointer != null) return;
        _array = GC.AllocateUninitializedArray<double>(Math.Max(1, length) + 8, pinned: true);
        fixed (double* p = _array)
        {
            long addr = (long)p;
            long aligned = (addr + 63) & ~63L;
            Pointer = (double*)aligned;
        }
        Length = length;
    }

    public Span<double> Span => new(Pointer, Length);
}
