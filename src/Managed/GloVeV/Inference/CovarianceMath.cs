using System.Numerics.Tensors;
using GloVeV.Native;

namespace GloVeV.Inference;

/// <summary>Small dense helpers for propagating covariances.</summary>
public static unsafe class CovarianceMath
{
    /// <summary>g^T Sigma g for a row-major D x D Sigma.</summary>
    public static double Quadratic(ReadOnlySpan<double> g, ReadOnlySpan<double> sigma)
    {
        int d = g.Length;
        double acc = 0;
        for (int q = 0; q < d; q++) acc += g[q] * TensorPrimitives.Dot(sigma.Slice(q * d, d), g);
        return acc;
    }

    /// <summary>L (row-major, lower) with L L^T = Sigma: Cholesky when positive definite, else the symmetric
    /// eigen square root with negative eigenvalues clipped to 0.</summary>
    public static double[] SquareRoot(double[] sigma, int d)
    {
        var a = (double[])sigma.Clone();
        fixed (double* p = a)
        {
            // Column-major lower factor of a symmetric matrix = row-major upper; transpose on the way out.
            if (DenseLinearAlgebra.Cholesky(p, d) == 0)
            {
                var l = new double[d * d];
                for (int col = 0; col < d; col++)
                    for (int row = col; row < d; row++) l[row * d + col] = a[col * d + row];
                return l;
            }
        }
        var b = (double[])sigma.Clone();
        var w = new double[d];
        fixed (double* pb = b, pw = w) DenseLinearAlgebra.SymmetricEigen(pb, d, pw);
        var r = new double[d * d];
        for (int e = 0; e < d; e++)
        {
            double s = Math.Sqrt(Math.Max(0, w[e]));
            for (int q = 0; q < d; q++) r[q * d + e] = b[e * d + q] * s; // column e of V scaled: V diag(sqrt w)
        }
        return r;
    }

    /// <summary>x = mean + L z.</summary>
    public static void Draw(ReadOnlySpan<double> mean, double[]? l, ReadOnlySpan<double> z, Span<double> x)
    {
        int d = mean.Length;
        if (l == null) { mean.CopyTo(x); return; }
        for (int q = 0; q < d; q++) x[q] = mean[q] + TensorPrimitives.Dot(new ReadOnlySpan<double>(l, q * d, d), z);
    }
}
