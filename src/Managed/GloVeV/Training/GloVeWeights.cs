using System.Runtime.Intrinsics;

namespace GloVeV.Training;

/// <summary>The weights and targets of GloVe's weighted least squares for one row of non-zeros, in the square-root form
/// the solvers gather: sqrt(f(x)) = min(1, (x / x_max)^(alpha/2)) and sqrt(f(x)) (log x - shift - bias_j).</summary>
public static unsafe class GloVeWeights
{
    /// <param name="shift">Subtracted from every target (the row's own bias when it is held fixed, else 0).</param>
    /// <param name="bias">The other side's biases, indexed by <paramref name="cols"/>.</param>
    public static void SqrtWeightsAndTargets(double* x, int* cols, int n, double xMax, double alpha, double shift, float[] bias, double* sf, double* st)
    {
        double logXMax = Math.Log(xMax), halfAlpha = 0.5 * alpha;
        int t = 0;
        var vMax = Vector256.Create(logXMax); var vHalf = Vector256.Create(halfAlpha); var vOne = Vector256.Create(1.0); var vShift = Vector256.Create(shift);
        for (; t + 4 <= n; t += 4)
        {
            var lx = Vector256.Log(Vector256.Load(x + t));
            var s = Vector256.Min(vOne, Vector256.Exp(vHalf * (lx - vMax)));
            s.Store(sf + t);
            var cbv = Vector256.Create(bias[cols[t]], bias[cols[t + 1]], bias[cols[t + 2]], bias[cols[t + 3]]);
            (s * (lx - vShift - cbv)).Store(st + t);
        }
        for (; t < n; t++)
        {
            double lx = Math.Log(x[t]);
            double s = lx >= logXMax ? 1.0 : Math.Exp(halfAlpha * (lx - logXMax));
            sf[t] = s;
            st[t] = s * (lx - shift - bias[cols[t]]);
        }
    }
}
