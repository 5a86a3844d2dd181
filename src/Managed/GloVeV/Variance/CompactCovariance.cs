using GloVeV.Native;

namespace GloVeV.Variance;

public enum CompactForm { Diagonal, Svd, Complete }

/// <summary>
/// The compact storage of one covariance: the first form (diagonal &lt; rank-r SVD &lt; complete) whose reconstruction
/// ratio sqrt(1 - ||Sigma - approx||_F^2 / ||Sigma||_F^2) reaches the target. For the diagonal that is the share of
/// Frobenius energy on the diagonal (exact); for rank r the share kept by r Ritz pairs found in single precision, stated
/// to ~1e-6 for the stored form, which clears the target by a margin larger than that. The rank is the smallest the
/// Ritz pairs allow: the exact minimum or a little above it, never below it (measured over every word of gutenberg_10M
/// models at D = 100: +0.03 on average after 25 epochs, +0.35 after 1 epoch, at most +2; known spectra at
/// D = 50-300: +0-2).
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
    /// <summary>Which Rayleigh-Ritz pass chose the form (1, 2, ...), or 0 for the diagonal test and the exact
    /// eigen-decomposition (tests check that the cheap passes are the ones taken).</summary>
    internal int RitzPass { get; private init; }

    /// <summary>The first Ritz subspace asked to hold r ranks has max(6, r / 3) extra directions, later ones 8, and each
    /// takes this many block power steps. Extra directions make the leading Ritz pairs accurate (with a fixed 8, ranks
    /// near 80 at D = 300 came out 5-7 above the minimum); a third power step buys the same accuracy with fewer of them,
    /// and the k x k eigenproblem they feed is the dearest step: 3 steps and r / 3 against 2 and r / 2 were 12-18%
    /// cheaper on a 25-epoch gutenberg_10M model at D = 100 with ranks 0.03 above the minimum on average instead of 0.05,
    /// and as cheap with 0.35 instead of 0.49 on a 1-epoch one (GloVeV.Bench compact).</summary>
    const int FirstOversamplingMin = 6, FirstOversamplingDivisor = 3, MinOversampling = 8, SubspacePowers = 3;

    /// <summary>
    /// The first Ritz subspace is sized by the participation ratio tr(Σ)² / ||Σ||²_F (the effective number of
    /// eigenvalues, free to compute): the rank that keeps a 0.9 share was 0.26-0.76 of it, median 0.38-0.64, over
    /// gutenberg_10M covariances of a 1-epoch and a 25-epoch model at D = 100. Half of it, plus the extra directions a pass
    /// may take, held every rank-r form of the 25-epoch model and 89% of the 1-epoch model's in one pass (99% with half
    /// of it as extra directions and two power steps, which cost more in all); a subspace sized for the largest
    /// rank would cost 2-3x as much on the many covariances that need ranks near 10. A word it does not hold gets larger
    /// subspaces next, so the guess only decides the cost, never the form.
    /// </summary>
    const double RankPerParticipation = 0.5;

    public static CompactCovariance Choose(ReadOnlySpan<double> sigma, int d, double target)
    {
        double trace = 0;
        for (int q = 0; q < d; q++) trace += sigma[q * d + q];
        return Choose(sigma, d, target, Simd.SumOfSquares(sigma[..(d * d)]), trace);
    }

    /// <summary>The same, with ||Σ||²_F and tr(Σ) already known (the variance solver computes both for every
    /// covariance, so the engine does not sum the matrix twice).</summary>
    public static unsafe CompactCovariance Choose(ReadOnlySpan<double> sigma, int d, double target, double fro2, double trace)
    {
        // A covariance whose squared entries overflow has no share to state: it is kept complete (exact).
        if (!double.IsFinite(fro2))
            return new CompactCovariance { Form = CompactForm.Complete, Full = sigma.ToArray(), Ratio = 1 };
        double diag2 = 0;
        for (int q = 0; q < d; q++) diag2 += sigma[q * d + q] * sigma[q * d + q];
        if (fro2 == 0 || Math.Sqrt(diag2 / fro2) >= target)
        {
            var dg = new double[d];
            for (int q = 0; q < d; q++) dg[q] = sigma[q * d + q];
            return new CompactCovariance { Form = CompactForm.Diagonal, Diagonal = dg, Ratio = fro2 == 0 ? 1 : Math.Sqrt(diag2 / fro2) };
        }
        // Most covariances need a few leading directions (gutenberg_10M, D = 100: ranks 1-49, median ~10-25 by how far
        // training went). Rayleigh-Ritz on a small power-iterated subspace finds them with GEMM and QR only; the kept
        // share it reports holds for the stored form (see RitzTopSingle). A covariance the first subspace cannot hold gets
        // larger ones, up to the largest a rank-r form can use (r <= rMax), before the exact eigen-decomposition.
        int rMax = (d * d - 1) / (2 * d + 1);
        double participation = trace * trace / fro2;
        // (rMax is 0 at D = 2: no rank-r form is smaller than the complete one, and the loop below does not run.)
        int guess = (int)Math.Clamp(Math.Ceiling(RankPerParticipation * participation), 1, Math.Max(1, rMax));
        // A subspace that does not hold the target is followed by one asked for twice the ranks it could take (a flat
        // leading block needs 0.8 of the participation ratio, which the first guess misses).
        int held = 0, asked = guess;
        for (int pass = 1; held < rMax; pass++)
        {
            asked = Math.Min(asked, rMax);
            // Later subspaces are asked for about twice the ranks needed, which leaves room enough with 8 extra
            // directions (half their ranks made a flat block at D = 100 cost 2.5x the exact eigen-decomposition).
            int over = pass == 1 ? Math.Max(FirstOversamplingMin, (asked + FirstOversamplingDivisor - 1) / FirstOversamplingDivisor) : MinOversampling, k = asked + over;
            if (k >= d) break;
            // The pass may take half of its extra directions too: their Ritz values are accurate enough to stop at.
            int accept = Math.Min(rMax, asked + over / 2);
            var found = RitzForm(sigma, d, accept, k, fro2, target, pass);
            if (found != null) return found;
            held = accept;
            asked = 2 * accept;
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

    [ThreadStatic] static double[]? t_theta, t_vectors;

    /// <summary>A bound on what the single-precision Ritz pairs may be off by in the kept share (at most 3.5e-7 seen on known
    /// spectra at D = 50-800 and scales 1e-150-1e150; see RitzTopSingle): a rank-r form is taken only when its estimated
    /// share clears the target by this much, so the stored form keeps the target whatever the rounding.</summary>
    const double SinglePrecisionMargin = 1e-5;

    /// <summary>The smallest rank r &lt;= <paramref name="rSub"/> whose Ritz pairs (subspace of <paramref name="k"/>, in
    /// single precision) keep the target share, as an Svd form; null when the subspace does not reach it.</summary>
    static unsafe CompactCovariance? RitzForm(ReadOnlySpan<double> sigma, int d, int rSub, int k, double fro2, double target, int pass)
    {
        // Per-thread buffers: a fresh 30 KB a word (D = 100) was most of what the compact choice allocated, and the
        // collections that caused slowed the covariance computation running beside it.
        var theta = t_theta is { } tt && tt.Length >= k ? tt : (t_theta = new double[k]);
        var uk = t_vectors is { } tv && tv.Length >= d * k ? tv : (t_vectors = new double[d * k]);
        fixed (double* ps = sigma, pt = theta, pu = uk) DenseLinearAlgebra.RitzTopSingle(ps, d, k, SubspacePowers, pt, pu);
        double got = 0;
        for (int rr = 1; rr <= rSub; rr++)
        {
            double l = theta[k - rr];
            got += l * l;
            double ratio = Math.Sqrt(Math.Min(1, got / fro2));
            if (!(ratio >= target + SinglePrecisionMargin)) continue; // (NaN never passes)
            var u1 = new double[d * rr];
            var s1 = new double[rr];
            for (int e = 0; e < rr; e++)
            {
                int col = k - 1 - e;
                s1[e] = theta[col];
                for (int q = 0; q < d; q++) u1[q * rr + e] = uk[col * d + q];
            }
            return new CompactCovariance { Form = CompactForm.Svd, Rank = rr, U = u1, S = s1, Ratio = ratio, RitzPass = pass };
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
