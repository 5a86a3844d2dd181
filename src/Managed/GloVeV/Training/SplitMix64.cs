namespace GloVeV.Training;

/// <summary>A tiny seeded generator whose stream is fixed by its definition (not by a runtime version).</summary>
public struct SplitMix64(ulong seed)
{
    ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2^-32 for n &lt; 2^32).</summary>
    public long NextBelow(long n) => (long)(((UInt128)Next() * (ulong)n) >> 64);

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A seed for stream <paramref name="stream"/> derived from a base seed.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        var g = new SplitMix64(seed ^ (0xD1B54A32D192ED03UL * (stream + 1)));
        return g.Next();
    }
}
