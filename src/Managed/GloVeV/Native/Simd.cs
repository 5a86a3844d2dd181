using System.Runtime.Intrinsics;

namespace GloVeV.Native;

/// <summary>Vector kernels shared by the stages, and the SIMD level the process runs with.</summary>
public static class Simd
{
    public static string Level =>
        Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512)" :
        Vector256.IsHardwareAccelerated ? "AVX2 (Vector256)" :
        Vector128.IsHardwareAccelerated ? "SSE/NEON (Vector128)" : "scalar";

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        var acc = Vector256<float>.Zero;
        for (; i + 8 <= n; i += 8)
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(a.Slice(i, 8)), Vector256.Create(b.Slice(i, 8)), acc);
        float s = Vector256.Sum(acc);
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Σ x² with four independent accumulators (TensorPrimitives.SumOfSquares took 3-4x as long on a 100 x 100
    /// covariance in the compact-form choice).</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        int n = x.Length, i = 0;
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (; i + 16 <= n; i += 16)
        {
            var v0 = Vector256.Create(x.Slice(i, 4));
            var v1 = Vector256.Create(x.Slice(i + 4, 4));
            var v2 = Vector256.Create(x.Slice(i + 8, 4));
            var v3 = Vector256.Create(x.Slice(i + 12, 4));
            a0 = Vector256.FusedMultiplyAdd(v0, v0, a0);
            a1 = Vector256.FusedMultiplyAdd(v1, v1, a1);
            a2 = Vector256.FusedMultiplyAdd(v2, v2, a2);
            a3 = Vector256.FusedMultiplyAdd(v3, v3, a3);
        }
        double s = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++) s += x[i] * x[i];
        return s;
    }

    /// <summary>y = (float)(x * scale), eight at a time (the scalar loop was most of the managed time of the
    /// single-precision compact-form search).</summary>
    public static void ScaleToSingle(ReadOnlySpan<double> x, double scale, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("output shorter than input", nameof(y));
        int n = x.Length, i = 0;
        var f = Vector256.Create(scale);
        for (; i + 8 <= n; i += 8)
            Vector256.Narrow(Vector256.Create(x.Slice(i, 4)) * f, Vector256.Create(x.Slice(i + 4, 4)) * f).CopyTo(y.Slice(i, 8));
        for (; i < n; i++) y[i] = (float)(x[i] * scale);
    }
}
