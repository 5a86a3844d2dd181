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
    /// Undoes a ridge. With a ridge λ the vector is w_hat = A⁻¹ rhs (A = H + λI), shrunk: E w_hat = S w with
    /// S = A⁻¹H = I - (λ/σ²)Σ, Σ = σ² A⁻¹ the reported (posterior) covariance. S⁻¹ w_hat = H⁻¹ rhs is the plain WLS
    /// estimate, unbiased, with covariance σ² H⁻¹ = Σ S⁻¹. Returns (S⁻¹, Σ S⁻¹), or null when S is not positive definite
    /// (H_i singular: without the ridge the word's vector is not determined). λ = 0 returns (null matrix = identity, Σ).
    /// </summary>
    public static (double[]? Unshrink, double[] Covariance)? RidgeUnshrink(double[] sigma, int d, double sigma2, double ridge)
    {
        if (ridge == 0) return (null, sigma);
        if (!(ridge > 0) || !(sigma2 > 0) || !double.IsFinite(sigma2))
            throw new GloVeVException($"undoing the ridge needs ridge >= 0 and sigma^2 > 0, got {ridge} and {sigma2}");
        double k = ridge / sigma2;
        var sm = new double[d * d];
        for (int q = 0; q < d * d; q++) sm[q] = -k * sigma[q];
        for (int q = 0; q < d; q++) sm[q * d + q] += 1;
        double[] inv;
        try { inv = DenseLinearAlgebra.InverseSpd(sm, d); }
        catch (GloVeVException) { return null; }
        // S's eigenvalues are h/(h + λ) for H's eigenvalues h: a numerically zero one (H singular) may survive the
        // factorisation as a tiny pivot; an amplification beyond 1e10 is treated as singular.
        for (int q = 0; q < d; q++) if (!(inv[q * d + q] < 1e10)) return null;
        var cov = new double[d * d];
        for (int q = 0; q < d; q++)
            for (int u = 0; u <= q; u++)
            {
                // Σ S⁻¹ is symmetric (both are functions of Σ); average the two products against rounding.
                double a = 0, b = 0;
                for (int t = 0; t < d; t++) { a += sigma[q * d + t] * inv[t * d + u]; b += sigma[u * d + t] * inv[t * d + q]; }
                cov[q * d + u] = cov[u * d + q] = 0.5 * (a + b);
            }
        return (inv, cov);
    }

    /// <summary>y = M x for a row-major D x D matrix (null M = identity).</summary>
    public static double[] Apply(double[]? m, double[] x)
    {
        if (m == null) return x;
        int d = x.Length;
        var y = new double[d];
        for (int q = 0; q < d; q++) y[q] = TensorPrimitives.Dot(new ReadOnlySpan<double>(m, q * d, d), x);
        return y;
    }

    /// <summary>x = mean + L z.</summary>
    public static void Draw(ReadOnlySpan<double> mean, double[]? l, ReadOnlySpan<double> z, Span<double> x)
    {
        int d = mean.Length;
        if (l == null) { mean.CopyTo(x); return; }
        for (int q = 0; q < d; q++) x[q] = mean[q] + TensorPrimitives.Dot(new ReadOnlySpan<double>(l, q * d, d), z);
    }
}
