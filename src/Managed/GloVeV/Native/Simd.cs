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
}
