using System.Numerics.Tensors;

namespace GloVeV.Training;

/// <summary>Standard normal draws in blocks: Box-Muller on the uniforms of one <see cref="SplitMix64"/> stream, with
/// log, sqrt and sin/cos vectorized over the block (the scalar transcendental functions dominated the cost of drawing
/// thousands of vectors per neighbour query).</summary>
public static class GaussianBlock
{
    /// <summary>Fills <paramref name="z"/> with independent N(0, 1) values; the stream advances by 2 uniforms per pair.</summary>
    public static void Fill(ref SplitMix64 rng, Span<double> z)
    {
        int pairs = (z.Length + 1) / 2;
        var buf = new double[4 * pairs];
        Span<double> u1 = buf.AsSpan(0, pairs), u2 = buf.AsSpan(pairs, pairs), s = buf.AsSpan(2 * pairs, pairs), c = buf.AsSpan(3 * pairs, pairs);
        for (int t = 0; t < pairs; t++) { u1[t] = 1.0 - rng.NextDouble(); u2[t] = rng.NextDouble(); } // u1 in (0, 1]
        TensorPrimitives.Log(u1, u1);
        TensorPrimitives.Multiply(u1, -2.0, u1);
        TensorPrimitives.Sqrt(u1, u1);
        TensorPrimitives.Multiply(u2, 2 * Math.PI, u2);
        TensorPrimitives.SinCos(u2, s, c);
        for (int t = 0; t < pairs; t++)
        {
            z[2 * t] = u1[t] * c[t];
            if (2 * t + 1 < z.Length) z[2 * t + 1] = u1[t] * s[t];
        }
    }
}
