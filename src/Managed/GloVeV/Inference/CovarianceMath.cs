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

    /// <summary>
    /// The sampling covariance of a ridge estimator. With a ridge λ the vector is w_hat = A⁻¹ rhs (A = H + λI) and GloVe-V
    /// reports Σ = σ² A⁻¹ (the Gaussian-prior posterior). Around the truth, w_hat varies with σ² A⁻¹ H A⁻¹ =
    /// σ²(A⁻¹ - λA⁻²) = Σ - (λ/σ²) Σ², smaller than Σ; debiasing norms with Σ would subtract too much and push cosines
    /// of noisy words towards ±1. λ = 0 returns Σ itself.
    /// </summary>
    public static double[] RidgeSampling(double[] sigma, int d, double sigma2, double ridge)
    {
        if (ridge == 0) return sigma;
        if (!(ridge > 0) || !(sigma2 > 0) || !double.IsFinite(sigma2))
            throw new GloVeVException($"ridge sampling covariance needs ridge >= 0 and sigma^2 > 0, got {ridge} and {sigma2}");
        var v = new double[d * d];
        double k = ridge / sigma2;
        for (int q = 0; q < d; q++)
            for (int u = 0; u <= q; u++)
            {
                double sq = TensorPrimitives.Dot(new ReadOnlySpan<double>(sigma, q * d, d), new ReadOnlySpan<double>(sigma, u * d, d));
                double x = sigma[q * d + u] - k * sq;
                v[q * d + u] = x; v[u * d + q] = x;
            }
        return v;
    }

    /// <summary>x = mean + L z.</summary>
    public static void Draw(ReadOnlySpan<double> mean, double[]? l, ReadOnlySpan<double> z, Span<double> x)
    {
        int d = mean.Length;
        if (l == null) { mean.CopyTo(x); return; }
        for (int q = 0; q < d; q++) x[q] = mean[q] + TensorPrimitives.Dot(new ReadOnlySpan<double>(l, q * d, d), z);
    }
}
