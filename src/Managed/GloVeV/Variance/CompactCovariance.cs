using GloVeV.Native;

namespace GloVeV.Variance;

public enum CompactForm { Diagonal, Svd, Complete }

/// <summary>
/// The compact storage of one covariance: the first form (diagonal &lt; rank-r SVD &lt; complete) whose reconstruction
/// ratio sqrt(1 - ||Sigma - approx||_F^2 / ||Sigma||_F^2) reaches the target. For the diagonal that is the share of
/// Frobenius energy on the diagonal; for rank r the share kept by r Ritz pairs, stated exactly for the stored form. The
/// rank is the smallest the Ritz pairs allow: the exact minimum or a little above it (measured: +0-1 at D = 100, up to
/// +5 at D = 300 with slowly decaying spectra), never below it.
/// </summary>
public sealed class CompactCovariance
{
    public CompactForm Form { get; private init; }
    public int Rank { get; private init; }
    public double Ratio { get; private init; }
    /// <summary>Diagonal: [D]; Svd: U [D, r] row-major then s [r]; Complete: [D, D].</summary>
    public double[] Diagonal { get; private init; } = [];
    public double[] U { get; private init; } = [];
    public double[] S { get; private init; } = [];
    public double[] Full { get; private init; } = [];
    /// <summary>Which Rayleigh-Ritz pass chose the form (1 or 2), or 0 for the diagonal test and the exact
    /// eigen-decomposition (tests check that the cheap passes are the ones taken).</summary>
    internal int RitzPass { get; private init; }

    /// <summary>Largest rank the Ritz subspace is asked to hold, its extra directions (they make the leading Ritz pairs
    /// accurate) and its block power steps.</summary>
    const int SubspaceRank = 24, SubspaceOversampling = 8, SubspacePowers = 2;

    public static unsafe CompactCovariance Choose(ReadOnlySpan<double> sigma, int d, double target)
    {
        double fro2 = 0, diag2 = 0;
        for (int q = 0; q < d; q++)
            for (int u = 0; u < d; u++)
            {
                double v = sigma[q * d + u];
                fro2 += v * v;
                if (q == u) diag2 += v * v;
            }
        if (fro2 == 0 || Math.Sqrt(diag2 / fro2) >= target)
        {
            var dg = new double[d];
            for (int q = 0; q < d; q++) dg[q] = sigma[q * d + q];
            return new CompactCovariance { Form = CompactForm.Diagonal, Diagonal = dg, Ratio = fro2 == 0 ? 1 : Math.Sqrt(diag2 / fro2) };
        }
        // Most covariances need a few leading directions (gutenberg_10M, D = 100: ranks 1-49, median ~15-25 by how far
        // training went). Rayleigh-Ritz on a small power-iterated subspace finds them with DGEMM and QR only; the kept
        // share it reports is exact for the stored form (see RitzTop). A covariance the small subspace cannot hold gets
        // one more try with the largest subspace a rank-r form can use (r <= rMax) before the exact eigen-decomposition:
        // on an under-trained model half the words need ranks 25-49, where the Ritz pass costs a third of the two
        // dsyevr calls below.
        int rMax = (d * d - 1) / (2 * d + 1);
        int first = Math.Min(rMax, SubspaceRank);
        // The second pass only where it can hold clearly more than the first (from D = 65 on).
        ReadOnlySpan<int> passes = rMax >= SubspaceRank + SubspaceOversampling ? [first, rMax] : [first];
        for (int pass = 0; pass < passes.Length; pass++)
        {
            int rSub = passes[pass], k = rSub + SubspaceOversampling;
            if (rSub < 1 || k >= d) continue;
            var found = RitzForm(sigma, d, rSub, k, fro2, target, pass + 1);
            if (found != null) return found;
        }
        // The eigenvalues alone choose the rank; eigenvectors are computed only for the rank-r form, and only r of them.
        var a = sigma.ToArray();
        var w = new double[d];
        fixed (double* pa = a, pw = w) DenseLinearAlgebra.SymmetricEigenTop(pa, d, d, pw, null);
        // Eigenvalues ascending: take from the top until the captured energy reaches the target.
        double captured = 0;
        int r = 0;
        while (r < d)
        {
            double l = w[d - 1 - r];
            captured += l * l;
            r++;
            if (Math.Sqrt(Math.Min(1, captured / fro2)) >= target) break;
        }
        double ratio = Math.Sqrt(Math.Min(1, captured / fro2));
        if ((long)2 * d * r + r >= (long)d * d)
            return new CompactCovariance { Form = CompactForm.Complete, Full = sigma.ToArray(), Ratio = 1 };
        var top = new double[r];
        var z = new double[d * r];
        fixed (double* pa = a, pt = top, pz = z) DenseLinearAlgebra.SymmetricEigenTop(pa, d, r, pt, pz);
        var uu = new double[d * r];
        var s = new double[r];
        for (int e = 0; e < r; e++)
        {
            int col = r - 1 - e; // ascending: the largest is last
            s[e] = top[col];
            for (int q = 0; q < d; q++) uu[q * r + e] = z[col * d + q];
        }
        return new CompactCovariance { Form = CompactForm.Svd, Rank = r, U = uu, S = s, Ratio = ratio };
    }

    /// <summary>The smallest rank r &lt;= <paramref name="rSub"/> whose Ritz pairs (subspace of <paramref name="k"/>)
    /// keep the target share, as an Svd form; null when the subspace does not reach it.</summary>
    static unsafe CompactCovariance? RitzForm(ReadOnlySpan<double> sigma, int d, int rSub, int k, double fro2, double target, int pass)
    {
        var theta = new double[k];
        var uk = new double[d * k];
        fixed (double* ps = sigma, pt = theta, pu = uk) DenseLinearAlgebra.RitzTop(ps, d, k, SubspacePowers, pt, pu);
        double got = 0;
        for (int rr = 1; rr <= rSub; rr++)
        {
            double l = theta[k - rr];
            got += l * l;
            if (Math.Sqrt(Math.Min(1, got / fro2)) < target) continue;
            var u1 = new double[d * rr];
            var s1 = new double[rr];
            for (int e = 0; e < rr; e++)
            {
                int col = k - 1 - e;
                s1[e] = theta[col];
                for (int q = 0; q < d; q++) u1[q * rr + e] = uk[col * d + q];
            }
            return new CompactCovariance { Form = CompactForm.Svd, Rank = rr, U = u1, S = s1, Ratio = Math.Sqrt(Math.Min(1, got / fro2)), RitzPass = pass };
        }
        return null;
    }

    /// <summary>The matrix this form stands for (D x D).</summary>
    public double[] Reconstruct(int d) => Form switch
    {
        CompactForm.Complete => (double[])Full.Clone(),
        CompactForm.Diagonal => Enumerable.Range(0, d * d).Select(k => k / d == k % d ? Diagonal[k / d] : 0.0).ToArray(),
        _ => SvdProduct(U, S, d, Rank),
    };

    /// <summary>U diag(s) U^T for U [D, r] row-major (Vt = U^T for a symmetric matrix).</summary>
    public static double[] SvdProduct(double[] u, double[] s, int d, int r)
    {
        var m = new double[d * d];
        for (int q = 0; q < d; q++)
            for (int v = 0; v < d; v++)
            {
                double acc = 0;
                for (int e = 0; e < r; e++) acc += u[q * r + e] * s[e] * u[v * r + e];
                m[q * d + v] = acc;
            }
        return m;
    }
}
